// Usage mistakes over every command, as git answers them: one line saying what is wrong and
// the usage line, status 129; a mistyped command or option gets "did you mean".

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { COMMANDS, HIDDEN } from "../../src/cli/commands/index.ts";
import { checkFlags } from "../../src/cli/flags.ts";
import { editCost, suggest } from "../../src/cli/suggest.ts";
import { makeSandbox, REAL_GIT, requireBinary, run, type Sandbox, sh } from "../helpers/sandbox.ts";

let box: Sandbox;
let repo: string;
const VISIBLE = Object.keys(COMMANDS).filter((c) => !HIDDEN.has(c));

function traces(args: string[]) {
  return run([join(box.bin, "git"), "traces", ...args], { cwd: repo, env: box.env });
}

beforeAll(() => {
  requireBinary();
  box = makeSandbox("usage");
  repo = join(box.home, "repo");
  sh(
    `${REAL_GIT} init -q ${repo} && cd ${repo} && mkdir src && echo 'x = 1' > src/auth.py && ` +
      `${REAL_GIT} add -A && ${REAL_GIT} commit -q -m one && ${REAL_GIT} commit -q --allow-empty -m two`,
    { env: box.realEnv },
  );
});
afterAll(() => box?.cleanup());

describe("every command", () => {
  for (const name of VISIBLE) {
    test(`${name}: an unknown option is one line plus the usage line, status 129`, () => {
      const r = traces([name, "--bogus-flag"]);
      if (name === "log") {
        // git log's own options: git's own answer, as `git log --bogus-flag` gives it.
        const git = run([REAL_GIT, "log", "--bogus-flag"], { cwd: repo, env: box.realEnv });
        expect([r.exitCode, r.err]).toEqual([git.exitCode, git.err]);
        return;
      }
      expect(r.exitCode).toBe(129);
      expect(r.out).toBe("");
      const lines = r.err.trimEnd().split("\n");
      expect(lines).toHaveLength(2);
      expect(lines[0]).toStartWith("git-traces: unknown option '--bogus-flag'");
      expect(lines[1]).toStartWith(`usage: git traces ${name}`);
    });

    test(`${name}: a mistyped command gets a suggestion`, () => {
      // Two neighbours swapped, as fingers do.
      const typo = name.length > 2 ? `${name[0]}${name[2]}${name[1]}${name.slice(3)}` : `${name}x`;
      if (typo === name || VISIBLE.includes(typo)) return;
      const r = traces([typo]);
      expect(r.exitCode).toBe(129);
      expect(r.err).toContain(`'${typo}' is not a git traces command`);
      expect(r.err).toMatch(new RegExp(`The most similar commands? (is|are)\\n(\\t\\S+\\n)*\\t${name}\\n`));
    });
  }
});

test("a mistyped option gets a suggestion", () => {
  const r = traces(["list", "--jsno"]);
  expect(r.exitCode).toBe(129);
  expect(r.err).toBe("git-traces: unknown option '--jsno'; did you mean '--json'?\nusage: git traces list [OPTIONS]\n");
  expect(traces(["status", "--colr=never"]).err).toContain("did you mean '--color'?");
});

test("a missing argument is one line and the usage line, not the whole help", () => {
  const r = traces(["show"]);
  expect(r.exitCode).toBe(129);
  expect(r.err.trimEnd().split("\n")).toHaveLength(2);
  expect(r.err).toContain("usage: git traces show");
});

test("an unknown option of git traces itself", () => {
  const r = traces(["--bogus"]);
  expect(r.exitCode).toBe(129);
  expect(r.err).toBe("git-traces: unknown option '--bogus'\nusage: git traces <command> [<args>]\n");
});

test("git traces help [<command>]", () => {
  const all = traces(["help"]);
  expect(all.exitCode).toBe(0);
  expect(all.out).toContain("COMMANDS");
  const log = traces(["help", "log"]);
  expect(log.exitCode).toBe(0);
  expect(log.out).toBe(traces(["log", "--help"]).out);
  expect(traces(["help", "lgo"]).err).toContain("\tlog");
});

describe("similarity (git's rule for mistyped commands)", () => {
  test("swaps are free, a dropped letter costs more than an added one", () => {
    expect(editCost("lgo", "log")).toBe(0);
    expect(editCost("lg", "log")).toBe(1);
    expect(editCost("logg", "log")).toBe(3);
    expect(editCost("shwo", "show")).toBe(0);
  });
  test("close names are suggested, far ones not", () => {
    expect(suggest("stauts", VISIBLE)).toEqual(["status"]);
    expect(suggest("blam", VISIBLE)).toEqual(["blame"]);
    expect(suggest("sumary", VISIBLE)).toEqual(["summary"]);
    expect(suggest("frobnicate", VISIBLE)).toEqual([]);
  });
});

describe("help from one source", () => {
  for (const name of VISIBLE) {
    test(`${name}: every flag its help shows is kebab-case and parses`, async () => {
      const help = traces([name, "--help"]);
      expect(help.exitCode).toBe(0);
      expect(help.out).not.toContain("(Default: true)");
      const flags = [...help.out.matchAll(/(?<![\w-])--[A-Za-z][\w-]*(=<[^>]*>)?/g)].map((m) => m[0]);
      for (const flag of flags) expect(flag.split("=")[0]).toMatch(/^--[a-z0-9]+(-[a-z0-9]+)*$/);
      const cmd = await COMMANDS[name]!();
      if (cmd.gitArgs || cmd.subCommands) return;
      const argsDef = (typeof cmd.args === "function" ? await cmd.args() : cmd.args) ?? {};
      const options = help.out.split("\nOPTIONS\n")[1]?.split("\nEXAMPLES\n")[0] ?? "";
      for (const m of options.matchAll(/(?<![\w-])(--[a-z][\w-]*)(=<[^>]*>)?/g)) {
        const raw = m[2] ? [`${m[1]}=x`] : [m[1]!];
        if (m[1] === "--color") continue; // taken out by main() for every reading command
        expect(() => checkFlags(raw, argsDef as never)).not.toThrow();
      }
    });
  }
});

/** An example's command line up to a pipe or redirection, split as a shell would (quotes kept simple). */
function exampleArgs(example: string): string[] {
  const words: string[] = [];
  for (const m of example.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
    const word = m[1] ?? m[2] ?? m[3]!;
    if (m[3] !== undefined && (word === "|" || word.startsWith(">") || word === "&&" || word.startsWith("#"))) break;
    words.push(word.replace(/\$[A-Z_]+/g, "HEAD"));
  }
  return words;
}

describe("every example in help runs without a usage error", () => {
  for (const name of VISIBLE) {
    test(name, async () => {
      const cmd = await COMMANDS[name]!();
      const subs = typeof cmd.subCommands === "function" ? await cmd.subCommands() : await cmd.subCommands;
      const examples = [...(cmd.examples ?? [])];
      for (const sub of Object.values((subs ?? {}) as Record<string, unknown>)) {
        const def = (typeof sub === "function" ? await (sub as () => Promise<unknown>)() : sub) as {
          examples?: string[];
        };
        examples.push(...(def.examples ?? []));
      }
      for (const example of examples) {
        const words = exampleArgs(example);
        if (words[0] === "git" && words[1] !== "traces") continue; // a git command the help shows beside ours
        expect(words.slice(0, 2)).toEqual(["git", "traces"]);
        const r = run([join(box.bin, "git"), ...words.slice(1)], {
          cwd: repo,
          env: { ...box.env, GIT_TRACES_SYNC: "1" },
          timeout: 20_000,
        });
        expect({ example, status: r.exitCode, err: r.exitCode === 129 ? r.err : "" }).toEqual({
          example,
          status: r.exitCode === 129 ? -1 : r.exitCode,
          err: "",
        });
      }
    });
  }
});
