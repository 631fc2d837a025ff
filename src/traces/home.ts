// Where git-traces keeps its own files on this machine (not in any repository): the hooks
// it installed, snapshots of traces. $GIT_TRACES_HOME, else $XDG_DATA_HOME/git-traces,
// else ~/.local/share/git-traces.

import { join } from "node:path";

export function dataHome(env: Record<string, string | undefined>): string {
  if (env.GIT_TRACES_HOME) return env.GIT_TRACES_HOME;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, "git-traces");
  return join(env.HOME ?? "", ".local", "share", "git-traces");
}
