// The title (the first prompt, cut short) travels in the note even when sharing is off. A
// secret where the cut falls must leave nothing of itself there: titles are redacted, then
// cut (src/traces/redact.ts titleFrom). Cutting first left pieces too short for any rule
// (`…/ghp_Tt1Uu2Vv3Ww4Xx5Y…`). Each prompt below puts a token across the cut (character
// 79 of a one-line prompt with no blank after character 40, so the cut goes through a word).

import { afterEach, beforeEach, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { claudeTranscript, SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, type Sandbox } from "../helpers/sandbox.ts";
import { makeShop } from "../helpers/shop.ts";

let box: Sandbox;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("title-secrets");
});
afterEach(() => box?.cleanup());

const TOKENS = {
  github: "ghp_Tt1Uu2Vv3Ww4Xx5Yy6Zz7Aa8Bb9Cc0Dd1Ee2F",
  openai: "sk-proj-Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3",
  aws: "AKIAIOSFODNN7EXAMPLE",
  slack: "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
};

/** A prompt whose token starts `keep` characters before the cut at 79. */
function prompt(lead: string, filler: string, sep: string, token: string, keep: number): string {
  const before = `${lead}${filler}`.padEnd(79 - keep - sep.length, "x") + sep;
  const text = `${before}${token} and then the rest of the request`;
  if (text.indexOf(token) !== 79 - keep) throw new Error("the token is not where the test wants it");
  return text;
}

const CASES: { id: string; token: string; prompt: string }[] = [
  {
    id: "7a1e0c5d-0000-4000-8000-000000000101",
    token: TOKENS.github,
    prompt: prompt("Fix the webhook: ", "https://hooks.example.com/v1/deliveries", "/", TOKENS.github, 20),
  },
  {
    id: "7a1e0c5d-0000-4000-8000-000000000102",
    token: TOKENS.github,
    prompt: prompt("Fix the webhook: ", "https://hooks.example.com/v1/deliveries", "/", TOKENS.github, 16),
  },
  {
    id: "7a1e0c5d-0000-4000-8000-000000000103",
    token: TOKENS.openai,
    prompt: prompt("Call it with ", "https://api.example.com/v1/chat?key", "=", TOKENS.openai, 17),
  },
  {
    id: "7a1e0c5d-0000-4000-8000-000000000104",
    token: TOKENS.aws,
    prompt: prompt("Rotate this: ", "arn:aws:iam::123456789012:user/ci-deploy,id", "=", TOKENS.aws, 13),
  },
  {
    id: "7a1e0c5d-0000-4000-8000-000000000105",
    token: TOKENS.slack,
    prompt: prompt("Post to: ", "https://slack.example.com/api/chat.postMessage?token", "=", TOKENS.slack, 13),
  },
];

test("a token across the title's cut leaves nothing of itself in the note a real commit writes", () => {
  const shop = makeShop(box, ["claude-code"]);
  const fixture = readFileSync(claudeTranscript(box.home, shop.repo), "utf8");
  for (const c of CASES) {
    const text = fixture
      .replaceAll(SESSIONS.claude, c.id)
      .replace(
        '"content":"Add login with rate limiting to src/auth.py and a test"',
        `"content":${JSON.stringify(c.prompt)}`,
      );
    writeFileSync(claudeTranscript(box.home, shop.repo, c.id), text);
  }
  shop.git(["add", "-A"]);
  expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
  const note = shop.note();
  const titles = new Map(
    note
      .split("\n")
      .filter((l) => l.startsWith("traces-meta:"))
      .map((l) => [
        l.slice("traces-meta:".length, l.indexOf(" ")),
        JSON.parse(l.slice(l.indexOf(" ") + 1)).title as string,
      ]),
  );
  for (const c of CASES) {
    const title = titles.get(c.id);
    expect(title).toBeDefined();
    expect(title!.length).toBeLessThanOrEqual(80);
    expect(title).toEndWith("…");
    // Nothing of the token past its first characters (a prefix alone says nothing).
    expect(title).not.toContain(c.token.slice(0, 9));
  }
  for (const token of Object.values(TOKENS)) expect(note).not.toContain(token.slice(0, 9));
});
