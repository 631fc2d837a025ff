// Guards for commands that need a repository.

import { refusedRepository, repoState, type RepoState } from "../../git/repo.ts";
import type { Deps } from "../deps.ts";
import { CliError } from "../errors.ts";

export function requireRepo(deps: Deps): RepoState {
  const state = repoState(deps.git());
  if (!state) {
    const refused = refusedRepository(deps.git());
    if (refused) throw new CliError(refused, "UNSAFE_REPO");
    throw new CliError("not a git repository; run inside one or pass -C <dir>", "NOT_A_REPO");
  }
  return state;
}

export function requireWorktree(deps: Deps): RepoState & { topLevel: string } {
  const state = requireRepo(deps);
  if (!state.topLevel) throw new CliError("this needs a work tree (this is a bare repository)", "NO_WORKTREE");
  return state as RepoState & { topLevel: string };
}
