// The pieces every history renderer shares: Markdown from untrusted text, text cut to size,
// times, and tool kinds from the names a note counts.

import { describe, expect, test } from "bun:test";
import { mdCell, mdCode, mdFence, mdLines, mdQuote, mdText, mdUrl } from "../../src/views/markdown.ts";
import { clipBlock, clipLine, duration, timeOfDay, utcTime } from "../../src/traces/text.ts";
import { kindOfToolName, kindsFromToolCounts } from "../../src/traces/tool-kinds.ts";

describe("Markdown from untrusted text", () => {
  test("inline text shows as typed: emphasis, links, HTML, mentions and tables are escaped", () => {
    expect(mdText("use *foo* and [x](y) <b> @alice #12 a|b")).toBe(
      "use \\*foo\\* and \\[x\\](y) \\<b\\> \\@alice \\#12 a\\|b",
    );
    expect(mdText("- not a list")).toBe("\\- not a list");
    expect(mdText("1. not a list either")).toBe("1\\. not a list either");
    expect(mdText("plain words stay plain")).toBe("plain words stay plain");
    expect(mdText("2) and + and 2026 stay")).toBe("2\\) and + and 2026 stay");
    expect(mdText("+ x")).toBe("\\+ x");
  });

  test("terminal controls become visible before any escaping", () => {
    expect(mdText("red \u001b[31mtext\u009b2J")).toBe("red ^\\[\\[31mtextM-^\\[2J");
    expect(mdText("two\nlines")).toBe("two^J" + "lines");
    expect(mdLines("a\n*b*")).toBe("a  \n\\*b\\*");
  });

  test("a code span holds backticks; a fence cannot be closed by its content", () => {
    expect(mdCode("a`b")).toBe("``a`b``");
    expect(mdCode("`x`")).toBe("`` `x` ``");
    expect(mdFence("echo hi", "sh")).toBe("```sh\necho hi\n```");
    expect(mdFence("```\nrm -rf /\n````", "sh")).toBe("`````sh\n```\nrm -rf /\n````\n`````");
  });

  test("a quote keeps every line inside it, blank ones too", () => {
    expect(mdQuote("a\n\n```\nopen fence")).toBe("> a\n>\n> ```\n> open fence");
  });

  test("only plain http(s) URLs become links", () => {
    expect(mdUrl("https://example.com/a?b=c")).toBe("<https://example.com/a?b=c>");
    expect(mdUrl("javascript:alert(1)")).toBe("`javascript:alert(1)`");
    expect(mdUrl("https://x.test/<script>")).toBe("`https://x.test/<script>`");
  });

  test("table cells escape pipes once", () => {
    expect(mdCell("`a|b` and c\\|d")).toBe("`a\\|b` and c\\|d");
  });
});

describe("text cut to size", () => {
  test("one line: controls visible, long text cut with a marker", () => {
    expect(clipLine("a\u001bb\nc")).toBe("a^[b^Jc");
    const long = clipLine("x".repeat(100_000), 200);
    expect(long.length).toBe(200);
    expect(long.endsWith("…")).toBe(true);
    // never half of a surrogate pair
    expect(clipLine(`${"a".repeat(8)}😀😀`, 10)).toBe("aaaaaaaa…");
  });

  test("blocks: cut by lines or characters, the rest counted", () => {
    const c = clipBlock(Array.from({ length: 50 }, (_, i) => `line ${i}`).join("\n"), 10, 10_000);
    expect(c.text.split("\n")).toHaveLength(10);
    expect(c.hiddenLines).toBe(40);
    const d = clipBlock("y".repeat(5000), 10, 1000);
    expect(d.text.length).toBe(1000);
    expect(d.hiddenChars).toBe(4000);
    expect(clipBlock("short\n", 10, 100)).toEqual({ text: "short", hiddenLines: 0, hiddenChars: 0 });
  });

  test("times and durations", () => {
    expect(utcTime("2026-11-20T10:00:05.112Z")).toBe("2026-11-20 10:00:05 UTC");
    expect(utcTime("not a time \u001b[2J")).toBe("not a time ^[[2J");
    expect(timeOfDay("2026-11-20T10:06:30Z", "2026-11-20T10:00:00Z")).toBe("10:06:30");
    expect(timeOfDay("2026-11-21T01:00:00Z", "2026-11-20T10:00:00Z")).toBe("2026-11-21 01:00:00 UTC");
    expect(duration("2026-11-20T10:00:05.112Z", "2026-11-20T10:06:53.257Z")).toBe("6m 48s");
    expect(duration("2026-11-20T10:00:00Z", "2026-11-20T12:05:00Z")).toBe("2h 5m");
    expect(duration("2026-11-20T10:00:00Z", "garbage")).toBeUndefined();
  });
});

describe("tool kinds from a note's counts by name", () => {
  test("Claude Code and Codex names", () => {
    expect(kindsFromToolCounts({ Read: 1, Task: 1, WebFetch: 1, Edit: 2, Write: 1, Bash: 1 })).toEqual({
      read: 1,
      edit: 3,
      shell: 1,
      web_fetch: 1,
      web_search: 0,
      other: 1,
    });
    expect(kindsFromToolCounts({ shell: 1, web_search_call: 2, apply_patch: 3, shell_command: 1 })).toEqual({
      read: 0,
      edit: 3,
      shell: 2,
      web_fetch: 0,
      web_search: 2,
      other: 0,
    });
  });

  test("unknown names are other; counts that are no whole non-negative number are ignored", () => {
    expect(kindOfToolName("constructor")).toBe("other");
    expect(kindOfToolName("__proto__")).toBe("other");
    expect(kindsFromToolCounts({ Edit: -3, Bash: 1.5, Read: 1e300, Grep: 2, Frob: 4 })).toEqual({
      read: 2,
      edit: 0,
      shell: 0,
      web_fetch: 0,
      web_search: 0,
      other: 4,
    });
  });
});
