// Claude Code hooks: ~/.claude/settings.json (or $CLAUDE_CONFIG_DIR/settings.json), or
// <project>/.claude/settings.json with --project. Timeouts are in seconds.

import { join } from "node:path";
import {
  hookCommand,
  hookStatus,
  installCommandHooks,
  installedEvents,
  uninstallCommandHooks,
  type HookSpec,
} from "../shared/command-hooks.ts";
import type { HookInstallOptions, HookManager, HookStatus } from "../types.ts";
import { claudeConfigDir } from "./discover.ts";

const EVENTS: { event: string; matcher?: string }[] = [
  { event: "SessionStart" },
  { event: "UserPromptSubmit" },
  { event: "PostToolUse", matcher: "Edit|MultiEdit|Write|NotebookEdit" },
  { event: "Stop" },
  { event: "SessionEnd" },
];

function settingsPath(opts: HookInstallOptions): string {
  return opts.project
    ? join(opts.project, ".claude", "settings.json")
    : join(claudeConfigDir(opts.env), "settings.json");
}

function specs(opts: HookInstallOptions): HookSpec[] {
  return EVENTS.map((e) => ({ ...e, command: hookCommand(opts, "claude-code", e.event), timeout: 10 }));
}

export const claudeHooks: HookManager = {
  async install(opts) {
    return [
      installCommandHooks(settingsPath(opts), specs(opts), opts.env, { agent: "claude-code", project: opts.project }),
    ];
  },
  async uninstall(opts) {
    return [uninstallCommandHooks(settingsPath(opts), opts.env)];
  },
  async status(opts): Promise<HookStatus> {
    const file = settingsPath(opts);
    return hookStatus(
      "claude-code",
      file,
      installedEvents(file),
      EVENTS.map((e) => e.event),
    );
  },
};
