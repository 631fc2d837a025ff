// `git traces summary` without git: the aggregation over a range and its text and
// Markdown renderings, from hand-made commits, notes and sessions.

import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import type { Paint } from "../../src/views/render.ts";
import type { AttachedTrace } from "../../src/views/attached.ts";
import { summarize, SummarySchema, type RangeCommit } from "../../src/views/summary.ts";
import { headlineText, renderSummaryMarkdown, renderSummaryText } from "../../src/views/summary-render.ts";
import { emptyTokens, type Trace } from "../../src/traces/model.ts";

const plain = new Proxy({}, { get: () => (t: string) => t }) as Paint;
const C1 = "1".repeat(40);
const C2 = "2".repeat(40);
const C3 = "3".repeat(40);
const M = "4".repeat(40);
const CLAUDE = "3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48";
const CODEX = "01a1f866-0d00-7aef-b735-c77a7fcfe598";

const commits: RangeCommit[] = [
  { oid: C1, parents: ["0".repeat(40)], subject: "Add login" },
  { oid: C2, parents: [C1], subject: "Fix SQL" },
  { oid: C3, parents: [C2], subject: "Docs by hand" },
  { oid: M, parents: [C3, "5".repeat(40)], subject: "Merge branch x" },
];

const claudeNote: AttachedTrace = {
  id: CLAUDE,
  source: "git-traces",
  url: "https://traces.example.com/t/abc",
  agent: "claude-code",
  models: ["claude-sonnet-4-5"],
  title: "Add login",
  files: ["src/auth.py"],
  tools: { Read: 1 },
};
const codexNote: AttachedTrace = {
  id: CODEX,
  source: "git-traces",
  agent: "codex",
  models: ["gpt-5-codex"],
  title: "Add login too",
  files: ["tests/test_auth.py"],
  tools: { shell: 2, web_search_call: 2, apply_patch: 3 },
  tokens: { input: 100, output: 10 },
};

const claudeSession: Trace = {
  id: CLAUDE,
  agent: "claude-code",
  models: ["claude-sonnet-4-5", "claude-opus-4-1"],
  title: "Add login",
  tools: [
    { kind: "read", name: "Read", paths: ["src/auth.py"] },
    { kind: "web_fetch", name: "WebFetch", url: "https://owasp.org/x" },
    { kind: "web_fetch", name: "WebFetch", url: "https://owasp.org/x" },
    { kind: "web_search", name: "WebSearch", query: "brute force" },
    { kind: "edit", name: "Edit", paths: ["src/auth.py"] },
    { kind: "shell", name: "Bash", command: "pytest" },
  ],
  messages: [],
  tokens: { ...emptyTokens(), input: 5, output: 7, cacheRead: 100 },
};

describe("summarize", () => {
  const s = summarize({
    range: "origin/main..HEAD",
    commits,
    attached: new Map([
      [C1, [claudeNote, codexNote]],
      [C2, [{ ...claudeNote, files: ["src/auth.py", "src/db.py"] }]],
    ]),
    sessions: new Map([[CLAUDE, claudeSession]]),
  });

  test("commits: with traces, by humans, merges apart", () => {
    expect(s.commits).toEqual({ total: 4, withTraces: 2, human: 1, merges: 1 });
    expect(s.humanCommits).toEqual([{ oid: C3, subject: "Docs by hand" }]);
  });

  test("agents and models, with the commits and traces of each; a trace counts once", () => {
    expect(s.agents).toEqual([
      { agent: "claude-code", source: "git-traces", commits: 2, traces: 1 },
      { agent: "codex", source: "git-traces", commits: 1, traces: 1 },
    ]);
    expect(s.models).toEqual([
      { model: "claude-opus-4-1", agents: ["claude-code"], commits: 2, traces: 1 },
      { model: "claude-sonnet-4-5", agents: ["claude-code"], commits: 2, traces: 1 },
      { model: "gpt-5-codex", agents: ["codex"], commits: 1, traces: 1 },
    ]);
  });

  test("tool calls by kind: from the session when here, from the note's names otherwise", () => {
    expect(s.tools).toEqual({ read: 1, edit: 4, shell: 3, web_fetch: 2, web_search: 3, other: 0, total: 13 });
  });

  test("web pages and searches come from the sessions that are here", () => {
    expect(s.web).toEqual({
      fetched: [{ url: "https://owasp.org/x", count: 2 }],
      searches: [{ query: "brute force", count: 1 }],
      tracesWithContent: 1,
    });
  });

  test("files of the range, with the traces that touched them; tokens summed", () => {
    expect(s.files).toEqual([
      { path: "src/auth.py", traces: [CLAUDE] },
      { path: "src/db.py", traces: [CLAUDE] },
      { path: "tests/test_auth.py", traces: [CODEX] },
    ]);
    expect(s.tokens).toEqual({ input: 105, output: 17, cacheRead: 100, cacheWrite: 0, reasoning: 0 });
  });

  test("one entry per trace, with its link, commits and whether it is here", () => {
    expect(s.traces).toEqual([
      {
        id: CLAUDE,
        source: "git-traces",
        agent: "claude-code",
        models: ["claude-sonnet-4-5", "claude-opus-4-1"],
        title: "Add login",
        url: "https://traces.example.com/t/abc",
        commits: [C1, C2],
        available: true,
        durationS: null,
        tokens: { input: 5, output: 7, cacheRead: 100, cacheWrite: 0, reasoning: 0 },
      },
      {
        id: CODEX,
        source: "git-traces",
        agent: "codex",
        models: ["gpt-5-codex"],
        title: "Add login too",
        url: null,
        commits: [C1],
        available: false,
        durationS: null,
        tokens: { input: 100, output: 10, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      },
    ]);
  });

  test("the JSON is what the schema says", () => {
    expect(v.safeParse(SummarySchema, s).success).toBe(true);
  });

  test("text", () => {
    const out = renderSummaryText(s, plain);
    expect(out.split("\n").slice(0, 2)).toEqual([
      "Agent traces in origin/main..HEAD",
      "4 commits: 2 with agent traces, 1 by a human, 1 merge.",
    ]);
    expect(out).toContain(
      "    claude-code  2 commits  1 trace\n    codex        1 commit   1 trace\n    human        1 commit\n",
    );
    expect(out).toContain("Tool calls: 13 (1 read, 4 edit, 3 shell, 2 web fetch, 3 web search)");
    expect(out).toContain(
      "Web pages loaded: 1 (only from 1 of 2 traces: the others' transcripts are not on this machine)\n    https://owasp.org/x (2×)\n",
    );
    expect(out).toContain(
      `    ${CODEX}  codex  gpt-5-codex  Add login too\n        commit 111111111111; transcript not on this machine\n`,
    );
    expect(out).toContain("        https://traces.example.com/t/abc; commits 111111111111, 222222222222\n");
  });

  test("Markdown", () => {
    const md = renderSummaryMarkdown(s);
    expect(
      md.startsWith(
        "### Agent traces in `origin/main..HEAD`\n\n4 commits: 2 with agent traces, 1 by a human, 1 merge.\n",
      ),
    ).toBe(true);
    expect(md).toContain(
      "| Agent | Commits | Traces |\n| --- | ---: | ---: |\n| claude-code | 2 | 1 |\n| codex | 1 | 1 |\n| human | 1 | |\n",
    );
    expect(md).toContain("| `gpt-5-codex` | codex | 1 | 1 |");
    expect(md).toContain("- <https://owasp.org/x> (2×)");
    expect(md).toContain("- `src/db.py`");
    expect(md).toContain(
      "| [`3f6c1d2e`](https://traces.example.com/t/abc) | claude-code | `claude-sonnet-4-5` | Add login |  | 112 | " +
        "`111111111111`, `222222222222` |\n",
    );
    // No URL: the command that shows it.
    expect(md).toContain(`| \`git traces show ${CODEX}\` | codex | \`gpt-5-codex\` | Add login too |  | 110 |`);
  });
});

describe("empty states", () => {
  test("no commits", () => {
    const s = summarize({ range: "HEAD..HEAD", commits: [], attached: new Map(), sessions: new Map() });
    expect(headlineText(s)).toBe("No commits in this range.");
    expect(renderSummaryText(s, plain)).toBe("Agent traces in HEAD..HEAD\nNo commits in this range.\n");
    expect(renderSummaryMarkdown(s)).toBe("### Agent traces in `HEAD..HEAD`\n\nNo commits in this range.\n");
  });

  test("commits, none with traces", () => {
    const s = summarize({ range: "a..b", commits: commits.slice(2, 3), attached: new Map(), sessions: new Map() });
    expect(headlineText(s)).toBe("1 commit by a human, no agent traces.");
    const m = summarize({ range: "a..b", commits: commits.slice(2), attached: new Map(), sessions: new Map() });
    expect(headlineText(m)).toBe("2 commits (1 by a human, 1 merge), no agent traces.");
    expect(v.safeParse(SummarySchema, m).success).toBe(true);
  });

  test("untrusted notes: controls shown, not obeyed, in text and Markdown", () => {
    const bad: AttachedTrace = {
      id: "evil",
      source: "git-traces",
      url: "https://x.test/\u001b[2J",
      agent: "a\u001b]0;x\u0007",
      models: ["m\u009b1m"],
      title: "t\u202e",
      files: ["f\u001b[31m.py"],
    };
    const s = summarize({
      range: "r\u001b",
      commits: commits.slice(0, 1),
      attached: new Map([[C1, [bad]]]),
      sessions: new Map(),
    });
    for (const out of [renderSummaryText(s, plain), renderSummaryMarkdown(s)]) {
      expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(out).toContain("f^[[31m.py");
    }
  });
});
