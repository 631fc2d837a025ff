// bun run scripts/bench-redact.ts [--mb N] [--rounds N]
//
// What redaction costs on a large trace: a Trace of about N MB (default 3) built from the
// fixture transcripts' lines (JSON, code, tool output, paths under /home/dev) used as message
// texts and tool commands (lines over 100 kB skipped, to hit the size), redacted once cold (the first call in this process) and then
// `rounds` more times. Prints milliseconds and MB/s; the target is well under a second cold.
// Then 1 MB inputs built to make a careless regex or scan go quadratic (many starts of a
// rule on one line, a key without its END line, ...): each should take about as long as
// ordinary text, tens to a few hundred milliseconds, not seconds.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { emptyTokens, type Trace } from "../src/traces/model.ts";
import { redactText, redactTrace } from "../src/traces/redact.ts";

const { values } = parseArgs({
  options: { mb: { type: "string", default: "3" }, rounds: { type: "string", default: "5" } },
});
const target = Number(values.mb) * 1_000_000;
const fixtures = join(import.meta.dir, "..", "test", "fixtures", "agents");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".jsonl") ? [join(dir, e.name)] : [],
  );
}
const lines = (await Promise.all(files(fixtures).map((f) => Bun.file(f).text())))
  .flatMap((t) => t.split("\n"))
  .filter((l) => l !== "" && l.length < 100_000);

const trace: Trace = {
  id: "bench",
  agent: "claude-code",
  models: ["m"],
  title: "bench",
  cwd: "/home/dev/work/shop",
  transcript: "/home/dev/t.jsonl",
  tools: [],
  messages: [],
  tokens: emptyTokens(),
};
let size = 0;
for (let i = 0; size < target; i++) {
  const line = lines[i % lines.length]!;
  if (i % 4 === 0)
    trace.tools.push({
      kind: "shell",
      name: "Bash",
      command: line.slice(0, 400),
      paths: ["/home/dev/work/shop/src/auth.py"],
    });
  else trace.messages.push({ role: i % 2 ? "assistant" : "user", text: line });
  size += line.length;
}

const mb = size / 1_000_000;
const time = (): number => {
  const t0 = performance.now();
  redactTrace(trace, { home: "/home/dev" });
  return performance.now() - t0;
};
const cold = time();
const warm = Array.from({ length: Number(values.rounds) }, time).sort((a, b) => a - b);
const median = warm[Math.floor(warm.length / 2)]!;
console.log(`${mb.toFixed(2)} MB in ${trace.messages.length} messages and ${trace.tools.length} tool calls`);
console.log(
  `cold ${cold.toFixed(0)} ms (${(mb / (cold / 1000)).toFixed(1)} MB/s), warm median ${median.toFixed(0)} ms (${(mb / (median / 1000)).toFixed(1)} MB/s)`,
);

const MB = 1_000_000;
const fill = (unit: string, prefix = ""): string => prefix + unit.repeat(Math.ceil((MB - prefix.length) / unit.length));
const adversarial: Record<string, string> = {
  "dotted run after a URL": fill("a.", "https://x "),
  "name=, over and over": fill("password="),
  '"token": " unclosed, over and over': fill('"token": "'),
  "token: value, not ending the line": fill("token: a "),
  "BEGIN lines without END": fill("-----BEGIN PRIVATE KEY-----\nabc\n"),
  "a key body without END": fill("\nAAAA", "-----BEGIN PRIVATE KEY-----"),
  "one very long name": fill("password") + "=x",
  "curl -u on one line": fill("-u a:b ", "curl "),
  "Authorization:, over and over": fill("Authorization: "),
  "gitlab token with many dots": fill(".a", `glpat-${"a".repeat(20)}`),
  "--token, over and over": fill("--token "),
};
for (const [what, text] of Object.entries(adversarial)) {
  const t0 = performance.now();
  redactText(text, { home: "/home/dev" });
  console.log(`${what.padEnd(36)} ${(performance.now() - t0).toFixed(0).padStart(5)} ms`);
}
