// The git subcommands the shim does trace work around. Only the names live here, so the
// shim can decide without loading any interceptor; src/interceptors/index.ts maps each
// name to its module (test/unit/interceptors.test.ts checks the two agree).
export const INTERCEPTED: ReadonlySet<string> = new Set(["commit", "merge", "cherry-pick", "revert", "am", "rebase", "pull", "push", "fetch", "clone"]);
