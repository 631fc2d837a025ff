// The one-way architecture (docs/architecture.md), checked on the source: every import of
// every module under src/ (static, dynamic and require) goes down the layers, never up,
// and no two folders import each other, even through others. Git's command line is built
// only under src/git.

import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { GIT_COMMANDS } from "../../src/git/commands.ts";
import { ROOT } from "../helpers/sandbox.ts";

const SRC = join(ROOT, "src");

/** Lower layers first; a folder may import its own layer's folders or lower ones. */
const LAYERS: string[][] = [
  ["base"],
  ["git"],
  ["traces"],
  ["agents", "notes"],
  ["attach", "content", "sync", "upload", "views"],
  ["jobs"],
  ["interceptors", "cli"],
];
const rank = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i] as const)));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith(".ts") ? [path] : [];
  });
}

const files = walk(SRC);
const folderOf = (path: string) => relative(SRC, path).split("/")[0]!;

interface Edge {
  from: string;
  to: string;
  file: string;
  target: string;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from\s+|import\(\s*|require\(\s*)["'](\.[^"']+)["']/g)) {
      const target = resolve(dirname(file), m[1]!);
      if (!target.startsWith(SRC)) continue;
      const from = folderOf(file);
      const to = folderOf(target);
      if (from !== to) out.push({ from, to, file: relative(ROOT, file), target: relative(ROOT, target) });
    }
  }
  return out;
}

test("every folder under src/ has its place in the layers", () => {
  const folders = [...new Set(files.map(folderOf))].sort();
  expect(folders.filter((f) => !rank.has(f))).toEqual([]);
});

test("imports go down the layers: nothing below imports cli or interceptors, nothing imports upward", () => {
  const up = edges().filter(
    (e) => rank.get(e.to)! > rank.get(e.from)! || ((e.to === "cli" || e.to === "interceptors") && e.from !== e.to),
  );
  expect(up.map((e) => `${e.file} -> ${e.target}`)).toEqual([]);
});

test("no cycle between folders", () => {
  const graph = new Map<string, Set<string>>();
  for (const e of edges()) {
    if (!graph.has(e.from)) graph.set(e.from, new Set());
    graph.get(e.from)!.add(e.to);
  }
  // A folder that reaches itself through others is in a cycle.
  const cycles: string[] = [];
  for (const start of graph.keys()) {
    const seen = new Set<string>();
    const stack = [...(graph.get(start) ?? [])];
    while (stack.length) {
      const f = stack.pop()!;
      if (f === start) {
        cycles.push(start);
        break;
      }
      if (seen.has(f)) continue;
      seen.add(f);
      stack.push(...(graph.get(f) ?? []));
    }
  }
  expect(cycles).toEqual([]);
});

test("git's command line is written only under src/git", () => {
  // An array literal that starts with a git subcommand or a git global option is an argv.
  const found: string[] = [];
  for (const file of files) {
    if (folderOf(file) === "git") continue;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\[\s*"(-c|-C|--git-dir|[a-z][a-z-]+)"\s*,/g)) {
      const word = m[1]!;
      if (!GIT_COMMANDS.has(word) && word !== "-c" && word !== "-C" && word !== "--git-dir") continue;
      const line = text.slice(0, m.index).split("\n").length;
      found.push(`${relative(ROOT, file)}:${line}`);
    }
  }
  expect(found).toEqual(ARGV_OUTSIDE_GIT);
});

/** Known argv arrays outside src/git, to be moved into named functions there (none, when done). */
const ARGV_OUTSIDE_GIT: string[] = [];
