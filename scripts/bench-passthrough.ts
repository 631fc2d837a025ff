// bun run scripts/bench-passthrough.ts [--rounds N] [--files N]
//
// What a command the shim does not intercept costs. In one run, interleaved, in a repo of
// a few thousand files: the real git, an empty compiled Bun program (F), the floor (a
// compiled program that only execve's the real git at a fixed path), the front door as the
// installer lays it out (C, and the sh form), and the Bun shim itself installed as git
// (--no-front-door). Targets: C front door <= 1.5x git alone; Bun shim <= 1.10x floor.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  benchEnv,
  buildReferences,
  fmt,
  installShim,
  interleave,
  ratio,
  realGit,
  shimBinary,
  table,
  type Variant,
} from "./lib/bench.ts";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "40" }, files: { type: "string", default: "3000" } },
});
const rounds = Number(values.rounds);
const fileCount = Number(values.files);
const REAL_GIT = realGit();
const root = new URL("..", import.meta.url).pathname;
const binary = await shimBinary(root);

const dir = mkdtempSync(join(tmpdir(), "git-traces-bench-pass-"));
try {
  const home = join(dir, "home");
  const repo = join(dir, "repo");
  mkdirSync(home);
  const env = benchEnv(home);
  // A repo of a few thousand files in a few hundred directories.
  for (let i = 0; i < fileCount; i++) {
    const d = join(repo, `dir${i % 300}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, `file${i}.txt`), `line ${i}\n`.repeat(20));
  }
  const setup = Bun.spawnSync({
    cmd: [
      "sh",
      "-c",
      `${REAL_GIT} init -q && ${REAL_GIT} add -A && ${REAL_GIT} commit -q -m init && ${REAL_GIT} status >/dev/null`,
    ],
    cwd: repo,
    env,
  });
  if (setup.exitCode !== 0) throw new Error("repo setup failed");

  // Each form, installed by the real installer (no build: the binary exists).
  const door = installShim(root, binary, join(dir, "prefix-c"), env, ["--front-door", "c"]);
  const doorSh = installShim(root, binary, join(dir, "prefix-sh"), env, ["--front-door", "sh"]);
  const { shim, path: shimPath } = installShim(root, binary, join(dir, "prefix"), env, ["--no-front-door"]);
  const refs = await buildReferences(join(dir, "refs"), REAL_GIT);

  const commands = [["status"], ["rev-parse", "HEAD"], ["log", "-1"], ["-C", ".", "-c", "k.k=v", "diff", "--stat"]];
  console.log(`bench-passthrough: ${fileCount} files, ${rounds} rounds, medians; git ${REAL_GIT}, bun ${Bun.version}`);
  const rows: string[][] = [
    [
      "command",
      "git",
      "empty bun (F)",
      "floor",
      "door c",
      "door sh",
      "bun shim",
      "c/git",
      "sh/git",
      "shim/floor",
      "target",
    ],
  ];
  let ok = true;
  for (const args of commands) {
    const variants: Variant[] = [
      { name: "git", cmd: [REAL_GIT, ...args], argv0: "git", cwd: repo, env },
      { name: "empty", cmd: [refs.empty], cwd: repo, env },
      { name: "floor", cmd: [refs.floor, ...args], argv0: "git", cwd: repo, env },
      { name: "door", cmd: [door.shim, ...args], argv0: "git", cwd: repo, env: { ...env, PATH: door.path } },
      { name: "doorSh", cmd: [doorSh.shim, ...args], argv0: "git", cwd: repo, env: { ...env, PATH: doorSh.path } },
      { name: "shim", cmd: [shim, ...args], argv0: "git", cwd: repo, env: { ...env, PATH: shimPath } },
    ];
    const m = interleave(variants, rounds);
    const r = m.get("shim")! / m.get("floor")!;
    const d = m.get("door")! / m.get("git")!;
    ok &&= r <= 1.1 && d <= 1.5;
    rows.push([
      `git ${args.join(" ")}`,
      fmt(m.get("git")!),
      fmt(m.get("empty")!),
      fmt(m.get("floor")!),
      fmt(m.get("door")!),
      fmt(m.get("doorSh")!),
      fmt(m.get("shim")!),
      ratio(m.get("door")!, m.get("git")!),
      ratio(m.get("doorSh")!, m.get("git")!),
      ratio(m.get("shim")!, m.get("floor")!),
      `${d <= 1.5 ? "ok" : "MISSED"} (c <= 1.5x git), ${r <= 1.1 ? "ok" : "MISSED"} (shim <= 1.10x floor)`,
    ]);
  }
  console.log(table(rows));
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
