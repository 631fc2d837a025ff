// Notes are bytes: one that is not valid UTF-8 reads with U+FFFD where the bad bytes were,
// and never shifts where the next note of the same batch starts.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readBlobs } from "../../src/git/objects.ts";
import { GitRunner } from "../../src/git/runner.ts";
import { readNotes } from "../../src/notes/store.ts";
import { makeSandbox, REAL_GIT, sh, type Sandbox } from "../helpers/sandbox.ts";

let box: Sandbox;
beforeAll(() => {
  box = makeSandbox("bytes");
});
afterAll(() => box?.cleanup());

test("a batch of blobs, the first with invalid UTF-8, reads whole", () => {
  const repo = join(box.dir, "repo");
  sh(`git init -q '${repo}'`, { env: box.realEnv });
  const bad = join(box.dir, "bad");
  const good = join(box.dir, "good");
  writeFileSync(
    bad,
    Buffer.concat([
      Buffer.from('traces-meta:a {"title":"caf'),
      Buffer.from([0xe9, 0xff, 0xfe, 0x9b]),
      Buffer.from('"}\ntraces:a\n'),
    ]),
  );
  writeFileSync(good, "traces:b\n");
  const [badOid, goodOid] = sh(`git hash-object -w '${bad}' '${good}'`, { cwd: repo, env: box.realEnv })
    .trim()
    .split("\n");
  const blobs = readBlobs(new GitRunner({ git: REAL_GIT, cwd: repo, env: box.realEnv }), [badOid!, goodOid!]);
  expect(blobs.get(badOid!)).toBe('traces-meta:a {"title":"caf\ufffd\ufffd\ufffd\ufffd"}\ntraces:a\n');
  expect(blobs.get(goodOid!)).toBe("traces:b\n");
});

test("a note holding record separators cannot pass for another commit's note", () => {
  const repo = join(box.dir, "repo2");
  sh(
    `git init -q '${repo}' && cd '${repo}' && git -c user.name=t -c user.email=t@e commit -q --allow-empty -m one && git -c user.name=t -c user.email=t@e commit -q --allow-empty -m two`,
    { env: box.realEnv },
  );
  const [two, one] = sh("git rev-list HEAD", { cwd: repo, env: box.realEnv }).trim().split("\n");
  const forged = join(box.dir, "forged");
  writeFileSync(forged, `traces:real\n\x1e${one}\0traces:forged\n\x1e`);
  sh(`git -c user.name=t -c user.email=t@e notes --ref=traces add -F '${forged}' ${two}`, {
    cwd: repo,
    env: box.realEnv,
  });
  const notes = readNotes(new GitRunner({ git: REAL_GIT, cwd: repo, env: box.realEnv }), [two!, one!]);
  expect([...notes.keys()]).toEqual([two!]);
  expect(notes.get(two!)).toStartWith("traces:real\n");
});
