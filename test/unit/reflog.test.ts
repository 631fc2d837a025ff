// Which commit a `git commit` made, by the reflog entry's own identity (src/git/reflog.ts).

import { expect, test } from "bun:test";
import { commitMade, subjectOf } from "../../src/git/reflog.ts";

const H = "1".repeat(40);
const A = "a".repeat(40);
const B = "b".repeat(40);
const Z = "0".repeat(40);
const who = "Dev <dev@example.com> 1763633400 +0000";
const entry = (from: string, to: string, msg: string) => `${from} ${to} ${who}\t${msg}`;
const anchor = { line: entry(Z, H, "commit (initial): first"), head: H };

test("the entry after the anchor whose old ID is HEAD then", () => {
  const reflog = [anchor.line, entry(H, A, "commit: A"), entry(A, B, "commit: B"), ""].join("\n");
  expect(commitMade(reflog, anchor, false, null)).toBe(A);
  expect(commitMade(reflog, anchor, false, "A")).toBe(A);
});

test("an entry another program appended first, with another subject, is not ours", () => {
  const reflog = [anchor.line, entry(H, B, "commit: B"), ""].join("\n");
  expect(commitMade(reflog, anchor, false, "A")).toBeNull();
});

test("a reflog rewritten shorter (auto-gc) still has the anchor and what follows", () => {
  const reflog = [anchor.line, entry(H, A, "commit: A"), ""].join("\n");
  expect(commitMade(reflog, anchor, false, null)).toBe(A);
});

test("amend, merge and initial entries; other kinds are not commits made by git commit", () => {
  expect(commitMade([anchor.line, entry(H, A, "commit (amend): A"), ""].join("\n"), anchor, true, "A")).toBe(A);
  expect(commitMade([anchor.line, entry(H, A, "commit (amend): A"), ""].join("\n"), anchor, false, null)).toBeNull();
  expect(commitMade([anchor.line, entry(H, A, "commit (merge): Merge x"), ""].join("\n"), anchor, false, null)).toBe(A);
  expect(
    commitMade(
      [anchor.line, entry(H, A, "cherry-pick: A"), entry(H, B, "reset: moving to HEAD"), ""].join("\n"),
      anchor,
      false,
      null,
    ),
  ).toBeNull();
});

test("no commit after the anchor: none", () => {
  expect(commitMade(`${anchor.line}\n`, anchor, false, null)).toBeNull();
  expect(commitMade("", anchor, false, null)).toBeNull();
});

test("the subject of -m is its first non-empty line", () => {
  expect(subjectOf("\n  Fix it  \n\nbody")).toBe("Fix it");
  expect(subjectOf("")).toBe("");
});
