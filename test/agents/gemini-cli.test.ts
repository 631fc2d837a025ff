// Gemini CLI: the reader against the fixtures' ground truth (test/fixtures/agents/gemini-cli/
// README.md), the malformed fixtures and hand-made variants of the format, discovery in a
// sandbox HOME, hook payloads, and the hooks in settings.json through the compiled binary.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { adapter } from "../../src/agents/index.ts";
import {
  discover as discoverGemini,
  find as findGemini,
  watch as watchGemini,
} from "../../src/agents/gemini-cli/discover.ts";
import { firstUrl, readGeminiChat } from "../../src/agents/gemini-cli/read.ts";
import { editedFiles, kindCounts, primaryModel, toolCounts, TraceSchema } from "../../src/traces/model.ts";
import { kindOfToolName } from "../../src/traces/tool-kinds.ts";
import { FIXTURES, geminiTranscript, installAgentFixtures, SESSIONS, sha256, touch } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, run, sh, type Sandbox } from "../helpers/sandbox.ts";

const ROOTS = ["/home/dev/work/shop"];
const HOME = join(FIXTURES, "gemini-cli");
const SCENARIO = join(HOME, ".gemini", "tmp", "shop", "chats", "session-2026-11-20T10-00-8d2f5a17.jsonl");
const LEGACY_FOLDER = sha256("/home/dev/work/legacy");
const LEGACY = join(HOME, ".gemini", "tmp", LEGACY_FOLDER, "chats", "session-2026-06-01T09-00-abcd1234.json");
const METADATA_ONLY = join(FIXTURES, "malformed", "gemini-cli", "session-2026-11-20T10-14-4e7b1c93.jsonl");
const URL = "https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks";

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox("gemini");
});
afterEach(() => box?.cleanup());

/** A chat file in the sandbox, from records (objects become JSON lines, strings stay as they are). */
function chat(name: string, records: unknown[], folder = "shop"): string {
  const dir = join(box.home, ".gemini", "tmp", folder, "chats");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, records.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n");
  return path;
}

const META = {
  sessionId: "11111111-2222-4333-8444-555555555555",
  projectHash: sha256("/home/dev/work/shop"),
  startTime: "2026-11-20T11:00:00.000Z",
  lastUpdated: "2026-11-20T11:00:00.000Z",
  kind: "main",
};
const user = (id: string, text: unknown, at = "2026-11-20T11:00:01.000Z") => ({
  id,
  timestamp: at,
  type: "user",
  content: text,
});
const gemini = (id: string, extra: Record<string, unknown> = {}, at = "2026-11-20T11:00:02.000Z") => ({
  id,
  timestamp: at,
  type: "gemini",
  content: "",
  model: "gemini-2.5-pro",
  ...extra,
});
const call = (id: string, name: string, args: Record<string, unknown>, status = "success") => ({
  id,
  name,
  args,
  status,
  timestamp: "2026-11-20T11:00:03.000Z",
});

describe("reading a chat", () => {
  test("the scenario session (JSONL): the ground truth of the fixture's README", async () => {
    const t = await readGeminiChat(SCENARIO, { roots: ROOTS });
    expect(v.safeParse(TraceSchema, t).success).toBe(true);
    expect(t).toMatchObject({
      id: SESSIONS.gemini,
      agent: "gemini-cli",
      models: ["gemini-2.5-pro"],
      provider: "google",
      title: "Add login with rate limiting to src/auth.py and a test",
      start: "2026-11-20T10:00:01.204Z",
      end: "2026-11-20T10:06:52.377Z",
      cwd: "/home/dev/work/shop",
      transcript: SCENARIO,
    });
    expect(t.branch).toBeUndefined();
    expect(primaryModel(t)).toBe("gemini-2.5-pro");
    expect(toolCounts(t)).toEqual({ read_file: 1, web_fetch: 1, replace: 2, write_file: 1, run_shell_command: 1 });
    expect(kindCounts(t)).toEqual({ read: 1, edit: 3, shell: 1, web_fetch: 1, web_search: 0, other: 0 });
    expect(editedFiles(t)).toEqual(["src/auth.py", "tests/test_auth.py"]);
    expect(t.tools.map((x) => x.at)).toEqual([
      "2026-11-20T10:00:09.680Z",
      "2026-11-20T10:00:14.507Z",
      "2026-11-20T10:01:02.718Z",
      "2026-11-20T10:01:39.002Z",
      "2026-11-20T10:01:52.291Z",
      "2026-11-20T10:06:36.930Z",
    ]);
    expect(t.tools.find((x) => x.kind === "read")!.paths).toEqual(["src/auth.py"]);
    expect(t.tools.find((x) => x.kind === "web_fetch")!.url).toBe(URL);
    expect(t.tools.find((x) => x.kind === "shell")!.command).toBe("pytest -q tests/test_auth.py");
    expect(t.messages.filter((m) => m.role === "user").map((m) => m.text)).toEqual([
      "Add login with rate limiting to src/auth.py and a test",
      "The SQL looks injectable",
    ]);
    // Line 4's partial copy of a message is replaced by line 6's; the UI notice is no prompt.
    const replies = t.messages.filter((m) => m.role === "assistant");
    expect(replies[0]!.text).toBe("I'll start by reading the current auth module.");
    expect(replies.every((m) => m.model === "gemini-2.5-pro")).toBe(true);
    expect(t.messages.map((m) => m.text).join("\n")).not.toContain("Approval mode");
    expect(t.tokens).toEqual({ input: 93734, output: 2355, cacheRead: 73728, cacheWrite: 0, reasoning: 1041 });
    expect(JSON.stringify(t)).not.toContain("wJalrXUtnFEMI"); // tool outputs are not kept
  });

  test("a summary has the same tools, times and models, without the replies' text", async () => {
    const full = await readGeminiChat(SCENARIO, { roots: ROOTS });
    const t = await readGeminiChat(SCENARIO, { roots: ROOTS, summary: true });
    expect(t.tools).toEqual(full.tools);
    expect([t.start, t.end, t.title, primaryModel(t)]).toEqual([full.start, full.end, full.title, primaryModel(full)]);
    expect(t.messages.filter((m) => m.role === "assistant").every((m) => m.text === "")).toBe(true);
  });

  test("paths outside the worktree stay absolute", async () => {
    const t = await readGeminiChat(SCENARIO, { roots: ["/somewhere/else"] });
    expect(editedFiles(t)).toEqual(["/home/dev/work/shop/src/auth.py", "/home/dev/work/shop/tests/test_auth.py"]);
  });

  test("the older single-JSON session: string prompts, absolute_path, cwd from the folder's hash", async () => {
    const t = await readGeminiChat(LEGACY, { roots: ["/home/dev/work/legacy"] });
    expect(v.safeParse(TraceSchema, t).success).toBe(true);
    expect(t).toMatchObject({
      id: SESSIONS.geminiLegacy,
      models: ["gemini-2.5-flash"],
      title: "Rename fetch_rows to load_rows in db.py",
      start: "2026-06-01T09:00:12.514Z",
      end: "2026-06-01T09:01:40.020Z",
      cwd: "/home/dev/work/legacy",
    });
    expect(toolCounts(t)).toEqual({ read_file: 1, replace: 1 });
    expect(t.tools[0]!.paths).toEqual(["db.py"]);
    expect(editedFiles(t)).toEqual(["db.py"]);
    // Without a candidate path, the folder of a file it used whose hash is the chat's.
    expect((await readGeminiChat(LEGACY)).cwd).toBe("/home/dev/work/legacy");
    const unmatched = chat(
      "session-2026-06-01T09-00-abcd1234.json",
      [readFileSync(LEGACY, "utf8").replace(LEGACY_FOLDER, "0".repeat(64))],
      LEGACY_FOLDER,
    );
    expect((await readGeminiChat(unmatched)).cwd).toBeUndefined();
  });

  test("re-appended messages: the last copy wins, their tool calls and tokens count once", async () => {
    const path = chat("session-2026-11-20T11-00-11111111.jsonl", [
      META,
      user("u1", [{ text: "Make it so" }]),
      gemini("g1", { content: "Partial", tokens: { input: 1, output: 1, cached: 0, total: 2 } }),
      gemini("g1", {
        content: "Whole reply",
        tokens: { input: 10, output: 5, cached: 2, thoughts: 3, tool: 4, total: 24 },
        toolCalls: [call("c1", "write_file", { file_path: "/home/dev/work/shop/a.txt", content: "x" })],
      }),
      gemini("g1", {
        content: "Whole reply",
        tokens: { input: 10, output: 5, cached: 2, thoughts: 3, tool: 4, total: 24 },
        toolCalls: [call("c1", "write_file", { file_path: "/home/dev/work/shop/a.txt", content: "x" })],
      }),
      { $set: { lastUpdated: "2026-11-20T11:05:00.000Z" } },
    ]);
    const t = await readGeminiChat(path, { roots: ROOTS });
    expect(t.messages.map((m) => m.text)).toEqual(["Make it so", "Whole reply"]);
    expect(toolCounts(t)).toEqual({ write_file: 1 });
    expect(t.tokens).toEqual({ input: 14, output: 5, cacheRead: 2, cacheWrite: 0, reasoning: 3 });
    expect(t.end).toBe("2026-11-20T11:05:00.000Z");
  });

  test("$rewindTo drops the rewound messages but keeps what they did; $set messages replaces the conversation", async () => {
    const path = chat("session-2026-11-20T11-00-11111111.jsonl", [
      META,
      user("u1", [{ text: "First try" }]),
      gemini("g1", {
        content: "Editing",
        toolCalls: [call("c1", "replace", { file_path: "src/a.py", old_string: "a", new_string: "b" })],
      }),
      { $rewindTo: "u1" },
      user("u2", [{ text: "Second try" }], "2026-11-20T11:01:00.000Z"),
      gemini("g2", { content: "Done", model: "gemini-2.5-flash" }, "2026-11-20T11:01:05.000Z"),
      { $rewindTo: "no-such-message" },
      {
        $set: {
          messages: [
            user("u3", "Checkpointed prompt", "2026-11-20T11:02:00.000Z"),
            gemini("g3", { content: "Checkpointed reply" }),
          ],
        },
      },
      { $unknownPatch: true },
    ]);
    const t = await readGeminiChat(path, { roots: ROOTS });
    expect(t.messages.map((m) => m.text)).toEqual(["Checkpointed prompt", "Checkpointed reply"]);
    expect(t.title).toBe("Checkpointed prompt");
    // The rewound edit happened (a rewind need not revert the file).
    expect(editedFiles(t)).toEqual(["src/a.py"]);
    expect(t.models).toEqual(["gemini-2.5-pro", "gemini-2.5-flash"]);
  });

  test("tool calls by kind; failed and cancelled edits name no file; URLs inside web_fetch prompts", async () => {
    const path = chat("session-2026-11-20T11-00-11111111.jsonl", [
      META,
      user("u1", "Go"),
      gemini("g1", {
        toolCalls: [
          call("c1", "replace", { file_path: "/home/dev/work/shop/ok.py" }),
          call("c2", "replace", { file_path: "/home/dev/work/shop/failed.py" }, "error"),
          call("c3", "write_file", { file_path: "/home/dev/work/shop/cancelled.py" }, "cancelled"),
          call("c4", "read_many_files", { include: ["src/**/*.py", 7] }),
          call("c5", "google_web_search", { query: "python rate limit" }),
          call("c6", "web_fetch", { prompt: "Compare https://a.example/x_(y). and (https://b.example/z)." }),
          call("c7", "glob", { pattern: "**/*.py" }),
          call("c8", "mcp_github_create_issue", {}),
          { name: 42 },
          "not a call",
        ],
      }),
    ]);
    const t = await readGeminiChat(path, { roots: ROOTS });
    expect(t.tools.map((x) => [x.name, x.kind])).toEqual([
      ["replace", "edit"],
      ["replace", "edit"],
      ["write_file", "edit"],
      ["read_many_files", "read"],
      ["google_web_search", "web_search"],
      ["web_fetch", "web_fetch"],
      ["glob", "other"],
      ["mcp_github_create_issue", "other"],
    ]);
    expect(editedFiles(t)).toEqual(["ok.py"]);
    expect(t.tools[3]!.paths).toEqual(["src/**/*.py"]);
    expect(t.tools[4]!.query).toBe("python rate limit");
    expect(t.tools[5]!.url).toBe("https://a.example/x_(y)");
    expect(t.tools[6]!.detail).toBe("**/*.py");
    expect(firstUrl("see (https://b.example/z).")).toBe("https://b.example/z");
    expect(firstUrl("no link here")).toBeUndefined();
    // A note alone (no transcript here) gives the same kinds for Gemini's own tool names.
    expect(
      ["read_file", "replace", "write_file", "run_shell_command", "web_fetch", "google_web_search", "grep_search"].map(
        kindOfToolName,
      ),
    ).toEqual(["read", "edit", "edit", "shell", "web_fetch", "web_search", "read"]);
  });

  test("prompts: text parts, plain strings and displayContent; slash commands and injected context are not prompts", async () => {
    const path = chat("session-2026-11-20T11-00-11111111.jsonl", [
      META,
      user("u0", [{ text: "/model" }]),
      user("u1", [{ text: "<session_context>cwd: /x</session_context>" }]),
      { ...user("u2", [{ text: "Expanded @file content ..." }]), displayContent: [{ text: "Fix @src/a.py" }] },
      user("u3", ["plain", { text: "parts" }, { inlineData: {} }]),
      gemini("g1", { content: [{ text: "thinking", thought: true }, { text: "Answer" }] }),
      { id: "i1", timestamp: "2026-11-20T11:00:09.000Z", type: "error", content: [{ text: "quota" }] },
    ]);
    const t = await readGeminiChat(path, { roots: ROOTS });
    expect(t.messages.map((m) => [m.role, m.text])).toEqual([
      ["user", "Fix @src/a.py"],
      ["user", "plain\nparts"],
      ["assistant", "Answer"],
    ]);
    expect(t.title).toBe("Fix @src/a.py");
  });

  test("subagents' chats (chats/<session id>/*.jsonl) add their tool calls to the session's", async () => {
    const path = chat("session-2026-11-20T11-00-11111111.jsonl", [
      META,
      user("u1", "Investigate"),
      gemini("g1", { toolCalls: [call("c1", "invoke_agent", { name: "generalist" })] }),
    ]);
    const sub = join(box.home, ".gemini", "tmp", "shop", "chats", META.sessionId);
    mkdirSync(sub, { recursive: true });
    const subMeta = { ...META, sessionId: "99999999-2222-4333-8444-555555555555", kind: "subagent" };
    writeFileSync(
      join(sub, `${subMeta.sessionId}.jsonl`),
      [
        subMeta,
        gemini("s1", {
          model: "gemini-2.5-flash",
          toolCalls: [call("s-c1", "replace", { file_path: "/home/dev/work/shop/sub.py" })],
        }),
      ]
        .map((r) => JSON.stringify(r))
        .join("\n"),
    );
    writeFileSync(join(sub, "broken.jsonl"), "{not json\n");
    const t = await readGeminiChat(path, { roots: ROOTS });
    expect(toolCounts(t)).toEqual({ invoke_agent: 1, replace: 1 });
    expect(editedFiles(t)).toEqual(["sub.py"]);
    expect(t.models).toEqual(["gemini-2.5-pro", "gemini-2.5-flash"]);
    expect(t.tools[0]!.detail).toBe("generalist");
  });
});

describe("malformed chats: no crash, no stack trace", () => {
  test("a chat holding only its metadata line is an empty session", async () => {
    const t = await readGeminiChat(METADATA_ONLY);
    expect(t).toMatchObject({
      id: "4e7b1c93-d2a8-4f56-b0e1-8c3a9d5f7e24",
      title: "",
      tools: [],
      messages: [],
      models: [],
      start: "2026-11-20T10:14:02.117Z",
    });
  });

  test("a last line cut off mid-write and a garbage line are skipped, the rest read", async () => {
    const lines = readFileSync(SCENARIO, "utf8").trimEnd().split("\n");
    const cut = lines.slice(0, 9).concat(lines[9]!.slice(0, 300));
    const path = chat("session-2026-11-20T10-00-8d2f5a17.jsonl", [
      ...cut.slice(0, 3),
      "garbage ]]] not json",
      ...cut.slice(3),
    ]);
    writeFileSync(path, readFileSync(path, "utf8").trimEnd()); // no final newline: still being written
    const t = await readGeminiChat(path, { roots: ROOTS });
    expect(t.id).toBe(SESSIONS.gemini);
    expect(toolCounts(t)).toEqual({ read_file: 1, web_fetch: 1, replace: 1, write_file: 1 });
  });

  test("empty, not JSON at all, a hostile session ID, records of the wrong types", async () => {
    const empty = chat("session-a.jsonl", []);
    writeFileSync(empty, "");
    await expect(readGeminiChat(empty)).rejects.toThrow("not a valid trace ID");
    await expect(readGeminiChat(chat("session-b.json", ["{ broken"]))).rejects.toThrow("not a valid trace ID");
    await expect(
      readGeminiChat(chat("session-c.jsonl", [{ ...META, sessionId: "../../../../tmp/evil" }])),
    ).rejects.toThrow("not a valid trace ID");
    const odd = chat("session-d.jsonl", [
      META,
      [1, 2],
      7,
      null,
      { id: 5 },
      { id: "m", type: "gemini", toolCalls: "nope", tokens: { input: "9" }, model: 3 },
      { $set: "x" },
      { $rewindTo: 4 },
    ]);
    const t = await readGeminiChat(odd);
    expect(t).toMatchObject({ id: META.sessionId, tools: [], messages: [], models: [] });
    expect(t.tokens.input).toBe(0);
    await expect(readGeminiChat(join(box.home, "missing.jsonl"))).rejects.toThrow();
  });
});

describe("discovery in a HOME", () => {
  const repo = () => join(box.home, "work", "shop");
  const env = (extra: Record<string, string> = {}) => ({ HOME: box.home, ...extra });
  const ids = async (roots?: string[], extra: Record<string, string> = {}, sinceMs?: number) =>
    (
      await discoverGemini({
        env: env(extra),
        ...(roots ? { roots } : {}),
        ...(sinceMs !== undefined ? { sinceMs } : {}),
      })
    )
      .map((r) => r.id)
      .sort();

  test("by project folder: the marker, projects.json, or the hash of the path", async () => {
    installAgentFixtures(["gemini-cli"], box.home, repo());
    const refs = await discoverGemini({ env: env(), roots: [repo()] });
    expect(refs).toEqual([
      expect.objectContaining({
        agent: "gemini-cli",
        id: SESSIONS.gemini,
        cwd: repo(),
        path: geminiTranscript(box.home),
      }),
    ]);
    expect(await ids([join(box.home, "work", "legacy")])).toEqual([SESSIONS.geminiLegacy]);
    expect(await ids([join(box.home, "work", "other")])).toEqual([]);
    // A hash-named folder is known only by a path that hashes to its name: a root or a
    // registered project, not a folder inside a root.
    expect(await ids([join(box.home, "work")])).toEqual([SESSIONS.gemini]);
    expect(await ids()).toEqual([SESSIONS.gemini, SESSIONS.geminiLegacy].sort());
    // A session started in a subdirectory of the worktree is the worktree's.
    const sub = join(box.home, ".gemini", "tmp", "shop-api");
    mkdirSync(join(sub, "chats"), { recursive: true });
    writeFileSync(join(sub, ".project_root"), join(repo(), "api"));
    copyFileSync(METADATA_ONLY, join(sub, "chats", "session-2026-11-20T10-14-4e7b1c93.jsonl"));
    expect(await ids([repo()])).toEqual([SESSIONS.gemini, "4e7b1c93-d2a8-4f56-b0e1-8c3a9d5f7e24"].sort());
    // Without the marker, projects.json says whose folder it is.
    rmSync(join(box.home, ".gemini", "tmp", "shop", ".project_root"));
    expect(await ids([repo()])).toContain(SESSIONS.gemini);
    writeFileSync(join(box.home, ".gemini", "projects.json"), "{broken");
    expect(await ids([repo()])).not.toContain(SESSIONS.gemini);
  });

  test("GEMINI_CLI_HOME moves ~/.gemini", async () => {
    const elsewhere = join(box.dir, "gemini-home");
    installAgentFixtures(["gemini-cli"], elsewhere, repo());
    expect(await ids([repo()])).toEqual([]);
    expect(await ids([repo()], { GEMINI_CLI_HOME: elsewhere })).toEqual([SESSIONS.gemini]);
    expect(await findGemini(SESSIONS.gemini, env({ GEMINI_CLI_HOME: elsewhere }))).toBe(geminiTranscript(elsewhere));
  });

  test("only chats modified since the time asked; a resumed .json and its .jsonl are one session", async () => {
    installAgentFixtures(["gemini-cli"], box.home, repo());
    touch(geminiTranscript(box.home), "2026-11-20T10:06:53Z");
    expect(await ids([repo()], {}, Date.parse("2026-11-20T10:00:00Z"))).toEqual([SESSIONS.gemini]);
    expect(await ids([repo()], {}, Date.parse("2026-11-20T11:00:00Z"))).toEqual([]);
    const chats = join(box.home, ".gemini", "tmp", "shop", "chats");
    copyFileSync(LEGACY, join(chats, "session-2026-06-01T09-00-abcd1234.json"));
    copyFileSync(LEGACY, join(chats, "session-2026-06-01T09-00-abcd1234.jsonl.tmp-42")); // not a chat
    writeFileSync(
      join(chats, "session-2026-06-01T09-00-abcd1234.jsonl"),
      `${JSON.stringify({ sessionId: SESSIONS.geminiLegacy, projectHash: "x" })}\n`,
    );
    const refs = await discoverGemini({ env: env(), roots: [repo()] });
    expect(refs.map((r) => r.id).sort()).toEqual([SESSIONS.gemini, SESSIONS.geminiLegacy].sort());
    expect(refs.find((r) => r.id === SESSIONS.geminiLegacy)!.path).toEndWith(".jsonl");
    expect(await findGemini(SESSIONS.geminiLegacy, env())).toEndWith(
      "shop/chats/session-2026-06-01T09-00-abcd1234.jsonl",
    );
  });

  test("hostile and missing session IDs are skipped; find refuses unsafe IDs", async () => {
    installAgentFixtures(["gemini-cli"], box.home, repo());
    chat("session-2026-11-20T11-00-evil.jsonl", [{ ...META, sessionId: "../../../../tmp/evil" }]);
    chat("session-2026-11-20T11-01-none.jsonl", ["not json"]);
    chat("session-2026-11-20T11-02-empty.jsonl", []);
    expect(await ids([repo()])).toEqual([SESSIONS.gemini]);
    expect(await findGemini("../../../../tmp/evil", env())).toBeNull();
    expect(await findGemini("00000000-0000-4000-8000-000000000000", env())).toBeNull();
    expect(await findGemini(SESSIONS.gemini, env())).toBe(geminiTranscript(box.home));
  });

  test("no ~/.gemini at all: nothing, quietly", async () => {
    expect(await ids([repo()])).toEqual([]);
    expect(await findGemini(SESSIONS.gemini, env())).toBeNull();
    expect(watchGemini({ env: env(), roots: [repo()] })).toEqual([join(box.home, ".gemini", "tmp")]);
  });

  test("watched: tmp/, and this worktree's project folders and their chats/", () => {
    installAgentFixtures(["gemini-cli"], box.home, repo());
    const tmp = join(box.home, ".gemini", "tmp");
    expect(watchGemini({ env: env(), roots: [repo()] })).toEqual([tmp, join(tmp, "shop"), join(tmp, "shop", "chats")]);
  });

  test("the adapter: data directory and detection", async () => {
    const a = (await adapter("gemini-cli"))!;
    expect(a.displayName).toBe("Gemini CLI");
    expect(a.dataDirs(env())).toEqual([join(box.home, ".gemini", "tmp")]);
    expect(a.detect(env())).toBe(false);
    mkdirSync(join(box.home, ".gemini"));
    expect(a.detect(env())).toBe(true);
  });
});

describe("hook payloads", () => {
  test("SessionStart and AfterTool: session ID, transcript, cwd, event", async () => {
    const a = (await adapter("gemini-cli"))!;
    for (const event of ["SessionStart", "AfterTool"]) {
      const payload = JSON.parse(readFileSync(join(FIXTURES, "hook-payloads", "gemini-cli", `${event}.json`), "utf8"));
      expect(a.parseHookPayload(payload, event)).toEqual({
        agent: "gemini-cli",
        sessionId: SESSIONS.gemini,
        event,
        cwd: "/home/dev/work/shop",
        transcript: "/home/dev/.gemini/tmp/shop/chats/session-2026-11-20T10-00-8d2f5a17.jsonl",
      });
    }
    expect(a.parseHookPayload({ session_id: "../x", cwd: "/x" }, "AfterTool")).toBeNull();
    expect(a.parseHookPayload("nope", "AfterTool")).toBeNull();
  });
});

describe("hooks in settings.json", () => {
  beforeEach(() => requireBinary());
  const traces = (args: string[], cwd?: string, env: Record<string, string> = {}) =>
    run([join(box.bin, "git-traces"), ...args], { env: { ...box.env, ...env }, cwd: cwd ?? box.home });
  const USER_SETTINGS = {
    general: { vimMode: true },
    model: { name: "gemini-2.5-pro" },
    hooksConfig: { notifications: false },
    hooks: {
      BeforeTool: [
        { matcher: "run_shell_command", hooks: [{ type: "command", command: "./check.sh", timeout: 5000 }] },
      ],
      AfterAgent: [{ hooks: [{ name: "notify", type: "command", command: "notify-send done" }] }],
    },
  };
  const EVENTS = ["AfterAgent", "AfterTool", "BeforeAgent", "SessionEnd", "SessionStart"];

  test("install keeps the user's settings and hooks, with timeouts in milliseconds; twice changes nothing; uninstall restores the file", () => {
    const file = join(box.home, ".gemini", "settings.json");
    mkdirSync(join(box.home, ".gemini"), { recursive: true });
    writeFileSync(file, `${JSON.stringify(USER_SETTINGS, null, 2)}\n`);
    const original = readFileSync(file, "utf8");

    const r = traces(["hooks", "install", "--agent", "gemini-cli"]);
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toContain("Gemini CLI: added a SessionStart hook");
    const installed = JSON.parse(readFileSync(file, "utf8"));
    expect(installed.general).toEqual(USER_SETTINGS.general);
    expect(installed.hooksConfig).toEqual(USER_SETTINGS.hooksConfig);
    expect(installed.hooks.BeforeTool).toEqual(USER_SETTINGS.hooks.BeforeTool);
    expect(installed.hooks.AfterAgent).toEqual([
      ...USER_SETTINGS.hooks.AfterAgent,
      {
        hooks: [
          { type: "command", command: `${join(box.bin, "git-traces")} hook gemini-cli AfterAgent`, timeout: 10000 },
        ],
      },
    ]);
    expect(installed.hooks.AfterTool).toEqual([
      {
        matcher: "^(write_file|replace)$",
        hooks: [
          { type: "command", command: `${join(box.bin, "git-traces")} hook gemini-cli AfterTool`, timeout: 10000 },
        ],
      },
    ]);
    expect(Object.keys(installed.hooks).sort()).toEqual([
      "AfterAgent",
      "AfterTool",
      "BeforeAgent",
      "BeforeTool",
      "SessionEnd",
      "SessionStart",
    ]);

    const after = readFileSync(file, "utf8");
    expect(traces(["hooks", "install", "--agent", "gemini-cli"]).out).toBe("Gemini CLI: hooks already installed\n");
    expect(readFileSync(file, "utf8")).toBe(after);

    const status = JSON.parse(traces(["hooks", "status", "--agent", "gemini-cli", "--json"]).out).agents[0];
    expect(status).toMatchObject({ agent: "gemini-cli", file, exists: true, missing: [], notes: [], scope: "user" });
    expect(status.events.sort()).toEqual(EVENTS);

    const un = traces(["hooks", "uninstall", "--agent", "gemini-cli"]);
    expect(un.exitCode).toBe(0);
    expect(un.out).toContain("removed the AfterTool hook");
    expect(readFileSync(file, "utf8")).toBe(original);
    expect(traces(["hooks", "status", "--agent", "gemini-cli"]).out).toContain("Gemini CLI: not installed");
  });

  test("a settings file git-traces created is deleted again; --project writes .gemini/settings.json of the repository", () => {
    const repo = join(box.home, "proj");
    mkdirSync(repo, { recursive: true });
    sh("git init -q", { cwd: repo, env: box.realEnv });
    expect(traces(["hooks", "install", "--agent", "gemini-cli", "--project"], repo).exitCode).toBe(0);
    const file = join(repo, ".gemini", "settings.json");
    expect(Object.keys(JSON.parse(readFileSync(file, "utf8")).hooks).sort()).toEqual(EVENTS);
    expect(existsSync(join(box.home, ".gemini", "settings.json"))).toBe(false);
    expect(traces(["hooks", "status", "--agent", "gemini-cli", "--project"], repo).out).toContain("trusted folders");
    expect(traces(["hooks", "uninstall", "--agent", "gemini-cli", "--project"], repo).exitCode).toBe(0);
    expect(existsSync(file)).toBe(false);
    // The user-level file, under GEMINI_CLI_HOME when set.
    const alt = join(box.dir, "alt");
    expect(traces(["hooks", "install", "--agent", "gemini-cli"], box.home, { GEMINI_CLI_HOME: alt }).exitCode).toBe(0);
    expect(existsSync(join(alt, ".gemini", "settings.json"))).toBe(true);
  });

  test("hooks turned off by the user are left off, and said so; comments are kept, a file that is not JSON is refused", () => {
    const file = join(box.home, ".gemini", "settings.json");
    mkdirSync(join(box.home, ".gemini"), { recursive: true });
    writeFileSync(file, JSON.stringify({ hooksConfig: { enabled: false } }));
    const r = traces(["hooks", "install", "--agent", "gemini-cli"]);
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain("hooks are turned off");
    expect(JSON.parse(readFileSync(file, "utf8")).hooksConfig).toEqual({ enabled: false });
    expect(traces(["hooks", "status", "--agent", "gemini-cli"]).out).toContain("note: hooks are turned off");
    expect(traces(["hooks", "uninstall", "--agent", "gemini-cli"]).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ hooksConfig: { enabled: false } });

    writeFileSync(file, '{ "general": {} // a comment\n}');
    expect(traces(["hooks", "install", "--agent", "gemini-cli"]).exitCode).toBe(0); // Gemini CLI reads comments too
    expect(readFileSync(file, "utf8")).toStartWith('{ "general": {}, // a comment\n');
    expect(traces(["hooks", "uninstall", "--agent", "gemini-cli"]).exitCode).toBe(0);
    expect(readFileSync(file, "utf8")).toBe('{ "general": {} // a comment\n}');

    writeFileSync(file, '{ "general": {} "x": 1 }');
    const bad = traces(["hooks", "install", "--agent", "gemini-cli"]);
    expect(bad.exitCode).toBe(1);
    expect(bad.err).toBe(`git-traces: ${file}: not valid JSON; fix or move the file, then try again\n`);
    expect(readFileSync(file, "utf8")).toBe('{ "general": {} "x": 1 }');
  });

  test("the hook command records the session from Gemini's payload, and never fails Gemini", () => {
    const repo = join(box.home, "work", "shop");
    mkdirSync(repo, { recursive: true });
    sh("git init -q", { cwd: repo, env: box.realEnv });
    const payload = readFileSync(join(FIXTURES, "hook-payloads", "gemini-cli", "AfterTool.json"), "utf8").replaceAll(
      "/home/dev",
      box.home,
    );
    const r = run([join(box.bin, "git-traces"), "hook", "gemini-cli", "AfterTool"], {
      cwd: repo,
      env: box.env,
      input: payload,
    });
    expect([r.exitCode, r.out, r.err]).toEqual([0, "", ""]);
    const active = JSON.parse(readFileSync(join(repo, ".git", "traces", "active.json"), "utf8"));
    expect(active.sessions).toEqual([
      expect.objectContaining({
        agent: "gemini-cli",
        id: SESSIONS.gemini,
        cwd: repo,
        transcript: geminiTranscript(box.home),
        lastEvent: "AfterTool",
      }),
    ]);
    const bad = run([join(box.bin, "git-traces"), "hook", "gemini-cli", "AfterTool"], {
      cwd: repo,
      env: box.env,
      input: "{]",
    });
    expect(bad.exitCode).toBe(0);
    expect(bad.out).toBe("");
    expect(bad.err).toBe("git-traces hook: Gemini CLI sent a payload that is not JSON; ignored\n");
  });
});

test("moving the fixtures into a HOME renames the hashed folder and rewrites projectHash", () => {
  const repo = join(box.home, "work", "shop");
  installAgentFixtures(["gemini-cli"], box.home, repo);
  expect(existsSync(join(box.home, ".gemini", "tmp", sha256(join(box.home, "work", "legacy")), "chats"))).toBe(true);
  expect(readFileSync(geminiTranscript(box.home), "utf8")).toContain(`"projectHash":"${sha256(repo)}"`);
});
