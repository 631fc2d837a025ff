// git traces list, end to end: sandbox HOMEs holding the fixtures' Claude Code and Codex
// sessions, real repositories built by the test, notes written through the shim (on commit)
// and with the real git (crafted, other tools').

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { ListAllJsonSchema, ListJsonSchema } from "../../src/views/schemas.ts";
import { claudeFolder, FIXTURES, SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, REAL_GIT, requireBinary, run, type Sandbox } from "../helpers/sandbox.ts";
import { makeShop, type Shop } from "../helpers/shop.ts";

let box: Sandbox;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("list");
});
afterEach(() => box?.cleanup());

function real(shop: Shop, args: string[], cwd = shop.repo): string {
  const r = run([REAL_GIT, ...args], { cwd, env: box.realEnv });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.err}`);
  return r.out;
}

function list(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  return run([join(box.bin, "git"), "traces", "list", ...args], { cwd, env: { ...box.env, ...env } });
}

/** The shop with both sessions committed ("Add login"). */
function committedShop(): { shop: Shop; login: string } {
  const shop = makeShop(box, ["claude-code", "codex"]);
  shop.git(["add", "-A"]);
  expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
  return { shop, login: real(shop, ["rev-parse", "HEAD"]).trim() };
}

const CLAUDE_TITLE = "Add login with rate limiting to src/auth.py and a test";

/** The view with its relative times (which follow the clock) written as <time>. */
function view(out: string): string {
  return out.replace(/\b(\d+ \w+ ago|just now)/g, "<time>");
}

describe("this repository", () => {
  test("its sessions, newest first, with the commits they are attached to (the view, in a pipe too)", () => {
    const { shop, login } = committedShop();
    const r = list([], shop.repo);
    expect(r.err).toBe("");
    expect(r.exitCode).toBe(0);
    expect(view(r.out)).toBe(
      [
        `3f6c1d2e claude-code claude-sonnet-4-5-20250929 ${CLAUDE_TITLE}`,
        "    <time>",
        `    ${login.slice(0, 7)} Add login`,
        "",
        `01a1f866 codex gpt-5-codex ${CLAUDE_TITLE}`,
        "    <time>",
        `    ${login.slice(0, 7)} Add login`,
        "",
      ].join("\n"),
    );
    expect(r.out).not.toContain("\t");
  });

  test("-n, --agent and --since pick sessions, as git log's do commits", () => {
    const { shop } = committedShop();
    const ids = (args: string[]) => {
      const r = list([...args, "--json"], shop.repo);
      expect(r.exitCode).toBe(0);
      return (JSON.parse(r.out) as { sessions: { id: string }[] }).sessions.map((s) => s.id);
    };
    expect(ids(["-n", "1"])).toEqual([SESSIONS.claude]);
    expect(ids(["--max-count=1"])).toEqual([SESSIONS.claude]);
    expect(ids(["--agent", "codex"])).toEqual([SESSIONS.codex]);
    expect(ids(["--since", "2026-11-20T10:06:53Z"])).toEqual([SESSIONS.claude]);
    expect(ids(["--since", "2099-01-01"])).toEqual([]);
    expect(ids(["--since", "100.years", "--agent", "claude"])).toEqual([SESSIONS.claude]);
    expect(view(list(["-n", "1"], shop.repo).out).split("\n")[0]).toStartWith("3f6c1d2e claude-code");
    const bad = list(["-n", "many"], shop.repo);
    expect([bad.exitCode, bad.err.split("\n")[0]]).toEqual([129, "git-traces: -n: 'many' is not a number"]);
    expect(list(["--since", "someday"], shop.repo).exitCode).toBe(129);
    const all = list(["--all", "--json", "-n", "1"], box.home);
    const groups = (JSON.parse(all.out) as { repositories: { sessions: unknown[] }[] }).repositories;
    expect(groups.every((g) => g.sessions.length === 1)).toBe(true);
  });

  test("a session no commit took yet is listed as not attached", () => {
    const shop = makeShop(box, ["codex"]);
    const r = list([], shop.repo);
    expect(view(r.out)).toBe(`01a1f866 codex gpt-5-codex ${CLAUDE_TITLE}\n    <time>\n    not attached\n`);
    const json = v.parse(ListJsonSchema, JSON.parse(list(["--json"], shop.repo).out));
    expect(json.sessions.map((s) => [s.id, s.commits, s.attachedBy])).toEqual([[SESSIONS.codex, [], []]]);
  });

  test("--json: the repository and its sessions, valid against the schema", () => {
    const { shop, login } = committedShop();
    real(shop, ["remote", "add", "origin", "https://alice:s3cret@example.com/acme/shop.git"]);
    const r = list(["--json"], shop.repo);
    expect(r.exitCode).toBe(0);
    const json = v.parse(ListJsonSchema, JSON.parse(r.out));
    expect(json.repository).toEqual({
      key: "https://example.com/acme/shop.git",
      path: shop.repo,
      remote: "https://example.com/acme/shop.git",
      git: true,
    });
    expect(r.out).not.toContain("s3cret");
    expect(r.out).not.toContain("alice");
    const [claude, codex] = json.sessions;
    expect(claude).toMatchObject({
      id: SESSIONS.claude,
      agent: "claude-code",
      title: CLAUDE_TITLE,
      models: ["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805"],
      start: "2026-11-20T10:00:05.112Z",
      end: "2026-11-20T10:06:53.257Z",
      lastActivity: "2026-11-20T10:06:53.257Z",
      cwd: shop.repo,
      attachedBy: ["git-traces"],
      commits: [{ oid: login, abbrev: login.slice(0, 7), subject: "Add login", date: "2026-11-20T10:08:00.000Z" }],
    });
    expect(claude!.transcript).toEndWith(`${SESSIONS.claude}.jsonl`);
    expect(codex!.id).toBe(SESSIONS.codex);
  });

  test("sessions known only from notes (ours or other tools') are listed and marked", () => {
    const { shop, login } = committedShop();
    const initial = real(shop, ["rev-parse", "HEAD~1"]).trim();
    real(shop, [
      "notes",
      "--ref=refs/notes/traces",
      "add",
      "-m",
      'traces:remote-1 https://traces.example.com/t/remote-1\ntraces-meta:remote-1 {"agent":"codex","model":"gpt-5","title":"A teammate\'s session","end":"2026-11-20T08:00:00Z"}',
      initial,
    ]);
    real(shop, ["notes", "--ref=refs/notes/atrace", "add", "-m", "atrace-session-9", initial]);
    // git-ai names the Claude session too: one row, attached by both tools.
    const gitAi = `src/auth.py\n  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-3\n---\n${JSON.stringify({ schema_version: "authorship/3.0.0", base_commit_sha: initial, prompts: {}, sessions: { s_c9883b05a2487d: { agent_id: { tool: "claude", id: SESSIONS.claude, model: "claude-sonnet-4-5-20250929" } } } })}`;
    real(shop, ["notes", "--ref=refs/notes/ai", "add", "-m", gitAi, login]);
    const blocks = view(list([], shop.repo).out)
      .trimEnd()
      .split("\n\n")
      .map((b) => b.split("\n"));
    expect(blocks.map((b) => [b[0]!.split(" ").slice(0, 2).join(" "), b.at(-1)!.trim().split(" ")[0]])).toEqual([
      [SESSIONS.claude.slice(0, 8), login.slice(0, 7)].map((x, i) => (i ? x : `${x} claude-code`)),
      [`${SESSIONS.codex.slice(0, 8)} codex`, login.slice(0, 7)],
      // No time of its own: its commit's time places it.
      ["atrace-s unknown", initial.slice(0, 7)],
      ["remote-1 codex", initial.slice(0, 7)],
    ]);
    expect(blocks[2]!.join("\n")).toContain("transcript not on this machine");
    const json = v.parse(ListJsonSchema, JSON.parse(list(["--json"], shop.repo).out));
    expect(json.sessions[0]!.attachedBy).toEqual(["git-traces", "git-ai"]);
    expect(json.sessions[3]).toMatchObject({
      id: "remote-1",
      transcript: null,
      url: "https://traces.example.com/t/remote-1",
      title: "A teammate's session",
      lastActivity: "2026-11-20T08:00:00Z",
    });
    expect(json.sessions[2]).toMatchObject({ id: "atrace-session-9", transcript: null, attachedBy: ["git-atrace"] });
  });

  test("every worktree of the repository counts, from any of them", () => {
    const { shop } = committedShop();
    const wt = join(box.home, "work", "shop-wt");
    real(shop, ["worktree", "add", "-q", wt, "-b", "wt"]);
    const here = list([], shop.repo).out;
    expect(list([], wt).out).toBe(here);
    expect(list([], join(shop.repo, "src")).out).toBe(here);
  });

  test("a transcript full of escapes and a bad session ID: shown safely", () => {
    const shop = makeShop(box, [], { edits: false });
    const folder = join(box.home, ".claude", "projects", claudeFolder(shop.repo));
    mkdirSync(folder, { recursive: true });
    const hostile = readFileSync(join(FIXTURES, "malformed", "claude-code", "hostile-strings.jsonl"), "utf8")
      .split("/home/dev/work/shop")
      .join(shop.repo);
    // Readable with a valid ID; under a file name that is no ID, never found.
    writeFileSync(join(folder, "hostile-1.jsonl"), hostile.split("../../../../tmp/evil").join("hostile-1"));
    writeFileSync(join(folder, "..%2F..%2Fetc.jsonl"), hostile);
    const r = list([], shop.repo);
    expect(r.exitCode).toBe(0);
    expect(r.out).not.toContain("\u001b");
    expect(r.out).not.toContain("\u0007");
    expect(r.out).not.toContain("\u202e");
    expect(r.out).not.toContain("etc");
    expect(r.out.split("\n")[0]).toStartWith("hostile- claude-code ");
    expect(r.out).toContain(" ^[[2J^[[Hfix the build^[]8;;https://evil.example/^Gclick^[]8;;^G\n");
    const forced = list([], shop.repo, { CLICOLOR_FORCE: "1", NO_COLOR: undefined });
    expect(forced.out).not.toContain("\u001b[2J");
  });

  test("none here: nothing printed, exit 0; outside a repository: an error", () => {
    const shop = makeShop(box, [], { edits: false });
    const r = list([], shop.repo);
    expect([r.exitCode, r.out, r.err]).toEqual([0, "", ""]);
    expect(JSON.parse(list(["--json"], shop.repo).out).sessions).toEqual([]);
    const outside = list([], box.home);
    expect(outside.exitCode).toBe(1);
    expect(outside.err).toBe("git-traces: not a git repository; run inside one or pass -C <dir>\n");
    expect(list(["--bogus"], shop.repo).exitCode).toBe(129);
  });
});

describe("--all: every session on this machine, by repository", () => {
  test("grouped by remote URL, else path; sessions outside any repository under their directory", () => {
    const { shop, login } = committedShop();
    real(shop, ["remote", "add", "origin", "git@github.com:acme/shop.git"]);
    // The fixtures' other session ran in ~/work/other, which is no repository yet.
    const otherDir = join(box.home, "work", "other");
    const r = list(["--all", "--json"], box.home);
    expect(r.exitCode).toBe(0);
    const json = v.parse(ListAllJsonSchema, JSON.parse(r.out));
    expect(json.repositories.map((g) => [g.key, g.path, g.remote, g.git, g.sessions.map((s) => s.id)])).toEqual([
      [
        "git@github.com:acme/shop.git",
        shop.repo,
        "git@github.com:acme/shop.git",
        true,
        [SESSIONS.claude, SESSIONS.codex],
      ],
      [otherDir, otherDir, null, false, [SESSIONS.claudeOther]],
    ]);
    expect(json.repositories[0]!.sessions[0]!.commits.map((c) => c.oid)).toEqual([login]);
    expect(json.repositories[1]!.sessions[0]!.commits).toEqual([]);
    // Once it is a repository without a remote, its path names it.
    mkdirSync(otherDir, { recursive: true });
    real(shop, ["init", "-q"], otherDir);
    const again = v.parse(ListAllJsonSchema, JSON.parse(list(["--all", "--json"], shop.repo).out));
    expect(again.repositories.map((g) => [g.key, g.git])).toEqual([
      ["git@github.com:acme/shop.git", true],
      [otherDir, true],
    ]);
    // The view: a heading per repository, its sessions under it.
    const text = view(list(["--all"], box.home).out);
    const headings = text.split("\n").filter((l) => l && !l.startsWith(" "));
    expect(headings).toEqual([`git@github.com:acme/shop.git (${shop.repo})`, otherDir]);
    expect(text).toContain(`  ${SESSIONS.claudeOther.slice(0, 8)} claude-code`);
  });

  test("two clones of one remote are one repository", () => {
    const { shop } = committedShop();
    real(shop, ["remote", "add", "origin", "https://example.com/acme/shop.git"]);
    const other = join(box.home, "work", "other");
    real(shop, ["clone", "-q", shop.repo, other], box.home);
    real(shop, ["remote", "set-url", "origin", "https://example.com/acme/shop.git"], other);
    const json = v.parse(ListAllJsonSchema, JSON.parse(list(["--all", "--json"], box.dir).out));
    expect(json.repositories.map((g) => [g.key, g.sessions.map((s) => s.id)])).toEqual([
      ["https://example.com/acme/shop.git", [SESSIONS.claude, SESSIONS.codex, SESSIONS.claudeOther]],
    ]);
  });

  test("no sessions at all: nothing printed, exit 0, also outside any repository", () => {
    const r = list(["--all"], box.home);
    expect([r.exitCode, r.out, r.err]).toEqual([0, "", ""]);
    expect(JSON.parse(list(["--all", "--json"], box.home).out)).toEqual({ repositories: [] });
  });
});

test("--help shows examples", () => {
  const r = list(["--help"], box.home);
  expect(r.exitCode).toBe(0);
  expect(r.out).toContain("git traces list --all");
});
