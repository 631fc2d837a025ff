// Short trace IDs stay unique: two traces whose IDs share their first 8 characters are shown
// long enough to tell apart, and what is shown names one trace again (`show <short ID>`).

import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { makeSandbox, REAL_GIT, requireBinary, run, type Sandbox, sh } from "../helpers/sandbox.ts";

const A = "8d2f5a17-a1b2-4c3d-8e4f-000000000001";
const B = "8d2f5a17-b3c4-4d5e-8f60-000000000002";
const C = "1c0ffee0-0000-4000-8000-000000000003";
let box: Sandbox;
let repo: string;

function traces(args: string[], env: Record<string, string> = {}) {
  return run([join(box.bin, "git"), "traces", ...args], { cwd: repo, env: { ...box.env, ...env } });
}

function note(commit: string, id: string, agent: string): void {
  const meta = JSON.stringify({ agent, model: "gemini-2.5-pro", title: `session ${id.slice(9, 13)}` });
  sh(`${REAL_GIT} notes --ref=refs/notes/traces add -m 'traces:${id}' -m 'traces-meta:${id} ${meta}' ${commit}`, {
    cwd: repo,
    env: box.realEnv,
  });
}

beforeAll(() => {
  requireBinary();
  box = makeSandbox("short-ids");
  repo = join(box.home, "repo");
  sh(
    `${REAL_GIT} init -q ${repo} && cd ${repo} && ${REAL_GIT} commit -q --allow-empty -m zero && ${REAL_GIT} commit -q --allow-empty -m one && ${REAL_GIT} commit -q --allow-empty -m two`,
    { env: box.realEnv },
  );
  note("HEAD~1", A, "gemini-cli");
  note("HEAD", B, "gemini-cli");
  sh(`${REAL_GIT} notes --ref=refs/notes/traces append -m 'traces:${C}' HEAD`, { cwd: repo, env: box.realEnv });
});
afterAll(() => box?.cleanup());

test("log and list lengthen the two IDs until they differ; the others stay at 8", () => {
  for (const args of [["log"], ["log", "--oneline"], ["list"]]) {
    const r = traces(args);
    expect({ args, status: r.exitCode }).toEqual({ args, status: 0 });
    expect(r.out).toContain("8d2f5a17-a ");
    expect(r.out).toContain("8d2f5a17-b ");
    expect(r.out).not.toMatch(/8d2f5a17 /);
    expect(r.out).toContain("1c0ffee0 ");
  }
});

test("show: the short ID printed names one trace", () => {
  const list = traces(["show", "8d2f5a17"]);
  expect(list.exitCode).not.toBe(0);
  expect(list.err).toContain("ambiguous");
  const one = traces(["show", "8d2f5a17-a"]);
  expect(one.exitCode).toBe(0);
  expect(one.out).toContain(A);
});

test("core.abbrev sets the least length", () => {
  const long = run([join(box.bin, "git"), "-c", "core.abbrev=12", "traces", "list"], { cwd: repo, env: box.env });
  expect(long.out).toContain(`${C.slice(0, 12)} `);
});

test("commit IDs as git abbreviates them here: core.abbrev, unique", () => {
  const oid = sh(`${REAL_GIT} rev-parse HEAD~1`, { cwd: repo, env: box.realEnv }).trim();
  const plain = traces(["show", "8d2f5a17-a"]);
  expect(plain.out).toContain(`Commits:    ${oid.slice(0, 7)} one\n`);
  const ten = run([join(box.bin, "git"), "-c", "core.abbrev=10", "traces", "show", "8d2f5a17-a"], {
    cwd: repo,
    env: box.env,
  });
  expect(ten.out).toContain(`Commits:    ${oid.slice(0, 10)} one\n`);
});
