// `git-traces after-commit` (hidden): the background worker the shim starts for `git commit`
// (src/interceptors/shared/deferred.ts). Its job arrives in GIT_TRACES_JOB.

import * as v from "valibot";
import { runCommitWorker } from "../../interceptors/commit-worker.ts";
import { JOB_ENV, type CommitJob } from "../../interceptors/shared/deferred.ts";
import { defineTracesCommand, depsOf } from "../command.ts";

const JobSchema = v.object({
  v: v.literal(1),
  pid: v.pipe(v.number(), v.integer(), v.minValue(1)),
  cwd: v.string(),
  gitDir: v.string(),
  reflogSize: v.number(),
  globals: v.array(v.object({ name: v.string(), value: v.optional(v.string()), tokens: v.array(v.string()) })),
  amend: v.boolean(),
});

export default defineTracesCommand({
  meta: { name: "after-commit", description: "Record the traces of a commit once git has made it (started by the shim)", hidden: true },
  args: {},
  run: async (ctx) => {
    const deps = depsOf(ctx);
    let raw: unknown;
    try {
      raw = JSON.parse(deps.env[JOB_ENV] ?? "");
    } catch {
      raw = undefined;
    }
    const job = v.safeParse(JobSchema, raw);
    if (!job.success) {
      deps.io.err("git-traces: after-commit: no valid job in GIT_TRACES_JOB\n");
      return 1;
    }
    const env = { ...deps.env };
    delete env[JOB_ENV];
    await runCommitWorker(job.output as CommitJob, env);
    return 0;
  },
});
