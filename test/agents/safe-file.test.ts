// Reading what agents' datastores and hook records name (src/agents/shared/safe-file.ts)
// and JSON Lines read as a stream (src/agents/shared/jsonl.ts): only regular files, never
// past the caps, and the same records as a whole read for files within them.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { headField } from "../../src/agents/shared/discover.ts";
import { parseJsonl, readJsonlFile, readTranscriptJsonl } from "../../src/agents/shared/jsonl.ts";
import {
  LIMITS,
  openRegular,
  readHead,
  readRegular,
  regularOrAbsent,
  UnsafeFileError,
} from "../../src/agents/shared/safe-file.ts";
import { TranscriptError } from "../../src/agents/types.ts";
import { claudeTranscript, codexTranscript, copilotEvents, installAgentFixtures } from "../helpers/agents.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "git-traces-safe-file-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1024 * 1024;

function fifo(name: string): string {
  const path = join(dir, name);
  expect(Bun.spawnSync({ cmd: ["mkfifo", path] }).exitCode).toBe(0);
  return path;
}

function sparse(name: string, bytes: number, head = ""): string {
  const path = join(dir, name);
  writeFileSync(path, head);
  truncateSync(path, bytes);
  return path;
}

/** Runs `f`, failing the test if it takes longer than `ms`. */
function quick<T>(f: () => T, ms = 2000): T {
  const t = performance.now();
  const out = f();
  expect(performance.now() - t).toBeLessThan(ms);
  return out;
}

describe("only regular files are opened", () => {
  test("a FIFO, /dev/zero (by a link and by its path) and a directory are refused without blocking", () => {
    const link = join(dir, "zero.jsonl");
    symlinkSync("/dev/zero", link);
    mkdirSync(join(dir, "folder.jsonl"));
    const cases: [string, string][] = [
      [fifo("pipe.jsonl"), "a FIFO"],
      [link, "a character device"],
      ["/dev/zero", "a character device"],
      [join(dir, "folder.jsonl"), "a directory"],
    ];
    for (const [path, kind] of cases) {
      quick(() => expect(() => openRegular(path)).toThrow(kind));
      quick(() => expect(() => readRegular(path)).toThrow(UnsafeFileError));
      quick(() => expect(() => readJsonlFile(path)).toThrow(UnsafeFileError));
      expect(quick(() => readHead(path, 4096)).length).toBe(0);
      expect(quick(() => headField(path, "cwd", Infinity))).toBeUndefined();
      expect(regularOrAbsent(path)).toBe(false);
    }
    expect(regularOrAbsent(join(dir, "not-yet.jsonl"))).toBe(true);
  });

  test("a link to a regular file is followed", () => {
    writeFileSync(join(dir, "real.jsonl"), '{"cwd":"/w"}\n');
    symlinkSync(join(dir, "real.jsonl"), join(dir, "link.jsonl"));
    expect(readJsonlFile(join(dir, "link.jsonl")).records).toEqual([{ cwd: "/w" }]);
    expect(headField(join(dir, "link.jsonl"), "cwd", Infinity)).toBe("/w");
  });

  test("a reader's error for such a file is a one-line TranscriptError", async () => {
    const err = await readTranscriptJsonl(fifo("x.jsonl")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TranscriptError);
    expect((err as Error).message).toEndWith("x.jsonl: a FIFO, not a transcript");
  });
});

describe("caps", () => {
  test("a 3 GB sparse file is refused by its size, without a read", () => {
    const path = sparse("big.jsonl", 3 * 1024 ** 3, '{"cwd":"/w"}\n');
    quick(() => expect(() => readJsonlFile(path)).toThrow("larger than the 1024 MiB"), 200);
    quick(() => expect(() => readRegular(path)).toThrow("larger than the 256 MiB"), 200);
    // Its head is still read for discovery: the field is in its first line.
    expect(quick(() => headField(path, "cwd", 3 * 1024 ** 3), 200)).toBe("/w");
  });

  test("a file with no line break in its first 32 MiB is not JSON Lines; discovery does not look past its first bytes", () => {
    const path = sparse("zeros.jsonl", 100 * MiB);
    quick(() => expect(() => readJsonlFile(path)).toThrow("no line break in its first 32 MiB"));
    expect(quick(() => headField(path, "cwd", 100 * MiB), 200)).toBeUndefined();
    const noNewline = sparse("brace.jsonl", 100 * MiB, '{"x":"');
    expect(quick(() => headField(noNewline, "cwd", 100 * MiB), 500)).toBeUndefined();
  });

  test("a line longer than 32 MiB is skipped, not held; the lines around it are read", () => {
    const path = join(dir, "long.jsonl");
    writeFileSync(path, '{"n":1}\n');
    appendFileSync(path, `{"big":"${"a".repeat(LIMITS.line + MiB)}"}\n`);
    appendFileSync(path, '{"n":2}\n{"n":3}');
    const read = readJsonlFile(path, { byteEnds: true });
    expect(read.records).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(read.skipped).toBe(1);
    const size = Bun.file(path).size;
    expect(read.ends).toEqual([8, size - 7, size]);
  });
});

describe("JSON Lines read as a stream give what a whole read gives", () => {
  test("lines across the 4 MiB pieces, long and short, multi-byte characters at the seams", () => {
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) lines.push(JSON.stringify({ i, text: "é€😀".repeat((i * 37_919) % 350_000) }));
    lines.splice(7, 0, "not json", "", "  ");
    const text = `${lines.join("\n")}\n{"cut":`;
    const path = join(dir, "mixed.jsonl");
    writeFileSync(path, text);
    expect(Bun.file(path).size).toBeGreaterThan(12 * MiB);
    for (const opts of [{}, { byteEnds: true }, { skim: (l: string) => l.includes('"i":3') }]) {
      expect(readJsonlFile(path, opts)).toEqual(parseJsonl(text, opts));
    }
  });

  test("the agents' fixture transcripts", () => {
    const home = join(dir, "home");
    installAgentFixtures(["claude-code", "codex", "copilot-cli"], home, join(home, "work", "shop"));
    for (const path of [
      claudeTranscript(home, join(home, "work", "shop")),
      codexTranscript(home),
      copilotEvents(home),
    ]) {
      const text = readFileSync(path, "utf8");
      expect(readJsonlFile(path, { byteEnds: true })).toEqual(parseJsonl(text, { byteEnds: true }));
    }
  });
});
