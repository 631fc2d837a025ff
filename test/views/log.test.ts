// git traces log, end to end: a real repository built by the test, the fixtures' Claude Code
// and Codex sessions attached on commit through the shim, crafted and foreign notes written
// with the real git. One repository for the whole file: log only reads.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { LogJsonSchema } from "../../src/views/schemas.ts";
import { SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, REAL_GIT, requireBinary, run, type Sandbox } from "../helpers/sandbox.ts";
import { at, makeShop, type Shop } from "../helpers/shop.ts";

let box: Sandbox;
let shop: Shop;
const KEYS = ["initial", "login", "docs", "side", "merge", "hostile"] as const;
type Key = (typeof KEYS)[number];
const sha = {} as Record<Key | `${Key}7`, string>;

function real(args: string[], opts: { env?: Record<string, string>; input?: string; cwd?: string } = {}) {
  const r = run([REAL_GIT, ...args], {
    cwd: opts.cwd ?? shop.repo,
    env: { ...box.realEnv, ...opts.env },
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.err}`);
  return r.out;
}

function log(args: string[], env: Record<string, string | undefined> = {}, cwd?: string) {
  return run([join(box.bin, "git"), "traces", "log", ...args], { cwd: cwd ?? shop.repo, env: { ...box.env, ...env } });
}

function note(ref: string, commit: string, text: string | Buffer): void {
  const file = join(box.dir, "note.txt");
  writeFileSync(file, text);
  real(["notes", `--ref=${ref}`, "add", "-f", "-F", file, commit]);
}

beforeAll(() => {
  requireBinary();
  box = makeSandbox("log");
  shop = makeShop(box, ["claude-code", "codex"]);
  sha.initial = real(["rev-parse", "HEAD"]).trim();
  // The sessions' edits, committed through the shim: both traces attach.
  shop.git(["add", "-A"]);
  expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
  sha.login = real(["rev-parse", "HEAD"]).trim();
  expect(shop.traces().sort()).toEqual([SESSIONS.codex, SESSIONS.claude].sort());
  // A human commit, a side branch and a merge.
  writeFileSync(join(shop.repo, "README.md"), "# shop\n\nLogin with rate limiting.\n");
  real(["commit", "-q", "-am", "Docs"], { env: at(box.realEnv, "2026-11-20T10:20:00Z") });
  sha.docs = real(["rev-parse", "HEAD"]).trim();
  real(["checkout", "-q", "-b", "side"]);
  writeFileSync(join(shop.repo, "NOTES"), "side\n");
  real(["add", "NOTES"]);
  real(["commit", "-q", "-m", "Side work"], { env: at(box.realEnv, "2026-11-20T10:30:00Z") });
  sha.side = real(["rev-parse", "HEAD"]).trim();
  real(["checkout", "-q", "feature/login"]);
  real(["merge", "-q", "--no-ff", "-m", "Merge side", "side"], { env: at(box.realEnv, "2026-11-20T10:40:00Z") });
  sha.merge = real(["rev-parse", "HEAD"]).trim();

  // Other tools' notes on the side commit, read-only.
  note(
    "refs/notes/ai",
    sha.side,
    `NOTES\n  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1\n---\n${JSON.stringify({
      schema_version: "authorship/3.0.0",
      git_ai_version: "1.4.5",
      base_commit_sha: sha.docs,
      prompts: {},
      sessions: {
        s_c9883b05a2487d: {
          agent_id: { tool: "cursor", id: "6ef2299e-a67f-432b-aa80-3d2fb4d28999", model: "claude-sonnet-4-5-20250514" },
        },
      },
    })}\n`,
  );
  note("refs/notes/atrace", sha.side, "cli-test-session\n");
  note(
    "refs/notes/hf-traces",
    sha.side,
    "hf-trace: https://huggingface.co/buckets/acme/agent-traces/tree/shop/main/sessions/codex-01a1f866-0d00-7aef-b735-c77a7fcfe598.jsonl\n",
  );

  // A hostile note and commit message, on a branch of their own.
  real(["checkout", "-q", "-b", "hostile", sha.docs]);
  real(["commit", "-q", "--allow-empty", "-m", "Evil \u001b[2J\u001b]0;pwned\u0007 subject"], {
    env: at(box.realEnv, "2026-11-20T11:00:00Z"),
  });
  sha.hostile = real(["rev-parse", "HEAD"]).trim();
  const meta = JSON.stringify({
    agent: "\u001b[31mclaude-code",
    model: "m\u009b2J",
    title: "steal \u001b]52;c;Zm9v\u0007 \u202etxt.exe",
  });
  note(
    "refs/notes/traces",
    sha.hostile,
    Buffer.concat([
      Buffer.from(
        `traces:../../etc/passwd\ntraces-meta:../../etc/passwd {"title":"traversal"}\ntraces:evil-1\ntraces-meta:evil-1 ${meta}\n`,
      ),
      Buffer.from(`traces:long-1\ntraces-meta:long-1 {"title":"${"x".repeat(70_000)}"}\n`),
      Buffer.from('traces:bytes-1\ntraces-meta:bytes-1 {"title":"caf'),
      Buffer.from([0xe9, 0x20, 0xff, 0xfe]),
      Buffer.from('"}\n'),
      Buffer.from(`traces:wide-1\ntraces-meta:wide-1 {"title":"${"y".repeat(5_000)}"}\n`),
      Buffer.from('traces:inf-1\ntraces-meta:inf-1 {"tokens":{"input":1e400,"output":3},"tools":{"Edit":-1e999}}\n'),
    ]),
  );
  real(["checkout", "-q", "feature/login"]);
  for (const k of KEYS) sha[`${k}7`] = sha[k].slice(0, 7);
});

afterAll(() => box?.cleanup());

const CLAUDE_LINE =
  "3f6c1d2e claude-code claude-sonnet-4-5-20250929 Add login with rate limiting to src/auth.py and a test";
const CODEX_LINE = "01a1f866 codex gpt-5-codex Add login with rate limiting to src/auth.py and a test";

describe("what git log lists, with traces", () => {
  test("--oneline: every commit, its traces indented under it", () => {
    const r = log(["--oneline"]);
    expect(r.err).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.out).toBe(
      [
        `${sha.merge7} Merge side`,
        `${sha.side7} Side work`,
        `        6ef2299e cursor (git-ai) claude-sonnet-4-5-20250514`,
        `        cli-test unknown agent (git-atrace)`,
        `        01a1f866 codex (hf-traces)`,
        `${sha.docs7} Docs`,
        `${sha.login7} Add login`,
        `        ${CODEX_LINE}`,
        `        ${CLAUDE_LINE}`,
        `${sha.initial7} Initial shop`,
        "",
      ].join("\n"),
    );
  });

  test("the default layout is git log's, with a Traces: block after the message", () => {
    const r = log([sha.login, "-1"]);
    expect(r.exitCode).toBe(0);
    expect(r.out).toBe(
      [
        `commit ${sha.login}`,
        "Author: Dev Eloper <dev@example.com>",
        "Date:   Fri Nov 20 10:08:00 2026 +0000",
        "",
        "    Add login",
        "",
        "Traces:",
        `    ${CODEX_LINE}`,
        `    ${CLAUDE_LINE}`,
        "",
      ].join("\n"),
    );
    // The same commit and message lines as git log itself.
    const git = real(["log", "-1", sha.login]);
    expect(r.out.startsWith(git)).toBe(true);
  });

  test("the medium layout is git log's own: paragraphs, tabs and --date exactly as git prints them", () => {
    const tree = real(["rev-parse", `${sha.login}^{tree}`]).trim();
    const prose = real(["commit-tree", tree, "-p", sha.login], {
      input: "Prose\n\nFirst paragraph.\n\n\tindented\twith tabs\n  and spaces\n",
      env: at(box.realEnv, "2026-11-21T08:00:00Z"),
    }).trim();
    for (const args of [
      [prose, "-1"],
      [prose, "-1", "--date=iso"],
      [prose, "-1", "--decorate"],
    ]) {
      const r = log(args);
      expect(r.exitCode).toBe(0);
      expect(r.out).toBe(real(["log", ...args]));
    }
  });

  test("whole IDs and the Traces: block whatever the user's log settings say", () => {
    real(["config", "log.abbrevCommit", "true"]);
    real(["config", "format.pretty", "oneline"]);
    try {
      const r = log([sha.login, "-1"]);
      expect(r.out.startsWith(`commit ${sha.login}\nAuthor: `)).toBe(true);
      expect(r.out).toContain(`Traces:\n    ${CODEX_LINE}\n`);
    } finally {
      real(["config", "--unset", "log.abbrevCommit"]);
      real(["config", "--unset", "format.pretty"]);
    }
  });

  test("a merge shows its parents as git log does; an URL from a note is shown under its trace", () => {
    const r = log(["-2"]);
    expect(r.out).toContain(`commit ${sha.merge}\nMerge: ${sha.docs7} ${sha.side7}\nAuthor: Dev Eloper`);
    expect(r.out).toContain(
      "    01a1f866 codex (hf-traces)\n        https://huggingface.co/buckets/acme/agent-traces/tree/shop/main/sessions/codex-01a1f866-0d00-7aef-b735-c77a7fcfe598.jsonl\n",
    );
    expect(r.out).toContain("\n\ncommit ");
  });

  test("-n, ranges, pathspecs and filters pick the same commits as git log", () => {
    const cases: string[][] = [
      ["-n", "1"],
      ["-2"],
      ["--max-count=3"],
      [`${sha.initial}..${sha.docs}`],
      ["side", "^feature/login~1"],
      ["--", "tests/"],
      ["--", "README.md"],
      ["--author", "Dev"],
      ["--grep=login", "-i"],
      ["--merges"],
      ["--no-merges", "--reverse"],
      ["--first-parent"],
      ["--since=2026-11-20T10:10:00Z", "--until=2026-11-20T10:35:00Z"],
      ["--all"],
      ["--skip", "2", "-n", "2"],
      ["hostile", "--not", "feature/login"],
    ];
    for (const args of cases) {
      const ours = log(["--oneline", "--no-abbrev-commit", ...args]);
      expect(ours.exitCode).toBe(0);
      const listed = ours.out
        .split("\n")
        .filter((l) => /^[0-9a-f]{40} /.test(l))
        .map((l) => l.slice(0, 40));
      const theirs = real(["log", "--format=%H", ...args])
        .split("\n")
        .filter(Boolean);
      expect({ args, listed }).toEqual({ args, listed: theirs });
    }
  }, 30_000);

  test("--traces-only keeps the commits that have traces", () => {
    const r = log(["--oneline", "--traces-only"]);
    expect(r.out.split("\n").filter((l) => /^[0-9a-f]{7} /.test(l))).toEqual([
      `${sha.side7} Side work`,
      `${sha.login7} Add login`,
    ]);
    const none = log(["--traces-only", `${sha.initial}`]);
    expect(none.exitCode).toBe(0);
    expect(none.out).toBe("");
  });
});

describe("--json", () => {
  test("one object per commit, valid against the schema, traces from every source", () => {
    const r = log(["--json"]);
    expect(r.exitCode).toBe(0);
    const parsed = v.parse(LogJsonSchema, JSON.parse(r.out));
    expect(parsed.map((c) => c.commit)).toEqual([sha.merge, sha.side, sha.docs, sha.login, sha.initial]);
    const login = parsed.find((c) => c.commit === sha.login)!;
    expect(login).toMatchObject({
      parents: [sha.initial],
      author: { name: "Dev Eloper", email: "dev@example.com" },
      date: "2026-11-20T10:08:00+00:00",
      subject: "Add login",
    });
    expect(login.traces.map((t) => [t.id, t.source, t.agent])).toEqual([
      [SESSIONS.codex, "git-traces", "codex"],
      [SESSIONS.claude, "git-traces", "claude-code"],
    ]);
    expect(login.traces[1]).toMatchObject({
      models: ["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805"],
      files: ["src/auth.py", "tests/test_auth.py"],
      start: "2026-11-20T10:00:05.112Z",
    });
    const side = parsed.find((c) => c.commit === sha.side)!;
    expect(side.traces.map((t) => [t.source, t.id])).toEqual([
      ["git-ai", "6ef2299e-a67f-432b-aa80-3d2fb4d28999"],
      ["git-atrace", "cli-test-session"],
      ["hf-traces", SESSIONS.codex],
    ]);
    expect(side.traces[0]!.files).toEqual(["NOTES"]);
    expect(parsed.find((c) => c.commit === sha.merge)!.parents).toEqual([sha.docs, sha.side]);
    expect(parsed[0]!.refs).toEqual(["HEAD -> feature/login"]);
  });

  test("with filters, and an empty array when nothing matches", () => {
    expect(
      v
        .parse(LogJsonSchema, JSON.parse(log(["--json", "-1", "--traces-only", "--", "tests/"]).out))
        .map((c) => c.commit),
    ).toEqual([sha.login]);
    expect(JSON.parse(log(["--json", "--author=nobody"]).out)).toEqual([]);
  });
});

describe("colour", () => {
  test("off with NO_COLOR and in a pipe; on with CLICOLOR_FORCE=1 or --color=always", () => {
    expect(log(["--oneline", "-4"]).out).not.toContain("\u001b");
    expect(log(["--oneline", "-4"], { NO_COLOR: undefined }).out).not.toContain("\u001b");
    const forced = log(["--oneline", "-4"], { NO_COLOR: undefined, CLICOLOR_FORCE: "1" }).out;
    expect(forced).toContain(`\u001b[33m${sha.login7}\u001b[0m Add login`);
    expect(forced).toContain(
      "\u001b[33m3f6c1d2e\u001b[0m \u001b[36mclaude-code\u001b[0m \u001b[35mclaude-sonnet-4-5-20250929\u001b[0m Add login",
    );
    expect(log(["--oneline", "-4"], { NO_COLOR: "1", CLICOLOR_FORCE: "1" }).out).not.toContain("\u001b");
    expect(log(["--oneline", "-1", "--color=always"]).out).toContain("\u001b[33m");
    expect(log(["--oneline", "-1", "--no-color"], { NO_COLOR: undefined, CLICOLOR_FORCE: "1" }).out).not.toContain(
      "\u001b",
    );
  });

  test("--decorate names the branches and tags, as git does", () => {
    expect(log(["--oneline", "--decorate", "-1"]).out).toBe(`${sha.merge7} (HEAD -> feature/login) Merge side\n`);
  });
});

describe("errors and empty states, as git has them", () => {
  test("output options git cannot mix with added traces are refused with a usage error", () => {
    for (const opt of ["-z", "--output=x", "-m", "--diff-merges=first-parent", "-L1,2:src/auth.py"]) {
      const r = log([opt]);
      expect(r.exitCode).toBe(129);
      expect(r.out).toBe("");
      expect(r.err.trimEnd().split("\n")[0]).toMatch(
        /^git-traces: git traces log cannot add traces to git log's '.+' output/,
      );
    }
    expect(log(["--stat", "--json"]).exitCode).toBe(129);
    expect(log(["--color=sometimes"]).exitCode).toBe(129);
  });

  test("git's own output options: git renders each commit, the traces are added under it", () => {
    const cases = [
      ["-p"],
      ["--stat"],
      ["--graph"],
      ["--graph", "--stat"],
      ["--format=%h %s"],
      ["--pretty=fuller"],
      ["--oneline", "--graph"],
      ["--name-only", "--author=Dev"],
      ["--stat", "--since=2026-01-01", "--", "src/"],
    ];
    for (const args of cases) {
      const r = log(args);
      expect({ args, status: r.exitCode, err: r.err }).toEqual({ args, status: 0, err: "" });
      expect({ args, traced: r.out.includes("3f6c1d2e claude-code") }).toEqual({ args, traced: true });
      // Without what was added, git's own output (graph padding's trailing blanks aside).
      const without = r.out
        .replace(/^[| ]*\n[| ]*Traces:\n(?:[| ]* {4}\S.*\n)+/gm, "")
        // One-line formats: the traces are the indented lines under a commit's line.
        .replace(args.some((a) => a.startsWith("--format") || a === "--oneline") ? /^[| ]* {4}\S.*\n/gm : /^$/, "");
      const trim = (t: string) => t.replace(/[ ]+$/gm, "");
      expect({ args, out: trim(without) }).toEqual({ args, out: trim(real(["log", ...args])) });
    }
    // Colour as git gives it, when asked.
    expect(log(["--stat", "--color=always"]).out).toContain("\u001b[");
    expect(log(["--stat"]).out).not.toContain("\u001b[");
  });

  test("a bad revision or option fails with git's message and status", () => {
    const bad = log(["no-such-branch"]);
    expect(bad.exitCode).toBe(128);
    expect(bad.err).toContain("fatal: ambiguous argument 'no-such-branch'");
    expect(bad.out).toBe("");
    const opt = log(["--bogus"]);
    expect(opt.exitCode).toBe(128);
    expect(opt.err).toContain("--bogus");
  });

  test("an empty repository: git's message and exit status, no crash", () => {
    const empty = join(box.dir, "empty");
    mkdirSync(empty);
    real(["init", "-q"], { cwd: empty });
    const r = log([], {}, empty);
    expect(r.exitCode).toBe(128);
    expect(r.out).toBe("");
    expect(r.err).toContain("does not have any commits yet");
    expect(r.err).not.toContain("unexpected error");
    const all = log(["--all", "--oneline"], {}, empty);
    expect(all.exitCode).toBe(0);
    expect(all.out).toBe("");
    expect(log(["--json", "--all"], {}, empty).out).toBe("[]\n");
  });

  test("outside a repository: git's message and status", () => {
    const r = log([], {}, box.home);
    expect(r.exitCode).toBe(128);
    expect(r.err).toContain("not a git repository");
  });
});

describe("untrusted notes and commits", () => {
  test("escapes are shown, not obeyed; bad IDs, over-long lines and bad UTF-8 are harmless", () => {
    const r = log(["--oneline", "-1", "hostile"]);
    expect(r.exitCode).toBe(0);
    expect(r.out).not.toContain("\u001b");
    expect(r.out).not.toContain("\u009b");
    expect(r.out).not.toContain("\u0007");
    expect(r.out).not.toContain("\u202e");
    expect(r.out).not.toContain("etc/passwd");
    expect(r.out).not.toContain("traversal");
    const lines = r.out.split("\n");
    expect(lines[0]).toBe(`${sha.hostile7} Evil ^[[2J^[]0;pwned^G subject`);
    expect(lines[1]).toBe("        evil-1 ^[[31mclaude-code mM-^[2J steal ^[]52;c;Zm9v^G <U+202E>txt.exe");
    // The over-long meta line is ignored: the trace stays, without its title.
    expect(lines[2]).toBe("        long-1 unknown agent");
    expect(lines[3]).toBe("        bytes-1 unknown agent caf\ufffd \ufffd\ufffd");
    // A long title is cut on a line of its own.
    expect(lines[4]).toBe(`        wide-1 unknown agent ${"y".repeat(199)}…`);
    expect(lines[5]).toBe("        inf-1 unknown agent");
    expect(lines.length).toBe(7);
    const medium = log(["-1", "hostile"]).out;
    expect(medium).not.toContain("\u001b");
    expect(medium).toContain("    Evil ^[[2J^[]0;pwned^G subject\n");
  });

  test("a NUL in a commit message does not make a commit of its own", () => {
    const tree = real(["rev-parse", `${sha.docs}^{tree}`]).trim();
    const body = `tree ${tree}\nparent ${sha.docs}\nauthor Eve <eve@example.com> 1763636400 +0000\ncommitter Eve <eve@example.com> 1763636400 +0000\n\nNul\n\nbefore\u0000commit ${sha.login}\nAuthor: forged\n`;
    const nul = real(["hash-object", "-t", "commit", "-w", "--literally", "--stdin"], { input: body }).trim();
    const r = log([nul, "-1"]);
    expect(r.exitCode).toBe(0);
    expect(r.out.startsWith(`commit ${nul}\n`)).toBe(true);
    // One commit, and the login commit's traces are not claimed by the forged line.
    expect(r.out.match(/^commit /gm)?.length).toBe(1);
    expect(r.out).not.toContain("Traces:");
  });

  test("in --json, strings are JSON-escaped and invalid IDs are absent", () => {
    const r = log(["--json", "-1", "hostile"]);
    expect(r.out).not.toContain("\u001b");
    expect(r.out).not.toContain("etc/passwd");
    const [c] = v.parse(LogJsonSchema, JSON.parse(r.out));
    expect(c!.traces.map((t) => t.id)).toEqual(["evil-1", "long-1", "bytes-1", "wide-1", "inf-1"]);
    // A count no JSON number can hold is left out rather than printed as null.
    expect(c!.traces[4]).toMatchObject({ tokens: { output: 3 }, tools: {} });
    // C1 controls and bidi overrides are escaped in JSON too.
    expect(r.out).not.toContain("\u009b");
    expect(c!.traces[0]!.agent).toBe("\u001b[31mclaude-code");
  });
});

test("git -C and --git-dir pick the repository, as for git log", () => {
  const expected = log(["--oneline", "-2", sha.login]).out;
  const viaC = run([join(box.bin, "git"), "-C", shop.repo, "traces", "log", "--oneline", "-2", sha.login], {
    cwd: box.home,
    env: box.env,
  });
  expect(viaC.out).toBe(expected);
  const viaGitDir = run(
    [join(box.bin, "git"), `--git-dir=${join(shop.repo, ".git")}`, "traces", "log", "--oneline", "-2", sha.login],
    { cwd: box.home, env: box.env },
  );
  expect(viaGitDir.out).toBe(expected);
});

describe("the notes cache (.git/traces/cache/notes.json)", () => {
  test("a second run prints the same; a damaged or doctored cache is not believed", () => {
    const cacheFile = join(shop.repo, ".git", "traces", "cache", "notes.json");
    const first = log(["--oneline", "--all"]).out;
    expect(readFileSync(cacheFile, "utf8")).toContain(SESSIONS.claude);
    expect(log(["--oneline", "--all"]).out).toBe(first);
    writeFileSync(cacheFile, "{not json");
    expect(log(["--oneline", "--all"]).out).toBe(first);
    // Every cached entry swapped for a hostile trace: rejected, the notes are read again.
    const cache = JSON.parse(readFileSync(cacheFile, "utf8"));
    for (const k of Object.keys(cache.entries))
      cache.entries[k] = [{ id: "../../etc/passwd", source: k.split(" ")[0], models: [] }];
    // And listings naming things that are no object IDs.
    expect(Object.keys(cache.listings).sort()).toEqual([
      "refs/notes/ai",
      "refs/notes/atrace",
      "refs/notes/hf-traces",
      "refs/notes/traces",
    ]);
    for (const l of Object.values(cache.listings) as { notes: Record<string, string> }[])
      for (const c of Object.keys(l.notes)) l.notes[c] = "../../etc/passwd";
    writeFileSync(cacheFile, JSON.stringify(cache));
    expect(log(["--oneline", "--all"]).out).toBe(first);
    // A note added since: the ref moved, its listing is read again.
    real(["notes", "--ref=refs/notes/traces", "add", "-m", "traces:added-later", sha.docs]);
    expect(log(["--oneline", "-1", sha.docs]).out).toBe(`${sha.docs7} Docs\n        added-la unknown agent\n`);
    real(["notes", "--ref=refs/notes/traces", "remove", sha.docs]);
    expect(log(["--oneline", "-1", sha.docs]).out).toBe(`${sha.docs7} Docs\n`);
  });
});

test("--help shows examples and exits 0", () => {
  const r = log(["--help"]);
  expect(r.exitCode).toBe(0);
  expect(r.out).toContain("git traces log --oneline -n 20");
});
