// Where git-traces keeps its own files on this machine (not in any repository): the hooks
// it installed, snapshots of traces. $GIT_TRACES_HOME, else $XDG_DATA_HOME/git-traces,
// else ~/.local/share/git-traces.

// (No node:path: the commit path reads this, and every module there costs start-up time.)
export function dataHome(env: Record<string, string | undefined>): string {
  if (env.GIT_TRACES_HOME) return env.GIT_TRACES_HOME;
  if (env.XDG_DATA_HOME) return `${env.XDG_DATA_HOME}/git-traces`;
  return `${env.HOME ?? ""}/.local/share/git-traces`;
}
