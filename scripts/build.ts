// bun run build: compiles the shim entry into one self-contained binary, dist/git-traces.
//
// --splitting keeps every dynamically imported module (interceptors, the CLI, their
// libraries) in a chunk of its own, so a pass-through call parses only the entry; without
// it the whole bundle is parsed at start-up (measured: +10 ms on every git call).
// --bytecode (which needs ESM output) saves parsing the entry itself.
//
// The binary runs as `git` in every directory, so it must not pick up a project's .env or
// bunfig.toml (Bun's standalone executables load both by default): either would change
// the environment git sees.

import { $ } from "bun";

const root = new URL("..", import.meta.url).pathname;
const outfile = process.argv[2] ?? `${root}dist/git-traces`;

// process.execPath: the bun running this script, whether or not one is on PATH.
await $`${process.execPath} build ${root}shim/main.ts --compile --minify --splitting --bytecode --format=esm --sourcemap=none --no-compile-autoload-dotenv --no-compile-autoload-bunfig --outfile ${outfile}`.quiet();
console.error(`built ${outfile}`);
