// bun run build: compiles the shim entry into one self-contained binary, dist/git-traces.
//
// --splitting keeps every dynamically imported module (interceptors, the CLI, their
// libraries) in a chunk of its own, so a pass-through call parses only the entry; without
// it the whole bundle is parsed at start-up (measured: +10 ms on every git call).
// --bytecode (which needs ESM output) saves parsing the entry itself.
// --compile-jit-policy=64 keeps code in the interpreter 64 times longer before JIT-compiling
// it: every command here runs once over its input and exits, and the compiling cost more
// than it saved (measured: git traces log -n 1000 58 -> 50 ms, blame of 3,000 lines
// 243 -> 237 ms). The background workers, which can run for seconds, go back to the
// normal policy (worker-job.ts).
//
// The binary runs as `git` in every directory, so it must not pick up a project's .env or
// bunfig.toml (Bun's standalone executables load both by default): either would change
// the environment git sees.
//
// Beside the binary it writes the front door's two forms, dist/front-door.c and
// dist/front-door.sh (scripts/lib/front-door.ts), generated from the same lists the shim
// uses; the binary carries the hash of those lists (GIT_TRACES_FRONT_DOOR_LISTS) so that
// `git traces doctor` can tell whether the installed front door agrees with it.

import { $ } from "bun";
import { frontDoorC, frontDoorSh, listsHash } from "./lib/front-door.ts";

const root = new URL("..", import.meta.url).pathname;
const outfile = process.argv[2] ?? `${root}dist/git-traces`;

// process.execPath: the bun running this script, whether or not one is on PATH.
const bun = process.execPath;
// Older Bun has no JIT policy: the binary then works the same, a few milliseconds slower.
const jit = (await $`${bun} build --help`.quiet().nothrow()).stdout.toString().includes("--compile-jit-policy")
  ? ["--compile-jit-policy=64"]
  : [];
if (!jit.length) console.error(`bun ${Bun.version} has no --compile-jit-policy: building without it`);
const dist = outfile.slice(0, outfile.lastIndexOf("/") + 1);
await Bun.write(`${dist}front-door.c`, frontDoorC());
await Bun.write(`${dist}front-door.sh`, frontDoorSh());
const define = `GIT_TRACES_FRONT_DOOR_LISTS=${JSON.stringify(listsHash())}`;
await $`${bun} build ${root}shim/main.ts --compile --define ${define} --minify --splitting --bytecode ${jit} --format=esm --sourcemap=none --no-compile-autoload-dotenv --no-compile-autoload-bunfig --outfile ${outfile}`.quiet();
console.error(`built ${outfile}`);
