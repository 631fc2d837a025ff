// GitHub Copilot CLI: the reader against the fixture's ground truth
// (test/fixtures/agents/copilot-cli/README.md), damaged and hostile event logs, other
// releases' shapes, discovery by cwd, the hook payload, and the hook file installer.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import * as copilotCli from "../../src/agents/copilot-cli/discover.ts";
import {
  discover as discoverCopilot,
  find as findCopilot,
  watch as watchCopilot,
} from "../../src/agents/copilot-cli/discover.ts";
import { readCopilotEvents } from "../../src/agents/copilot-cli/read.ts";
import { isCopilotPayload, parseCopilotHookPayload } from "../../src/agents/copilot-cli/payload.ts";
import { editedFiles, kindCounts, primaryModel, toolCounts, TraceSchema } from "../../src/traces/model.ts";
import { copilotEvents, FIXTURES, installAgentFixtures, SESSIONS, touch } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, run, sh, type Sandbox } from "../helpers/sandbox.ts";

const ROOTS = ["/home/dev/work/shop"];
const FIXTURE = copilotEvents(join(FIXTURES, "copilot-cli"));
const URL = "https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const fixtureLines = () => readFileSync(FIXTURE, "utf8").trimEnd().split("\n");

let tmp: string;
beforeEach(() => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), "git-traces-copilot-")));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** An event log at <tmp>/session-state/<folder>/events.jsonl holding `text`. */
function events(text: string, folder = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"): string {
  const dir = join(tmp, "session-state", folder);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "events.jsonl");
  writeFileSync(path, text);
  return path;
}

let seq = 0;
/** One event line as Copilot writes it. */
function ev(
  type: string,
  data: unknown,
  timestamp = `2026-11-20T11:00:${String(seq % 60).padStart(2, "0")}.000Z`,
): string {
  seq++;
  return JSON.stringify({
    type,
    data,
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
    timestamp,
    parentId: null,
  });
}
const start = (over: Record<string, unknown> = {}) =>
  ev(
    "session.start",
    {
      sessionId: "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d",
      version: 1,
      producer: "copilot-agent",
      copilotVersion: "1.0.99",
      startTime: "2026-11-20T11:00:00.000Z",
      context: { cwd: "/home/dev/work/shop", branch: "main" },
      ...over,
    },
    "2026-11-20T11:00:00.000Z",
  );

describe("the scenario session", () => {
  test("ground truth: ID, version, model, title, times, cwd, branch, tools, files, URL, command, tokens", async () => {
    const t = await readCopilotEvents(FIXTURE, { roots: ROOTS });
    expect(v.safeParse(TraceSchema, t).success).toBe(true);
    expect(t).toMatchObject({
      id: SESSIONS.copilot,
      agent: "copilot-cli",
      agentVersion: "1.0.45",
      models: ["gpt-4.1"],
      title: "Add login with rate limiting to src/auth.py and a test",
      start: "2026-11-20T10:00:00.820Z",
      end: "2026-11-20T10:07:32.906Z",
      cwd: "/home/dev/work/shop",
      branch: "feature/login",
      transcript: FIXTURE,
    });
    expect(primaryModel(t)).toBe("gpt-4.1");
    expect(toolCounts(t)).toEqual({ view: 1, web_fetch: 1, str_replace: 2, create: 1, bash: 1 });
    expect(kindCounts(t)).toEqual({ read: 1, edit: 3, shell: 1, web_fetch: 1, web_search: 0, other: 0 });
    expect(editedFiles(t)).toEqual(["src/auth.py", "tests/test_auth.py"]);
    expect(t.tools.find((x) => x.kind === "read")!.paths).toEqual(["src/auth.py"]);
    expect(t.tools.find((x) => x.kind === "web_fetch")!.url).toBe(URL);
    expect(t.tools.find((x) => x.kind === "shell")!.command).toBe("pytest -q tests/test_auth.py");
    // One call per toolCallId (requested on assistant.message, run on tool.execution_start), timed by its start.
    expect(t.tools.map((x) => x.at)).toEqual([
      "2026-11-20T10:00:09.492Z",
      "2026-11-20T10:00:14.219Z",
      "2026-11-20T10:01:02.330Z",
      "2026-11-20T10:01:38.714Z",
      "2026-11-20T10:01:49.403Z",
      "2026-11-20T10:06:36.542Z",
    ]);
    expect(t.messages.filter((m) => m.role === "user").map((m) => m.text)).toEqual([
      "Add login with rate limiting to src/auth.py and a test",
      "The SQL looks injectable",
    ]);
    expect(t.messages.filter((m) => m.role === "assistant").every((m) => m.model === "gpt-4.1" && m.text !== "")).toBe(
      true,
    );
    expect(t.tokens).toEqual({ input: 96412, output: 3187, cacheRead: 71680, cacheWrite: 0, reasoning: 0 });
    expect(JSON.stringify(t)).not.toContain(SECRET); // tool outputs are not kept
  });

  test("a summary has the same calls, models and times, and no message text", async () => {
    const full = await readCopilotEvents(FIXTURE, { roots: ROOTS });
    const summary = await readCopilotEvents(FIXTURE, { roots: ROOTS, summary: true });
    expect(summary.tools).toEqual(full.tools);
    expect(summary.models).toEqual(full.models);
    expect([summary.start, summary.end, summary.title]).toEqual([full.start, full.end, full.title]);
    expect(summary.messages.filter((m) => m.role === "assistant").map((m) => m.text)).toEqual(["", "", "", "", ""]);
  });

  test("paths outside the worktree stay absolute", async () => {
    const t = await readCopilotEvents(FIXTURE, { roots: ["/somewhere/else"] });
    expect(editedFiles(t)).toEqual(["/home/dev/work/shop/src/auth.py", "/home/dev/work/shop/tests/test_auth.py"]);
  });
});

describe("damaged and hostile event logs: no crash, good records kept", () => {
  test("a last line cut off mid-write (a session still running) is ignored", async () => {
    const lines = fixtureLines();
    const path = events(`${lines.slice(0, 12).join("\n")}\n${lines[12]!.slice(0, 300)}`, SESSIONS.copilot);
    const t = await readCopilotEvents(path, { roots: ROOTS });
    expect(t.id).toBe(SESSIONS.copilot);
    // Up to the first edit's request; its start (line 14) never arrived.
    expect(toolCounts(t)).toEqual({ view: 1, web_fetch: 1, str_replace: 1 });
    expect(t.tokens.input).toBe(0); // no shutdown yet
  });

  test("a line that is not JSON is skipped", async () => {
    const lines = fixtureLines();
    lines.splice(6, 0, "this is not json {", "[1,2,3]", "");
    const t = await readCopilotEvents(events(`${lines.join("\n")}\n`, SESSIONS.copilot), { roots: ROOTS });
    expect(toolCounts(t)).toEqual({ view: 1, web_fetch: 1, str_replace: 2, create: 1, bash: 1 });
  });

  test("unknown event types, unknown fields and wrong shapes are ignored", async () => {
    const text = [
      start(),
      ev("session.telemetry_burst", { anything: [1, 2] }),
      ev("user.message", { content: "Tidy up", attachments: [], futureField: { x: 1 } }),
      ev("user.message", { content: 42 }),
      ev("assistant.message", "not an object"),
      ev("assistant.message", { messageId: "m", content: "ok", toolRequests: "nope" }),
      ev("assistant.message", {
        messageId: "m2",
        content: "",
        toolRequests: [
          null,
          7,
          { toolCallId: "c1", arguments: {} },
          { toolCallId: "c2", name: "view", arguments: null },
        ],
      }),
      ev("tool.execution_start", { toolCallId: 5, toolName: ["bash"] }),
      ev("session.shutdown", {
        modelMetrics: { "m-1": "x", "m-2": { usage: { inputTokens: "many", outputTokens: -3 } } },
      }),
      JSON.stringify({ type: "assistant.message" }),
      "{}",
    ].join("\n");
    const t = await readCopilotEvents(events(`${text}\n`), { roots: ROOTS });
    expect(v.safeParse(TraceSchema, t).success).toBe(true);
    expect(t.title).toBe("Tidy up");
    expect(toolCounts(t)).toEqual({ view: 1 });
    expect(t.tools[0]!.paths).toBeUndefined();
    expect(t.tokens).toEqual({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 });
  });

  test("an empty log (copilot --resume leaves such folders behind) is an empty session named by its folder", async () => {
    const t = await readCopilotEvents(events("", SESSIONS.copilot));
    expect(t).toMatchObject({ id: SESSIONS.copilot, tools: [], messages: [], models: [], title: "" });
  });

  test("a path-traversal session ID is refused, in the events or as the folder name", async () => {
    const evil = events(`${start({ sessionId: "../../../../tmp/evil" })}\n`);
    await expect(readCopilotEvents(evil)).rejects.toThrow("not a valid trace ID");
    const dir = join(tmp, "weird dir");
    mkdirSync(dir);
    writeFileSync(join(dir, "events.jsonl"), `${ev("user.message", { content: "hi" })}\n`);
    await expect(readCopilotEvents(join(dir, "events.jsonl"))).rejects.toThrow("no session ID");
  });

  test("terminal escapes in prompts and branch names are kept as data (renderers sanitise them)", async () => {
    const t = await readCopilotEvents(
      events(
        `${start({ context: { cwd: "/home/dev/work/shop", branch: "main\u001b[2J" } })}\n${ev("user.message", { content: "\u001b]0;pwned\u0007hi\u202e" })}\n`,
      ),
    );
    expect(t.branch).toBe("main\u001b[2J");
    expect(t.title).toContain("pwned");
  });

  test("a 2 MB tool result is read without keeping it; a summary does not parse it", async () => {
    const lines = fixtureLines();
    const huge = ev("tool.execution_complete", {
      toolCallId: "call_Cd1542agUpYfLsPKy6oIm9Zr",
      success: true,
      result: { content: "x".repeat(2_000_000) },
    });
    lines.splice(19, 0, huge);
    const path = events(`${lines.join("\n")}\n`, SESSIONS.copilot);
    for (const summary of [false, true]) {
      const t = await readCopilotEvents(path, { roots: ROOTS, summary });
      expect(JSON.stringify(t).length).toBeLessThan(20_000);
      expect(toolCounts(t).bash).toBe(1);
    }
  });

  test("other agents' malformed transcripts read as nothing, without throwing", async () => {
    const dir = join(FIXTURES, "malformed", "claude-code");
    for (const f of readdirSync(dir)) {
      const t = await readCopilotEvents(join(dir, f));
      expect(t.tools).toEqual([]);
      expect(t.id).toBe("claude-code"); // the folder's name: a valid ID, and nothing else of the file
    }
  });
});

describe("other releases' shapes", () => {
  test("arguments as JSON strings, a call known only from its start, the model on the message", async () => {
    const text = [
      start(),
      ev("user.message", { content: "Go" }),
      ev("assistant.message", {
        messageId: "a",
        model: "claude-sonnet-4.5",
        content: "Reading.",
        toolRequests: [{ toolCallId: "t1", name: "view", arguments: JSON.stringify({ path: "src/auth.py" }) }],
      }),
      ev("tool.execution_start", {
        toolCallId: "t2",
        toolName: "edit",
        arguments: JSON.stringify({ path: "/home/dev/work/shop/src/auth.py", old_str: "a", new_str: "b" }),
      }),
      ev("tool.execution_start", {
        toolCallId: "t3",
        toolName: "apply_patch",
        arguments: "*** Begin Patch\n*** Add File: tests/new_test.py\n+x\n*** End Patch\n",
      }),
      ev("tool.execution_start", {
        toolCallId: "t4",
        toolName: "str_replace_editor",
        arguments: { command: "view", path: "README.md" },
      }),
      ev("tool.execution_start", {
        toolCallId: "t5",
        toolName: "str_replace_editor",
        arguments: { command: "insert", path: "README.md" },
      }),
      ev("tool.execution_start", {
        toolCallId: "t6",
        toolName: "web_search",
        arguments: { query: "owasp brute force" },
      }),
      ev("tool.execution_start", {
        toolCallId: "t7",
        toolName: "task",
        arguments: { description: "explore the repo", agent_type: "explore" },
      }),
      ev("tool.execution_start", { toolCallId: "t8", toolName: "github-mcp-server-get_issue", arguments: "{not json" }),
      ev("tool.execution_start", { toolName: "powershell", arguments: { command: "Get-ChildItem" } }),
    ].join("\n");
    const t = await readCopilotEvents(events(`${text}\n`), { roots: ROOTS });
    expect(t.models).toEqual(["claude-sonnet-4.5"]);
    expect(t.tools.map((x) => [x.name, x.kind])).toEqual([
      ["view", "read"],
      ["edit", "edit"],
      ["apply_patch", "edit"],
      ["str_replace_editor", "read"],
      ["str_replace_editor", "edit"],
      ["web_search", "web_search"],
      ["task", "other"],
      ["github-mcp-server-get_issue", "other"],
      ["powershell", "shell"],
    ]);
    expect(t.tools[0]!.paths).toEqual(["src/auth.py"]); // relative to the session's cwd
    expect(editedFiles(t)).toEqual(["src/auth.py", "tests/new_test.py", "README.md"]);
    expect(t.tools.find((x) => x.name === "web_search")!.query).toBe("owasp brute force");
    expect(t.tools.find((x) => x.name === "task")!.detail).toBe("explore the repo");
    expect(t.tools.find((x) => x.name === "powershell")!.command).toBe("Get-ChildItem");
  });

  test("a resumed session: the later shutdown's totals, every model, the first cwd; a failed edit is no edit", async () => {
    const usage = (input: number) => ({
      requests: { count: 1 },
      usage: { inputTokens: input, outputTokens: 10, cacheReadTokens: 1, cacheWriteTokens: 2, reasoningTokens: 3 },
    });
    const text = [
      start({ selectedModel: "gpt-5" }),
      ev("user.message", { content: "First" }),
      ev("assistant.message", {
        messageId: "a",
        content: "Done.",
        toolRequests: [{ toolCallId: "e1", name: "create", arguments: { path: "/home/dev/work/shop/a.py" } }],
      }),
      ev("tool.execution_complete", { toolCallId: "e1", success: false, error: { message: "exists" } }),
      ev("session.shutdown", { modelMetrics: { "gpt-5": usage(100) } }),
      ev("session.resume", {
        resumeTime: "2026-11-20T12:00:00.000Z",
        eventCount: 5,
        context: { cwd: "/home/dev/work/shop/sub" },
      }),
      ev("session.context_changed", { cwd: "/home/dev/work/shop/sub" }),
      ev("session.model_change", { previousModel: "gpt-5", newModel: "claude-opus-4.5" }),
      ev("user.message", { content: "Second" }),
      ev("user.message", { content: "injected by a skill", source: "skill-pdf" }),
      ev("assistant.message", {
        messageId: "b",
        content: "Again.",
        toolRequests: [{ toolCallId: "e2", name: "create", arguments: { path: "b.py" } }],
      }),
      ev("session.shutdown", { modelMetrics: { "gpt-5": usage(100), "claude-opus-4.5": usage(50) } }),
    ].join("\n");
    const t = await readCopilotEvents(events(`${text}\n`), { roots: ROOTS });
    expect(t.models).toEqual(["gpt-5", "claude-opus-4.5"]);
    expect(t.cwd).toBe("/home/dev/work/shop");
    expect(t.tokens).toEqual({ input: 150, output: 20, cacheRead: 2, cacheWrite: 4, reasoning: 6 });
    expect(t.messages.filter((m) => m.role === "user").map((m) => m.text)).toEqual(["First", "Second"]);
    expect(t.tools.map((x) => [x.name, x.kind, x.detail])).toEqual([
      ["create", "other", "failed"],
      ["create", "edit", undefined],
    ]);
    expect(editedFiles(t)).toEqual(["sub/b.py"]); // relative paths resolve against the cwd of the moment
  });

  test("without a shutdown, output tokens come from the messages", async () => {
    const text = [
      start(),
      ev("assistant.message", { messageId: "a", content: "x", outputTokens: 12 }),
      ev("assistant.message", { messageId: "b", content: "y", outputTokens: 30 }),
    ].join("\n");
    expect((await readCopilotEvents(events(`${text}\n`))).tokens.output).toBe(42);
  });
});

describe("discovery", () => {
  const home = () => join(tmp, "home");
  const env = (extra: Record<string, string> = {}) => ({ HOME: home(), GIT_TRACES_HOME: join(tmp, "data"), ...extra });
  const repo = () => join(home(), "work", "shop");
  beforeEach(() => {
    mkdirSync(repo(), { recursive: true });
    installAgentFixtures(["copilot-cli"], home(), repo());
  });

  test("by cwd: the session in this worktree, nothing for another", async () => {
    const found = await discoverCopilot({ roots: [repo()], env: env() });
    expect(found).toMatchObject([
      { agent: "copilot-cli", id: SESSIONS.copilot, path: copilotEvents(home()), cwd: repo() },
    ]);
    expect(await discoverCopilot({ roots: [join(home(), "work", "other")], env: env() })).toEqual([]);
    expect(await discoverCopilot({ roots: [join(repo(), "src")], env: env() })).toEqual([]); // the session ran above it
    expect((await discoverCopilot({ env: env() })).map((s) => s.id)).toEqual([SESSIONS.copilot]);
  });

  test("the time filter reads the events file's mtime; a resumed session counts again", async () => {
    const path = copilotEvents(home());
    touch(path, "2026-11-20T10:07:33Z");
    const since = Date.parse("2026-11-21T00:00:00Z");
    expect(await discoverCopilot({ roots: [repo()], sinceMs: since, env: env() })).toEqual([]);
    appendFileSync(path, `${ev("session.resume", { resumeTime: "2026-11-22T09:00:00.000Z" })}\n`);
    touch(path, "2026-11-22T09:00:00Z");
    expect((await discoverCopilot({ roots: [repo()], sinceMs: since, env: env() })).map((s) => s.id)).toEqual([
      SESSIONS.copilot,
    ]);
  });

  test("folders that are not valid IDs, and folders without events, are skipped", async () => {
    const state = join(home(), ".copilot", "session-state");
    mkdirSync(join(state, "not valid!"), { recursive: true });
    writeFileSync(join(state, "not valid!", "events.jsonl"), readFileSync(copilotEvents(home())));
    mkdirSync(join(state, "f35d8fc1-f713-4ecd-bad6-ca09a07cb1f6")); // empty, as copilot --resume leaves
    writeFileSync(join(state, "stray.jsonl"), readFileSync(copilotEvents(home())));
    expect((await discoverCopilot({ roots: [repo()], env: env() })).map((s) => s.id)).toEqual([SESSIONS.copilot]);
  });

  test("COPILOT_HOME moves the whole datastore; XDG_CONFIG_HOME does not", async () => {
    const moved = join(tmp, "copilot-home");
    sh(`mv '${join(home(), ".copilot")}' '${moved}'`);
    expect(await discoverCopilot({ roots: [repo()], env: env({ XDG_CONFIG_HOME: join(tmp) }) })).toEqual([]);
    const found = await discoverCopilot({ roots: [repo()], env: env({ COPILOT_HOME: moved }) });
    expect(found.map((s) => s.path)).toEqual([join(moved, "session-state", SESSIONS.copilot, "events.jsonl")]);
    expect(copilotCli.dataDirs(env({ COPILOT_HOME: moved }))).toEqual([join(moved, "session-state")]);
    expect(copilotCli.detect(env({ COPILOT_HOME: moved }))).toBe(true);
    expect(copilotCli.detect(env())).toBe(false);
  });

  test("a cwd read once is cached, old sessions' too: other projects' sessions are not opened or stat'ed again", async () => {
    const oldId = "7a7a7a7a-0000-4000-8000-000000000000";
    const old = join(home(), ".copilot", "session-state", oldId, "events.jsonl");
    mkdirSync(join(old, ".."));
    writeFileSync(old, `${start({ sessionId: oldId, context: { cwd: "/home/dev/work/other" } })}\n`);
    touch(old, "2026-09-01T00:00:00Z");
    await discoverCopilot({ roots: [repo()], sinceMs: Date.parse("2026-11-13T00:00:00Z"), env: env() });
    const cache = JSON.parse(readFileSync(join(tmp, "data", "cache", "copilot-cli-cwd.json"), "utf8"));
    expect(cache.entries).toEqual({ [SESSIONS.copilot]: repo(), [oldId]: "/home/dev/work/other" });
    rmSync(old);
    // Unreadable now, yet still known to be elsewhere: skipped without a look.
    writeFileSync(copilotEvents(home()), "garbage");
    expect(await discoverCopilot({ roots: [join(home(), "work", "other")], env: env() })).toEqual([]);
    expect((await discoverCopilot({ roots: [repo()], env: env() })).map((s) => s.id)).toEqual([SESSIONS.copilot]);
  });

  test("find by ID, refusing unsafe IDs; watch the sessions folder and this worktree's event logs", async () => {
    expect(await findCopilot(SESSIONS.copilot, env())).toBe(copilotEvents(home()));
    expect(await findCopilot("../../etc/passwd", env())).toBeNull();
    expect(await findCopilot("0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d", env())).toBeNull();
    const state = join(home(), ".copilot", "session-state");
    expect(watchCopilot({ roots: [repo()], env: env() })).toEqual([state, copilotEvents(home())]);
    expect(watchCopilot({ roots: [join(home(), "work", "other")], env: env() })).toEqual([state]);
  });
});

describe("hook payloads (no fixture: the shape of the public hooks reference)", () => {
  const cwd = "/home/dev/work/shop";
  test("camelCase, as our camelCase event names make Copilot send", () => {
    expect(
      parseCopilotHookPayload(
        { sessionId: SESSIONS.copilot, timestamp: 1795168800820, cwd, source: "new" },
        "sessionStart",
      ),
    ).toEqual({ agent: "copilot-cli", sessionId: SESSIONS.copilot, event: "sessionStart", cwd });
    const transcript = `/home/dev/.copilot/session-state/${SESSIONS.copilot}/events.jsonl`;
    expect(
      parseCopilotHookPayload(
        { sessionId: SESSIONS.copilot, timestamp: 1, cwd, transcriptPath: transcript, stopReason: "end_turn" },
        "agentStop",
      ),
    ).toMatchObject({ transcript });
  });

  test("snake_case (VS Code-compatible, PascalCase events): hook_event_name names the event", () => {
    const ev = parseCopilotHookPayload(
      {
        hook_event_name: "SessionEnd",
        session_id: SESSIONS.copilot,
        timestamp: "2026-11-20T10:07:32.906Z",
        cwd,
        reason: "complete",
      },
      "sessionEnd",
    );
    expect(ev).toEqual({ agent: "copilot-cli", sessionId: SESSIONS.copilot, event: "SessionEnd", cwd });
  });

  test("unsafe or missing IDs, relative paths and foreign transcripts are dropped", () => {
    expect(parseCopilotHookPayload({ sessionId: "../../etc/passwd", cwd }, "sessionStart")).toBeNull();
    expect(parseCopilotHookPayload({ cwd }, "sessionStart")).toBeNull();
    expect(parseCopilotHookPayload([SESSIONS.copilot], "sessionStart")).toBeNull();
    expect(parseCopilotHookPayload("x", "sessionStart")).toBeNull();
    // A bad camelCase ID does not hide a good snake_case one.
    expect(parseCopilotHookPayload({ sessionId: 7, session_id: SESSIONS.copilot }, "x")?.sessionId).toBe(
      SESSIONS.copilot,
    );
    const ev = parseCopilotHookPayload(
      { sessionId: SESSIONS.copilot, cwd: "relative/dir", transcriptPath: "/etc/passwd" },
      "agentStop",
    );
    expect(ev).toEqual({ agent: "copilot-cli", sessionId: SESSIONS.copilot, event: "agentStop" });
  });
});

test("a Copilot payload is told from Claude Code's, which Copilot also sends to .claude/settings.json hooks", () => {
  const claude = JSON.parse(readFileSync(join(FIXTURES, "hook-payloads", "claude-code", "Stop.json"), "utf8"));
  expect(isCopilotPayload(claude)).toBe(false);
  expect(isCopilotPayload({ sessionId: SESSIONS.copilot, timestamp: 1, cwd: "/x" })).toBe(true);
  const snake = {
    hook_event_name: "Stop",
    session_id: SESSIONS.copilot,
    timestamp: "2026-11-20T10:06:52.677Z",
    cwd: "/x",
    stop_reason: "end_turn",
  };
  expect(isCopilotPayload(snake)).toBe(false);
  expect(
    isCopilotPayload({
      ...snake,
      transcript_path: `/home/dev/.copilot/session-state/${SESSIONS.copilot}/events.jsonl`,
    }),
  ).toBe(true);
  expect(isCopilotPayload(snake, join(FIXTURES, "copilot-cli", ".copilot", "session-state"))).toBe(true);
  expect(
    isCopilotPayload({ ...snake, session_id: "../x" }, join(FIXTURES, "copilot-cli", ".copilot", "session-state")),
  ).toBe(false);
  expect(isCopilotPayload(null)).toBe(false);
});

describe("hooks, through the compiled binary", () => {
  let box: Sandbox;
  beforeEach(() => {
    requireBinary();
    box = makeSandbox("copilot-hooks");
  });
  afterEach(() => box.cleanup());
  const traces = (args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) =>
    run([join(box.bin, "git-traces"), ...args], { env: { ...box.env, ...opts.env }, cwd: opts.cwd ?? box.home });
  const USER_HOOKS = {
    version: 1,
    hooks: {
      preToolUse: [{ type: "command", bash: "./scripts/guard.sh", timeoutSec: 5 }],
      sessionStart: [{ type: "command", bash: "echo hello >> ~/log" }],
    },
  };
  const SETTINGS = '{\n  // JSON with comments\n  "model": "gpt-5",\n  "theme": "dark"\n}\n';

  test("install writes a file of our own beside the user's, twice changes nothing, uninstall leaves everything as it was", () => {
    const dir = join(box.home, ".copilot");
    mkdirSync(join(dir, "hooks"), { recursive: true });
    const userFile = join(dir, "hooks", "team.json");
    writeFileSync(userFile, `${JSON.stringify(USER_HOOKS, null, 4)}\n`);
    writeFileSync(join(dir, "settings.json"), SETTINGS);
    const before = sh(`cd '${dir}' && find . -type f | sort | xargs sha1sum`);

    const r = traces(["hooks", "install", "--agent", "copilot-cli"]);
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    const ours = join(dir, "hooks", "git-traces.json");
    expect(r.out).toBe(
      `Copilot CLI: added a sessionStart hook, added a userPromptSubmitted hook, added a agentStop hook, added a sessionEnd hook (${ours})\n`,
    );
    expect(JSON.parse(readFileSync(ours, "utf8"))).toEqual({
      version: 1,
      hooks: Object.fromEntries(
        ["sessionStart", "userPromptSubmitted", "agentStop", "sessionEnd"].map((e) => [
          e,
          [{ type: "command", bash: `${join(box.bin, "git-traces")} hook copilot-cli ${e}`, timeoutSec: 10 }],
        ]),
      ),
    });
    expect(readFileSync(userFile, "utf8")).toBe(`${JSON.stringify(USER_HOOKS, null, 4)}\n`);

    const written = readFileSync(ours, "utf8");
    const again = traces(["hooks", "install", "--agent", "copilot-cli"]);
    expect(again.out).toBe("Copilot CLI: hooks already installed\n");
    expect(readFileSync(ours, "utf8")).toBe(written);

    const status = JSON.parse(traces(["hooks", "status", "--agent", "copilot-cli", "--json"]).out).agents[0];
    expect(status).toMatchObject({
      agent: "copilot-cli",
      file: ours,
      exists: true,
      missing: [],
      notes: [],
      scope: "user",
    });
    expect(status.events).toEqual(["sessionStart", "userPromptSubmitted", "agentStop", "sessionEnd"]);

    const un = traces(["hooks", "uninstall", "--agent", "copilot-cli"]);
    expect(un.exitCode).toBe(0);
    expect(un.out).toContain("deleted the file");
    expect(existsSync(ours)).toBe(false);
    expect(sh(`cd '${dir}' && find . -type f | sort | xargs sha1sum`)).toBe(before);
    expect(traces(["hooks", "status", "--agent", "copilot-cli"]).out).toBe(
      `Copilot CLI: not installed\n  file: ${ours} (does not exist)\n`,
    );
  });

  test("a hooks folder git-traces made goes too; COPILOT_HOME is honoured", () => {
    const home = join(box.dir, "copilot-home");
    mkdirSync(home);
    writeFileSync(join(home, "settings.json"), SETTINGS);
    const env = { COPILOT_HOME: home };
    expect(traces(["hooks", "install", "--agent", "copilot-cli"], { env }).exitCode).toBe(0);
    expect(existsSync(join(home, "hooks", "git-traces.json"))).toBe(true);
    expect(existsSync(join(box.home, ".copilot"))).toBe(false);
    expect(traces(["hooks", "uninstall", "--agent", "copilot-cli"], { env }).exitCode).toBe(0);
    expect(readdirSync(home)).toEqual(["settings.json"]);
  });

  test("hooks the user added to our file survive uninstall; an older handler of ours is replaced", () => {
    const ours = join(box.home, ".copilot", "hooks", "git-traces.json");
    expect(traces(["hooks", "install", "--agent", "copilot-cli"]).exitCode).toBe(0);
    const data = JSON.parse(readFileSync(ours, "utf8"));
    data.hooks.agentStop[0].timeoutSec = 3; // as an older version might have written it
    data.hooks.agentStop.unshift({ type: "command", bash: "say done" });
    data.hooks.errorOccurred = [{ type: "command", command: "logger copilot error" }];
    writeFileSync(ours, JSON.stringify(data, null, 2));
    expect(traces(["hooks", "install", "--agent", "copilot-cli"]).out).toContain("updated the agentStop hook");
    expect(JSON.parse(readFileSync(ours, "utf8")).hooks.agentStop).toEqual([
      { type: "command", bash: "say done" },
      { type: "command", bash: `${join(box.bin, "git-traces")} hook copilot-cli agentStop`, timeoutSec: 10 },
    ]);
    expect(traces(["hooks", "uninstall", "--agent", "copilot-cli"]).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(ours, "utf8"))).toEqual({
      version: 1,
      hooks: {
        agentStop: [{ type: "command", bash: "say done" }],
        errorOccurred: [{ type: "command", command: "logger copilot error" }],
      },
    });
  });

  test("our file gone from the records (another GIT_TRACES_HOME): uninstall still removes it whole", () => {
    const ours = join(box.home, ".copilot", "hooks", "git-traces.json");
    mkdirSync(join(box.home, ".copilot", "hooks"), { recursive: true });
    expect(
      traces(["hooks", "install", "--agent", "copilot-cli"], { env: { GIT_TRACES_HOME: join(box.dir, "a") } }).exitCode,
    ).toBe(0);
    expect(
      traces(["hooks", "uninstall", "--agent", "copilot-cli"], { env: { GIT_TRACES_HOME: join(box.dir, "b") } })
        .exitCode,
    ).toBe(0);
    expect(existsSync(ours)).toBe(false);
    expect(existsSync(join(box.home, ".copilot", "hooks"))).toBe(true); // not ours: it was there before
  });

  test("a file of ours that is not JSON, or of another format version, is refused and left alone", () => {
    const ours = join(box.home, ".copilot", "hooks", "git-traces.json");
    mkdirSync(join(box.home, ".copilot", "hooks"), { recursive: true });
    writeFileSync(ours, "{ nope");
    const r = traces(["hooks", "install", "--agent", "copilot-cli"]);
    expect(r.exitCode).toBe(1);
    expect(r.err).toBe(`git-traces: ${ours}: not valid JSON; fix or move the file, then try again\n`);
    writeFileSync(ours, '{"version": 2, "hooks": {}}');
    const v2 = traces(["hooks", "install", "--agent", "copilot-cli"]);
    expect(v2.exitCode).toBe(1);
    expect(v2.err).toContain('"version" is 2, git-traces writes 1');
    expect(v2.err).not.toContain("    at ");
    expect(readFileSync(ours, "utf8")).toBe('{"version": 2, "hooks": {}}');
  });

  test("--project: the repository's .github/hooks/git-traces.json, and the folders it made go again", () => {
    const repo = join(box.home, "proj");
    mkdirSync(join(repo, ".github", "workflows"), { recursive: true });
    writeFileSync(join(repo, ".github", "workflows", "ci.yml"), "on: push\n");
    sh("git init -q", { cwd: repo, env: box.realEnv });
    expect(
      traces(["hooks", "install", "--agent", "copilot-cli", "--project"], { cwd: join(repo, ".github") }).exitCode,
    ).toBe(0);
    const file = join(repo, ".github", "hooks", "git-traces.json");
    expect(JSON.parse(readFileSync(file, "utf8")).hooks.sessionStart).toEqual([
      {
        type: "command",
        bash: "if command -v git-traces >/dev/null 2>&1; then git-traces hook copilot-cli sessionStart; elif [ -x ~/.git-traces/bin/git-traces ]; then ~/.git-traces/bin/git-traces hook copilot-cli sessionStart; fi",
        timeoutSec: 10,
      },
    ]);
    expect(existsSync(join(box.home, ".copilot"))).toBe(false);
    const status = traces(["hooks", "status", "--agent", "copilot-cli", "--project"], { cwd: repo });
    expect(status.out).toContain("Copilot CLI: installed");
    expect(status.out).toContain("trust");
    expect(traces(["hooks", "uninstall", "--agent", "copilot-cli", "--project"], { cwd: repo }).exitCode).toBe(0);
    expect(readdirSync(join(repo, ".github"))).toEqual(["workflows"]);
  });

  test("status says when the user's settings turn every hook off", () => {
    mkdirSync(join(box.home, ".copilot"), { recursive: true });
    writeFileSync(join(box.home, ".copilot", "settings.json"), '{\n  // off for now\n  "disableAllHooks": true\n}\n');
    traces(["hooks", "install", "--agent", "copilot-cli"]);
    expect(traces(["hooks", "status", "--agent", "copilot-cli"]).out).toContain("disableAllHooks is set");
  });

  test("without --agent, Copilot CLI is installed for when ~/.copilot exists", () => {
    mkdirSync(join(box.home, ".copilot"), { recursive: true });
    const r = traces(["hooks", "install"]);
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain("Copilot CLI: added a sessionStart hook");
  });

  test("the hook records the session in the worktree, from either payload shape; a bad one is refused in one line", () => {
    const repo = join(box.home, "work", "shop");
    mkdirSync(repo, { recursive: true });
    sh("git init -q", { cwd: repo, env: box.realEnv });
    const hook = (event: string, payload: unknown) =>
      run([join(box.bin, "git-traces"), "hook", "copilot-cli", event], {
        cwd: repo,
        env: box.env,
        input: JSON.stringify(payload),
      });
    for (const [event, payload] of [
      ["sessionStart", { sessionId: SESSIONS.copilot, timestamp: 1795168800820, cwd: repo, source: "new" }],
      [
        "userPromptSubmitted",
        { sessionId: SESSIONS.copilot, timestamp: 1795168805112, cwd: repo, prompt: "Add login" },
      ],
      [
        "agentStop",
        {
          sessionId: SESSIONS.copilot,
          timestamp: 1795168812377,
          cwd: repo,
          transcriptPath: copilotEvents(box.home),
          stopReason: "end_turn",
        },
      ],
      [
        "sessionEnd",
        {
          hook_event_name: "SessionEnd",
          session_id: SESSIONS.copilot,
          timestamp: "2026-11-20T10:07:32.906Z",
          cwd: repo,
          reason: "complete",
        },
      ],
    ] as const) {
      const r = hook(event, payload);
      expect([r.exitCode, r.err]).toEqual([0, ""]);
    }
    const active = JSON.parse(readFileSync(join(repo, ".git", "traces", "active.json"), "utf8")).sessions;
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({
      agent: "copilot-cli",
      id: SESSIONS.copilot,
      cwd: repo,
      transcript: copilotEvents(box.home),
      lastEvent: "SessionEnd",
    });
    expect(active[0].ended).toBeDefined();
    const bad = hook("sessionStart", { sessionId: "../../x", cwd: repo });
    expect(bad.exitCode).toBe(0);
    expect(bad.err).toBe("git-traces hook: Copilot CLI sent a payload without a usable session ID; ignored\n");
  });
});
