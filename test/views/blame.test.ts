// git traces blame, end to end: the compiled binary in real repositories whose lines the
// fixtures' Claude Code and Codex sessions wrote (attached on commit by the shim, or by
// `git traces attach`), with human commits, a rename, lines moved between files, a merge.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as v from "valibot";
import { BlameLineJsonSchema, BlameSummaryJsonSchema } from "../../src/views/blame-json.ts";
import { CLAUDE_FIXTURE_TRANSCRIPT, claudeFolder, FIXTURES, SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, run, sh, type Result, type Sandbox } from "../helpers/sandbox.ts";
import { at, makeShop, type Shop } from "../helpers/shop.ts";

// Sessions made from the fixtures, each editing one file (IDs in the agents' own shapes).
const CODEX_2 = "0b2c3d4e-5f60-7a81-b9c0-d1e2f3a4b5c6";
const CODEX_3 = "0c3d4e5f-6071-7b82-8cad-e1f2a3b4c5d6";
const CLAUDE_2 = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
const CLAUDE_MERGE = "d4c3b2a1-f6e5-4b7a-9d8c-5c4b3a2f1e0d";

let box: Sandbox;
let shop: Shop;

function real(args: string[], iso = "2026-11-20T10:10:00Z", cwd = shop.repo): Result {
  const r = run(["/usr/bin/git", ...args], { cwd, env: at(box.realEnv, iso) });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.err}`);
  return r;
}

function traces(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Result {
  return run([join(box.bin, "git"), "traces", ...args], {
    cwd: opts.cwd ?? shop.repo,
    env: { ...box.env, ...opts.env },
  });
}

function write(file: string, text: string): void {
  mkdirSync(dirname(join(shop.repo, file)), { recursive: true });
  writeFileSync(join(shop.repo, file), text);
}

function append(file: string, text: string): void {
  write(file, readFileSync(join(shop.repo, file), "utf8") + text);
}

/** A session of the fixtures, renamed to `id`, that edited `file` in the shop. */
function session(agent: "claude-code" | "codex", id: string, file: string): void {
  const home = box.home;
  const repo = shop.repo;
  if (agent === "claude-code") {
    const text = readFileSync(CLAUDE_FIXTURE_TRANSCRIPT, "utf8")
      .replaceAll(SESSIONS.claude, id)
      .replaceAll("/home/dev/work/shop/src/auth.py", join(repo, file))
      .replaceAll("/home/dev/work/shop/tests/test_auth.py", join(repo, "tests", `unused_${id}.py`))
      .replaceAll("/home/dev/work/shop", repo)
      .replaceAll("/home/dev", home);
    const dest = join(home, ".claude", "projects", claudeFolder(repo), `${id}.jsonl`);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, text);
  } else {
    const dir = join(FIXTURES, "codex", ".codex", "sessions", "2026", "11", "20");
    const name = `rollout-2026-11-20T10-00-00-${SESSIONS.codex}.jsonl`;
    const text = readFileSync(join(dir, name), "utf8")
      .replaceAll(SESSIONS.codex, id)
      .replaceAll("src/auth.py", file)
      .replaceAll("tests/test_auth.py", `tests/unused_${id}.py`)
      .replaceAll("/home/dev/work/shop", repo)
      .replaceAll("/home/dev", home);
    const dest = join(home, ".codex", "sessions", "2026", "11", "20", name.replace(SESSIONS.codex, id));
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, text);
  }
}

/** Commits what is staged with the real git, then attaches `id` with `git traces attach`. */
function agentCommit(message: string, iso: string, id?: string): void {
  real(["commit", "-q", "-m", message], iso);
  if (id) {
    const r = traces(["attach", "HEAD", id]);
    if (r.exitCode !== 0) throw new Error(`attach ${id}: ${r.err}`);
  }
}

interface LineJson {
  line: number;
  originalLine: number;
  commit: string;
  path: string;
  attribution: string;
  match: string | null;
  traces: { id: string; agent: string | null; model: string | null }[];
  content: string;
}

function jsonOf(r: Result): { lines: LineJson[]; summary: v.InferOutput<typeof BlameSummaryJsonSchema> | undefined } {
  expect(r.err).toBe("");
  expect(r.exitCode).toBe(0);
  const objects = r.out
    .trimEnd()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  for (const o of objects) {
    const schema = o.type === "summary" ? BlameSummaryJsonSchema : BlameLineJsonSchema;
    const checked = v.safeParse(schema, o);
    if (!checked.success) throw new Error(`not valid: ${JSON.stringify(o)}: ${checked.issues[0]?.message}`);
  }
  return { lines: objects.filter((o) => o.type === "line"), summary: objects.find((o) => o.type === "summary") };
}

/** line number -> trace IDs (or "human"). */
function who(lines: LineJson[]): Record<number, string> {
  return Object.fromEntries(
    lines.map((l) => [l.line, l.attribution === "agent" ? l.traces.map((t) => t.id).join("+") : l.attribution]),
  );
}

// In the note's order: canonical notes sort their lines, so Codex's 01a1... comes first.
const BOTH = `${SESSIONS.codex}+${SESSIONS.claude}`;
const commits: Record<string, string> = {};
const head = () => real(["rev-parse", "HEAD"]).out.trim();

beforeAll(() => {
  requireBinary();
  box = makeSandbox("blame");
  // C0 (09:00, human): the docstring. C1 (10:08, through the shim): both fixture sessions'
  // edits of src/auth.py and tests/test_auth.py, attached on commit.
  shop = makeShop(box, ["claude-code", "codex"]);
  shop.git(["add", "-A"]);
  expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
  expect(shop.traces().sort()).toEqual([SESSIONS.claude, SESSIONS.codex].sort());
  commits.c1 = head();
  // C2 (human).
  append("src/auth.py", "\n# Reviewed by a human.\n");
  real(["commit", "-qam", "Review"], "2026-11-20T10:10:00Z");
  // C3: a Codex session adds login().
  session("codex", CODEX_2, "src/auth.py");
  append("src/auth.py", "def login(user):\n    return RateLimiter()\n");
  real(["add", "-A"]);
  agentCommit("Add login()", "2026-11-20T10:20:00Z", CODEX_2);
  // C4 (human): rename.
  real(["mv", "src/auth.py", "src/login.py"]);
  real(["commit", "-qm", "Rename auth to login"], "2026-11-20T10:30:00Z");
  // C5: a Claude Code session writes src/util.py.
  session("claude-code", CLAUDE_2, "src/util.py");
  write(
    "src/util.py",
    'def normalise_username(name: str) -> str:\n    return name.strip().lower().replace(" ", "_")\n\n\ndef keep_me():\n    return "this stays in util"\n',
  );
  real(["add", "-A"]);
  agentCommit("Add util", "2026-11-20T10:40:00Z", CLAUDE_2);
  // C6 (human): moves normalise_username from util.py to login.py.
  write("src/util.py", 'def keep_me():\n    return "this stays in util"\n');
  append(
    "src/login.py",
    '\ndef normalise_username(name: str) -> str:\n    return name.strip().lower().replace(" ", "_")\n',
  );
  real(["commit", "-qam", "Move normalise_username"], "2026-11-20T10:50:00Z");
  commits.c6 = head();
  // A side branch where a Codex session adds a constant; main edits the README; a merge
  // in which a Claude Code session adds a line of its own.
  real(["checkout", "-q", "-b", "side"]);
  session("codex", CODEX_3, "src/login.py");
  const text = readFileSync(join(shop.repo, "src/login.py"), "utf8").split("\n");
  text.splice(1, 0, "SIDE_LIMIT = 5  # set on the side branch");
  write("src/login.py", text.join("\n"));
  real(["add", "-A"]);
  agentCommit("Side limit", "2026-11-20T11:00:00Z", CODEX_3);
  real(["checkout", "-q", "feature/login"]);
  append("README.md", "\nEdited by hand.\n");
  real(["commit", "-qam", "Docs"], "2026-11-20T11:10:00Z");
  real(["merge", "-q", "--no-ff", "--no-commit", "side"], "2026-11-20T11:20:00Z");
  session("claude-code", CLAUDE_MERGE, "src/login.py");
  append("src/login.py", "# merged with an agent's help\n");
  real(["add", "-A"]);
  agentCommit("Merge side", "2026-11-20T11:20:00Z", CLAUDE_MERGE);
  commits.merge = head();
  write("EMPTY", "");
  real(["add", "EMPTY"]);
  real(["commit", "-qm", "Empty file"], "2026-11-20T11:30:00Z");
});
afterAll(() => box?.cleanup());

// src/login.py at HEAD, line by line: who wrote it.
const EXPECTED_C: Record<number, string> = {
  1: "human", // C0, the root commit
  2: CODEX_3, // side branch, through the merge
  3: BOTH, // C1, when the file was src/auth.py: two sessions in one commit
  4: BOTH,
  5: BOTH,
  6: "human", // C2
  7: "human",
  8: CODEX_2, // C3, still src/auth.py
  9: CODEX_2,
  10: "human", // C6's blank line
  11: CLAUDE_2, // moved from src/util.py in C6: with -C, C5 wrote it
  12: CLAUDE_2,
  13: CLAUDE_MERGE, // the merge commit's own line
};

describe("who wrote each line", () => {
  test("-C: every line to the session that wrote it, under the file's name in that commit", () => {
    const { lines, summary } = jsonOf(traces(["blame", "--json", "-C", "src/login.py"]));
    expect(who(lines)).toEqual(EXPECTED_C);
    expect(lines.find((l) => l.line === 3)!.path).toBe("src/auth.py");
    expect(lines.find((l) => l.line === 11)!.path).toBe("src/util.py");
    expect(lines.find((l) => l.line === 13)!.commit).toBe(commits.merge!);
    expect(lines.find((l) => l.line === 3)!.traces).toEqual([
      expect.objectContaining({ id: SESSIONS.codex, agent: "codex", model: "gpt-5-codex" }),
      expect.objectContaining({ id: SESSIONS.claude, agent: "claude-code", model: "claude-sonnet-4-5-20250929" }),
    ]);
    expect(lines.every((l) => l.match === (l.attribution === "agent" ? "file" : null))).toBe(true);
    expect(summary).toEqual({
      type: "summary",
      lines: 13,
      shares: [
        { attribution: "human", by: [], lines: 4, share: 4 / 13 },
        {
          attribution: "agent",
          by: [{ agent: "claude-code", model: "claude-sonnet-4-5-20250929", source: "git-traces" }],
          lines: 3,
          share: 3 / 13,
        },
        {
          attribution: "agent",
          by: [
            { agent: "claude-code", model: "claude-sonnet-4-5-20250929", source: "git-traces" },
            { agent: "codex", model: "gpt-5-codex", source: "git-traces" },
          ],
          lines: 3,
          share: 3 / 13,
        },
        {
          attribution: "agent",
          by: [{ agent: "codex", model: "gpt-5-codex", source: "git-traces" }],
          lines: 3,
          share: 3 / 13,
        },
      ],
    });
  });

  test("without -C the moved lines are the human commit's that moved them", () => {
    const { lines } = jsonOf(traces(["blame", "--json", "src/login.py"]));
    expect(who(lines)).toEqual({ ...EXPECTED_C, 11: "human", 12: "human" });
    expect(lines.find((l) => l.line === 11)!.commit).toBe(commits.c6!);
  });

  test("renamed file with -M: lines keep the traces of the commits that wrote them under the old name", () => {
    const { lines } = jsonOf(traces(["blame", "--json", "-M", "src/login.py"]));
    expect(who(lines)).toEqual({ ...EXPECTED_C, 11: "human", 12: "human" });
    expect(lines.filter((l) => l.path === "src/auth.py").map((l) => l.line)).toEqual([1, 3, 4, 5, 6, 7, 8, 9]);
  });

  test("-L with one range and with two", () => {
    expect(who(jsonOf(traces(["blame", "--json", "-L", "8,9", "src/login.py"])).lines)).toEqual({
      8: CODEX_2,
      9: CODEX_2,
    });
    const two = jsonOf(traces(["blame", "--json", "-C", "-L", "2,3", "-L11,+2", "src/login.py"]));
    expect(who(two.lines)).toEqual({ 2: CODEX_3, 3: BOTH, 11: CLAUDE_2, 12: CLAUDE_2 });
    expect(two.summary!.lines).toBe(4);
  });

  test("a revision: the file as an older commit had it", () => {
    const { lines } = jsonOf(traces(["blame", "--json", commits.c1!, "--", "src/auth.py"]));
    expect(who(lines)).toEqual({ 1: "human", 2: BOTH, 3: BOTH, 4: BOTH });
  });

  test("the other file both sessions wrote, but not as committed; and a file no session touched (100% human)", () => {
    // Both sessions' payloads (a Write, an apply_patch Add File) replay, and the committed
    // file holds neither's lines: the notes' line ranges are empty, every line is the person's.
    const tests = jsonOf(traces(["blame", "--json", "tests/test_auth.py"]));
    expect(new Set(Object.values(who(tests.lines)))).toEqual(new Set(["human"]));
    const r = traces(["blame", "README.md"]);
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain("Summary of 3 lines\n  100.0%  3  human\n");
    expect(r.out).not.toContain("claude");
  });

  test("an empty file: no lines, a summary of none, exit 0", () => {
    const r = traces(["blame", "EMPTY"]);
    expect([r.exitCode, r.out, r.err]).toEqual([0, "", ""]);
    expect(jsonOf(traces(["blame", "--json", "EMPTY"])).summary).toEqual({ type: "summary", lines: 0, shares: [] });
  });

  test("uncommitted changes show as not committed yet", () => {
    append("README.md", "work in progress\n");
    try {
      const { lines, summary } = jsonOf(traces(["blame", "--json", "README.md"]));
      expect(lines.at(-1)).toMatchObject({ attribution: "uncommitted", commit: "0".repeat(40), traces: [] });
      expect(summary!.shares.map((s) => s.attribution).sort()).toEqual(["human", "uncommitted"]);
      expect(traces(["blame", "README.md"]).out).toMatch(
        /^00000000 uncommitted \(Not Committed Yet .* 4\) work in progress$/m,
      );
    } finally {
      real(["checkout", "--", "README.md"]);
    }
  });
});

describe("output formats", () => {
  test("text: git blame's columns with the agent, model and short trace ID, then the summary", () => {
    const r = traces(["blame", "-C", "src/login.py"]);
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    const rows = r.out.split("\n");
    const c1 = commits.c1!.slice(0, 8);
    // Lines from other names (the rename, -C) bring git's file-name column.
    expect(rows[0]).toMatch(
      /^\^[0-9a-f]{7} src\/auth\.py {2}human +\(Dev Eloper 2026-11-20 09:00:00 \+0000 {2}1\) """Authentication helpers for the shop backend\."""$/,
    );
    expect(rows[2]).toBe(
      `${c1} src/auth.py  codex,claude-code 2 traces    01a1f866 (Dev Eloper 2026-11-20 10:08:00 +0000  3) `,
    );
    expect(rows[7]).toMatch(
      /^[0-9a-f]{8} src\/auth\.py {2}codex +gpt-5-codex +0b2c3d4e \(Dev Eloper 2026-11-20 10:20:00 \+0000 {2}8\) def login\(user\):$/,
    );
    expect(rows[10]).toMatch(
      /^[0-9a-f]{8} src\/util\.py {2}claude-code +sonnet-4\.5 +a1b2c3d4 \(Dev Eloper 2026-11-20 10:40:00 \+0000 11\) def normalise_username/,
    );
    expect(r.out).toContain(
      "\nSummary of 13 lines\n  30.8%  4  human\n  23.1%  3  claude-code claude-sonnet-4-5-20250929\n  23.1%  3  claude-code claude-sonnet-4-5-20250929 + codex gpt-5-codex\n  23.1%  3  codex gpt-5-codex\n",
    );
    expect(r.out).not.toContain("\x1b");
    expect(traces(["blame", "--no-summary", "-C", "src/login.py"]).out).toBe(
      r.out.slice(0, r.out.indexOf("\nSummary")),
    );
  });

  test("text from a subdirectory, with git blame's own -s -n -e options", () => {
    const r = traces(["blame", "-s", "-n", "-L", "8,8", "login.py"], { cwd: join(shop.repo, "src") });
    expect(r.exitCode).toBe(0);
    // Only lines from src/auth.py: git's name column appears, and so does ours.
    expect(r.out.split("\n")[0]).toMatch(
      /^[0-9a-f]{8} src\/auth\.py 7 codex gpt-5-codex 0b2c3d4e 8\) def login\(user\):$/,
    );
    const readme = traces(["blame", "-e", "-L", "1,1", "../README.md"], { cwd: join(shop.repo, "src") });
    // git -C <dir> traces blame works as git -C does.
    const viaC = run(
      [join(box.bin, "git"), "-C", join(shop.repo, "src"), "traces", "blame", "-s", "-n", "-L", "8,8", "login.py"],
      { cwd: box.dir, env: box.env },
    );
    expect(viaC.out).toBe(r.out);
    expect(readme.out.split("\n")[0]).toMatch(
      /^\^[0-9a-f]{7} human \(<dev@example\.com> 2026-11-20 09:00:00 \+0000 1\) # shop$/,
    );
  });

  test("--porcelain: git's own bytes plus a trace line per trace before the file name", () => {
    const ours = traces(["blame", "--porcelain", "-C", "src/login.py"]);
    const git = real(["blame", "--porcelain", "-C", "src/login.py"]);
    expect(ours.exitCode).toBe(0);
    expect(ours.stdout.toString("latin1").replace(/^trace .*\n/gm, "")).toBe(git.stdout.toString("latin1"));
    const rows = ours.out.split("\n");
    const c1 = rows.indexOf(rows.find((l) => l.startsWith(`${commits.c1} `))!);
    const block = rows.slice(c1, rows.indexOf("filename src/auth.py", c1) + 1);
    expect(block.slice(-3)).toEqual([
      `trace ${SESSIONS.codex} codex gpt-5-codex`,
      `trace ${SESSIONS.claude} claude-code claude-sonnet-4-5-20250929`,
      "filename src/auth.py",
    ]);
    expect(rows.filter((l) => l.startsWith("trace ")).length).toBe(2 + 1 + 1 + 1 + 1);
    expect(ours.out).not.toContain("Summary");
  });

  test("--line-porcelain: the trace lines on every line an agent wrote", () => {
    const ours = traces(["blame", "--line-porcelain", "-C", "src/login.py"]);
    const git = real(["blame", "--line-porcelain", "-C", "src/login.py"]);
    expect(ours.stdout.toString("latin1").replace(/^trace .*\n/gm, "")).toBe(git.stdout.toString("latin1"));
    // 9 lines with one trace, 3 with two.
    expect(ours.out.split("\n").filter((l) => l.startsWith("trace ")).length).toBe(6 + 3 * 2);
  });

  test("--json: JSON Lines valid against the schemas; --no-summary leaves the summary out", () => {
    const full = jsonOf(traces(["blame", "--json", "src/login.py"]));
    expect(full.lines.length).toBe(13);
    expect(full.lines[7]).toMatchObject({
      line: 8,
      originalLine: 7,
      path: "src/auth.py",
      content: "def login(user):",
      attribution: "agent",
      match: "file",
    });
    const bare = jsonOf(traces(["blame", "--json", "--no-summary", "src/login.py"]));
    expect(bare.summary).toBeUndefined();
    expect(bare.lines).toEqual(full.lines);
  });

  test("colour only when asked: NO_COLOR wins, CLICOLOR_FORCE turns it on in a pipe", () => {
    expect(traces(["blame", "src/login.py"], { env: { NO_COLOR: "1", CLICOLOR_FORCE: "1" } }).out).not.toContain(
      "\x1b",
    );
    const forced = traces(["blame", "src/login.py"], { env: { NO_COLOR: undefined, CLICOLOR_FORCE: "1" } });
    expect(forced.out).toContain(`\x1b[36mcodex\x1b[0m`);
    expect(forced.out).toContain(`\x1b[2mhuman\x1b[0m`);
  });
});

describe("errors are git's, in one line, with git's status", () => {
  test("a missing file", () => {
    const r = traces(["blame", "nope.py"]);
    expect(r.exitCode).toBe(128);
    expect(r.err).toBe("fatal: no such path 'nope.py' in HEAD\n");
    expect(r.out).toBe("");
  });

  test("a range past the end", () => {
    const r = traces(["blame", "-L", "90,99", "README.md"]);
    expect(r.exitCode).toBe(128);
    expect(r.err).toBe("fatal: file README.md has only 3 lines\n");
  });

  test("an empty repository, and no repository at all", () => {
    const empty = join(box.dir, "empty");
    mkdirSync(empty);
    sh("git init -q", { cwd: empty, env: box.realEnv });
    writeFileSync(join(empty, "f.txt"), "x\n");
    const r = traces(["blame", "f.txt"], { cwd: empty });
    expect(r.exitCode).toBe(128);
    expect(r.err).toBe("fatal: no such ref: HEAD\n");
    const outside = traces(["blame", "f.txt"], { cwd: box.dir });
    expect(outside.exitCode).toBe(128);
    expect(outside.err.trim().split("\n").length).toBe(1);
    expect(outside.err).toStartWith("fatal: not a git repository");
  });

  test("options it does not take: usage, exit 129, the reason in one line", () => {
    const r = traces(["blame", "--incremental", "src/login.py"]);
    expect(r.exitCode).toBe(129);
    expect(r.err.trim().split("\n")[0]).toBe(
      "git-traces: option '--incremental' is not supported by git traces blame: use --porcelain or --json",
    );
    expect(r.err).not.toContain("    at ");
    expect(traces(["blame"]).exitCode).toBe(129);
  });
});

describe("notes without a file list", () => {
  test("a traces.com-style note (ID and URL only) gives its commit's lines, marked match: commit", () => {
    const repo = join(box.dir, "plain-note");
    mkdirSync(repo);
    const git = (args: string[], iso = "2026-11-20T12:00:00Z") =>
      run(["/usr/bin/git", ...args], { cwd: repo, env: at(box.realEnv, iso) });
    git(["init", "-q"]);
    writeFileSync(join(repo, "a.txt"), "one\n");
    git(["add", "-A"]);
    git(["commit", "-qm", "human"]);
    writeFileSync(join(repo, "a.txt"), "one\ntwo\n");
    git(["commit", "-qam", "with a session"], "2026-11-20T12:10:00Z");
    git(["notes", "--ref=refs/notes/traces", "add", "-m", "traces:sess_42 https://www.traces.com/s/sess_42", "HEAD"]);
    const r = run([join(box.bin, "git"), "traces", "blame", "--json", "a.txt"], { cwd: repo, env: box.env });
    const { lines } = jsonOf(r);
    expect(lines[0]).toMatchObject({ attribution: "human", match: null });
    expect(lines[1]).toMatchObject({
      attribution: "agent",
      match: "commit",
      traces: [{ id: "sess_42", agent: null, model: null, url: "https://www.traces.com/s/sess_42" }],
    });
    const text = run([join(box.bin, "git"), "traces", "blame", "a.txt"], { cwd: repo, env: box.env });
    expect(text.out.split("\n")[1]).toMatch(
      /^[0-9a-f]{8} unknown agent {2}sess_42 \(Dev Eloper 2026-11-20 12:10:00 \+0000 2\) two$/,
    );
    expect(text.out).toContain("50.0%  1  unknown agent\n");
  });
});

describe("untrusted notes and content", () => {
  test("ANSI escapes, invalid UTF-8 and an over-long line in a note, a path-traversal ID: shown safely", () => {
    const repo = join(box.dir, "hostile");
    mkdirSync(repo);
    const git = (args: string[]) => run(["/usr/bin/git", ...args], { cwd: repo, env: box.realEnv });
    git(["init", "-q"]);
    writeFileSync(join(repo, "evil.txt"), "plain\nred \x1b[31malert\x1b[0m and a bell\x07\n");
    git(["add", "-A"]);
    git(["commit", "-qm", "evil"]);
    const meta = (id: string, m: object) => `traces-meta:${id} ${JSON.stringify(m)}`;
    const note = Buffer.concat([
      Buffer.from(
        [
          meta("evil-1", {
            v: 1,
            agent: "claude-code\u001b[2J\u001b]8;;http://x\u0007",
            model: "gpt\u009b31m-evil",
            files: ["evil.txt"],
          }),
          "traces:evil-1",
          meta("../../../etc/passwd", { agent: "traversal", files: ["evil.txt"] }),
          "traces:../../../etc/passwd",
          `traces-meta:long-1 {"agent":"${"x".repeat(70_000)}","files":["evil.txt"]}`,
          "",
        ].join("\n"),
      ),
      Buffer.from([0x74, 0x72, 0x61, 0x63, 0x65, 0x73, 0x3a, 0xff, 0xfe, 0x0a]), // "traces:" + invalid UTF-8
    ]);
    writeFileSync(join(box.dir, "note"), note);
    expect(git(["notes", "--ref=refs/notes/traces", "add", "-F", join(box.dir, "note"), "HEAD"]).exitCode).toBe(0);

    const text = run([join(box.bin, "git"), "traces", "blame", "evil.txt"], { cwd: repo, env: box.env });
    expect(text.exitCode).toBe(0);
    const line1 = text.out.split("\n")[0]!;
    expect(line1).toContain("claude-code^[[2J^[]8;;http://x^G gptM-^[31m-evil evil-1");
    expect(text.out).not.toContain("passwd");
    expect(text.out).not.toContain("traversal");
    expect(text.out).not.toContain("x".repeat(100));
    // In a pipe, as with git blame, the file's own bytes go out untouched; the notes' never.
    expect(text.out.split("\n")[1]).toEndWith("red \x1b[31malert\x1b[0m and a bell\x07");
    expect(text.out.split("\n").slice(0, 1).join()).not.toContain("\x1b");

    // Towards a terminal (colour forced on here), the content is made safe too.
    const tty = run([join(box.bin, "git"), "traces", "blame", "--no-summary", "evil.txt"], {
      cwd: repo,
      env: { ...box.env, NO_COLOR: undefined, CLICOLOR_FORCE: "1" },
    });
    const plain = tty.out.replace(/\x1b\[[0-9;]*m/g, "");
    expect(plain).toContain("red ^[[31malert^[[0m and a bell^G");
    expect(plain).not.toContain("\x1b");
    expect(plain).not.toContain("\x07");

    const porcelain = run([join(box.bin, "git"), "traces", "blame", "--porcelain", "evil.txt"], {
      cwd: repo,
      env: box.env,
    });
    const traceLines = porcelain.out.split("\n").filter((l) => l.startsWith("trace "));
    expect(traceLines).toEqual(["trace evil-1 claude-code^[[2J^[]8;;http://x^G gptM-^[31m-evil"]);

    const json = run([join(box.bin, "git"), "traces", "blame", "--json", "evil.txt"], { cwd: repo, env: box.env });
    const first = JSON.parse(json.out.split("\n")[0]!);
    expect(first.traces.map((t: { id: string }) => t.id)).toEqual(["evil-1"]);
    expect(first.traces[0].agent).toBe("claude-code\u001b[2J\u001b]8;;http://x\u0007");
    expect(json.out).not.toContain("\x1b"); // JSON escapes it
  });
});
