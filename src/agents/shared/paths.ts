// Paths from transcripts, made repo-relative; the home directory titles are redacted with.

import { posix } from "node:path";
import type { RedactContext } from "../../traces/redact.ts";
import type { Env } from "../types.ts";

/** What a reader redacts its titles with: the home directory of `env`, else this process's. */
export function titleContext(env: Env | undefined): RedactContext {
  return { home: env?.HOME ?? process.env.HOME ?? "" };
}

/**
 * `path` relative to the first root that contains it, or `path` itself (normalised) when
 * none does. Roots are absolute: a worktree's top level, and its real path when that
 * differs (agents record the physical cwd).
 */
export function relativize(path: string, roots: readonly string[]): string {
  const p = posix.normalize(path);
  for (const root of roots) {
    const r = root.endsWith("/") ? root.slice(0, -1) : root;
    if (p === r) return ".";
    if (p.startsWith(`${r}/`)) return p.slice(r.length + 1);
  }
  return p;
}

/** An absolute path for `path` as seen from `cwd` (agents give both kinds). */
export function absolute(path: string, cwd: string | undefined): string {
  if (path.startsWith("/")) return posix.normalize(path);
  return cwd ? posix.resolve(cwd, path) : posix.normalize(path);
}

/** True when `path` is `root` or lies inside it. */
export function isInside(path: string, root: string): boolean {
  const r = root.endsWith("/") ? root.slice(0, -1) : root;
  return path === r || path.startsWith(`${r}/`);
}
