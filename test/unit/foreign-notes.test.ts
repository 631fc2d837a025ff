// Other tools' notes, read-only: git-ai's authorship logs, git-atrace's session lines and
// Hugging Face hf-traces links, each read into the common AttachedTrace shape. Garbage in
// any of them gives no trace and never an exception.

import { describe, expect, test } from "bun:test";
import { parseOurNote } from "../../src/views/attached.ts";
import {
  FOREIGN_NOTES,
  hfTraceId,
  parseAtraceNote,
  parseGitAiNote,
  parseHfTracesNote,
} from "../../src/views/foreign.ts";

const CLAUDE = "3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48";

const GIT_AI = `src/auth.py
  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-10,15-20
  s_c9883b05a2487d::t_a1b2c3d4e5f678 25,30-35
  h_31dce776f88375 42-50
"tests/test auth.py"
  s_c9883b05a2487d::t_0123456789abcd 1-4
src/lib.rs
  s_e7f2a90b31cc48::t_deadbeef012345 1-50
  abcd1234abcd1234 51-60
---
{
  "schema_version": "authorship/3.0.0",
  "git_ai_version": "1.4.5",
  "base_commit_sha": "7734793b756b3921c88db5375a8c156e9532447b",
  "prompts": {
    "abcd1234abcd1234": {
      "agent_id": { "tool": "cursor", "id": "old session/with slash", "model": "gpt-4" },
      "human_author": "Dev <dev@example.com>",
      "messages_url": "https://example.com/t/abcd",
      "total_additions": 10, "total_deletions": 0, "accepted_lines": 10, "overriden_lines": 0
    }
  },
  "humans": { "h_31dce776f88375": { "author": "Dev <dev@example.com>" } },
  "sessions": {
    "s_c9883b05a2487d": {
      "agent_id": { "tool": "claude", "id": "${CLAUDE}", "model": "claude-sonnet-4-5-20250929" },
      "human_author": "dev@example.com"
    },
    "s_e7f2a90b31cc48": {
      "agent_id": { "tool": "windsurf", "id": "conv_abc123def456", "model": "swe-1" },
      "custom_attributes": { "team": "backend" }
    }
  }
}
`;

describe("git-ai (refs/notes/ai, authorship/3.0.0)", () => {
  test("sessions and legacy prompts, with the files and lines their attestations name", () => {
    expect(parseGitAiNote(GIT_AI)).toEqual([
      {
        id: CLAUDE,
        source: "git-ai",
        agent: "claude-code",
        models: ["claude-sonnet-4-5-20250929"],
        files: ["src/auth.py", "tests/test auth.py"],
        // Two prompts of one session in one file: their ranges united, in order.
        lines: {
          "src/auth.py": [
            [1, 10],
            [15, 20],
            [25, 25],
            [30, 35],
          ],
          "tests/test auth.py": [[1, 4]],
        },
      },
      {
        id: "conv_abc123def456",
        source: "git-ai",
        agent: "windsurf",
        models: ["swe-1"],
        files: ["src/lib.rs"],
        lines: { "src/lib.rs": [[1, 50]] },
      },
      // The agent's own ID is not a valid trace ID: git-ai's key for the session stands in.
      {
        id: "abcd1234abcd1234",
        source: "git-ai",
        url: "https://example.com/t/abcd",
        agent: "cursor",
        models: ["gpt-4"],
        files: ["src/lib.rs"],
        lines: { "src/lib.rs": [[51, 60]] },
      },
    ]);
  });

  test("CRLF line ends, an empty attestation section, missing optional maps", () => {
    const note = `---\r\n{"schema_version":"authorship/3.0.0","base_commit_sha":"x","prompts":{},"sessions":{"s_00000000000000":{"agent_id":{"tool":"codex","id":"01a1f866-0d00-7aef-b735-c77a7fcfe598","model":"gpt-5-codex"}}}}\r\n`;
    expect(parseGitAiNote(note)).toEqual([
      { id: "01a1f866-0d00-7aef-b735-c77a7fcfe598", source: "git-ai", agent: "codex", models: ["gpt-5-codex"] },
    ]);
  });

  test("unsafe file names and URLs are dropped, the session kept", () => {
    const note = `/etc/passwd\n  s_1::t_1 1\n../../outside\n  s_1::t_2 1\nsrc/.git/hooks/x\n  s_1::t_3 1\nok.txt\n  s_1::t_4 1\n---\n{"schema_version":"authorship/3.0.0","prompts":{},"sessions":{"s_1":{"agent_id":{"tool":"claude","id":"abc"}},"s_2":{"agent_id":{"tool":"x","id":"def"},"messages_url":"javascript:alert(1)"}}}`;
    expect(parseGitAiNote(note)).toEqual([
      {
        id: "abc",
        source: "git-ai",
        agent: "claude-code",
        models: [],
        files: ["ok.txt"],
        lines: { "ok.txt": [[1, 1]] },
      },
      { id: "def", source: "git-ai", agent: "x", models: [] },
    ]);
  });

  test("garbage gives no trace", () => {
    const garbage = [
      "",
      "---",
      "---\n",
      "not a note at all",
      "src/a.py\n  s_1::t_1 1-3\n", // no metadata
      "---\n{not json",
      '---\n{"schema_version":"other/1.0","sessions":{"s_1":{"agent_id":{"id":"abc"}}}}',
      '---\n{"schema_version":3,"prompts":{}}',
      '---\n["authorship/3.0.0"]',
      '---\n{"schema_version":"authorship/3.0.0","prompts":"x","sessions":[1,2]}',
      '---\n{"schema_version":"authorship/3.0.0","prompts":{},"sessions":{"s_1":null,"s_2":{"agent_id":"claude"},"../../etc/passwd":{"agent_id":{"id":"../../etc/passwd"}}}}',
      "\u0000\u00ff\ufffd\u001b[31m---\n\u0000",
      "x".repeat(5 * 1024 * 1024),
    ];
    for (const g of garbage) expect(parseGitAiNote(g)).toEqual([]);
  });
});

describe("git-atrace (refs/notes/atrace, one session ID a line)", () => {
  test("each valid ID once", () => {
    expect(parseAtraceNote(`${CLAUDE}\ncli-test-session\r\n\n  ${CLAUDE}  \n`)).toEqual([
      { id: CLAUDE, source: "git-atrace", models: [] },
      { id: "cli-test-session", source: "git-atrace", models: [] },
    ]);
  });

  test("garbage gives no trace", () => {
    for (const g of [
      "",
      "\n\n",
      "../../etc/passwd",
      "a b c",
      "\u001b[2Jboom",
      "é",
      "x".repeat(129),
      "id\u0000zero",
      "traces:abc",
    ]) {
      expect(parseAtraceNote(g)).toEqual([]);
    }
  });
});

describe("Hugging Face hf-traces (refs/notes/hf-traces)", () => {
  const URL_CODEX =
    "https://huggingface.co/buckets/acme/agent-traces/tree/shop/main/sessions/codex-01a1f866-0d00-7aef-b735-c77a7fcfe598.jsonl";

  test("the session ID and agent from the uploaded file's name, the URL kept", () => {
    expect(parseHfTracesNote(`hf-trace: ${URL_CODEX}\nsomething else\n`)).toEqual([
      { id: "01a1f866-0d00-7aef-b735-c77a7fcfe598", source: "hf-traces", url: URL_CODEX, agent: "codex", models: [] },
    ]);
    expect(hfTraceId("https://huggingface.co/x/sessions/claude-abc.jsonl")).toEqual({
      id: "abc",
      agent: "claude-code",
    });
    expect(hfTraceId("https://huggingface.co/datasets/acme/traces/blob/main/run_42.json?download=1")).toEqual({
      id: "run_42",
    });
  });

  test("a URL whose last segment is no ID gets a stable short hash", () => {
    const a = hfTraceId("https://huggingface.co/x/y/weird%20name.v2.jsonl");
    expect(a.id).toMatch(/^hf-[0-9a-f]{16}$/);
    expect(hfTraceId("https://huggingface.co/x/y/weird%20name.v2.jsonl")).toEqual(a);
    expect(hfTraceId("https://huggingface.co/")).toEqual({ id: expect.stringMatching(/^hf-[0-9a-f]{16}$/) });
    expect(hfTraceId("https://huggingface.co/a/..%2F..%2Fetc%2Fpasswd").id).toMatch(/^hf-/);
  });

  test("garbage gives no trace", () => {
    for (const g of [
      "",
      "hf-trace:",
      "hf-trace: not-a-url",
      "hf-trace: javascript:alert(1)",
      "hf-trace: file:///etc/passwd",
      "hf-trace: https://a b",
      "hf-trace: https://x/\u001b[31m",
      "traces:abc https://x/y",
    ]) {
      expect(parseHfTracesNote(g)).toEqual([]);
    }
  });
});

describe("every parser is total", () => {
  test("no input makes any of them throw", () => {
    const inputs = [
      "",
      "\0",
      "---",
      "\uD800",
      "{}",
      "---\n{}",
      "---\nnull",
      "---\n" +
        JSON.stringify({ schema_version: "authorship/3.0.0", sessions: { ["__proto__"]: { agent_id: { id: "p" } } } }),
    ];
    for (const source of FOREIGN_NOTES) for (const i of inputs) expect(() => source.parse(i)).not.toThrow();
    expect(FOREIGN_NOTES.map((f) => [f.source, f.ref])).toEqual([
      ["git-ai", "refs/notes/ai"],
      ["git-atrace", "refs/notes/atrace"],
      ["hf-traces", "refs/notes/hf-traces"],
    ]);
  });

  test("our own parser drops a path-traversal ID", () => {
    expect(parseOurNote("traces:../../etc/passwd\ntraces:ok-id\n").map((t) => t.id)).toEqual(["ok-id"]);
  });
});
