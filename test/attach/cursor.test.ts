// Cursor sessions on commits, end to end: real git through the compiled shim, a sandbox
// HOME holding the fixture's Cursor transcript (which records no time: the helpers touch it
// to the scenario's last reply, 10:06:53), with and without Cursor's hooks, and the result
// seen through `git traces blame`, `export`, `show` and `summary`.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cursorFolder, cursorTranscript, FIXTURES, SESSIONS, touch } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, run, sh, type Sandbox } from "../helpers/sandbox.ts";
import { at, makeShop, type Shop } from "../helpers/shop.ts";

const ID = SESSIONS.cursor;
const TOOLS = { Read: 1, WebFetch: 1, StrReplace: 2, Write: 1, Shell: 1 };

let box: Sandbox;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("attach-cursor");
});
afterEach(() => box?.cleanup());

function metaOf(shop: Shop, rev = "HEAD", cwd = shop.repo): Record<string, unknown>[] {
  return shop
    .note(rev, cwd)
    .split("\n")
    .filter((l) => l.startsWith("traces-meta:"))
    .map((l) => JSON.parse(l.slice(l.indexOf(" ") + 1)));
}

/**
 * Runs one of Cursor's hooks with the fixture's payload, moved to this sandbox; `as` is the
 * agent the hook command names (Cursor also runs the hooks of Claude Code's settings).
 */
function hook(shop: Shop, event: string, extra: Record<string, unknown> = {}, as = "cursor") {
  const text = readFileSync(join(FIXTURES, "hook-payloads", "cursor", `${event}.json`), "utf8")
    .replaceAll("/home/dev/work/shop", shop.repo)
    .replaceAll("/home/dev", box.home);
  // Cursor runs user-level hooks outside the workspace: the payload says where it is.
  return run([join(box.bin, "git-traces"), "hook", as, event], {
    cwd: box.home,
    env: box.env,
    input: JSON.stringify({ ...JSON.parse(text), ...extra }),
  });
}

/** A one-line Cursor record: the assistant writing `file`. */
const writeRecord = (file: string) =>
  `${JSON.stringify({ role: "assistant", message: { content: [{ type: "tool_use", name: "Write", input: { path: file, contents: "x" } }] } })}\n`;

interface BlameLine {
  type: string;
  line: number;
  attribution: string;
  traces: { id: string; agent: string | null; model: string | null }[];
}
const tracesCmd = (shop: Shop, args: string[]) =>
  run([join(box.bin, "git"), "traces", ...args], { cwd: shop.repo, env: box.env });

function blame(shop: Shop, file: string): BlameLine[] {
  const r = tracesCmd(shop, ["blame", "--json", file]);
  expect(r.err).toBe("");
  expect(r.exitCode).toBe(0);
  return r.out
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as BlameLine)
    .filter((o) => o.type === "line");
}

/** The Agent Trace record `git traces export` gives for HEAD. */
function exported(shop: Shop) {
  const r = tracesCmd(shop, ["export", "HEAD", "--format", "agent-trace"]);
  expect(r.err).toBe("");
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.out);
}

describe("without hooks: the transcript found in ~/.cursor/projects by the repository's folder name", () => {
  test("the session lands on the commit of the files it edited, with what the transcript tells", () => {
    const shop = makeShop(box, ["cursor"]);
    shop.git(["add", "-A"]);
    const r = shop.git(["commit", "-q", "-m", "Add login"]);
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    expect(shop.traces()).toEqual([ID]);
    const [meta] = metaOf(shop);
    expect(meta).toEqual({
      v: 1,
      agent: "cursor",
      title: "Add login with rate limiting to src/auth.py and a test",
      files: ["src/auth.py", "tests/test_auth.py"],
      // The shop's test file holds none of the lines the session's Write made (line-level).
      lines: { "tests/test_auth.py": "" },
      end: "2026-11-20T10:06:53.000Z",
      tools: TOOLS,
      tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
    });

    // Blame: the lines the session added are the agent's, with no model to name.
    const lines = blame(shop, "src/auth.py");
    expect(lines.map((l) => [l.line, l.attribution])).toEqual([
      [1, "human"],
      [2, "agent"],
      [3, "agent"],
      [4, "agent"],
    ]);
    expect(lines[1]!.traces).toHaveLength(1);
    expect(lines[1]!.traces[0]).toMatchObject({
      id: ID,
      agent: "cursor",
      model: null,
      title: "Add login with rate limiting to src/auth.py and a test",
    });
    // The shop's test file is not what the session's Write made: the person's lines.
    const text = tracesCmd(shop, ["blame", "tests/test_auth.py"]);
    expect(text.exitCode).toBe(0);
    expect(text.out).toContain("Summary of 2 lines\n  100.0%  2  human\n");

    // Export: the transcript on this machine as the conversation's URL, no model.
    const record = exported(shop);
    const convs = record.files.find((f: { path: string }) => f.path === "src/auth.py").conversations;
    expect(convs).toHaveLength(1);
    expect(convs[0].contributor).toEqual({ type: "ai" });
    expect(convs[0].url).toBe(`file://${cursorTranscript(box.home, shop.repo)}`);
    expect(convs[0].ranges.map((x: { start_line: number; end_line: number }) => [x.start_line, x.end_line])).toEqual([
      [2, 4],
    ]);
    expect(record.metadata["dev.git-traces"].traces).toEqual([
      {
        id: ID,
        source: "git-traces",
        agent: "cursor",
        models: [],
        title: "Add login with rate limiting to src/auth.py and a test",
        files: ["src/auth.py", "tests/test_auth.py"],
        end: "2026-11-20T10:06:53.000Z",
      },
    ]);

    // Show: the conversation in the transcript's order, tool calls where they were made.
    const show = tracesCmd(shop, ["show", ID]);
    expect(show.err).toBe("");
    expect(show.exitCode).toBe(0);
    expect(show.out).toStartWith(
      `trace ${ID}\nAgent:      cursor\nTitle:      Add login with rate limiting to src/auth.py and a test\nEnded:      2026-11-20 10:06:53 UTC\nDirectory:  ${shop.repo}\n`,
    );
    expect(show.out).toContain(
      "\nuser\n    Add login with rate limiting to src/auth.py and a test\n\nassistant\n    I'll start by reading the current auth module.\n    · read   src/auth.py\n",
    );
    expect(show.out).toContain(
      "    · edit   src/auth.py\n    · edit   tests/test_auth.py\n    · run    pytest -q tests/test_auth.py\n",
    );
    expect(show.out).toContain(
      "Files touched:\n    src/auth.py         read, edited\n    tests/test_auth.py  edited\n",
    );
    expect(show.out).toContain("Tool calls: 6 (1 read, 3 edit, 1 shell, 1 web fetch)\n");
    expect(tracesCmd(shop, ["show", "HEAD"]).out).toBe(show.out);

    // Log and list.
    const head = run(["/usr/bin/git", "rev-parse", "HEAD"], { cwd: shop.repo, env: box.realEnv }).out.trim();
    const log = tracesCmd(shop, ["log", "-1"]);
    expect(log.err).toBe("");
    expect(log.out).toContain(
      "    Add login\n\nTraces:\n    c7a41e9b cursor Add login with rate limiting to src/auth.py and a test\n",
    );
    expect(JSON.parse(tracesCmd(shop, ["log", "-1", "--json"]).out)[0].traces).toEqual([
      {
        id: ID,
        source: "git-traces",
        agent: "cursor",
        models: [],
        title: meta!.title,
        files: meta!.files,
        lines: { "tests/test_auth.py": [] },
        end: meta!.end,
        tools: TOOLS,
        tokens: meta!.tokens,
      },
    ]);
    const list = tracesCmd(shop, ["list"]);
    expect(list.err).toBe("");
    // The view, as on a terminal (its time is relative: masked).
    expect(list.out.replace(/\b(\d+ \w+ ago|just now)\b/, "<time>")).toBe(
      `${ID.slice(0, 8)} cursor Add login with rate limiting to src/auth.py and a test\n    <time>\n    ${head.slice(0, 7)} Add login\n`,
    );
    expect(JSON.parse(tracesCmd(shop, ["list", "--json"]).out).sessions).toMatchObject([
      {
        id: ID,
        agent: "cursor",
        models: [],
        cwd: shop.repo,
        transcript: cursorTranscript(box.home, shop.repo),
        commits: [{ oid: head }],
      },
    ]);

    // Summary of the branch's work.
    const summary = tracesCmd(shop, ["summary", "HEAD~1..HEAD"]);
    expect(summary.err).toBe("");
    expect(summary.out).toContain("Agents:\n    cursor  1 commit  1 trace\n");
    expect(summary.out).toContain(
      "Tool calls: 6 (1 read, 3 edit, 1 shell, 1 web fetch)\nWeb pages loaded: 1\n    https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks\n",
    );
    expect(summary.out).toContain(`    ${ID}  cursor  Add login with rate limiting to src/auth.py and a test\n`);
  });

  test("edits a commit took are not attached again when the session goes on; its new edits are", () => {
    const shop = makeShop(box, ["cursor"]);
    shop.git(["add", "-A"]);
    shop.git(["commit", "-q", "-m", "Add login"]);
    expect(shop.traces()).toEqual([ID]);
    // The conversation goes on at 10:15 (the file's time moves on), writing NOTES.md.
    const transcript = cursorTranscript(box.home, shop.repo);
    appendFileSync(transcript, writeRecord(join(shop.repo, "NOTES.md")));
    touch(transcript, "2026-11-20T10:15:00Z");
    // A human change of src/auth.py: the session's edits of it were committed at 10:08.
    writeFileSync(join(shop.repo, "src", "auth.py"), "human change after the session\n");
    shop.git(["commit", "-q", "-am", "Tweak"], { env: at(box.env, "2026-11-20T10:20:00Z") });
    expect(shop.traces()).toEqual([]);
    writeFileSync(join(shop.repo, "NOTES.md"), "notes\n");
    shop.git(["add", "NOTES.md"]);
    shop.git(["commit", "-q", "-m", "Notes"], { env: at(box.env, "2026-11-20T10:25:00Z") });
    expect(shop.traces()).toEqual([ID]);
    expect(metaOf(shop)[0]).toMatchObject({ files: ["NOTES.md"], end: "2026-11-20T10:15:00.000Z" });
  });

  test("a session that ran in another repository is never attached, whatever its folder's name looks like", () => {
    const shop = makeShop(box, ["cursor"], { edits: false });
    // Another repository with the same file names, and one whose folder name starts like the shop's.
    for (const name of ["other", "shop-old"]) {
      const repo = join(box.home, "work", name);
      mkdirSync(join(repo, "src"), { recursive: true });
      mkdirSync(join(repo, "tests"), { recursive: true });
      sh("git init -q && echo a > src/auth.py && git add -A && git commit -q -m init", {
        cwd: repo,
        env: at(box.realEnv, "2026-11-20T09:00:00Z"),
      });
      writeFileSync(join(repo, "src", "auth.py"), "same file names as the shop session\n");
      writeFileSync(join(repo, "tests", "test_auth.py"), "x\n");
      shop.git(["add", "-A"], { cwd: repo });
      expect(shop.git(["commit", "-q", "-m", "Other"], { cwd: repo }).exitCode).toBe(0);
      expect(shop.note("HEAD", repo)).toBe("");
    }
    // shop-old's own session (folder ...-work-shop-old) does not land in the shop either.
    const oldRepo = join(box.home, "work", "shop-old");
    const oldSession = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
    const dest = join(
      box.home,
      ".cursor",
      "projects",
      cursorFolder(oldRepo),
      "agent-transcripts",
      `${oldSession}.jsonl`,
    );
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, readFileSync(cursorTranscript(box.home, shop.repo), "utf8").replaceAll(shop.repo, oldRepo));
    touch(dest, "2026-11-20T10:06:00Z");
    writeFileSync(join(shop.repo, "src", "auth.py"), "the shop's change\n");
    shop.git(["commit", "-q", "-am", "Shop"], { env: at(box.env, "2026-11-20T10:30:00Z") });
    expect(shop.traces()).toEqual([ID]);
  });

  test("damaged transcripts beside it: no crash, no stack trace, nothing unsafe attached", () => {
    const shop = makeShop(box, ["cursor"]);
    const dir = dirname(cursorTranscript(box.home, shop.repo));
    const good = readFileSync(cursorTranscript(box.home, shop.repo), "utf8");
    const damaged: Record<string, string> = {
      "0a000000-0000-4000-8000-000000000001.jsonl": `${good.trimEnd().slice(0, -30)}`, // last line cut off
      "0a000000-0000-4000-8000-000000000002.jsonl": `garbage\n${good}\u0000\u0001{{{\n`,
      "0a000000-0000-4000-8000-000000000003.jsonl": "",
      "0a000000-0000-4000-8000-000000000004.txt": "assistant:\n[Tool call] Write\n  path: \u001b]0;pwned\u0007\n",
      "..%2F..%2Fevil.jsonl": good,
    };
    for (const [name, text] of Object.entries(damaged)) {
      writeFileSync(join(dir, name), text);
      touch(join(dir, name), "2026-11-20T10:06:00Z");
    }
    for (const f of ["garbage-line", "hostile-strings", "huge-tool-result", "unknown-record-type"]) {
      copyFileSync(
        join(FIXTURES, "malformed", "claude-code", `${f}.jsonl`),
        join(dir, `0b000000-0000-4000-8000-00000000000${f.length % 10}.jsonl`),
      );
    }
    shop.git(["add", "-A"]);
    const r = shop.git(["commit", "-q", "-m", "Add login"], { env: at(box.env, "2026-11-20T10:20:00Z") });
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    const ids = shop.traces();
    expect(ids).toContain(ID);
    expect(ids).toContain("0a000000-0000-4000-8000-000000000001"); // the lines before the cut edited the files
    expect(ids.join(" ")).not.toContain("evil");
    expect(shop.note()).not.toContain("\u001b");
    expect(run(["/usr/bin/find", box.home, "-name", "*.log", "-path", "*traces*"]).out).toBe("");
  });
});

describe("with hooks: Cursor reported the conversation", () => {
  test("model and version from the hooks; the transcript found by ID even in a folder no repository name matches", () => {
    const shop = makeShop(box, ["cursor"]);
    // A multi-root workspace: Cursor names its folder after the workspace file, not the repository.
    const projects = join(box.home, ".cursor", "projects");
    renameSync(join(projects, cursorFolder(shop.repo)), join(projects, "home-dev-shop-code-workspace"));
    for (const event of ["sessionStart", "afterFileEdit", "stop"]) {
      const r = hook(shop, event);
      expect(r.exitCode).toBe(0);
      expect(r.err).toBe("");
    }
    // Hooks run now, so the session's last reply and the commit are now too. The transcript
    // is written anew after its last reply (as a copy would be): its creation time says
    // nothing, so the start is when the hooks first saw the conversation.
    const transcript = join(projects, "home-dev-shop-code-workspace", "agent-transcripts", `${ID}.jsonl`);
    const last = new Date(Date.now() + 5).toISOString();
    const text = readFileSync(transcript);
    Bun.sleepSync(30);
    rmSync(transcript);
    writeFileSync(transcript, text);
    touch(transcript, last);
    shop.git(["add", "-A"]);
    expect(
      shop.git(["commit", "-q", "-m", "Add login"], { env: at(box.env, new Date(Date.now() + 2000).toISOString()) })
        .exitCode,
    ).toBe(0);
    expect(shop.traces()).toEqual([ID]);
    const [meta] = metaOf(shop);
    expect(meta).toMatchObject({
      agent: "cursor",
      agentVersion: "2.3.14",
      model: "claude-4.5-sonnet",
      files: ["src/auth.py", "tests/test_auth.py"],
      tools: TOOLS,
      end: last,
    });
    // The start is when the hooks first saw the conversation (the transcript has none).
    const active = JSON.parse(readFileSync(join(shop.repo, ".git", "traces", "active.json"), "utf8"));
    expect(meta!.start).toBe(active.sessions[0].firstSeen);

    // The snapshot of the session keeps what the hooks reported, also once show has read
    // the transcript again (and refreshed it).
    const snapshot = () =>
      JSON.parse(readFileSync(join(box.home, ".local", "share", "git-traces", "snapshots", `${ID}.json`), "utf8"))
        .trace;
    expect(snapshot()).toMatchObject({
      id: ID,
      agent: "cursor",
      agentVersion: "2.3.14",
      models: ["claude-4.5-sonnet"],
      start: meta!.start,
    });

    // show and summary name the model the hooks reported.
    const show = tracesCmd(shop, ["show", ID]);
    expect(show.err).toBe("");
    // (show names the version the transcript gives, and Cursor's gives none.)
    expect(show.out).toStartWith(`trace ${ID}\nAgent:      cursor\nModels:     claude-4.5-sonnet\n`);
    expect(tracesCmd(shop, ["summary", "HEAD~1..HEAD"]).out).toContain(
      "Models:\n    claude-4.5-sonnet  cursor  1 commit  1 trace\n",
    );
    appendFileSync(transcript, writeRecord(join(shop.repo, "NOTES.md")));
    expect(tracesCmd(shop, ["show", ID]).exitCode).toBe(0);
    expect(snapshot().tools).toHaveLength(7);
    expect(snapshot()).toMatchObject({ agentVersion: "2.3.14", models: ["claude-4.5-sonnet"] });

    // Blame and export name the model Cursor reported, export as provider/model.
    expect(blame(shop, "src/auth.py")[1]!.traces[0]).toMatchObject({
      id: ID,
      agent: "cursor",
      model: "claude-4.5-sonnet",
    });
    const conv = exported(shop).files.find((f: { path: string }) => f.path === "src/auth.py").conversations[0];
    expect(conv.contributor).toEqual({ type: "ai", model_id: "anthropic/claude-4.5-sonnet" });
  });

  test("through a hook of Claude Code's settings (Cursor runs those too): still recorded, and attached, as Cursor", () => {
    const shop = makeShop(box, ["cursor"]);
    expect(hook(shop, "stop", {}, "claude-code").err).toBe("");
    const active = JSON.parse(readFileSync(join(shop.repo, ".git", "traces", "active.json"), "utf8"));
    expect(active.sessions.map((s: { agent: string; id: string }) => `${s.agent} ${s.id}`)).toEqual([`cursor ${ID}`]);
    shop.git(["add", "-A"]);
    shop.git(["commit", "-q", "-m", "Add login"], { env: at(box.env, new Date(Date.now() + 1000).toISOString()) });
    expect(metaOf(shop)).toEqual([expect.objectContaining({ agent: "cursor", model: "claude-4.5-sonnet" })]);
  });

  test("a hook naming another repository's workspace records nothing here", () => {
    const shop = makeShop(box, ["cursor"]);
    const other = join(box.home, "work", "other");
    mkdirSync(other, { recursive: true });
    sh("git init -q", { cwd: other, env: box.realEnv });
    expect(hook(shop, "afterFileEdit", { workspace_roots: [other], file_path: join(other, "x.py") }).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(other, ".git", "traces", "active.json"), "utf8")).sessions[0].cwd).toBe(other);
    expect(run(["/bin/ls", join(shop.repo, ".git", "traces")]).out).not.toContain("active.json");
  });
});
