// Codex hooks: $CODEX_HOME/hooks.json (default ~/.codex), or <project>/.codex/hooks.json
// with --project. Releases that keep hooks behind a feature flag need
// `[features] codex_hooks = true` in config.toml; we add it when neither that nor
// `hooks = ...` is set, marked so that uninstall removes exactly our lines (and the line
// breaks that came with them: the file is as it was, byte for byte). Timeouts are
// in seconds. Codex asks the user to trust a new hook before running it.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createdRecord,
  hookCommand,
  hookStatus,
  installCommandHooks,
  installedEvents,
  rememberCreated,
  uninstallCommandHooks,
  type HookSpec,
} from "../shared/command-hooks.ts";
import { deleteFile, writeTextFile } from "../shared/json-file.ts";
import type { HookFileChange, HookInstallOptions, HookManager, HookStatus } from "../types.ts";
import { codexHome } from "./discover.ts";

const EVENTS = ["SessionStart", "UserPromptSubmit", "PostToolUse", "Stop"];
const MARK = "# added by git-traces";

function dir(opts: HookInstallOptions): string {
  return opts.project ? join(opts.project, ".codex") : codexHome(opts.env);
}

function specs(opts: HookInstallOptions): HookSpec[] {
  return EVENTS.map((event) => ({ event, command: hookCommand(opts, "codex", event), timeout: 10 }));
}

/** The hooks feature as config.toml sets it: true, false, or unset. */
export function hooksFeature(toml: string): boolean | undefined {
  let table = "";
  for (const raw of toml.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      table = header[1]!.trim();
      continue;
    }
    const m = /^(features\.)?(codex_hooks|hooks)\s*=\s*(true|false)$/.exec(line);
    if (m && (m[1] || table === "features")) return m[3] === "true";
  }
  return undefined;
}

/** Our lines in config.toml: each inserted with the line break before it, taken out with it. */
function enableFeature(configPath: string, opts: HookInstallOptions): string[] {
  const exists = existsSync(configPath);
  const toml = exists ? readFileSync(configPath, "utf8") : "";
  const current = hooksFeature(toml);
  if (current === true) return [];
  if (current === false)
    return [`hooks are turned off in ${configPath} ([features]); turn them on for the hooks to run`];
  const eol = toml.includes("\r\n") ? "\r\n" : "\n";
  const line = `codex_hooks = true ${MARK}`;
  const header = /^[ \t]*\[[ \t]*features[ \t]*\][ \t]*(#[^\r\n]*)?(?=\r?\n|$)/m.exec(toml);
  let text: string;
  if (header) {
    const at = header.index + header[0].length;
    text = toml.slice(0, at) + eol + line + toml.slice(at);
  } else if (toml === "") {
    text = `[features] ${MARK}${eol}${line}${eol}`;
  } else {
    // After the last line's text: a file without a final newline keeps having none.
    const at = toml.endsWith("\n") ? toml.length - (toml.endsWith("\r\n") ? 2 : 1) : toml.length;
    text = toml.slice(0, at) + `${eol}[features] ${MARK}${eol}${line}` + toml.slice(at);
  }
  writeTextFile(configPath, text);
  if (!exists)
    rememberCreated(
      configPath,
      { file: true, keys: [], agent: "codex", ...(opts.project ? { project: opts.project } : {}) },
      opts.env,
    );
  return ["enabled codex_hooks"];
}

/** config.toml without our lines: each with the line break before it (the first line, with the one after). */
export function withoutOurLines(toml: string): string {
  return toml
    .replace(/\r?\n[^\r\n]*# added by git-traces[ \t]*(?=\r?\n|$)/g, "")
    .replace(/^[^\r\n]*# added by git-traces[ \t]*(\r?\n|$)/, "");
}

function disableFeature(configPath: string, opts: HookInstallOptions): string[] {
  const created = createdRecord(configPath, opts.env);
  if (created) rememberCreated(configPath, undefined, opts.env);
  if (!existsSync(configPath)) return [];
  const toml = readFileSync(configPath, "utf8");
  if (!toml.includes(MARK)) return [];
  const text = withoutOurLines(toml);
  if (text === "" && created?.file) {
    deleteFile(configPath);
    return ["deleted the file (git-traces had created it)"];
  }
  writeTextFile(configPath, text);
  return ["removed codex_hooks"];
}

export const codexHooks: HookManager = {
  async install(opts): Promise<HookFileChange[]> {
    const d = dir(opts);
    const hooks = installCommandHooks(join(d, "hooks.json"), specs(opts), opts.env, {
      agent: "codex",
      project: opts.project,
    });
    const config = join(d, "config.toml");
    return [hooks, { file: config, changes: enableFeature(config, opts) }];
  },
  async uninstall(opts): Promise<HookFileChange[]> {
    const d = dir(opts);
    const config = join(d, "config.toml");
    // config.toml first: then the folder install made is empty when hooks.json goes.
    const feature = { file: config, changes: disableFeature(config, opts) };
    return [uninstallCommandHooks(join(d, "hooks.json"), opts.env), feature];
  },
  async status(opts): Promise<HookStatus> {
    const file = join(dir(opts), "hooks.json");
    const events = installedEvents(file);
    const config = join(dir(opts), "config.toml");
    const feature = existsSync(config) ? hooksFeature(readFileSync(config, "utf8")) : undefined;
    const notes: string[] = [];
    if (feature === false) notes.push(`hooks are turned off in ${config}`);
    if (events.length) notes.push("Codex asks you to trust new hooks before they run (Settings, Hooks)");
    return hookStatus("codex", file, events, EVENTS, notes);
  },
};
