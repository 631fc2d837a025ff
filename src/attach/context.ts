// What trace work needs to know of the git command it follows: the command's name and
// global options (-C, -c, --git-dir), a runner for the real git with those applied, and the
// environment. The interceptors' context is one (src/interceptors/shared/run.ts); the
// background workers build one from their job.

import type { GlobalOption } from "../git/globals.ts";
import type { GitRunner } from "../git/runner.ts";

export interface TraceWork {
  inv: { command: string; globals: readonly GlobalOption[] };
  git: GitRunner;
  env: Record<string, string | undefined>;
  /** Set once the repository is known: failures are logged there. */
  gitDir?: string;
}
