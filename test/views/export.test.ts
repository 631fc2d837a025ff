// git traces export, end to end: real repositories built here, the fixtures' Claude Code and
// Codex sessions on disk, notes written by the shim or crafted with the real git, the compiled
// binary exporting. Every record is checked against the Agent Trace JSON Schema (ajv, draft
// 2020-12 with formats) and its line ranges and hashes against the files git has.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as v from "valibot";
import { AgentTraceRecordSchema, type AgentTraceRecord } from "../../src/views/agent-trace.ts";
import { SESSIONS } from "../helpers/agents.ts";
import { schemaErrors } from "../helpers/agent-trace-schema.ts";
import { makeSandbox, requireBinary, run, sh, type Sandbox } from "../helpers/sandbox.ts";
import { at, makeShop, type Shop } from "../helpers/shop.ts";

let box: Sandbox;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("export");
});
afterEach(() => box?.cleanup());

const NOTES = "refs/notes/traces";

function exportRun(repo: string, ...args: string[]) {
  return run([join(box.bin, "git"), "traces", "export", ...args], { cwd: repo, env: box.env });
}

/** Every record valid against the spec's schema and ours, and its ranges true to the commit's files. */
function checkRecord(repo: string, r: AgentTraceRecord): AgentTraceRecord {
  expect(schemaErrors(r)).toEqual([]);
  expect(v.safeParse(AgentTraceRecordSchema, r).success).toBe(true);
  for (const f of r.files) {
    const blob = run(["/usr/bin/git", "show", `${r.vcs.revision}:${f.path}`], { cwd: repo, env: box.realEnv }).stdout;
    // The file's lines with their line ends, as bytes.
    const lines: Buffer[] = [];
    for (let from = 0; from < blob.length; ) {
      const nl = blob.indexOf(10, from);
      const end = nl < 0 ? blob.length : nl + 1;
      lines.push(blob.subarray(from, end));
      from = end;
    }
    for (const c of f.conversations) {
      for (const range of c.ranges) {
        expect(range.end_line).toBeLessThanOrEqual(lines.length);
        const bytes = Buffer.concat(lines.slice(range.start_line - 1, range.end_line));
        expect(range.content_hash).toBe(
          `murmur3:${(Bun.hash.murmur32v3(bytes, 0) >>> 0).toString(16).padStart(8, "0")}`,
        );
      }
    }
  }
  return r;
}

function exportOne(repo: string, ...args: string[]): AgentTraceRecord {
  const r = exportRun(repo, ...args);
  expect(r.err).toBe("");
  expect(r.exitCode).toBe(0);
  return checkRecord(repo, JSON.parse(r.out));
}

function realGit(repo: string, args: string[], iso = "2026-11-20T10:30:00Z", input?: string): string {
  const r = run(["/usr/bin/git", ...args], {
    cwd: repo,
    env: at(box.realEnv, iso),
    ...(input !== undefined ? { input } : {}),
  });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.err}`);
  return r.out.trim();
}

function meta(id: string, fields: Record<string, unknown>): string {
  return `traces-meta:${id} ${JSON.stringify({ v: 1, ...fields })}`;
}

/** Writes a crafted note with the real git, as another clone or tool would have. */
function note(repo: string, rev: string, lines: string[]): void {
  realGit(repo, ["notes", `--ref=${NOTES}`, "add", "-f", "-F", "-", rev], undefined, `${lines.join("\n")}\n`);
}

function commitAll(repo: string, message: string, iso = "2026-11-20T10:30:00Z"): string {
  realGit(repo, ["add", "-A"], iso);
  realGit(repo, ["commit", "-q", "-m", message], iso);
  return realGit(repo, ["rev-parse", "HEAD"]);
}

const conversationsOf = (r: AgentTraceRecord, path: string) =>
  r.files.find((f) => f.path === path)?.conversations ?? [];

describe("a commit made through the shim with the fixture sessions", () => {
  let shop: Shop;
  beforeEach(() => {
    shop = makeShop(box, ["claude-code", "codex"]);
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
    expect(shop.traces().sort()).toEqual([SESSIONS.codex, SESSIONS.claude].sort());
  });

  test("one record: both sessions on both files, their transcripts as file URLs, provider/model IDs", () => {
    const r = exportOne(shop.repo, "HEAD", "--format", "agent-trace");
    const head = realGit(shop.repo, ["rev-parse", "HEAD"]);
    expect(r.vcs).toEqual({ type: "git", revision: head });
    expect(r.timestamp).toBe("2026-11-20T10:08:00+00:00");
    expect(r.tool.name).toBe("git-traces");
    expect(r.files.map((f) => f.path)).toEqual(["src/auth.py", "tests/test_auth.py"]);
    // src/auth.py had one line; the sessions' edits added lines 2-4 (their payloads do not
    // apply to it: file-level, both sessions). The test file is new, and holds neither
    // session's payload (line-level: the person's).
    const convs = conversationsOf(r, "src/auth.py");
    expect(convs.map((c) => c.contributor.model_id).sort()).toEqual([
      "anthropic/claude-sonnet-4-5-20250929",
      "openai/gpt-5-codex",
    ]);
    for (const c of convs) {
      expect(c.contributor.type).toBe("ai");
      expect(c.url).toStartWith("file:///");
      expect(existsSync(fileURLToPath(c.url!))).toBe(true);
    }
    expect(conversationsOf(r, "src/auth.py")[0]!.ranges.map((x) => [x.start_line, x.end_line])).toEqual([[2, 4]]);
    expect(
      conversationsOf(r, "tests/test_auth.py").map((c) => [
        c.contributor.type,
        c.ranges.map((x) => [x.start_line, x.end_line]),
      ]),
    ).toEqual([["human", [[1, 2]]]]);
    const codexUrl = conversationsOf(r, "src/auth.py").find((c) => c.contributor.model_id === "openai/gpt-5-codex")!
      .url!;
    expect(codexUrl).toContain(".codex/sessions/");
    const traces = r.metadata["dev.git-traces"].traces;
    expect(traces.map((t) => [t.id, t.agent]).sort()).toEqual(
      [
        [SESSIONS.codex, "codex"],
        [SESSIONS.claude, "claude-code"],
      ].sort(),
    );
    expect(traces.find((t) => t.agent === "claude-code")!.title).toBe(
      "Add login with rate limiting to src/auth.py and a test",
    );
  });

  test("deterministic: two exports are byte-identical, --output writes the same bytes, -o - is stdout", () => {
    const a = exportRun(shop.repo, "HEAD");
    const b = exportRun(shop.repo, "HEAD");
    expect(a.out).toBe(b.out);
    const file = join(box.dir, "trace.json");
    const o = exportRun(shop.repo, "HEAD", "--output", file);
    expect([o.exitCode, o.out, o.err]).toEqual([0, "", ""]);
    expect(readFileSync(file, "utf8")).toBe(a.out);
    expect(exportRun(shop.repo, "HEAD", "-o", "-").out).toBe(a.out);
    // The ID comes from the commit: the same after re-export, a UUID of version 5.
    expect(JSON.parse(a.out).id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test("--jsonl: the record on one line", () => {
    const r = exportRun(shop.repo, "HEAD", "--jsonl");
    expect(r.exitCode).toBe(0);
    const lines = r.out.split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe("");
    expect(JSON.parse(lines[0]!)).toEqual(JSON.parse(exportRun(shop.repo, "HEAD").out));
  });
});

describe("crafted notes", () => {
  test("two sessions on different files, and a file no session touched: human", () => {
    const shop = makeShop(box, ["claude-code", "codex"]);
    writeFileSync(join(shop.repo, "README.md"), "# shop\n\nEdited by hand.\n");
    const commit = commitAll(shop.repo, "Login, tests, docs");
    note(shop.repo, commit, [
      `traces:${SESSIONS.claude}`,
      `traces:${SESSIONS.codex}`,
      meta(SESSIONS.claude, { agent: "claude-code", model: "claude-sonnet-4-5-20250929", files: ["src/auth.py"] }),
      meta(SESSIONS.codex, { agent: "codex", model: "gpt-5-codex", files: ["tests/test_auth.py"] }),
    ]);
    const r = exportOne(shop.repo, commit);
    expect(
      r.files.map((f) => [f.path, f.conversations.map((c) => c.contributor.model_id ?? c.contributor.type)]),
    ).toEqual([
      ["README.md", ["human"]],
      ["src/auth.py", ["anthropic/claude-sonnet-4-5-20250929"]],
      ["tests/test_auth.py", ["openai/gpt-5-codex"]],
    ]);
    const readme = conversationsOf(r, "README.md")[0]!;
    expect(readme.url).toBeUndefined();
    expect(readme.ranges.map((x) => [x.start_line, x.end_line])).toEqual([[2, 3]]);
    expect(conversationsOf(r, "src/auth.py")[0]!.url).toContain(`${SESSIONS.claude}.jsonl`);
    expect(conversationsOf(r, "tests/test_auth.py")[0]!.url).toContain(`${SESSIONS.codex}.jsonl`);
  });

  test("a trace known only from its note: its URL if the note has one, else none; files unknown make the rest unknown", () => {
    const shop = makeShop(box, [], { edits: false });
    writeFileSync(join(shop.repo, "src", "auth.py"), "one\ntwo\n");
    writeFileSync(join(shop.repo, "notes.txt"), "n\n");
    const commit = commitAll(shop.repo, "Elsewhere");
    note(shop.repo, commit, [
      "traces:remote-session-1",
      meta("remote-session-1", {
        agent: "claude-code",
        model: "claude-opus-4-1-20250805",
        files: ["src/auth.py"],
        title: "Made on another machine",
      }),
    ]);
    const r = exportOne(shop.repo, commit);
    expect(conversationsOf(r, "src/auth.py")).toEqual([
      {
        contributor: { type: "ai", model_id: "anthropic/claude-opus-4-1-20250805" },
        ranges: [{ start_line: 1, end_line: 2, content_hash: expect.stringMatching(/^murmur3:[0-9a-f]{8}$/) }],
      },
    ]);
    expect(conversationsOf(r, "notes.txt")[0]!.contributor).toEqual({ type: "human" });
    // A traces.com line: a URL, no meta, so no file list: its lines' author is unknown.
    note(shop.repo, commit, [
      "traces:tc-123 https://www.traces.com/s/tc-123",
      "traces:remote-session-1",
      meta("remote-session-1", { model: "claude-opus-4-1-20250805", files: ["src/auth.py"] }),
    ]);
    const u = exportOne(shop.repo, commit);
    expect(conversationsOf(u, "src/auth.py").map((c) => c.url)).toEqual([undefined]);
    expect(conversationsOf(u, "notes.txt")[0]!.contributor).toEqual({ type: "unknown" });
    expect(u.metadata["dev.git-traces"].traces.map((t) => [t.id, t.files])).toEqual([
      ["tc-123", undefined],
      ["remote-session-1", ["src/auth.py"]],
    ]);
  });

  test("a note's URL wins over the transcript on this machine", () => {
    const shop = makeShop(box, ["claude-code"]);
    const commit = commitAll(shop.repo, "Add login");
    note(shop.repo, commit, [
      `traces:${SESSIONS.claude} https://traces.example.com/t/${SESSIONS.claude}`,
      meta(SESSIONS.claude, { model: "claude-sonnet-4-5-20250929", files: ["src/auth.py", "tests/test_auth.py"] }),
    ]);
    const r = exportOne(shop.repo, commit);
    for (const f of r.files)
      expect(f.conversations.map((c) => c.url)).toEqual([`https://traces.example.com/t/${SESSIONS.claude}`]);
  });

  test("a root commit is diffed against the empty tree", () => {
    const repo = join(box.home, "work", "fresh");
    mkdirSync(repo, { recursive: true });
    realGit(repo, ["init", "-q", "-b", "main"]);
    writeFileSync(join(repo, "main.py"), "print('a')\nprint('b')\nprint('c')\n");
    const root = commitAll(repo, "Start");
    note(repo, root, [
      "traces:first-session",
      meta("first-session", { agent: "codex", model: "gpt-5-codex", files: ["main.py"] }),
    ]);
    const r = exportOne(repo, "HEAD");
    expect(r.metadata["dev.git-traces"].diff_base).toBeNull();
    expect(r.files).toEqual([
      {
        path: "main.py",
        conversations: [
          {
            contributor: { type: "ai", model_id: "openai/gpt-5-codex" },
            ranges: [{ start_line: 1, end_line: 3, content_hash: expect.any(String) }],
          },
        ],
      },
    ]);
  });

  test("a renamed file: named by its new path, only the lines the commit added", () => {
    const shop = makeShop(box, [], { edits: false });
    const body = Array.from({ length: 20 }, (_, i) => `line ${i + 1}\n`).join("");
    writeFileSync(join(shop.repo, "src", "old_name.py"), body);
    commitAll(shop.repo, "Add a module", "2026-11-20T10:20:00Z");
    realGit(shop.repo, ["mv", "src/old_name.py", "src/new_name.py"]);
    writeFileSync(join(shop.repo, "src", "new_name.py"), body.replace("line 7\n", "line 7\nadded by the agent\n"));
    const commit = commitAll(shop.repo, "Rename and edit");
    expect(realGit(shop.repo, ["show", "--format=", "-M", "--name-status", commit])).toStartWith("R");
    note(shop.repo, commit, [
      "traces:rename-session",
      meta("rename-session", { agent: "claude-code", model: "claude-sonnet-4-5-20250929", files: ["src/new_name.py"] }),
    ]);
    const r = exportOne(shop.repo, commit);
    expect(r.files.map((f) => f.path)).toEqual(["src/new_name.py"]);
    expect(r.files[0]!.conversations[0]!.ranges.map((x) => [x.start_line, x.end_line])).toEqual([[8, 8]]);
  });

  test("binary files, deletions and symlinks are skipped; a merge keeps only the files its sessions edited", () => {
    const shop = makeShop(box, [], { edits: false });
    writeFileSync(join(shop.repo, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2, 0, 3]));
    writeFileSync(join(shop.repo, "kept.txt"), "a\n");
    realGit(shop.repo, ["rm", "-q", "README.md"]);
    sh("ln -s kept.txt link", { cwd: shop.repo });
    const commit = commitAll(shop.repo, "Assets");
    note(shop.repo, commit, [
      "traces:assets-1",
      meta("assets-1", { files: ["logo.png", "README.md", "link", "kept.txt"] }),
    ]);
    expect(exportOne(shop.repo, commit).files.map((f) => f.path)).toEqual(["kept.txt"]);

    realGit(shop.repo, ["checkout", "-q", "-b", "side", "HEAD~1"]);
    writeFileSync(join(shop.repo, "side.txt"), "from the side branch\n");
    commitAll(shop.repo, "Side");
    realGit(shop.repo, ["checkout", "-q", "feature/login"]);
    writeFileSync(join(shop.repo, "kept.txt"), "a\nmain\n");
    commitAll(shop.repo, "Main");
    // A session edits kept.txt while merging; side.txt comes in from the side branch.
    realGit(shop.repo, ["merge", "-q", "--no-ff", "--no-commit", "side"]);
    writeFileSync(join(shop.repo, "kept.txt"), "a\nmain\nmerged by the agent\n");
    const merge = commitAll(shop.repo, "Merge side");
    note(shop.repo, merge, ["traces:merge-1", meta("merge-1", { model: "gpt-5", files: ["kept.txt"] })]);
    const r = exportOne(shop.repo, "HEAD");
    expect(r.metadata["dev.git-traces"].diff_base).toBe(realGit(shop.repo, ["rev-parse", "HEAD^1"]));
    expect(
      r.files.map((f) => [f.path, f.conversations.map((c) => c.ranges.map((x) => [x.start_line, x.end_line]))]),
    ).toEqual([["kept.txt", [[[3, 3]]]]]);
  });

  test("hostile notes: escapes stay escaped, bad IDs are ignored", () => {
    const shop = makeShop(box, [], { edits: false });
    writeFileSync(join(shop.repo, "a.txt"), "a\n");
    const commit = commitAll(shop.repo, "A");
    note(shop.repo, commit, [
      "traces:../../etc/passwd",
      "traces:ok-1 https://evil.example.com/\u001b[2J",
      meta("ok-1", { model: "claude-\u001b]0;pwned\u0007x", title: "\u001b[31mred\u009b2J\u202e", files: ["a.txt"] }),
    ]);
    const r = exportRun(shop.repo, commit);
    expect(r.exitCode).toBe(0);
    expect(r.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    const rec = checkRecord(shop.repo, JSON.parse(r.out));
    expect(rec.metadata["dev.git-traces"].traces.map((t) => t.id)).toEqual(["ok-1"]);
    expect(rec.metadata["dev.git-traces"].traces[0]!.title).toBe("\u001b[31mred\u009b2J\u202e");
  });
});

describe("ranges", () => {
  function history(): { shop: Shop; commits: [string, string, string, string] } {
    const shop = makeShop(box, ["claude-code", "codex"], { edits: false });
    const base = realGit(shop.repo, ["rev-parse", "HEAD"]);
    writeFileSync(join(shop.repo, "src", "auth.py"), "x = 1\n");
    const a = commitAll(shop.repo, "Agent A", "2026-11-20T10:20:00Z");
    note(shop.repo, a, [
      `traces:${SESSIONS.claude}`,
      meta(SESSIONS.claude, { agent: "claude-code", model: "claude-sonnet-4-5-20250929", files: ["src/auth.py"] }),
    ]);
    writeFileSync(join(shop.repo, "README.md"), "# shop\nby hand\n");
    const human = commitAll(shop.repo, "Human", "2026-11-20T10:21:00Z");
    writeFileSync(join(shop.repo, "tests", "test_auth.py"), "def test():\n    pass\n");
    const b = commitAll(shop.repo, "Agent B", "2026-11-20T10:22:00Z");
    note(shop.repo, b, [
      `traces:${SESSIONS.codex}`,
      meta(SESSIONS.codex, { agent: "codex", model: "gpt-5-codex", files: ["tests/test_auth.py"] }),
    ]);
    return { shop, commits: [base, a, human, b] };
  }

  test("one record per commit with traces, oldest first, as a JSON array; --jsonl gives one per line", () => {
    const { shop, commits } = history();
    const [base, a, , b] = commits;
    const r = exportRun(shop.repo, `${base}..HEAD`);
    expect([r.exitCode, r.err]).toEqual([0, ""]);
    const records = JSON.parse(r.out) as AgentTraceRecord[];
    expect(records.map((x) => x.vcs.revision)).toEqual([a, b]);
    for (const rec of records) checkRecord(shop.repo, rec);
    expect(records[0]!.timestamp).toBe("2026-11-20T10:20:00+00:00");
    expect(new Set(records.map((x) => x.id)).size).toBe(2);
    const jsonl = exportRun(shop.repo, `${base}..HEAD`, "--jsonl");
    expect(
      jsonl.out
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual(records);
    // Other spellings of a range: ^A B, and C^! for one commit as a range.
    expect(JSON.parse(exportRun(shop.repo, `^${base}`, "HEAD").out)).toEqual(records);
    expect((JSON.parse(exportRun(shop.repo, `${b}^!`).out) as AgentTraceRecord[]).map((x) => x.vcs.revision)).toEqual([
      b,
    ]);
    expect(exportRun(shop.repo, `${base}..HEAD`).out).toBe(r.out);
  });

  test("a range whose commits have no traces: an empty array and a word on stderr", () => {
    const { shop, commits } = history();
    const r = exportRun(shop.repo, `${commits[1]}..${commits[2]}`);
    expect([r.exitCode, r.out, r.err]).toEqual([0, "[]\n", "No commits with traces in this range.\n"]);
    expect(exportRun(shop.repo, `${commits[1]}..${commits[2]}`, "--jsonl").out).toBe("");
  });
});

describe("errors", () => {
  test("clear one-line errors with git's exit statuses", () => {
    const shop = makeShop(box, [], { edits: false });
    const cases: [string[], number, RegExp][] = [
      [["HEAD", "--format", "csv"], 129, /Invalid value for argument: --format \(csv\)\. Expected one of: agent-trace/],
      [[], 129, /name a commit or a range to export/],
      [["HEAD", "--bogus"], 129, /unknown option '--bogus'/],
      [["HEAD..HEAD"], 1, /^git-traces: 'HEAD\.\.HEAD' names no commits$/m],
      [["HEAD"], 1, /^git-traces: commit [0-9a-f]{12} has no traces; nothing to export$/m],
      [["no-such-rev"], 128, /^git-traces: 'no-such-rev' does not name a commit$/m],
      [["no-such-rev..HEAD"], 128, /^git-traces: bad revision 'no-such-rev\.\.HEAD'$/m],
    ];
    for (const [args, status, message] of cases) {
      const r = exportRun(shop.repo, ...args);
      expect([args, r.exitCode]).toEqual([args, status]);
      expect(r.err).toMatch(message);
      expect(r.err).not.toContain("    at ");
      expect(r.out).toBe("");
    }
    const outside = join(box.dir, "not-a-repo");
    mkdirSync(outside);
    expect(exportRun(outside, "HEAD").err).toContain("not a git repository");
  });

  test("an empty repository, and an output file that cannot be written", () => {
    const empty = join(box.home, "work", "empty");
    mkdirSync(empty, { recursive: true });
    realGit(empty, ["init", "-q"]);
    const r = exportRun(empty, "HEAD");
    expect([r.exitCode, r.err]).toEqual([128, "git-traces: 'HEAD' does not name a commit\n"]);

    const shop = makeShop(box, [], { edits: false });
    writeFileSync(join(shop.repo, "a.txt"), "a\n");
    const commit = commitAll(shop.repo, "A");
    note(shop.repo, commit, ["traces:s-1", meta("s-1", { files: ["a.txt"] })]);
    const w = exportRun(shop.repo, "HEAD", "--output", join(box.dir, "missing-dir", "x.json"));
    expect([w.exitCode, w.err]).toEqual([
      1,
      `git-traces: cannot write '${join(box.dir, "missing-dir", "x.json")}': ENOENT\n`,
    ]);
  });

  test("--help lists the format and gives examples", () => {
    const r = exportRun(box.home, "--help");
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain("--format=<agent-trace>");
    expect(r.out).toContain("--jsonl");
    expect(r.out).toContain("$ git traces export origin/main..HEAD");
  });
});
