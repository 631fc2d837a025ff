// Where GitHub Copilot CLI keeps sessions: $COPILOT_HOME (default ~/.copilot)/session-state/
// <sessionId>/events.jsonl, one folder per session, named by its ID. The cwd is on the first
// line (session.start.data.context.cwd) and never changes once written, so it is read once
// per session and cached by ID. A resumed session appends to the same file; its folder's
// mtime does not move, so time filters stat the events file itself.
//
// XDG_CONFIG_HOME is not honoured: Copilot CLI 1.x keeps everything under COPILOT_HOME or
// ~/.copilot (docs.github.com, "CLI configuration directory"; github/copilot-cli#1954).

import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { headField, listDir, type FileEntry } from "../shared/discover.ts";
import { HeaderCache } from "../shared/header-cache.ts";
import { isInside } from "../shared/paths.ts";
import { isTraceId } from "../../traces/id.ts";
import type { DiscoverOptions, Env, SessionRef } from "../types.ts";

export const EVENTS_FILE = "events.jsonl";

export function copilotHome(env: Env): string {
  return env.COPILOT_HOME || join(env.HOME ?? "", ".copilot");
}

export function copilotSessionsDir(env: Env): string {
  return join(copilotHome(env), "session-state");
}

interface SessionFile extends FileEntry {
  id: string;
}

/**
 * The events file of every session folder whose name is a valid trace ID, skipping those
 * `skip` rules out by ID, without a stat.
 */
function sessionFiles(env: Env, skip?: (id: string) => boolean): SessionFile[] {
  const root = copilotSessionsDir(env);
  const out: SessionFile[] = [];
  for (const e of listDir(root)) {
    // The folder name becomes a path and a note line: nothing but a valid trace ID.
    if (!e.isDir || !isTraceId(e.name) || skip?.(e.name)) continue;
    const path = join(root, e.name, EVENTS_FILE);
    try {
      const s = statSync(path);
      if (s.isFile()) out.push({ id: e.name, path, mtimeMs: s.mtimeMs, size: s.size });
    } catch {
      // a folder without events (yet), or gone meanwhile
    }
  }
  return out;
}

/**
 * Sessions by cwd and time. Unlike Codex's day folders, nothing in the layout dates a
 * session, so every session not known to be elsewhere costs a stat: the head of each is
 * read once, old ones included, so that the next commit skips the others' folders by name.
 */
export async function discover(opts: DiscoverOptions): Promise<SessionRef[]> {
  const cache = new HeaderCache(opts.env, "copilot-cli-cwd");
  const elsewhere = (id: string) => {
    const cwd = cache.get(id);
    return cwd !== undefined && opts.roots !== undefined && !opts.roots.some((r) => isInside(cwd, r));
  };
  const found: SessionRef[] = [];
  for (const f of sessionFiles(opts.env, elsewhere)) {
    let cwd = cache.get(f.id);
    if (cwd === undefined) {
      cwd = headField(f.path, "cwd", f.size);
      // A session still starting has no cwd yet: look again next time.
      if (cwd !== undefined) cache.set(f.id, cwd);
    }
    if (opts.sinceMs !== undefined && f.mtimeMs < opts.sinceMs) continue;
    if (opts.roots && !(cwd && opts.roots.some((r) => isInside(cwd!, r)))) continue;
    found.push({
      agent: "copilot-cli",
      id: f.id,
      path: f.path,
      ...(cwd ? { cwd } : {}),
      mtimeMs: f.mtimeMs,
      size: f.size,
    });
  }
  cache.save();
  return found;
}

export async function find(id: string, env: Env): Promise<string | null> {
  if (!isTraceId(id)) return null;
  const path = join(copilotSessionsDir(env), id, EVENTS_FILE);
  return (await Bun.file(path).exists()) ? path : null;
}

/**
 * A new session is a new folder in session-state. An old session of this worktree that is
 * resumed only appends to its events file, so those files are watched too: the cwd cache
 * names them (discovery, which ran just before, filled it; a head it missed is read here).
 */
export function watch(opts: DiscoverOptions): string[] {
  const root = copilotSessionsDir(opts.env);
  const out = [root];
  if (!opts.roots) return out;
  const cache = new HeaderCache(opts.env, "copilot-cli-cwd");
  for (const e of listDir(root)) {
    if (!e.isDir || !isTraceId(e.name)) continue;
    const path = join(root, e.name, EVENTS_FILE);
    let cwd = cache.get(e.name);
    if (cwd === undefined) {
      cwd = headField(path, "cwd", Infinity);
      if (cwd !== undefined) cache.set(e.name, cwd);
    }
    if (cwd !== undefined && opts.roots.some((r) => isInside(cwd!, r))) out.push(path);
  }
  cache.save();
  return out;
}

/** The directories that hold this agent's sessions, honouring its own environment variables. */
export function dataDirs(env: Env): string[] {
  return [copilotSessionsDir(env)];
}

/** True when the agent appears installed here (its config or data directory exists). */
export function detect(env: Env): boolean {
  return existsSync(copilotHome(env));
}
