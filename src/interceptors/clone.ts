// git clone: the new repository's remote gets the notes refspec, and the shared trace content
// one, from the start (clone's own --config, honoured by its first fetch), so both arrive
// with the clone, in the same round trip; they become the local ones right after.
//
// A clone of one branch (`--depth`, `--shallow-*`, `--single-branch`) fetches that branch
// alone, whatever the config says: its notes are fetched right after, by themselves (their
// history is apart from the code's, so the clone stays exactly as shallow as asked). With
// `--recurse-submodules` git clones each submodule itself, without the shim: the refspecs
// reach those clones as `-c remote.origin.fetch=...` (git hands `-c` settings down to
// submodules), so their notes come in their own clone's round trip; afterwards each
// submodule keeps the refspecs in its config and its notes are merged like the clone's.

import { resolve } from "node:path";
import type { Invocation } from "./invocation.ts";
import { hasOption, operands } from "./shared/args.ts";
import { intercept } from "./shared/run.ts";
import { cloneConfigOptions, configOptions } from "../git/config.ts";
import { passThrough } from "../git/passthrough.ts";
import type { GitRunner } from "../git/runner.ts";

const CLONE_ARGS = {
  withValue: [
    "-o",
    "--origin",
    "-b",
    "--branch",
    "-u",
    "--upload-pack",
    "--reference",
    "--reference-if-able",
    "--separate-git-dir",
    "--depth",
    "--shallow-since",
    "--shallow-exclude",
    "-c",
    "--config",
    "-j",
    "--jobs",
    "--template",
    "--filter",
    "--server-option",
    "--bundle-uri",
    "--ref-format",
  ],
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

/** The last of an option and its negation: true, false, or null when neither is given. */
function lastSwitch(args: readonly string[], on: readonly string[], off: readonly string[]): boolean | null {
  let value: boolean | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") break;
    const name = a.split("=")[0]!;
    if (on.includes(name)) value = true;
    else if (off.includes(name)) value = false;
    else if (CLONE_ARGS.withValue.includes(a)) i++;
  }
  return value;
}

/** How the clone will fetch, as far as our notes are concerned. */
export function cloneShape(args: readonly string[]): { singleBranch: boolean; submodules: boolean } {
  // --depth and --shallow-* imply --single-branch unless --no-single-branch is given.
  const deepen = hasOption(args, ["--depth", "--shallow-since", "--shallow-exclude"], CLONE_ARGS);
  const singleBranch = lastSwitch(args, ["--single-branch"], ["--no-single-branch"]) ?? deepen;
  const submodules =
    lastSwitch(args, ["--recurse-submodules", "--recursive"], ["--no-recurse-submodules", "--no-recursive"]) ?? false;
  return { singleBranch, submodules };
}

/** The name git gives a submodule's remote when it clones it. */
const SUBMODULE_REMOTE = "origin";

export default async function clone(inv: Invocation): Promise<never> {
  const args = inv.commandArgs;
  if (hasOption(args, ["--mirror"], CLONE_ARGS)) passThrough(); // a mirror fetches the notes ref itself
  const origin = optionValue(args, ["-o", "--origin"]) ?? "origin";
  const { notesRefspec, remoteKey } = await import("../sync/remotes.ts");
  const { contentRefspec } = await import("../content/refs.ts");
  const key = remoteKey(origin, [origin]);
  if (key !== origin) passThrough();
  const [url, dir] = operands(args, CLONE_ARGS);
  if (!url) passThrough();
  const shape = cloneShape(args);
  const at = inv.args.indexOf(inv.command);
  // For submodules, -c settings that every git under this clone sees. They are not written
  // to any config; for the clone itself (when its remote has the same name) they stand in
  // for --config, since the same refspec twice would make git fail ("multiple updates").
  const fetchSettings = (remote: string, k: string) =>
    [notesRefspec(k), contentRefspec(k)].map((spec) => [`remote.${remote}.fetch`, spec] as const);
  const forSubmodules = shape.submodules ? configOptions(fetchSettings(SUBMODULE_REMOTE, SUBMODULE_REMOTE)) : [];
  const configured = !(shape.submodules && origin === SUBMODULE_REMOTE);
  const withRefspec: Invocation = configured
    ? {
        ...inv,
        args: [
          ...inv.args.slice(0, at + 1),
          ...cloneConfigOptions(fetchSettings(origin, key)),
          ...inv.args.slice(at + 1),
        ],
      }
    : inv;
  return intercept(withRefspec, {
    globals: forSubmodules,
    after: async (ctx) => {
      const { gitCwd } = await import("../git/globals.ts");
      const target = resolve(gitCwd(inv), dir ?? humanishDir(url, hasOption(args, ["--bare"], CLONE_ARGS)));
      // A path that is not UTF-8 reached git intact but cannot be named from here (Bun
      // decoded it with U+FFFD): the fetched notes are merged by the first fetch in the clone.
      if (target.includes("\uFFFD")) return;
      const { GitRunner } = await import("../git/runner.ts");
      const { repoState } = await import("../git/repo.ts");
      const git = new GitRunner({ git: ctx.real.path, cwd: target, env: ctx.env });
      const state = repoState(git);
      if (!state) return;
      ctx.gitDir = state.gitDir;
      const { commonDir } = await import("../git/repo.ts");
      const { configureRemotes } = await import("../sync/remotes.ts");
      const { mergeArrived } = await import("./fetch.ts");
      const common = commonDir(state.gitDir);
      if (configured)
        (await import("../sync/added-refspecs.ts")).recordRefspecs(`${common}/config`, origin, [
          notesRefspec(key),
          contentRefspec(key),
        ]);
      // Records which remotes have the refspecs (for submodules, which got them by -c, it
      // writes them into the config first).
      configureRemotes(git, state.gitDir);
      if (shape.singleBranch) await fetchNotesAfter(git, origin, key);
      await mergeArrived(git, state.gitDir);
      if (shape.submodules) {
        const { runnerIn, submoduleGitDirs } = await import("../sync/submodules.ts");
        for (const sub of submoduleGitDirs(common)) {
          const subGit = runnerIn(ctx.real.path, sub, ctx.env);
          const names = configureRemotes(subGit, sub);
          // A one-branch clone clones its submodules with --single-branch too.
          const keys = shape.singleBranch ? names.map((name) => remoteKey(name, names)) : [];
          for (const [i, k] of keys.entries())
            await fetchNotesAfter(subGit, names[i]!, k, `submodule ${sub.slice(common.length + "/modules/".length)}`);
          await mergeArrived(subGit, sub, keys);
        }
      }
    },
  });
}

/** The notes a one-branch clone left behind, fetched by themselves; one warning if that fails. */
async function fetchNotesAfter(git: GitRunner, origin: string, key: string, where?: string): Promise<void> {
  const { autoSyncEnabled } = await import("../sync/remotes.ts");
  if (!autoSyncEnabled(git)) return;
  const { fetchNotes } = await import("../sync/push.ts");
  const fetched = fetchNotes(git, origin, key);
  if (fetched.ok) return;
  const { warn } = await import("../base/report.ts");
  warn(`notes not fetched from ${origin}${where ? ` (${where})` : ""}: ${fetched.detail ?? "git fetch failed"}`);
}
