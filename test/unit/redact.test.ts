// The redactor (src/traces/redact.ts) against a corpus of secrets and look-alikes
// (test/fixtures/redaction/), and against the agent fixtures' transcripts.

import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { readClaudeTranscript } from "../../src/agents/claude-code/read.ts";
import { readCodexRollout } from "../../src/agents/codex/read.ts";
import { emptyTokens, TraceSchema, type Trace } from "../../src/traces/model.ts";
import { isSecretName, MARKER, redactText, redactTitle, redactTrace, titleFrom } from "../../src/traces/redact.ts";
import { cutTitle } from "../../src/traces/title.ts";
import { CLAUDE_FIXTURE_TRANSCRIPT, FIXTURE_HOME, FIXTURE_REPO, FIXTURES, SESSIONS } from "../helpers/agents.ts";

interface Positive {
  name: string;
  text: string;
  expected: string;
}
interface Negative {
  name: string;
  text: string;
}

const CORPUS = join(import.meta.dir, "..", "fixtures", "redaction");
const positives: Positive[] = await Bun.file(join(CORPUS, "positives.json")).json();
const negatives: Negative[] = await Bun.file(join(CORPUS, "negatives.json")).json();
const ctx = { home: FIXTURE_HOME };
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"; // the fixtures' one secret (fixtures README)

describe("corpus", () => {
  test("is large enough", () => {
    expect(positives.length).toBeGreaterThanOrEqual(40);
    expect(negatives.length).toBeGreaterThanOrEqual(40);
  });

  describe("positives: redacted exactly so", () => {
    for (const c of positives) test(c.name, () => expect(redactText(c.text, ctx)).toBe(c.expected));
  });

  describe("negatives: left alone", () => {
    for (const c of negatives) test(c.name, () => expect(redactText(c.text, ctx)).toBe(c.text));
  });

  test("idempotent: redacting twice changes nothing more", () => {
    for (const c of [...positives, ...negatives]) {
      const once = redactText(c.text, ctx);
      expect({ name: c.name, text: redactText(once, ctx) }).toEqual({ name: c.name, text: once });
    }
  });

  test("deterministic: the same input gives the same output, alone or all at once", () => {
    const all = positives.map((c) => c.text).join("\n\n");
    const a = redactText(all, ctx);
    expect(redactText(all, ctx)).toBe(a);
    expect(a).toBe(positives.map((c) => c.expected).join("\n\n"));
  });
});

describe("home directory", () => {
  test("a prefix of another user's home is not it", () => {
    expect(redactText("/home/dev /home/developer /home/dev/x", { home: "/home/dev" })).toBe("~ /home/developer ~/x");
  });
  test("a trailing slash in the home makes no difference", () => {
    expect(redactText("/Users/dev/src and /Users/devops", { home: "/Users/dev/" })).toBe("~/src and /Users/devops");
  });
  test("no home, or /, turns the rule off", () => {
    expect(redactText("/home/dev/x", { home: "" })).toBe("/home/dev/x");
    expect(redactText("/usr/bin", { home: "/" })).toBe("/usr/bin");
  });
  test("characters special in a regex are taken literally", () => {
    expect(redactText("/home/a.b+c/x /home/aXb+c/x", { home: "/home/a.b+c" })).toBe("~/x /home/aXb+c/x");
  });
  test("inside longer text and JSON", () => {
    expect(redactText('{"cwd":"/home/dev/work/shop","msg":"edited /home/dev/work/shop/src/auth.py"}', ctx)).toBe(
      '{"cwd":"~/work/shop","msg":"edited ~/work/shop/src/auth.py"}',
    );
  });
});

describe("private keys", () => {
  const body = Array.from(
    { length: 25 },
    (_, i) => `MIIEpAIBAAKCAQEA${String(i).padStart(2, "0")}abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV+/`,
  ).join("\n");
  test("a whole multi-line key, and the text around it stays", () => {
    const text = `before\n-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\n${body}\n-----END RSA PRIVATE KEY-----\nafter`;
    expect(redactText(text, ctx)).toBe(
      "before\n-----BEGIN RSA PRIVATE KEY-----[REDACTED:private-key]-----END RSA PRIVATE KEY-----\nafter",
    );
  });
  test("two keys in one text are two markers, not one span", () => {
    const key = (t: string) => `-----BEGIN ${t}PRIVATE KEY-----\n${body}\n-----END ${t}PRIVATE KEY-----`;
    const out = redactText(`${key("")}\nmiddle\n${key("EC ")}`, ctx);
    expect(out).toBe(
      "-----BEGIN PRIVATE KEY-----[REDACTED:private-key]-----END PRIVATE KEY-----\nmiddle\n-----BEGIN EC PRIVATE KEY-----[REDACTED:private-key]-----END EC PRIVATE KEY-----",
    );
  });
  test("a key without its END line loses its base64 lines, not the prose after them", () => {
    const out = redactText(`-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\nThat was the key.`, ctx);
    expect(out).toBe("-----BEGIN OPENSSH PRIVATE KEY-----[REDACTED:private-key]\nThat was the key.");
    expect(redactText(out, ctx)).toBe(out);
  });
  test("CRLF line ends", () => {
    const out = redactText(
      `-----BEGIN PRIVATE KEY-----\r\n${body.replaceAll("\n", "\r\n")}\r\n-----END PRIVATE KEY-----\r\n`,
      ctx,
    );
    expect(out).toBe("-----BEGIN PRIVATE KEY-----[REDACTED:private-key]-----END PRIVATE KEY-----\r\n");
  });
});

describe("names", () => {
  test.each([
    ["AWS_SECRET_ACCESS_KEY", true],
    ["GITHUB_TOKEN", true],
    ["accessToken", true],
    ["db.password", true],
    ["X-Api-Key", true],
    ["apikey", true],
    ["PRIVATE_KEY", true],
    ["client_credentials", true],
    ["BASIC_AUTH", true],
    ["oauth", true],
    ["Authorization", true],
    ["MYSQL_PWD", true],
    ["DB_PASS", true],
    ["passwd", true],
    ["PWD", false],
    ["OLDPWD", false],
    ["AUTHOR", false],
    ["tokenizer", false],
    ["max_tokens", false],
    ["PASSWORD_MIN_LENGTH", false],
    ["TOKEN_URL", false],
    ["SECRET_NAME", false],
    ["key", false],
    ["bypass", false],
  ] as const)("%s: %p", (name, secret) => expect(isSecretName(name)).toBe(secret));
});

describe("redactTrace", () => {
  const sample = (): Trace => ({
    id: "3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48",
    agent: "claude-code",
    agentVersion: "2.0.69",
    models: ["claude-sonnet-4-5"],
    provider: "anthropic",
    title: `deploy with TOKEN=${SECRET}`,
    start: "2026-11-20T10:00:05.112Z",
    cwd: "/home/dev/work/shop",
    branch: `fix/ghp_${"a1".repeat(18)}`,
    transcript: "/home/dev/.claude/projects/-home-dev-work-shop/x.jsonl",
    tools: [
      { kind: "shell", name: "Bash", command: `AWS_SECRET_ACCESS_KEY=${SECRET} aws s3 ls` },
      { kind: "web_fetch", name: "WebFetch", url: `https://u:${encodeURIComponent(SECRET)}@example.com/x` },
      { kind: "web_search", name: "WebSearch", query: `why is PASSWORD=${SECRET} rejected` },
      { kind: "read", name: "Read", paths: ["/home/dev/.aws/credentials", "src/auth.py"] },
      { kind: "other", name: "Task", detail: `check secret=${SECRET}` },
    ],
    messages: [
      { role: "user", text: `deploy with TOKEN=${SECRET}` },
      { role: "assistant", text: `Done. api_key: "${SECRET}"`, model: "claude-sonnet-4-5" },
    ],
    tokens: { ...emptyTokens(), input: 10 },
  });

  test("every string field is redacted; ID, agent and numbers are kept", () => {
    const t = sample();
    const r = redactTrace(t, ctx);
    const json = JSON.stringify(r);
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain(encodeURIComponent(SECRET));
    expect(json).not.toContain("/home/dev");
    expect(json).not.toContain("-home-dev");
    expect(json).not.toContain("ghp_");
    expect(r).toMatchObject({
      id: t.id,
      agent: "claude-code",
      title: "deploy with TOKEN=[REDACTED:secret]",
      cwd: "~/work/shop",
      branch: "fix/[REDACTED:github-token]",
      transcript: "~/.claude/projects/~-work-shop/x.jsonl",
      tokens: t.tokens,
    });
    expect(r.tools.map((x) => x.command ?? x.url ?? x.query ?? x.detail ?? x.paths?.join(" "))).toEqual([
      "AWS_SECRET_ACCESS_KEY=[REDACTED:secret] aws s3 ls",
      "https://u:[REDACTED:password]@example.com/x",
      "why is PASSWORD=[REDACTED:secret] rejected",
      "~/.aws/credentials src/auth.py",
      "check secret=[REDACTED:secret]",
    ]);
    expect(v.safeParse(TraceSchema, r).success).toBe(true);
    expect(t).toEqual(sample()); // the input is not touched
  });

  test("a title is made from the redacted prompt: redacted, then cut", () => {
    const key = `ghp_${"Ab3dEf0123".repeat(4)}`;
    const prompt = `try https://example.com/callback/path/segment?x=1&key=${key} please`;
    expect(titleFrom(prompt, ctx)).toBe(
      "try https://example.com/callback/path/segment?x=1&key=[REDACTED:github-token]…",
    );
    // Cut first, the piece left is too short for any rule to recognise on its own.
    const cutFirst = `${prompt.slice(0, 79)}…`;
    expect(cutFirst).toEndWith("&key=ghp_Ab3dEf0123Ab3dEf0123A…");
    expect(redactText(cutFirst, ctx)).toBe(cutFirst);
    // Such a title (an older version's snapshot) is made again from the prompt when shared...
    const t: Trace = { ...sample(), title: cutFirst, messages: [{ role: "user", text: prompt }] };
    const r = redactTrace(t, ctx);
    expect(r.title).toBe("try https://example.com/callback/path/segment?x=1&key=[REDACTED:github-token]…");
    expect(r.title).toBe(titleFrom(r.messages[0]!.text, ctx));
    // ...and without its prompt, loses the partial token.
    expect(redactTitle(cutFirst, ctx)).toBe("try https://example.com/callback/path/segment?x=1&…");
  });

  test("a token the cut goes through leaves nothing of itself in the title", () => {
    const at79 = (lead: string, token: string, keep: number) =>
      `${lead.padEnd(78 - keep, "x")}=${token} and more words after it`;
    const tokens = [
      `ghp_${"Tt1Uu2Vv3Ww4Xx5Yy6Zz7Aa8Bb9Cc0Dd1Ee"}`,
      `sk-proj-${"Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3"}`,
      "AKIAIOSFODNN7EXAMPLE",
      `xoxb-${"1234567890-abcdefghijklmnop"}`,
      `glpat-${"Zz9Yy8Xx7Ww6Vv5Uu4Tt3"}`,
    ];
    for (const token of tokens) {
      for (const keep of [6, 9, 13, 17, 21]) {
        if (keep >= token.length) continue;
        const prompt = at79("Rotate: config/ci/settings.yml,", token, keep);
        for (const title of [titleFrom(prompt, ctx), cutTitle(prompt)]) {
          expect(title.length).toBeLessThanOrEqual(80);
          expect(title).not.toContain(token.slice(0, 6));
          expect(title).toEndWith("…");
        }
      }
    }
    // A cut through a long unknown key-like run drops it; through a word, keeps it.
    expect(cutTitle(`Use ${"q".repeat(40)}/${"a1b2c3d4e5".repeat(6)}`)).toBe("Use…");
    expect(cutTitle(`Use ${"word".repeat(30)}`)).toBe(`Use ${"word".repeat(30).slice(0, 75)}…`);
    // A marker the cut goes through goes too.
    expect(cutTitle(`Use ${"y".repeat(60)},[REDACTED:github-token] now`)).toBe(`Use ${"y".repeat(60)},…`);
    // A cut between words is left alone.
    expect(cutTitle("word ".repeat(40))).toBe(`${"word ".repeat(15).trim()}…`);
  });

  test("a title that is not the first prompt's is redacted as it is", () => {
    const r = redactTrace({ ...sample(), title: `summary: PASSWORD=${SECRET}` }, ctx);
    expect(r.title).toBe("summary: PASSWORD=[REDACTED:secret]");
  });

  test("idempotent and deterministic", () => {
    const once = redactTrace(sample(), ctx);
    expect(redactTrace(once, ctx)).toEqual(once);
    expect(redactTrace(sample(), ctx)).toEqual(once);
  });
});

describe("agent fixtures", () => {
  test("the Claude Code scenario, read and redacted, holds no trace of the secret or the home", async () => {
    const t = await readClaudeTranscript(CLAUDE_FIXTURE_TRANSCRIPT, { roots: [FIXTURE_REPO] });
    const r = redactTrace(t, ctx);
    const json = JSON.stringify(r);
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain("wJalrXUtnFEMI");
    expect(json).not.toContain(FIXTURE_HOME);
    expect(r.cwd).toBe("~/work/shop");
    expect(r.title).toBe(t.title); // nothing to remove from the prompt
    expect(r.tools.find((x) => x.kind === "shell")!.command).toBe("pytest -q tests/test_auth.py");
    expect(v.safeParse(TraceSchema, r).success).toBe(true);
  });

  test("the Codex scenario, read and redacted", async () => {
    const path = join(
      FIXTURES,
      "codex",
      ".codex",
      "sessions",
      "2026",
      "11",
      "20",
      `rollout-2026-11-20T10-00-00-${SESSIONS.codex}.jsonl`,
    );
    const json = JSON.stringify(redactTrace(await readCodexRollout(path, { roots: [FIXTURE_REPO] }), ctx));
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain(FIXTURE_HOME);
  });

  // Tool outputs are not in the trace model yet; the raw files show that the redactor
  // itself removes the secret wherever an agent writes it (JSON-escaped, in SQL, ...).
  function transcripts(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return e.name === "_generator" ? [] : transcripts(p);
      return /\.(jsonl|json|sql)$/.test(e.name) ? [p] : [];
    });
  }
  const files = transcripts(FIXTURES);
  const withSecret = files.filter((f) => readFileSync(f, "utf8").includes(SECRET));

  test("every fixture file that holds the secret is covered", () => {
    expect(withSecret.length).toBeGreaterThanOrEqual(6);
  });

  test.each(withSecret.map((f) => [f.slice(FIXTURES.length + 1), f]))(
    "raw %s: no secret after redaction",
    async (_name, file) => {
      const text = await Bun.file(file).text();
      const out = redactText(text, ctx);
      expect(out).not.toContain(SECRET);
      expect(out).not.toContain("wJalrXUtnFEMI");
      expect(out).toContain("AWS_SECRET_ACCESS_KEY=[REDACTED:secret]");
      expect(redactText(out, ctx)).toBe(out);
    },
  );

  test("the raw transcripts lose nothing else: each marker stands for the one secret", () => {
    for (const f of withSecret) {
      const out = redactText(readFileSync(f, "utf8"), ctx);
      expect({ f, markers: [...new Set(out.match(MARKER))] }).toEqual({ f, markers: ["[REDACTED:secret]"] });
    }
  });
});
