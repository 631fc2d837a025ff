// `git traces hooks install|uninstall|status` on agent configs that already hold the
// user's own settings and hooks.

import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeSandbox, requireBinary, run, sh, type Sandbox } from "../helpers/sandbox.ts";

let box: Sandbox;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("hooks");
});
afterEach(() => box?.cleanup());

const traces = (args: string[], cwd?: string) =>
  run([join(box.bin, "git-traces"), ...args], { env: box.env, cwd: cwd ?? box.home });

const CLAUDE_SETTINGS = {
  model: "opus",
  permissions: { allow: ["Bash(npm test:*)"], deny: [] },
  env: { FOO: "bar" },
  hooks: {
    PostToolUse: [
      { matcher: "Edit|Write", hooks: [{ type: "command", command: 'prettier --write "$CLAUDE_FILE_PATHS"' }] },
    ],
    Stop: [{ hooks: [{ type: "command", command: "notify-send done", timeout: 5 }] }],
    Notification: [],
  },
};

function writeJson(path: string, data: unknown, indent = 4) {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, indent)}\n`);
}

test("Claude Code: install keeps the user's settings and hooks, twice changes nothing, uninstall restores them", () => {
  const file = join(box.home, ".claude", "settings.json");
  writeJson(file, CLAUDE_SETTINGS);
  const original = readFileSync(file, "utf8");

  const r = traces(["hooks", "install", "--agent", "claude-code"]);
  expect(r.exitCode).toBe(0);
  expect(r.out).toContain("added a Stop hook");
  const installed = JSON.parse(readFileSync(file, "utf8"));
  expect(installed.model).toBe("opus");
  expect(installed.permissions).toEqual(CLAUDE_SETTINGS.permissions);
  expect(installed.hooks.PostToolUse[0]).toEqual(CLAUDE_SETTINGS.hooks.PostToolUse[0]);
  expect(installed.hooks.Stop).toContainEqual(CLAUDE_SETTINGS.hooks.Stop[0]);
  // The binary by absolute path: agents started outside a login shell have no PATH of ours.
  expect(installed.hooks.Stop).toContainEqual({
    hooks: [{ type: "command", command: `${join(box.bin, "git-traces")} hook claude-code Stop`, timeout: 10 }],
  });
  expect(Object.keys(installed.hooks).sort()).toEqual([
    "Notification",
    "PostToolUse",
    "SessionEnd",
    "SessionStart",
    "Stop",
    "UserPromptSubmit",
  ]);
  expect(readFileSync(file, "utf8")).toContain('\n    "model"'); // the file's own 4-space indent

  const after = readFileSync(file, "utf8");
  const again = traces(["hooks", "install", "--agent", "claude-code"]);
  expect(again.out).toBe("Claude Code: hooks already installed\n");
  expect(readFileSync(file, "utf8")).toBe(after);

  const status = traces(["hooks", "status", "--agent", "claude-code", "--json"]);
  const s = JSON.parse(status.out).agents[0];
  expect(s.events.sort()).toEqual(["PostToolUse", "SessionEnd", "SessionStart", "Stop", "UserPromptSubmit"]);
  expect(s.missing).toEqual([]);

  expect(traces(["hooks", "uninstall", "--agent", "claude-code"]).exitCode).toBe(0);
  expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(CLAUDE_SETTINGS);
  expect(readFileSync(file, "utf8")).toBe(original);
});

test("a settings file git-traces created is deleted again; --project uses the repository's", () => {
  const repo = join(box.home, "proj");
  mkdirSync(repo, { recursive: true });
  sh("git init -q", { cwd: repo, env: box.realEnv });
  expect(traces(["hooks", "install", "--agent", "claude-code", "--project"], repo).exitCode).toBe(0);
  const file = join(repo, ".claude", "settings.json");
  expect(existsSync(file)).toBe(true);
  expect(existsSync(join(box.home, ".claude", "settings.json"))).toBe(false);
  expect(traces(["hooks", "uninstall", "--agent", "claude-code", "--project"], repo).exitCode).toBe(0);
  expect(existsSync(file)).toBe(false);
});

test("Codex: hooks.json and the feature flag in config.toml, and back", () => {
  const dir = join(box.home, ".codex");
  const hooksFile = join(dir, "hooks.json");
  const config = join(dir, "config.toml");
  const userHooks = {
    hooks: { SessionStart: [{ matcher: "startup", hooks: [{ type: "command", command: "echo hi", timeout: 30 }] }] },
  };
  writeJson(hooksFile, userHooks, 2);
  const toml = 'model = "gpt-5-codex"\n\n[mcp_servers.docs]\ncommand = "docs-mcp"\n';
  writeFileSync(config, toml);

  const r = traces(["hooks", "install", "--agent", "codex"]);
  expect(r.exitCode).toBe(0);
  expect(r.out).toContain("enabled codex_hooks");
  const installed = JSON.parse(readFileSync(hooksFile, "utf8"));
  expect(installed.hooks.SessionStart).toContainEqual(userHooks.hooks.SessionStart[0]);
  expect(installed.hooks.Stop).toEqual([
    { hooks: [{ type: "command", command: `${join(box.bin, "git-traces")} hook codex Stop`, timeout: 10 }] },
  ]);
  expect(readFileSync(config, "utf8")).toContain("codex_hooks = true");
  expect(traces(["hooks", "status", "--agent", "codex"]).out).toContain("trust");

  expect(traces(["hooks", "uninstall", "--agent", "codex"]).exitCode).toBe(0);
  expect(JSON.parse(readFileSync(hooksFile, "utf8"))).toEqual(userHooks);
  expect(readFileSync(config, "utf8")).toBe(toml);
});

test("Codex with hooks turned off by the user: left off, and said so", () => {
  const config = join(box.home, ".codex", "config.toml");
  mkdirSync(join(box.home, ".codex"), { recursive: true });
  writeFileSync(config, "[features]\nhooks = false\n");
  const r = traces(["hooks", "install", "--agent", "codex"]);
  expect(r.exitCode).toBe(0);
  expect(r.out).toContain("hooks are turned off");
  expect(readFileSync(config, "utf8")).toBe("[features]\nhooks = false\n");
});

test("without --agent: every agent found on the machine, and a clear message when none is", () => {
  const none = traces(["hooks", "install"]);
  expect(none.exitCode).toBe(1);
  expect(none.err).toContain("no agent found");
  mkdirSync(join(box.home, ".codex"), { recursive: true });
  const one = traces(["hooks", "install"]);
  expect(one.exitCode).toBe(0);
  expect(one.out).toContain("Codex:");
  expect(one.out).not.toContain("Claude Code:");
  expect(one.err).toMatch(/^Not found on this machine, so left alone: .*claude-code/);
});

test("a settings file with comments is edited in place; one that is not JSON is refused and left alone", () => {
  const file = join(box.home, ".claude", "settings.json");
  mkdirSync(join(box.home, ".claude"), { recursive: true });
  const commented = '{ // my settings\n  "model": "opus" /* for now */\n}';
  writeFileSync(file, commented);
  expect(traces(["hooks", "install", "--agent", "claude-code"]).exitCode).toBe(0);
  expect(readFileSync(file, "utf8")).toStartWith('{ // my settings\n  "model": "opus", /* for now */\n  "hooks": {\n');
  expect(traces(["hooks", "uninstall", "--agent", "claude-code"]).exitCode).toBe(0);
  expect(readFileSync(file, "utf8")).toBe(commented);

  writeFileSync(file, '{ "model": "opus" "env": {} }');
  const r = traces(["hooks", "install", "--agent", "claude-code"]);
  expect(r.exitCode).toBe(1);
  expect(r.err).toBe(`git-traces: ${file}: not valid JSON; fix or move the file, then try again\n`);
  expect(readFileSync(file, "utf8")).toBe('{ "model": "opus" "env": {} }');
  expect(traces(["hooks", "install", "--agent", "nope"]).exitCode).toBe(129);
});

/** A Claude Code hook's payload for a session working in `cwd`. */
const payload = (cwd: string) =>
  JSON.stringify({ session_id: "a1b2c3d4-0000-4000-8000-000000000001", cwd, hook_event_name: "Stop" });
const activeIn = (repo: string) => existsSync(join(repo, ".git", "traces", "active.json"));

test("the user's hooks run the binary by its path, from an empty environment", () => {
  const repo = join(box.home, "work");
  mkdirSync(repo, { recursive: true });
  sh("git init -q", { cwd: repo, env: box.realEnv });
  expect(traces(["hooks", "install", "--agent", "claude-code"]).exitCode).toBe(0);
  const settings = JSON.parse(readFileSync(join(box.home, ".claude", "settings.json"), "utf8"));
  const command: string = settings.hooks.Stop[0].hooks[0].command;
  expect(command).toBe(`${join(box.bin, "git-traces")} hook claude-code Stop`);
  // As an agent started from a desktop launcher would run it: no PATH of ours.
  const r = run(["/usr/bin/env", "-i", `HOME=${box.home}`, "PATH=/usr/bin:/bin", "/bin/sh", "-c", command], {
    cwd: repo,
    input: payload(repo),
  });
  expect(r.exitCode).toBe(0);
  expect(r.err).toBe("");
  expect(activeIn(repo)).toBe(true);
});

test("--project: hooks that do nothing, silently, for a teammate without git-traces, and run it for one who has it", () => {
  const repo = join(box.home, "proj");
  mkdirSync(repo, { recursive: true });
  sh("git init -q", { cwd: repo, env: box.realEnv });
  expect(traces(["hooks", "install", "--agent", "claude-code", "--project"], repo).exitCode).toBe(0);
  const command: string = JSON.parse(readFileSync(join(repo, ".claude", "settings.json"), "utf8")).hooks.Stop[0]
    .hooks[0].command;
  expect(command).toBe(
    "if command -v git-traces >/dev/null 2>&1; then git-traces hook claude-code Stop; elif [ -x ~/.git-traces/bin/git-traces ]; then ~/.git-traces/bin/git-traces hook claude-code Stop; fi",
  );
  const teammate = join(box.dir, "teammate");
  mkdirSync(teammate, { recursive: true });
  const as = (home: string, path: string) =>
    run(["/usr/bin/env", "-i", `HOME=${home}`, `PATH=${path}`, "/bin/sh", "-c", command], {
      cwd: repo,
      input: payload(repo),
    });
  for (const shell of ["/bin/sh", "/bin/bash"]) {
    const r = run(["/usr/bin/env", "-i", `HOME=${teammate}`, "PATH=/usr/bin:/bin", shell, "-c", command], {
      cwd: repo,
      input: payload(repo),
    });
    expect({ shell, code: r.exitCode, out: r.out, err: r.err }).toEqual({ shell, code: 0, out: "", err: "" });
  }
  expect(activeIn(repo)).toBe(false);
  // Installed where the installer puts it, not on PATH (an agent started outside a login shell).
  mkdirSync(join(teammate, ".git-traces", "bin"), { recursive: true });
  symlinkSync(join(box.bin, "git-traces"), join(teammate, ".git-traces", "bin", "git-traces"));
  expect(as(teammate, "/usr/bin:/bin").exitCode).toBe(0);
  expect(activeIn(repo)).toBe(true);
  rmSync(join(repo, ".git", "traces"), { recursive: true });
  // On PATH.
  const r = as(box.dir, `${box.tools}:/usr/bin:/bin`);
  expect(r.exitCode).toBe(0);
  expect(r.err).toBe("");
  expect(activeIn(repo)).toBe(true);
});
