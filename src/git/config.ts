// The repository's config as git reads it (every file, -c options, includes): reading keys,
// adding and taking out values. A key that is not set is an answer (null, nothing).

import type { GitRunner } from "./runner.ts";

/** The last value of `key`; null when it is not set. */
export function configGet(git: GitRunner, key: string): string | null {
  const v = git.outOrNull(["config", "-z", "--get", key]);
  return v === null ? null : v.replace(/\0$/, "");
}

export interface ConfigEntry {
  /** As git prints it: section and variable names lower-cased, a subsection as written. */
  key: string;
  /** null for a key written without `=` (a boolean true). */
  value: string | null;
}

/** Every value of the keys matching `pattern` (a regular expression, as git takes it), in the order git reads them. */
export function configEntries(git: GitRunner, pattern: string): ConfigEntry[] {
  return parseEntries(git.run(["config", "-z", "--get-regexp", pattern]));
}

/** configEntries(), while the caller goes on with other work. */
export async function configEntriesAsync(git: GitRunner, pattern: string): Promise<ConfigEntry[]> {
  return parseEntries(await git.runAsync(["config", "-z", "--get-regexp", pattern]));
}

function parseEntries(r: { exitCode: number | null; stdout: string }): ConfigEntry[] {
  if (r.exitCode !== 0) return []; // 1: no such keys
  const out: ConfigEntry[] = [];
  for (const entry of r.stdout.split("\0")) {
    if (!entry) continue;
    const nl = entry.indexOf("\n");
    out.push(nl < 0 ? { key: entry, value: null } : { key: entry.slice(0, nl), value: entry.slice(nl + 1) });
  }
  return out;
}

/** Adds a value to `key` in the repository's config (a multi-valued key keeps its others); false when git could not. */
export function configAdd(git: GitRunner, key: string, value: string): boolean {
  return git.run(["config", "--add", key, value]).exitCode === 0;
}

/** Sets `key` in the repository's own config file (`--local`); GitError when git cannot. */
export function configSetLocal(git: GitRunner, key: string, value: string): void {
  git.out(["config", "--local", key, value]);
}

/** A value pattern for `git config --unset-all` that matches exactly `value`. */
export function exactValuePattern(value: string): string {
  return `^${value.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`;
}

/** Takes every value of `key` that is exactly `value` out of the repository's config; false when none was there. */
export function configUnsetValue(git: GitRunner, key: string, value: string): boolean {
  return git.run(["config", "--unset-all", key, exactValuePattern(value)]).exitCode === 0;
}

/** `-c key=value` global options: settings for one git call and the gits it starts, written to no file. */
export function configOptions(settings: readonly (readonly [key: string, value: string])[]): string[] {
  return settings.flatMap(([key, value]) => ["-c", `${key}=${value}`]);
}

/** `--config key=value` options of `git clone`: what the new repository's config starts with. */
export function cloneConfigOptions(settings: readonly (readonly [key: string, value: string])[]): string[] {
  return settings.flatMap(([key, value]) => ["--config", `${key}=${value}`]);
}
