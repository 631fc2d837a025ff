// `git traces show` without git: the view of a trace (timeline, tool lines, files, tokens)
// and its text and Markdown renderings, from hand-made traces.

import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import type { Paint } from "../../src/views/render.ts";
import type { AttachedTrace } from "../../src/views/attached.ts";
import { ShowOutputSchema } from "../../src/views/schemas.ts";
import { MESSAGE_LINES, NOT_HERE, renderTraceMarkdown, renderTraceText } from "../../src/views/show-render.ts";
import { filesTouched, summarizeTool, timeline, tokensOf, toolKinds, type TraceView } from "../../src/views/view.ts";
import { emptyTokens, type Trace } from "../../src/traces/model.ts";
import { safeJson } from "../../src/traces/safe-json.ts";

const plain = new Proxy({}, { get: () => (t: string) => t }) as Paint;
const ID = "3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48";
const COMMIT = "13b69414d492d5d6ff51f268554c2ce73b5bde42";

function session(over: Partial<Trace> = {}): Trace {
  return {
    id: ID,
    agent: "claude-code",
    agentVersion: "2.0.69",
    models: ["claude-sonnet-4-5-20250929"],
    title: "Add login",
    start: "2026-11-20T10:00:00Z",
    end: "2026-11-20T10:06:00Z",
    cwd: "/w/shop",
    branch: "feature/login",
    tools: [
      { kind: "read", name: "Read", at: "2026-11-20T10:00:10Z", paths: ["src/auth.py"] },
      { kind: "web_fetch", name: "WebFetch", at: "2026-11-20T10:00:20Z", url: "https://owasp.org/x" },
      { kind: "edit", name: "Edit", at: "2026-11-20T10:01:00Z", paths: ["src/auth.py"] },
      { kind: "shell", name: "Bash", at: "2026-11-20T10:02:00Z", command: "pytest -q" },
      { kind: "web_search", name: "WebSearch", at: "2026-11-20T10:02:30Z", query: "rate limiting" },
    ],
    messages: [
      { role: "user", text: "Add login", at: "2026-11-20T10:00:00Z" },
      { role: "assistant", text: "Reading first.", at: "2026-11-20T10:00:05Z", model: "claude-sonnet-4-5-20250929" },
      { role: "assistant", text: "Done.", at: "2026-11-20T10:03:00Z", model: "claude-sonnet-4-5-20250929" },
    ],
    tokens: { ...emptyTokens(), input: 67, output: 3242 },
    ...over,
  };
}

const note: AttachedTrace = {
  id: ID,
  source: "git-traces",
  url: "https://traces.example.com/t/3f6c",
  agent: "claude-code",
  models: ["claude-sonnet-4-5-20250929"],
  title: "Add login",
  files: ["src/auth.py", "tests/test_auth.py"],
  start: "2026-11-20T10:00:00Z",
  end: "2026-11-20T10:06:00Z",
  tools: { Read: 1, Edit: 2, Bash: 1, WebFetch: 1 },
  tokens: { input: 10, output: 20 },
};

describe("the view of a trace", () => {
  test("messages and tool calls in the order they happened", () => {
    const steps = timeline(session()).map((s) =>
      s.type === "message" ? `${s.message.role}:${s.message.text}` : `tool:${s.call.name}`,
    );
    expect(steps).toEqual([
      "user:Add login",
      "assistant:Reading first.",
      "tool:Read",
      "tool:WebFetch",
      "tool:Edit",
      "tool:Bash",
      "tool:WebSearch",
      "assistant:Done.",
    ]);
  });

  test("items without a time stay after the one before them in their own list", () => {
    const t = session({
      messages: [
        { role: "user", text: "a" },
        { role: "assistant", text: "b" },
      ],
      tools: [{ kind: "read", name: "Read", at: "2026-11-20T10:00:00Z" }],
    });
    expect(timeline(t).map((s) => s.type)).toEqual(["message", "message", "tool"]);
  });

  test("one line per tool call: verb and object", () => {
    const [read, fetch, edit, run, search] = session().tools.map(summarizeTool);
    expect(read).toEqual({ verb: "read", object: "src/auth.py" });
    expect(fetch).toEqual({ verb: "fetch", object: "https://owasp.org/x", url: "https://owasp.org/x" });
    expect(edit).toEqual({ verb: "edit", object: "src/auth.py" });
    expect(run).toEqual({ verb: "run", object: "pytest -q", command: "pytest -q" });
    expect(search).toEqual({ verb: "search", object: "rate limiting" });
    expect(summarizeTool({ kind: "other", name: "Task", detail: "Explore" })).toEqual({
      verb: "Task",
      object: "Explore",
    });
  });

  test("files, tool kinds and tokens: the session when here, else the note", () => {
    expect(filesTouched({ trace: session(), note })).toEqual([
      { path: "src/auth.py", read: true, edited: true },
      { path: "tests/test_auth.py", read: false, edited: true },
    ]);
    expect(toolKinds({ trace: session() })).toEqual({
      read: 1,
      edit: 1,
      shell: 1,
      web_fetch: 1,
      web_search: 1,
      other: 0,
    });
    expect(toolKinds({ note })).toEqual({ read: 1, edit: 2, shell: 1, web_fetch: 1, web_search: 0, other: 0 });
    expect(tokensOf({ note })).toEqual({ input: 10, output: 20, cacheRead: 0, cacheWrite: 0, reasoning: 0 });
    expect(tokensOf({ note: { ...note, tokens: { input: -1, output: 1e400, cacheRead: 2.6 } } })).toEqual({
      input: 0,
      output: 0,
      cacheRead: 3,
      cacheWrite: 0,
      reasoning: 0,
    });
    expect(tokensOf({})).toBeUndefined();
  });
});

describe("text", () => {
  const view: TraceView = { id: ID, note, commits: [{ oid: COMMIT, subject: "Add login" }], trace: session() };

  test("the header, the conversation, files, tool calls and tokens", () => {
    const out = renderTraceText(view, { full: false }, plain);
    expect(out).toBe(
      [
        `trace ${ID}`,
        "Agent:      claude-code 2.0.69",
        "Models:     claude-sonnet-4-5-20250929",
        "Title:      Add login",
        "Started:    2026-11-20 10:00:00 UTC",
        "Ended:      2026-11-20 10:06:00 UTC (6m 0s)",
        "Directory:  /w/shop",
        "Branch:     feature/login",
        "Commits:    13b69414d492 Add login",
        "URL:        https://traces.example.com/t/3f6c",
        "",
        "user 10:00:00",
        "    Add login",
        "",
        "assistant 10:00:05 claude-sonnet-4-5-20250929",
        "    Reading first.",
        "    · read   src/auth.py",
        "    · fetch  https://owasp.org/x",
        "    · edit   src/auth.py",
        "    · run    pytest -q",
        "    · search rate limiting",
        "",
        "assistant 10:03:00 claude-sonnet-4-5-20250929",
        "    Done.",
        "",
        "Files touched:",
        "    src/auth.py         read, edited",
        "    tests/test_auth.py  edited",
        "Tool calls: 5 (1 read, 1 edit, 1 shell, 1 web fetch, 1 web search)",
        "Tokens:     67 input, 3,242 output",
        "",
      ].join("\n"),
    );
  });

  test("long replies are cut with a marker that names --full; --full prints them whole", () => {
    const long = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
    const t = session({ messages: [{ role: "assistant", text: long }] });
    const cut = renderTraceText({ ...view, trace: t }, { full: false }, plain);
    expect(cut).toContain(`    line ${MESSAGE_LINES - 1}\n`);
    expect(cut).not.toContain(`line ${MESSAGE_LINES}\n`);
    expect(cut).toContain(`[… ${100 - MESSAGE_LINES} more lines; --full shows everything]`);
    const whole = renderTraceText({ ...view, trace: t }, { full: true }, plain);
    expect(whole).toContain("    line 99\n");
    expect(whole).not.toContain("--full");
  });

  test("a multi-line command takes one line unless --full", () => {
    const t = session({ tools: [{ kind: "shell", name: "Bash", command: "set -e\nmake\nmake test" }] });
    expect(renderTraceText({ ...view, trace: t }, { full: false }, plain)).toContain("    · run    set -e …\n");
    expect(renderTraceText({ ...view, trace: t }, { full: true }, plain)).toContain(
      "    · run    set -e\n             make\n             make test\n",
    );
  });

  test("hostile text is shown, never obeyed", () => {
    const t = session({
      title: "t\u001b]0;pwned\u0007",
      messages: [{ role: "user", text: "hi \u001b[2J\u009b31m\u202Eevil" }],
      tools: [{ kind: "shell", name: "Bash", command: "echo \u001b[31mred" }],
    });
    const out = renderTraceText({ id: ID, commits: [], trace: t }, { full: false }, plain);
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(out).toContain("hi ^[[2JM-^[31m<U+202E>evil");
    expect(out).toContain("t^[]0;pwned^G");
    expect(out).toContain("Commits:    none (not attached to any commit)");
  });

  test("a trace known only from its note: what the note carries, and the plain sentence", () => {
    const out = renderTraceText(
      { id: ID, note, commits: [{ oid: COMMIT, subject: "Add login" }] },
      { full: false },
      plain,
    );
    expect(out).toContain(NOT_HERE);
    expect(out).toContain("Agent:      claude-code\n");
    expect(out).toContain("URL:        https://traces.example.com/t/3f6c");
    expect(out).toContain("Tools:      Read 1, Edit 2, Bash 1, WebFetch 1");
    expect(out).toContain("Tool calls: 5 (1 read, 2 edit, 1 shell, 1 web fetch)");
    expect(out).toContain("    tests/test_auth.py  edited");
    expect(out).toContain("Tokens:     10 input, 20 output");
    expect(out).not.toContain("user ");
  });

  test("another tool's note says so", () => {
    const out = renderTraceText({ id: ID, note: { ...note, source: "git-ai" }, commits: [] }, { full: false }, plain);
    expect(out).toContain("Agent:      claude-code (named by git-ai)");
  });
});

describe("Markdown", () => {
  const view: TraceView = { id: ID, note, commits: [{ oid: COMMIT, subject: "Add *login* | now" }], trace: session() };

  test("a table header, the conversation in quotes, commands fenced", () => {
    const md = renderTraceMarkdown(view, { full: false });
    expect(md.startsWith(`## Trace \`${ID}\`\n\n| | |\n| --- | --- |\n| Agent | claude-code 2.0.69 |\n`)).toBe(true);
    expect(md).toContain("| Commits | `13b69414d492` Add \\*login\\* \\| now |");
    expect(md).toContain("| URL | <https://traces.example.com/t/3f6c> |");
    expect(md).toContain("**User** (10:00:00)\n\n> Add login\n");
    expect(md).toContain(
      "- **read** `src/auth.py`\n- **fetch** <https://owasp.org/x>\n- **edit** `src/auth.py`\n- **run**\n  ```sh\n  pytest -q\n  ```\n- **search** rate limiting",
    );
    expect(md).toContain("**Tool calls:** 5 (1 read, 1 edit, 1 shell, 1 web fetch, 1 web search)");
    expect(md).toContain("**Tokens:** 67 input, 3,242 output");
  });

  test("a prompt is escaped; a reply keeps its Markdown inside a quote it cannot leave", () => {
    const t = session({
      messages: [
        { role: "user", text: "make *this* <b>bold</b> @alice\n# not a heading" },
        { role: "assistant", text: "Here:\n```py\nunclosed fence\n<!-- and a comment" },
      ],
      tools: [{ kind: "shell", name: "Bash", command: "echo ```; rm x" }],
    });
    const md = renderTraceMarkdown({ ...view, trace: t }, { full: false });
    expect(md).toContain("> make \\*this\\* \\<b\\>bold\\</b\\> \\@alice  \n> \\# not a heading");
    expect(md).toContain("> Here:\n> ```py\n> unclosed fence\n> <!-- and a comment\n\n");
    expect(md).toContain("  ````sh\n  echo ```; rm x\n  ````");
  });

  test("escapes and controls never reach the Markdown raw", () => {
    const t = session({ title: "x\u001b[31m", messages: [{ role: "assistant", text: "a\u001b[2Jb\u009b" }] });
    const md = renderTraceMarkdown({ ...view, trace: t }, { full: false });
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  test("the note-only sentence, in Markdown", () => {
    const md = renderTraceMarkdown({ id: ID, note, commits: [] }, { full: false });
    expect(md).toContain(`*${NOT_HERE}*`);
    expect(md).toContain("**Tools:** `Read` 1, `Edit` 2, `Bash` 1, `WebFetch` 1");
    expect(md).not.toContain("### Conversation");
  });
});

describe("JSON", () => {
  test("the output schema accepts what show prints, and JSON escapes C1 and bidi controls", () => {
    const out = {
      query: "3f6c",
      resolvedAs: "trace",
      commit: null,
      redacted: false,
      traces: [
        {
          id: ID,
          available: true,
          source: "transcript",
          commits: [],
          note,
          lines: [{ commit: "13b69414d492d5d6ff51f268554c2ce73b5bde42", path: "src/auth.py", ranges: "2-7", count: 6 }],
          trace: session({ title: "a\u009bb\u202e" }),
          unreadable: null,
        },
      ],
    };
    expect(v.safeParse(ShowOutputSchema, out).success).toBe(true);
    const text = safeJson(out, 2);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(JSON.parse(text).traces[0].trace.title).toBe("a\u009bb\u202e");
  });
});

describe("the wiring: arguments to options", () => {
  test("show", async () => {
    const { showOptions } = await import("../../src/cli/commands/show.ts");
    const cases: [Parameters<typeof showOptions>[0], unknown][] = [
      [{ _: ["HEAD"] }, { target: "HEAD", format: "text", full: false, redacted: false }],
      [
        { _: ["3f6c"], markdown: true, full: true },
        { target: "3f6c", format: "markdown", full: true, redacted: false },
      ],
      [
        { _: ["3f6c"], json: true },
        { target: "3f6c", format: "json", full: false, redacted: false },
      ],
      [
        { _: ["3f6c"], redacted: true },
        { target: "3f6c", format: "text", full: false, redacted: true },
      ],
    ];
    for (const [args, want] of cases) expect(showOptions(args)).toEqual(want as never);
    for (const bad of [{ _: [] }, { _: [""] }, { _: ["a", "b"] }, { _: ["a"], markdown: true, json: true }]) {
      expect(() => showOptions(bad)).toThrow(expect.objectContaining({ exitStatus: 129 }));
    }
  });

  test("summary", async () => {
    const { summaryOptions } = await import("../../src/cli/commands/summary.ts");
    expect(summaryOptions({ _: [] })).toEqual({ revs: [], format: "text" });
    expect(summaryOptions({ _: ["^main", "HEAD"], markdown: true })).toEqual({
      revs: ["^main", "HEAD"],
      format: "markdown",
    });
    expect(() => summaryOptions({ _: ["x"], markdown: true, json: true })).toThrow(
      "--markdown and --json cannot be used together",
    );
  });
});
