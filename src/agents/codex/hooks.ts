// Codex hooks: $CODEX_HOME/hooks.json (default ~/.codex), or <project>/.codex/hooks.json
// with --project. Releases that keep hooks behind a feature flag need
// `[features] codex_hooks = true` in config.toml; we add it when neither that nor
// `hooks = ...` is set, marked so that uninstall removes exactly our lines. Timeouts are
// in seconds. Codex asks the user to trust a new hook before running it.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installCommandHooks, installedEvents, uninstallCommandHooks, type HookSpec } from "../shared/command-hooks.ts";
import { deleteFile } from "../shared/json-file.ts";
import type { HookFileChange, HookInstallOptions, HookManager, HookStatus } from "../types.ts";
import { codexHome } from "./discover.ts";

const EVENTS = ["SessionStart", "UserPromptSubmit", "PostToolUse", "Stop"];
const MARK = "# added by git-traces";

function dir(opts: HookInstallOptions): string {
  return opts.project ? join(opts.project, ".codex") : codexHome(opts.env);
}

function specs(opts: HookInstallOptions): HookSpec[] {
  const command = opts.command ?? "git-traces";
  return EVENTS.map((event) => ({ event, command: `${command} hook codex ${event}`, timeout: 10 }));
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

function enableFeature(configPath: string): string[] {
  const exists = existsSync(configPath);
  const toml = exists ? readFileSync(configPath, "utf8") : "";
  const current = hooksFeature(toml);
  if (current === true) return [];
  if (current === false) return [`hooks are turned off in ${configPath} ([features]); turn them on for the hooks to run`];
  const lines = toml === "" ? [] : toml.replace(/\n$/, "").split("\n");
  const header = lines.findIndex((l) => /^\s*\[features\]\s*(#.*)?$/.test(l));
  if (header >= 0) lines.splice(header + 1, 0, `codex_hooks = true ${MARK}`);
  else lines.push(`[features] ${MARK}`, `codex_hooks = true ${MARK}`);
  writeFileSync(configPath, `${lines.join("\n")}\n`);
  return [`enabled codex_hooks in ${configPath}`];
}

function disableFeature(configPath: string): string[] {
  if (!existsSync(configPath)) return [];
  const toml = readFileSync(configPath, "utf8");
  if (!toml.includes(MARK)) return [];
  const kept = toml.split("\n").filter((l) => !l.trimEnd().endsWith(MARK));
  const text = kept.join("\n");
  if (text.trim() === "") {
    deleteFile(configPath);
    return [`removed ${configPath} (git-traces had created it)`];
  }
  writeFileSync(configPath, text.endsWith("\n") ? text : `${text}\n`);
  return [`removed codex_hooks from ${configPath}`];
}

export const codexHooks: HookManager = {
  async install(opts): Promise<HookFileChange[]> {
    const d = dir(opts);
    const hooks = installCommandHooks(join(d, "hooks.json"), specs(opts), opts.env);
    const config = join(d, "config.toml");
    return [hooks, { file: config, changes: enableFeature(config) }];
  },
  async uninstall(opts): Promise<HookFileChange[]> {
    const d = dir(opts);
    const config = join(d, "config.toml");
    return [uninstallCommandHooks(join(d, "hooks.json"), opts.env), { file: config, changes: disableFeature(config) }];
  },
  async status(opts): Promise<HookStatus> {
    const file = join(dir(opts), "hooks.json");
    const events = installedEvents(file);
    const config = join(dir(opts), "config.toml");
    const feature = existsSync(config) ? hooksFeature(readFileSync(config, "utf8")) : undefined;
    const notes: string[] = [];
    if (feature === false) notes.push(`hooks are turned off in ${config}`);
    if (events.length) notes.push("Codex asks you to trust new hooks before they run (Settings, Hooks)");
    return { agent: "codex", file, exists: existsSync(file), events, missing: EVENTS.filter((e) => !events.includes(e)), notes };
  },
};
