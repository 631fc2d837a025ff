// Before a command reads or moves this repository's notes: wait for its running workers,
// run again the jobs of workers that died before finishing (killed, or the machine went
// down), and print the warnings of jobs that gave up. Nothing is lost silently: every way
// a background job can end is handled here or by the worker itself (after-commit.ts,
// after-push.ts, after-fetch.ts).

import * as v from "valibot";
import { claimMark, clearHint, readMark, waitForRepo, type Mark } from "./pending.ts";
import { CommitJobSchema, FetchJobSchema, PushJobSchema } from "./schemas.ts";
import { warn } from "../base/report.ts";
import type { Env } from "../base/env.ts";
import { nodeFs } from "../base/lazy-fs.ts";

export interface SettleOptions {
  /** The command runs quietly (-q, --porcelain): warnings wait for a command a person reads. */
  quiet?: boolean;
  /** Only wait: leave interrupted and failed jobs for a command that settles. */
  waitOnly?: boolean;
}

/** Waits for the workers of the repository at `commonDir`, then settles what they left. */
export async function settle(env: Env, commonDir: string, opts: SettleOptions = {}): Promise<void> {
  const marks = await waitForRepo(env, commonDir);
  if (opts.waitOnly) return;
  for (const pid of marks.interrupted) {
    const mark = readMark(commonDir, pid);
    const claimed = claimMark(commonDir, pid);
    if (!claimed) continue; // another command took it
    try {
      if (mark) await rerun(mark, env);
    } catch (e) {
      warn(`background trace work that was interrupted could not be redone: ${(e as Error).message.split("\n")[0]}`);
    } finally {
      removeQuietly(claimed);
      clearHint(env, pid);
    }
  }
  if (opts.quiet) return;
  for (const failed of marks.failed) {
    const claimed = claimMark(commonDir, failed.pid, "failed");
    if (!claimed) continue;
    warn(failed.warning || "background trace work failed (details: git traces logs)");
    removeQuietly(claimed);
    clearHint(env, failed.pid);
  }
}

function removeQuietly(path: string): void {
  try {
    nodeFs().rmSync(path, { force: true });
  } catch {
    // a leftover claim is ignored by readers
  }
}

/** Runs a job again, in this process, from its own working directory. */
async function rerun(mark: Mark, env: Env): Promise<void> {
  const cwd = process.cwd();
  try {
    if (mark.kind === "after-commit") {
      const job = v.safeParse(CommitJobSchema, mark.job);
      if (!job.success) return;
      const { recordCommitJob } = await import("./after-commit.ts");
      await recordCommitJob(job.output, env);
    } else if (mark.kind === "after-push") {
      const job = v.safeParse(PushJobSchema, mark.job);
      if (!job.success) return;
      const { afterPush } = await import("./after-push.ts");
      await afterPush(job.output, env, warn);
    } else if (mark.kind === "after-fetch") {
      const job = v.safeParse(FetchJobSchema, mark.job);
      if (!job.success) return;
      const { afterFetch } = await import("./after-fetch.ts");
      await afterFetch(job.output, env, warn);
    }
  } finally {
    process.chdir(cwd);
  }
}
