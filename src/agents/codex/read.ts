// A Codex rollout (~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl) into a Trace.
// Line types and fields: ../shared/fixtures/codex/README.md. Formats drift between
// releases (shell -> shell_command, JSON-string -> plain-text outputs): accept each known
// shape, ignore the unknown.

import * as v from "valibot";
import { readTranscriptJsonl } from "../shared/jsonl.ts";
import { count, isObj, type Obj, parseJson, str } from "../shared/json.ts";
import { absolute, relativize } from "../shared/paths.ts";
import { lenient, TextSchema } from "../shared/schemas.ts";
import { TraceDraft } from "../shared/trace-draft.ts";
import type { FileWrite, Message, ToolCall, Trace } from "../../traces/model.ts";
import type { ReadOptions } from "../types.ts";
import { rolloutId } from "./discover.ts";
import { patchInScript, patchWrites } from "./patch.ts";

/** Files an apply_patch envelope touches, as written (relative to the turn's cwd). */
export function patchFiles(patch: string): string[] {
  const files: string[] = [];
  for (const line of patch.split("\n")) {
    const m = /^\*\*\* (?:Update File|Add File|Delete File|Move to): (.+?)\s*$/.exec(line);
    if (m && !files.includes(m[1]!)) files.push(m[1]!);
  }
  return files;
}

/** `arguments` arrive as a JSON string in most releases, as an object in some. */
function parseArgs(raw: unknown): Obj {
  if (isObj(raw)) return raw;
  const parsed = parseJson(raw);
  return isObj(parsed) ? parsed : {};
}

const SHELLS = new Set(["bash", "sh", "zsh", "/bin/bash", "/bin/sh", "/bin/zsh", "/usr/bin/bash"]);

/** The command line a shell call ran: `bash -lc "<script>"` shows as the script. */
function commandText(command: unknown): string | undefined {
  if (typeof command === "string") return command;
  if (!Array.isArray(command) || !command.every((c) => typeof c === "string")) return undefined;
  const argv = command as string[];
  if (argv.length === 3 && SHELLS.has(argv[0]!) && (argv[1] === "-lc" || argv[1] === "-c")) return argv[2];
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}

function editCall(
  name: string,
  patch: string,
  at: string | undefined,
  cwd: string | undefined,
  roots: readonly string[],
  writes: FileWrite[],
): ToolCall {
  const resolve = (f: string) => relativize(absolute(f, cwd), roots);
  writes.push(...patchWrites(patch, at, resolve));
  return { kind: "edit", name, at, paths: patchFiles(patch).map(resolve) };
}

// The records that describe the session rather than one step of it: one session_meta a
// rollout, one turn_context a turn. Every field is lenient (schemas.ts): a value of
// another type reads as absent.
const SessionMetaSchema = v.looseObject({
  id: lenient(TextSchema),
  cwd: lenient(TextSchema),
  cli_version: lenient(TextSchema),
  model_provider: lenient(TextSchema),
  git: lenient(v.looseObject({ branch: lenient(TextSchema) })),
});

const TurnContextSchema = v.looseObject({
  cwd: lenient(TextSchema),
  model: lenient(TextSchema),
});

export async function readCodexRollout(path: string, opts: ReadOptions = {}): Promise<Trace> {
  // A summary skips tool outputs and reasoning, the bulk of a rollout.
  const read = await readTranscriptJsonl(
    path,
    opts.summary
      ? { skim: (l) => /"type":\s?"(function_call_output|custom_tool_call_output|reasoning)"/.test(l.slice(0, 400)) }
      : {},
  );
  const t = new TraceDraft("codex", path, opts);
  const { roots, tools } = t;
  // The cwd of the turn (t.cwd is the session's).
  let cwd: string | undefined;
  let model: string | undefined;
  const prompts: Message[] = [];
  const fallbackPrompts: Message[] = [];
  const replies: Message[] = [];

  for (const record of read.records) {
    if (!isObj(record)) continue;
    const at = str(record.timestamp);
    t.seen(at);
    const p = record.payload;
    if (!isObj(p)) continue;
    switch (record.type) {
      case "session_meta": {
        const parsed = v.safeParse(SessionMetaSchema, p);
        if (!parsed.success) break;
        const meta = parsed.output;
        t.id ??= meta.id;
        t.cwd ??= meta.cwd;
        cwd ??= t.cwd;
        t.agentVersion ??= meta.cli_version;
        t.provider ??= meta.model_provider;
        t.branch ??= meta.git?.branch;
        break;
      }
      case "turn_context": {
        const parsed = v.safeParse(TurnContextSchema, p);
        if (!parsed.success) break;
        const turn = parsed.output;
        cwd = turn.cwd ?? cwd;
        t.cwd ??= cwd;
        model = turn.model ?? model;
        t.usedModel(model);
        break;
      }
      case "event_msg": {
        if (p.type === "user_message" && typeof p.message === "string")
          prompts.push({ role: "user", text: p.message, at });
        if (p.type === "token_count" && isObj(p.info) && isObj(p.info.total_token_usage)) {
          const u = p.info.total_token_usage;
          t.tokens = {
            input: count(u.input_tokens),
            output: count(u.output_tokens),
            cacheRead: count(u.cached_input_tokens),
            cacheWrite: 0,
            reasoning: count(u.reasoning_output_tokens),
          };
        }
        break;
      }
      case "response_item": {
        const item = p.type;
        if (item === "message") {
          const text = Array.isArray(p.content)
            ? p.content
                .filter(isObj)
                .map((c) => str(c.text) ?? "")
                .join("\n")
            : "";
          if (!text) break;
          if (p.role === "assistant")
            replies.push({ role: "assistant", text: t.summary ? "" : text, at, ...(model ? { model } : {}) });
          else if (p.role === "user" && !text.trimStart().startsWith("<"))
            fallbackPrompts.push({ role: "user", text, at });
        } else if (item === "function_call") {
          const name = str(p.name) ?? "function_call";
          const args = parseArgs(p.arguments);
          const workdir = str(args.workdir) ?? cwd;
          if (name === "shell" || name === "shell_command" || name === "exec_command" || name === "local_shell") {
            const argv = args.command ?? args.cmd;
            if (Array.isArray(argv) && argv[0] === "apply_patch" && typeof argv[1] === "string") {
              tools.push(editCall("apply_patch", argv[1], at, workdir, roots, t.writes));
            } else {
              const command = commandText(argv);
              const patch = command ? patchInScript(command) : null;
              if (patch) tools.push(editCall("apply_patch", patch, at, workdir, roots, t.writes));
              else tools.push({ kind: "shell", name, at, command });
            }
          } else if (name === "apply_patch") {
            tools.push(editCall(name, str(args.input) ?? str(args.patch) ?? "", at, workdir, roots, t.writes));
          } else if (name === "view_image") {
            const file = str(args.path);
            tools.push({
              kind: "read",
              name,
              at,
              ...(file ? { paths: [relativize(absolute(file, workdir), roots)] } : {}),
            });
          } else {
            tools.push({ kind: "other", name, at });
          }
        } else if (item === "custom_tool_call") {
          const name = str(p.name) ?? "custom_tool_call";
          if (name === "apply_patch") tools.push(editCall(name, str(p.input) ?? "", at, cwd, roots, t.writes));
          else tools.push({ kind: "other", name, at });
        } else if (item === "web_search_call") {
          const action = isObj(p.action) ? p.action : {};
          if (action.type === "open_page" && str(action.url))
            tools.push({ kind: "web_fetch", name: "web_search_call", at, url: str(action.url) });
          else if (action.type === "search")
            tools.push({ kind: "web_search", name: "web_search_call", at, query: str(action.query) });
          else tools.push({ kind: "other", name: "web_search_call", at });
        }
        break;
      }
    }
  }

  t.id ??= rolloutId(path);
  const userMessages = prompts.length ? prompts : fallbackPrompts;
  if (userMessages[0]) t.titleFrom(userMessages[0].text);
  t.messages = [...userMessages, ...replies].sort((a, b) =>
    (a.at ?? "") < (b.at ?? "") ? -1 : (a.at ?? "") > (b.at ?? "") ? 1 : 0,
  );
  return t.finish();
}
