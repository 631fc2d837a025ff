// `git traces mcp install|uninstall|status` on the agents' MCP configurations when they
// already name the user's own servers: ours is added beside them, and uninstall gives back
// the file byte for byte (or takes away the file it created).

import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeSandbox, requireBinary, run, type Sandbox } from "../helpers/sandbox.ts";

let box: Sandbox;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("mcp-config");
});
afterEach(() => box?.cleanup());

const traces = (args: string[]) => run([join(box.bin, "git-traces"), ...args], { env: box.env, cwd: box.home });

function write(path: string, text: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

const files = () => ({
  claude: join(box.home, ".claude.json"),
  cursor: join(box.home, ".cursor", "mcp.json"),
  gemini: join(box.home, ".gemini", "settings.json"),
  codex: join(box.home, ".codex", "config.toml"),
});

const OTHER = { command: "npx", args: ["-y", "@acme/other-server"], env: { TOKEN: "x" } };

test("existing configurations: the user's servers are kept, uninstall restores every file byte for byte", () => {
  const f = files();
  const originals: Record<string, string> = {
    // Claude Code's file holds much else; two-space JSON.
    claude: `${JSON.stringify({ numStartups: 3, mcpServers: { other: OTHER }, projects: {} }, null, 2)}\n`,
    // JSONC with a comment and a trailing comma, tabs.
    cursor: '{\n\t// mine\n\t"mcpServers": {\n\t\t"other": {"command": "npx", "args": []},\n\t},\n}\n',
    // Settings without any server yet.
    gemini: `${JSON.stringify({ theme: "GitHub", hooks: {} }, null, 4)}\n`,
    // TOML with its own server and no final newline.
    codex: 'model = "o3"\n\n[mcp_servers.other]\ncommand = "npx"\nargs = ["-y", "other"]',
  };
  for (const [k, text] of Object.entries(originals)) write(f[k as keyof typeof f], text);

  const install = traces(["mcp", "install", "--agent", "all"]);
  expect(install.err).toBe("");
  expect(install.exitCode).toBe(0);
  for (const name of ["claude-code", "codex", "cursor", "gemini-cli"]) expect(install.out).toContain(`${name}: added`);

  const claude = JSON.parse(readFileSync(f.claude, "utf8"));
  expect(claude.mcpServers.other).toEqual(OTHER);
  expect(claude.mcpServers["git-traces"].args).toEqual(["mcp"]);
  expect(claude.numStartups).toBe(3);
  expect(readFileSync(f.cursor, "utf8")).toContain("// mine");
  expect(readFileSync(f.cursor, "utf8")).toContain('"git-traces"');
  expect(JSON.parse(readFileSync(f.gemini, "utf8")).mcpServers["git-traces"].command).toContain("git-traces");
  const toml = readFileSync(f.codex, "utf8");
  expect(toml).toContain("[mcp_servers.other]");
  expect(toml).toMatch(/\n\[mcp_servers\.git-traces\] # git-traces mcp\ncommand = ".*git-traces" # git-traces mcp\n/);

  const status = traces(["mcp", "status", "--agent", "all"]);
  expect(status.out.match(/: registered/g)?.length).toBe(4);

  // Twice: nothing more.
  const before = Object.fromEntries(Object.entries(f).map(([k, p]) => [k, readFileSync(p, "utf8")]));
  expect(traces(["mcp", "install", "--agent", "all"]).out).not.toContain("added");
  for (const [k, p] of Object.entries(f)) expect(readFileSync(p, "utf8")).toBe(before[k]!);

  const uninstall = traces(["mcp", "uninstall"]);
  expect(uninstall.exitCode).toBe(0);
  for (const [k, p] of Object.entries(f)) expect(readFileSync(p, "utf8")).toBe(originals[k]!);
  expect(existsSync(join(box.home, ".local", "share", "git-traces", "mcp-installed.json"))).toBe(false);
});

test("no configuration yet: install creates the files, uninstall takes them away again", () => {
  const f = files();
  expect(traces(["mcp", "install", "--agent", "cursor"]).exitCode).toBe(0);
  expect(traces(["mcp", "install", "--agent", "codex"]).exitCode).toBe(0);
  expect(JSON.parse(readFileSync(f.cursor, "utf8")).mcpServers["git-traces"].args).toEqual(["mcp"]);
  expect(readFileSync(f.codex, "utf8")).toContain("[mcp_servers.git-traces]");
  expect(existsSync(f.claude)).toBe(false);
  expect(traces(["mcp", "uninstall", "--agent", "all"]).exitCode).toBe(0);
  expect(existsSync(f.cursor)).toBe(false);
  expect(existsSync(f.codex)).toBe(false);
});

test("a server of the user's named git-traces is left alone, and so on uninstall", () => {
  const f = files();
  const mine = `${JSON.stringify({ mcpServers: { "git-traces": { command: "/opt/mine" } } }, null, 2)}\n`;
  write(f.gemini, mine);
  expect(traces(["mcp", "install", "--agent", "gemini-cli"]).out).toContain("left the");
  expect(traces(["mcp", "uninstall", "--agent", "gemini-cli"]).exitCode).toBe(0);
  expect(readFileSync(f.gemini, "utf8")).toBe(mine);
});

test("an unknown agent or action is a usage error", () => {
  expect(traces(["mcp", "install", "--agent", "vim"]).exitCode).toBe(129);
  expect(traces(["mcp", "frobnicate"]).exitCode).toBe(129);
});

test("the full uninstall (git-traces uninstall) takes the server away too", () => {
  const f = files();
  const original = `${JSON.stringify({ mcpServers: { other: OTHER } }, null, 2)}\n`;
  write(f.cursor, original);
  expect(traces(["mcp", "install", "--agent", "cursor"]).exitCode).toBe(0);
  expect(readFileSync(f.cursor, "utf8")).not.toBe(original);
  const r = traces(["uninstall"]);
  expect(r.exitCode).toBe(0);
  expect(readFileSync(f.cursor, "utf8")).toBe(original);
});
