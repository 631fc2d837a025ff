// `git-traces after-fetch` (hidden): the background worker the fetch and pull interceptor
// starts (src/jobs/after-fetch.ts). Its job arrives in GIT_TRACES_JOB.

import { fetchWorker } from "../../jobs/after-fetch.ts";
import { FetchJobSchema } from "../../jobs/schemas.ts";
import { workerCommand } from "../shared/worker-job.ts";

export default workerCommand(
  "after-fetch",
  "Merge the notes a fetch brought once git has exited (started by the shim)",
  FetchJobSchema,
  (job, env) => fetchWorker(job, env),
);
