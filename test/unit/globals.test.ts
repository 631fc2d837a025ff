import { describe, expect, test } from "bun:test";
import { changesEnvironment, contextTokens, parseCommandLine, splitCommandLine } from "../../src/git/globals.ts";

describe("parseCommandLine", () => {
  const cases: [string[], string | null, string[], string[]][] = [
    // argv, command (null = git answers without a subcommand), globals tokens, args
    [["status"], "status", [], []],
    [["commit", "-m", "x"], "commit", [], ["-m", "x"]],
    [["-C", "dir", "log", "-1"], "log", ["-C", "dir"], ["-1"]],
    [["-c", "a.b=c", "-c", "d.e=f", "commit"], "commit", ["-c", "a.b=c", "-c", "d.e=f"], []],
    [["--git-dir=.git", "--work-tree=.", "status"], "status", ["--git-dir=.git", "--work-tree=."], []],
    [["--git-dir", ".git", "--work-tree", ".", "status"], "status", ["--git-dir", ".git", "--work-tree", "."], []],
    [["--namespace=n", "push"], "push", ["--namespace=n"], []],
    [["--namespace", "n", "push"], "push", ["--namespace", "n"], []],
    [["--config-env", "core.editor=ED", "commit"], "commit", ["--config-env", "core.editor=ED"], []],
    [["--config-env=core.editor=ED", "commit"], "commit", ["--config-env=core.editor=ED"], []],
    [["--exec-path=/x", "fetch"], "fetch", ["--exec-path=/x"], []],
    [["-p", "-P", "--no-pager", "--paginate", "log"], "log", ["-p", "-P", "--no-pager", "--paginate"], []],
    [
      ["--bare", "--no-replace-objects", "--literal-pathspecs", "ls-files"],
      "ls-files",
      ["--bare", "--no-replace-objects", "--literal-pathspecs"],
      [],
    ],
    [
      ["--glob-pathspecs", "--noglob-pathspecs", "--icase-pathspecs", "--no-optional-locks", "status"],
      "status",
      ["--glob-pathspecs", "--noglob-pathspecs", "--icase-pathspecs", "--no-optional-locks"],
      [],
    ],
    [["-C", "-c", "commit"], "commit", ["-C", "-c"], []], // -C's value may look like an option
    [["traces", "log", "--json"], "traces", [], ["log", "--json"]],
    [["--version"], null, [], []],
    [["-C", "x", "--version"], null, [], []],
    [["--help"], null, [], []],
    [["-h"], null, [], []],
    [["-v"], null, [], []],
    [["--exec-path"], null, [], []],
    [["--html-path"], null, [], []],
    [["--list-cmds=main"], null, [], []],
    [["--frobnicate", "commit"], null, [], []],
    [["-C"], null, [], []],
    [["-c", "x=y"], null, [], []],
    [[], null, [], []],
  ];
  for (const [argv, command, globals, args] of cases) {
    test(JSON.stringify(argv), () => {
      const r = parseCommandLine(argv);
      if (command === null) {
        expect(r.kind).toBe("other");
        return;
      }
      expect(r.kind).toBe("command");
      if (r.kind !== "command") return;
      expect(r.command).toBe(command);
      expect(r.globals.flatMap((g) => g.tokens)).toEqual(globals);
      expect(r.args).toEqual(args);
    });
  }

  test("context options are kept for nested git calls, pager options are not", () => {
    const r = parseCommandLine(["-C", "d", "-p", "-c", "k=v", "--no-pager", "--git-dir=g", "--bare", "log"]);
    if (r.kind !== "command") throw new Error("expected a command");
    expect(contextTokens(r.globals)).toEqual(["-C", "d", "-c", "k=v", "--git-dir=g", "--bare"]);
  });

  test("aliases may not change the environment, as git says", () => {
    const p = (argv: string[]) => {
      const r = parseCommandLine(argv);
      if (r.kind !== "command") throw new Error("expected a command");
      return changesEnvironment(r.globals);
    };
    expect(p(["-p", "log"])).toBe(false);
    expect(p(["--no-replace-objects", "log"])).toBe(false);
    expect(p(["-C", "x", "log"])).toBe(true);
    expect(p(["-c", "a=b", "log"])).toBe(true);
  });
});

describe("splitCommandLine (git's split_cmdline)", () => {
  const cases: [string, string[] | null][] = [
    ["commit", ["commit"]],
    ["log --oneline -5", ["log", "--oneline", "-5"]],
    ["log   --oneline\t-5", ["log", "--oneline", "-5"]],
    [`log "--format=%h %s"`, ["log", "--format=%h %s"]],
    [`log '--format=%h "%s"'`, ["log", `--format=%h "%s"`]],
    [`commit -m "say \\"hi\\""`, ["commit", "-m", `say "hi"`]],
    [`commit -m 'back\\slash'`, ["commit", "-m", "back\\slash"]],
    [`commit -m a\\ b`, ["commit", "-m", "a b"]],
    [`commit -m ""`, ["commit", "-m", ""]],
    [`log "unclosed`, null],
    [`log trailing\\`, null],
  ];
  for (const [line, words] of cases) {
    test(line, () => expect(splitCommandLine(line)).toEqual(words));
  }
});
