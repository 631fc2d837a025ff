// The shim's pass-through path must not load anything heavy. Timers are noisy; the import
// graph is not: walk the static imports from the entry (bun build --metafile) and fail if a
// library or the CLI shows up. Dynamic imports are allowed: they load only when used.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/sandbox.ts";

const out = mkdtempSync(join(tmpdir(), "git-traces-meta-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Meta {
  inputs: Record<string, { imports: { path: string; kind: string; original?: string }[] }>;
}

let meta: Meta | undefined;

function loadMeta(): Meta {
  if (meta) return meta;
  const build = Bun.spawnSync({
    cmd: [
      "bun",
      "build",
      join(ROOT, "shim", "main.ts"),
      "--target=bun",
      "--splitting",
      "--format=esm",
      "--outdir",
      out,
      `--metafile=${join(out, "meta.json")}`,
    ],
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (build.exitCode !== 0) throw new Error(build.stderr.toString());
  meta = JSON.parse(readFileSync(join(out, "meta.json"), "utf8")) as Meta;
  return meta;
}

function staticClosure(from = "shim/main.ts"): Set<string> {
  const m = loadMeta();
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const edge of m.inputs[path]?.imports ?? []) {
      if (edge.kind === "import-statement" || edge.kind === "require-call") visit(edge.path);
    }
  };
  visit(from);
  return seen;
}

test("the shim entry statically imports only small src/git, src/interceptors, src/jobs and src/base modules", () => {
  const closure = [...staticClosure()];
  for (const heavy of [
    "citty",
    "consola",
    "valibot",
    "isomorphic-git",
    "node_modules/",
    "src/cli/",
    "src/agents/",
    "src/notes/",
    "src/traces/",
    "src/sync/",
  ]) {
    expect(closure.filter((p) => p.includes(heavy))).toEqual([]);
  }
  // The pending-work check (src/jobs/pending.ts, one stat) and the worker start are small too.
  expect(closure.length).toBeLessThanOrEqual(20);
});

test("the commit interceptor, on every commit, loads no library and no notes or CLI code", () => {
  const closure = [...staticClosure("src/interceptors/commit.ts")];
  for (const heavy of [
    "citty",
    "consola",
    "valibot",
    "isomorphic-git",
    "node_modules/",
    "src/cli/",
    "src/notes/",
    "node:path",
    "src/jobs/settle.ts",
    "src/jobs/after-",
  ]) {
    expect(closure.filter((p) => p.includes(heavy))).toEqual([]);
  }
});
