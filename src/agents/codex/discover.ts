// Where Codex keeps sessions: $CODEX_HOME (default ~/.codex)/sessions/YYYY/MM/DD/
// rollout-<local time>-<uuid>.jsonl, the folders naming the day the session started.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { filesIn, headField, listDir, type FileEntry } from "../shared/discover.ts";
import { HeaderCache } from "../shared/header-cache.ts";
import { isInside } from "../shared/paths.ts";
import { isTraceId } from "../../traces/id.ts";
import type { DiscoverOptions, Env, SessionRef } from "../types.ts";

const ROLLOUT_ID = /([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.jsonl$/;

/** The session ID a rollout's file name ends with. */
export function rolloutId(path: string): string | undefined {
  return ROLLOUT_ID.exec(path)?.[1];
}

/** Sessions are resumed: a day folder older than the time filter by this much may still be active. */
const RESUME_MARGIN_MS = 14 * 24 * 3600 * 1000;

export function codexHome(env: Env): string {
  return env.CODEX_HOME || join(env.HOME ?? "", ".codex");
}

export function codexSessionsDir(env: Env): string {
  return join(codexHome(env), "sessions");
}

/**
 * Rollout files, skipping day folders too old to matter. A folder's date is its sessions'
 * start, so a file in a folder on or after the time filter's day is recent enough without a
 * stat. In the older folders of the margin only files that may matter are stat'ed for their
 * mtime: those whose cwd is unknown or passes `keep`.
 */
function rolloutFiles(env: Env, sinceMs?: number, skip?: (name: string) => boolean): FileEntry[] {
  const root = codexSessionsDir(env);
  const oldestDay = sinceMs === undefined ? "" : new Date(sinceMs - RESUME_MARGIN_MS).toISOString().slice(0, 10);
  const sinceDay = sinceMs === undefined ? "" : new Date(sinceMs).toISOString().slice(0, 10);
  const isRollout = (n: string) => n.startsWith("rollout-") && n.endsWith(".jsonl");
  const files: FileEntry[] = [];
  for (const y of listDir(root)) {
    if (!y.isDir || !/^\d{4}$/.test(y.name) || (oldestDay && y.name < oldestDay.slice(0, 4))) continue;
    for (const m of listDir(join(root, y.name))) {
      if (!m.isDir || !/^\d{2}$/.test(m.name) || (oldestDay && `${y.name}-${m.name}` < oldestDay.slice(0, 7))) continue;
      for (const d of listDir(join(root, y.name, m.name))) {
        const day = `${y.name}-${m.name}-${d.name}`;
        if (!d.isDir || !/^\d{2}$/.test(d.name) || (oldestDay && day < oldestDay)) continue;
        const dir = join(root, y.name, m.name, d.name);
        if (sinceDay && day > sinceDay) {
          const started = Date.parse(`${day}T00:00:00Z`);
          for (const e of listDir(dir))
            if (e.isFile && isRollout(e.name))
              files.push({ path: join(dir, e.name), mtimeMs: started, size: Infinity });
        } else {
          files.push(...filesIn(dir, (n) => isRollout(n) && !skip?.(n), sinceMs));
        }
      }
    }
  }
  return files;
}

export async function discover(opts: DiscoverOptions): Promise<SessionRef[]> {
  const found: SessionRef[] = [];
  const cache = new HeaderCache(opts.env, "codex-cwd");
  const elsewhere = (name: string) => {
    const cwd = cache.get(name);
    return cwd !== undefined && opts.roots !== undefined && !opts.roots.some((r) => isInside(cwd, r));
  };
  for (const f of rolloutFiles(opts.env, opts.sinceMs, elsewhere)) {
    const id = rolloutId(f.path);
    if (!isTraceId(id)) continue;
    const name = f.path.slice(f.path.lastIndexOf("/") + 1);
    let cwd = cache.get(name);
    if (cwd === undefined) {
      cwd = headField(f.path, "cwd", f.size);
      // A session's cwd is in its first lines; one still being started has none yet.
      if (cwd !== undefined) cache.set(name, cwd);
    }
    if (opts.roots && !(cwd && opts.roots.some((r) => isInside(cwd!, r)))) continue;
    found.push({ agent: "codex", id, path: f.path, ...(cwd ? { cwd } : {}), mtimeMs: f.mtimeMs, size: f.size });
  }
  cache.save();
  return found;
}

export async function find(id: string, env: Env): Promise<string | null> {
  if (!isTraceId(id)) return null;
  for (const f of rolloutFiles(env)) if (f.path.endsWith(`-${id}.jsonl`)) return f.path;
  return null;
}

/**
 * New rollouts go into the folder of the day they start: watch the sessions folder, its
 * year and month folders, and the day folders from the time filter's day on.
 */
export function watch(opts: DiscoverOptions): string[] {
  const root = codexSessionsDir(opts.env);
  const sinceDay = opts.sinceMs === undefined ? "" : new Date(opts.sinceMs).toISOString().slice(0, 10);
  const out = [root];
  for (const y of listDir(root)) {
    if (!y.isDir || !/^\d{4}$/.test(y.name) || (sinceDay && y.name < sinceDay.slice(0, 4))) continue;
    out.push(join(root, y.name));
    for (const m of listDir(join(root, y.name))) {
      if (!m.isDir || !/^\d{2}$/.test(m.name) || (sinceDay && `${y.name}-${m.name}` < sinceDay.slice(0, 7))) continue;
      out.push(join(root, y.name, m.name));
      for (const d of listDir(join(root, y.name, m.name))) {
        if (d.isDir && (!sinceDay || `${y.name}-${m.name}-${d.name}` >= sinceDay))
          out.push(join(root, y.name, m.name, d.name));
      }
    }
  }
  return out;
}

/** The directories that hold this agent's sessions, honouring its own environment variables. */
export function dataDirs(env: Env): string[] {
  return [codexSessionsDir(env)];
}

/** True when the agent appears installed here (its config or data directory exists). */
export function detect(env: Env): boolean {
  return existsSync(codexHome(env));
}
