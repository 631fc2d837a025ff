// What a CI file written by `git traces ci init` pins: where git-traces comes from, at
// which ref, and the Bun that builds it.

import { VERSION } from "../../base/version.ts";

export interface CiPins {
  version: string;
  /** The git-traces repository the CI job builds from. */
  source: string;
  /** A tag or a full commit ID of it. */
  ref: string;
  bun: string;
}

export const DEFAULT_SOURCE = "https://github.com/git-traces/git-traces.git";
/** The Bun the project is built and tested with (docs/architecture.md). */
export const BUN_VERSION = "1.4.5";

export function defaultPins(): CiPins {
  return { version: VERSION, source: DEFAULT_SOURCE, ref: `v${VERSION}`, bun: BUN_VERSION };
}
