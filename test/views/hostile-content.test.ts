// Shared content (refs/traces/content) is someone else's writing. Crafted in a bare remote and
// fetched by a clone through the shim, as a collaborator would get it: a trace of 300,000
// messages and 100,000 tool calls is shown (text, Markdown, JSON, export) without overflowing
// the stack, its conversation cut by default; a `transcript` in shared content is never shown
// nor exported as a file:// URL; content that is not a valid trace gets one clear sentence.

import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { ShowOutputSchema } from "../../src/views/schemas.ts";
import { makeSandbox, REAL_GIT, requireBinary, run, sh, type Result, type Sandbox } from "../helpers/sandbox.ts";

setDefaultTimeout(120_000);

const MESSAGES = 300_000;
const CALLS = 100_000;
/** Generous for a loaded 2-core machine; measured 1 to 3 s here. */
const BOUND_MS = 20_000;

let box: Sandbox;
let clone: string;
const times: string[] = [];

const tokens = { input: 1, output: 2, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
const base = (id: string) => ({
  id,
  agent: "claude-code",
  models: ["m1"],
  title: `trace ${id}`,
  start: "2026-11-20T10:00:00Z",
  end: "2026-11-20T11:00:00Z",
  tools: [],
  messages: [],
  tokens,
});

function huge(id: string) {
  const messages = Array.from({ length: MESSAGES }, (_, i) => ({
    role: i % 2 ? "assistant" : "user",
    text: `message ${i}`,
    at: "2026-11-20T10:00:00Z",
  }));
  const tools = Array.from({ length: CALLS }, (_, i) => ({
    kind: i % 2 ? "read" : "edit",
    name: "Edit",
    paths: [`src/f${i}.ts`],
    at: "2026-11-20T10:00:00Z",
  }));
  return { ...base(id), transcript: "/etc/shadow", tools, messages };
}

/** Entries of the remote's refs/traces/content, as JSON text, by trace ID. */
const CONTENT: Record<string, string> = {
  "huge-trace": JSON.stringify(huge("huge-trace")),
  "with-path": JSON.stringify({
    ...base("with-path"),
    transcript: "/etc/shadow",
    messages: [{ role: "user", text: "hello" }],
  }),
  "not-json": "{nope",
  "bad-role": JSON.stringify({ ...base("bad-role"), messages: [{ role: "\u001b[31mroot", text: "x" }] }),
  "other-id": JSON.stringify(base("someone-else")),
  "too-deep": `{"id":"too-deep","x":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
};

function traces(args: string[]): Result & { ms: number } {
  const start = performance.now();
  const r = run([join(box.bin, "git"), "traces", ...args], { cwd: clone, env: box.env, timeout: 4 * BOUND_MS });
  const ms = performance.now() - start;
  times.push(
    `${args.join(" ").padEnd(32)} ${ms.toFixed(0).padStart(6)} ms  ${(r.stdout.length / 1e6).toFixed(1).padStart(5)} MB`,
  );
  return { ...r, ms };
}

function ok(r: Result & { ms: number }): void {
  expect(r.err).not.toContain("Maximum call stack");
  expect(r.err).not.toContain("unexpected error");
  expect(r.exitCode).toBe(0);
  expect(r.ms).toBeLessThan(BOUND_MS);
  for (const bad of ["/etc/shadow", "file://"]) expect(r.out.includes(bad)).toBe(false);
}

beforeAll(() => {
  requireBinary();
  box = makeSandbox("hostile-content");
  const remote = join(box.dir, "remote.git");
  const work = join(box.dir, "work");
  clone = join(box.dir, "clone");
  const env = { env: box.realEnv };
  sh(
    `git init -q --bare '${remote}' && git -C '${remote}' symbolic-ref HEAD refs/heads/main && git init -q '${work}'`,
    env,
  );
  sh(`cd '${work}' && printf 'x\\n' > app.py && git add app.py && git commit -q -m 'Add app'`, env);
  const lines = Object.keys(CONTENT).map((id) => `traces:${id}`);
  writeFileSync(join(box.dir, "note.txt"), `${lines.join("\n")}\n`);
  sh(`cd '${work}' && git notes --ref=refs/notes/traces add -F '${join(box.dir, "note.txt")}' HEAD`, env);
  // The content ref, written with plumbing as a hostile remote could have it.
  let tree = "";
  for (const [id, text] of Object.entries(CONTENT)) {
    const file = join(box.dir, `${id}.json`);
    writeFileSync(file, text);
    tree += `100644 blob ${sh(`git hash-object -w '${file}'`, { cwd: work, ...env }).trim()}\t${id}.json\n`;
  }
  const treeOid = run([REAL_GIT, "mktree"], { cwd: work, env: box.realEnv, input: tree }).out.trim();
  const commit = sh(`git commit-tree ${treeOid} -m content`, { cwd: work, ...env }).trim();
  sh(
    `cd '${work}' && git update-ref refs/traces/content ${commit} && git push -q '${remote}' HEAD:refs/heads/main refs/notes/traces refs/traces/content`,
    env,
  );
  // A collaborator's clone through the shim: it fetches the notes and the shared content
  // (and merges the content into its refs/traces/content).
  const r = run([join(box.bin, "git"), "clone", "-q", remote, clone], { cwd: box.dir, env: box.env });
  expect(r.exitCode).toBe(0);
  expect(sh("git for-each-ref --format='%(refname)' refs/traces/", { cwd: clone, ...env })).toContain("content");
});
afterAll(() => {
  console.log(
    `shared trace of ${MESSAGES.toLocaleString("en-US")} messages and ${CALLS.toLocaleString("en-US")} tool calls:\n  ${times.join("\n  ")}`,
  );
  box?.cleanup();
});

test("a trace of 300,000 messages: shown as text, Markdown and JSON, cut by default, whole with --full", () => {
  const text = traces(["show", "huge-trace"]);
  ok(text);
  expect(text.out).toContain("Content:    shared through git (refs/traces/content), redacted");
  expect(text.out).toContain("[… 395,000 more messages and tool calls; --full shows everything]");
  expect(text.out).not.toContain("Transcript:");

  const md = traces(["show", "huge-trace", "--markdown"]);
  ok(md);
  expect(md.out).toContain("*[… 395,000 more messages and tool calls; `git traces show --full` shows everything]*");

  const json = traces(["show", "huge-trace", "--json"]);
  ok(json);
  const parsed = v.parse(ShowOutputSchema, JSON.parse(json.out));
  expect(parsed.traces[0]!.source).toBe("shared");
  expect(parsed.traces[0]!.trace!.messages).toHaveLength(MESSAGES);
  expect(parsed.traces[0]!.trace!.tools).toHaveLength(CALLS);
  expect(parsed.traces[0]!.trace!.transcript).toBeUndefined();

  const full = traces(["show", "huge-trace", "--full"]);
  ok(full);
  expect(full.out).toContain(`message ${MESSAGES - 1}\n`);
  expect(full.out).toContain("src/f99999.ts");
  ok(traces(["show", "huge-trace", "--full", "--markdown"]));
});

test("the commit's every trace, its summary and its export: no crash, no local path", () => {
  const show = traces(["show", "HEAD"]);
  ok(show);
  expect(show.out.match(/^trace /gm)?.length).toBe(Object.keys(CONTENT).length);
  const summary = traces(["summary", "HEAD"]);
  ok(summary);
  expect(summary.out).toContain("Tool calls: 100,000 (50,000 read, 50,000 edit)");
  ok(traces(["summary", "HEAD", "--markdown"]));
  ok(traces(["export", "HEAD"]));
});

test("a transcript path in shared content is never shown nor exported, imported or not", () => {
  for (const args of [
    ["show", "with-path"],
    ["show", "with-path", "--json"],
    ["show", "with-path", "--markdown"],
    ["export", "HEAD"],
  ]) {
    const r = traces(args);
    ok(r);
  }
  expect(traces(["show", "with-path"]).out).toContain("hello");
  const imported = traces(["import", "with-path"]);
  expect(imported.exitCode).toBe(0);
  for (const args of [
    ["show", "with-path"],
    ["show", "with-path", "--json"],
    ["export", "HEAD"],
  ])
    ok(traces(args));
  expect(traces(["show", "with-path"]).out).toContain("Content:    imported from shared content (redacted)");
});

test("content that is not a valid trace: one clear sentence, never a stack trace", () => {
  const cases: Record<string, string> = {
    "not-json": "refs/traces/content: not JSON)",
    "bad-role": 'messages.0.role: Invalid type: Expected ("user" | "assistant") but received "^[[31mroot")',
    "other-id": "it holds another trace's ID)",
    "too-deep": "agent: ",
  };
  for (const [id, why] of Object.entries(cases)) {
    const r = traces(["show", id]);
    ok(r);
    const sentence = r.out.split("\n").find((l) => l.startsWith("The content of this trace is not available here"));
    expect(sentence).toStartWith(
      "The content of this trace is not available here: its shared content is not a valid trace (refs/traces/content: ",
    );
    expect(sentence).toContain(why);
    expect(r.out).not.toContain("\u001b");
    const json = traces(["show", id, "--json"]);
    ok(json);
    expect(JSON.parse(json.out).traces[0].unreadable).toStartWith("shared content is not a valid trace: ");
    const imported = traces(["import", id]);
    expect(imported.exitCode).toBe(1);
    expect(imported.err).toStartWith(`git-traces: the shared content of trace ${id} is not a valid trace (`);
    expect(imported.err.trim().split("\n")).toHaveLength(1);
  }
  const summary = traces(["summary", "HEAD"]);
  ok(summary);
  expect(summary.err).toContain("git-traces: warning: the shared content of trace bad-role is not a valid trace (");
});
