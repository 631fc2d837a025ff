// git push: the user's push runs as a child, untouched; when it succeeded, our notes go to
// the same remote (src/jobs/after-push.ts): at a terminal in a background worker, so the
// push returns as soon as git does; in CI and other places nobody is at a terminal
// (src/jobs/mode.ts), before the command returns. Not for dry runs, deletions, mirrors and
// tag-only pushes.

import { passThrough } from "../git/passthrough.ts";
import type { Invocation } from "./invocation.ts";
import { hasOption, operands, quietOutput } from "./shared/args.ts";
import { intercept } from "./shared/run.ts";

const PUSH_ARGS = { withValue: ["--repo", "--receive-pack", "--exec", "-o", "--push-option"] };

/** Refspecs that only name tags: `v1.0` when refs/tags/v1.0 exists, `refs/tags/...`, `tag v1.0`. */
function onlyTags(refspecs: readonly string[], gitDir: string | null): boolean {
  if (refspecs.length === 0) return false;
  for (let i = 0; i < refspecs.length; i++) {
    const spec = refspecs[i]!.replace(/^\+/, "");
    if (spec === "tag") {
      i++;
      continue;
    }
    const src = spec.split(":")[0]!;
    if (src.startsWith("refs/tags/")) continue;
    if (
      gitDir &&
      !src.includes("/") &&
      Bun.file(`${gitDir}/refs/tags/${src}`).size > 0 &&
      Bun.file(`${gitDir}/refs/heads/${src}`).size === 0
    )
      continue;
    return false;
  }
  return true;
}

function repoOption(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") break;
    if (a === "--repo") return args[i + 1] ?? null;
    if (a.startsWith("--repo=")) return a.slice(7);
  }
  return null;
}

export default async function push(inv: Invocation): Promise<never> {
  const args = inv.commandArgs;
  if (hasOption(args, ["-n", "--dry-run", "-d", "--delete", "--mirror"], PUSH_ARGS)) passThrough();
  const [first, ...refspecs] = operands(args, PUSH_ARGS);
  const remote = repoOption(args) ?? first ?? null;
  const tagsFlag = hasOption(args, ["--tags"], PUSH_ARGS);
  return intercept(inv, {
    before: () => ({}),
    after: async (ctx) => {
      const { gitCwd, plainGlobals } = await import("../git/globals.ts");
      const { commonDirQuick, gitDirQuick, repoState } = await import("../git/repo.ts");
      const cwd = gitCwd(inv);
      const gitDir = (plainGlobals(inv) ? await gitDirQuick(cwd, ctx.env) : null) ?? repoState(ctx.git)?.gitDir ?? null;
      if (!gitDir) return;
      if ((tagsFlag && refspecs.length === 0) || onlyTags(refspecs, gitDir)) return;
      // A remote named in bytes that are not UTF-8 reached git intact, but our own git calls
      // would name it with U+FFFD: its notes are not pushed.
      if (remote?.includes("\uFFFD")) return;
      const commonDir = commonDirQuick(gitDir);
      // The remotes get our refspecs now, before the command returns: a background worker
      // writing the config could hold its lock when the user's next `git config` wants it.
      const { ensureRefspecs } = await import("./fetch.ts");
      await ensureRefspecs(ctx.git, gitDir).catch(() => {
        // the next fetch or push tries again
      });
      const job = {
        v: 1 as const,
        cwd,
        commonDir,
        globals: inv.globals,
        remote,
        noVerify: hasOption(args, ["--no-verify"], PUSH_ARGS),
        signed: signedOption(args),
      };
      const { foreground } = await import("../jobs/mode.ts");
      if (!foreground(ctx.env)) {
        const { startWorker } = await import("../jobs/spawn.ts");
        if (await startWorker("after-push", job, ctx.env, { commonDir, cwd })) return;
      }
      const { afterPush } = await import("../jobs/after-push.ts");
      const { deferWarning, warn } = await import("../base/report.ts");
      const quiet = quietOutput(args, PUSH_ARGS);
      await afterPush(job, ctx.env, (line) => (quiet ? deferWarning(ctx.env, line) : warn(line)));
    },
  });
}

/** The user's own --signed / --signed=<when> / --no-signed, as given (the last one wins), for the notes push. */
export function signedOption(args: readonly string[]): string | null {
  let found: string | null = null;
  for (const a of args) {
    if (a === "--") break;
    if (a === "--signed" || a === "--no-signed" || a.startsWith("--signed=")) found = a;
  }
  return found;
}
