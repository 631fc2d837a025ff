// The machine-wide hint that background trace work is pending somewhere (pending.ts has the
// marks themselves): alone in its module, since every plain git command that reads notes
// checks it, and the shim's entry must stay small (test/shim/import-graph.test.ts).

import type { Env } from "../base/env.ts";
import { dataHome } from "../base/home.ts";

/** `<data home>/pending`: one file per pending worker, and gone when there is none. */
export function hintDir(env: Env): string {
  return `${dataHome(env)}/pending`;
}

/** True when some background work may be pending anywhere: one stat. */
export function anyPending(env: Env): boolean {
  return Bun.file(hintDir(env)).size > 0;
}
