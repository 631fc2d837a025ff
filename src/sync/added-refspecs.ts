// The fetch refspecs git-traces added to repositories' remotes (remotes.ts when a fetch,
// push or `git traces sync` finds them missing, clone.ts on a clone), listed as they are
// added: one JSON line each, {"config", "remote", "value"}, in <data home>/refspecs-added.jsonl.
// The full uninstall (`git-traces uninstall`, run by scripts/install.sh --uninstall) takes
// exactly those lines out of those config files again, where they are still there, and
// nothing else.

import { appendFileSync, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { configFileValues, unsetConfigFileValue } from "../git/config-file.ts";
import { commonDir, repoState } from "../git/repo.ts";
import type { GitRunner } from "../git/runner.ts";
import { dataHome } from "../base/home.ts";
import type { Env } from "../base/env.ts";

export interface AddedRefspec {
  /** The config file the line went into (the repository's common `config`). */
  config: string;
  remote: string;
  value: string;
}

export function addedRefspecsFile(env: Env): string {
  return `${dataHome(env)}/refspecs-added.jsonl`;
}

/** Notes that these refspecs were just added to `remote` in this config file. Never throws. */
export function recordRefspecs(
  config: string,
  remote: string,
  values: readonly string[],
  env: Env = process.env,
): void {
  try {
    mkdirSync(dataHome(env), { recursive: true });
    appendFileSync(
      addedRefspecsFile(env),
      values.map((value) => `${JSON.stringify({ config, remote, value })}\n`).join(""),
    );
  } catch {
    // the refspec stays; only a full uninstall would not know to take it out
  }
}

const configOf = new WeakMap<GitRunner, string | null>();

/** Notes a refspec `git config --add` just added through this runner's repository. */
export function recordAddedRefspec(git: GitRunner, remote: string, value: string): void {
  try {
    let config = configOf.get(git);
    if (config === undefined) {
      const state = repoState(git);
      config = state ? `${commonDir(state.gitDir)}/config` : null;
      configOf.set(git, config);
    }
    if (config) recordRefspecs(config, remote, [value]);
  } catch {
    // as above
  }
}

const isString = (x: unknown): x is string => typeof x === "string" && x !== "";

/** The list, each entry once, lines that do not read as entries left out. */
export function readAddedRefspecs(env: Env): AddedRefspec[] {
  let text: string;
  try {
    text = readFileSync(addedRefspecsFile(env), "utf8");
  } catch {
    return [];
  }
  const seen = new Set<string>();
  const out: AddedRefspec[] = [];
  for (const line of text.split("\n")) {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof entry !== "object" || entry === null) continue;
    const { config, remote, value } = entry as Record<string, unknown>;
    if (!isString(config) || !isString(remote) || !isString(value) || !config.startsWith("/")) continue;
    const key = JSON.stringify([config, remote, value]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ config, remote, value });
  }
  return out;
}

export interface RefspecRemoval {
  removed: AddedRefspec[];
  /** No longer there: the repository or the line is gone. */
  gone: AddedRefspec[];
  /** Still there, but git could not take them out (kept in the list for next time). */
  failed: AddedRefspec[];
}

/** Takes the listed refspecs out where they are still present; the list keeps only failures. */
export function removeAddedRefspecs(git: GitRunner, env: Env): RefspecRemoval {
  const result: RefspecRemoval = { removed: [], gone: [], failed: [] };
  for (const entry of readAddedRefspecs(env)) {
    if (!existsSync(entry.config)) {
      result.gone.push(entry);
      continue;
    }
    const key = `remote.${entry.remote}.fetch`;
    const values = configFileValues(git, entry.config, key);
    if (values === null) result.failed.push(entry);
    else if (!values.includes(entry.value)) result.gone.push(entry);
    else if (unsetConfigFileValue(git, entry.config, key, entry.value)) result.removed.push(entry);
    else result.failed.push(entry);
  }
  const file = addedRefspecsFile(env);
  if (result.failed.length) writeFileSync(file, result.failed.map((e) => `${JSON.stringify(e)}\n`).join(""));
  else if (existsSync(file)) unlinkSync(file);
  return result;
}
