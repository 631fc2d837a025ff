// Whether this repository shares trace content on its own (`traces.share`, default false),
// and the traces the user took back with `git traces unshare`, which automatic sharing then
// leaves alone: `<common git dir>/traces/unshared.json`, written atomically.

import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { commonDir, configBool, tracesConfig } from "../git/repo.ts";
import type { GitRunner } from "../git/runner.ts";
import { isTraceId } from "../traces/id.ts";
import { makeDirsUnder } from "../base/dirs.ts";

/** `git config traces.share true` (repository or --global): the commit worker shares attached traces. */
export function shareEnabled(git: GitRunner, config: Map<string, string[]> = tracesConfig(git)): boolean {
  return configBool(config.get("traces.share")?.at(-1), false);
}

function unsharedFile(gitDir: string): string {
  return `${commonDir(gitDir)}/traces/unshared.json`;
}

/** Traces unshared here, which the commit worker does not share again. */
export function unsharedIds(gitDir: string): Set<string> {
  try {
    const data = JSON.parse(readFileSync(unsharedFile(gitDir), "utf8")) as { ids?: unknown };
    return new Set(Array.isArray(data.ids) ? data.ids.filter(isTraceId) : []);
  } catch {
    return new Set();
  }
}

/** Adds (`unshared` true) or removes IDs from the list. */
export function markUnshared(gitDir: string, ids: readonly string[], unshared: boolean): void {
  const set = unsharedIds(gitDir);
  const before = [...set].sort().join(",");
  for (const id of ids)
    if (unshared) set.add(id);
    else set.delete(id);
  if ([...set].sort().join(",") === before) return;
  const file = unsharedFile(gitDir);
  makeDirsUnder(commonDir(gitDir), `${commonDir(gitDir)}/traces`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ v: 1, ids: [...set].sort() }, null, 1)}\n`);
  renameSync(tmp, file);
}
