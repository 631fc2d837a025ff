// Cursor hooks: ~/.cursor/hooks.json, or <project>/.cursor/hooks.json with --project.
//   { "version": 1, "hooks": { "<event>": [ { "command": "..." } ] } }
// Event names are camelCase. We add no timeout (Cursor's default applies: the hook returns
// at once) and install only hooks that observe: none that Cursor waits on for a decision
// (beforeSubmitPrompt, beforeShellExecution), so an empty answer can never block the agent.

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
import type { HookInstallOptions, HookManager, HookStatus } from "../types.ts";
import { cursorHome } from "./discover.ts";

export const CURSOR_EVENTS = ["sessionStart", "afterFileEdit", "stop", "sessionEnd"];

const FORMAT: FlatHookFormat = {
  header: { version: 1 },
  handler: (spec) => ({ command: spec.command }),
  command: (handler) => handler.command,
};

export function cursorHooksFile(opts: HookInstallOptions): string {
  return opts.project ? join(opts.project, ".cursor", "hooks.json") : join(cursorHome(opts.env), "hooks.json");
}

function specs(opts: HookInstallOptions): HookSpec[] {
  return CURSOR_EVENTS.map((event) => ({ event, command: hookCommand(opts, "cursor", event), timeout: 0 }));
}

export const cursorHooks: HookManager = {
  async install(opts) {
    return [
      installFlatHooks(cursorHooksFile(opts), specs(opts), FORMAT, opts.env, {
        agent: "cursor",
        project: opts.project,
      }),
    ];
  },
  async uninstall(opts) {
    return [uninstallFlatHooks(cursorHooksFile(opts), FORMAT, opts.env)];
  },
  async status(opts): Promise<HookStatus> {
    const file = cursorHooksFile(opts);
    return hookStatus("cursor", file, installedFlatEvents(file, FORMAT), CURSOR_EVENTS);
  },
};
