// `git-traces after-push` (hidden): the background worker the push interceptor starts
// (src/sync/after-push.ts). Its job arrives in GIT_TRACES_JOB.

import * as v from "valibot";
import { asPending, JOB_ENV } from "../../interceptors/shared/deferred.ts";
import { afterPush, type PushJob } from "../../sync/after-push.ts";
import { defineTracesCommand, depsOf } from "../command.ts";

const JobSchema = v.object({
  v: v.literal(1),
  cwd: v.string(),
  globals: v.array(v.object({ name: v.string(), value: v.optional(v.string()), tokens: v.array(v.string()) })),
  remote: v.nullable(v.string()),
  noVerify: v.boolean(),
  signed: v.nullable(v.string()),
});

export default defineTracesCommand({
  meta: { name: "after-push", description: "Send notes after a push (started by the shim)", hidden: true },
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
      deps.io.err("git-traces: after-push: no valid job in GIT_TRACES_JOB\n");
      return 1;
    }
    const env = { ...deps.env };
    delete env[JOB_ENV];
    await asPending(env, () => afterPush(job.output as PushJob, env));
    return 0;
  },
});
