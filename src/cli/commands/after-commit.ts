// `git-traces after-commit` (hidden): the background worker the shim starts for `git commit`
// (src/interceptors/shared/deferred.ts). Its job arrives in GIT_TRACES_JOB.

import * as v from "valibot";
import { runCommitWorker } from "../../interceptors/commit-worker.ts";
import type { CommitJob } from "../../interceptors/shared/deferred.ts";
import { GlobalsSchema, workerCommand } from "../shared/worker-job.ts";

const JobSchema = v.object({
  v: v.literal(1),
  pid: v.pipe(v.number(), v.integer(), v.minValue(1)),
  cwd: v.string(),
  gitDir: v.string(),
  reflogSize: v.number(),
  globals: GlobalsSchema,
  amend: v.boolean(),
});

export default workerCommand("after-commit", "Record the traces of a commit once git has made it (started by the shim)", JobSchema, (job, env) => runCommitWorker(job as CommitJob, env));
