// The whole round trip a user makes: scripts/install.sh, `git traces hooks install` for
// every agent (the user's configs, hand-written, with comments, other hooks and other keys)
// and for a project, fetches that add the notes refspecs, then scripts/install.sh
// --uninstall. Afterwards every agent config, the project, its .git/config and the home
// directory are byte for byte as they were; the snapshots of sessions stay unless --purge.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { baseEnv, BINARY, makeSandbox, ROOT, requireBinary, run, sh, type Sandbox } from "../helpers/sandbox.ts";

const INSTALL = join(ROOT, "scripts", "install.sh");

let box: Sandbox;
beforeAll(() => {
  requireBinary();
  box = makeSandbox("uninstall");
});
afterAll(() => box?.cleanup());

/** Every file, directory and symlink under `dir`: content for files. */
function tree(dir: string, skip: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (skip.includes(r)) continue;
      const p = join(dir, r);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[r] = `-> ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[`${r}/`] = "";
        walk(r);
      } else out[r] = readFileSync(p, "latin1");
    }
  };
  walk("");
  return out;
}

const mtimes = (files: readonly string[]) => files.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0));

/** Each agent's user config as a person writes it by hand. */
function agentConfigs(home: string): string[] {
  const files: Record<string, string> = {
    ".claude/settings.json": `{
  // Claude Code, by hand
  "$schema": "https://json.schemastore.org/claude-code-settings.json",
  "model": "opus",
  "permissions": {
    "allow": ["Bash(npm test:*)", "Read(~/notes/**)"], // tests are fine
    "deny": []
  },
  "hooks": {
    "PostToolUse": [
      {
        "matcher": "Edit|Write",
        "hooks": [ { "type": "command", "command": "prettier --write \\"$CLAUDE_FILE_PATHS\\"" } ]
      }
    ],
    "Stop": [{ "hooks": [{ "type": "command", "command": "notify-send done", "timeout": 5 }] }],
    "Notification": []
  },
  "env": { "FOO": "bar" }
}
`,
    ".codex/hooks.json": `{\r\n    "hooks": {\r\n        "SessionStart": [\r\n            {\r\n                "matcher": "startup",\r\n                "hooks": [ { "type": "command", "command": "echo hi", "timeout": 30 } ]\r\n            }\r\n        ]\r\n    }\r\n}\r\n`,
    ".codex/config.toml": `# my codex config\nmodel = "gpt-5-codex"\n\n[mcp_servers.docs]\ncommand = "docs-mcp"   # local docs`,
    ".gemini/settings.json": `{
\t// Gemini CLI
\t"general": { "vimMode": true },
\t"hooks": {
\t\t"AfterAgent": [
\t\t\t{ "hooks": [ { "type": "command", "command": "say done" } ] },
\t\t],
\t},
}
`,
    ".cursor/hooks.json": `{
  "version": 1,
  "hooks": {
    "afterFileEdit": [ { "command": "./hooks/format.sh" } ], // format on edit
    "beforeShellExecution": [
      { "command": "./hooks/guard.sh", "timeout": 5 }
    ]
  }
}
`,
    ".copilot/config.json": `{ "theme": "dark" }\n`,
    ".copilot/hooks/mine.json": `{"version": 1, "hooks": {"sessionStart": [{"type": "command", "bash": "echo start"}]}}\n`,
    ".config/opencode/opencode.json": `{\n  // OpenCode\n  "model": "anthropic/claude-sonnet-4-5"\n}\n`,
    ".config/opencode/plugin/mine.js": `export const Mine = async () => ({});\n`,
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(home, rel, ".."), { recursive: true });
    writeFileSync(join(home, rel), text);
  }
  return Object.keys(files).map((rel) => join(home, rel));
}

describe("install, hooks install, refspecs, uninstall", () => {
  let home: string;
  let prefix: string;
  let repo: string;
  let env: Record<string, string>;
  let homeBefore: Record<string, string>;
  let repoBefore: Record<string, string>;
  let configBefore: string;
  let files: string[];
  const snapshotsDir = () => join(home, ".local", "share", "git-traces", "snapshots");

  beforeAll(() => {
    home = join(box.dir, "home-u");
    prefix = join(home, ".git-traces");
    repo = join(box.dir, "work", "app");
    mkdirSync(home, { recursive: true });
    files = agentConfigs(home);
    // Two snapshots of sessions from earlier use.
    mkdirSync(snapshotsDir(), { recursive: true });
    writeFileSync(
      join(snapshotsDir(), "a1b2c3d4-0000-4000-8000-000000000001.json"),
      `{"v":1,"source":"transcript","trace":{}}\n`,
    );
    writeFileSync(
      join(snapshotsDir(), "a1b2c3d4-0000-4000-8000-000000000002.json"),
      `{"v":1,"source":"transcript","trace":{}}\n`,
    );
    env = { ...baseEnv(home), PATH: `${prefix}/bin:/usr/bin:/bin`, SHELL: "/bin/bash" };
    delete (env as Record<string, string | undefined>).GIT_TRACES_DEBUG;
    // A project with settings of its own, and a remote.
    const realEnv = { ...env, PATH: "/usr/bin:/bin" };
    sh(`git init -q --bare ${join(box.dir, "remote.git")}`, { env: realEnv });
    mkdirSync(join(repo, ".claude"), { recursive: true });
    writeFileSync(
      join(repo, ".claude", "settings.json"),
      `{\n  "permissions": { "allow": ["Bash(make:*)"] } // the team's\n}\n`,
    );
    sh(
      `git init -q && git remote add origin ${join(box.dir, "remote.git")} && git add -A && git commit -q -m init && git push -q origin HEAD:main`,
      { cwd: repo, env: realEnv },
    );
    homeBefore = tree(home);
    repoBefore = tree(repo, [".git"]);
    configBefore = readFileSync(join(repo, ".git", "config"), "utf8");
  });

  test("install, then hooks for every agent found, by the installed binary's path", () => {
    const r = run(["/bin/sh", INSTALL, "--binary", BINARY, "--prefix", prefix], { env });
    expect(r.exitCode).toBe(0);
    const h = run(["git", "traces", "hooks", "install"], { env, cwd: home });
    expect(h.err).toBe("");
    expect(h.exitCode).toBe(0);
    for (const name of ["Claude Code", "Codex", "Gemini CLI", "Cursor", "Copilot CLI", "OpenCode"])
      expect(h.out).toContain(`${name}: added`);
    const claude = readFileSync(join(home, ".claude", "settings.json"), "utf8");
    expect(claude).toContain(`"command": "${prefix}/bin/git-traces hook claude-code Stop"`);
    expect(claude).toStartWith('{\n  // Claude Code, by hand\n  "$schema"');
    expect(readFileSync(join(home, ".config", "opencode", "plugin", "git-traces.js"), "utf8")).toContain(
      `const COMMAND = "${prefix}/bin/git-traces";`,
    );
    const p = run(["git", "traces", "hooks", "install", "--project", "--agent", "all"], { env, cwd: repo });
    expect(p.exitCode).toBe(0);
    expect(readFileSync(join(repo, ".claude", "settings.json"), "utf8")).toContain(
      "if command -v git-traces >/dev/null 2>&1; then git-traces hook claude-code Stop;",
    );
  });

  test("hooks install again changes no byte and no modification time", () => {
    const all = [
      ...files,
      join(home, ".copilot", "hooks", "git-traces.json"),
      join(home, ".config", "opencode", "plugin", "git-traces.js"),
    ];
    const bytes = all.map((f) => (existsSync(f) ? readFileSync(f, "latin1") : null));
    const times = mtimes(all);
    const projectBytes = tree(repo, [".git"]);
    Bun.sleepSync(20);
    const r = run(["git", "traces", "hooks", "install"], { env, cwd: home });
    expect(r.exitCode).toBe(0);
    expect(r.out).not.toContain("added");
    expect(r.out).not.toContain("updated");
    expect(
      run(["git", "traces", "hooks", "install", "--project", "--agent", "all"], { env, cwd: repo }).out,
    ).not.toContain("added");
    expect(all.map((f) => (existsSync(f) ? readFileSync(f, "latin1") : null))).toEqual(bytes);
    expect(mtimes(all)).toEqual(times);
    expect(tree(repo, [".git"])).toEqual(projectBytes);
  });

  test("a fetch adds the notes refspecs, and lists them", () => {
    expect(run(["git", "fetch", "-q", "origin"], { env, cwd: repo }).exitCode).toBe(0);
    const config = readFileSync(join(repo, ".git", "config"), "utf8");
    expect(config).toContain("fetch = +refs/notes/traces*:refs/notes/remotes/origin/traces*\n");
    const list = readFileSync(join(home, ".local", "share", "git-traces", "refspecs-added.jsonl"), "utf8");
    expect(list).toContain(`"config":"${join(repo, ".git", "config")}","remote":"origin"`);
    // The user adds a refspec of their own afterwards.
    sh("git config --add remote.origin.fetch '+refs/pull/*:refs/remotes/origin/pr/*'", {
      cwd: repo,
      env: { ...env, PATH: "/usr/bin:/bin" },
    });
  });

  test("uninstall: every config as it was, the refspecs gone, the snapshots kept and said so", () => {
    const r = run(["/bin/sh", INSTALL, "--uninstall", "--prefix", prefix], { env });
    expect(r.exitCode).toBe(0);
    // What `git-traces uninstall` did, as its messages (stderr); no error, no warning.
    expect(r.err).not.toContain("git-traces:");
    expect(r.err).toMatch(
      /^Claude Code: removed the PostToolUse hook, removed the Stop hook, .*\(.*\/\.claude\/settings\.json\)$/m,
    );
    expect(r.err).toContain(
      `Removed the notes fetch refspecs git-traces had added to ${join(repo, ".git")} (remote origin)`,
    );
    expect(r.err).toContain(
      `Kept 2 snapshots of agent sessions (82 B) in ${snapshotsDir()}: copies of the sessions' transcripts, not redacted. To delete them: rm -r '${snapshotsDir()}'`,
    );
    expect(tree(home)).toEqual(homeBefore);
    expect(tree(repo, [".git"])).toEqual(repoBefore);
    // .git/config: as before the fetch, with the user's own later line.
    const expected = join(box.dir, "expected-config");
    writeFileSync(expected, configBefore);
    sh(`git config --file ${expected} --add remote.origin.fetch '+refs/pull/*:refs/remotes/origin/pr/*'`, {
      env: { ...env, PATH: "/usr/bin:/bin" },
    });
    expect(readFileSync(join(repo, ".git", "config"), "utf8")).toBe(readFileSync(expected, "utf8"));
  });

  test("--purge says what the snapshots are, then deletes them and git-traces' data", () => {
    expect(
      run(["/bin/sh", INSTALL, "--binary", BINARY, "--prefix", prefix, "--no-modify-path"], { env }).exitCode,
    ).toBe(0);
    const r = run(["/bin/sh", INSTALL, "--uninstall", "--purge", "--prefix", prefix], { env });
    expect(r.exitCode).toBe(0);
    expect(r.err).toContain(
      `Deleting 2 snapshots of agent sessions (82 B) in ${snapshotsDir()}: copies of the sessions' transcripts, not redacted.`,
    );
    expect(existsSync(join(home, ".local", "share", "git-traces"))).toBe(false);
    expect(tree(home)).toEqual(
      Object.fromEntries(Object.entries(homeBefore).filter(([k]) => !k.startsWith(".local/share/git-traces/"))),
    );
  });
});

test("uninstall stops before deleting the binary when a hook cannot be removed; --force goes on", () => {
  const home = join(box.dir, "home-f");
  const prefix = join(home, ".git-traces");
  mkdirSync(join(home, ".claude"), { recursive: true });
  const env = { ...baseEnv(home), PATH: `${prefix}/bin:/usr/bin:/bin` };
  expect(run(["/bin/sh", INSTALL, "--binary", BINARY, "--prefix", prefix, "--no-modify-path"], { env }).exitCode).toBe(
    0,
  );
  expect(run(["git", "traces", "hooks", "install", "--agent", "claude-code"], { env, cwd: home }).exitCode).toBe(0);
  const file = join(home, ".claude", "settings.json");
  const broken = readFileSync(file, "utf8").replace("{", "{ oops");
  writeFileSync(file, broken);
  const r = run(["/bin/sh", INSTALL, "--uninstall", "--prefix", prefix], { env });
  expect(r.exitCode).not.toBe(0);
  expect(r.err).toContain(`${file}: not valid JSON`);
  expect(r.err).toContain("add --force");
  expect(existsSync(join(prefix, "bin", "git-traces"))).toBe(true);
  const f = run(["/bin/sh", INSTALL, "--uninstall", "--force", "--prefix", prefix], { env });
  expect(f.exitCode).toBe(0);
  expect(existsSync(prefix)).toBe(false);
  expect(readFileSync(file, "utf8")).toBe(broken);
});

test("--purge and --force need --uninstall", () => {
  const r = run(["/bin/sh", INSTALL, "--purge"], { env: { HOME: box.home, PATH: "/usr/bin:/bin" } });
  expect(r.exitCode).not.toBe(0);
  expect(r.err).toContain("--purge and --force go with --uninstall");
});

test("the refspecs a clone was given are listed too, and go on uninstall", () => {
  const home = join(box.dir, "home-c");
  const prefix = join(home, ".git-traces");
  mkdirSync(home, { recursive: true });
  const env = { ...baseEnv(home), PATH: `${prefix}/bin:/usr/bin:/bin` };
  const realEnv = { ...env, PATH: "/usr/bin:/bin" };
  const remote = join(box.dir, "remote-c.git");
  sh(
    `git init -q --bare ${remote} && git clone -q ${remote} ${join(box.dir, "seed")} 2>/dev/null && cd ${join(box.dir, "seed")} && git commit -q --allow-empty -m init && git push -q origin HEAD:main`,
    { env: realEnv },
  );
  expect(run(["/bin/sh", INSTALL, "--binary", BINARY, "--prefix", prefix, "--no-modify-path"], { env }).exitCode).toBe(
    0,
  );
  const clone = join(box.dir, "clone-c");
  expect(run(["git", "clone", "-q", remote, clone], { env, cwd: box.dir }).exitCode).toBe(0);
  const config = join(clone, ".git", "config");
  expect(readFileSync(config, "utf8")).toContain("refs/notes/traces*");
  expect(run(["/bin/sh", INSTALL, "--uninstall", "--prefix", prefix], { env }).exitCode).toBe(0);
  const after = readFileSync(config, "utf8");
  expect(after).not.toContain("refs/notes/traces");
  expect(after).not.toContain("refs/traces/content");
  expect(after).toContain("fetch = +refs/heads/*:refs/remotes/origin/*\n");
});
