// Where Gemini CLI keeps sessions: $GEMINI_CLI_HOME (default $HOME)/.gemini/tmp/<project>/
// chats/session-<time>-<id8>.jsonl (older releases: .json, one JSON document). <project> is
// a short name from ~/.gemini/projects.json ({"projects": {path: name}}), whose owner is also
// written in <project>/.project_root; older releases named the folder by the sha256 hex of
// the project path, which only a candidate path (a worktree root, a registered project) can
// be matched against. A session's project path is its cwd: the file itself does not say it.
// Subagents write chats/<parent session id>/<id>.jsonl, read with their parent.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { filesIn, headField, listDir } from "../shared/discover.ts";
import { LIMITS, readRegularText } from "../shared/safe-file.ts";
import { isObj } from "../shared/json.ts";
import { isInside } from "../shared/paths.ts";
import { isTraceId } from "../../traces/id.ts";
import type { DiscoverOptions, Env, SessionRef } from "../types.ts";

export function geminiHome(env: Env): string {
  return env.GEMINI_CLI_HOME || env.HOME || "";
}

/** ~/.gemini: settings, projects.json, tmp/. */
export function geminiDir(env: Env): string {
  return join(geminiHome(env), ".gemini");
}

export function geminiTmpDir(env: Env): string {
  return join(geminiDir(env), "tmp");
}

const HASH_FOLDER = /^[0-9a-f]{64}$/;

/** The sha256 hex of a project path: the legacy folder name and the chats' `projectHash`. */
export function projectHash(path: string): string {
  return new Bun.CryptoHasher("sha256").update(path).digest("hex");
}

/** projects.json as folder name -> project path; nothing when missing or damaged. */
export function readRegistry(dotGemini: string): Map<string, string> {
  const out = new Map<string, string>();
  let data: unknown;
  try {
    data = JSON.parse(readRegularText(join(dotGemini, "projects.json"), LIMITS.small));
  } catch {
    return out;
  }
  const projects = isObj(data) ? data.projects : undefined;
  if (!isObj(projects)) return out;
  for (const [path, name] of Object.entries(projects)) {
    if (typeof name === "string" && path.startsWith("/") && !out.has(name)) out.set(name, path);
  }
  return out;
}

function projectRootMarker(folder: string): string | undefined {
  try {
    const text = readRegularText(join(folder, ".project_root"), 64 * 1024).trim();
    return text.startsWith("/") && !text.includes("\n") ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Candidate project paths by their hash, computed on first use. */
export class HashedPaths {
  private byHash: Map<string, string> | undefined;
  constructor(private readonly candidates: Iterable<string>) {}
  get(hash: string): string | undefined {
    if (!this.byHash) {
      this.byHash = new Map();
      for (const p of this.candidates) {
        const hash = projectHash(p);
        if (!this.byHash.has(hash)) this.byHash.set(hash, p);
      }
    }
    return this.byHash.get(hash);
  }
}

/**
 * The project path of a folder under tmp/: for a hash-named folder, whichever candidate path
 * hashes to its name; else projects.json, else the folder's `.project_root` marker. (Gemini
 * CLI repairs the registry from the markers when they disagree; reading the one registry
 * instead of a marker per folder keeps discovery to a few file reads.)
 */
export function folderProject(
  folder: string,
  name: string,
  registry: Map<string, string>,
  hashed: HashedPaths,
): string | undefined {
  if (HASH_FOLDER.test(name)) return hashed.get(name);
  return registry.get(name) ?? projectRootMarker(folder);
}

export interface ProjectFolder {
  /** tmp/<name> */
  dir: string;
  name: string;
  /** The project path, when known. */
  project?: string;
}

/** Project folders under tmp/, with their paths; only those inside `roots` when given. */
export function projectFolders(env: Env, roots?: readonly string[]): ProjectFolder[] {
  const tmp = geminiTmpDir(env);
  const entries = listDir(tmp).filter((e) => e.isDir && e.name !== "bin" && !e.name.startsWith("."));
  if (entries.length === 0) return [];
  const registry = readRegistry(geminiDir(env));
  // Only paths inside the roots can name a folder that passes the filter below.
  const known = [...registry.values()];
  const hashed = new HashedPaths(roots ? [...roots, ...known.filter((p) => roots.some((r) => isInside(p, r)))] : known);
  const out: ProjectFolder[] = [];
  for (const e of entries) {
    const dir = join(tmp, e.name);
    const project = folderProject(dir, e.name, registry, hashed);
    if (roots && !(project && roots.some((r) => isInside(project, r)))) continue;
    out.push({ dir, name: e.name, ...(project ? { project } : {}) });
  }
  return out;
}

/** A main session's transcript (subagents' sit one folder deeper and are read with it). */
export const isSessionFile = (name: string) =>
  name.startsWith("session-") && (name.endsWith(".jsonl") || name.endsWith(".json"));

const rank = (ref: SessionRef) => (ref.path.endsWith(".jsonl") ? 1 : 0);

export async function discover(opts: DiscoverOptions): Promise<SessionRef[]> {
  const byId = new Map<string, SessionRef>();
  for (const folder of projectFolders(opts.env, opts.roots)) {
    for (const f of filesIn(join(folder.dir, "chats"), isSessionFile, opts.sinceMs)) {
      const id = headField(f.path, "sessionId", f.size);
      if (!isTraceId(id)) continue;
      const ref: SessionRef = {
        agent: "gemini-cli",
        id,
        path: f.path,
        ...(folder.project ? { cwd: folder.project } : {}),
        mtimeMs: f.mtimeMs,
        size: f.size,
      };
      // A resumed legacy session is carried on in <name>.jsonl next to its <name>.json:
      // the JSONL file holds all of it.
      const seen = byId.get(id);
      if (!seen) byId.set(id, ref);
      else if (rank(ref) > rank(seen) || (rank(ref) === rank(seen) && ref.mtimeMs > seen.mtimeMs))
        byId.set(id, { ...ref, mtimeMs: Math.max(ref.mtimeMs, seen.mtimeMs) });
      else seen.mtimeMs = Math.max(ref.mtimeMs, seen.mtimeMs);
    }
  }
  return [...byId.values()];
}

/** The transcript of a session: its file name ends with the ID's first 8 characters. */
export async function find(id: string, env: Env): Promise<string | null> {
  if (!isTraceId(id)) return null;
  const tail = id.slice(0, 8);
  let found: string | null = null;
  for (const folder of listDir(geminiTmpDir(env))) {
    if (!folder.isDir) continue;
    const chats = join(geminiTmpDir(env), folder.name, "chats");
    for (const f of listDir(chats)) {
      if (!f.isFile || !isSessionFile(f.name) || !f.name.replace(/\.jsonl?$/, "").endsWith(`-${tail}`)) continue;
      const path = join(chats, f.name);
      if (headField(path, "sessionId", Infinity) !== id) continue;
      if (path.endsWith(".jsonl")) return path;
      found ??= path;
    }
  }
  return found;
}

/**
 * A new session is a new file in a project's chats/ folder; a first session in a project
 * creates chats/ (the project folder changes) or the project folder itself (tmp/ changes).
 */
export function watch(opts: DiscoverOptions): string[] {
  const out = [geminiTmpDir(opts.env)];
  for (const f of projectFolders(opts.env, opts.roots)) out.push(f.dir, join(f.dir, "chats"));
  return out;
}

/** The directories that hold this agent's sessions, honouring its own environment variables. */
export function dataDirs(env: Env): string[] {
  return [geminiTmpDir(env)];
}

/** True when the agent appears installed here (its config or data directory exists). */
export function detect(env: Env): boolean {
  return existsSync(geminiDir(env));
}
