// The pieces of the upload feature (docs/upload.md): quoting values into the command, the
// URL taken from untrusted output, the note line it becomes, the retry queue and its locks,
// and running a command with a bounded time.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { uploadOptions } from "../../src/cli/commands/upload.ts";
import { UsageError } from "../../src/cli/errors.ts";
import { parseNote, setTraceUrl } from "../../src/notes/format.ts";
import { expandCommand, isUploadUrl, shellQuote, urlFromOutput } from "../../src/upload/command.ts";
import { editQueue, enqueue, readQueue, runLockFile, tryRunLock } from "../../src/upload/queue.ts";
import { runShellCommand } from "../../src/upload/run.ts";

const ID = "3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48";

describe("values in the command", () => {
  const awkward = [
    "plain",
    "with space",
    "it's",
    "$(touch /tmp/x)",
    "`id`",
    "a\nb",
    '"q"',
    "';rm -rf ~;'",
    "*",
    "-n",
    "",
  ];
  for (const value of awkward) {
    test(`shellQuote keeps ${JSON.stringify(value)} one word, as it is`, () => {
      const p = Bun.spawnSync({ cmd: ["/bin/sh", "-c", `printf '%s|' ${shellQuote(value)}`] });
      expect(p.stdout.toString()).toBe(`${value}|`);
    });
  }

  test("{id} and {file} are replaced everywhere, quoted; other braces stay", () => {
    expect(expandCommand("up --id {id} --file {file} {id} {other}", ID, "/tmp/a b/x.json")).toBe(
      `up --id '${ID}' --file '/tmp/a b/x.json' '${ID}' {other}`,
    );
    expect(expandCommand("aws s3 cp {file} s3://bucket/traces/{id}.json", "abc", "/t/f")).toBe(
      "aws s3 cp '/t/f' s3://bucket/traces/'abc'.json",
    );
  });

  test("an invalid ID never reaches a command", () => {
    for (const bad of ["a;b", "a b", "$(x)", "", "../x", "a".repeat(129), "é"])
      expect(() => expandCommand("up {id}", bad, "/f")).toThrow(/not a valid trace ID/);
  });
});

describe("the URL in the output", () => {
  const good: [string, string, string][] = [
    ["a URL alone", "https://traces.example/s/abc\n", "https://traces.example/s/abc"],
    ["after other lines", "Uploading...\nShared: https://traces.example/s/abc\n", "https://traces.example/s/abc"],
    ["trailing punctuation left out", "See (https://traces.example/s/abc).\n", "https://traces.example/s/abc"],
    ["quoted", 'url="https://traces.example/s/abc"', "https://traces.example/s/abc"],
    ["http", "http://localhost:8080/t/abc", "http://localhost:8080/t/abc"],
    ["a default port written out", "https://X.example:443/a", "https://X.example:443/a"],
    ["query and fragment kept", "https://x.example/t?id=abc&v=2#top", "https://x.example/t?id=abc&v=2#top"],
    ["JSON url", '{"url":"https://x.example/a"}', "https://x.example/a"],
    ["JSON shareUrl", '{"shareUrl":"https://x.example/a","other":"https://y.example"}', "https://x.example/a"],
    [
      "the traces.com CLI's --json",
      '{"ok":true,"data":{"traceId":"abc","sharedUrl":"https://www.traces.com/s/jd7abc","visibility":"direct"}}\n',
      "https://www.traces.com/s/jd7abc",
    ],
    ["a JSON line after log lines", 'uploading\n{"url":"https://x.example/a"}\n', "https://x.example/a"],
    ["CRLF line ends", "done\r\nhttps://x.example/a\r\n", "https://x.example/a"],
  ];
  for (const [name, out, url] of good) test(`taken: ${name}`, () => expect(urlFromOutput(ID, out)).toBe(url));

  const bad: [string, string][] = [
    ["nothing", ""],
    ["garbage", "upload complete\n"],
    ["binary noise", "\u0000\u0001\u00ff\ufffd"],
    ["an ANSI-coloured URL", "\x1b[32mhttps://traces.example/s/abc\x1b[0m\n"],
    ["a terminal title escape elsewhere in the output", "\x1b]0;hi\x07\nhttps://traces.example/s/abc\n"],
    ["the one-byte CSI", "\u009b31mhttps://traces.example/s/abc"],
    ["a bidi override", "https://traces.example/\u202e/abc"],
    ["javascript:", "javascript:alert(1)"],
    ["javascript: around an https URL", "javascript:https://x.example/a"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["ftp", "ftp://x.example/a"],
    ["user and password", "https://user:hunter2@x.example/a"],
    ["a user name alone", "https://token@x.example/a"],
    ["no host", "https:///a"],
    ["a scheme alone", "https://"],
    ["a backslash a browser reads as a slash", "https://evil.example\\@traces.example/a"],
    ["glued to a word", "xhttps://x.example/a"],
    ["too long", `https://x.example/${"a".repeat(2100)}`],
    ["a non-ASCII host", "https://tráces.example/a"],
    ["JSON with javascript:", '{"url":"javascript:alert(document.cookie)"}'],
    ["JSON with an escape inside the URL", '{"url":"https://x.example/a\\u001b[2J"}'],
    ["JSON with a non-string url", '{"url":{"href":"https://x.example/a"}}'],
    ["JSON without a URL field, a URL in another", '{"docs":"https://x.example/help"}'],
    ["an invalid first URL, a valid second", "https://u:p@x.example/a\nhttps://x.example/b\n"],
  ];
  for (const [name, out] of bad) test(`refused: ${name}`, () => expect(urlFromOutput(ID, out)).toBeNull());

  test("every URL taken makes a line the traces.com grammar reads back the same", () => {
    for (const [, out, url] of good) {
      expect(isUploadUrl(ID, url)).toBe(true);
      const note = setTraceUrl(`traces:${ID}\n`, ID, urlFromOutput(ID, out)!)!;
      expect(parseNote(note).traces).toEqual([{ id: ID, url }]);
      expect(parseNote(note).problems).toEqual([]);
    }
  });
});

describe("setTraceUrl", () => {
  const meta = `traces-meta:${ID} {"v":1,"agent":"claude-code"}`;
  test("the bare line becomes the line with the URL; other lines stay, canonical", () => {
    expect(setTraceUrl(`${meta}\ntraces:${ID}\nother-tool: x\n`, ID, "https://x.example/a")).toBe(
      `other-tool: x\ntraces-meta:${ID} {"v":1,"agent":"claude-code"}\ntraces:${ID} https://x.example/a\n`,
    );
  });
  test("CRLF and duplicate bare lines", () => {
    expect(setTraceUrl(`traces:${ID}\r\ntraces:${ID}\r\n`, ID, "https://x.example/a")).toBe(
      `traces:${ID} https://x.example/a\n`,
    );
  });
  test("a URL already there is not replaced; a trace not named is not added", () => {
    expect(setTraceUrl(`traces:${ID}\ntraces:${ID} https://old.example/a\n`, ID, "https://x.example/a")).toBeNull();
    expect(setTraceUrl("traces:other\n", ID, "https://x.example/a")).toBeNull();
    expect(setTraceUrl("", ID, "https://x.example/a")).toBeNull();
  });
  test("another trace's bare line stays bare", () => {
    expect(setTraceUrl(`traces:${ID}\ntraces:other\n`, ID, "https://x.example/a")).toBe(
      `traces:${ID} https://x.example/a\ntraces:other\n`,
    );
  });
});

describe("the retry queue", () => {
  let common: string;
  beforeEach(() => {
    common = mkdtempSync(join(tmpdir(), "git-traces-upload-queue-"));
  });
  afterEach(() => rmSync(common, { recursive: true, force: true }));
  const A = "a".repeat(40);
  const B = "b".repeat(40);

  test("a trace queued again gains the commit; a given-up one gets its attempts back", () => {
    enqueue(common, [{ id: "t1", commit: A }], 1000);
    enqueue(
      common,
      [
        { id: "t1", commit: B },
        { id: "t2", commit: B },
      ],
      2000,
    );
    expect(readQueue(common).jobs).toEqual([
      { id: "t1", commits: [A, B], attempts: 0, next: 1000, added: 1000 },
      { id: "t2", commits: [B], attempts: 0, next: 2000, added: 2000 },
    ]);
    editQueue(common, (q) => Object.assign(q.jobs[0]!, { attempts: 5, gaveUp: true, next: 9e12 }));
    enqueue(common, [{ id: "t1", commit: B }], 3000);
    expect(readQueue(common).jobs[0]).toMatchObject({ id: "t1", attempts: 0, next: 3000 });
    expect(readQueue(common).jobs[0]!.gaveUp).toBeUndefined();
  });

  test("an empty queue leaves no file", () => {
    enqueue(common, [{ id: "t1", commit: A }], 1);
    editQueue(common, (q) => (q.jobs = []));
    expect(existsSync(join(common, "traces", "uploads.json"))).toBe(false);
  });

  test("a broken queue file is kept aside, and bad entries are skipped", () => {
    mkdirSync(join(common, "traces"), { recursive: true });
    writeFileSync(join(common, "traces", "uploads.json"), "{not json");
    expect(readQueue(common).jobs).toEqual([]);
    expect(readFileSync(join(common, "traces", "uploads.json.bad"), "utf8")).toBe("{not json");
    writeFileSync(
      join(common, "traces", "uploads.json"),
      JSON.stringify({
        v: 1,
        jobs: [
          { id: "a;b", commits: [], attempts: 0, next: 0, added: 0 },
          { id: "ok", commits: ["../x"], attempts: 0, next: 0, added: 0 },
          { id: "ok", commits: [A], attempts: 1, next: 0, added: 0 },
        ],
      }),
    );
    expect(readQueue(common).jobs.map((j) => j.id)).toEqual(["ok"]);
  });

  test("processes adding at once lose nothing", async () => {
    const queueModule = join(import.meta.dir, "..", "..", "src", "upload", "queue.ts");
    const procs = Array.from({ length: 6 }, (_, p) =>
      Bun.spawn({
        cmd: [
          process.execPath,
          "-e",
          `const { enqueue } = await import(${JSON.stringify(queueModule)}); for (let i = 0; i < 15; i++) enqueue(${JSON.stringify(common)}, [{ id: "p${p}-" + i, commit: "${A}" }], Date.now());`,
        ],
        stdout: "ignore",
        stderr: "pipe",
      }),
    );
    const codes = await Promise.all(procs.map((p) => p.exited));
    expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
    expect(readQueue(common).jobs).toHaveLength(90);
  });

  test("the run lock: one holder at a time; a dead holder's lock is taken over", () => {
    const lock = tryRunLock(common)!;
    expect(lock).not.toBeNull();
    expect(tryRunLock(common)).toBeNull();
    lock.release();
    const dead = Bun.spawnSync({ cmd: ["/bin/sh", "-c", "echo $$"] })
      .stdout.toString()
      .trim();
    writeFileSync(runLockFile(common), `${dead}\n`);
    const again = tryRunLock(common);
    expect(again).not.toBeNull();
    again!.release();
  });
});

describe("running the command", () => {
  test("out of time: the whole process group is stopped", async () => {
    const started = Date.now();
    const r = await runShellCommand("sleep 30 & sleep 30; echo never", {
      cwd: tmpdir(),
      env: { PATH: "/usr/bin:/bin" },
      timeoutMs: 300,
    });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.stdout).toBe("");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test("stdin is empty; exit status, stdout and stderr are kept", async () => {
    const r = await runShellCommand("cat; echo out; echo err >&2; exit 7", {
      cwd: tmpdir(),
      env: { PATH: "/usr/bin:/bin" },
      timeoutMs: 5000,
    });
    expect(r).toMatchObject({ exitCode: 7, timedOut: false, stdout: "out\n", stderr: "err\n" });
  });

  test("a flood of output is read, and only its start kept", async () => {
    const r = await runShellCommand("head -c 5000000 /dev/zero | tr '\\0' x", {
      cwd: tmpdir(),
      env: { PATH: "/usr/bin:/bin" },
      timeoutMs: 10_000,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.length).toBe(256 * 1024);
  });

  test("a child that keeps the output open does not keep us waiting", async () => {
    const started = Date.now();
    // The child leaves the process group (its own session) with the output still open.
    const r = await runShellCommand("setsid sleep 5 & sleep 0.3; echo https://x.example/a", {
      cwd: tmpdir(),
      env: { PATH: "/usr/bin:/bin" },
      timeoutMs: 10_000,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("https://x.example/a\n");
    expect(Date.now() - started).toBeGreaterThan(1000); // waited for the output a little...
    expect(Date.now() - started).toBeLessThan(3000); // ...not for the child
  });
});

describe("git traces upload's arguments", () => {
  test("trace IDs are checked; --list takes none", () => {
    expect(uploadOptions({ _: [ID, ID] })).toEqual({ ids: [ID], list: false, json: false });
    expect(() => uploadOptions({ _: ["x;y"] })).toThrow(UsageError);
    expect(() => uploadOptions({ _: [ID], list: true })).toThrow("--list takes no trace IDs");
  });
});
