// git traces mcp, driven by the MCP SDK's own client over stdio: the compiled binary is
// spawned as `git-traces mcp` in a repository whose lines a fixture Claude Code session
// (attached on commit by the shim) and a person wrote. Every bad request gets an error
// result, and the same server answers the next request.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, run, type Sandbox } from "../helpers/sandbox.ts";
import { at, makeShop, type Shop } from "../helpers/shop.ts";

let box: Sandbox;
let shop: Shop;
let client: Client;
const HUGE = "0f0f0f0f-1111-4222-8333-444455556666";
const PROMPT = "Add login with rate limiting to src/auth.py and a test";
const SQL = '        "SELECT password_hash, salt FROM users WHERE username = ?",';

function real(args: string[], iso = "2026-11-20T10:30:00Z"): void {
  const r = run(["/usr/bin/git", ...args], { cwd: shop.repo, env: at(box.realEnv, iso) });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.err}`);
}

async function call(name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean }> {
  const r = (await client.callTool({ name, arguments: args })) as {
    content: { type: string; text: string }[];
    isError?: boolean;
  };
  return { text: r.content.map((c) => c.text).join(""), isError: Boolean(r.isError) };
}

/** A line of a file, 1-based. */
function lineOf(file: string, needle: string): number {
  return (
    readFileSync(join(shop.repo, file), "utf8")
      .split("\n")
      .findIndex((l) => l.includes(needle)) + 1
  );
}

/** A Claude Code session transcript with `turns` long prompts, attached to HEAD. */
function hugeSession(turns: number): void {
  const dir = join(box.home, ".claude", "projects", shop.repo.replace(/[^A-Za-z0-9]/g, "-"));
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < turns; i++) {
    const ts = new Date(Date.parse("2026-11-20T10:00:00Z") + i * 1000).toISOString();
    lines.push(
      JSON.stringify({
        type: "user",
        sessionId: HUGE,
        cwd: shop.repo,
        uuid: `u${i}`,
        timestamp: ts,
        message: { role: "user", content: `prompt ${i}: ${"please refactor the checkout flow ".repeat(20)}` },
      }),
      JSON.stringify({
        type: "assistant",
        sessionId: HUGE,
        cwd: shop.repo,
        uuid: `a${i}`,
        timestamp: ts,
        message: { model: "claude-sonnet-4-5", role: "assistant", content: [{ type: "text", text: `done ${i}` }] },
      }),
    );
  }
  writeFileSync(join(dir, `${HUGE}.jsonl`), `${lines.join("\n")}\n`);
}

beforeAll(async () => {
  requireBinary();
  box = makeSandbox("mcp");
  shop = makeShop(box, ["claude-code"]);
  // A line of the session's second edit of the file too (after "The SQL looks injectable").
  writeFileSync(
    join(shop.repo, "src", "auth.py"),
    `${readFileSync(join(shop.repo, "src", "auth.py"), "utf8")}${SQL}\n`,
  );
  shop.git(["add", "-A"]);
  expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
  expect(shop.traces()).toContain(SESSIONS.claude);
  writeFileSync(
    join(shop.repo, "src", "auth.py"),
    `${readFileSync(join(shop.repo, "src", "auth.py"), "utf8")}# human\n`,
  );
  real(["commit", "-qam", "Human touch"]);
  hugeSession(400);
  writeFileSync(join(shop.repo, "NOTES.md"), "notes\n");
  writeFileSync(
    join(shop.repo, "big.txt"),
    Array.from({ length: 3000 }, (_, i) => `line ${i + 1} of a big file\n`).join(""),
  );
  real(["add", "NOTES.md", "big.txt"]);
  real(["commit", "-qm", "Notes"]);
  const attach = run([join(box.bin, "git"), "traces", "attach", "HEAD", HUGE], { cwd: shop.repo, env: box.env });
  expect(attach.exitCode).toBe(0);
  mkdirSync(join(box.dir, "outside"));
  writeFileSync(join(box.dir, "outside", "secret.txt"), "secret\n");
  symlinkSync(join(box.dir, "outside"), join(shop.repo, "out"));
  client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(
    new StdioClientTransport({
      command: join(box.bin, "git-traces"),
      args: ["mcp"],
      cwd: shop.repo,
      env: box.env,
      stderr: "pipe",
    }),
  );
});
afterAll(async () => {
  await client?.close();
  box?.cleanup();
});

describe("git traces mcp", () => {
  test("lists its four tools, each with a JSON schema", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["traces_blame", "traces_log", "traces_search", "traces_show"]);
    for (const t of tools) expect(t.inputSchema.type).toBe("object");
    expect(tools.find((t) => t.name === "traces_blame")!.inputSchema.required).toEqual(["path"]);
  });

  test("blame: a line the fixture session wrote names the session and its prompt", async () => {
    const line = lineOf("src/auth.py", "RateLimiter");
    expect(line).toBeGreaterThan(0);
    const r = await call("traces_blame", { path: "src/auth.py", line });
    expect(r.isError).toBe(false);
    expect(r.text).toContain(`written by session ${SESSIONS.claude} (claude-code`);
    // The edit whose text holds the line (the first of two edits of the file) and the prompt before it.
    expect(r.text).toContain(`prompt: "${PROMPT}"`);
    expect(r.text).toContain("edit: Edit src/auth.py at 2026-11-20T10:01:02.728Z");
    expect(r.text).toContain("class RateLimiter:");
    expect(r.text).toMatch(/edit: (Edit|Write|MultiEdit) /);
  });

  test("blame: a line written by the session's later edit gets that edit's prompt", async () => {
    const r = await call("traces_blame", { path: "src/auth.py", line: lineOf("src/auth.py", "SELECT password_hash") });
    expect(r.isError).toBe(false);
    expect(r.text).toContain('prompt: "The SQL looks injectable"');
    expect(r.text).toContain("edit: Edit src/auth.py at 2026-11-20T10:06:37.350Z");
    // Over the whole file: `pass`, too short to look for, goes with the line above it.
    const all = await call("traces_blame", { path: "src/auth.py" });
    expect(all.text).toMatch(/## lines 3-4: commit [0-9a-f]{12} "Add login"[^#]*prompt: "Add login with rate limiting/);
    expect(all.text).toContain("written by a person");
  });

  test("blame: a line a person wrote says so", async () => {
    const r = await call("traces_blame", { path: "src/auth.py", line: lineOf("src/auth.py", "# human") });
    expect(r.isError).toBe(false);
    expect(r.text).toContain("written by a person");
    expect(r.text).not.toContain("written by session");
  });

  test("show: the whole session, by ID prefix, as Markdown and as JSON", async () => {
    const md = await call("traces_show", { id: SESSIONS.claude.slice(0, 8) });
    expect(md.isError).toBe(false);
    expect(md.text).toContain(SESSIONS.claude);
    expect(md.text).toContain(PROMPT);
    const json = await call("traces_show", { id: SESSIONS.claude, format: "json" });
    const parsed = JSON.parse(json.text) as { id: string; available: boolean; trace: { messages: unknown[] } };
    expect(parsed.id).toBe(SESSIONS.claude);
    expect(parsed.available).toBe(true);
    expect(parsed.trace.messages.length).toBeGreaterThan(0);
  });

  test("log: commits with their sessions, a path's only", async () => {
    const r = await call("traces_log", { limit: 10 });
    expect(r.text).toContain("Add login");
    expect(r.text).toContain(SESSIONS.claude);
    expect(r.text).toContain("written by a person");
    const onlyAuth = await call("traces_log", { path: "src/auth.py" });
    expect(onlyAuth.text).not.toContain("Notes");
  });

  test("search: sessions by prompt words, with the commit they landed in", async () => {
    const r = await call("traces_search", { query: "RATE LIMITING" });
    expect(r.isError).toBe(false);
    expect(r.text).toContain(SESSIONS.claude);
    expect(r.text).toContain("landed in");
    expect(r.text).toContain("Add login");
    expect((await call("traces_search", { query: "no such words anywhere" })).text).toContain("no session matches");
  });

  test("a huge session is cut, with a note saying how much was left out", async () => {
    const r = await call("traces_show", { id: HUGE, format: "json" });
    expect(r.isError).toBe(false);
    expect(r.text.length).toBeLessThan(34_000);
    expect(r.text).toMatch(/\[truncated: [\d,]+ more characters \([\d,]+ lines\) of [\d,]+ were left out/);
  });

  test("a whole big file's blame is cut, with a note naming the lines left out", async () => {
    const r = await call("traces_blame", { path: "big.txt" });
    expect(r.isError).toBe(false);
    expect(r.text.length).toBeLessThan(34_000);
    expect(r.text).toContain("  1 | line 1 of a big file");
    expect(r.text).toMatch(/\[truncated: lines \d+-3000 \(\d+ of 3000\) were left out; ask for a narrower range\]$/);
  });

  test("bad requests are error results, and the server answers the next request", async () => {
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ["traces_blame", { path: "../../etc/passwd", line: 1 }, /outside the repository/],
      ["traces_blame", { path: "/etc/passwd", line: 1 }, /outside the repository/],
      ["traces_blame", { path: "out/secret.txt", line: 1 }, /through a symlink/],
      ["traces_blame", { path: ".git/config", line: 1 }, /inside \.git/],
      ["traces_blame", { path: "src/auth.py", line: 100000 }, /cannot blame/],
      ["traces_blame", { path: "src/auth.py", line: 1, rev: "--output=/tmp/x" }, /not a revision/],
      ["traces_blame", { path: "nope.py", line: 1 }, /cannot blame/],
      ["traces_blame", { path: "src/auth.py", line: -3 }, /invalid arguments/],
      ["traces_show", { id: "../../../etc/passwd" }, /not a valid trace ID/],
      ["traces_show", { id: "ffffffff-ffff-4fff-8fff-ffffffffffff" }, /no trace named/],
      ["traces_log", { range: "--all" }, /not a revision range/],
      ["traces_log", { range: "no-such-branch" }, /git log rejected/],
      ["traces_search", { query: "" }, /must not be empty/],
      ["traces_nothing", {}, /unknown tool/],
    ];
    for (const [name, args, why] of bad) {
      const r = await call(name, args);
      expect(r.isError, `${name} ${JSON.stringify(args)}: ${r.text}`).toBe(true);
      expect(r.text).toMatch(why);
      const ok = await call("traces_blame", { path: "src/auth.py", line: 1 });
      expect(ok.isError).toBe(false);
    }
  });

  test("new notes are seen without a restart", async () => {
    writeFileSync(join(shop.repo, "late.txt"), "late\n");
    real(["add", "late.txt"]);
    real(["commit", "-qm", "Late"]);
    expect((await call("traces_blame", { path: "late.txt", line: 1 })).text).toContain("written by a person");
    const r = run([join(box.bin, "git"), "traces", "attach", "HEAD", SESSIONS.claude], {
      cwd: shop.repo,
      env: box.env,
    });
    expect(r.exitCode).toBe(0);
    const after = await call("traces_log", { limit: 1 });
    expect(after.text).toContain(SESSIONS.claude);
  });
});
