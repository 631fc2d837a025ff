// git traces stats, the pure part: lines added per agent and model, and by people, with line
// ranges where notes give them and file lists where they do not; merges left out.

import { expect, test } from "bun:test";
import * as v from "valibot";
import type { AttachedTrace } from "../../src/views/attached.ts";
import type { FileAdditions } from "../../src/views/diff-hunks.ts";
import { painter } from "../../src/views/render.ts";
import { lineStats, renderStatsText, StatsSchema, statsMarkdown } from "../../src/views/stats.ts";

const enc = new TextEncoder();
const add = (path: string, start: number, end: number): FileAdditions => ({
  path,
  ranges: [{ start, end, bytes: enc.encode("x\n".repeat(end - start + 1)) }],
});
const A = "a".repeat(40);
const B = "b".repeat(40);
const M = "c".repeat(40);

test("line ranges, file lists and the people: counts and shares adding up to every added line", () => {
  const claude: AttachedTrace = {
    id: "c-1",
    source: "git-traces",
    agent: "claude-code",
    models: ["claude-sonnet-4-5"],
    files: ["m.py"],
    lines: { "m.py": [[1, 6]] },
  };
  const codex: AttachedTrace = {
    id: "x-1",
    source: "git-traces",
    agent: "codex",
    models: ["gpt-5-codex"],
    files: ["n.py"],
  };
  const stats = lineStats({
    range: "main..HEAD",
    commits: [
      { oid: A, parents: ["0".repeat(40)] },
      { oid: B, parents: [A] },
      { oid: M, parents: [A, B] },
    ],
    additions: new Map([
      [A, [add("m.py", 1, 8), add("n.py", 1, 4)]],
      [B, [add("README.md", 1, 2)]],
      [M, [add("m.py", 1, 100)]],
    ]),
    attached: new Map([
      [A, [claude, codex]],
      [M, [claude]],
    ]),
  });
  expect(v.safeParse(StatsSchema, stats).success).toBe(true);
  expect(stats).toMatchObject({ commits: 2, lines: 14, exact: 8 });
  expect(stats.shares.map((s) => [s.by.map((b) => b.agent).join("+") || s.attribution, s.lines])).toEqual([
    ["claude-code", 6],
    ["codex", 4],
    ["human", 4],
  ]);
  expect(renderStatsText(stats, painter({ color: false }))).toBe(
    "Lines added in main..HEAD: 14 in 2 commits\n" +
      "  42.9%  6  claude-code claude-sonnet-4-5\n" +
      "  28.6%  4  codex gpt-5-codex\n" +
      "  28.6%  4  human\n" +
      "  (57.1% of them line-exact: the rest by the files a note lists)\n",
  );
  expect(statsMarkdown(stats)).toBe(
    "**Lines added:** 14: claude-code claude-sonnet-4-5 42.9% (6), codex gpt-5-codex 28.6% (4), human 28.6% (4)",
  );
});
