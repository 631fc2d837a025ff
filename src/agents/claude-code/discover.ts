// Where Claude Code keeps sessions: $CLAUDE_CONFIG_DIR (default ~/.claude)/projects/<folder>/
// <sessionId>.jsonl, the folder being the cwd with every non-alphanumeric character turned
// into "-". The name is lossy, so it only narrows the search; the cwd comes from the records.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { filesIn, headField, listDir } from "../shared/discover.ts";
import { isInside } from "../shared/paths.ts";
import { isTraceId } from "../../traces/id.ts";
import type { DiscoverOptions, Env, SessionRef } from "../types.ts";

export function claudeConfigDir(env: Env): string {
  return env.CLAUDE_CONFIG_DIR || join(env.HOME ?? "", ".claude");
}

export function claudeProjectsDir(env: Env): string {
  return join(claudeConfigDir(env), "projects");
}

export function projectFolderName(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9]/g, "-");
}

export async function discover(opts: DiscoverOptions): Promise<SessionRef[]> {
  const dir = claudeProjectsDir(opts.env);
  const prefixes = opts.roots?.map(projectFolderName);
  const found: SessionRef[] = [];
  for (const folder of listDir(dir)) {
    if (!folder.isDir || (prefixes && !prefixes.some((p) => folder.name.startsWith(p)))) continue;
    for (const f of filesIn(join(dir, folder.name), (n) => n.endsWith(".jsonl"), opts.sinceMs)) {
      const id = f.path.slice(f.path.lastIndexOf("/") + 1, -".jsonl".length);
      if (!isTraceId(id)) continue;
      const cwd = headField(f.path, "cwd", f.size);
      if (opts.roots && !(cwd && opts.roots.some((r) => isInside(cwd, r)))) continue;
      found.push({ agent: "claude-code", id, path: f.path, ...(cwd ? { cwd } : {}), mtimeMs: f.mtimeMs, size: f.size });
    }
  }
  return found;
}

export async function find(id: string, env: Env): Promise<string | null> {
  if (!isTraceId(id)) return null;
  const dir = claudeProjectsDir(env);
  for (const folder of listDir(dir)) {
    if (!folder.isDir) continue;
    const path = join(dir, folder.name, `${id}.jsonl`);
    if (await Bun.file(path).exists()) return path;
  }
  return null;
}

/** The projects folder (a new project folder changes it) and this worktree's folders. */
export function watch(opts: DiscoverOptions): string[] {
  const dir = claudeProjectsDir(opts.env);
  const prefixes = opts.roots?.map(projectFolderName);
  return [
    dir,
    ...listDir(dir)
      .filter((f) => f.isDir && (!prefixes || prefixes.some((p) => f.name.startsWith(p))))
      .map((f) => join(dir, f.name)),
  ];
}

/** The directories that hold this agent's sessions, honouring its own environment variables. */
export function dataDirs(env: Env): string[] {
  return [claudeProjectsDir(env)];
}

/** True when the agent appears installed here (its config or data directory exists). */
export function detect(env: Env): boolean {
  return existsSync(claudeConfigDir(env));
}
