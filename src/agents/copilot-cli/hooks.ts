// GitHub Copilot CLI hooks: a file of our own, hooks/git-traces.json in $COPILOT_HOME
// (default ~/.copilot), or <repository>/.github/hooks/git-traces.json with --project.
// Copilot loads every *.json in those folders and runs the hooks of all of them, so the
// user's other hook files are never opened, and uninstall removes exactly our file.
// Format (docs.github.com, "GitHub Copilot hooks reference"):
//   { "version": 1, "hooks": { "sessionStart": [ { "type": "command", "bash": "...", "timeoutSec": 10 } ] } }
// Events are named in camelCase, which makes Copilot send camelCase payloads (sessionId).
// No postToolUse: Copilot waits for it after every tool call, and the session is recorded
// at its start and at every prompt already.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  hookCommand,
  hookStatus,
  installedFlatEvents,
  installFlatHooks,
  uninstallFlatHooks,
  type FlatHookFormat,
  type HookSpec,
} from "../shared/command-hooks.ts";
import type { HookFileChange, HookInstallOptions, HookManager, HookStatus } from "../types.ts";
import { copilotHome } from "./discover.ts";

export const COPILOT_EVENTS = ["sessionStart", "userPromptSubmitted", "agentStop", "sessionEnd"];
export const HOOK_FILE = "git-traces.json";

const FORMAT: FlatHookFormat = {
  header: { version: 1 },
  handler: (spec) => ({ type: "command", bash: spec.command, timeoutSec: spec.timeout }),
  // `command` is Copilot's cross-platform spelling of `bash`.
  command: (h) => h.bash ?? h.command,
  ownFile: true,
};

function hookFile(opts: HookInstallOptions): string {
  return opts.project
    ? join(opts.project, ".github", "hooks", HOOK_FILE)
    : join(copilotHome(opts.env), "hooks", HOOK_FILE);
}

function specs(opts: HookInstallOptions): HookSpec[] {
  return COPILOT_EVENTS.map((event) => ({ event, command: hookCommand(opts, "copilot-cli", event), timeout: 10 }));
}

/** Settings files (JSON with comments) that can turn every hook off. */
function disablingSettings(opts: HookInstallOptions): string[] {
  const files = [join(copilotHome(opts.env), "settings.json"), join(copilotHome(opts.env), "config.json")];
  if (opts.project)
    files.push(
      join(opts.project, ".github", "copilot", "settings.json"),
      join(opts.project, ".github", "copilot", "settings.local.json"),
    );
  return files.filter((f) => {
    try {
      return /"disableAllHooks"\s*:\s*true/.test(readFileSync(f, "utf8"));
    } catch {
      return false;
    }
  });
}

export const copilotHooks: HookManager = {
  async install(opts): Promise<HookFileChange[]> {
    return [
      installFlatHooks(hookFile(opts), specs(opts), FORMAT, opts.env, { agent: "copilot-cli", project: opts.project }),
    ];
  },
  async uninstall(opts): Promise<HookFileChange[]> {
    return [uninstallFlatHooks(hookFile(opts), FORMAT, opts.env)];
  },
  async status(opts): Promise<HookStatus> {
    const file = hookFile(opts);
    const events = installedFlatEvents(file, FORMAT);
    const notes = disablingSettings(opts).map((f) => `disableAllHooks is set in ${f}: Copilot runs no hooks`);
    if (opts.project && events.length) notes.push("Copilot CLI runs a repository's hooks only in folders you trust");
    return hookStatus("copilot-cli", file, events, COPILOT_EVENTS, notes);
  },
};
