// Where Cursor keeps agent transcripts: ~/.cursor/projects/<project folder>/agent-transcripts/
// <id>.jsonl, or <id>/<id>.jsonl in releases that nest them, or .txt in older ones. The
// project folder is the workspace path with its separators turned into dashes (and no
// leading dash): lossy (/a/b-c and /a/b/c share it) and the only place the workspace is
// written, since the transcript records no cwd. So a folder only narrows the search: the
// workspace is the ancestor of a path the session used whose folder name matches, else the
// repository being committed when its own name matches exactly.

import { existsSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import { filesIn, headText, listDir, type FileEntry } from "../shared/discover.ts";
import { HeaderCache } from "../shared/header-cache.ts";
import { isInside } from "../shared/paths.ts";
import { isTraceId } from "../../traces/id.ts";
import type { DiscoverOptions, Env, SessionRef } from "../types.ts";

/** How much of a transcript discovery reads to find a path that tells the workspace. */
const HEAD_BYTES = 256 * 1024;

export function cursorHome(env: Env): string {
  return join(env.HOME ?? "", ".cursor");
}

export function cursorProjectsDir(env: Env): string {
  return join(cursorHome(env), "projects");
}

/**
 * A project folder name or a path, reduced for comparison: every run of characters other
 * than letters and digits becomes one dash, none at either end. Releases differ in which
 * characters they replace; this form is the same for all of them.
 */
export function projectKey(nameOrPath: string): string {
  return nameOrPath.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

/** The session ID a transcript's name gives (`<id>.jsonl`, `<id>.txt`), when it is a valid trace ID. */
export function transcriptId(path: string): string | undefined {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const m = /^(.+)\.(jsonl|txt)$/.exec(base);
  return m && isTraceId(m[1]) ? m[1] : undefined;
}

/** The project folder a transcript lies in (`.../projects/<folder>/agent-transcripts/...`). */
export function projectFolderOf(path: string): string | undefined {
  const parts = path.split("/");
  const at = parts.lastIndexOf("agent-transcripts");
  return at > 0 ? parts[at - 1] : undefined;
}

const isTranscriptName = (n: string) => n.endsWith(".jsonl") || n.endsWith(".txt");

/** Transcripts of one project folder, in both layouts; a .jsonl wins over a .txt of the same session. */
export function transcriptsIn(projectDir: string, sinceMs?: number): FileEntry[] {
  const dir = join(projectDir, "agent-transcripts");
  const files = filesIn(dir, isTranscriptName, sinceMs);
  for (const e of listDir(dir)) {
    if (e.isDir && isTraceId(e.name))
      files.push(...filesIn(join(dir, e.name), (n) => n === `${e.name}.jsonl` || n === `${e.name}.txt`, sinceMs));
  }
  const byId = new Map<string, FileEntry>();
  for (const f of files) {
    const id = transcriptId(f.path);
    if (!id) continue;
    const seen = byId.get(id);
    if (!seen || (seen.path.endsWith(".txt") && f.path.endsWith(".jsonl"))) byId.set(id, f);
  }
  return [...byId.values()];
}

/**
 * The workspace among the ancestors of `paths` (absolute paths a session used, each one
 * included) whose project key is `key`.
 */
export function workspaceFrom(paths: Iterable<string>, key: string): string | undefined {
  if (!key) return undefined;
  for (const p of paths) {
    if (!p.startsWith("/")) continue;
    for (let d = posix.normalize(p); d !== "/" && d !== "."; d = posix.dirname(d)) {
      if (projectKey(d) === key) return d.endsWith("/") ? d.slice(0, -1) : d;
    }
  }
  return undefined;
}

const JSON_PATHS = /"(?:path|file_path|filePath|target_file|working_directory)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
const TEXT_PATHS = /^[ \t]+(?:path|file_path|target_file|working_directory): (\/[^\n]*)$/gm;

/** Absolute paths named in tool inputs of a transcript's text (JSONL or .txt). */
export function pathsInText(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(JSON_PATHS)) {
    try {
      const p = JSON.parse(`"${m[1]}"`) as string;
      if (p.startsWith("/")) out.push(p);
    } catch {
      // a value cut off at the end of the head
    }
  }
  for (const m of text.matchAll(TEXT_PATHS)) out.push(m[1]!.trimEnd());
  return out;
}

/** The folder's name read back as a path, when that path is a directory on this machine. */
export function guessWorkspace(folder: string): string | undefined {
  const guess = `/${folder.replace(/-/g, "/")}`;
  try {
    return statSync(guess).isDirectory() ? guess : undefined;
  } catch {
    return undefined;
  }
}

export async function discover(opts: DiscoverOptions): Promise<SessionRef[]> {
  const dir = cursorProjectsDir(opts.env);
  const rootKeys = opts.roots?.map((r) => [r, projectKey(r)] as const);
  const cache = new HeaderCache(opts.env, "cursor-cwd");
  const found: SessionRef[] = [];
  for (const folder of listDir(dir)) {
    if (!folder.isDir) continue;
    const key = projectKey(folder.name);
    // A workspace is the repository or a folder inside it: its key is the root's, or starts with it.
    const exact = rootKeys?.find(([, k]) => k === key)?.[0];
    if (rootKeys && !exact && !rootKeys.some(([, k]) => key.startsWith(`${k}-`))) continue;
    let guess: string | null | undefined;
    for (const f of transcriptsIn(join(dir, folder.name), opts.sinceMs)) {
      const id = transcriptId(f.path)!;
      const cacheKey = f.path.slice(dir.length + 1);
      let cwd = cache.get(cacheKey);
      if (cwd === undefined) {
        cwd = workspaceFrom(pathsInText(headText(f.path, Math.min(f.size, HEAD_BYTES))), key);
        // Known for good once a path shows it; until then the folder name is all there is.
        if (cwd !== undefined) cache.set(cacheKey, cwd);
      }
      if (cwd === undefined && !exact && guess === undefined) guess = guessWorkspace(folder.name) ?? null;
      cwd ??= exact ?? guess ?? undefined;
      if (opts.roots && !(cwd && opts.roots.some((r) => isInside(cwd!, r)))) continue;
      found.push({ agent: "cursor", id, path: f.path, ...(cwd ? { cwd } : {}), mtimeMs: f.mtimeMs, size: f.size });
    }
  }
  cache.save();
  return found;
}

export async function find(id: string, env: Env): Promise<string | null> {
  if (!isTraceId(id)) return null;
  const dir = cursorProjectsDir(env);
  for (const folder of listDir(dir)) {
    if (!folder.isDir) continue;
    const base = join(dir, folder.name, "agent-transcripts");
    for (const path of [
      join(base, `${id}.jsonl`),
      join(base, id, `${id}.jsonl`),
      join(base, `${id}.txt`),
      join(base, id, `${id}.txt`),
    ]) {
      if (existsSync(path)) return path;
    }
  }
  return null;
}

/** The projects folder (a new workspace), and the folders of this worktree's workspaces. */
export function watch(opts: DiscoverOptions): string[] {
  const dir = cursorProjectsDir(opts.env);
  const keys = opts.roots?.map(projectKey);
  const mine = listDir(dir).filter((f) => {
    if (!f.isDir) return false;
    const key = projectKey(f.name);
    return !keys || keys.some((k) => key === k || key.startsWith(`${k}-`));
  });
  const out = [dir];
  for (const f of mine) {
    // The folder changes when its agent-transcripts folder appears; that one when a session does.
    out.push(join(dir, f.name));
    if (existsSync(join(dir, f.name, "agent-transcripts"))) out.push(join(dir, f.name, "agent-transcripts"));
  }
  return out;
}

/** The directories that hold this agent's sessions, honouring its own environment variables. */
export function dataDirs(env: Env): string[] {
  return [cursorProjectsDir(env)];
}

/** True when the agent appears installed here (its config or data directory exists). */
export function detect(env: Env): boolean {
  return existsSync(cursorHome(env));
}
