// The content store (src/content/content.ts) against the real git: writes are compare-and-swap,
// unchanged entries are not written again, a merge is three-way (both sides' new entries
// kept, an unshare kept, the later version of a trace both sides changed), and what a remote
// may have put in the tree besides `<id>.json` blobs is never read.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { GitRunner } from "../../src/git/runner.ts";
import {
  contentEntries,
  contentCommit,
  mergeContentRef,
  readSharedTexts,
  updateContent,
  ContentRefCorrupt,
} from "../../src/content/content.ts";
import { CONTENT_REF } from "../../src/content/refs.ts";
import { makeSandbox, REAL_GIT, sh, type Sandbox } from "../helpers/sandbox.ts";

let box: Sandbox;
let git: GitRunner;

const trace = (id: string, end: string, extra = "") => `{"end":"${end}","id":"${id}"${extra}}\n`;
const names = (rev = CONTENT_REF) => [...contentEntries(git, rev).keys()].sort();
const text = (id: string, rev = CONTENT_REF) => readSharedTexts(git, [id], [rev]).get(id)?.text;

beforeAll(() => {
  box = makeSandbox("content");
  const repo = join(box.home, "repo");
  sh(`mkdir -p '${repo}' && cd '${repo}' && git init -q`, { env: box.realEnv });
  git = new GitRunner({ git: REAL_GIT, cwd: repo, env: box.realEnv });
});
afterAll(() => box?.cleanup());

test("writes, skips what is unchanged, removes", () => {
  expect(contentCommit(git)).toBeNull();
  expect(
    updateContent(
      git,
      new Map([
        ["a", trace("a", "2026-11-20T10:00:00Z")],
        ["b", trace("b", "2026-11-20T10:00:00Z")],
      ]),
      { message: "share" },
    ),
  ).toEqual(["a", "b"]);
  const first = contentCommit(git);
  expect(updateContent(git, new Map([["a", trace("a", "2026-11-20T10:00:00Z")]]), { message: "again" })).toEqual([]);
  expect(contentCommit(git)).toBe(first);
  expect(
    updateContent(
      git,
      new Map([
        ["b", null],
        ["nope", null],
      ]),
      { message: "unshare" },
    ),
  ).toEqual(["b"]);
  expect(names()).toEqual(["a"]);
  expect(git.out(["rev-list", "--count", CONTENT_REF]).trim()).toBe("2");
  expect(() => updateContent(git, new Map([["../x", "{}"]]), { message: "bad" })).toThrow("not a trace ID");
});

test("a three-way merge: both new entries kept, an unshare kept, the later version of a changed one", () => {
  // base: a, c, d
  updateContent(
    git,
    new Map([
      ["c", trace("c", "2026-11-20T10:00:00Z")],
      ["d", trace("d", "2026-11-20T10:00:00Z")],
    ]),
    { message: "base" },
  );
  const base = contentCommit(git)!;
  // theirs: + t; c went on to 10:05; d unshared
  updateContent(
    git,
    new Map([
      ["t", trace("t", "2026-11-20T10:00:00Z")],
      ["c", trace("c", "2026-11-20T10:05:00Z")],
      ["d", null],
    ]),
    { message: "theirs" },
  );
  const theirs = contentCommit(git)!;
  git.out(["update-ref", "refs/traces/remotes/origin/content", theirs]);
  // ours: + o; c went on to 10:03 only (a bigger file)
  git.out(["update-ref", CONTENT_REF, base]);
  updateContent(
    git,
    new Map([
      ["o", trace("o", "2026-11-20T10:00:00Z")],
      ["c", trace("c", "2026-11-20T10:03:00Z", `,"x":"${"y".repeat(100)}"`)],
    ]),
    { message: "ours" },
  );
  const ours = contentCommit(git)!;

  expect(mergeContentRef(git, "refs/traces/remotes/origin/content", { ident: "Dev <dev@example.com>" })).toBe("merged");
  expect(names()).toEqual(["a", "c", "o", "t"]);
  expect(text("c")).toBe(trace("c", "2026-11-20T10:05:00Z"));
  const merge = contentCommit(git)!;
  expect(git.out(["rev-list", "--parents", "-n1", merge]).trim().split(" ").slice(1)).toEqual([ours, theirs]);
  expect(git.out(["log", "-1", "--format=%cn <%ce>", merge]).trim()).toBe("Dev <dev@example.com>");
  // Again: nothing to do; and the remote gets a fast-forward.
  expect(mergeContentRef(git, "refs/traces/remotes/origin/content")).toBe("up-to-date");
  expect(git.run(["merge-base", "--is-ancestor", theirs, merge]).exitCode).toBe(0);
});

test("no common history (two clones that started sharing apart): the union", () => {
  git.out(["update-ref", "-d", CONTENT_REF]);
  updateContent(git, new Map([["x", trace("x", "2026-11-20T10:00:00Z")]]), { message: "x" });
  const x = contentCommit(git)!;
  git.out(["update-ref", "-d", CONTENT_REF]);
  updateContent(
    git,
    new Map([
      ["y", trace("y", "2026-11-20T10:00:00Z")],
      ["x", trace("x", "2026-11-20T09:00:00Z")],
    ]),
    { message: "y" },
  );
  git.out(["update-ref", "refs/traces/remotes/origin/content", x]);
  expect(mergeContentRef(git, "refs/traces/remotes/origin/content")).toBe("merged");
  expect(names()).toEqual(["x", "y"]);
  expect(text("x")).toBe(trace("x", "2026-11-20T10:00:00Z"));
});

test("a remote's tree holding other things: only <id>.json blobs are read or merged", () => {
  const blob = git.out(["hash-object", "-w", "--stdin"], { input: trace("z", "2026-11-20T10:00:00Z") }).trim();
  const sub = git.out(["mktree"], { input: `100644 blob ${blob}\tinner.json\n` }).trim();
  const tree = git
    .out(["mktree"], {
      input: `100644 blob ${blob}\tz.json\n100644 blob ${blob}\tREADME\n040000 tree ${sub}\tdir.json\n100644 blob ${blob}\tbad id.json\n`,
    })
    .trim();
  const commit = git.out(["commit-tree", tree, "-m", "odd"]).trim();
  git.out(["update-ref", "refs/traces/remotes/origin/content", commit]);
  expect(names(commit)).toEqual(["z"]);
  expect(mergeContentRef(git, "refs/traces/remotes/origin/content")).toBe("merged");
  expect(git.out(["ls-tree", "--name-only", CONTENT_REF]).trim().split("\n")).toEqual(["x.json", "y.json", "z.json"]);
});

test("a content ref that is not a commit is refused, never merged", () => {
  const blob = git.out(["hash-object", "-w", "--stdin"], { input: "garbage" }).trim();
  git.out(["update-ref", "refs/traces/remotes/origin/content", blob]);
  expect(() => mergeContentRef(git, "refs/traces/remotes/origin/content")).toThrow(ContentRefCorrupt);
  expect(names()).toEqual(["x", "y", "z"]);
});
