// git clone: the new repository's remote gets the notes refspec, and the shared trace content
// one, from the start (clone's own --config, honoured by its first fetch), so both arrive
// with the clone, in the same round trip; they become the local ones right after.

import { resolve } from "node:path";
import type { Invocation } from "./invocation.ts";
import { hasOption, operands } from "./shared/args.ts";
import { intercept } from "./shared/run.ts";
import { passThrough } from "../git/passthrough.ts";

const CLONE_ARGS = {
  withValue: ["-o", "--origin", "-b", "--branch", "-u", "--upload-pack", "--reference", "--reference-if-able", "--separate-git-dir", "--depth", "--shallow-since", "--shallow-exclude", "-c", "--config", "-j", "--jobs", "--template", "--filter", "--server-option", "--bundle-uri", "--ref-format"],
};

function optionValue(args: readonly string[], names: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") break;
    for (const n of names) {
      if (a === n) return args[i + 1] ?? null;
      if (n.startsWith("--") && a.startsWith(`${n}=`)) return a.slice(n.length + 1);
      if (!n.startsWith("--") && a.startsWith(n) && a.length > n.length) return a.slice(n.length);
    }
  }
  return null;
}

/** The directory git clone makes when none is given: the URL's last part, without .git. */
export function humanishDir(url: string, bare: boolean): string {
  let s = url.replace(/\/+$/, "").replace(/\/\.git$/, "");
  s = s.slice(Math.max(s.lastIndexOf("/"), s.lastIndexOf(":")) + 1).replace(/\.(git|bundle)$/, "");
  return bare ? `${s}.git` : s;
}

export default async function clone(inv: Invocation): Promise<never> {
  const args = inv.commandArgs;
  if (hasOption(args, ["--mirror"], CLONE_ARGS)) passThrough(); // a mirror fetches the notes ref itself
  const origin = optionValue(args, ["-o", "--origin"]) ?? "origin";
  const { notesRefspec, remoteKey } = await import("../sync/remotes.ts");
  const { contentRefspec } = await import("../share/refs.ts");
  const key = remoteKey(origin, [origin]);
  if (key !== origin) passThrough();
  const [url, dir] = operands(args, CLONE_ARGS);
  if (!url) passThrough();
  const at = inv.args.indexOf(inv.command);
  const withRefspec: Invocation = {
    ...inv,
    args: [...inv.args.slice(0, at + 1), "--config", `remote.${origin}.fetch=${notesRefspec(key)}`, "--config", `remote.${origin}.fetch=${contentRefspec(key)}`, ...inv.args.slice(at + 1)],
  };
  return intercept(withRefspec, {
    after: async (ctx) => {
      const { gitCwd } = await import("./commit.ts");
      const target = resolve(gitCwd(inv), dir ?? humanishDir(url, hasOption(args, ["--bare"], CLONE_ARGS)));
      const { GitRunner } = await import("../git/runner.ts");
      const { repoState } = await import("../git/repo.ts");
      const git = new GitRunner({ git: ctx.real.path, cwd: target, env: ctx.env });
      const state = repoState(git);
      if (!state) return;
      ctx.gitDir = state.gitDir;
      const { brokenNotesWarning, mergePendingContent, mergePendingNotes } = await import("../sync/merge.ts");
      const { warn } = await import("./shared/report.ts");
      const { updateSyncState } = await import("../sync/state.ts");
      const { commonDir } = await import("../git/repo.ts");
      const common = commonDir(state.gitDir);
      updateSyncState(common, (s) => {
        s.configured = { configMtime: Bun.file(`${common}/config`).lastModified, remotes: [origin] };
      });
      mergePendingNotes(git, state.gitDir, (key, e) => warn(brokenNotesWarning(key, e)));
      mergePendingContent(git, state.gitDir);
    },
  });
}
