// Command hooks in the settings shape Claude Code, Codex and Gemini CLI share:
//   { "hooks": { "<Event>": [
//     { "matcher": "...", "hooks": [ { "type": "command", "command": "...", "timeout": 10 } ] }
//   ] } }
// We add one group of our own per event and never touch anyone else's groups. Files are
// edited in place (json-file.ts): comments and formatting stay. What we create (the file,
// the "hooks" object, an event's list, and what an empty list held) is remembered in our
// state file, so that uninstall takes away exactly that and the file is as it was, byte for
// byte. The state file also names the agent and the repository of each file, so that a
// full uninstall (`git-traces uninstall`, run by scripts/install.sh --uninstall) finds the
// project files too.

import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { dataHome } from "../../base/home.ts";
import type { AgentName } from "../../traces/model.ts";
import type { Env, HookFileChange, HookInstallOptions, HookStatus } from "../types.ts";
import {
  appendMember,
  deleteFile,
  docObject,
  isEmptyAt,
  readJsonDoc,
  removeMember,
  replaceValue,
  saveJsonDoc,
  SettingsFileError,
  startObject,
  valueAt,
  writeTextFile,
  type JsonDoc,
} from "./json-file.ts";
import { isObj, type Obj } from "./json.ts";

export interface HookSpec {
  event: string;
  matcher?: string;
  command: string;
  /** In the unit the agent expects (seconds for Claude Code and Codex, ms for Gemini). */
  timeout: number;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

// --- the command a hook runs ---------------------------------------------------------------

/** Where scripts/install.sh puts the binary by default (a teammate's project hooks look there too). */
export const DEFAULT_BINARY = "~/.git-traces/bin/git-traces";

const shellQuote = (s: string) => (/^[A-Za-z0-9_./@%+=:,-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/**
 * The shell command of a hook. In the user's own config: the binary by absolute path
 * (`opts.command`), so that an agent started outside a login shell, without our PATH, still
 * reports. In a project's shared config: whatever git-traces each teammate has, on PATH or
 * where the installer puts it, and nothing at all (no output, status 0) for one without it.
 */
export function hookCommand(opts: HookInstallOptions, agent: string, event: string): string {
  const args = `hook ${agent} ${event}`;
  if (opts.project) {
    const onPath = `command -v git-traces >/dev/null 2>&1; then git-traces ${args}`;
    return `if ${onPath}; elif [ -x ${DEFAULT_BINARY} ]; then ${DEFAULT_BINARY} ${args}; fi`;
  }
  const binary = opts.command ?? "git-traces";
  // Installed as `git` alone (a package's layout), the binary is the CLI as `git traces`:
  // `git hook` is git's own command.
  const named =
    binary.slice(binary.lastIndexOf("/") + 1) === "git" ? `${shellQuote(binary)} traces` : shellQuote(binary);
  return `${named} ${args}`;
}

/**
 * Our handlers, whatever version wrote them: `git-traces hook ...`, `git traces hook ...`,
 * `/abs/path/git-traces hook ...` (quoted or not), and the project form above.
 */
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
  /** The agent whose config this is, and the repository for a project's config. */
  agent?: string;
  project?: string;
  /** What an object or list we added to held when it had no members (by dotted path, "" for the top). */
  inner?: Record<string, string>;
  /** The text of a blank file we filled. */
  blank?: string;
  /** The file had no final newline (Codex's config.toml). */
  noFinalNewline?: boolean;
}

export interface HookOwner {
  agent: string;
  project?: string;
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

/** Every file git-traces has hooks in, as recorded when they were written. */
export function recordedHookFiles(env: Env): Record<string, CreatedRecord> {
  return readState(env);
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

function newRecord(doc: JsonDoc, owner: HookOwner, dirs?: string[]): CreatedRecord {
  return {
    file: !doc.exists,
    keys: [],
    agent: owner.agent,
    ...(owner.project ? { project: owner.project } : {}),
    ...(doc.exists && !doc.root ? { blank: doc.original } : {}),
    ...(dirs?.length ? { dirs } : {}),
  };
}

/** Adds a member and notes what we created: the key, and what its container held. */
function add(doc: JsonDoc, created: CreatedRecord, container: string[], key: string | undefined, value: unknown): void {
  if (!doc.root) startObject(doc);
  const inner = appendMember(doc, container, key, value);
  const where = container.join(".");
  if (inner !== undefined) created.inner = { ...created.inner, [where]: inner };
  if (key !== undefined) {
    const k = [...container, key].join(".");
    if (!created.keys.includes(k)) created.keys.push(k);
  }
}

const innerOf = (created: CreatedRecord, container: string[]) => created.inner?.[container.join(".")];

/** The file after our last change: deleted or blank again when it was so, else saved. */
function finish(doc: JsonDoc, created: CreatedRecord, changes: string[]): void {
  if (doc.root && isEmptyAt(doc, [])) {
    if (created.file) {
      deleteFile(doc.path);
      changes.push("deleted the file (git-traces had created it)");
      return;
    }
    if (created.blank !== undefined) {
      writeTextFile(doc.path, created.blank);
      return;
    }
  }
  saveJsonDoc(doc);
}

function forget(env: Env, path: string): void {
  const state = readState(env);
  if (!state[path]) return;
  delete state[path];
  writeState(env, state);
}

/** A file to uninstall from, with what we created in it; null (and forgotten) when it is gone. */
function openForUninstall(path: string, env: Env): { doc: JsonDoc; created: CreatedRecord } | null {
  if (!existsSync(path)) {
    forget(env, path);
    return null;
  }
  return { doc: readJsonDoc(path), created: readState(env)[path] ?? { file: false, keys: [] } };
}

/** Saves what an uninstall changed (deleting a file we created, now empty), then forgets the file. */
function closeUninstall(doc: JsonDoc, created: CreatedRecord, changes: string[], env: Env): HookFileChange {
  if (doc.text !== doc.original) {
    finish(doc, created, changes);
    if (!existsSync(doc.path)) removeCreatedDirs(created.dirs ?? []);
  }
  forget(env, doc.path);
  return { file: doc.path, changes };
}

// --- install, uninstall, status --------------------------------------------------------

/** A settings file opened for install, with what we created in it so far. */
interface Install {
  path: string;
  doc: JsonDoc;
  state: Record<string, CreatedRecord>;
  created: CreatedRecord;
  changes: string[];
}

function openForInstall(path: string, env: Env, owner: HookOwner): Install {
  const doc = readJsonDoc(path);
  const state = readState(env);
  const created = state[path] ?? newRecord(doc, owner, doc.exists ? undefined : missingDirs(dirname(path)));
  return { path, doc, state, created, changes: [] };
}

/**
 * One entry of ours in each spec's event list under "hooks" (`want(spec)`): added where there
 * is none, left as it is when it is what we want, else the first one replaced, where it was,
 * and the others (another version's, or ours twice) removed. `isOurs` tells our entries.
 */
function placeHooks(
  at: Install,
  specs: readonly HookSpec[],
  want: (spec: HookSpec) => unknown,
  isOurs: (entry: unknown) => boolean,
): void {
  const { path, doc, created, changes } = at;
  if (docObject(doc).hooks === undefined) add(doc, created, [], "hooks", {});
  if (!isObj(valueAt(doc, ["hooks"]))) throw new SettingsFileError(path, `"hooks" is not an object`);
  for (const spec of specs) {
    const entry = want(spec);
    const list = valueAt(doc, ["hooks", spec.event]);
    if (list === undefined) {
      add(doc, created, ["hooks"], spec.event, [entry]);
      changes.push(`added a ${spec.event} hook`);
      continue;
    }
    if (!Array.isArray(list)) throw new SettingsFileError(path, `"hooks.${spec.event}" is not a list`);
    const ours = list.flatMap((h, i) => (isOurs(h) ? [i] : []));
    if (ours.length === 1 && sameJson(list[ours[0]!], entry)) continue;
    if (!ours.length) {
      add(doc, created, ["hooks", spec.event], undefined, entry);
      changes.push(`added a ${spec.event} hook`);
      continue;
    }
    for (const i of ours.slice(1).reverse()) removeMember(doc, ["hooks", spec.event, i]);
    replaceValue(doc, ["hooks", spec.event, ours[0]!], entry);
    changes.push(`updated the ${spec.event} hook`);
  }
}

/** Writes the file and remembers what we created in it, when anything changed. */
function closeInstall(at: Install, env: Env, owner: HookOwner): HookFileChange {
  const { path, doc, state, created, changes } = at;
  if (changes.length) {
    saveJsonDoc(doc);
    state[path] = { ...created, agent: owner.agent, ...(owner.project ? { project: owner.project } : {}) };
    writeState(env, state);
  }
  return { file: path, changes };
}

export function installCommandHooks(
  path: string,
  specs: readonly HookSpec[],
  env: Env,
  owner: HookOwner,
): HookFileChange {
  const at = openForInstall(path, env, owner);
  const group = (spec: HookSpec): Obj => ({
    ...(spec.matcher ? { matcher: spec.matcher } : {}),
    hooks: [{ type: "command", command: spec.command, timeout: spec.timeout }],
  });
  placeHooks(at, specs, group, isOurGroup);
  return closeInstall(at, env, owner);
}

export function uninstallCommandHooks(path: string, env: Env): HookFileChange {
  const opened = openForUninstall(path, env);
  if (!opened) return { file: path, changes: [] };
  const { doc, created } = opened;
  const changes: string[] = [];
  const hooks = valueAt(doc, ["hooks"]);
  if (isObj(hooks)) {
    for (const event of Object.keys(hooks)) {
      const groups = valueAt(doc, ["hooks", event]);
      if (!Array.isArray(groups)) continue;
      let removed = false;
      for (let i = groups.length - 1; i >= 0; i--) {
        const g = groups[i];
        if (isOurGroup(g)) {
          removeMember(doc, ["hooks", event, i], innerOf(created, ["hooks", event]));
          removed = true;
        } else if (isObj(g) && Array.isArray(g.hooks)) {
          // A group of someone else's that also holds one of our handlers: take out just ours.
          for (let j = g.hooks.length - 1; j >= 0; j--) {
            const h = g.hooks[j];
            if (isObj(h) && isOurCommand(h.command)) {
              removeMember(doc, ["hooks", event, i, "hooks", j]);
              removed = true;
            }
          }
        }
      }
      if (removed) changes.push(`removed the ${event} hook`);
      if (created.keys.includes(`hooks.${event}`) && isEmptyAt(doc, ["hooks", event]))
        removeMember(doc, ["hooks", event], innerOf(created, ["hooks"]));
    }
    if (created.keys.includes("hooks") && isEmptyAt(doc, ["hooks"])) removeMember(doc, ["hooks"], innerOf(created, []));
  }
  return closeUninstall(doc, created, changes, env);
}

/** Events under "hooks" in a file whose list of entries `holdsOurs`. */
function eventsWhere(path: string, holdsOurs: (list: unknown[]) => boolean): string[] {
  let hooks: unknown;
  try {
    hooks = valueAt(readJsonDoc(path), ["hooks"]);
  } catch {
    return [];
  }
  if (!isObj(hooks)) return [];
  return Object.entries(hooks)
    .filter(([, list]) => Array.isArray(list) && holdsOurs(list))
    .map(([event]) => event);
}

/** What `git traces hooks status` says of a file: which of the `expected` events have our hook there. */
export function hookStatus(
  agent: AgentName,
  file: string,
  events: string[],
  expected: readonly string[],
  notes: string[] = [],
): HookStatus {
  return { agent, file, exists: existsSync(file), events, missing: expected.filter((e) => !events.includes(e)), notes };
}

/** Events that have our hook in the file. */
export function installedEvents(path: string): string[] {
  return eventsWhere(path, (groups) =>
    groups.some((g) => isObj(g) && Array.isArray(g.hooks) && g.hooks.some((h) => isObj(h) && isOurCommand(h.command))),
  );
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

export function installFlatHooks(
  path: string,
  specs: readonly HookSpec[],
  format: FlatHookFormat,
  env: Env,
  owner: HookOwner,
): HookFileChange {
  const at = openForInstall(path, env, owner);
  const { doc, created, changes } = at;
  for (const [key, value] of Object.entries(format.header)) {
    const current = docObject(doc)[key];
    if (current === undefined) {
      add(doc, created, [], key, value);
      if (doc.exists && doc.root) changes.push(`set ${key}`);
    } else if (!sameJson(current, value)) {
      throw new SettingsFileError(
        path,
        `"${key}" is ${JSON.stringify(current)}, git-traces writes ${JSON.stringify(value)}`,
      );
    }
  }
  placeHooks(at, specs, format.handler, (h) => isObj(h) && isOurCommand(format.command(h)));
  return closeInstall(at, env, owner);
}

export function uninstallFlatHooks(path: string, format: FlatHookFormat, env: Env): HookFileChange {
  const opened = openForUninstall(path, env);
  if (!opened) return { file: path, changes: [] };
  const { doc, created } = opened;
  const changes: string[] = [];
  const ownsKey = (key: string) => created.keys.includes(key) || format.ownFile === true;
  const isOurs = (h: unknown) => isObj(h) && isOurCommand(format.command(h));
  const hooks = valueAt(doc, ["hooks"]);
  if (isObj(hooks)) {
    for (const event of Object.keys(hooks)) {
      const list = valueAt(doc, ["hooks", event]);
      if (!Array.isArray(list)) continue;
      let removed = false;
      for (let i = list.length - 1; i >= 0; i--) {
        if (!isOurs(list[i])) continue;
        removeMember(doc, ["hooks", event, i], innerOf(created, ["hooks", event]));
        removed = true;
      }
      if (!removed) continue;
      changes.push(`removed the ${event} hook`);
      if (ownsKey(`hooks.${event}`) && isEmptyAt(doc, ["hooks", event]))
        removeMember(doc, ["hooks", event], innerOf(created, ["hooks"]));
    }
    if ((changes.length || created.keys.includes("hooks")) && ownsKey("hooks") && isEmptyAt(doc, ["hooks"]))
      removeMember(doc, ["hooks"], innerOf(created, []));
  }
  // The format keys we added go with the last hook; from a file of the user's (Cursor's
  // hooks.json), they go in any case, so that the file is as it was.
  if (changes.length && (valueAt(doc, ["hooks"]) === undefined || !format.ownFile)) {
    for (const [key, value] of Object.entries(format.header)) {
      if (ownsKey(key) && sameJson(valueAt(doc, [key]), value)) removeMember(doc, [key], innerOf(created, []));
    }
  }
  // Our own file, emptied: it goes, whoever made it first.
  if (doc.text !== doc.original && format.ownFile && doc.root && isEmptyAt(doc, [])) created.file = true;
  return closeUninstall(doc, created, changes, env);
}

/** Events that have our handler in a flat hook file. */
export function installedFlatEvents(path: string, format: FlatHookFormat): string[] {
  return eventsWhere(path, (list) => list.some((h) => isObj(h) && isOurCommand(format.command(h))));
}
