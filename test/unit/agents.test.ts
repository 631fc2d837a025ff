// Adapters against the fixtures' ground truth (test/fixtures/agents/*/README.md).

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adapter, agent, AGENTS, agents, supportedAgents } from "../../src/agents/index.ts";
import { readClaudeTranscript } from "../../src/agents/claude-code/read.ts";
import { hooksFeature } from "../../src/agents/codex/hooks.ts";
import { patchFiles, readCodexRollout } from "../../src/agents/codex/read.ts";
import { readCopilotEvents } from "../../src/agents/copilot-cli/read.ts";
import { readGeminiChat } from "../../src/agents/gemini-cli/read.ts";
import { commonHookEvent } from "../../src/agents/shared/hook-payload.ts";
import { parseJsonl } from "../../src/agents/shared/jsonl.ts";
import { TranscriptError } from "../../src/agents/types.ts";
import { editedFiles, kindCounts, primaryModel, toolCounts, TraceSchema } from "../../src/traces/model.ts";
import { titleFrom } from "../../src/traces/redact.ts";
import { sanitize, sanitizeLine } from "../../src/traces/sanitize.ts";
import * as v from "valibot";
import { CLAUDE_FIXTURE_TRANSCRIPT, FIXTURES, SESSIONS } from "../helpers/agents.ts";
import { ROOT } from "../helpers/sandbox.ts";

const ROOTS = ["/home/dev/work/shop"];
const codexPath = join(
  FIXTURES,
  "codex",
  ".codex",
  "sessions",
  "2026",
  "11",
  "20",
  `rollout-2026-11-20T10-00-00-${SESSIONS.codex}.jsonl`,
);
const URL = "https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks";

describe("Claude Code", () => {
  test("the scenario session", async () => {
    const t = await readClaudeTranscript(CLAUDE_FIXTURE_TRANSCRIPT, { roots: ROOTS });
    expect(v.safeParse(TraceSchema, t).success).toBe(true);
    expect(t).toMatchObject({
      id: SESSIONS.claude,
      agent: "claude-code",
      agentVersion: "2.0.69",
      models: ["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805"],
      title: "Add login with rate limiting to src/auth.py and a test",
      start: "2026-11-20T10:00:05.112Z",
      end: "2026-11-20T10:06:53.257Z",
      cwd: "/home/dev/work/shop",
      branch: "feature/login",
    });
    expect(primaryModel(t)).toBe("claude-sonnet-4-5-20250929");
    expect(toolCounts(t)).toEqual({ Read: 1, Task: 1, WebFetch: 1, Edit: 2, Write: 1, Bash: 1 });
    expect(kindCounts(t)).toEqual({ read: 1, edit: 3, shell: 1, web_fetch: 1, web_search: 0, other: 1 });
    expect(editedFiles(t)).toEqual(["src/auth.py", "tests/test_auth.py"]);
    expect(t.tools.find((x) => x.kind === "web_fetch")!.url).toBe(URL);
    expect(t.tools.find((x) => x.kind === "shell")!.command).toBe("pytest -q tests/test_auth.py");
    expect(t.tools.find((x) => x.name === "Edit")!.at).toBe("2026-11-20T10:01:02.728Z");
    expect(t.messages.filter((m) => m.role === "user").map((m) => m.text)).toEqual([
      "Add login with rate limiting to src/auth.py and a test",
      "The SQL looks injectable",
    ]);
    expect(t.messages.find((m) => m.model === "claude-opus-4-1-20250805")).toBeDefined();
    // Usage is counted once per API response, not once per content block.
    expect(t.tokens.output).toBeGreaterThan(0);
    expect(JSON.stringify(t)).not.toContain("wJalrXUtnFEMI"); // tool outputs are not kept
  });

  test("paths outside the worktree stay absolute", async () => {
    const t = await readClaudeTranscript(CLAUDE_FIXTURE_TRANSCRIPT, { roots: ["/somewhere/else"] });
    expect(editedFiles(t)).toEqual(["/home/dev/work/shop/src/auth.py", "/home/dev/work/shop/tests/test_auth.py"]);
  });

  const malformed = (f: string) => join(FIXTURES, "malformed", "claude-code", `${f}.jsonl`);
  test("truncated last line: the records before it", async () => {
    const text = await Bun.file(malformed("truncated-last-line")).text();
    expect(parseJsonl(text)).toMatchObject({ skipped: 1 });
    expect(parseJsonl(text).records).toHaveLength(12);
    const t = await readClaudeTranscript(malformed("truncated-last-line"));
    expect(t.id).toBe("d41f0c7a-93e2-4b5d-8f16-2ac7e9b0d358");
  });
  test("a garbage line is skipped", async () => {
    expect(parseJsonl(await Bun.file(malformed("garbage-line")).text()).records).toHaveLength(10);
  });
  test("unknown record types and blocks are ignored", async () => {
    const t = await readClaudeTranscript(malformed("unknown-record-type"));
    expect(t.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(t.tools).toEqual([]);
    expect(t.models).toEqual(["claude-sonnet-4-5-20250929"]);
  });
  test("an empty file is an empty session", async () => {
    const t = await readClaudeTranscript(malformed("empty"));
    expect(t.messages).toEqual([]);
  });
  test("a 2 MB tool result is read without keeping it", async () => {
    const t = await readClaudeTranscript(malformed("huge-tool-result"));
    expect(JSON.stringify(t).length).toBeLessThan(20_000);
  });
  test("a path-traversal session ID is refused", async () => {
    await expect(readClaudeTranscript(malformed("hostile-strings"))).rejects.toThrow("not a valid trace ID");
  });
});

describe("Codex", () => {
  test("the scenario rollout", async () => {
    const t = await readCodexRollout(codexPath, { roots: ROOTS });
    expect(v.safeParse(TraceSchema, t).success).toBe(true);
    expect(t).toMatchObject({
      id: SESSIONS.codex,
      agent: "codex",
      agentVersion: "0.99.0",
      models: ["gpt-5-codex"],
      provider: "openai",
      title: "Add login with rate limiting to src/auth.py and a test",
      start: "2026-11-20T10:00:00.412Z",
      end: "2026-11-20T10:06:52.577Z",
      branch: "feature/login",
    });
    expect(toolCounts(t)).toEqual({ shell: 1, web_search_call: 2, apply_patch: 3, shell_command: 1 });
    expect(editedFiles(t)).toEqual(["src/auth.py", "tests/test_auth.py"]);
    expect(t.tools.filter((x) => x.kind === "shell").map((x) => x.command)).toEqual([
      "cat src/auth.py",
      "pytest -q tests/test_auth.py",
    ]);
    expect(t.tools.find((x) => x.kind === "web_search")!.query).toBe(
      "OWASP blocking brute force attacks login rate limiting",
    );
    expect(t.tools.find((x) => x.kind === "web_fetch")!.url).toBe(URL);
    expect(t.messages.filter((m) => m.role === "user").map((m) => m.text)).toEqual([
      "Add login with rate limiting to src/auth.py and a test",
      "The SQL looks injectable",
    ]);
    expect(t.tokens).toEqual({ input: 127354, output: 3252, cacheRead: 115584, cacheWrite: 0, reasoning: 896 });
  });

  test("without session_meta: ID from the file name, cwd and model from turn_context, no branch", async () => {
    const t = await readCodexRollout(
      join(FIXTURES, "malformed", "codex", "rollout-2026-11-20T10-10-00-01a1f86f-34c0-7e7b-83f6-79802b2863bb.jsonl"),
    );
    expect(t.id).toBe("01a1f86f-34c0-7e7b-83f6-79802b2863bb");
    expect(t.cwd).toBe("/home/dev/work/shop");
    expect(t.models).toEqual(["gpt-5-codex"]);
    expect(t.branch).toBeUndefined();
  });

  test("apply_patch names the files it touches", () => {
    const patch =
      "*** Begin Patch\n*** Update File: src/a.py\n@@\n-x\n+y\n*** Add File: b.py\n+z\n*** Delete File: c.py\n*** Update File: d.py\n*** Move to: e.py\n*** End Patch";
    expect(patchFiles(patch)).toEqual(["src/a.py", "b.py", "c.py", "d.py", "e.py"]);
  });

  test("config.toml: the hooks feature as set", () => {
    expect(hooksFeature("")).toBeUndefined();
    expect(hooksFeature("[features]\ncodex_hooks = true\n")).toBe(true);
    expect(hooksFeature("[features]\nhooks = false # off\n")).toBe(false);
    expect(hooksFeature("features.codex_hooks = true\n")).toBe(true);
    expect(hooksFeature("[other]\nhooks = true\n")).toBeUndefined();
  });
});

describe("the agent registry", () => {
  const scratch = mkdtempSync(join(tmpdir(), "git-traces-registry-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test("a name it does not know resolves to nothing, the object prototype's included", async () => {
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty", "", "Claude-Code", "claude"]) {
      expect(agent(name)).toBeNull();
      expect(await adapter(name)).toBeNull();
    }
    expect((AGENTS as Record<string, unknown>).constructor).toBeUndefined();
    expect(supportedAgents()).toEqual(["claude-code", "codex", "copilot-cli", "cursor", "gemini-cli", "opencode"]);
  });

  test("every agent's parts load and answer for that agent", async () => {
    const env = { HOME: join(scratch, "home") };
    const id = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
    for (const a of agents()) {
      const sessions = await a.sessions();
      expect(await sessions.discover({ env, roots: ["/home/dev/work/shop"] })).toEqual([]);
      expect(await sessions.find(id, env)).toBeNull();
      expect(await sessions.find("../../etc/passwd", env)).toBeNull();
      expect(sessions.detect(env)).toBe(false);
      expect(sessions.dataDirs(env).every((d) => d.startsWith(`${env.HOME}/`))).toBe(true);
      const watched = sessions.watch({ env, roots: ["/home/dev/work/shop"] });
      expect(watched.length).toBeGreaterThan(0);
      expect(watched.filter((w) => !sessions.dataDirs(env).some((d) => w === d || w.startsWith(`${d}/`)))).toEqual([]);
      const parse = await a.payload();
      expect(parse({ session_id: id, cwd: "/home/dev/work/shop", hook_event_name: "Stop" }, "Stop")).toMatchObject({
        agent: a.name,
        sessionId: id,
        cwd: "/home/dev/work/shop",
      });
      expect(parse({ session_id: "../x" }, "Stop")).toBeNull();
      expect((await a.read())(join(scratch, "missing.jsonl"))).rejects.toBeInstanceOf(TranscriptError);
      expect((await (await a.hooks()).status({ env })).agent).toBe(a.name);
    }
  });

  test("the parts a commit and a hook load pull in no reader, schema or config installer", () => {
    const out = join(scratch, "build");
    const build = Bun.spawnSync({
      cmd: [
        "bun",
        "build",
        join(ROOT, "src", "agents", "index.ts"),
        "--target=bun",
        "--splitting",
        "--format=esm",
        "--outdir",
        out,
        `--metafile=${join(out, "meta.json")}`,
      ],
      cwd: ROOT,
      stderr: "pipe",
    });
    if (build.exitCode !== 0) throw new Error(build.stderr.toString());
    const meta = JSON.parse(readFileSync(join(out, "meta.json"), "utf8")) as {
      inputs: Record<string, { imports: { path: string; kind: string }[] }>;
    };
    const loads = (from: string) => {
      const seen = new Set<string>();
      const visit = (path: string) => {
        if (seen.has(path)) return;
        seen.add(path);
        for (const edge of meta.inputs[path]?.imports ?? []) if (edge.kind === "import-statement") visit(edge.path);
      };
      visit(from);
      return [...seen];
    };
    // The registry itself loads nothing.
    expect(loads("src/agents/index.ts")).toEqual(["src/agents/index.ts"]);
    for (const name of supportedAgents()) {
      const found = loads(`src/agents/${name}/discover.ts`).filter((p) =>
        /valibot|jsonc-parser|\/read\.ts$|traces\/model\.ts|hooks\.ts$|json-file\.ts$/.test(p),
      );
      expect(`${name}: ${found.join(", ")}`).toBe(`${name}: `);
    }
    for (const parser of ["shared/hook-payload.ts", "cursor/payload.ts", "copilot-cli/payload.ts"]) {
      const found = loads(`src/agents/${parser}`).filter((p) =>
        /jsonc-parser|\/read\.ts$|hooks\.ts$|json-file\.ts$/.test(p),
      );
      expect(`${parser}: ${found.join(", ")}`).toBe(`${parser}: `);
    }
  });
});

describe("a damaged value costs its field, not the record or the session", () => {
  const scratch = mkdtempSync(join(tmpdir(), "git-traces-damaged-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const file = (name: string, records: unknown[]) => {
    const path = join(scratch, name);
    writeFileSync(path, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    return path;
  };
  const ID = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

  test("Claude Code: an empty sessionId or cwd gives way to a later record's, a negative count counts 0", async () => {
    const user = { type: "user", timestamp: "2026-11-20T10:00:00Z", message: { role: "user", content: "Fix it" } };
    const path = file(`${ID}.jsonl`, [
      { ...user, sessionId: "", cwd: "" },
      { ...user, sessionId: ID, cwd: "/w" },
      {
        type: "assistant",
        timestamp: "2026-11-20T10:00:01Z",
        message: { id: "m1", model: "claude-x", content: "ok", usage: { input_tokens: -50, output_tokens: 7 } },
      },
    ]);
    const trace = await readClaudeTranscript(path);
    expect(trace).toMatchObject({ id: ID, cwd: "/w", models: ["claude-x"] });
    expect(trace.tokens).toMatchObject({ input: 0, output: 7 });
  });

  test("Gemini CLI: a metadata patch with a damaged ID keeps the session's", async () => {
    const path = file("session-2026-11-20T10-00-0b1c2d3e.jsonl", [
      { sessionId: ID, projectHash: "abc", startTime: "2026-11-20T10:00:00Z", lastUpdated: "2026-11-20T10:00:00Z" },
      { id: "u1", timestamp: "2026-11-20T10:00:01Z", type: "user", content: [{ text: "Fix it" }] },
      { $set: { sessionId: 5, lastUpdated: "2026-11-20T10:00:02Z" } },
    ]);
    expect(await readGeminiChat(path)).toMatchObject({
      id: ID,
      title: "Fix it",
      start: "2026-11-20T10:00:00Z",
      end: "2026-11-20T10:00:02Z",
    });
  });

  test("Copilot CLI and Codex: header fields of another type read as absent, the rest is kept", async () => {
    const copilot = file("events.jsonl", [
      {
        type: "session.start",
        timestamp: "2026-11-20T10:00:00Z",
        data: { sessionId: ID, copilotVersion: 1, selectedModel: "gpt-x", context: { cwd: "/w", branch: ["main"] } },
      },
      {
        type: "session.shutdown",
        timestamp: "2026-11-20T10:01:00Z",
        data: { modelMetrics: { "gpt-x": { usage: { inputTokens: 10, outputTokens: "7" } }, broken: 3 } },
      },
    ]);
    const trace = await readCopilotEvents(copilot);
    expect(trace).toMatchObject({ id: ID, cwd: "/w", models: ["gpt-x"] });
    expect(trace.agentVersion).toBeUndefined();
    expect(trace.branch).toBeUndefined();
    expect(trace.tokens).toMatchObject({ input: 10, output: 0 });
    const codex = file(`rollout-2026-11-20T10-00-00-${ID}.jsonl`, [
      {
        type: "session_meta",
        timestamp: "2026-11-20T10:00:00Z",
        payload: { id: ID, cwd: 5, cli_version: "0.60.0", git: "main" },
      },
      { type: "turn_context", timestamp: "2026-11-20T10:00:01Z", payload: { cwd: "/w", model: "gpt-5" } },
    ]);
    expect(await readCodexRollout(codex)).toMatchObject({
      id: ID,
      cwd: "/w",
      agentVersion: "0.60.0",
      models: ["gpt-5"],
    });
  });
});

describe("hook payloads", () => {
  test("session ID, transcript and cwd from Claude Code and Codex payloads", async () => {
    for (const [agent, file, id] of [
      ["claude-code", "PostToolUse", SESSIONS.claude],
      ["codex", "Stop", SESSIONS.codex],
    ] as const) {
      const payload = JSON.parse(await Bun.file(join(FIXTURES, "hook-payloads", agent, `${file}.json`)).text());
      expect(commonHookEvent(agent, payload, file)).toMatchObject({
        agent,
        sessionId: id,
        event: file,
        cwd: "/home/dev/work/shop",
      });
    }
  });
  test("an unsafe or missing session ID gives nothing", () => {
    expect(commonHookEvent("claude-code", { session_id: "../x" }, "Stop")).toBeNull();
    expect(commonHookEvent("claude-code", { cwd: "/x" }, "Stop")).toBeNull();
    expect(commonHookEvent("claude-code", [1], "Stop")).toBeNull();
    expect(commonHookEvent("claude-code", { session_id: "a", cwd: "relative" }, "Stop")).toEqual({
      agent: "claude-code",
      sessionId: "a",
      event: "Stop",
    });
  });
});

describe("untrusted text", () => {
  test("titles are one line, shortened at a word", () => {
    expect(titleFrom("\n\n  Fix   the\tbug  \nmore", { home: "" })).toBe("Fix the bug");
    const long = titleFrom("word ".repeat(40), { home: "" });
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long.endsWith("…")).toBe(true);
  });
  test("escape sequences become visible: ESC, the one-byte CSI, DEL, bidi overrides", () => {
    expect(sanitize("a\u001b[2Jb")).toBe("a^[[2Jb");
    expect(sanitize("\u009b31m")).toBe("M-^[31m");
    expect(sanitize("x\u007f\u0007")).toBe("x^?^G");
    expect(sanitize("evil\u202Etxt.exe")).toBe("evil<U+202E>txt.exe");
    expect(sanitize("two\nlines\tok")).toBe("two\nlines\tok");
    expect(sanitizeLine("two\nlines")).toBe("two^Jlines");
  });
});
