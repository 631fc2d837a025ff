// Where OpenCode keeps its sessions, and read-only access to its SQLite database.
//
// $XDG_DATA_HOME/opencode (default ~/.local/share/opencode) holds opencode.db (OpenCode
// 1.1 and later) and the older JSON tree storage/{project,session,message,part}/. OpenCode
// keeps the database open in WAL mode while it runs, so it is opened read-only, with a
// short busy timeout, and held for one short read transaction at a time: a WAL reader
// never blocks OpenCode's writes, and it sees the last committed state, never a write in
// progress. Nothing is ever written to it.
//
// One more care: an ordinary read-only open of a WAL database whose -wal file is missing or
// empty creates or truncates that file, which would change the modification time that
// tells a commit whether OpenCode wrote anything (attach/quiet.ts): every commit would look
// again. In that state the main file holds every committed page and changes only when a
// checkpoint copies -wal frames into it (there are none), so it is read as immutable: no
// lock, no -wal or -shm file touched.

import { constants, Database, SQLiteError } from "bun:sqlite";
import { statSync } from "node:fs";
import { join } from "node:path";
import { readHead } from "../shared/safe-file.ts";
import type { Env } from "../types.ts";
import { TracesError } from "../../base/errors.ts";

/** How long a read waits for a lock (a writer committing in rollback-journal mode). */
const BUSY_TIMEOUT_MS = 100;

export function opencodeDataDir(env: Env): string {
  // XDG: a relative value is invalid and ignored.
  const xdg = env.XDG_DATA_HOME?.startsWith("/") ? env.XDG_DATA_HOME : join(env.HOME ?? "", ".local", "share");
  return join(xdg, "opencode");
}

export function opencodeConfigDir(env: Env): string {
  const xdg = env.XDG_CONFIG_HOME?.startsWith("/") ? env.XDG_CONFIG_HOME : join(env.HOME ?? "", ".config");
  return join(xdg, "opencode");
}

export function opencodeDbPath(env: Env): string {
  return join(opencodeDataDir(env), "opencode.db");
}

export function opencodeStorageDir(env: Env): string {
  return join(opencodeDataDir(env), "storage");
}

/**
 * A session in the database is named `<database>#<session ID>`: what SessionRef.path and
 * the reader take, since no file of its own holds it.
 */
export function sessionLocator(dbPath: string, id: string): string {
  return `${dbPath}#${id}`;
}

export function parseLocator(locator: string): { db: string; id: string } | null {
  const at = locator.lastIndexOf("#");
  if (at < 0 || !locator.slice(0, at).endsWith(".db")) return null;
  return { db: locator.slice(0, at), id: locator.slice(at + 1) };
}

export class OpencodeDbError extends TracesError {
  readonly code = "OPENCODE_DB_UNREADABLE";
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`, { path, reason });
  }
}

/** True when the file's header says WAL mode (format versions 2 at bytes 18 and 19). */
function walMode(path: string): boolean {
  const header = readHead(path, 20);
  return header.length === 20 && header[18] === 2 && header[19] === 2;
}

/**
 * Why SQLite must not open the database, if it must not: the database, and the side files
 * SQLite opens next to it, must each be a regular file (or, for the side files, absent).
 * SQLite's own open of a FIFO would block, and of a device read without end.
 */
function unsafeFiles(path: string): string | undefined {
  let main;
  try {
    main = statSync(path);
  } catch {
    return undefined; // missing: SQLite says so
  }
  if (!main.isFile()) return "not a regular file";
  for (const side of ["-wal", "-shm", "-journal"]) {
    let s;
    try {
      s = statSync(`${path}${side}`);
    } catch {
      continue; // absent
    }
    if (!s.isFile()) return `its ${side.slice(1)} file is not a regular file`;
  }
  return undefined;
}

function open(path: string): Database {
  const unsafe = unsafeFiles(path);
  if (unsafe) throw new OpencodeDbError(path, unsafe);
  if (walMode(path) && Bun.file(`${path}-wal`).size === 0) {
    const uri = `file:${path.split("/").map(encodeURIComponent).join("/")}?immutable=1`;
    return new Database(uri, constants.SQLITE_OPEN_READONLY | constants.SQLITE_OPEN_URI);
  }
  return new Database(path, { readonly: true });
}

/**
 * Runs `work` on the database opened read-only, then closes it. SQLite's errors (the file
 * missing or not a database, busy past the timeout, a table or column it lacks) become an
 * OpencodeDbError of one line, as does a database that is not safe to open; others pass
 * through.
 */
export function withDatabase<T>(path: string, work: (db: Database) => T): T {
  let db: Database | undefined;
  try {
    db = open(path);
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    return work(db);
  } catch (e) {
    if (!(e instanceof SQLiteError)) throw e;
    throw new OpencodeDbError(path, e.message.split("\n")[0] ?? "unreadable");
  } finally {
    try {
      db?.close();
    } catch {
      // closing a read-only connection cannot lose anything
    }
  }
}
