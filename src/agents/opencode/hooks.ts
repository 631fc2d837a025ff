// OpenCode has no command hooks: it loads JavaScript plugins from its plugin folders at
// start-up, ~/.config/opencode/plugin/ (honouring XDG_CONFIG_HOME) and <project>/.opencode/
// plugin/ (newer releases also read plugins/). We install one small plugin file of our own,
// git-traces.js, that runs `git-traces hook opencode <event>` with the session's ID and
// directory as JSON on stdin, as the other agents' command hooks do. The file is ours by
// its first line; uninstall deletes it only when it is exactly what some git-traces wrote
// (with whatever command it names), together with the folders that install created.
//
// The plugin has one export, a function: the shape every OpenCode release loads (older ones
// call each export; newer ones call each export unless the default export is a V1 object
// with an `id`, which older ones would fail to call).

import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createdRecord, missingDirs, rememberCreated, removeCreatedDirs } from "../shared/command-hooks.ts";
import { SettingsFileError } from "../shared/json-file.ts";
import type { HookFileChange, HookInstallOptions, HookManager, HookStatus } from "../types.ts";
import { opencodeConfigDir } from "./db.ts";

const FILE = "git-traces.js";

/**
 * What the plugin reports, by OpenCode's own names: a session starting, a prompt sent, a
 * file edited by a tool, the session going idle (its turn is over).
 */
export const EVENTS = ["session.created", "chat.message", "tool.execute.after", "session.idle"];

const MARKER = "// git-traces plugin for OpenCode, written by `git traces hooks install --agent opencode`.";

/** The plugin's source for a command; the first line marks the file as ours. */
export function pluginSource(command: string): string {
  return `${MARKER}
// \`git traces hooks uninstall --agent opencode\` deletes it; changes made here are not kept.
//
// It tells git-traces which OpenCode session works in which directory, so that a commit
// made there carries the session's ID in its notes: on each event below it runs
// \`git-traces hook opencode <event>\` with {"session_id", "cwd", "hook_event_name"} as JSON
// on stdin, and never gets in OpenCode's way (errors are ignored, 10 s at most).

const COMMAND = ${JSON.stringify(command)};
const EDIT_TOOLS = new Set(["edit", "write", "multiedit", "patch", "apply_patch"]);

export const GitTraces = async ({ directory }) => {
  const report = async (event, sessionID, cwd, extra) => {
    if (typeof sessionID !== "string" || sessionID === "" || typeof Bun === "undefined") return;
    const where = typeof cwd === "string" && cwd !== "" ? cwd : directory;
    const payload = JSON.stringify({ session_id: sessionID, cwd: where, hook_event_name: event, source_agent: "opencode", ...extra });
    try {
      const child = Bun.spawn([COMMAND, "hook", "opencode", event], { cwd: where, stdin: new Blob([payload]), stdout: "ignore", stderr: "ignore" });
      const timer = setTimeout(() => child.kill(), 10_000);
      await child.exited;
      clearTimeout(timer);
    } catch {
      // git-traces not installed, or the directory gone
    }
  };
  return {
    event: async ({ event }) => {
      const props = event?.properties ?? {};
      if (event?.type === "session.created") await report(event.type, props.info?.id, props.info?.directory);
      else if (event?.type === "session.idle") await report(event.type, props.sessionID);
    },
    "chat.message": async (input) => {
      const model = typeof input?.model?.modelID === "string" ? { model: input.model.modelID } : {};
      await report("chat.message", input?.sessionID, undefined, model);
    },
    "tool.execute.after": async (input) => {
      if (EDIT_TOOLS.has(input?.tool)) await report("tool.execute.after", input.sessionID, undefined, { tool_name: input.tool });
    },
  };
};
`;
}

/** The command a plugin file of ours runs, or null when the file is not ours. */
function ourCommand(text: string): string | null {
  if (!text.startsWith(`${MARKER}\n`)) return null;
  const m = /^const COMMAND = ("(?:[^"\\\n]|\\.)*");$/m.exec(text);
  if (!m) return null;
  try {
    const command = JSON.parse(m[1]!) as unknown;
    return typeof command === "string" ? command : null;
  } catch {
    return null;
  }
}

/**
 * The command the plugin runs: the binary by absolute path in the user's config; in a
 * project's, `git-traces` from PATH (a teammate without it: the spawn fails, silently).
 */
function pluginCommand(opts: HookInstallOptions): string {
  return opts.project ? "git-traces" : (opts.command ?? "git-traces");
}

/** Ours and untouched: what git-traces writes for the command it names. */
const untouched = (text: string) => {
  const command = ourCommand(text);
  return command !== null && text === pluginSource(command);
};

function pluginDirs(opts: HookInstallOptions): string[] {
  const base = opts.project ? join(opts.project, ".opencode") : opencodeConfigDir(opts.env);
  return [join(base, "plugin"), join(base, "plugins")];
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** Our plugin where it is (either folder), else where it goes. */
function locate(opts: HookInstallOptions): { path: string; text: string | null } {
  const paths = pluginDirs(opts).map((d) => join(d, FILE));
  for (const path of paths) {
    const text = readText(path);
    if (text !== null && ourCommand(text) !== null) return { path, text };
  }
  return { path: paths[0]!, text: readText(paths[0]!) };
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.git-traces-${process.pid}.tmp`;
  writeFileSync(tmp, text);
  try {
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing left behind
    }
    throw e;
  }
}

export const opencodeHooks: HookManager = {
  async install(opts): Promise<HookFileChange[]> {
    const want = pluginSource(pluginCommand(opts));
    const { path, text } = locate(opts);
    if (text === want) return [{ file: path, changes: [] }];
    if (text !== null && ourCommand(text) === null)
      throw new SettingsFileError(path, "a plugin that git-traces did not write is in the way");
    if (text !== null) {
      writeAtomically(path, want);
      return [{ file: path, changes: ["updated the plugin"] }];
    }
    const dirs = missingDirs(dirname(path));
    mkdirSync(dirname(path), { recursive: true });
    writeAtomically(path, want);
    rememberCreated(
      path,
      {
        file: true,
        keys: [],
        agent: "opencode",
        ...(opts.project ? { project: opts.project } : {}),
        ...(dirs.length ? { dirs } : {}),
      },
      opts.env,
    );
    return [{ file: path, changes: ["added the plugin (OpenCode loads it when it starts)"] }];
  },

  async uninstall(opts): Promise<HookFileChange[]> {
    const out: HookFileChange[] = [];
    for (const dir of pluginDirs(opts)) {
      const path = join(dir, FILE);
      const text = readText(path);
      const changes: string[] = [];
      if (text !== null && ourCommand(text) !== null) {
        if (untouched(text)) {
          unlinkSync(path);
          changes.push("deleted the plugin");
        } else {
          changes.push("left the plugin in place: it was changed after git-traces wrote it; delete it yourself");
        }
      }
      const created = createdRecord(path, opts.env);
      if (created && !existsSync(path)) {
        for (const d of removeCreatedDirs(created.dirs ?? [])) changes.push(`removed ${d} (git-traces had created it)`);
        rememberCreated(path, undefined, opts.env);
      }
      if (changes.length || dir === pluginDirs(opts)[0]) out.push({ file: path, changes });
    }
    return out;
  },

  async status(opts): Promise<HookStatus> {
    const { path, text } = locate(opts);
    const ours = text !== null && ourCommand(text) !== null;
    const notes: string[] = [];
    if (text !== null && !ours) notes.push(`${path} is a plugin git-traces did not write`);
    if (ours && text !== pluginSource(pluginCommand(opts))) {
      notes.push(
        "the plugin differs from what this git-traces writes; `git traces hooks install --agent opencode` updates it",
      );
    }
    if (ours) notes.push("OpenCode loads plugins when it starts: restart running OpenCode sessions");
    return {
      agent: "opencode",
      file: path,
      exists: text !== null,
      events: ours ? [...EVENTS] : [],
      missing: ours ? [] : [...EVENTS],
      notes,
    };
  },
};
