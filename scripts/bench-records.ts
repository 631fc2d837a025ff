// bun run scripts/bench-records.ts [--mb 50] [--rounds 7]
//
// What checking every record of a transcript with valibot would cost, against the hand
// checks the readers use (src/agents/shared/json.ts). Builds a Claude Code transcript of
// --mb megabytes from the fixture session (a tenth of its tool results padded to 20 KB, so
// that summary reads skim some long lines, as on real sessions), then times, interleaved
// and as medians:
//   parse       reading the file and JSON.parse of each line (readJsonlFile), summary mode
//   reader      readClaudeTranscript in summary mode (the commit path's read): parse + hand checks
//   hand        the hand checks of the fields the reader uses, over the parsed records
//   valibot     safeParse of each record with a looseObject schema of those same fields
//   valibot+    the same, the message's content blocks checked too
// and prints each against `reader`. Decision and numbers: docs/agents/README.md.
//
// Normal JIT (the background worker's policy). For the foreground's (GIT_TRACES_SYNC=1):
//   bun build --compile --compile-jit-policy=64 scripts/bench-records.ts --outfile /tmp/bench-records && /tmp/bench-records
// (from the repository's top level).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as v from "valibot";
import { readClaudeTranscript } from "../src/agents/claude-code/read.ts";
import { isObj, str } from "../src/agents/shared/json.ts";
import { readJsonlFile } from "../src/agents/shared/jsonl.ts";
import { CountSchema, lenient, TextSchema } from "../src/agents/shared/schemas.ts";

const { values } = parseArgs({
  options: { mb: { type: "string", default: "50" }, rounds: { type: "string", default: "7" } },
});
// Compiled, the script's own folder is Bun's virtual one: run it from the repository's top level.
const ROOT = import.meta.dir.startsWith("/$bunfs") ? process.cwd() : join(import.meta.dir, "..");
const FIXTURE = join(
  ROOT,
  "test",
  "fixtures",
  "agents",
  "claude-code",
  ".claude",
  "projects",
  "-home-dev-work-shop",
  "3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48.jsonl",
);

/** The fixture's records again and again (message IDs made unique), to `mb` megabytes. */
function transcript(mb: number): string {
  const lines = readFileSync(FIXTURE, "utf8").trim().split("\n");
  const pad = "x".repeat(20_000);
  const out: string[] = [];
  let size = 0;
  for (let round = 0; size < mb * 1024 * 1024; round++) {
    for (const line of lines) {
      let l = line.replaceAll('"msg_0', `"msg_${round}_`);
      if (round % 10 === 0 && l.includes('"tool_result"')) l = l.replace('"content":"', `"content":"${pad}`);
      out.push(l);
      size += l.length + 1;
    }
  }
  return `${out.join("\n")}\n`;
}

// The fields readClaudeTranscript reads, as a schema (what a valibot reader would parse).
const Usage = v.looseObject({
  input_tokens: CountSchema,
  output_tokens: CountSchema,
  cache_read_input_tokens: CountSchema,
  cache_creation_input_tokens: CountSchema,
});
const Message = v.looseObject({
  model: lenient(TextSchema),
  id: lenient(TextSchema),
  usage: lenient(Usage),
  content: lenient(v.union([v.string(), v.array(v.unknown())])),
});
const RecordSchema = v.looseObject({
  type: lenient(v.string()),
  timestamp: lenient(TextSchema),
  sessionId: lenient(TextSchema),
  cwd: lenient(TextSchema),
  gitBranch: lenient(TextSchema),
  version: lenient(TextSchema),
  isMeta: lenient(v.boolean()),
  isApiErrorMessage: lenient(v.boolean()),
  message: lenient(Message),
});
const Block = v.looseObject({
  type: lenient(v.string()),
  text: lenient(v.string()),
  name: lenient(TextSchema),
  input: lenient(v.record(v.string(), v.unknown())),
});

function hand(records: unknown[]): number {
  let n = 0;
  for (const r of records) {
    if (!isObj(r)) continue;
    for (const k of ["timestamp", "sessionId", "cwd", "gitBranch", "version"]) if (str(r[k])) n++;
    const m = r.message;
    if (!isObj(m)) continue;
    if (str(m.model) || str(m.id) || isObj(m.usage)) n++;
    if (Array.isArray(m.content)) for (const b of m.content) if (isObj(b) && (str(b.text) || str(b.name))) n++;
  }
  return n;
}

function withValibot(records: unknown[], blocks: boolean): number {
  let n = 0;
  for (const r of records) {
    const p = v.safeParse(RecordSchema, r);
    if (!p.success) continue;
    n++;
    const content = p.output.message?.content;
    if (blocks && Array.isArray(content)) for (const b of content) if (v.safeParse(Block, b).success) n++;
  }
  return n;
}

const skim = (l: string) => l.includes('"tool_result"') && !/"type":\s?"tool_use"/.test(l);
const dir = mkdtempSync(join(tmpdir(), "git-traces-bench-records-"));
try {
  const path = join(dir, "3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48.jsonl");
  writeFileSync(path, transcript(Number(values.mb)));
  const records = readJsonlFile(path, { skim }).records;
  const runs: Record<string, () => unknown> = {
    parse: () => readJsonlFile(path, { skim }),
    reader: () => readClaudeTranscript(path, { summary: true }),
    hand: () => hand(records),
    valibot: () => withValibot(records, false),
    "valibot+": () => withValibot(records, true),
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  for (let i = 0; i < Number(values.rounds) + 1; i++) {
    for (const [name, run] of Object.entries(runs)) {
      const t = performance.now();
      await run();
      // The first round warms up.
      if (i > 0) times[name]!.push(performance.now() - t);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const reader = median(times.reader!);
  console.log(
    `${values.mb} MB, ${records.length} records (summary mode), medians of ${values.rounds} interleaved rounds`,
  );
  for (const [name, xs] of Object.entries(times)) {
    const m = median(xs);
    console.log(
      `${name.padEnd(10)} ${m.toFixed(1).padStart(7)} ms  ${((m / reader) * 100).toFixed(0).padStart(4)}% of reader  ${((m * 1000) / records.length).toFixed(2)} µs/record`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
