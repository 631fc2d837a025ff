// git push: the user's push runs as a child, untouched; when it succeeded, a background
// worker sends our notes to the same remote (src/sync/after-push.ts), so the push returns
// as soon as git does. Not for dry runs, deletions, mirrors and tag-only pushes.

import { passThrough } from "../git/passthrough.ts";
import type { Invocation } from "./invocation.ts";
import { hasOption, operands } from "./shared/args.ts";
import { startWorkerMarked } from "./shared/deferred.ts";
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
    if (gitDir && !src.includes("/") && Bun.file(`${gitDir}/refs/tags/${src}`).size > 0 && Bun.file(`${gitDir}/refs/heads/${src}`).size === 0) continue;
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
      const { gitCwd, plainGlobals } = await import("./commit.ts");
      const { gitDirQuick } = await import("../git/repo.ts");
      const cwd = gitCwd(inv);
      const gitDir = plainGlobals(inv) ? await gitDirQuick(cwd, ctx.env) : null;
      if ((tagsFlag && refspecs.length === 0) || onlyTags(refspecs, gitDir)) return;
      // A remote named in bytes that are not UTF-8 reached git intact, but our own git calls
      // would name it with U+FFFD: its notes are not pushed.
      if (remote?.includes("\uFFFD")) return;
      await startWorkerMarked("after-push", { v: 1, cwd, globals: inv.globals, remote, noVerify: hasOption(args, ["--no-verify"], PUSH_ARGS), signed: signedOption(args) }, ctx.env);
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
