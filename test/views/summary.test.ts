// `git traces summary` end to end: a repository built here whose branch holds a commit
// with the fixtures' Claude Code and Codex sessions attached (a web fetch each, Codex's web
// search), commits by hand and a merge; the summary a pull-request bot would post for it.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { SummarySchema } from "../../src/views/summary.ts";
import { codexTranscript, SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, run, sh, type Result, type Sandbox } from "../helpers/sandbox.ts";
import { at, makeShop, type Shop } from "../helpers/shop.ts";

let box: Sandbox;
let shop: Shop;
let initial: string;
let login: string;
let docs: string;

function traces(args: string[], cwd = shop.repo, env: Record<string, string> = {}): Result {
  return run([join(box.bin, "git"), "traces", ...args], { cwd, env: { ...box.env, ...env } });
}

function realGit(script: string, when = "2026-11-20T11:00:00Z"): string {
  return sh(script, { cwd: shop.repo, env: at(box.realEnv, when) }).trim();
}

beforeAll(() => {
  requireBinary();
  box = makeSandbox("summary");
  shop = makeShop(box, ["claude-code", "codex"]);
  initial = realGit("git rev-parse HEAD");
  shop.git(["add", "-A"]);
  shop.git(["commit", "-q", "-m", "Add login"]);
  login = realGit("git rev-parse HEAD");
  writeFileSync(join(shop.repo, "README.md"), "# shop\n\nBy hand.\n");
  shop.git(["commit", "-q", "-am", "Docs"], { env: at(box.env, "2026-11-20T10:20:00Z") });
  docs = realGit("git rev-parse HEAD");
  // A side branch by hand, merged without fast-forward: a merge commit with no traces.
  realGit(
    "git checkout -q -b side && echo side > side.txt && git add side.txt && git commit -q -m Side && git checkout -q feature/login && git merge -q --no-ff -m 'Merge side' side",
    "2026-11-20T10:30:00Z",
  );
  expect(shop.traces(login).length).toBe(2);
});
afterAll(() => box?.cleanup());

describe("a range with two agents, humans and a merge", () => {
  test("text", () => {
    const r = traces(["summary", `${initial}..HEAD`]);
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    const out = r.out;
    expect(out.split("\n").slice(0, 2)).toEqual([
      `Agent traces in ${initial}..HEAD`,
      "4 commits: 1 with agent traces, 2 by humans, 1 merge.",
    ]);
    expect(out).toContain(
      "Agents:\n    claude-code  1 commit   1 trace\n    codex        1 commit   1 trace\n    human        2 commits\n",
    );
    expect(out).toContain(
      "Models:\n    claude-opus-4-1-20250805    claude-code  1 commit  1 trace\n    claude-sonnet-4-5-20250929  claude-code  1 commit  1 trace\n    gpt-5-codex                 codex        1 commit  1 trace\n",
    );
    expect(out).toContain("Tool calls: 14 (1 read, 6 edit, 3 shell, 2 web fetch, 1 web search, 1 other)\n");
    expect(out).toContain(
      "Web pages loaded: 1\n    https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks (2×)\n",
    );
    expect(out).toContain("Web searches: 1\n    OWASP blocking brute force attacks login rate limiting\n");
    expect(out).toContain("Files touched: 2\n    src/auth.py\n    tests/test_auth.py\n");
    expect(out).toContain(
      "Tokens: 127,421 input, 6,494 output, 242,673 cache read, 33,323 cache write, 896 reasoning\n",
    );
    expect(out).toContain(
      `    ${SESSIONS.claude}  claude-code  claude-sonnet-4-5-20250929  Add login with rate limiting to src/auth.py and a test\n        commit ${login.slice(0, 7)}\n`,
    );
    expect(out).toContain(`    ${SESSIONS.codex}  codex  gpt-5-codex  Add login`);
  });

  test("Markdown, for the pull request", () => {
    const r = traces(["summary", `${initial}..HEAD`, "--markdown"]);
    expect(r.exitCode).toBe(0);
    const md = r.out;
    expect(
      md.startsWith(
        `### Agent traces in \`${initial}..HEAD\`\n\n4 commits: 1 with agent traces, 2 by humans, 1 merge.\n\n` +
          // Lines: src/auth.py 2-4 by both sessions (their payloads do not apply to it: file-level),
          // the test file's 2 lines and the human commits' 3 by people (test_auth.py holds neither's payload).
          "**Lines added:** 8: human 62.5% (5), claude-code claude-sonnet-4-5-20250929 + codex gpt-5-codex 37.5% (3)\n\n" +
          `| Agent | Commits | Traces |\n| --- | ---: | ---: |\n| claude-code | 1 | 1 |\n| codex | 1 | 1 |\n| human | 2 | |\n`,
      ),
    ).toBe(true);
    expect(md).toContain("| `gpt-5-codex` | codex | 1 | 1 |");
    expect(md).toContain("**Tool calls:** 14 (1 read, 6 edit, 3 shell, 2 web fetch, 1 web search, 1 other)");
    expect(md).toContain(
      "**Web pages loaded**\n\n- <https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks> (2×)\n",
    );
    expect(md).toContain("**Web searches**\n\n- OWASP blocking brute force attacks login rate limiting\n");
    expect(md).toContain("**Files touched** (2)\n\n- `src/auth.py`\n- `tests/test_auth.py`\n");
    expect(md).toContain(
      `| \`git traces show ${SESSIONS.claude}\` | claude-code | \`claude-sonnet-4-5-20250929\` | ` +
        `Add login with rate limiting to src/auth.py and a test | 7 min | 163,721 | \`${login.slice(0, 7)}\` |\n`,
    );
  });

  test("JSON, as the schema describes", () => {
    const r = traces(["summary", `${initial}..HEAD`, "--json"]);
    expect(r.exitCode).toBe(0);
    const s = JSON.parse(r.out);
    expect(v.safeParse(SummarySchema, s).success).toBe(true);
    expect(s.range).toBe(`${initial}..HEAD`);
    expect(s.commits).toEqual({ total: 4, withTraces: 1, human: 2, merges: 1 });
    expect(s.humanCommits.map((c: { subject: string }) => c.subject)).toEqual(["Docs", "Side"]);
    expect(s.tools).toEqual({ read: 1, edit: 6, shell: 3, web_fetch: 2, web_search: 1, other: 1, total: 14 });
    expect(s.web).toEqual({
      fetched: [{ url: "https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks", count: 2 }],
      searches: [{ query: "OWASP blocking brute force attacks login rate limiting", count: 1 }],
      tracesWithContent: 2,
    });
    expect(s.files).toEqual([
      { path: "src/auth.py", traces: expect.arrayContaining([SESSIONS.claude, SESSIONS.codex]) },
      { path: "tests/test_auth.py", traces: expect.arrayContaining([SESSIONS.claude, SESSIONS.codex]) },
    ]);
    expect(
      s.traces.map((t: { id: string; available: boolean; commits: string[] }) => [t.id, t.available, t.commits]),
    ).toEqual(
      expect.arrayContaining([
        [SESSIONS.claude, true, [login]],
        [SESSIONS.codex, true, [login]],
      ]),
    );
  });

  test("a trace whose transcript is not here counts from its note; its pages are unknown, and the output says so", () => {
    const path = codexTranscript(box.home);
    // Neither its transcript nor a snapshot of it (docs/sharing.md), nor shared content.
    const snapshots = join(box.home, ".local", "share", "git-traces", "snapshots");
    sh(`mv '${path}' '${path}.away' && mkdir -p '${snapshots}' && mv '${snapshots}' '${snapshots}.away'`);
    try {
      const s = JSON.parse(traces(["summary", `${initial}..HEAD`, "--json"]).out);
      // Codex's note counts {shell:1, web_search_call:2, apply_patch:3, shell_command:1}.
      expect(s.tools).toEqual({ read: 1, edit: 6, shell: 3, web_fetch: 1, web_search: 2, other: 1, total: 14 });
      expect(s.web).toEqual({
        fetched: [{ url: "https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks", count: 1 }],
        searches: [],
        tracesWithContent: 1,
      });
      expect(s.traces.find((t: { id: string }) => t.id === SESSIONS.codex).available).toBe(false);
      expect(s.tokens.reasoning).toBe(896); // from the note
      const text = traces(["summary", `${initial}..HEAD`]).out;
      expect(text).toContain(
        "Web pages loaded: 1 (only from 1 of 2 traces: the others' transcripts are not on this machine)\n",
      );
      expect(text).toContain(`commit ${login.slice(0, 7)}; transcript not on this machine\n`);
      const md = traces(["summary", `${initial}..HEAD`, "--markdown"]).out;
      expect(md).toContain(
        "**Web searches** (only from 1 of 2 traces: the others' transcripts are not on this machine)\n\n- none\n",
      );
    } finally {
      sh(`mv '${path}.away' '${path}' && mv '${snapshots}.away' '${snapshots}'`);
    }
  });
});

describe("other ranges", () => {
  test("a single commit stands alone", () => {
    const s = JSON.parse(traces(["summary", login, "--json"]).out);
    expect(s.commits).toEqual({ total: 1, withTraces: 1, human: 0, merges: 0 });
    expect(traces(["summary", login]).out.split("\n")[1]).toBe("1 commit, all with agent traces.");
  });

  test("no traces in the range: said plainly, status 0", () => {
    const r = traces(["summary", docs]);
    expect(r.exitCode).toBe(0);
    expect(r.out).toBe(`Agent traces in ${docs}\n1 commit by a human, no agent traces.\n`);
    expect(traces(["summary", `${login}..HEAD`, "--markdown"]).out).toBe(
      `### Agent traces in \`${login}..HEAD\`\n\n3 commits (2 by humans, 1 merge), no agent traces.\n`,
    );
    const none = traces(["summary", "HEAD..HEAD", "--json"]);
    expect(none.exitCode).toBe(0);
    const s = JSON.parse(none.out);
    expect(v.safeParse(SummarySchema, s).success).toBe(true);
    expect(s.commits.total).toBe(0);
    expect(traces(["summary", "HEAD..HEAD"]).out).toBe("Agent traces in HEAD..HEAD\nNo commits in this range.\n");
  });

  test("a bad revision: git's message on one line, status 128", () => {
    const r = traces(["summary", "nope..HEAD"]);
    expect(r.exitCode).toBe(128);
    expect(r.out).toBe("");
    expect(r.err).toBe("git-traces: bad revision 'nope..HEAD'\n");
  });

  test("without a range: the branch against its upstream, or a usage error when it has none", () => {
    const none = traces(["summary"]);
    expect(none.exitCode).toBe(129);
    expect(none.err.trimEnd().split("\n")[0]).toBe(
      "git-traces: which commits? give a range such as origin/main..HEAD (this branch has no upstream to compare with)",
    );
    const remote = join(box.dir, "origin.git");
    realGit(
      `git init -q --bare '${remote}' && git remote add origin '${remote}' && git push -q origin ${initial}:refs/heads/feature/login && git fetch -q origin && git branch -q -u origin/feature/login`,
    );
    try {
      const r = traces(["summary"]);
      expect(r.exitCode).toBe(0);
      expect(r.out.split("\n").slice(0, 2)).toEqual([
        "Agent traces in refs/remotes/origin/feature/login..HEAD",
        "4 commits: 1 with agent traces, 2 by humans, 1 merge.",
      ]);
    } finally {
      realGit("git branch -q --unset-upstream && git remote remove origin");
    }
  });

  test("usage errors and help", () => {
    expect(traces(["summary", "HEAD", "--markdown", "--json"]).exitCode).toBe(129);
    expect(traces(["summary", "--frobnicate"]).exitCode).toBe(129);
    const help = traces(["summary", "--help"]);
    expect(help.exitCode).toBe(0);
    expect(help.out).toContain("EXAMPLES");
    expect(help.out).toContain("origin/main..HEAD --markdown");
  });
});

test("a hostile note in the range is summarized safely", () => {
  writeFileSync(join(shop.repo, "evil.txt"), "x\n");
  const evil = realGit("git add evil.txt && git commit -q -m Evil && git rev-parse HEAD", "2026-11-20T11:30:00Z");
  const meta = JSON.stringify({
    agent: "\u001b[2Jagent",
    model: "m\u009b31m",
    title: `\u202e${"T".repeat(50_000)}`,
    files: ["a\u001b]8;;x\u0007.py", "@everyone |x|"],
  });
  const file = join(box.dir, "note");
  writeFileSync(
    file,
    Buffer.concat([
      Buffer.from(`traces-meta:evil ${meta}\ntraces:evil https://x.test/\u001b[2J\ntraces:../../etc/passwd\n`),
      Buffer.from([0xff, 0x9b, 0x0a]),
    ]),
  );
  realGit(`git notes --ref=refs/notes/traces add -f -F '${file}' ${evil}`);
  try {
    for (const format of [[], ["--markdown"]]) {
      const r = traces(["summary", evil, ...format]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout.some((b) => (b < 0x20 && b !== 0x0a) || b === 0x7f)).toBe(false);
      expect(r.out).not.toMatch(/[\u0080-\u009f\u202e]/);
      expect(r.out).not.toContain("passwd");
      expect(Math.max(...r.out.split("\n").map((l) => l.length))).toBeLessThan(500);
    }
    const md = traces(["summary", evil, "--markdown"]).out;
    expect(md).toContain("- `@everyone |x|`\n- `a^[]8;;x^G.py`\n");
    expect(md).toContain("| ^\\[\\[2Jagent | 1 | 1 |");
    expect(md).toContain("| `git traces show evil` <https://x.test/^[[2J> | ^\\[\\[2Jagent |");
    expect(md).toContain(
      "**Web pages loaded** (unknown: no transcript of these traces is on this machine)\n\n**Web searches**",
    );
    const json = traces(["summary", evil, "--json"]);
    expect(json.stdout.some((b) => b < 0x20 && b !== 0x0a)).toBe(false);
    expect(v.safeParse(SummarySchema, JSON.parse(json.out)).success).toBe(true);
  } finally {
    realGit(`git reset -q --hard HEAD~1`);
  }
});

test("an empty repository: one line, status 128", () => {
  const empty = join(box.dir, "empty");
  sh(`git init -q '${empty}'`, { env: box.realEnv });
  const r = traces(["summary"], empty);
  expect(r.exitCode).toBe(128);
  expect(r.err).toBe("git-traces: this repository has no commits yet: nothing to summarize\n");
  const ranged = traces(["summary", "origin/main..HEAD", "--markdown"], empty);
  expect(ranged.exitCode).toBe(128);
  expect(ranged.err).toBe("git-traces: bad revision 'origin/main..HEAD' (this repository has no commits yet)\n");
});
