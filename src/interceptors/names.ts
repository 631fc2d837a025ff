// The git subcommands the shim does trace work around. Only the names live here, so the
// shim can decide without loading any interceptor; src/interceptors/index.ts maps each
// name to its module (test/unit/interceptors.test.ts checks the two agree). Names, not a
// command line: each set is written as one string of words.
export const INTERCEPTED: ReadonlySet<string> = new Set(
  "commit merge cherry-pick revert am rebase pull push fetch clone".split(" "),
);

/**
 * Plain git commands that read or change notes: they pass through, but first wait for
 * this repository's background trace work (a note being written right after a commit), so
 * that `git log --notes=traces -1` shows it. Costs one stat when nothing is pending.
 */
export const READS_NOTES: ReadonlySet<string> = new Set(
  "log show notes format-patch whatchanged range-diff rev-list fast-export bundle".split(" "),
);
