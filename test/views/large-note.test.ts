// One huge note must not stop the reading commands: a note of 100,000 `traces:` lines is read
// in linear time, its first 1,000 traces shown, and every command says that the rest was left
// out (stderr, and `leftOut` in --json), as it does for other tools' notes. Timed through the
// compiled binary; the bound is generous for a loaded 2-core machine (the quadratic parser
// took 50 to 100 s here), and the times are printed.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { ListJsonSchema, LogJsonSchema, ShowOutputSchema } from "../../src/views/schemas.ts";
import { SummarySchema } from "../../src/views/summary.ts";
import { makeSandbox, REAL_GIT, requireBinary, run, sh, type Result, type Sandbox } from "../helpers/sandbox.ts";

const LINES = 100_000;
const READ = 1000;
const BOUND_MS = 5000;

let box: Sandbox;
let repo: string;
let big: string;
let foreign: string;
const times: string[] = [];

const id = (i: number) => `session-${i.toString(16).padStart(8, "0")}`;

/** A reading command, timed; without `cached`, the note cache is gone first, so the note is parsed. */
function traces(args: string[], cached = false): Result & { ms: number } {
  if (!cached) rmSync(join(repo, ".git", "traces", "cache"), { recursive: true, force: true });
  const start = performance.now();
  // A run that takes far longer than the bound is stopped: the test fails fast.
  const r = run([join(box.bin, "git"), "traces", ...args], { cwd: repo, env: box.env, timeout: 4 * BOUND_MS });
  const ms = performance.now() - start;
  times.push(
    `${args
      .map((a) => (/^[0-9a-f]{40}/.test(a) ? `<commit>${a.slice(40)}` : a))
      .join(" ")
      .padEnd(28)}${cached ? " (cached)" : "         "} ${ms.toFixed(0).padStart(6)} ms`,
  );
  return { ...r, ms };
}

function note(ref: string, commit: string, text: string): void {
  const file = join(box.dir, "note.txt");
  writeFileSync(file, text);
  run([REAL_GIT, "notes", `--ref=${ref}`, "add", "-f", "-F", file, commit], { cwd: repo, env: box.realEnv });
}

beforeAll(() => {
  requireBinary();
  box = makeSandbox("large-note");
  repo = join(box.dir, "repo");
  sh(
    `mkdir -p '${repo}' && cd '${repo}' && git init -q && printf 'one\\ntwo\\n' > app.py && git add app.py && git commit -q -m 'Add app'`,
    { env: box.realEnv },
  );
  big = sh("git rev-parse HEAD", { cwd: repo, env: box.realEnv }).trim();
  sh(`printf 'three\\n' >> app.py && git commit -q -am 'More app'`, { cwd: repo, env: box.realEnv });
  foreign = sh("git rev-parse HEAD", { cwd: repo, env: box.realEnv }).trim();
  // Our note: 100,000 traces, the first with its meta line.
  const lines = [`traces-meta:${id(0)} {"v":1,"agent":"claude-code","model":"m1","files":["app.py"]}`];
  for (let i = 0; i < LINES; i++) lines.push(`traces:${id(i)}`);
  note("refs/notes/traces", big, `${lines.join("\n")}\n`);
  // Another tool's note, over the same cap.
  note("refs/notes/atrace", foreign, `${Array.from({ length: 1500 }, (_, i) => `atrace-${i}`).join("\n")}\n`);
});
afterAll(() => {
  console.log(
    `${LINES.toLocaleString("en-US")}-line note, times through the compiled binary:\n  ${times.join("\n  ")}`,
  );
  box?.cleanup();
});

const ours = () => ({ commit: big, ref: "refs/notes/traces", traces: LINES - READ });
const theirs = () => ({ commit: foreign, ref: "refs/notes/atrace", traces: 500 });
const warning = (l: { commit: string; ref: string; traces: number }) =>
  `git-traces: warning: the note of commit ${l.commit.slice(0, 12)} in ${l.ref} names more than 1,000 traces; the first 1,000 are read, ${l.traces.toLocaleString("en-US")} more are left out\n`;

function ok(r: Result & { ms: number }): void {
  expect(r.err).not.toContain("unexpected error");
  expect(r.exitCode).toBe(0);
  expect(r.ms).toBeLessThan(BOUND_MS);
}

test("log: the first 1,000 traces, the rest said to be left out", () => {
  // The second run reads what the first parsed from the note cache.
  for (const cached of [false, true]) {
    const r = traces(["log"], cached);
    ok(r);
    expect(r.err).toBe(warning(theirs()) + warning(ours()));
    expect(r.out.match(/^ {4}session-/gm)?.length).toBe(READ);
    expect(r.out.match(/^ {4}atrace-/gm)?.length).toBe(READ);
  }
  const j = traces(["log", "--json"]);
  ok(j);
  const [second, first] = v.parse(LogJsonSchema, JSON.parse(j.out));
  expect(first!.traces).toHaveLength(READ);
  expect(first!.traces[0]).toMatchObject({ id: id(0), agent: "claude-code", models: ["m1"] });
  expect(first!.leftOut).toEqual([ours()]);
  expect(second!.traces).toHaveLength(READ);
  expect(second!.leftOut).toEqual([theirs()]);
});

test("list, show <commit>, summary, export, blame: in time, each saying what was left out", () => {
  const list = traces(["list", "--json"]);
  ok(list);
  const listed = v.parse(ListJsonSchema, JSON.parse(list.out));
  expect(listed.sessions).toHaveLength(2 * READ);
  expect(listed.leftOut).toEqual([ours(), theirs()]);
  expect(list.err).toBe(warning(ours()) + warning(theirs()));
  ok(traces(["list"]));

  const show = traces(["show", big]);
  ok(show);
  expect(show.err).toBe(warning(ours()));
  expect(show.out.match(/^trace /gm)?.length).toBe(READ);
  const shown = traces(["show", big, "--json"]);
  ok(shown);
  expect(v.parse(ShowOutputSchema, JSON.parse(shown.out)).leftOut).toEqual([ours()]);

  const summary = traces(["summary", `${big}^!`]);
  ok(summary);
  expect(summary.err).toBe(warning(ours()));
  const summed = traces(["summary", "--json", big]);
  ok(summed);
  const s = v.parse(SummarySchema, JSON.parse(summed.out));
  expect(s.traces).toHaveLength(READ);
  expect(s.leftOut).toEqual([ours()]);

  const exported = traces(["export", big]);
  ok(exported);
  expect(exported.err).toBe(warning(ours()));
  const meta = JSON.parse(exported.out).metadata["dev.git-traces"];
  expect(meta.traces).toHaveLength(READ);
  expect(meta.left_out).toEqual([{ ref: "refs/notes/traces", traces: LINES - READ }]);

  const blame = traces(["blame", "app.py"]);
  ok(blame);
  expect(blame.err).toBe(warning(ours()) + warning(theirs()));
  const blamed = traces(["blame", "--json", "app.py"]);
  ok(blamed);
  const summaryLine = JSON.parse(blamed.out.trim().split("\n").pop()!);
  expect(summaryLine).toMatchObject({ type: "summary", leftOut: [ours(), theirs()] });
});

test("the plain git log of the same repository, for comparison", () => {
  const start = performance.now();
  const r = run([REAL_GIT, "log", "--notes=refs/notes/traces"], { cwd: repo, env: box.realEnv });
  times.push(`${"(git log --notes, real git)".padEnd(37)} ${(performance.now() - start).toFixed(0).padStart(6)} ms`);
  expect(r.exitCode).toBe(0);
});
