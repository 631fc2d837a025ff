// The hidden worker commands the shim starts in the background (after-commit, after-push):
// their job arrives as JSON in GIT_TRACES_JOB, is checked against its schema, and runs with
// that variable gone from the environment (the worker's own git calls must not see it).

import * as v from "valibot";
import { JOB_ENV } from "../../base/env.ts";
import { defineTracesCommand, depsOf } from "../command.ts";

export function workerCommand<S extends v.GenericSchema>(
  name: string,
  description: string,
  schema: S,
  work: (job: v.InferOutput<S>, env: Record<string, string | undefined>) => Promise<void>,
) {
  return defineTracesCommand({
    meta: { name, description, hidden: true },
    args: {},
    run: async (ctx) => {
      // The binary starts with a reluctant JIT, right for one short command (scripts/build.ts);
      // a worker may read long transcripts for seconds, where compiling pays.
      Bun.unsafe.setJITPolicy?.(1); // absent in older Bun
      const deps = depsOf(ctx);
      let raw: unknown;
      try {
        raw = JSON.parse(deps.env[JOB_ENV] ?? "");
      } catch {
        raw = undefined;
      }
      const job = v.safeParse(schema, raw);
      if (!job.success) {
        deps.io.err(`git-traces: ${name}: no valid job in ${JOB_ENV}\n`);
        return 1;
      }
      const env = { ...deps.env };
      delete env[JOB_ENV];
      delete process.env[JOB_ENV]; // nothing this worker starts is a worker

      await work(job.output, env);
      return 0;
    },
  });
}
