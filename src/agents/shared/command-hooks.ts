// Command hooks in the settings shape Claude Code, Codex and Gemini CLI share:
//   { "hooks": { "<Event>": [ { "matcher": "...", "hooks": [ { "type": "command", "command": "...", "timeout": 10 } ] } ] } }
// We add one group of our own per event and never touch anyone else's groups. What we
// create (the file, the "hooks" object, an event's list) is remembered in our state file,
// so that uninstall takes away exactly that and the file is as it was.

import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { dataHome } from "../../base/home.ts";
import type { Env, HookFileChange } from "../types.ts";
import { deleteFile, readJsonFile, SettingsFileError, writeJsonFile } from "./json-file.ts";

export interface HookSpec {
  event: string;
  matcher?: string;
  command: string;
  /** In the unit the agent expects (seconds for Claude Code and Codex, ms for Gemini). */
  timeout: number;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

/** Our handlers, whatever version wrote them: `git-traces hook ...` or `git traces hook ...`. */
export function isOurCommand(command: unknown): boolean {
  return typeof command === "string" && /(^|[\s/"'])git[- ]traces["']? hook\s/.test(command);
}

const isOurGroup = (g: unknown): boolean =>
  isObj(g) && Array.isArray(g.hooks) && g.hooks.length > 0 && g.hooks.every((h) => isObj(h) && isOurCommand(h.command));

// --- what we created, per settings file ------------------------------------------------

export interface CreatedRecord {
  file: boolean;
  keys: string[];
  /** Directories made to hold a file we created, deepest first (flat hook files and plugins). */
  dirs?: string[];
}

function stateFile(env: Env): string {
  return join(dataHome(env), "hooks-installed.json");
}

function readState(env: Env): Record<string, CreatedRecord> {
  try {
    const data = JSON.parse(readFileSync(stateFile(env), "utf8")) as unknown;
    return isObj(data) && isObj(data.files) ? (data.files as Record<string, CreatedRecord>) : {};
  } catch {
    return {};
  }
}

function writeState(env: Env, files: Record<string, CreatedRecord>): void {
  const path = stateFile(env);
  if (Object.keys(files).length === 0) {
    if (existsSync(path)) deleteFile(path);
    return;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ version: 1, files }, null, 2)}\n`);
}

/** What git-traces created for a hook file it manages itself (a plugin), so that uninstall undoes exactly that. */
export function createdRecord(path: string, env: Env): CreatedRecord | undefined {
  return readState(env)[path];
}

export function rememberCreated(path: string, record: CreatedRecord | undefined, env: Env): void {
  const state = readState(env);
  if (record) state[path] = record;
  else if (state[path]) delete state[path];
  else return;
  writeState(env, state);
}

// --- install, uninstall, status --------------------------------------------------------

export function installCommandHooks(path: string, specs: readonly HookSpec[], env: Env): HookFileChange {
  const file = readJsonFile(path);
  const state = readState(env);
  const created: CreatedRecord = state[path] ?? { file: !file.exists, keys: [] };
  const changes: string[] = [];
  if (file.data.hooks === undefined) {
    file.data.hooks = {};
    if (!created.keys.includes("hooks")) created.keys.push("hooks");
  }
  const hooks = file.data.hooks;
  if (!isObj(hooks)) throw new SettingsFileError(path, `"hooks" is not an object`);
  for (const spec of specs) {
    if (hooks[spec.event] === undefined) {
      hooks[spec.event] = [];
      if (!created.keys.includes(`hooks.${spec.event}`)) created.keys.push(`hooks.${spec.event}`);
    }
    const groups = hooks[spec.event];
    if (!Array.isArray(groups)) throw new SettingsFileError(path, `"hooks.${spec.event}" is not a list`);
    const want: Obj = { ...(spec.matcher ? { matcher: spec.matcher } : {}), hooks: [{ type: "command", command: spec.command, timeout: spec.timeout }] };
    const ours = groups.filter(isOurGroup);
    if (ours.length === 1 && JSON.stringify(ours[0]) === JSON.stringify(want)) continue;
    // Missing, or written by another version: put exactly one current group in place.
    hooks[spec.event] = [...groups.filter((g) => !isOurGroup(g)), want];
    changes.push(ours.length ? `updated the ${spec.event} hook` : `added a ${spec.event} hook`);
  }
  if (changes.length) {
    writeJsonFile(file);
    state[path] = created;
    writeState(env, state);
  }
  return { file: path, changes };
}

export function uninstallCommandHooks(path: string, env: Env): HookFileChange {
  const file = readJsonFile(path);
  const state = readState(env);
  const created = state[path] ?? { file: false, keys: [] };
  const changes: string[] = [];
  const hooks = file.data.hooks;
  if (file.exists && isObj(hooks)) {
    for (const [event, groups] of Object.entries(hooks)) {
      if (!Array.isArray(groups)) continue;
      const kept = groups.filter((g) => !isOurGroup(g));
      // A group of someone else's that also holds one of our handlers: take out just ours.
      for (const g of kept) if (isObj(g) && Array.isArray(g.hooks)) g.hooks = g.hooks.filter((h) => !(isObj(h) && isOurCommand(h.command)));
      if (kept.length !== groups.length) changes.push(`removed the ${event} hook`);
      if (kept.length === 0 && created.keys.includes(`hooks.${event}`)) delete hooks[event];
      else hooks[event] = kept;
    }
    if (Object.keys(hooks).length === 0 && created.keys.includes("hooks")) delete file.data.hooks;
  }
  if (changes.length) {
    if (created.file && Object.keys(file.data).length === 0) {
      deleteFile(path);
      changes.push("deleted the file (git-traces had created it)");
    } else {
      writeJsonFile(file);
    }
  }
  if (state[path]) {
    delete state[path];
    writeState(env, state);
  }
  return { file: path, changes };
}

/** Events that have our hook in the file. */
export function installedEvents(path: string): string[] {
  let file;
  try {
    file = readJsonFile(path);
  } catch {
    return [];
  }
  const hooks = file.data.hooks;
  if (!isObj(hooks)) return [];
  return Object.entries(hooks)
    .filter(([, groups]) => Array.isArray(groups) && groups.some((g) => isObj(g) && Array.isArray(g.hooks) && g.hooks.some((h) => isObj(h) && isOurCommand(h.command))))
    .map(([event]) => event);
}

// --- flat hook files ---------------------------------------------------------------------
// Copilot CLI's hook files and Cursor's hooks.json list the handlers straight under each
// event, next to a format version:
//   { "version": 1, "hooks": { "<event>": [ { "type": "command", "bash": "...", "timeoutSec": 10 } ] } }
//   { "version": 1, "hooks": { "<event>": [ { "command": "..." } ] } }
// Same guarantees as above: our handlers only, what we created remembered and taken away.

export interface FlatHookFormat {
  /** Top-level keys the file must hold, with their values (`{ version: 1 }`). */
  header: Record<string, unknown>;
  /** Our handler for a spec, exactly as the agent wants it. */
  handler(spec: HookSpec): Record<string, unknown>;
  /** The command line a handler runs, from whichever field the format keeps it in. */
  command(handler: Record<string, unknown>): unknown;
  /**
   * The file is named for git-traces alone (Copilot's hooks/git-traces.json): once only our
   * hooks were in it, uninstall removes it even when the record of creating it is lost.
   */
  ownFile?: boolean;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The directories `mkdir -p dir` would create, deepest first. */
export function missingDirs(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) out.push(d);
  return out;
}

/** Removes the directories install made (deepest first) while they are empty; returns those removed. */
export function removeCreatedDirs(dirs: readonly string[]): string[] {
  const removed: string[] = [];
  for (const dir of dirs) {
    try {
      rmdirSync(dir); // only when empty
      removed.push(dir);
    } catch {
      break; // holds something else now: it and its parents stay
    }
  }
  return removed;
}

export function installFlatHooks(path: string, specs: readonly HookSpec[], format: FlatHookFormat, env: Env): HookFileChange {
  const file = readJsonFile(path);
  const state = readState(env);
  const created: CreatedRecord = state[path] ?? { file: !file.exists, keys: [], ...(file.exists ? {} : { dirs: missingDirs(dirname(path)) }) };
  const isOurs = (h: unknown) => isObj(h) && isOurCommand(format.command(h));
  const changes: string[] = [];
  for (const [key, value] of Object.entries(format.header)) {
    if (file.data[key] === undefined) {
      file.data[key] = value;
      if (!created.keys.includes(key)) created.keys.push(key);
      if (file.exists) changes.push(`set ${key}`);
    } else if (!sameJson(file.data[key], value)) {
      throw new SettingsFileError(path, `"${key}" is ${JSON.stringify(file.data[key])}, git-traces writes ${JSON.stringify(value)}`);
    }
  }
  if (file.data.hooks === undefined) {
    file.data.hooks = {};
    if (!created.keys.includes("hooks")) created.keys.push("hooks");
  }
  const hooks = file.data.hooks;
  if (!isObj(hooks)) throw new SettingsFileError(path, `"hooks" is not an object`);
  for (const spec of specs) {
    if (hooks[spec.event] === undefined) {
      hooks[spec.event] = [];
      if (!created.keys.includes(`hooks.${spec.event}`)) created.keys.push(`hooks.${spec.event}`);
    }
    const list = hooks[spec.event];
    if (!Array.isArray(list)) throw new SettingsFileError(path, `"hooks.${spec.event}" is not a list`);
    const want = format.handler(spec);
    const ours = list.filter(isOurs);
    if (ours.length === 1 && sameJson(ours[0], want)) continue;
    hooks[spec.event] = [...list.filter((h) => !isOurs(h)), want];
    changes.push(ours.length ? `updated the ${spec.event} hook` : `added a ${spec.event} hook`);
  }
  if (changes.length) {
    writeJsonFile(file);
    state[path] = created;
    writeState(env, state);
  }
  return { file: path, changes };
}

export function uninstallFlatHooks(path: string, format: FlatHookFormat, env: Env): HookFileChange {
  const file = readJsonFile(path);
  const state = readState(env);
  const created = state[path] ?? { file: false, keys: [] };
  const ownsKey = (key: string) => created.keys.includes(key) || format.ownFile === true;
  const isOurs = (h: unknown) => isObj(h) && isOurCommand(format.command(h));
  const changes: string[] = [];
  const hooks = file.data.hooks;
  if (file.exists && isObj(hooks)) {
    for (const [event, list] of Object.entries(hooks)) {
      if (!Array.isArray(list)) continue;
      const kept = list.filter((h) => !isOurs(h));
      if (kept.length === list.length) continue;
      changes.push(`removed the ${event} hook`);
      if (kept.length === 0 && ownsKey(`hooks.${event}`)) delete hooks[event];
      else hooks[event] = kept;
    }
    if (changes.length && Object.keys(hooks).length === 0 && ownsKey("hooks")) delete file.data.hooks;
  }
  if (changes.length) {
    // The format keys we added go with the last hook; from a file of the user's (Cursor's
    // hooks.json), they go in any case, so that the file is as it was.
    if (file.data.hooks === undefined || !format.ownFile) {
      for (const [key, value] of Object.entries(format.header)) if (ownsKey(key) && sameJson(file.data[key], value)) delete file.data[key];
    }
    if ((created.file || format.ownFile) && Object.keys(file.data).length === 0) {
      deleteFile(path);
      changes.push("deleted the file (git-traces had created it)");
      removeCreatedDirs(created.dirs ?? []);
    } else {
      writeJsonFile(file);
    }
  }
  if (state[path]) {
    delete state[path];
    writeState(env, state);
  }
  return { file: path, changes };
}

/** Events that have our handler in a flat hook file. */
export function installedFlatEvents(path: string, format: FlatHookFormat): string[] {
  let file;
  try {
    file = readJsonFile(path);
  } catch {
    return [];
  }
  const hooks = file.data.hooks;
  if (!isObj(hooks)) return [];
  return Object.entries(hooks)
    .filter(([, list]) => Array.isArray(list) && list.some((h) => isObj(h) && isOurCommand(format.command(h))))
    .map(([event]) => event);
}
