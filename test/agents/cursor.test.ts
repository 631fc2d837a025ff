// Cursor: the reader on the fixtures' ground truth (test/fixtures/agents/cursor/README.md),
// damaged and hostile transcripts, both layouts and the older .txt, discovery by workspace,
// hook payloads, and `git traces hooks` on a hooks.json that already holds the user's own.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as v from "valibot";
import * as cursor from "../../src/agents/cursor/discover.ts";
import {
  discover as discoverCursor,
  find as findCursor,
  guessWorkspace,
  projectKey,
  watch as watchCursor,
  workspaceFrom,
} from "../../src/agents/cursor/discover.ts";
import { parseCursorHookPayload } from "../../src/agents/cursor/payload.ts";
import { identifyAgent } from "../../src/agents/identify.ts";
import { promptOf, readCursorTranscript } from "../../src/agents/cursor/read.ts";
import { TranscriptError } from "../../src/agents/types.ts";
import { timeline } from "../../src/views/view.ts";
import { editedFiles, kindCounts, toolCounts, TraceSchema } from "../../src/traces/model.ts";
import {
  CURSOR_MTIME,
  cursorFolder,
  cursorTranscript,
  FIXTURES,
  installAgentFixtures,
  SESSIONS,
  touch,
} from "../helpers/agents.ts";
import { makeSandbox, requireBinary, run, sh, type Sandbox } from "../helpers/sandbox.ts";

const ID = SESSIONS.cursor;
const URL = "https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks";
const FIXTURE = join(
  FIXTURES,
  "cursor",
  ".cursor",
  "projects",
  "home-dev-work-shop",
  "agent-transcripts",
  `${ID}.jsonl`,
);
const PAYLOADS = join(FIXTURES, "hook-payloads", "cursor");
const payload = (event: string) =>
  JSON.parse(readFileSync(join(PAYLOADS, `${event}.json`), "utf8")) as Record<string, unknown>;

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox("cursor");
});
afterEach(() => box?.cleanup());

/** The git-traces data home of the sandbox, as the reader's environment. */
const envOf = () => ({ HOME: box.home, GIT_TRACES_HOME: join(box.home, "data") });

/** A transcript at `~/.cursor/projects/<folder of workspace>/agent-transcripts/<name>`. */
function place(workspace: string, name: string, text: string): string {
  const path = join(box.home, ".cursor", "projects", cursorFolder(workspace), "agent-transcripts", name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** The scenario transcript, moved to `workspace`. */
const scenario = (workspace: string) => readFileSync(FIXTURE, "utf8").replaceAll("/home/dev/work/shop", workspace);

describe("reader", () => {
  test("the scenario conversation: prompts, tools, files, URL, command; no model and no time in the file", async () => {
    const path = place("/home/dev/work/shop", `${ID}.jsonl`, readFileSync(FIXTURE, "utf8"));
    touch(path, CURSOR_MTIME);
    const t = await readCursorTranscript(path, { roots: ["/home/dev/work/shop"] });
    expect(v.safeParse(TraceSchema, t).success).toBe(true);
    expect(t).toMatchObject({
      id: ID,
      agent: "cursor",
      models: [],
      title: "Add login with rate limiting to src/auth.py and a test",
      cwd: "/home/dev/work/shop",
      end: "2026-11-20T10:06:53.000Z",
      transcript: path,
    });
    expect(t.agentVersion).toBeUndefined();
    expect(t.branch).toBeUndefined();
    expect(toolCounts(t)).toEqual({ Read: 1, WebFetch: 1, StrReplace: 2, Write: 1, Shell: 1 });
    expect(kindCounts(t)).toEqual({ read: 1, edit: 3, shell: 1, web_fetch: 1, web_search: 0, other: 0 });
    expect(editedFiles(t)).toEqual(["src/auth.py", "tests/test_auth.py"]);
    expect(t.tools.find((x) => x.kind === "read")!.paths).toEqual(["src/auth.py"]);
    expect(t.tools.find((x) => x.kind === "web_fetch")!.url).toBe(URL);
    expect(t.tools.find((x) => x.kind === "shell")!.command).toBe("pytest -q tests/test_auth.py");
    // Without the environment there is nothing but the file's time for every line.
    expect(new Set(t.tools.map((x) => x.at))).toEqual(new Set(["2026-11-20T10:06:53.000Z"]));
    expect(t.messages.filter((m) => m.role === "user").map((m) => m.text)).toEqual([
      "Add login with rate limiting to src/auth.py and a test",
      "The SQL looks injectable",
    ]);
    expect(t.messages.filter((m) => m.role === "assistant")).toHaveLength(6);
    // Messages get no time (none is known); calls say where they stand among them.
    expect(t.messages.every((m) => m.at === undefined)).toBe(true);
    const order = timeline(t).map((s) => (s.type === "message" ? s.message.role[0] : s.call.name));
    expect(order).toEqual([
      "u",
      "a",
      "Read",
      "a",
      "WebFetch",
      "a",
      "StrReplace",
      "Write",
      "Shell",
      "a",
      "u",
      "a",
      "StrReplace",
      "a",
    ]);
    // The file was created after its (touched) modification time: no start from it.
    expect(t.start).toBeUndefined();
    const summary = await readCursorTranscript(path, { roots: ["/home/dev/work/shop"], summary: true });
    expect(summary.messages.filter((m) => m.role === "assistant").every((m) => m.text === "")).toBe(true);
    expect(summary.tools).toEqual(t.tools);
  });

  test("paths outside the worktree stay absolute; the workspace comes from the paths, not the roots", async () => {
    const path = place("/home/dev/work/shop", `${ID}.jsonl`, readFileSync(FIXTURE, "utf8"));
    const t = await readCursorTranscript(path, { roots: ["/somewhere/else"] });
    expect(t.cwd).toBe("/home/dev/work/shop");
    expect(editedFiles(t)).toEqual(["/home/dev/work/shop/src/auth.py", "/home/dev/work/shop/tests/test_auth.py"]);
  });

  test("the folder name is lossy: /x/work-shop and /x/work/shop share it, the paths tell them apart", async () => {
    const path = place("/x/work-shop", `${ID}.jsonl`, scenario("/x/work/shop"));
    expect(cursorFolder("/x/work-shop")).toBe(cursorFolder("/x/work/shop"));
    const t = await readCursorTranscript(path, { roots: ["/x/work-shop"] });
    expect(t.cwd).toBe("/x/work/shop");
    expect(editedFiles(t)).toEqual(["/x/work/shop/src/auth.py", "/x/work/shop/tests/test_auth.py"]);
    expect(workspaceFrom(["/x/work/shop/src/auth.py"], projectKey("x-work-shop"))).toBe("/x/work/shop");
    expect(workspaceFrom(["/etc/hosts"], projectKey("x-work-shop"))).toBeUndefined();
    // With no path to go by, the folder name read back as a path, when that is a directory.
    expect(guessWorkspace("usr-bin")).toBe("/usr/bin");
    expect(guessWorkspace("no-such-dir-here")).toBeUndefined();
  });

  test("relative paths are taken from the workspace", async () => {
    const text = `${JSON.stringify({ role: "assistant", message: { content: [{ type: "tool_use", name: "Write", input: { path: "src/new.py", contents: "x" } }] } })}\n`;
    const path = place(join(box.home, "ws"), `${ID}.jsonl`, text);
    mkdirSync(join(box.home, "ws"), { recursive: true });
    const t = await readCursorTranscript(path, { roots: [join(box.home, "ws")] });
    expect(t.cwd).toBe(join(box.home, "ws"));
    expect(editedFiles(t)).toEqual(["src/new.py"]);
  });

  test("the older .txt transcript", async () => {
    const ws = "/home/dev/work/shop";
    const text = [
      "user:",
      "<user_info>OS: linux</user_info>",
      "<user_query>",
      "Add login with rate limiting to src/auth.py and a test",
      "</user_query>",
      "",
      "assistant:",
      "[Thinking] Let me look first.",
      "I'll start by reading the current auth module.",
      "[Tool call] Read",
      `  path: ${ws}/src/auth.py`,
      "",
      "[Tool result] Read",
      "def session_expired(): ...",
      "  path: /not/an/argument",
      "",
      "assistant:",
      "[Tool call] StrReplace",
      `  path: ${ws}/src/auth.py`,
      "  old_string: def a():",
      "    return 1",
      "  new_string: def a():",
      "  path: /a/later/line/of/the/value",
      "[Tool call] Write",
      `  path: ${ws}/tests/test_auth.py`,
      "  contents: import pytest",
      "[Tool call] Shell",
      "  command: pytest -q tests/test_auth.py",
      `  working_directory: ${ws}`,
      "[Tool call] WebFetch",
      `  url: ${URL}`,
      "",
      "[Tool result] Shell",
      "4 passed",
      "",
      "assistant:",
      "All 4 tests pass.",
      "",
    ].join("\n");
    const path = place(ws, `${ID}.txt`, text);
    const t = await readCursorTranscript(path, { roots: [ws] });
    expect(t.id).toBe(ID);
    expect(t.cwd).toBe(ws);
    expect(t.title).toBe("Add login with rate limiting to src/auth.py and a test");
    expect(toolCounts(t)).toEqual({ Read: 1, StrReplace: 1, Write: 1, Shell: 1, WebFetch: 1 });
    expect(editedFiles(t)).toEqual(["src/auth.py", "tests/test_auth.py"]);
    expect(t.tools.find((x) => x.kind === "shell")!.command).toBe("pytest -q tests/test_auth.py");
    expect(t.tools.find((x) => x.kind === "web_fetch")!.url).toBe(URL);
    expect(t.messages.map((m) => [m.role, m.text])).toEqual([
      ["user", "Add login with rate limiting to src/auth.py and a test"],
      ["assistant", "I'll start by reading the current auth module."],
      ["assistant", "All 4 tests pass."],
    ]);
    expect(JSON.stringify(t)).not.toContain("4 passed"); // tool results are not kept
  });

  test("what the user typed, without Cursor's wrappers", () => {
    expect(promptOf("<user_query>\nhi\n</user_query>")).toBe("hi");
    expect(promptOf("<attached_files>a.py</attached_files>\n<user_query>fix it</user_query>")).toBe("fix it");
    expect(promptOf("plain")).toBe("plain");
    expect(promptOf("  \n")).toBeUndefined();
  });

  test("times: a later read keeps what an earlier one saw on disk (the line clock)", async () => {
    const path = place("/home/dev/work/shop", `${ID}.jsonl`, readFileSync(FIXTURE, "utf8"));
    touch(path, "2026-11-20T10:06:53Z");
    const env = envOf();
    const first = await readCursorTranscript(path, { env });
    expect(new Set(first.tools.map((x) => x.at))).toEqual(new Set(["2026-11-20T10:06:53.000Z"]));
    // The session goes on: one more edit, written at 10:15.
    appendFileSync(
      path,
      `${JSON.stringify({ role: "assistant", message: { content: [{ type: "tool_use", name: "Write", input: { path: "/home/dev/work/shop/NOTES.md", contents: "x" } }] } })}\n`,
    );
    touch(path, "2026-11-20T10:15:00Z");
    const second = await readCursorTranscript(path, { env });
    expect(second.tools.slice(0, 6).map((x) => x.at)).toEqual(first.tools.map((x) => x.at));
    expect(second.tools[6]!.at).toBe("2026-11-20T10:15:00.000Z");
    expect(second.start).toBe("2026-11-20T10:06:53.000Z");
    expect(second.end).toBe("2026-11-20T10:15:00.000Z");
    // Without the environment, nothing is remembered or used.
    expect((await readCursorTranscript(path)).tools[0]!.at).toBe("2026-11-20T10:15:00.000Z");
    // A file rewritten shorter forgets what no longer holds.
    writeFileSync(path, readFileSync(FIXTURE, "utf8").split("\n").slice(0, 3).join("\n"));
    touch(path, "2026-11-20T10:20:00Z");
    expect((await readCursorTranscript(path, { env })).tools.map((x) => x.at)).toEqual([
      "2026-11-20T10:20:00.000Z",
      "2026-11-20T10:20:00.000Z",
    ]);
  });
});

describe("damaged and hostile transcripts: no crash, every good record kept", () => {
  const lines = () => readFileSync(FIXTURE, "utf8").trimEnd().split("\n");

  test("a last line cut off mid-write is left out", async () => {
    const all = lines();
    const path = place("/home/dev/work/shop", `${ID}.jsonl`, `${all.slice(0, 9).join("\n")}\n${all[9]!.slice(0, 40)}`);
    const t = await readCursorTranscript(path);
    expect(toolCounts(t)).toEqual({ Read: 1, WebFetch: 1, StrReplace: 2, Write: 1, Shell: 1 });
    expect(t.messages.at(-1)!.text).toContain("Switching to a bound parameter");
  });

  test("garbage lines, unknown roles, blocks and fields are skipped", async () => {
    const all = lines();
    const odd = [
      "not json at all",
      JSON.stringify({ role: "system", message: { content: [{ type: "text", text: "ignored" }] } }),
      JSON.stringify({
        role: "assistant",
        message: {
          content: [
            { type: "redacted_thinking", data: "x" },
            { type: "tool_result", content: "SECRET-OUTPUT" },
            { type: "tool_use" },
            { type: "tool_use", name: 7 },
          ],
        },
      }),
      JSON.stringify({ role: "assistant", message: { content: "a reply as a plain string" }, extra: { nested: true } }),
      JSON.stringify({ role: "user", message: { content: [{ type: "text", text: 42 }] } }),
      JSON.stringify(["an", "array"]),
      "{",
    ];
    const path = place("/home/dev/work/shop", `${ID}.jsonl`, `${[all[0], ...odd, ...all.slice(1)].join("\n")}\n`);
    const t = await readCursorTranscript(path, { roots: ["/home/dev/work/shop"] });
    expect(toolCounts(t)).toEqual({ Read: 1, WebFetch: 1, StrReplace: 2, Write: 1, Shell: 1 });
    expect(t.messages.some((m) => m.text === "a reply as a plain string")).toBe(true);
    expect(JSON.stringify(t)).not.toContain("SECRET-OUTPUT");
    expect(JSON.stringify(t)).not.toContain("ignored");
  });

  test("an empty file is an empty session", async () => {
    const t = await readCursorTranscript(place("/home/dev/work/shop", `${ID}.jsonl`, ""));
    expect(t).toMatchObject({ id: ID, title: "", tools: [], messages: [] });
  });

  test("a 2 MB line is read whole", async () => {
    const huge = JSON.stringify({
      role: "assistant",
      message: {
        content: [
          { type: "text", text: "x".repeat(2_000_000) },
          { type: "tool_use", name: "Write", input: { path: "/home/dev/work/shop/big.txt" } },
        ],
      },
    });
    const t = await readCursorTranscript(place("/home/dev/work/shop", `${ID}.jsonl`, `${huge}\n`), {
      roots: ["/home/dev/work/shop"],
      summary: true,
    });
    expect(editedFiles(t)).toEqual(["big.txt"]);
    expect(t.messages[0]!.text).toBe("");
  });

  test("a file name that is not a trace ID is refused with a typed error", async () => {
    const path = place("/home/dev/work/shop", "not a valid id!.jsonl", readFileSync(FIXTURE, "utf8"));
    const e = await readCursorTranscript(path).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TranscriptError);
    expect((e as TranscriptError).message).toContain("not a valid trace ID");
    expect(
      await readCursorTranscript(join(box.home, "missing", `${ID}.jsonl`)).catch((x: unknown) => x),
    ).toBeInstanceOf(TranscriptError);
  });

  test("escape sequences in text are kept as data (renderers neutralise them), IDs never come from the text", async () => {
    const evil = "\u001b[2J\u001b]0;pwned\u0007\u202e";
    const text = `${JSON.stringify({ role: "user", message: { content: [{ type: "text", text: `<user_query>${evil}go</user_query>` }] }, id: "../../../../tmp/evil", conversation_id: "../../x" })}\n`;
    const t = await readCursorTranscript(place("/home/dev/work/shop", `${ID}.jsonl`, text));
    expect(t.id).toBe(ID);
    expect(t.messages[0]!.text).toBe(`${evil}go`);
  });

  test("the other agents' malformed fixtures, read as Cursor transcripts, do not crash the reader", async () => {
    const dir = join(FIXTURES, "malformed");
    for (const agent of readdirSync(dir).filter((d) => !d.endsWith(".md"))) {
      for (const f of readdirSync(join(dir, agent))) {
        const path = place("/home/dev/work/shop", `${ID}.jsonl`, readFileSync(join(dir, agent, f), "utf8"));
        const t = await readCursorTranscript(path, { roots: ["/home/dev/work/shop"], summary: true });
        expect(v.safeParse(TraceSchema, t).success).toBe(true);
      }
    }
  });
});

describe("discovery", () => {
  const shop = () => join(box.home, "work", "shop");

  function layout() {
    installAgentFixtures(["cursor"], box.home, shop());
    mkdirSync(shop(), { recursive: true });
    const other = join(box.home, "work", "shop-old");
    // Another project whose folder name starts like the shop's.
    place(other, "aaaaaaaa-1111-4222-8333-444444444444.jsonl", scenario(other));
    // A session in a folder of the shop, in the nested layout.
    const sub = join(shop(), "backend");
    mkdirSync(sub, { recursive: true });
    place(sub, "bbbbbbbb-1111-4222-8333-444444444444/bbbbbbbb-1111-4222-8333-444444444444.jsonl", scenario(sub));
    // An old .txt of the scenario session next to its .jsonl: the .jsonl wins.
    touch(place(shop(), `${ID}.txt`, "user:\n<user_query>old</user_query>\n"), "2026-11-20T10:00:00Z");
    // An unrelated project.
    place(
      join(box.home, "work", "blog"),
      "cccccccc-1111-4222-8333-444444444444.jsonl",
      scenario(join(box.home, "work", "blog")),
    );
    // Not transcripts, or unsafe names.
    place(shop(), "notes.md", "x");
    place(shop(), "..evil.jsonl", scenario(shop()));
  }

  test("by workspace: the repository's sessions and its folders', not a look-alike's", async () => {
    layout();
    const found = await discoverCursor({ roots: [shop()], env: envOf() });
    expect(found.map((s) => [s.id, s.cwd, s.path.endsWith(".jsonl")]).sort()).toEqual(
      [
        [ID, shop(), true],
        ["bbbbbbbb-1111-4222-8333-444444444444", join(shop(), "backend"), true],
      ].sort(),
    );
    // Every session, with no roots.
    const all = await discoverCursor({ env: envOf() });
    expect(all.map((s) => s.id).sort()).toEqual(
      [
        "aaaaaaaa-1111-4222-8333-444444444444",
        "bbbbbbbb-1111-4222-8333-444444444444",
        "cccccccc-1111-4222-8333-444444444444",
        ID,
      ].sort(),
    );
    expect(all.find((s) => s.id.startsWith("aaaa"))!.cwd).toBe(join(box.home, "work", "shop-old"));
    // What discovery learnt of each file's workspace is cached: a second run reads no head.
    expect(existsSync(join(box.home, "data", "cache", "cursor-cwd.json"))).toBe(true);
    expect((await discoverCursor({ roots: [shop()], env: envOf() })).length).toBe(2);
  });

  test("by time: transcripts not written since are skipped", async () => {
    layout();
    const since = Date.parse("2026-11-20T10:07:00Z");
    const found = await discoverCursor({ roots: [shop()], sinceMs: since, env: envOf() });
    expect(found.map((s) => s.id)).toEqual(["bbbbbbbb-1111-4222-8333-444444444444"]); // the scenario's was touched to 10:06:53
  });

  test("find by ID in either layout; unsafe IDs are not looked up", async () => {
    layout();
    expect(await findCursor(ID, envOf())).toBe(cursorTranscript(box.home, shop()));
    expect(await findCursor("bbbbbbbb-1111-4222-8333-444444444444", envOf())).toEndWith(
      "/bbbbbbbb-1111-4222-8333-444444444444/bbbbbbbb-1111-4222-8333-444444444444.jsonl",
    );
    expect(await findCursor("../../etc/passwd", envOf())).toBeNull();
    expect(await findCursor("ffffffff-1111-4222-8333-444444444444", envOf())).toBeNull();
  });

  test("watched folders: the projects folder and this workspace's (and look-alikes', by name), no other project's", () => {
    layout();
    const dirs = watchCursor({ roots: [shop()], env: envOf() });
    const projects = join(box.home, ".cursor", "projects");
    expect(dirs).toContain(projects);
    expect(dirs).toContain(join(projects, cursorFolder(shop()), "agent-transcripts"));
    expect(dirs).toContain(join(projects, cursorFolder(join(shop(), "backend"))));
    expect(dirs.some((d) => d.includes("blog"))).toBe(false);
  });

  test("the adapter: data directory, detection", () => {
    expect(cursor.dataDirs(envOf())).toEqual([join(box.home, ".cursor", "projects")]);
    expect(cursor.detect(envOf())).toBe(false);
    mkdirSync(join(box.home, ".cursor"));
    expect(cursor.detect(envOf())).toBe(true);
  });
});

describe("hook payloads", () => {
  test("conversation ID, model, version and workspace from each event", () => {
    for (const event of ["sessionStart", "afterFileEdit", "stop"]) {
      const p = payload(event);
      expect(identifyAgent(p)).toBe("cursor");
      expect(parseCursorHookPayload(p, event)).toEqual({
        agent: "cursor",
        sessionId: ID,
        event,
        cwd: "/home/dev/work/shop",
        model: "claude-4.5-sonnet",
        agentVersion: "2.3.14",
      });
    }
  });

  test("several workspace roots: the one holding the edited file", () => {
    const p = {
      ...payload("afterFileEdit"),
      workspace_roots: ["/a", "/home/dev/work/shop"],
      transcript_path: "/home/dev/.cursor/projects/x/agent-transcripts/t.jsonl",
    };
    expect(parseCursorHookPayload(p, "afterFileEdit")).toMatchObject({
      cwd: "/home/dev/work/shop",
      transcript: "/home/dev/.cursor/projects/x/agent-transcripts/t.jsonl",
    });
    expect(parseCursorHookPayload({ ...payload("stop"), workspace_roots: ["/a", "/b"] }, "stop")!.cwd).toBe("/a");
  });

  test("unsafe, missing or foreign: nothing", () => {
    expect(parseCursorHookPayload({ ...payload("stop"), conversation_id: "../../etc/passwd" }, "stop")).toBeNull();
    expect(parseCursorHookPayload({ hook_event_name: "stop" }, "stop")).toBeNull();
    expect(parseCursorHookPayload("nope", "stop")).toBeNull();
    expect(
      parseCursorHookPayload({ ...payload("stop"), workspace_roots: ["relative", 3], cwd: 5, model: "" }, "stop"),
    ).toEqual({ agent: "cursor", sessionId: ID, event: "stop", agentVersion: "2.3.14" });
  });
});

describe("through the binary", () => {
  beforeEach(() => requireBinary());
  const traces = (args: string[], cwd = box.home, input?: string) =>
    run([join(box.bin, "git-traces"), ...args], { env: box.env, cwd, ...(input !== undefined ? { input } : {}) });
  const file = () => join(box.home, ".cursor", "hooks.json");
  const USER = {
    version: 1,
    hooks: {
      afterFileEdit: [{ command: "./hooks/format.sh" }],
      beforeShellExecution: [{ command: "./hooks/guard.sh", timeout: 5 }],
      stop: [],
    },
    extra: { keep: ["me"] },
  };

  test("hooks: install keeps the user's hooks and keys, twice changes nothing, uninstall restores the file byte for byte", () => {
    mkdirSync(dirname(file()), { recursive: true });
    const original = `${JSON.stringify(USER, null, 4)}\n`;
    writeFileSync(file(), original);
    const r = traces(["hooks", "install", "--agent", "cursor"]);
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toContain("Cursor: added a sessionStart hook");
    const installed = JSON.parse(readFileSync(file(), "utf8"));
    expect(installed.version).toBe(1);
    expect(installed.extra).toEqual(USER.extra);
    expect(installed.hooks.beforeShellExecution).toEqual(USER.hooks.beforeShellExecution);
    expect(installed.hooks.afterFileEdit).toEqual([
      { command: "./hooks/format.sh" },
      { command: `${join(box.bin, "git-traces")} hook cursor afterFileEdit` },
    ]);
    expect(installed.hooks.stop).toEqual([{ command: `${join(box.bin, "git-traces")} hook cursor stop` }]);
    expect(Object.keys(installed.hooks).sort()).toEqual([
      "afterFileEdit",
      "beforeShellExecution",
      "sessionEnd",
      "sessionStart",
      "stop",
    ]);
    expect(readFileSync(file(), "utf8")).toContain('\n    "version"');

    const after = readFileSync(file(), "utf8");
    expect(traces(["hooks", "install", "--agent", "cursor"]).out).toBe("Cursor: hooks already installed\n");
    expect(readFileSync(file(), "utf8")).toBe(after);

    const status = JSON.parse(traces(["hooks", "status", "--agent", "cursor", "--json"]).out).agents[0];
    expect(status).toMatchObject({ agent: "cursor", file: file(), exists: true, missing: [] });
    expect(status.events.sort()).toEqual(["afterFileEdit", "sessionEnd", "sessionStart", "stop"]);
    expect(traces(["hooks", "status", "--agent", "cursor"]).out).toStartWith("Cursor: installed\n");

    const un = traces(["hooks", "uninstall", "--agent", "cursor"]);
    expect(un.exitCode).toBe(0);
    expect(un.out).toContain("removed the stop hook");
    expect(readFileSync(file(), "utf8")).toBe(original);
    expect(traces(["hooks", "status", "--agent", "cursor"]).out).toStartWith("Cursor: not installed\n");
  });

  test("hooks: a hooks.json git-traces created is deleted again; one without a version gets it and loses it", () => {
    expect(traces(["hooks", "install", "--agent", "cursor"]).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(file(), "utf8"))).toEqual({
      version: 1,
      hooks: Object.fromEntries(
        ["sessionStart", "afterFileEdit", "stop", "sessionEnd"].map((e) => [
          e,
          [{ command: `${join(box.bin, "git-traces")} hook cursor ${e}` }],
        ]),
      ),
    });
    traces(["hooks", "uninstall", "--agent", "cursor"]);
    expect(existsSync(file())).toBe(false);
    expect(existsSync(dirname(file()))).toBe(false); // ~/.cursor too: install had made it

    mkdirSync(dirname(file()));
    const bare = '{\n  "hooks": {\n    "stop": [\n      {\n        "command": "say done"\n      }\n    ]\n  }\n}\n';
    writeFileSync(file(), bare);
    expect(traces(["hooks", "install", "--agent", "cursor"]).out).toContain("set version");
    expect(JSON.parse(readFileSync(file(), "utf8")).version).toBe(1);
    traces(["hooks", "uninstall", "--agent", "cursor"]);
    expect(readFileSync(file(), "utf8")).toBe(bare);
  });

  test("hooks: without --agent, Cursor is installed when ~/.cursor exists, and only then", () => {
    const none = traces(["hooks", "install"]);
    expect(none.out).not.toContain("Cursor:");
    mkdirSync(join(box.home, ".cursor"), { recursive: true });
    const r = traces(["hooks", "install"]);
    expect(r.exitCode).toBe(0);
    expect(r.out).toStartWith("Cursor: added a sessionStart hook");
    expect(existsSync(file())).toBe(true);
  });

  test("hooks: --project writes the repository's .cursor/hooks.json", () => {
    const repo = join(box.home, "proj");
    mkdirSync(repo, { recursive: true });
    sh("git init -q", { cwd: repo, env: box.realEnv });
    expect(traces(["hooks", "install", "--agent", "cursor", "--project"], repo).exitCode).toBe(0);
    expect(existsSync(join(repo, ".cursor", "hooks.json"))).toBe(true);
    expect(existsSync(file())).toBe(false);
    expect(traces(["hooks", "uninstall", "--agent", "cursor", "--project"], repo).exitCode).toBe(0);
    expect(existsSync(join(repo, ".cursor", "hooks.json"))).toBe(false);
  });

  test("hooks: a hooks.json that is not JSON, whose hooks are not an object, or of another version, is refused and left alone", () => {
    mkdirSync(dirname(file()), { recursive: true });
    writeFileSync(file(), "{ version: 1 }");
    const r = traces(["hooks", "install", "--agent", "cursor"]);
    expect(r.exitCode).toBe(1);
    expect(r.err).toBe(`git-traces: ${file()}: not valid JSON; fix or move the file, then try again\n`);
    writeFileSync(file(), '{"version":1,"hooks":[]}');
    expect(traces(["hooks", "install", "--agent", "cursor"]).err).toContain('"hooks" is not an object');
    expect(readFileSync(file(), "utf8")).toBe('{"version":1,"hooks":[]}');
    writeFileSync(file(), '{"version":2,"hooks":{}}');
    expect(traces(["hooks", "install", "--agent", "cursor"]).err).toContain('"version" is 2, git-traces writes 1');
    expect(readFileSync(file(), "utf8")).toBe('{"version":2,"hooks":{}}');
  });

  test("the hook records the conversation, its model and Cursor's version in the worktree's active.json", () => {
    const repo = join(box.home, "work", "shop");
    mkdirSync(repo, { recursive: true });
    sh("git init -q", { cwd: repo, env: box.realEnv });
    for (const event of ["sessionStart", "afterFileEdit", "stop"]) {
      const input = readFileSync(join(PAYLOADS, `${event}.json`), "utf8").replaceAll("/home/dev/work/shop", repo);
      // Cursor runs user hooks from elsewhere: the payload's workspace decides the repository.
      const r = traces(["hook", "cursor", event], box.home, input);
      expect(r.exitCode).toBe(0);
      expect(r.err).toBe("");
      expect(r.out).toBe("");
    }
    const active = JSON.parse(readFileSync(join(repo, ".git", "traces", "active.json"), "utf8"));
    expect(active.sessions).toHaveLength(1);
    expect(active.sessions[0]).toMatchObject({
      agent: "cursor",
      id: ID,
      cwd: repo,
      model: "claude-4.5-sonnet",
      agentVersion: "2.3.14",
      lastEvent: "stop",
    });
    expect(active.sessions[0].transcript).toBeUndefined();
    const bad = traces(
      ["hook", "cursor", "stop"],
      box.home,
      JSON.stringify({ ...payload("stop"), conversation_id: "../x" }),
    );
    expect(bad.exitCode).toBe(0);
    expect(bad.err).toBe("git-traces hook: Cursor sent a payload without a usable session ID; ignored\n");
  });

  test("a fixture copied in place keeps its session where the helpers say", () => {
    const repo = join(box.home, "work", "shop");
    installAgentFixtures(["cursor"], box.home, repo);
    const path = cursorTranscript(box.home, repo);
    expect(readFileSync(path, "utf8")).toContain(`${repo}/src/auth.py`);
    copyFileSync(path, `${path}.bak`);
    expect(new Date(Bun.file(path).lastModified).toISOString()).toBe("2026-11-20T10:06:53.000Z");
  });
});
