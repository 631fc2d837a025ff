// Every `git traces` command, one module each, loaded only when it runs. A null-prototype
// map, so `git traces constructor` is an unknown command rather than something odd.

import type { AnyTracesCommand } from "../command.ts";

type Loader = () => Promise<AnyTracesCommand>;

const load =
  (importer: () => Promise<{ default: AnyTracesCommand }>): Loader =>
  () =>
    importer().then((m) => m.default);

export const COMMANDS: Record<string, Loader> = Object.assign(Object.create(null) as Record<string, Loader>, {
  doctor: load(() => import("./doctor.ts")),
  "find-real-git": load(() => import("./find-real-git.ts")),
});
