// summary --markdown as a pull-request comment: every trace with its title, agent, model,
// duration, tokens and link (or the command that shows it), long lists folded, and never
// longer than GitHub takes (65,536 characters): traces beyond are counted.

import { expect, test } from "bun:test";
import type { AttachedTrace } from "../../src/views/attached.ts";
import { summarize } from "../../src/views/summary.ts";
import { durationText, MARKDOWN_MAX, renderSummaryMarkdown } from "../../src/views/summary-render.ts";

function range(n: number, opts: { title?: string; files?: number } = {}) {
  const commits = [];
  const attached = new Map<string, AttachedTrace[]>();
  for (let i = 0; i < n; i++) {
    const oid = (i + 1).toString(16).padStart(40, "0");
    commits.push({ oid, subject: `commit ${i}`, parents: ["f".repeat(40)] });
    const id = `0193c6a1-7e2b-7c3d-9f4e-${i.toString().padStart(12, "0")}`;
    attached.set(oid, [
      {
        id,
        source: "git-traces",
        agent: i % 2 ? "codex" : "claude-code",
        models: [i % 2 ? "gpt-5-codex" : "claude-sonnet-4-5-20250929"],
        title: opts.title ?? `Make the login form remember the user for thirty days, part ${i}`,
        files: Array.from({ length: opts.files ?? 3 }, (_, k) => `src/feature-${i}/module-${k}.ts`),
        start: "2026-11-20T10:00:00Z",
        end: "2026-11-20T10:42:30Z",
        tokens: { input: 120_000 + i, output: 8_000, cacheRead: 2_000_000 },
        ...(i % 3 === 0 ? { url: `https://traces.example.com/t/${id}` } : {}),
      },
    ]);
  }
  return summarize({ range: "origin/main..HEAD", commits, attached, sessions: new Map() });
}

test("200 traces: each one listed, folded, under 65,000 characters", () => {
  const md = renderSummaryMarkdown(range(200));
  expect(md.length).toBeLessThan(65_000);
  expect(md).toContain("<details><summary><b>Traces</b> (200)</summary>");
  expect(md).toContain("<details><summary>600 files touched</summary>");
  // Every trace is there: 200 rows.
  expect(md.match(/^\| (\[`|`git traces show )/gm)?.length).toBe(200);
  expect(md).toContain(
    "| [`0193c6a1`](https://traces.example.com/t/0193c6a1-7e2b-7c3d-9f4e-000000000000) | claude-code | " +
      "`claude-sonnet-4-5-20250929` | Make the login form remember the user for thirty days, part 0 | " +
      "43 min | 2,128,000 |",
  );
  expect(md).toContain("| `git traces show 0193c6a1-7e2b-7c3d-9f4e-000000000001` | codex | `gpt-5-codex` |");
  expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
});

test("more than fit: the rows that fit, then a count of the rest, never an error", () => {
  const md = renderSummaryMarkdown(range(2_000, { title: "x".repeat(100) }));
  expect(md.length).toBeLessThanOrEqual(MARKDOWN_MAX);
  const shown = md.match(/^\| (\[`|`git traces show )/gm)?.length ?? 0;
  expect(shown).toBeGreaterThan(100);
  expect(md).toContain(`… and ${(2_000 - shown).toLocaleString("en-US")} more traces: `);
  expect(md).toContain("</details>");
});

test("durations read as people say them", () => {
  expect(durationText(null)).toBe("");
  expect(durationText(42)).toBe("42 s");
  expect(durationText(2550)).toBe("43 min");
  expect(durationText(3 * 3600 + 5 * 60)).toBe("3 h 05 min");
});
