// Gemini CLI sessions on commits, end to end: real git through the compiled shim, a sandbox
// HOME holding the fixtures' Gemini chats (the JSONL scenario session and the older JSON
// one), with and without the hooks; then `git traces log`, `list`, `blame`, `show`, `summary`
// and `export`.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, geminiTranscript, installAgentFixtures, SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, run, sh, type Sandbox } from "../helpers/sandbox.ts";
import { agentEdits, at, makeShop, type Shop } from "../helpers/shop.ts";

let box: Sandbox;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("attach-gemini");
});
afterEach(() => box?.cleanup());

const TOOLS = { read_file: 1, web_fetch: 1, replace: 2, write_file: 1, run_shell_command: 1 };

function metaOf(shop: Shop, id: string, rev = "HEAD"): Record<string, unknown> | undefined {
  const line = shop
    .note(rev)
    .split("\n")
    .find((l) => l.startsWith(`traces-meta:${id} `));
  return line ? JSON.parse(line.slice(line.indexOf(" ") + 1)) : undefined;
}

describe("without hooks: sessions found under ~/.gemini/tmp", () => {
  test("the scenario session lands on the commit of the files it edited, with its meta", () => {
    const shop = makeShop(box, ["gemini-cli"]);
    shop.git(["add", "-A"]);
    const r = shop.git(["commit", "-q", "-m", "Add login"]);
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    expect(shop.traces()).toEqual([SESSIONS.gemini]);
    expect(metaOf(shop, SESSIONS.gemini)).toEqual({
      v: 1,
      agent: "gemini-cli",
      model: "gemini-2.5-pro",
      title: "Add login with rate limiting to src/auth.py and a test",
      files: ["src/auth.py", "tests/test_auth.py"],
      // The shop's test file holds none of the lines the session's write_file made (line-level).
      lines: { "tests/test_auth.py": "" },
      start: "2026-11-20T10:00:01.204Z",
      end: "2026-11-20T10:06:52.377Z",
      tools: TOOLS,
      tokens: { input: 93734, output: 2355, cacheRead: 73728, cacheWrite: 0, reasoning: 1041 },
    });
    expect(shop.note()).not.toContain("wJalrXUtnFEMI");
  });

  test("a human commit of another file gets nothing; the session's files, committed next, get it", () => {
    const shop = makeShop(box, ["gemini-cli"]);
    writeFileSync(join(shop.repo, "README.md"), "# shop\n\nBy hand.\n");
    expect(shop.git(["commit", "-q", "-m", "Docs", "README.md"]).exitCode).toBe(0);
    expect(shop.note()).toBe("");
    shop.git(["add", "-A"]);
    shop.git(["commit", "-q", "-m", "Add login"], { env: at(box.env, "2026-11-20T10:09:00Z") });
    expect(shop.traces()).toEqual([SESSIONS.gemini]);
    expect(metaOf(shop, SESSIONS.gemini)!.files).toEqual(["src/auth.py", "tests/test_auth.py"]);
  });

  test("a session that ran in another repository is never attached, whatever files it names", () => {
    const shop = makeShop(box, ["gemini-cli"], { edits: false });
    const other = join(box.home, "work", "other");
    mkdirSync(join(other, "src"), { recursive: true });
    mkdirSync(join(other, "tests"), { recursive: true });
    sh("git init -q && echo a > src/auth.py && git add -A && git commit -q -m init", {
      cwd: other,
      env: at(box.realEnv, "2026-11-20T09:00:00Z"),
    });
    writeFileSync(join(other, "src", "auth.py"), "same file names as the shop session\n");
    writeFileSync(join(other, "tests", "test_auth.py"), "x\n");
    shop.git(["add", "-A"], { cwd: other });
    expect(shop.git(["commit", "-q", "-m", "Other"], { cwd: other }).exitCode).toBe(0);
    expect(shop.note("HEAD", other)).toBe("");
    // And a session of `other`'s project, with the shop's absolute paths in it, stays off the shop.
    const folder = join(box.home, ".gemini", "tmp", "other", "chats");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(box.home, ".gemini", "tmp", "other", ".project_root"), other);
    const text = readFileSync(geminiTranscript(box.home), "utf8").replaceAll(
      SESSIONS.gemini,
      "7e0b0d11-2222-4333-8444-555555555555",
    );
    writeFileSync(join(folder, "session-2026-11-20T10-00-7e0b0d11.jsonl"), text);
    rmSync(geminiTranscript(box.home));
    agentEdits(shop.repo);
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
    expect(shop.note()).toBe("");
  });

  test("the older JSON session in a hash-named folder lands on its repository's commit", () => {
    const legacy = join(box.home, "work", "legacy");
    installAgentFixtures(["gemini-cli"], box.home, join(box.home, "work", "shop"));
    mkdirSync(legacy, { recursive: true });
    writeFileSync(join(legacy, "db.py"), "def fetch_rows(conn, table):\n    return []\n");
    sh("git init -q && git add -A && git commit -q -m init", {
      cwd: legacy,
      env: at(box.realEnv, "2026-06-01T08:00:00Z"),
    });
    writeFileSync(join(legacy, "db.py"), "def load_rows(conn, table):\n    return []\n");
    const r = run([join(box.bin, "git"), "commit", "-q", "-am", "Rename"], {
      cwd: legacy,
      env: { ...at(box.env, "2026-06-01T09:05:00Z"), GIT_TRACES_SYNC: "1" },
    });
    expect([r.exitCode, r.err]).toEqual([0, ""]);
    const note = run(["/usr/bin/git", "notes", "--ref=traces", "show", "HEAD"], { cwd: legacy, env: box.realEnv }).out;
    expect(note).toContain(`traces:${SESSIONS.geminiLegacy}\n`);
    expect(note).toContain('"model":"gemini-2.5-flash"');
    expect(note).toContain('"files":["db.py"]');
  });

  test("a commit made from inside Gemini CLI's shell gets its session even without file overlap", () => {
    const shop = makeShop(box, ["gemini-cli"], { edits: false });
    writeFileSync(join(shop.repo, "CHANGELOG"), "written through run_shell_command\n");
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "From the agent"], { env: { GEMINI_CLI: "1" } }).exitCode).toBe(0);
    expect(shop.traces()).toEqual([SESSIONS.gemini]);
    expect(metaOf(shop, SESSIONS.gemini)!.files).toEqual([]);
  });

  test("malformed and hostile chats next to the session: no crash, no stack trace, nothing unsafe attached", () => {
    const shop = makeShop(box, ["gemini-cli"]);
    const chats = join(box.home, ".gemini", "tmp", "shop", "chats");
    copyFileSync(
      join(FIXTURES, "malformed", "gemini-cli", "session-2026-11-20T10-14-4e7b1c93.jsonl"),
      join(chats, "session-2026-11-20T10-14-4e7b1c93.jsonl"),
    );
    const scenario = readFileSync(geminiTranscript(box.home), "utf8");
    const evil = scenario
      .replaceAll(SESSIONS.gemini, "../../../../tmp/evil")
      .replace("Add login", "\u001b]0;pwned\u0007\u001b[2JAdd login");
    writeFileSync(join(chats, "session-2026-11-20T10-00-evil0000.jsonl"), evil);
    writeFileSync(
      join(chats, "session-2026-11-20T10-00-garbage0.jsonl"),
      '\u0000\u0001 not json at all\n{"sessionId":',
    );
    writeFileSync(join(chats, "session-2026-11-20T10-00-empty000.json"), "");
    // The scenario itself, cut off in the middle of its last edit.
    const lines = scenario.trimEnd().split("\n");
    writeFileSync(geminiTranscript(box.home), `${lines.slice(0, 14).join("\n")}\n${lines[14]!.slice(0, 500)}`);
    writeFileSync(join(box.home, ".gemini", "projects.json"), "[not the registry]");
    shop.git(["add", "-A"]);
    const r = shop.git(["commit", "-q", "-m", "Add login"]);
    expect([r.exitCode, r.err]).toEqual([0, ""]);
    expect(shop.traces()).toEqual([SESSIONS.gemini]);
    expect(metaOf(shop, SESSIONS.gemini)!.tools).toEqual({ ...TOOLS, replace: 1 });
    expect(shop.note()).not.toContain("evil");
    expect(shop.note()).not.toContain("\u001b");
  });
});

describe("with hooks: the sessions Gemini CLI reported", () => {
  function hook(shop: Shop, event: string, transcript?: string) {
    const payload = JSON.parse(
      readFileSync(join(FIXTURES, "hook-payloads", "gemini-cli", `${event}.json`), "utf8")
        .replaceAll("/home/dev/work/shop", shop.repo)
        .replaceAll("/home/dev", box.home),
    );
    if (transcript === undefined) delete payload.transcript_path;
    else payload.transcript_path = transcript;
    return run([join(box.bin, "git-traces"), "hook", "gemini-cli", event], {
      cwd: shop.repo,
      env: box.env,
      input: JSON.stringify(payload),
    });
  }

  test("the hook's transcript_path leads to the chat, even outside ~/.gemini", () => {
    const shop = makeShop(box, ["gemini-cli"]);
    const stash = join(box.dir, "elsewhere", "session.jsonl");
    mkdirSync(join(box.dir, "elsewhere"), { recursive: true });
    renameSync(geminiTranscript(box.home), stash);
    for (const event of ["SessionStart", "AfterTool"]) {
      const r = hook(shop, event, stash);
      expect([r.exitCode, r.out, r.err]).toEqual([0, "", ""]);
    }
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
    expect(shop.traces()).toEqual([SESSIONS.gemini]);
    // Outside its folder the chat names no project: the tool paths are the worktree's anyway.
    expect(metaOf(shop, SESSIONS.gemini)!.files).toEqual(["src/auth.py", "tests/test_auth.py"]);
  });

  test("a payload without transcript_path: the chat is found by its session ID", () => {
    const shop = makeShop(box, ["gemini-cli"]);
    expect(hook(shop, "SessionStart").exitCode).toBe(0);
    const active = JSON.parse(readFileSync(join(shop.repo, ".git", "traces", "active.json"), "utf8"));
    expect(active.sessions[0]).toMatchObject({ agent: "gemini-cli", id: SESSIONS.gemini, lastEvent: "SessionStart" });
    expect(active.sessions[0].transcript).toBeUndefined();
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
    expect(shop.traces()).toEqual([SESSIONS.gemini]);
  });
});

test("git traces attach by ID finds the chat; a chat with nothing in it attaches without files", () => {
  const shop = makeShop(box, ["gemini-cli"], { edits: false });
  const chats = join(box.home, ".gemini", "tmp", "shop", "chats");
  copyFileSync(
    join(FIXTURES, "malformed", "gemini-cli", "session-2026-11-20T10-14-4e7b1c93.jsonl"),
    join(chats, "session-2026-11-20T10-14-4e7b1c93.jsonl"),
  );
  agentEdits(shop.repo);
  sh("git add -A && git commit -q -m 'By hand'", { cwd: shop.repo, env: at(box.realEnv, "2026-11-20T10:08:00Z") });
  const attach = (id: string) =>
    run([join(box.bin, "git"), "traces", "attach", "HEAD", id], { cwd: shop.repo, env: box.env });
  const r = attach(SESSIONS.gemini);
  expect([r.exitCode, r.err]).toEqual([0, ""]);
  expect(r.out).toStartWith(`attached gemini-cli ${SESSIONS.gemini} to `);
  expect(metaOf(shop, SESSIONS.gemini)!.files).toEqual(["src/auth.py", "tests/test_auth.py"]);
  const empty = attach("4e7b1c93-d2a8-4f56-b0e1-8c3a9d5f7e24");
  expect([empty.exitCode, empty.err]).toEqual([0, ""]);
  expect(metaOf(shop, "4e7b1c93-d2a8-4f56-b0e1-8c3a9d5f7e24")).toMatchObject({ agent: "gemini-cli", files: [] });
  const missing = attach("00000000-0000-4000-8000-000000000000");
  expect(missing.exitCode).toBe(1);
  expect(missing.err).toBe("git-traces: no session with ID 00000000-0000-4000-8000-000000000000 on this machine\n");
});

describe("shown by the history commands", () => {
  let shop: Shop;
  beforeEach(() => {
    shop = makeShop(box, ["gemini-cli"]);
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
  });
  const traces = (args: string[]) => run([join(box.bin, "git"), "traces", ...args], { cwd: shop.repo, env: box.env });

  test("blame: the session's lines under gemini-cli and its model", () => {
    const r = traces(["blame", "src/auth.py"]);
    expect([r.exitCode, r.err]).toEqual([0, ""]);
    const rows = r.out.split("\n");
    expect(rows[0]).toMatch(/^\^[0-9a-f]{7} human /);
    expect(rows[1]).toMatch(
      /^[0-9a-f]{8} gemini-cli gemini-2\.5-pro 8d2f5a17 \(Dev Eloper 2026-11-20 10:08:00 \+0000 2\) $/,
    );
    expect(r.out).toContain("\nSummary of 4 lines\n  75.0%  3  gemini-cli gemini-2.5-pro\n  25.0%  1  human\n");
    const json = traces(["blame", "--json", "src/auth.py"]);
    const second = JSON.parse(json.out.split("\n")[1]!);
    expect(second.traces).toEqual([
      expect.objectContaining({ id: SESSIONS.gemini, agent: "gemini-cli", model: "gemini-2.5-pro" }),
    ]);
    // The shop's test file is not what the session wrote: the person's.
    const tests = JSON.parse(traces(["blame", "--json", "tests/test_auth.py"]).out.split("\n")[0]!);
    expect([tests.attribution, tests.traces]).toEqual(["human", []]);
  });

  test("show: the session's header, conversation and tool calls; --json is the trace model", () => {
    const r = traces(["show", SESSIONS.gemini]);
    expect([r.exitCode, r.err]).toEqual([0, ""]);
    expect(r.out).toStartWith(
      `trace ${SESSIONS.gemini}\nAgent:      gemini-cli\nModels:     gemini-2.5-pro\nTitle:      Add login with rate limiting to src/auth.py and a test\n`,
    );
    expect(r.out).toContain("Started:    2026-11-20 10:00:01 UTC\nEnded:      2026-11-20 10:06:52 UTC (6m 51s)\n");
    expect(r.out).toContain(`Directory:  ${shop.repo}\n`);
    expect(r.out).toContain(`Transcript: ${geminiTranscript(box.home)}\n`);
    expect(r.out).toContain(
      "assistant 10:00:09 gemini-2.5-pro\n    I'll start by reading the current auth module.\n    · read   src/auth.py\n    · fetch  https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks\n",
    );
    expect(r.out).toContain("    · run    pytest -q tests/test_auth.py\n");
    expect(r.out).toContain("Files touched:\n    src/auth.py         read, edited\n    tests/test_auth.py  edited\n");
    expect(r.out).toContain("Tool calls: 6 (1 read, 3 edit, 1 shell, 1 web fetch)\n");
    expect(r.out).not.toContain("wJalrXUtnFEMI");
    const json = JSON.parse(traces(["show", "--json", "8d2f5a17"]).out);
    expect(json.traces[0].trace).toMatchObject({
      id: SESSIONS.gemini,
      agent: "gemini-cli",
      models: ["gemini-2.5-pro"],
      provider: "google",
    });
  });

  test("summary: the agent, its model, tool calls by kind, the page it loaded, the files", () => {
    const r = traces(["summary", "HEAD~1..HEAD"]);
    expect([r.exitCode, r.err]).toEqual([0, ""]);
    expect(r.out).toContain(
      "Agents:\n    gemini-cli  1 commit  1 trace\nModels:\n    gemini-2.5-pro  gemini-cli  1 commit  1 trace\n",
    );
    expect(r.out).toContain(
      "Tool calls: 6 (1 read, 3 edit, 1 shell, 1 web fetch)\nWeb pages loaded: 1\n    https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks\n",
    );
    expect(r.out).toContain("Files touched: 2\n    src/auth.py\n    tests/test_auth.py\n");
    expect(r.out).toContain(
      `    ${SESSIONS.gemini}  gemini-cli  gemini-2.5-pro  Add login with rate limiting to src/auth.py and a test\n`,
    );
  });

  test("log: the commit with its trace; list: the session and its commit, the older one by its own directory", () => {
    const head = run(["/usr/bin/git", "rev-parse", "HEAD"], { cwd: shop.repo, env: box.realEnv }).out.trim();
    const log = traces(["log", "--oneline"]);
    expect([log.exitCode, log.err]).toEqual([0, ""]);
    expect(log.out).toBe(
      `${head.slice(0, 7)} Add login\n        8d2f5a17 gemini-cli gemini-2.5-pro Add login with rate limiting to src/auth.py and a test\n${run(["/usr/bin/git", "rev-parse", "--short", "HEAD~1"], { cwd: shop.repo, env: box.realEnv }).out.trim()} Initial shop\n`,
    );
    const list = traces(["list"]);
    expect([list.exitCode, list.err]).toEqual([0, ""]);
    // The view, as on a terminal (its time is relative: masked).
    expect(list.out.replace(/\b(\d+ \w+ ago|just now)\b/, "<time>")).toBe(
      `${SESSIONS.gemini.slice(0, 8)} gemini-cli gemini-2.5-pro Add login with rate limiting to src/auth.py and a test\n` +
        `    <time>\n    ${head.slice(0, 7)} Add login\n`,
    );
    const all = traces(["list", "--all"]);
    // The older session is listed under its own directory, which is no repository.
    expect(all.out).toContain(
      `${join(box.home, "work", "legacy")} (not a git repository)\n  ${SESSIONS.geminiLegacy.slice(0, 8)} gemini-cli gemini-2.5-flash `,
    );
  });

  test("export: an Agent Trace record with Google's model ID and the chat's file URL", () => {
    const r = traces(["export", "HEAD"]);
    expect([r.exitCode, r.err]).toEqual([0, ""]);
    const record = JSON.parse(r.out);
    expect(record.files.map((f: { path: string }) => f.path)).toEqual(["src/auth.py", "tests/test_auth.py"]);
    const conv = record.files[0].conversations[0];
    expect(conv.contributor).toEqual({ type: "ai", model_id: "google/gemini-2.5-pro" });
    expect(conv.url).toBe(`file://${geminiTranscript(box.home)}`);
    expect(record.metadata["dev.git-traces"].traces).toEqual([
      expect.objectContaining({ id: SESSIONS.gemini, agent: "gemini-cli" }),
    ]);
  });
});
