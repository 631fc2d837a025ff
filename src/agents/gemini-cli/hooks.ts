// Gemini CLI hooks: ~/.gemini/settings.json ($GEMINI_CLI_HOME/.gemini when set), or
// <project>/.gemini/settings.json with --project. Same shape as Claude Code's hooks
// ({"hooks": {"<Event>": [{"matcher", "hooks": [{"type": "command", ...}]}]}}), but the
// timeouts are in milliseconds. `hooksConfig.enabled: false` turns every hook off; project
// hooks run only in folders the user trusts, and Gemini CLI warns once about new ones.

import { join } from "node:path";
import {
  hookCommand,
  hookStatus,
  installCommandHooks,
  installedEvents,
  isOurCommand,
  uninstallCommandHooks,
  type HookSpec,
} from "../shared/command-hooks.ts";
import { docObject, readJsonDoc } from "../shared/json-file.ts";
import { isObj } from "../shared/json.ts";
import type { HookInstallOptions, HookManager, HookStatus } from "../types.ts";
import { geminiDir } from "./discover.ts";

/** Session start and end, each prompt (BeforeAgent), each edit, each finished turn (AfterAgent). */
const EVENTS: { event: string; matcher?: string }[] = [
  { event: "SessionStart" },
  { event: "BeforeAgent" },
  { event: "AfterTool", matcher: "^(write_file|replace)$" },
  { event: "AfterAgent" },
  { event: "SessionEnd" },
];

const TIMEOUT_MS = 10_000;

function settingsPath(opts: HookInstallOptions): string {
  return opts.project ? join(opts.project, ".gemini", "settings.json") : join(geminiDir(opts.env), "settings.json");
}

function specs(opts: HookInstallOptions): HookSpec[] {
  return EVENTS.map((e) => ({ ...e, command: hookCommand(opts, "gemini-cli", e.event), timeout: TIMEOUT_MS }));
}

/** What in a settings file keeps our hooks from running. */
export function hooksBlocked(settings: Record<string, unknown>, file: string): string[] {
  const config = settings.hooksConfig;
  if (!isObj(config)) return [];
  const notes: string[] = [];
  const { enabled, disabled } = config;
  if (enabled === false)
    notes.push(`hooks are turned off in ${file} (hooksConfig.enabled); turn them on for the hooks to run`);
  if (Array.isArray(disabled) && disabled.some(isOurCommand))
    notes.push(`${file} lists git-traces hooks in hooksConfig.disabled`);
  return notes;
}

function blockedIn(file: string): string[] {
  try {
    return hooksBlocked(docObject(readJsonDoc(file)), file);
  } catch {
    return [];
  }
}

export const geminiHooks: HookManager = {
  async install(opts) {
    const file = settingsPath(opts);
    const change = installCommandHooks(file, specs(opts), opts.env, { agent: "gemini-cli", project: opts.project });
    return [{ ...change, changes: [...change.changes, ...blockedIn(file)] }];
  },
  async uninstall(opts) {
    return [uninstallCommandHooks(settingsPath(opts), opts.env)];
  },
  async status(opts): Promise<HookStatus> {
    const file = settingsPath(opts);
    const events = installedEvents(file);
    const notes = blockedIn(file);
    if (opts.project && events.length) notes.push("Gemini CLI runs project hooks only in trusted folders");
    return hookStatus(
      "gemini-cli",
      file,
      events,
      EVENTS.map((e) => e.event),
      notes,
    );
  },
};
