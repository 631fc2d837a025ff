// Intercepted git commands, each in its own module, loaded only when its command runs.
// A null-prototype map, so a command named like an Object method resolves to nothing.

import type { Invocation } from "./invocation.ts";

export type Interceptor = (inv: Invocation) => Promise<never>;
type Loader = () => Promise<Interceptor>;

export const INTERCEPTORS: Record<string, Loader> = Object.assign(Object.create(null) as Record<string, Loader>, {
  commit: () => import("./commit.ts").then((m) => m.default),
  merge: () => import("./merge.ts").then((m) => m.default),
  "cherry-pick": () => import("./cherry-pick.ts").then((m) => m.default),
  revert: () => import("./new-commits.ts").then((m) => m.revert),
  am: () => import("./new-commits.ts").then((m) => m.am),
  rebase: () => import("./rewrite.ts").then((m) => m.default),
  pull: () => import("./fetch.ts").then((m) => m.pull),
  fetch: () => import("./fetch.ts").then((m) => m.fetch),
  push: () => import("./push.ts").then((m) => m.default),
  clone: () => import("./clone.ts").then((m) => m.default),
});
