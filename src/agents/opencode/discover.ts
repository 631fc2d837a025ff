// Where OpenCode keeps sessions (db.ts): rows of the `session` table of opencode.db, and
// in the older JSON tree one file per session, storage/session/<project ID>/<ses_...>.json
// (the project ID is the repository's root commit, "global" outside git). A session's
// working directory is its `directory`, in both.
//
// On the commit path this runs once per commit that is not "quiet" (attach/quiet.ts): one
// read-only query that reads only the early, small columns of each session row (id,
// directory; never the large summary columns after them) and the update time of the rows
// in this worktree; and for the JSON tree, a stat per project folder, and a stat per
// session file only in folders that hold sessions of this worktree (see jsonSessions).

import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { headField, listDir } from "../shared/discover.ts";
import { HeaderCache } from "../shared/header-cache.ts";
import { isInside } from "../shared/paths.ts";
import { isTraceId } from "../../traces/id.ts";
import type { DiscoverOptions, Env, SessionRef } from "../types.ts";
import {
  opencodeConfigDir,
  opencodeDataDir,
  opencodeDbPath,
  opencodeStorageDir,
  sessionLocator,
  withDatabase,
} from "./db.ts";

interface SessionRow {
  id: unknown;
  directory: unknown;
  time_updated: unknown;
}

/** Root paths without a trailing slash ("/" stays "/"). */
const trimRoot = (r: string) => (r.length > 1 && r.endsWith("/") ? r.slice(0, -1) : r);

/**
 * Sessions in the database, newest activity first. With roots, the condition on
 * `directory` comes first, so that the update time (a late column, possibly behind large
 * values on overflow pages) is read only for this worktree's rows; `directory` inside a
 * root is written as a range, `root/` <= directory < `root0` ('0' follows '/'), which
 * compares bytes the way isInside compares characters.
 */
function dbSessions(
  dbPath: string,
  opts: DiscoverOptions,
  alsoInTree: readonly string[],
): { found: SessionRef[]; copied: Set<string> } {
  if (Bun.file(dbPath).size === 0) return { found: [], copied: new Set() };
  const params: (string | number)[] = [];
  const where: string[] = [];
  if (opts.roots) {
    if (opts.roots.length === 0) return { found: [], copied: new Set() };
    const inside = opts.roots.map(trimRoot).map((r) => {
      params.push(r, r === "/" ? "/" : `${r}/`, r === "/" ? "0" : `${r}0`);
      const n = params.length;
      return `directory = ?${n - 2} OR (directory >= ?${n - 1} AND directory < ?${n})`;
    });
    where.push(`(${inside.join(" OR ")})`);
  }
  if (opts.sinceMs !== undefined) {
    params.push(Math.floor(opts.sinceMs));
    where.push(`time_updated >= ?${params.length}`);
  }
  const filter = where.length ? ` WHERE ${where.join(" AND ")}` : "";
  const sql = `SELECT id, directory, time_updated FROM session${filter} ORDER BY time_updated DESC`;
  const [rows, copied] = withDatabase(dbPath, (db) => {
    const rows = db.prepare(sql).all(...params) as SessionRow[];
    // The tree's sessions that OpenCode copied into the database, however old their row.
    const copied = new Set<string>();
    const exists = db.prepare("SELECT 1 AS hit FROM session WHERE id = ?1");
    for (const id of alsoInTree) if (exists.get(id)) copied.add(id);
    return [rows, copied] as const;
  });
  const found: SessionRef[] = [];
  for (const row of rows) {
    const { id, directory: cwd, time_updated: updated } = row;
    if (!isTraceId(id) || typeof cwd !== "string" || !cwd.startsWith("/")) continue;
    if (opts.roots && !opts.roots.some((r) => isInside(cwd, r))) continue;
    const mtimeMs = typeof updated === "number" && Number.isFinite(updated) ? updated : 0;
    found.push({ agent: "opencode", id, path: sessionLocator(dbPath, id), cwd, mtimeMs, size: 0 });
  }
  return { found, copied };
}

/** What a folder of the JSON tree held when last listed: its mtime, its sessions' directories. */
interface FolderSummary {
  m: number;
  cwds: string[];
}

function summaryOf(text: string | undefined): FolderSummary | undefined {
  if (text === undefined) return undefined;
  try {
    const s = JSON.parse(text) as FolderSummary;
    return typeof s.m === "number" && Array.isArray(s.cwds) && s.cwds.every((c) => typeof c === "string")
      ? s
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Session files of the JSON tree, skipping those not modified since `sinceMs`. The tree
 * stopped growing when OpenCode moved to SQLite, so it is mostly old sessions of other
 * projects. Each project folder is summed up once (its mtime and its sessions'
 * directories): while its mtime stays, no file was added or removed, and a folder whose
 * sessions all ran outside the roots costs one stat. In the others, each file is stat'ed and
 * the directory of the recent ones read (and cached: it never changes once written).
 */
function jsonSessions(env: Env, opts: DiscoverOptions): SessionRef[] {
  const root = join(opencodeStorageDir(env), "session");
  const folders = new HeaderCache(env, "opencode-folders");
  let files: HeaderCache | undefined;
  const fileCache = () => (files ??= new HeaderCache(env, "opencode-cwd"));
  const inRoots = (cwd: string | undefined) =>
    !opts.roots || (cwd !== undefined && opts.roots.some((r) => isInside(cwd, r)));
  const found: SessionRef[] = [];
  for (const project of listDir(root)) {
    if (!project.isDir || !isTraceId(project.name)) continue;
    const dir = join(root, project.name);
    let m: number;
    try {
      m = statSync(dir).mtimeMs;
    } catch {
      continue;
    }
    const known = summaryOf(folders.get(project.name));
    const current = known !== undefined && known.m === m;
    if (current && opts.roots && !known.cwds.some(inRoots)) continue;
    const cwds = new Set<string>();
    for (const e of listDir(dir)) {
      if (!e.isFile || !e.name.startsWith("ses_") || !e.name.endsWith(".json")) continue;
      const id = e.name.slice(0, -".json".length);
      if (!isTraceId(id)) continue;
      const path = join(dir, e.name);
      let stat;
      try {
        stat = statSync(path);
      } catch {
        continue; // gone meanwhile
      }
      const recent = opts.sinceMs === undefined || stat.mtimeMs >= opts.sinceMs;
      if (!recent && current) continue;
      const key = `${project.name}/${e.name}`;
      let cwd = recent ? fileCache().get(key) : undefined;
      if (cwd === undefined) {
        cwd = headField(path, "directory", stat.size);
        if (cwd !== undefined && recent) fileCache().set(key, cwd);
      }
      if (cwd !== undefined) cwds.add(cwd);
      if (recent && inRoots(cwd))
        found.push({ agent: "opencode", id, path, ...(cwd ? { cwd } : {}), mtimeMs: stat.mtimeMs, size: stat.size });
    }
    if (!current) folders.set(project.name, JSON.stringify({ m, cwds: [...cwds] } satisfies FolderSummary));
  }
  folders.save();
  files?.save();
  return found;
}

export async function discover(opts: DiscoverOptions): Promise<SessionRef[]> {
  const fromTree = jsonSessions(opts.env, opts);
  try {
    const { found, copied } = dbSessions(
      opencodeDbPath(opts.env),
      opts,
      fromTree.map((s) => s.id),
    );
    // OpenCode copies the JSON tree into the database once: a session in both is the database's.
    return [...found, ...fromTree.filter((s) => !copied.has(s.id))];
  } catch {
    // Unreadable or busy: the sessions of the JSON tree are still worth finding, and a
    // commit must not fail for it (the next one looks again).
    return fromTree;
  }
}

/** The session's locator in the database, else its file in the JSON tree. */
export async function find(id: string, env: Env): Promise<string | null> {
  if (!isTraceId(id)) return null;
  const dbPath = opencodeDbPath(env);
  if (Bun.file(dbPath).size > 0) {
    try {
      const hit = withDatabase(dbPath, (db) => db.prepare("SELECT 1 AS found FROM session WHERE id = ?1").get(id));
      if (hit) return sessionLocator(dbPath, id);
    } catch {
      // fall back on the JSON tree
    }
  }
  const root = join(opencodeStorageDir(env), "session");
  for (const project of listDir(root)) {
    if (!project.isDir) continue;
    const path = join(root, project.name, `${id}.json`);
    if (Bun.file(path).size > 0) return path;
  }
  return null;
}

/**
 * What changes when a session could appear: the database and its write-ahead log (every
 * write OpenCode makes lands in one of them; the directory does not change), and the JSON
 * tree's session folders.
 */
export function watch(opts: DiscoverOptions): string[] {
  const db = opencodeDbPath(opts.env);
  const sessions = join(opencodeStorageDir(opts.env), "session");
  return [
    db,
    `${db}-wal`,
    sessions,
    ...listDir(sessions)
      .filter((d) => d.isDir)
      .map((d) => join(sessions, d.name)),
  ];
}

/** The directories that hold this agent's sessions, honouring its own environment variables. */
export function dataDirs(env: Env): string[] {
  return [opencodeDataDir(env)];
}

/** True when the agent appears installed here (its config or data directory exists). */
export function detect(env: Env): boolean {
  return existsSync(opencodeConfigDir(env)) || existsSync(opencodeDataDir(env));
}
