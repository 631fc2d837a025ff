// `git traces mcp install|uninstall`: the MCP server registered in each agent's own MCP
// configuration, in the user's config:
//   Claude Code  ~/.claude.json ($CLAUDE_CONFIG_DIR/.claude.json)  "mcpServers" (what `claude mcp add -s user` writes)
//   Cursor       ~/.cursor/mcp.json                                "mcpServers"
//   Gemini CLI   ~/.gemini/settings.json                           "mcpServers"
//   Codex        ~/.codex/config.toml ($CODEX_HOME)                [mcp_servers.git-traces]
// JSON files are edited in place (json-file.ts), and what we created (the file, the
// "mcpServers" object, what an empty one held) is remembered in <data home>/mcp-installed.json,
// so that uninstall gives back the bytes that were there, as the hooks do (command-hooks.ts).
// In config.toml each line we add carries a mark and goes with the line break before it.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataHome } from "../../base/home.ts";
import type { AgentName } from "../../traces/model.ts";
import { codexHome } from "../codex/discover.ts";
import { cursorHome } from "../cursor/discover.ts";
import { geminiDir } from "../gemini-cli/discover.ts";
import type { Env, HookFileChange } from "../types.ts";
import {
  appendMember,
  deleteFile,
  readJsonDoc,
  removeMember,
  replaceValue,
  saveJsonDoc,
  startObject,
  valueAt,
  writeTextFile,
} from "./json-file.ts";
import { isObj } from "./json.ts";

/** The server's name in every agent's configuration. */
export const MCP_NAME = "git-traces";
const TOML_MARK = "# git-traces mcp";

export interface McpServerEntry {
  command: string;
  args: string[];
}

export interface McpTarget {
  agent: AgentName;
  file: string;
  format: "json" | "toml";
}

/** The user's MCP configuration of each agent that has one we write. */
export function mcpTargets(env: Env): McpTarget[] {
  const claude = env.CLAUDE_CONFIG_DIR
    ? join(env.CLAUDE_CONFIG_DIR, ".claude.json")
    : join(env.HOME ?? "", ".claude.json");
  return [
    { agent: "claude-code", file: claude, format: "json" },
    { agent: "codex", file: join(codexHome(env), "config.toml"), format: "toml" },
    { agent: "cursor", file: join(cursorHome(env), "mcp.json"), format: "json" },
    { agent: "gemini-cli", file: join(geminiDir(env), "settings.json"), format: "json" },
  ];
}

// --- what we created, per file -------------------------------------------------------------

interface Created {
  /** The file did not exist. */
  file: boolean;
  /** "mcpServers" was added by us. */
  servers: boolean;
  /** What the container we added to held when it had no members (JSON; see appendMember). */
  inner?: string;
  /** The text of a blank file we filled. */
  blank?: string;
}

function stateFile(env: Env): string {
  return join(dataHome(env), "mcp-installed.json");
}

function readState(env: Env): Record<string, Created> {
  try {
    const data = JSON.parse(readFileSync(stateFile(env), "utf8")) as unknown;
    return isObj(data) && isObj(data.files) ? (data.files as Record<string, Created>) : {};
  } catch {
    return {};
  }
}

function remember(env: Env, file: string, created: Created | undefined): void {
  const state = readState(env);
  if (created) state[file] = created;
  else delete state[file];
  const path = stateFile(env);
  if (!Object.keys(state).length) {
    if (existsSync(path)) deleteFile(path);
    return;
  }
  writeTextFile(path, `${JSON.stringify({ files: state }, null, 2)}\n`);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

// --- JSON ----------------------------------------------------------------------------------

function installJson(t: McpTarget, entry: McpServerEntry, env: Env): string[] {
  const doc = readJsonDoc(t.file);
  const ours = readState(env)[t.file];
  const current = valueAt(doc, ["mcpServers", MCP_NAME]);
  if (current !== undefined) {
    if (same(current, entry)) return [];
    if (!ours) return [`left the "${MCP_NAME}" server already there as it is`];
    replaceValue(doc, ["mcpServers", MCP_NAME], entry);
    saveJsonDoc(doc);
    return [`updated the "${MCP_NAME}" server`];
  }
  const created: Created = {
    file: !doc.exists,
    servers: false,
    ...(doc.exists && !doc.root ? { blank: doc.original } : {}),
  };
  if (!doc.root) startObject(doc);
  const servers = valueAt(doc, ["mcpServers"]);
  if (servers !== undefined && !isObj(servers)) return ['"mcpServers" is not an object: left as it is'];
  let inner: string | undefined;
  if (servers === undefined) {
    created.servers = true;
    inner = appendMember(doc, [], "mcpServers", { [MCP_NAME]: entry });
  } else inner = appendMember(doc, ["mcpServers"], MCP_NAME, entry);
  if (inner !== undefined) created.inner = inner;
  saveJsonDoc(doc);
  remember(env, t.file, created);
  return [`added the "${MCP_NAME}" server`];
}

function uninstallJson(t: McpTarget, env: Env): string[] {
  const created = readState(env)[t.file];
  if (!created || !existsSync(t.file)) {
    if (created) remember(env, t.file, undefined);
    return [];
  }
  const doc = readJsonDoc(t.file);
  const servers = valueAt(doc, ["mcpServers"]);
  if (!isObj(servers) || servers[MCP_NAME] === undefined) {
    remember(env, t.file, undefined);
    return [];
  }
  if (created.servers && Object.keys(servers).length === 1) removeMember(doc, ["mcpServers"], created.inner);
  else removeMember(doc, ["mcpServers", MCP_NAME], created.servers ? undefined : created.inner);
  remember(env, t.file, undefined);
  if (created.file && valueAt(doc, []) !== undefined && Object.keys(valueAt(doc, []) as object).length === 0) {
    deleteFile(t.file);
    return ["deleted the file (git-traces had created it)"];
  }
  if (created.blank !== undefined && Object.keys(valueAt(doc, []) as object).length === 0) {
    writeFileSync(t.file, created.blank);
    return [`removed the "${MCP_NAME}" server`];
  }
  saveJsonDoc(doc);
  return [`removed the "${MCP_NAME}" server`];
}

// --- TOML (Codex) ----------------------------------------------------------------------------

const tomlString = (s: string) => JSON.stringify(s); // a JSON string is a valid TOML basic string

/** Whether config.toml has a [mcp_servers.git-traces] table (ours or the user's). */
function tomlHasServer(toml: string): boolean {
  return /^[ \t]*\[[ \t]*mcp_servers[ \t]*\.[ \t]*"?git-traces"?[ \t]*\]/m.test(toml);
}

function installToml(t: McpTarget, entry: McpServerEntry, env: Env): string[] {
  const exists = existsSync(t.file);
  const toml = exists ? readFileSync(t.file, "utf8") : "";
  if (tomlHasServer(toml)) {
    if (toml.includes(TOML_MARK)) {
      const wanted = blockLines(entry);
      if (wanted.every((l) => toml.includes(l))) return [];
      writeTextFile(t.file, insertBlock(withoutOurTomlLines(toml), entry));
      return [`updated the "${MCP_NAME}" server`];
    }
    return [`left the "${MCP_NAME}" server already there as it is`];
  }
  writeTextFile(t.file, insertBlock(toml, entry));
  remember(env, t.file, { file: !exists, servers: true });
  return [`added the "${MCP_NAME}" server`];
}

function blockLines(entry: McpServerEntry): string[] {
  return [
    `[mcp_servers.${MCP_NAME}] ${TOML_MARK}`,
    `command = ${tomlString(entry.command)} ${TOML_MARK}`,
    `args = [${entry.args.map(tomlString).join(", ")}] ${TOML_MARK}`,
  ];
}

/** Our table at the end, each line after a line break; a file without a final newline keeps having none. */
function insertBlock(toml: string, entry: McpServerEntry): string {
  const eol = toml.includes("\r\n") ? "\r\n" : "\n";
  const lines = blockLines(entry);
  if (toml === "") return `${lines.join(eol)}${eol}`;
  const at = toml.endsWith("\n") ? toml.length - (toml.endsWith("\r\n") ? 2 : 1) : toml.length;
  return toml.slice(0, at) + lines.map((l) => eol + l).join("") + toml.slice(at);
}

/** config.toml without our lines: each with the line break before it (the first line, with the one after). */
export function withoutOurTomlLines(toml: string): string {
  return toml
    .replace(/\r?\n[^\r\n]*# git-traces mcp[ \t]*(?=\r?\n|$)/g, "")
    .replace(/^[^\r\n]*# git-traces mcp[ \t]*(\r?\n|$)/, "");
}

function uninstallToml(t: McpTarget, env: Env): string[] {
  const created = readState(env)[t.file];
  if (created) remember(env, t.file, undefined);
  if (!existsSync(t.file)) return [];
  const toml = readFileSync(t.file, "utf8");
  if (!toml.includes(TOML_MARK)) return [];
  const text = withoutOurTomlLines(toml);
  if (text === "" && created?.file) {
    deleteFile(t.file);
    return ["deleted the file (git-traces had created it)"];
  }
  writeTextFile(t.file, text);
  return [`removed the "${MCP_NAME}" server`];
}

// --- the entry points ------------------------------------------------------------------------

export function installMcpServer(t: McpTarget, entry: McpServerEntry, env: Env): HookFileChange {
  return { file: t.file, changes: t.format === "toml" ? installToml(t, entry, env) : installJson(t, entry, env) };
}

export function uninstallMcpServer(t: McpTarget, env: Env): HookFileChange {
  return { file: t.file, changes: t.format === "toml" ? uninstallToml(t, env) : uninstallJson(t, env) };
}

/** Whether the agent's configuration names our server. */
export function mcpServerInstalled(t: McpTarget): boolean {
  if (!existsSync(t.file)) return false;
  try {
    if (t.format === "toml") return tomlHasServer(readFileSync(t.file, "utf8"));
    return valueAt(readJsonDoc(t.file), ["mcpServers", MCP_NAME]) !== undefined;
  } catch {
    return false;
  }
}
