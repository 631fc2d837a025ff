// `git traces show` end to end: real git through the compiled binary, the fixtures' Claude
// Code and Codex sessions attached to a commit of a repository built here, and notes
// crafted by hand (ambiguous prefixes, hostile text, IDs that would be paths).

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { ShowOutputSchema } from "../../src/views/schemas.ts";
import { NOT_HERE } from "../../src/views/show-render.ts";
import { claudeTranscript, SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, run, sh, type Result, type Sandbox } from "../helpers/sandbox.ts";
import { at, makeShop, type Shop } from "../helpers/shop.ts";

let box: Sandbox;
let shop: Shop;
let login: string;
let docs: string;

function traces(args: string[], cwd = shop.repo, env: Record<string, string> = {}): Result {
  return run([join(box.bin, "git"), "traces", ...args], { cwd, env: { ...box.env, ...env } });
}

function realGit(args: string[], cwd = shop.repo): string {
  return run(["/usr/bin/git", ...args], { cwd, env: box.realEnv }).out.trim();
}

/** A commit of a file nobody's session touched, made with the real git (no note). */
function humanCommit(file: string, when: string): string {
  writeFileSync(join(shop.repo, file), `${file}\n`);
  sh(`git add -A && git commit -q -m 'Add ${file}'`, { cwd: shop.repo, env: at(box.realEnv, when) });
  return realGit(["rev-parse", "HEAD"]);
}

/** Writes a note by hand, bytes as given. */
function craftNote(commit: string, note: string | Uint8Array): void {
  const file = join(box.dir, "note.txt");
  writeFileSync(file, note);
  sh(`git notes --ref=refs/notes/traces add -f -F '${file}' ${commit}`, { cwd: shop.repo, env: box.realEnv });
}

beforeAll(() => {
  requireBinary();
  box = makeSandbox("show");
  shop = makeShop(box, ["claude-code", "codex"]);
  shop.git(["add", "-A"]);
  shop.git(["commit", "-q", "-m", "Add login"]);
  login = realGit(["rev-parse", "HEAD"]);
  writeFileSync(join(shop.repo, "README.md"), "# shop\n\nBy hand.\n");
  shop.git(["commit", "-q", "-am", "Docs"], { env: at(box.env, "2026-11-20T10:20:00Z") });
  docs = realGit(["rev-parse", "HEAD"]);
  expect(shop.traces(login).sort()).toEqual([SESSIONS.codex, SESSIONS.claude].sort());
  expect(shop.traces(docs)).toEqual([]);
});
afterAll(() => box?.cleanup());

describe("by trace ID, prefix and commit", () => {
  test("a full ID: the header, every prompt and reply, one line per tool call, files, tokens", () => {
    const r = traces(["show", SESSIONS.claude]);
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    const out = r.out;
    expect(
      out.startsWith(
        `trace ${SESSIONS.claude}\nAgent:      claude-code 2.0.69\nModels:     claude-sonnet-4-5-20250929, claude-opus-4-1-20250805\n`,
      ),
    ).toBe(true);
    expect(out).toContain("Title:      Add login with rate limiting to src/auth.py and a test\n");
    expect(out).toContain("Started:    2026-11-20 10:00:05 UTC\nEnded:      2026-11-20 10:06:53 UTC (6m 48s)\n");
    expect(out).toContain(
      `Directory:  ${shop.repo}\nBranch:     feature/login\nCommits:    ${login.slice(0, 7)} Add login\n`,
    );
    expect(out).toContain("user 10:00:05\n    Add login with rate limiting to src/auth.py and a test\n");
    expect(out).toContain("user 10:06:30\n    The SQL looks injectable\n");
    expect(out).toContain("assistant 10:06:36 claude-opus-4-1-20250805\n    You're right:");
    for (const line of [
      "    · read   src/auth.py",
      "    · Task   Find users table queries",
      "    · fetch  https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks",
      "    · edit   src/auth.py",
      "    · edit   tests/test_auth.py",
      "    · run    pytest -q tests/test_auth.py",
    ]) {
      expect(out).toContain(`${line}\n`);
    }
    expect(out).toContain("Files touched:\n    src/auth.py         read, edited\n    tests/test_auth.py  edited\n");
    expect(out).toContain("Tool calls: 7 (1 read, 3 edit, 1 shell, 1 web fetch, 1 other)\n");
    expect(out).toContain("Tokens:     67 input, 3,242 output, 127,089 cache read, 33,323 cache write\n");
    expect(out).not.toContain("\u001b["); // a pipe gets no colour
  });

  test("Codex: its web search and the page it opened, its shell commands", () => {
    const out = traces(["show", SESSIONS.codex]).out;
    expect(out).toContain(
      "    · run    cat src/auth.py\n    · search OWASP blocking brute force attacks login rate limiting\n    · fetch  https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks\n",
    );
    expect(out).toContain("Tool calls: 7 (3 edit, 2 shell, 1 web fetch, 1 web search)\n");
    expect(out).toContain("Tokens:     127,354 input, 3,252 output, 115,584 cache read, 896 reasoning\n");
  });

  test("a unique prefix of 4+ characters shows the same", () => {
    const full = traces(["show", SESSIONS.claude]);
    expect(traces(["show", "3f6c"]).out).toBe(full.out);
    expect(traces(["show", SESSIONS.claude.slice(0, 8)]).out).toBe(full.out);
  });

  test("a commit shows every trace of it; a commit without traces says so", () => {
    const r = traces(["show", "HEAD~1"]);
    expect(r.exitCode).toBe(0);
    expect(r.out.match(/^trace /gm)).toHaveLength(2);
    expect(r.out).toContain(`trace ${SESSIONS.claude}\n`);
    expect(r.out).toContain(`trace ${SESSIONS.codex}\n`);
    const none = traces(["show", "HEAD"]);
    expect(none.exitCode).toBe(0);
    expect(none.out).toBe("");
    expect(none.err).toBe(`Commit ${docs.slice(0, 7)} has no traces.\n`);
  });

  test("an unknown ID or revision: one line, status 1", () => {
    const r = traces(["show", "0000dead"]);
    expect(r.exitCode).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toBe("git-traces: no trace or commit named '0000dead'\n");
    expect(traces(["show", "3f6"]).err).toBe(
      "git-traces: no trace or commit named '3f6' (a trace ID prefix needs at least 4 characters)\n",
    );
  });

  test("a path is no trace ID: never looked up on disk, one line, status 1", () => {
    for (const bad of ["../../etc/passwd", "/etc/passwd", "..", "a/../../b"]) {
      const r = traces(["show", bad]);
      expect(r.exitCode).toBe(1);
      expect(r.out).toBe("");
      expect(r.err).toBe(`git-traces: no trace or commit named '${bad}' (it is not a valid trace ID either)\n`);
    }
  });

  test("usage errors: status 129", () => {
    expect(traces(["show"]).exitCode).toBe(129);
    const both = traces(["show", "HEAD", "--markdown", "--json"]);
    expect(both.exitCode).toBe(129);
    expect(both.err.trimEnd().split("\n")[0]).toBe("git-traces: --markdown and --json cannot be used together");
    expect(traces(["show", "HEAD", "HEAD~1"]).exitCode).toBe(129);
    expect(traces(["show", "--bogus", "HEAD"]).exitCode).toBe(129);
  });

  test("colour only when asked for (a terminal, or CLICOLOR_FORCE), never from the trace itself", () => {
    const r = traces(["show", SESSIONS.claude], shop.repo, { NO_COLOR: "", CLICOLOR_FORCE: "1" });
    expect(r.out).toContain(`\u001b[33mtrace ${SESSIONS.claude}\u001b[0m`);
    expect(r.out).toContain("\u001b[36mfetch \u001b[0m");
  });

  test("--help has examples", () => {
    const r = traces(["show", "--help"]);
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain("EXAMPLES");
    expect(r.out).toContain("--markdown");
    expect(r.out).toContain("--full");
  });
});

describe("--markdown and --json", () => {
  test("Markdown: a table, the conversation, commands fenced", () => {
    const r = traces(["show", SESSIONS.claude, "--markdown"]);
    expect(r.exitCode).toBe(0);
    const md = r.out;
    expect(
      md.startsWith(`## Trace \`${SESSIONS.claude}\`\n\n| | |\n| --- | --- |\n| Agent | claude-code 2.0.69 |\n`),
    ).toBe(true);
    expect(md).toContain(`| Commits | \`${login.slice(0, 7)}\` Add login |`);
    expect(md).toContain(
      "### Conversation\n\n**User** (10:00:05)\n\n> Add login with rate limiting to src/auth.py and a test\n",
    );
    expect(md).toContain("- **run**\n  ```sh\n  pytest -q tests/test_auth.py\n  ```\n");
    expect(md).toContain("- **fetch** <https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks>\n");
    expect(md).toContain("### Files touched\n\n- `src/auth.py` (read, edited)\n- `tests/test_auth.py` (edited)\n");
    expect(md).toContain("**Tokens:** 67 input, 3,242 output, 127,089 cache read, 33,323 cache write\n");
  });

  test("Markdown of a commit: its traces one after the other", () => {
    const md = traces(["show", login, "--markdown"]).out;
    expect(md.match(/^## Trace /gm)).toHaveLength(2);
    expect(md).toContain("\n---\n\n## Trace ");
  });

  test("JSON: the trace model, the commits and what the notes say, as the schema describes", () => {
    const r = traces(["show", "HEAD~1", "--json"]);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.out);
    const parsed = v.safeParse(ShowOutputSchema, out);
    expect(parsed.success).toBe(true);
    expect(out.resolvedAs).toBe("commit");
    expect(out.commit).toBe(login);
    const claude = out.traces.find((t: { id: string }) => t.id === SESSIONS.claude);
    expect(claude.available).toBe(true);
    expect(claude.commits).toEqual([{ oid: login, subject: "Add login" }]);
    expect(claude.note).toMatchObject({
      source: "git-traces",
      agent: "claude-code",
      files: ["src/auth.py", "tests/test_auth.py"],
    });
    expect(claude.trace.tools.map((t: { kind: string }) => t.kind)).toEqual([
      "read",
      "other",
      "web_fetch",
      "edit",
      "edit",
      "shell",
      "edit",
    ]);
    expect(
      claude.trace.messages.filter((m: { role: string }) => m.role === "user").map((m: { text: string }) => m.text),
    ).toEqual(["Add login with rate limiting to src/auth.py and a test", "The SQL looks injectable"]);
    const byId = JSON.parse(traces(["show", "01a1f866", "--json"]).out);
    expect(byId).toMatchObject({ query: "01a1f866", resolvedAs: "trace", commit: null });
    expect(byId.traces[0].trace.tools.filter((t: { kind: string }) => t.kind === "web_search")).toEqual([
      {
        kind: "web_search",
        name: "web_search_call",
        at: "2026-11-20T10:00:14.207Z",
        query: "OWASP blocking brute force attacks login rate limiting",
      },
    ]);
  });
});

describe("traces whose content is not here", () => {
  test("known only from a note: what the note carries, and the plain sentence", () => {
    const moved = `${claudeTranscript(box.home, shop.repo)}.away`;
    // Neither its transcript nor a snapshot of it (docs/sharing.md), nor shared content.
    const snapshots = join(box.home, ".local", "share", "git-traces", "snapshots");
    sh(
      `mv '${claudeTranscript(box.home, shop.repo)}' '${moved}' && mkdir -p '${snapshots}' && mv '${snapshots}' '${snapshots}.away'`,
    );
    try {
      const r = traces(["show", "3f6c1d2e"]);
      expect(r.exitCode).toBe(0);
      expect(r.out).toContain(
        `trace ${SESSIONS.claude}\nAgent:      claude-code\nModels:     claude-sonnet-4-5-20250929, claude-opus-4-1-20250805\nTitle:      Add login with rate limiting to src/auth.py and a test\n`,
      );
      expect(r.out).toContain(`\n${NOT_HERE}\n`);
      expect(r.out).toContain("Tools:      Read 1, Task 1, WebFetch 1, Edit 2, Write 1, Bash 1\n");
      expect(r.out).toContain("Files touched:\n    src/auth.py         edited\n    tests/test_auth.py  edited\n");
      expect(r.out).toContain("Tool calls: 7 (1 read, 3 edit, 1 shell, 1 web fetch, 1 other)\n");
      expect(r.out).toContain("Tokens:     67 input, 3,242 output, 127,089 cache read, 33,323 cache write\n");
      expect(r.out).not.toContain("user 10:00:05");
      const md = traces(["show", "3f6c1d2e", "--markdown"]).out;
      expect(md).toContain(`*${NOT_HERE}*`);
      const json = JSON.parse(traces(["show", "3f6c1d2e", "--json"]).out);
      expect(v.safeParse(ShowOutputSchema, json).success).toBe(true);
      expect(json.traces[0]).toMatchObject({
        available: false,
        trace: null,
        note: { agent: "claude-code", tools: { Read: 1 } },
      });
    } finally {
      sh(`mv '${moved}' '${claudeTranscript(box.home, shop.repo)}' && mv '${snapshots}.away' '${snapshots}'`);
    }
  });

  test("a session on this machine that no note names: shown by its exact ID, even outside a repository", () => {
    const r = traces(["show", SESSIONS.claudeOther], box.home);
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain(`trace ${SESSIONS.claudeOther}\n`);
    expect(r.out).toContain("Commits:    none (not attached to any commit)\n");
    const missing = traces(["show", "0000dead"], box.home);
    expect(missing.exitCode).toBe(1);
    expect(missing.err).toContain("not a git repository");
  });
});

describe("hand-made notes", () => {
  test("an ambiguous prefix lists the candidates and fails", () => {
    const other = humanCommit("a.txt", "2026-11-20T11:00:00Z");
    craftNote(other, "traces:3f6c1d2e-0000-4000-8000-000000000000\n");
    try {
      const r = traces(["show", "3f6c1d2e"]);
      expect(r.exitCode).toBe(1);
      expect(r.out).toBe("");
      expect(r.err).toContain("git-traces: trace ID prefix '3f6c1d2e' is ambiguous; it starts 2 trace IDs:\n");
      expect(r.err).toContain(`  ${SESSIONS.claude}  claude-code  Add login with rate limiting`);
      expect(r.err).toContain("  3f6c1d2e-0000-4000-8000-000000000000  unknown agent\n");
      // The full ID is never ambiguous.
      expect(traces(["show", SESSIONS.claude]).exitCode).toBe(0);
    } finally {
      sh(`git notes --ref=refs/notes/traces remove ${other}`, { cwd: shop.repo, env: box.realEnv });
    }
  });

  test("a prefix that starts a trace ID and names a commit: the trace, with a warning", () => {
    const other = humanCommit("c.txt", "2026-11-20T11:05:00Z");
    const id = `${login.slice(0, 8)}-trace`;
    craftNote(other, `traces:${id}\n`);
    try {
      const r = traces(["show", login.slice(0, 8)]);
      expect(r.exitCode).toBe(0);
      expect(r.out).toStartWith(`trace ${id}\n`);
      expect(r.err).toBe(
        `warning: '${login.slice(0, 8)}' starts a trace ID and names a commit; showing the trace ('${login.slice(0, 8)}^{commit}' shows the commit)\n`,
      );
      const commit = traces(["show", `${login.slice(0, 8)}^{commit}`]);
      expect(commit.out.match(/^trace /gm)).toHaveLength(2);
    } finally {
      sh(`git notes --ref=refs/notes/traces remove ${other}`, { cwd: shop.repo, env: box.realEnv });
    }
  });

  test("an ID that starts with a dash, after --", () => {
    const other = humanCommit("d.txt", "2026-11-20T11:06:00Z");
    craftNote(other, "traces:-dash-id\n");
    try {
      const r = traces(["show", "--", "-dash-id"]);
      expect(r.exitCode).toBe(0);
      expect(r.out).toStartWith("trace -dash-id\n");
    } finally {
      sh(`git notes --ref=refs/notes/traces remove ${other}`, { cwd: shop.repo, env: box.realEnv });
    }
  });

  test("escape sequences, an over-long line, invalid UTF-8 and path IDs in a note are shown safely", () => {
    const evil = humanCommit("b.txt", "2026-11-20T11:10:00Z");
    const meta = {
      v: 1,
      agent: "\u001b[31mclaude\u001b[0m",
      model: "gpt\u009b2J",
      title: `\u001b]0;owned\u0007${"T".repeat(60_000)}`,
      files: ["src/\u001b]8;;https://x.test\u0007a.py", "\u202egnp.exe"],
      tools: { "Bash\u001b[2J": 1, Edit: -5 },
    };
    // A number JSON.parse reads as Infinity: written by hand, JSON.stringify would say null.
    const metaJson = JSON.stringify(meta).replace(/}$/, ',"tokens":{"input":1e400,"output":12}}');
    const text = Buffer.concat([
      Buffer.from(`traces-meta:evil-trace ${metaJson}\n`),
      Buffer.from("traces:evil-trace https://traces.example.com/\u001b[2J\n"),
      Buffer.from('traces-meta:bad-utf8 {"title":"caf'),
      Buffer.from([0xe9, 0xff, 0xfe, 0x9b]),
      Buffer.from('","agent":"codex"}\ntraces:bad-utf8\n'),
      Buffer.from('traces:../../etc/passwd\ntraces-meta:../../etc/passwd {"agent":"x"}\n'),
      Buffer.from(`traces:${"L".repeat(70_000)}\n`),
    ]);
    craftNote(evil, text);
    try {
      for (const args of [
        ["show", evil],
        ["show", evil, "--markdown"],
        ["show", evil, "--full"],
        ["show", "evil-trace"],
      ]) {
        const r = traces(args);
        expect(r.exitCode).toBe(0);
        expect(r.err).toBe("");
        // No C0 control but newline, no DEL, no C1 control (as bytes or as characters).
        expect(r.stdout.some((b) => (b < 0x20 && b !== 0x0a) || b === 0x7f)).toBe(false);
        expect(r.out).not.toMatch(/[\u0080-\u009f\u202e]/);
        expect(r.out).not.toContain("passwd");
        expect(r.out).toContain("evil-trace");
        if (args[1] === evil) expect(r.out).toContain("bad-utf8");
        if (args[1] === evil) expect(r.out).toContain("caf\ufffd");
        expect(Math.max(...r.out.split("\n").map((l) => l.length))).toBeLessThan(
          args.includes("--full") ? 70_000 : 400,
        );
      }
      const text = traces(["show", "evil-trace"]).out;
      expect(text).toContain("Agent:      ^[[31mclaude^[[0m\n");
      expect(text).toContain("Models:     gptM-^[2J\n");
      expect(text).toContain("URL:        https://traces.example.com/^[[2J\n");
      expect(text).toContain("Title:      ^[]0;owned^GTTTT");
      expect(text).toContain("    src/^[]8;;https://x.test^Ga.py  edited\n");
      expect(text).toContain("    <U+202E>gnp.exe");
      expect(text).toContain("Tools:      Bash^[[2J 1\n"); // a count that is no count is left out
      expect(text).toContain("Tokens:     12 output\n");
      const json = traces(["show", evil, "--json"]);
      expect(json.exitCode).toBe(0);
      expect(json.stdout.some((b) => b < 0x20 && b !== 0x0a)).toBe(false);
      expect(json.out).not.toMatch(/[\u0080-\u009f\u202e]/);
      const parsed = JSON.parse(json.out);
      expect(v.safeParse(ShowOutputSchema, parsed).success).toBe(true);
      expect(parsed.traces.map((t: { id: string }) => t.id)).toEqual(["evil-trace", "bad-utf8"]);
      expect(parsed.traces[0].note.agent).toBe("\u001b[31mclaude\u001b[0m"); // JSON keeps the value, escaped
    } finally {
      sh(`git notes --ref=refs/notes/traces remove ${evil}`, { cwd: shop.repo, env: box.realEnv });
    }
  });
});

test("an empty repository: no commit, no notes, one clear line", () => {
  const empty = join(box.dir, "empty");
  sh(`git init -q '${empty}'`, { env: box.realEnv });
  const r = traces(["show", "HEAD"], empty);
  expect(r.exitCode).toBe(1);
  expect(r.err).toBe("git-traces: no trace or commit named 'HEAD'; this repository has no commits yet\n");
  const json = traces(["show", SESSIONS.claude, "--json"], empty);
  expect(json.exitCode).toBe(0); // the session is on this machine, no commit names it
  expect(JSON.parse(json.out).traces[0]).toMatchObject({
    id: SESSIONS.claude,
    available: true,
    commits: [],
    note: null,
  });
  rmSync(empty, { recursive: true, force: true });
});
