// The added-lines parser, on patches in exactly the form `git diff-tree --stdin -p -U0`
// prints them (every shape below was taken from git 2.39's real output).

import { describe, expect, test } from "bun:test";
import { parsePatches, unquotePath, type FileAdditions } from "../../src/views/diff-hunks.ts";

const C1 = "1b13c1090bf775bd6618ba7711ee4cbbccd406f0";
const C2 = "abd943dfa4f730032d23cf05f746f64a01631d4a";
const C3 = "bf77a33904445aa7b443c102d7aee84241f5c199";

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);
const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

/** path -> [start, end, text of the bytes] */
function shape(files: FileAdditions[] | undefined) {
  return (files ?? []).map((f) => [f.path, f.ranges.map((r) => [r.start, r.end, text(r.bytes)])]);
}

describe("parsePatches", () => {
  test("commits one after another; a root commit's new files; hunks with and without counts", () => {
    const out = [
      C1,
      "diff --git a/f.txt b/f.txt",
      "new file mode 100644",
      "index 0000000..de98044",
      "--- /dev/null",
      "+++ b/f.txt",
      "@@ -0,0 +1,3 @@",
      "+a",
      "+b",
      "+c",
      C2,
      "diff --git a/f.txt b/f.txt",
      "index de98044..f8f7a32 100644",
      "--- a/f.txt",
      "+++ b/f.txt",
      "@@ -2 +2 @@ a",
      "-b",
      "+B",
      "@@ -3,0 +4,2 @@ c",
      "+d",
      "+e",
      "@@ -5,2 +7,0 @@ x",
      "-gone",
      "-gone too",
      "",
    ].join("\n");
    const parsed = parsePatches(bytes(out));
    expect([...parsed.keys()]).toEqual([C1, C2]);
    expect(shape(parsed.get(C1))).toEqual([["f.txt", [[1, 3, "a\nb\nc\n"]]]]);
    expect(shape(parsed.get(C2))).toEqual([
      [
        "f.txt",
        [
          [2, 2, "B\n"],
          [4, 5, "d\ne\n"],
        ],
      ],
    ]);
  });

  test("the last line without a line end is hashed without one", () => {
    const out = [
      C1,
      "diff --git a/f b/f",
      "index 1..2 100644",
      "--- a/f",
      "+++ b/f",
      "@@ -3,0 +4 @@ c",
      "+d",
      "\\ No newline at end of file",
      "",
    ].join("\n");
    expect(shape(parsePatches(bytes(out)).get(C1))).toEqual([["f", [[4, 4, "d"]]]]);
    // A removed last line without a line end, replaced by one with it.
    const out2 = [
      C1,
      "diff --git a/f b/f",
      "index 1..2 100644",
      "--- a/f",
      "+++ b/f",
      "@@ -1 +1 @@",
      "-x",
      "\\ No newline at end of file",
      "+x",
      "",
    ].join("\n");
    expect(shape(parsePatches(bytes(out2)).get(C1))).toEqual([["f", [[1, 1, "x\n"]]]]);
  });

  test("quoted paths, names with spaces (git adds a TAB), non-ASCII names", () => {
    const out = [
      C3,
      "diff --git a/a b.txt b/a b.txt",
      "new file mode 100644",
      "index 0000000..bca70f3",
      "--- /dev/null",
      "+++ b/a b.txt\t",
      "@@ -0,0 +1 @@",
      "+q",
      'diff --git "a/new \\"name\\".txt" "b/new \\"name\\".txt"',
      "index 74b863c..d2330bb 100644",
      '--- "a/new \\"name\\".txt"\t',
      '+++ "b/new \\"name\\".txt"\t',
      "@@ -1,0 +2 @@ x y",
      "+z",
      'diff --git "a/\\303\\274tf\\tx" "b/\\303\\274tf\\tx"',
      "new file mode 100644",
      "index 0000000..a374469",
      "--- /dev/null",
      '+++ "b/\\303\\274tf\\tx"',
      "@@ -0,0 +1 @@",
      "+u",
      "diff --git a/ütf.txt b/ütf.txt",
      "new file mode 100644",
      "index 0000000..a374469",
      "--- /dev/null",
      "+++ b/ütf.txt",
      "@@ -0,0 +1 @@",
      "+v",
      "",
    ].join("\n");
    expect(shape(parsePatches(bytes(out)).get(C3))).toEqual([
      ["a b.txt", [[1, 1, "q\n"]]],
      ['new "name".txt', [[2, 2, "z\n"]]],
      ["ütf\tx", [[1, 1, "u\n"]]],
      ["ütf.txt", [[1, 1, "v\n"]]],
    ]);
  });

  test("a renamed file is named by its new path; pure renames, deletions, binary files, mode changes add nothing", () => {
    const out = [
      C2,
      "diff --git a/old.py b/new.py",
      "similarity index 80%",
      "rename from old.py",
      "rename to new.py",
      "index 1111111..2222222 100644",
      "--- a/old.py",
      "+++ b/new.py",
      "@@ -3,0 +4 @@ def f():",
      "+    return 1",
      "diff --git a/sp ace.txt b/moved.txt",
      "similarity index 100%",
      "rename from sp ace.txt",
      "rename to moved.txt",
      "diff --git a/gone.txt b/gone.txt",
      "deleted file mode 100644",
      "index de98044..0000000",
      "--- a/gone.txt",
      "+++ /dev/null",
      "@@ -1,3 +0,0 @@",
      "-a",
      "-b",
      "-c",
      "diff --git a/bin.dat b/bin.dat",
      "new file mode 100644",
      "index 0000000..bdc955b",
      "Binary files /dev/null and b/bin.dat differ",
      "diff --git a/run.sh b/run.sh",
      "old mode 100644",
      "new mode 100755",
      "",
    ].join("\n");
    expect(shape(parsePatches(bytes(out)).get(C2))).toEqual([["new.py", [[4, 4, "    return 1\n"]]]]);
  });

  test("submodules and symbolic links are no file content", () => {
    const out = [
      C2,
      "diff --git a/lib b/lib",
      "new file mode 160000",
      "index 0000000..1234567",
      "--- /dev/null",
      "+++ b/lib",
      "@@ -0,0 +1 @@",
      `+Subproject commit ${C1}`,
      "diff --git a/vendor b/vendor",
      "index 1234567..89abcde 160000",
      "--- a/vendor",
      "+++ b/vendor",
      "@@ -1 +1 @@",
      `-Subproject commit ${C1}`,
      `+Subproject commit ${C3}`,
      "diff --git a/link b/link",
      "new file mode 120000",
      "index 0000000..1234567",
      "--- /dev/null",
      "+++ b/link",
      "@@ -0,0 +1 @@",
      "+target",
      "\\ No newline at end of file",
      "diff --git a/real.txt b/real.txt",
      "new file mode 100644",
      "index 0000000..1234567",
      "--- /dev/null",
      "+++ b/real.txt",
      "@@ -0,0 +1 @@",
      "+real",
      "",
    ].join("\n");
    expect(shape(parsePatches(bytes(out)).get(C2))).toEqual([["real.txt", [[1, 1, "real\n"]]]]);
  });

  test("added lines that look like headers, commit IDs or hunks stay content", () => {
    const out = [
      C1,
      "diff --git a/tricky b/tricky",
      "new file mode 100644",
      "index 0000000..1234567",
      "--- /dev/null",
      "+++ b/tricky",
      "@@ -0,0 +1,5 @@",
      "+++ b/evil",
      "+diff --git a/x b/x",
      "+@@ -1 +1 @@",
      `+${C2}`,
      "+",
      "diff --git a/other b/other",
      "index 1..2 100644",
      "--- a/other",
      "+++ b/other",
      "@@ -1,2 +1 @@",
      "--- a/evil",
      `-${C3}`,
      "+kept",
      "",
    ].join("\n");
    const parsed = parsePatches(bytes(out));
    expect([...parsed.keys()]).toEqual([C1]);
    expect(shape(parsed.get(C1))).toEqual([
      ["tricky", [[1, 5, `++ b/evil\ndiff --git a/x b/x\n@@ -1 +1 @@\n${C2}\n\n`]]],
      ["other", [[1, 1, "kept\n"]]],
    ]);
  });

  test("bytes stay exact: CRLF line ends and invalid UTF-8", () => {
    const head = bytes(
      [
        C1,
        "diff --git a/w b/w",
        "new file mode 100644",
        "index 0000000..1234567",
        "--- /dev/null",
        "+++ b/w",
        "@@ -0,0 +1,2 @@",
        "",
      ].join("\n"),
    );
    const body = Uint8Array.from([0x2b, 0x61, 0x0d, 0x0a, 0x2b, 0xc3, 0x28, 0xff, 0x0d, 0x0a]);
    const parsed = parsePatches(Buffer.concat([head, body]));
    const r = parsed.get(C1)![0]!.ranges[0]!;
    expect([r.start, r.end]).toEqual([1, 2]);
    expect([...r.bytes]).toEqual([0x61, 0x0d, 0x0a, 0xc3, 0x28, 0xff, 0x0d, 0x0a]);
  });

  test("empty input, garbage, truncated output: no throw", () => {
    expect(parsePatches(new Uint8Array()).size).toBe(0);
    expect(parsePatches(bytes("garbage\n@@ nonsense @@\n+x\n")).size).toBe(0);
    const truncated = [
      C1,
      "diff --git a/f b/f",
      "new file mode 100644",
      "--- /dev/null",
      "+++ b/f",
      "@@ -0,0 +1,3 @@",
      "+a",
    ].join("\n");
    expect(shape(parsePatches(bytes(truncated)).get(C1))).toEqual([["f", [[1, 1, "a\n"]]]]);
  });
});

describe("unquotePath", () => {
  test("git's C quoting: escapes and octal bytes", () => {
    const un = (s: string) => Buffer.from(unquotePath(bytes(s))).toString("utf8");
    expect(un("plain/path")).toBe("plain/path");
    expect(un('"a\\tb\\nc\\"d\\\\e"')).toBe('a\tb\nc"d\\e');
    expect(un('"\\303\\251t\\303\\251"')).toBe("été");
  });
});
