import { expect, test } from "bun:test";
import type { ArgsDef } from "citty";
import { UsageError } from "../../src/cli/errors.ts";
import { checkFlags } from "../../src/cli/flags.ts";
import { colorEnabled } from "../../src/cli/io.ts";

const def: ArgsDef = {
  json: { type: "boolean" },
  agent: { type: "enum", options: ["claude-code", "codex"], alias: "a" },
  maxCount: { type: "string" },
  file: { type: "positional", required: false },
};

test("known flags pass, in every spelling citty accepts", () => {
  expect(() => checkFlags(["--json", "--agent", "codex", "x"], def)).not.toThrow();
  expect(() => checkFlags(["--agent=codex", "-a", "codex", "--no-json"], def)).not.toThrow();
  expect(() => checkFlags(["--max-count", "3", "--maxCount=4"], def)).not.toThrow();
  expect(() => checkFlags(["--", "--anything", "-x"], def)).not.toThrow();
  expect(() => checkFlags(["-"], def)).not.toThrow();
});

test("a misspelled flag is a usage error (exit 129), not silently ignored", () => {
  expect(() => checkFlags(["--jsno"], def)).toThrow(UsageError);
  expect(() => checkFlags(["-x"], def)).toThrow(/unknown option '-x'/);
  try {
    checkFlags(["--agnet=codex"], def);
  } catch (e) {
    expect((e as UsageError).exitStatus).toBe(129);
    expect((e as UsageError).data).toEqual({ option: "--agnet" });
  }
});

test("a value flag at the end without its value is a usage error", () => {
  expect(() => checkFlags(["--agent"], def)).toThrow(/needs a value/);
});

test("colour follows NO_COLOR, CLICOLOR, CLICOLOR_FORCE and the terminal", () => {
  expect(colorEnabled({}, true)).toBe(true);
  expect(colorEnabled({}, false)).toBe(false);
  expect(colorEnabled({ NO_COLOR: "1" }, true)).toBe(false);
  expect(colorEnabled({ NO_COLOR: "" }, true)).toBe(true);
  expect(colorEnabled({ CLICOLOR: "0" }, true)).toBe(false);
  expect(colorEnabled({ CLICOLOR_FORCE: "1" }, false)).toBe(true);
  expect(colorEnabled({ CLICOLOR_FORCE: "1", NO_COLOR: "1" }, false)).toBe(false);
  expect(colorEnabled({ TERM: "dumb" }, true)).toBe(false);
});
