// node:fs, loaded on first use. Loading it costs a few milliseconds in a compiled Bun
// program (docs/architecture.md), which the shim's pass-through and the commit path do not
// pay unless they touch a file: modules on those paths call nodeFs() where they need it
// instead of importing node:fs. Importing this module loads nothing.

let loaded: typeof import("node:fs") | undefined;

export function nodeFs(): typeof import("node:fs") {
  return (loaded ??= require("node:fs") as typeof import("node:fs"));
}
