// Where Codex keeps sessions: $CODEX_HOME (default ~/.codex)/sessions/YYYY/MM/DD/
// rollout-<local time>-<uuid>.jsonl, the folders naming the day the session started.

import { join } from "node:path";
import { filesIn, headField, listDir } from "../shared/discover.ts";
import { isInside } from "../shared/paths.ts";
import { isTraceId } from "../../traces/model.ts";
import type { DiscoverOptions, Env, SessionRef } from "../types.ts";
import { rolloutId } from "./read.ts";

/** Sessions are resumed: a day folder older than the time filter by this much may still be active. */
const RESUME_MARGIN_MS = 30 * 24 * 3600 * 1000;

export function codexHome(env: Env): string {
  return env.CODEX_HOME || join(env.HOME ?? "", ".codex");
}

export function codexSessionsDir(env: Env): string {
  return join(codexHome(env), "sessions");
}

/** Rollout files, newest day first, skipping day folders too old to matter. */
async function rolloutFiles(env: Env, sinceMs?: number) {
  const root = codexSessionsDir(env);
  const oldestDay = sinceMs === undefined ? "" : new Date(sinceMs - RESUME_MARGIN_MS).toISOString().slice(0, 10);
  const days: string[] = [];
  for (const y of await listDir(root)) {
    if (!y.isDir || !/^\d{4}$/.test(y.name) || (oldestDay && y.name < oldestDay.slice(0, 4))) continue;
    for (const m of await listDir(join(root, y.name))) {
      if (!m.isDir || !/^\d{2}$/.test(m.name) || (oldestDay && `${y.name}-${m.name}` < oldestDay.slice(0, 7))) continue;
      for (const d of await listDir(join(root, y.name, m.name))) {
        if (!d.isDir || !/^\d{2}$/.test(d.name) || (oldestDay && `${y.name}-${m.name}-${d.name}` < oldestDay)) continue;
        days.push(join(root, y.name, m.name, d.name));
      }
    }
  }
  const files = await Promise.all(days.map((d) => filesIn(d, (n) => n.startsWith("rollout-") && n.endsWith(".jsonl"), sinceMs)));
  return files.flat();
}

export async function discoverCodex(opts: DiscoverOptions): Promise<SessionRef[]> {
  const found: SessionRef[] = [];
  await Promise.all(
    (await rolloutFiles(opts.env, opts.sinceMs)).map(async (f) => {
      const id = rolloutId(f.path);
      if (!isTraceId(id)) return;
      const cwd = await headField(f.path, "cwd", f.size);
      if (opts.roots && !(cwd && opts.roots.some((r) => isInside(cwd, r)))) return;
      found.push({ agent: "codex", id, path: f.path, ...(cwd ? { cwd } : {}), mtimeMs: f.mtimeMs, size: f.size });
    }),
  );
  return found;
}

export async function findCodex(id: string, env: Env): Promise<string | null> {
  if (!isTraceId(id)) return null;
  for (const f of await rolloutFiles(env)) if (f.path.endsWith(`-${id}.jsonl`)) return f.path;
  return null;
}
