// Settings files edited in place: for hand-written files (comments, tabs, CRLF, trailing
// commas, one-line lists, a file on one line, empty objects with something inside),
// install keeps every byte of the user's, a second install writes nothing, and uninstall
// gives the file back byte for byte. In-process, on the shared installers every agent uses.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  installCommandHooks,
  installFlatHooks,
  uninstallCommandHooks,
  uninstallFlatHooks,
  type FlatHookFormat,
} from "../../src/agents/shared/command-hooks.ts";

let dir: string;
let env: Record<string, string>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "git-traces-json-edit-"));
  env = { GIT_TRACES_HOME: join(dir, "data") };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BIN = "/opt/git traces/bin/git-traces"; // a path that needs quoting
const specs = (agent: string) =>
  ["SessionStart", "Stop", "Notification"].map((event) => ({
    event,
    command: `'${BIN}' hook ${agent} ${event}`,
    timeout: 10,
  }));

const COMMAND_FILES: Record<string, string> = {
  "comments, one-line groups, an empty list": `{
  // my settings
  "model": "opus", // the best
  "hooks": {
    "Stop": [{ "hooks": [{"type":"command","command":"notify"}] }],
    "Notification": []
  }
}
`,
  "a file on one line": `{"a":1,"hooks":{"Stop":[]}}`,
  "one line, no hooks": `{"a":1}`,
  "tabs and trailing commas": `{
\t"a": 1,
\t"hooks": {
\t\t"Stop": [
\t\t\t{"hooks": []},
\t\t],
\t},
}
`,
  "CRLF, four spaces": `{\r\n    "a": [1, 2],\r\n    "b": {}\r\n}\r\n`,
  "a block comment after the last member, no final newline": `{
  "a": 1 /* trailing
  block */
}`,
  "comments inside empty lists": `{
  "hooks": { // ours go here
    "Notification": [ // none yet
    ],
    "Stop": [ /* nothing */ ]
  }
}
`,
  "an empty object": `{}`,
  "an empty object, newline": `{}\n`,
  "an empty object on two lines": `{\n}\n`,
  blank: `  \n`,
  "empty hooks, the closing brace after a member": `{
  "x": true,
  "hooks": {} }
`,
};

describe("command hooks (Claude Code, Codex, Gemini CLI)", () => {
  for (const [name, text] of Object.entries(COMMAND_FILES)) {
    test(name, () => {
      const file = join(dir, "cmd", name.replaceAll(" ", "-"), "settings.json");
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, text);
      expect(installCommandHooks(file, specs("claude-code"), env, { agent: "claude-code" }).changes).toHaveLength(3);
      const installed = readFileSync(file, "utf8");
      expect(installed).toContain(`"command": "'${BIN}' hook claude-code Stop"`);
      for (const comment of text.match(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g) ?? []) expect(installed).toContain(comment);
      const mtime = statSync(file).mtimeMs;
      Bun.sleepSync(5);
      expect(installCommandHooks(file, specs("claude-code"), env, { agent: "claude-code" }).changes).toEqual([]);
      expect(readFileSync(file, "utf8")).toBe(installed);
      expect(statSync(file).mtimeMs).toBe(mtime);
      expect(uninstallCommandHooks(file, env).changes.length).toBeGreaterThanOrEqual(3);
      expect(readFileSync(file, "utf8")).toBe(text);
    });
  }

  test("hooks of an older version are replaced in place, and go on uninstall", () => {
    const file = join(dir, "cmd-old", "settings.json");
    mkdirSync(join(file, ".."), { recursive: true });
    const text = `{
  "hooks": {
    "Stop": [
      { "hooks": [ { "type": "command", "command": "git-traces hook claude-code Stop", "timeout": 10 } ] },
      { "hooks": [ { "type": "command", "command": "say done" } ] },
      { "hooks": [ { "type": "command", "command": "git traces hook claude-code Stop" } ] }
    ]
  }
}
`;
    writeFileSync(file, text);
    const r = installCommandHooks(file, specs("claude-code"), env, { agent: "claude-code" });
    expect(r.changes).toContain("updated the Stop hook");
    const stop = (JSON.parse(readFileSync(file, "utf8")) as { hooks: { Stop: { hooks: { command: string }[] }[] } })
      .hooks.Stop;
    expect(stop.map((g) => g.hooks[0]!.command)).toEqual([`'${BIN}' hook claude-code Stop`, "say done"]);
    uninstallCommandHooks(file, env);
    expect(readFileSync(file, "utf8")).toBe(`{
  "hooks": {
    "Stop": [
      { "hooks": [ { "type": "command", "command": "say done" } ] }
    ]
  }
}
`);
  });

  test("a file git-traces created goes, with the folders it made", () => {
    const file = join(dir, "cmd-new", "a", ".claude", "settings.json");
    installCommandHooks(file, specs("claude-code"), env, { agent: "claude-code" });
    expect(readFileSync(file, "utf8")).toStartWith('{\n  "hooks": {\n    "SessionStart": [\n');
    uninstallCommandHooks(file, env);
    expect(existsSync(join(dir, "cmd-new"))).toBe(false);
  });
});

const CURSOR: FlatHookFormat = {
  header: { version: 1 },
  handler: (s) => ({ command: s.command }),
  command: (h) => h.command,
};

const FLAT_FILES: Record<string, string> = {
  "hand-written, a comment at the end of a line": `{
  "version": 1,
  "hooks": {
    "Stop": [ { "command": "./hooks/format.sh" } ], // format on stop
    "beforeShellExecution": [
      { "command": "./hooks/guard.sh", "timeout": 5 }
    ]
  }
}
`,
  "no version, four spaces": `{
    "hooks": {
        "Stop": [
            {
                "command": "say done"
            }
        ]
    }
}
`,
  "other keys only": `{ "extra": { "keep": ["me"] } }\n`,
};

describe("flat hook files (Cursor, Copilot CLI)", () => {
  for (const [name, text] of Object.entries(FLAT_FILES)) {
    test(name, () => {
      const file = join(dir, "flat", name.replaceAll(" ", "-"), "hooks.json");
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, text);
      expect(
        installFlatHooks(file, specs("cursor"), CURSOR, env, { agent: "cursor" }).changes.length,
      ).toBeGreaterThanOrEqual(3);
      const installed = readFileSync(file, "utf8");
      expect(JSON.parse(installed.replace(/\/\/.*$/gm, "")).version).toBe(1);
      expect(installFlatHooks(file, specs("cursor"), CURSOR, env, { agent: "cursor" }).changes).toEqual([]);
      expect(readFileSync(file, "utf8")).toBe(installed);
      uninstallFlatHooks(file, CURSOR, env);
      expect(readFileSync(file, "utf8")).toBe(text);
    });
  }
});

// Hand-written files of every shape, generated: lists and objects on one line or several,
// empty ones with blanks or a comment inside, comments after members, trailing commas, tabs,
// CRLF. A fixed seed, so a failure names its case.
describe("generated settings files", () => {
  let seed = 20261120;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

  function write(v: unknown, ind: string, unit: string, eol: string): string {
    const comment = () => (rnd() < 0.15 ? pick([" // note", " /* note */"]) : "");
    const trailing = rnd() < 0.15 ? "," : "";
    const flatten = (s: string) => s.replace(/\/\/[^\n]*\n/g, "").replace(/\r?\n\s*/g, " ");
    if (Array.isArray(v)) {
      if (!v.length) return pick(["[]", "[ ]", `[${eol}${ind}]`, "[ /* none */ ]", `[ // none${eol}${ind}]`]);
      if (rnd() < 0.3) return flatten(`[${v.map((x) => write(x, ind, unit, eol)).join(pick([",", ", "]))}${trailing}]`);
      return `[${comment()}${eol}${v.map((x) => ind + unit + write(x, ind + unit, unit, eol)).join(`,${comment()}${eol}`)}${trailing}${comment()}${eol}${ind}]`;
    }
    if (v !== null && typeof v === "object") {
      const entries = Object.entries(v);
      if (!entries.length) return pick(["{}", "{ }", `{${eol}${ind}}`, `{ // none${eol}${ind}}`]);
      if (rnd() < 0.3)
        return flatten(
          `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${pick(["", " "])}${write(x, ind, unit, eol)}`).join(pick([",", ", "]))}${trailing}}`,
        );
      return `{${comment()}${eol}${entries.map(([k, x]) => `${ind + unit}${JSON.stringify(k)}: ${write(x, ind + unit, unit, eol)}`).join(`,${comment()}${eol}`)}${trailing}${comment()}${eol}${ind}}`;
    }
    return JSON.stringify(v);
  }

  test("200 files: install keeps them valid, a second install writes nothing, uninstall gives each back", () => {
    const failures: string[] = [];
    for (let i = 0; i < 200; i++) {
      const hooks: Record<string, unknown> = {};
      for (const event of ["Stop", "Notification", "Other"]) {
        if (rnd() < 0.6)
          hooks[event] = Array.from({ length: Math.floor(rnd() * 3) }, () =>
            rnd() < 0.5 ? { hooks: [{ type: "command", command: "x" }] } : { command: "y" },
          );
      }
      const settings: Record<string, unknown> = rnd() < 0.5 ? { a: 1, b: [1, { c: 2 }] } : {};
      if (rnd() < 0.7) settings.hooks = hooks;
      if (rnd() < 0.3) settings.z = "q";
      const text = write(settings, "", pick(["  ", "    ", "\t"]), pick(["\n", "\r\n"])) + pick(["", "\n"]);
      const file = join(dir, "generated", `${i}.json`);
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, text);
      const flat = rnd() < 0.4;
      const install = () =>
        flat
          ? installFlatHooks(file, specs("x"), CURSOR, env, { agent: "x" })
          : installCommandHooks(file, specs("x"), env, { agent: "x" });
      try {
        install();
        const installed = readFileSync(file, "utf8");
        JSON.parse(installed.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, "").replace(/,(\s*[}\]])/g, "$1"));
        if (install().changes.length || readFileSync(file, "utf8") !== installed)
          failures.push(`${i} not idempotent: ${JSON.stringify(text)}`);
        if (flat) uninstallFlatHooks(file, CURSOR, env);
        else uninstallCommandHooks(file, env);
        if (readFileSync(file, "utf8") !== text) failures.push(`${i} not restored: ${JSON.stringify(text)}`);
      } catch (e) {
        failures.push(`${i} ${(e as Error).message}: ${JSON.stringify(text)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
