// `git-traces after-push` (hidden): the background worker the push interceptor starts
// (src/sync/after-push.ts). Its job arrives in GIT_TRACES_JOB.

import * as v from "valibot";
import { asPending } from "../../interceptors/shared/deferred.ts";
import { afterPush, type PushJob } from "../../sync/after-push.ts";
import { GlobalsSchema, workerCommand } from "../shared/worker-job.ts";

const JobSchema = v.object({
  v: v.literal(1),
  cwd: v.string(),
  globals: GlobalsSchema,
  remote: v.nullable(v.string()),
  noVerify: v.boolean(),
  signed: v.nullable(v.string()),
});

export default workerCommand("after-push", "Send notes after a push (started by the shim)", JobSchema, (job, env) => asPending(env, () => afterPush(job as PushJob, env)));
