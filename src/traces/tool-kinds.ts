// The kind of a tool from its name alone: for the tool counts a note carries
// (`{"Edit":2,"Bash":1}`) when the transcript that would tell more is not on this machine.
// The names are the agents' own; a name not listed here is `other`. Readers of a
// transcript decide the kind from the call itself (src/agents/<agent>/read.ts).

// The list lives here, not in model.ts, so that readers of notes (log, blame) get it
// without building the trace model's schemas.

export const TOOL_KINDS = ["read", "edit", "shell", "web_fetch", "web_search", "other"] as const;
export type ToolKind = (typeof TOOL_KINDS)[number];

const BY_NAME: Readonly<Record<string, ToolKind>> = Object.assign(Object.create(null) as Record<string, ToolKind>, {
  // Claude Code
  Read: "read",
  NotebookRead: "read",
  Glob: "read",
  Grep: "read",
  LS: "read",
  Edit: "edit",
  MultiEdit: "edit",
  Write: "edit",
  NotebookEdit: "edit",
  Bash: "shell",
  BashOutput: "shell",
  WebFetch: "web_fetch",
  WebSearch: "web_search",
  // Codex (web_search_call both searches and opens pages; by name alone it is a search)
  shell: "shell",
  shell_command: "shell",
  exec_command: "shell",
  local_shell: "shell",
  local_shell_call: "shell",
  apply_patch: "edit",
  view_image: "read",
  web_search_call: "web_search",
  web_search: "web_search",
  // Gemini CLI, OpenCode, Copilot CLI, Cursor
  read_file: "read",
  read_many_files: "read",
  list_directory: "read",
  glob: "read",
  grep: "read",
  search_file_content: "read",
  grep_search: "read",
  read: "read",
  view: "read",
  write_file: "edit",
  replace: "edit",
  edit: "edit",
  write: "edit",
  patch: "edit",
  str_replace_editor: "edit",
  str_replace: "edit",
  create: "edit",
  run_shell_command: "shell",
  bash: "shell",
  powershell: "shell",
  run_terminal_cmd: "shell",
  web_fetch: "web_fetch",
  webfetch: "web_fetch",
  fetch: "web_fetch",
  google_web_search: "web_search",
  websearch: "web_search",
  // OpenCode's other names
  multiedit: "edit",
  list: "read",
  codesearch: "web_search",
});

export function kindOfToolName(name: string): ToolKind {
  return Object.hasOwn(BY_NAME, name) ? BY_NAME[name]! : "other";
}

export function zeroKinds(): Record<ToolKind, number> {
  return Object.fromEntries(TOOL_KINDS.map((k) => [k, 0])) as Record<ToolKind, number>;
}

/**
 * Calls per kind from a note's calls per tool name. Counts that are not whole, finite,
 * non-negative numbers (a note is untrusted) are ignored.
 */
export function kindsFromToolCounts(tools: Readonly<Record<string, number>>): Record<ToolKind, number> {
  const out = zeroKinds();
  for (const [name, count] of Object.entries(tools)) {
    if (!Number.isSafeInteger(count) || count < 0) continue;
    out[kindOfToolName(name)] += count;
  }
  return out;
}
