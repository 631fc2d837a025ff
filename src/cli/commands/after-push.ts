// `git-traces after-push` (hidden): the background worker the push interceptor starts
// (src/sync/after-push.ts). Its job arrives in GIT_TRACES_JOB.

import { pushWorker } from "../../jobs/after-push.ts";
import { PushJobSchema } from "../../jobs/schemas.ts";
import { workerCommand } from "../shared/worker-job.ts";

export default workerCommand("after-push", "Send notes after a push (started by the shim)", PushJobSchema, (job, env) =>
  pushWorker(job, env),
);
