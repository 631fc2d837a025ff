// `git-traces after-commit` (hidden): the background worker the shim starts for `git commit`
// (src/jobs/after-commit.ts). Its job arrives in GIT_TRACES_JOB.

import { runCommitWorker } from "../../jobs/after-commit.ts";
import { CommitJobSchema } from "../../jobs/schemas.ts";
import { workerCommand } from "../shared/worker-job.ts";

export default workerCommand(
  "after-commit",
  "Record the traces of a commit once git has made it (started by the shim)",
  CommitJobSchema,
  (job, env) => runCommitWorker(job, env),
);
