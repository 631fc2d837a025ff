// Intercepted git commands, each in its own module, loaded only when its command runs.
// A null-prototype map, so a command named like an Object method resolves to nothing.

import type { Invocation } from "./invocation.ts";

export type Interceptor = (inv: Invocation) => Promise<never>;

export const INTERCEPTORS: Record<string, () => Promise<Interceptor>> = Object.assign(
  Object.create(null) as Record<string, () => Promise<Interceptor>>,
  {},
);
