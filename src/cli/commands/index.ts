// Every `git traces` command, one module each, loaded only when it runs. A null-prototype
// map, so `git traces constructor` is an unknown command rather than something odd.

import type { AnyTracesCommand } from "../command.ts";

type Loader = () => Promise<AnyTracesCommand>;

const load =
  (importer: () => Promise<{ default: AnyTracesCommand }>): Loader =>
  () =>
    importer().then((m) => m.default);

export const COMMANDS: Record<string, Loader> = Object.assign(Object.create(null) as Record<string, Loader>, {
  attach: load(() => import("./attach.ts")),
  blame: load(() => import("./blame.ts")),
  carry: load(() => import("./carry.ts")),
  check: load(() => import("./check.ts")),
  ci: load(() => import("./ci.ts")),
  detach: () => import("./attach.ts").then((m) => m.detach),
  doctor: load(() => import("./doctor.ts")),
  export: load(() => import("./export.ts")),
  hooks: load(() => import("./hooks.ts")),
  import: load(() => import("./import.ts")),
  list: load(() => import("./list.ts")),
  log: load(() => import("./log.ts")),
  logs: load(() => import("./logs.ts")),
  mcp: load(() => import("./mcp.ts")),
  share: load(() => import("./share.ts")),
  show: load(() => import("./show.ts")),
  stats: load(() => import("./stats.ts")),
  summary: load(() => import("./summary.ts")),
  status: load(() => import("./status.ts")),
  sync: load(() => import("./sync.ts")),
  unshare: () => import("./share.ts").then((m) => m.unshare),
  upload: load(() => import("./upload.ts")),
  // Hidden: used by the agents' hooks, the shim, the installer, and other implementers.
  "after-commit": load(() => import("./after-commit.ts")),
  "after-push": load(() => import("./after-push.ts")),
  "after-fetch": load(() => import("./after-fetch.ts")),
  hook: load(() => import("./hook.ts")),
  "find-real-git": load(() => import("./find-real-git.ts")),
  uninstall: load(() => import("./uninstall.ts")),
  note: load(() => import("./note.ts")),
});

/** Commands left out of help and "did you mean": for hooks, the shim and the installer. */
export const HIDDEN: ReadonlySet<string> = new Set([
  "after-commit",
  "after-push",
  "hook",
  "find-real-git",
  "uninstall",
  "note",
]);
