// GitHub Copilot CLI end to end: real git through the compiled shim, a sandbox HOME holding
// the fixture's Copilot session (~/.copilot/session-state/<id>/events.jsonl), the session
// landing on the right commit with and without hooks, never on another repository's, and
// showing in `git traces blame`, `export`, `show` and `summary`.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { copilotEvents, FIXTURES, SESSIONS, touch } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, run, sh, type Sandbox } from "../helpers/sandbox.ts";
import { at, makeShop, type Shop } from "../helpers/shop.ts";

let box: Sandbox;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("attach-copilot");
});
afterEach(() => box?.cleanup());

const metaOf = (shop: Shop, rev = "HEAD") =>
  shop
    .note(rev)
    .split("\n")
    .filter((l) => l.startsWith("traces-meta:"))
    .map((l) => JSON.parse(l.slice(l.indexOf(" ") + 1)) as Record<string, unknown>);

const traces = (shop: Shop, args: string[]) =>
  run([join(box.bin, "git"), "traces", ...args], { cwd: shop.repo, env: box.env });

/** An event line in Copilot's shape. */
const ev = (type: string, data: unknown, timestamp: string) =>
  JSON.stringify({ type, data, id: crypto.randomUUID(), timestamp, parentId: null });

describe("without hooks: the session found in ~/.copilot/session-state", () => {
  test("lands on the commit of the files it edited, with what a collaborator needs in its note", () => {
    const shop = makeShop(box, ["copilot-cli"]);
    shop.git(["add", "-A"]);
    const r = shop.git(["commit", "-q", "-m", "Add login"]);
    expect([r.exitCode, r.err]).toEqual([0, ""]);
    expect(shop.traces()).toEqual([SESSIONS.copilot]);
    expect(metaOf(shop)).toEqual([
      {
        v: 1,
        agent: "copilot-cli",
        agentVersion: "1.0.45",
        model: "gpt-4.1",
        title: "Add login with rate limiting to src/auth.py and a test",
        files: ["src/auth.py", "tests/test_auth.py"],
        // The shop's test file holds none of the lines the session's `create` wrote (its
        // str_replace payloads do not apply to the shop's auth.py: that file stays file-level).
        lines: { "tests/test_auth.py": "" },
        start: "2026-11-20T10:00:00.820Z",
        end: "2026-11-20T10:07:32.906Z",
        tools: { view: 1, web_fetch: 1, str_replace: 2, create: 1, bash: 1 },
        tokens: { input: 96412, output: 3187, cacheRead: 71680, cacheWrite: 0, reasoning: 0 },
      },
    ]);
    expect(shop.note()).not.toContain("wJalrXUtnFEMI");
  });

  test("a commit of only some of its files lists those; a human commit of another file gets nothing", () => {
    const shop = makeShop(box, ["copilot-cli"]);
    writeFileSync(join(shop.repo, "README.md"), "# shop\n\nBy hand.\n");
    expect(shop.git(["commit", "-q", "-m", "Docs", "README.md"]).exitCode).toBe(0);
    expect(shop.note()).toBe("");
    shop.git(["add", "tests/test_auth.py"]);
    expect(
      shop.git(["commit", "-q", "-m", "Tests", "tests/test_auth.py"], { env: at(box.env, "2026-11-20T10:09:00Z") })
        .exitCode,
    ).toBe(0);
    expect(metaOf(shop)[0]!.files).toEqual(["tests/test_auth.py"]);
    expect(shop.git(["commit", "-q", "-am", "Login"], { env: at(box.env, "2026-11-20T10:10:00Z") }).exitCode).toBe(0);
    expect(metaOf(shop)[0]!.files).toEqual(["src/auth.py"]);
  });

  test("a session that ran in another repository is never attached, even over the same file names", () => {
    const shop = makeShop(box, ["copilot-cli"], { edits: false });
    const other = join(box.home, "work", "other");
    mkdirSync(join(other, "src"), { recursive: true });
    mkdirSync(join(other, "tests"), { recursive: true });
    sh("git init -q && echo a > src/auth.py && git add -A && git commit -q -m init", {
      cwd: other,
      env: at(box.realEnv, "2026-11-20T09:00:00Z"),
    });
    writeFileSync(join(other, "src", "auth.py"), "same names as the shop session's files\n");
    writeFileSync(join(other, "tests", "test_auth.py"), "x\n");
    shop.git(["add", "-A"], { cwd: other });
    expect(shop.git(["commit", "-q", "-m", "Other"], { cwd: other }).exitCode).toBe(0);
    expect(shop.note("HEAD", other)).toBe("");
  });

  test("damaged and hostile event logs beside it: no crash, nothing on stderr, nothing unsafe attached", () => {
    const shop = makeShop(box, ["copilot-cli"]);
    const state = join(box.home, ".copilot", "session-state");
    const good = readFileSync(copilotEvents(box.home), "utf8").trimEnd().split("\n");
    const put = (folder: string, text: string) => {
      mkdirSync(join(state, folder), { recursive: true });
      writeFileSync(join(state, folder, "events.jsonl"), text);
    };
    const evil = good[0]!.replace(SESSIONS.copilot, "../../../../tmp/evil");
    put("1a2b3c4d-0000-4000-8000-000000000001", `${evil}\n${good.slice(1).join("\n")}\n`);
    const cut = good.slice(0, 13).map((l) => l.replace(SESSIONS.copilot, "1a2b3c4d-0000-4000-8000-000000000002"));
    put("1a2b3c4d-0000-4000-8000-000000000002", `${cut.join("\n")}\n${good[13]!.slice(0, 200)}`);
    put(
      "1a2b3c4d-0000-4000-8000-000000000003",
      `${good[0]!.replace(SESSIONS.copilot, "1a2b3c4d-0000-4000-8000-000000000003")}\nnot json\n\u001b[2J\n`,
    );
    put("1a2b3c4d-0000-4000-8000-000000000004", "");
    mkdirSync(join(state, "..", "..", "escape"), { recursive: true });
    put("not a valid id", good.join("\n"));
    shop.git(["add", "-A"]);
    const r = shop.git(["commit", "-q", "-m", "Add login"], { env: at(box.env, "2026-11-20T10:20:00Z") });
    expect([r.exitCode, r.err]).toEqual([0, ""]);
    const ids = shop.traces();
    expect(ids).toContain(SESSIONS.copilot);
    // The session cut off mid-write had edited src/auth.py already (line 13): it counts.
    expect(ids).toContain("1a2b3c4d-0000-4000-8000-000000000002");
    expect(ids.join(" ")).not.toMatch(/evil|not a valid|000000000001|000000000003|000000000004/);
    expect(shop.note()).not.toContain("\u001b");
  });
});

describe("with hooks", () => {
  const hook = (shop: Shop, event: string, payload: Record<string, unknown>) =>
    run([join(box.bin, "git-traces"), "hook", "copilot-cli", event], {
      cwd: shop.repo,
      env: box.env,
      input: JSON.stringify({ sessionId: SESSIONS.copilot, timestamp: 1795168800820, cwd: shop.repo, ...payload }),
    });

  test("installed hooks report the session; the commit gets it from the record, its transcript found by ID", () => {
    const shop = makeShop(box, ["copilot-cli"]);
    expect(
      run([join(box.bin, "git-traces"), "hooks", "install", "--agent", "copilot-cli"], { cwd: shop.repo, env: box.env })
        .exitCode,
    ).toBe(0);
    // What Copilot would run, from our hook file.
    const file = JSON.parse(readFileSync(join(box.home, ".copilot", "hooks", "git-traces.json"), "utf8"));
    for (const event of ["sessionStart", "userPromptSubmitted", "agentStop"]) {
      const command: string = file.hooks[event][0].bash;
      const r = run(["/bin/sh", "-c", command], {
        cwd: shop.repo,
        env: { ...box.env, PATH: `${box.tools}:${box.env.PATH}` },
        input: JSON.stringify({ sessionId: SESSIONS.copilot, timestamp: 1795168800820, cwd: shop.repo }),
      });
      expect([r.exitCode, r.err]).toEqual([0, ""]);
    }
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
    expect(shop.traces()).toEqual([SESSIONS.copilot]);
    expect(metaOf(shop)[0]).toMatchObject({
      agent: "copilot-cli",
      model: "gpt-4.1",
      files: ["src/auth.py", "tests/test_auth.py"],
    });
  });

  test("the transcript path from agentStop is followed when the log is not in the datastore", () => {
    const shop = makeShop(box, ["copilot-cli"]);
    const elsewhere = join(box.dir, "elsewhere", SESSIONS.copilot, "events.jsonl");
    mkdirSync(join(elsewhere, ".."), { recursive: true });
    renameSync(copilotEvents(box.home), elsewhere);
    expect(hook(shop, "sessionStart", { source: "new" }).exitCode).toBe(0);
    expect(hook(shop, "agentStop", { transcriptPath: elsewhere, stopReason: "end_turn" }).exitCode).toBe(0);
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
    expect(shop.traces()).toEqual([SESSIONS.copilot]);
  });

  test("a payload whose ID names no session here adds nothing, says nothing, and hides nothing", () => {
    const shop = makeShop(box, ["copilot-cli"]);
    const r = run([join(box.bin, "git-traces"), "hook", "copilot-cli", "sessionStart"], {
      cwd: shop.repo,
      env: box.env,
      input: JSON.stringify({ session_id: "0f0f0f0f-0000-4000-8000-000000000000", cwd: shop.repo }),
    });
    expect([r.exitCode, r.err]).toEqual([0, ""]);
    shop.git(["add", "-A"]);
    const c = shop.git(["commit", "-q", "-m", "Add login"]);
    expect([c.exitCode, c.err]).toEqual([0, ""]);
    // Hook records add candidates; the session in the datastore that did not report still counts.
    const traces = shop.traces();
    expect(traces).toHaveLength(1);
    expect(traces).not.toContain("0f0f0f0f-0000-4000-8000-000000000000");
  });
});

test("a quiet repository wakes up when an old Copilot session of it is resumed (its log grows, no folder changes)", () => {
  const shop = makeShop(box, ["copilot-cli"], { edits: false });
  const log = copilotEvents(box.home);
  touch(log, "2026-11-01T10:00:00Z"); // long before the commits: outside their window
  writeFileSync(join(shop.repo, "README.md"), "# shop\n\nBy hand.\n");
  expect(shop.git(["commit", "-q", "-am", "Docs"], { env: at(box.env, "2026-11-20T10:10:00Z") }).exitCode).toBe(0);
  expect(shop.note()).toBe("");
  const quiet = JSON.parse(readFileSync(join(shop.repo, ".git", "traces", "quiet.json"), "utf8"));
  expect(Object.keys(quiet.dirs)).toContain(log);
  // copilot --resume: the same log grows.
  appendFileSync(
    log,
    [
      ev(
        "session.resume",
        { resumeTime: "2026-11-20T10:20:00.000Z", eventCount: 30, context: { cwd: shop.repo } },
        "2026-11-20T10:20:00.000Z",
      ),
      ev("user.message", { content: "Add a logout" }, "2026-11-20T10:20:05.000Z"),
      ev(
        "assistant.message",
        {
          messageId: "m",
          content: "",
          toolRequests: [
            {
              toolCallId: "c",
              name: "create",
              arguments: { path: join(shop.repo, "src", "logout.py") },
              type: "function",
            },
          ],
        },
        "2026-11-20T10:20:09.000Z",
      ),
      ev(
        "tool.execution_start",
        { toolCallId: "c", toolName: "create", arguments: { path: join(shop.repo, "src", "logout.py") } },
        "2026-11-20T10:20:09.100Z",
      ),
      "",
    ].join("\n"),
  );
  touch(log, "2026-11-20T10:20:10Z");
  writeFileSync(join(shop.repo, "src", "logout.py"), "def logout():\n    pass\n");
  shop.git(["add", "-A"]);
  expect(shop.git(["commit", "-q", "-m", "Logout"], { env: at(box.env, "2026-11-20T10:30:00Z") }).exitCode).toBe(0);
  expect(shop.traces()).toEqual([SESSIONS.copilot]);
  expect(metaOf(shop)[0]!.files).toEqual(["src/logout.py"]);
});

describe("in blame, export, show and summary", () => {
  let shop: Shop;
  beforeEach(() => {
    shop = makeShop(box, ["copilot-cli"]);
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
  });

  test("blame: the lines the session wrote carry its agent, model and trace", () => {
    const r = traces(shop, ["blame", "src/auth.py"]);
    expect([r.exitCode, r.err]).toEqual([0, ""]);
    const rows = r.out.split("\n");
    expect(rows[0]).toMatch(
      /^\^[0-9a-f]{7} human +\(Dev Eloper 2026-11-20 09:00:00 \+0000 1\) """Authentication helpers/,
    );
    expect(rows[2]).toMatch(
      /^[0-9a-f]{8} copilot-cli gpt-4\.1 e5b8d3f0 \(Dev Eloper 2026-11-20 10:08:00 \+0000 3\) class RateLimiter:$/,
    );
    expect(r.out).toContain("Summary of 4 lines\n  75.0%  3  copilot-cli gpt-4.1\n  25.0%  1  human\n");
    const json = traces(shop, ["blame", "--json", "tests/test_auth.py"])
      .out.trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    // The shop's test file is not what the session wrote: the person's, line by line.
    expect(json[0]).toMatchObject({ line: 1, attribution: "human", match: null });
  });

  test("export: the session as an AI conversation with its model and its event log as a file URL", () => {
    const r = traces(shop, ["export", "HEAD"]);
    expect([r.exitCode, r.err]).toEqual([0, ""]);
    const record = JSON.parse(r.out);
    // src/auth.py is the session's (file-level); the test file, which holds none of its
    // payload, is the person's.
    expect(record.files.map((f: { path: string }) => f.path)).toEqual(["src/auth.py", "tests/test_auth.py"]);
    const [auth, tests] = record.files;
    expect(auth.conversations).toHaveLength(1);
    const c = auth.conversations[0];
    expect(c.contributor).toEqual({ type: "ai", model_id: "openai/gpt-4.1" });
    expect(fileURLToPath(c.url)).toBe(copilotEvents(box.home));
    expect(existsSync(fileURLToPath(c.url))).toBe(true);
    expect(tests.conversations.map((x: { contributor: unknown }) => x.contributor)).toEqual([{ type: "human" }]);
    expect(record.metadata["dev.git-traces"].traces).toMatchObject([
      {
        id: SESSIONS.copilot,
        agent: "copilot-cli",
        models: ["gpt-4.1"],
        title: "Add login with rate limiting to src/auth.py and a test",
      },
    ]);
  });
  test("show: the whole session, by ID and by commit", () => {
    const r = traces(shop, ["show", SESSIONS.copilot]);
    expect([r.exitCode, r.err]).toEqual([0, ""]);
    const out = r.out;
    expect(out.startsWith(`trace ${SESSIONS.copilot}\nAgent:      copilot-cli 1.0.45\nModels:     gpt-4.1\n`)).toBe(
      true,
    );
    expect(out).toContain("Title:      Add login with rate limiting to src/auth.py and a test\n");
    expect(out).toContain("Started:    2026-11-20 10:00:00 UTC\nEnded:      2026-11-20 10:07:32 UTC (7m 32s)\n");
    expect(out).toContain(`Directory:  ${shop.repo}\nBranch:     feature/login\n`);
    expect(out).toContain("user 10:06:30\n    The SQL looks injectable\n");
    for (const line of [
      "· read   src/auth.py",
      "· fetch  https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks",
      "· edit   src/auth.py",
      "· edit   tests/test_auth.py",
      "· run    pytest -q tests/test_auth.py",
    ]) {
      expect(out).toContain(`    ${line}\n`);
    }
    expect(out).toContain("Files touched:\n    src/auth.py         read, edited\n    tests/test_auth.py  edited\n");
    expect(out).toContain("Tool calls: 6 (1 read, 3 edit, 1 shell, 1 web fetch)\n");
    expect(out).toContain("Tokens:     96,412 input, 3,187 output, 71,680 cache read\n");
    expect(out).not.toContain("wJalrXUtnFEMI"); // tool outputs are never shown
    expect(traces(shop, ["show", "HEAD"]).out).toBe(out);
    expect(traces(shop, ["show", "e5b8"]).out).toBe(out);
  });

  test("summary: the agent, its model, its calls, pages and files", () => {
    const r = traces(shop, ["summary", "HEAD~1..HEAD"]);
    expect([r.exitCode, r.err]).toEqual([0, ""]);
    expect(r.out).toContain("Agents:\n    copilot-cli  1 commit  1 trace\n");
    expect(r.out).toContain("Models:\n    gpt-4.1  copilot-cli  1 commit  1 trace\n");
    expect(r.out).toContain("Tool calls: 6 (1 read, 3 edit, 1 shell, 1 web fetch)\n");
    expect(r.out).toContain(
      "Web pages loaded: 1\n    https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks\n",
    );
    expect(r.out).toContain("Files touched: 2\n    src/auth.py\n    tests/test_auth.py\n");
    expect(r.out).toContain(
      `    ${SESSIONS.copilot}  copilot-cli  gpt-4.1  Add login with rate limiting to src/auth.py and a test\n`,
    );
    // Without the transcript, from the note alone: Copilot's tool names map to their kinds.
    sh(`rm -r '${join(box.home, ".copilot")}'`);
    const fromNote = traces(shop, ["summary", "HEAD~1..HEAD"]);
    expect(fromNote.out).toContain("Tool calls: 6 (1 read, 3 edit, 1 shell, 1 web fetch)\n");
  });
});

test("the fixture's workspace.yaml is not needed: the events alone are enough", () => {
  const shop = makeShop(box, ["copilot-cli"]);
  const dir = join(box.home, ".copilot", "session-state", SESSIONS.copilot);
  expect(existsSync(join(dir, "workspace.yaml"))).toBe(true);
  sh(`rm '${join(dir, "workspace.yaml")}'`);
  copyFileSync(join(FIXTURES, "copilot-cli", "README.md"), join(dir, "README.md")); // stray files are ignored
  shop.git(["add", "-A"]);
  expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
  expect(shop.traces()).toEqual([SESSIONS.copilot]);
});
