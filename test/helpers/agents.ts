// Agent fixtures as a real HOME: copies test/fixtures/agents/<agent>/ into a sandbox HOME,
// moving the scenario's paths (/home/dev, /home/dev/work/shop) onto the sandbox's, as the
// fixtures' README describes.

import { Database } from "bun:sqlite";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";

export const FIXTURES = join(import.meta.dir, "..", "fixtures", "agents");
export const FIXTURE_HOME = "/home/dev";
export const FIXTURE_REPO = "/home/dev/work/shop";

export const SESSIONS = {
  claude: "3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48",
  claudeOther: "b2e9a7c4-1d3f-4e58-a6b0-7c9d2f4e1a35",
  codex: "01a1f866-0d00-7aef-b735-c77a7fcfe598",
  copilot: "e5b8d3f0-6a19-4c72-8e4d-1b2a9f0c7d63",
  gemini: "8d2f5a17-4c3b-4e9a-b1d6-0f7e3c9a2b58",
  geminiLegacy: "abcd1234-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
  opencode: "ses_e0799e3e0ffexTICvAJz0TMkfh",
  cursor: "c7a41e9b-2f60-4d83-b5e1-9a0c3d7f6e24",
} as const;

/** The Claude Code fixture session's transcript (the shop scenario), as the agent wrote it. */
export const CLAUDE_FIXTURE_TRANSCRIPT = join(
  FIXTURES,
  "claude-code",
  ".claude",
  "projects",
  "-home-dev-work-shop",
  `${SESSIONS.claude}.jsonl`,
);

/** When the Cursor scenario's last reply was written: its transcript's only time (git keeps no mtimes). */
export const CURSOR_MTIME = "2026-11-20T10:06:53Z";

/**
 * How the OpenCode fixture is laid out: its session in opencode.db (OpenCode 1.1 and
 * later, built from opencode-db.sql), in the older JSON tree, or in both (a machine whose
 * OpenCode copied the tree into the database).
 */
export type OpencodeStore = "sqlite" | "json" | "both";

export function opencodeData(home: string): string {
  return join(home, ".local", "share", "opencode");
}

export function opencodeDb(home: string): string {
  return join(opencodeData(home), "opencode.db");
}

/** The fixture's session as a SQL script, its paths moved to `home` and `repo`. */
export function opencodeSql(home: string, repo: string): string {
  return readFileSync(join(FIXTURES, "opencode", "opencode-db.sql"), "utf8")
    .split(FIXTURE_REPO)
    .join(repo)
    .split(FIXTURE_HOME)
    .join(home);
}

/** Builds opencode.db from the fixture's SQL, in WAL mode as OpenCode keeps it. */
export function buildOpencodeDb(home: string, repo: string, path = opencodeDb(home)): void {
  mkdirSync(join(path, ".."), { recursive: true });
  const db = new Database(path, { create: true });
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(opencodeSql(home, repo));
  db.close();
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** Claude Code's folder name for a cwd. */
export function claudeFolder(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9]/g, "-");
}

/** Cursor's project folder for a workspace path: no leading dash. */
export function cursorFolder(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9]/g, "-").replace(/^-+/, "");
}

/**
 * Copies the fixtures of `agents` into `home`, rewriting `/home/dev` to `home` and the
 * scenario repo to `repo` (which must lie under `home` or be given explicitly).
 */
export function installAgentFixtures(
  agents: readonly string[],
  home: string,
  repo: string,
  opts: { opencode?: OpencodeStore } = {},
): void {
  const opencodeStore = opts.opencode ?? "sqlite";
  for (const agent of agents) {
    const src = join(FIXTURES, agent);
    if (agent === "opencode" && opencodeStore !== "json") buildOpencodeDb(home, repo);
    for (const file of walk(src)) {
      const rel = relative(src, file);
      if (rel === "README.md") continue;
      if (
        agent === "opencode" &&
        (rel === "opencode-db.sql" || (opencodeStore === "sqlite" && rel.startsWith(".local/")))
      )
        continue;
      const dest = join(home, rel);
      mkdirSync(join(dest, ".."), { recursive: true });
      cpSync(file, dest);
      const text = readFileSync(dest, "utf8");
      writeFileSync(dest, text.split(FIXTURE_REPO).join(repo).split(FIXTURE_HOME).join(home));
    }
  }
  const projects = join(home, ".claude", "projects");
  if (existsSync(join(projects, claudeFolder(FIXTURE_REPO)))) {
    renameSync(join(projects, claudeFolder(FIXTURE_REPO)), join(projects, claudeFolder(repo)));
  }
  if (existsSync(join(projects, claudeFolder("/home/dev/work/other")))) {
    renameSync(
      join(projects, claudeFolder("/home/dev/work/other")),
      join(projects, claudeFolder(join(home, "work", "other"))),
    );
  }
  const cursorProjects = join(home, ".cursor", "projects");
  if (existsSync(join(cursorProjects, cursorFolder(FIXTURE_REPO)))) {
    renameSync(join(cursorProjects, cursorFolder(FIXTURE_REPO)), join(cursorProjects, cursorFolder(repo)));
    touch(cursorTranscript(home, repo), CURSOR_MTIME);
  }
  if (agents.includes("gemini-cli")) moveGeminiHashes(home, repo);
}

/** The sha256 hex of a path: Gemini CLI's `projectHash`, and its older folder names. */
export function sha256(text: string): string {
  return new Bun.CryptoHasher("sha256").update(text).digest("hex");
}

/** Gemini CLI names projects by the hash of their path too: move those with the paths. */
function moveGeminiHashes(home: string, repo: string): void {
  const moves = [
    [FIXTURE_REPO, repo],
    ["/home/dev/work/legacy", join(home, "work", "legacy")],
  ] as const;
  const tmp = join(home, ".gemini", "tmp");
  for (const [from, to] of moves) {
    if (existsSync(join(tmp, sha256(from)))) renameSync(join(tmp, sha256(from)), join(tmp, sha256(to)));
  }
  for (const file of walk(tmp)) {
    const text = readFileSync(file, "utf8");
    let moved = text;
    for (const [from, to] of moves) moved = moved.split(sha256(from)).join(sha256(to));
    if (moved !== text) writeFileSync(file, moved);
  }
}

export function geminiTranscript(home: string): string {
  return join(home, ".gemini", "tmp", "shop", "chats", "session-2026-11-20T10-00-8d2f5a17.jsonl");
}

/** Sets a file's modification time (transcripts' last activity) to an ISO time. */
export function touch(path: string, iso: string): void {
  const t = new Date(iso);
  utimesSync(path, t, t);
}

export function claudeTranscript(home: string, repo: string, id: string = SESSIONS.claude): string {
  return join(home, ".claude", "projects", claudeFolder(repo), `${id}.jsonl`);
}

export function codexTranscript(home: string, id: string = SESSIONS.codex): string {
  const dir = join(home, ".codex", "sessions", "2026", "11", "20");
  return join(dir, readdirSync(dir).find((f) => f.endsWith(`${id}.jsonl`))!);
}

export function cursorTranscript(home: string, repo: string, id: string = SESSIONS.cursor): string {
  return join(home, ".cursor", "projects", cursorFolder(repo), "agent-transcripts", `${id}.jsonl`);
}

export function mtime(path: string): number {
  return statSync(path).mtimeMs;
}

/** A Copilot CLI session's event log: <home>/.copilot/session-state/<id>/events.jsonl. */
export function copilotEvents(home: string, id: string = SESSIONS.copilot): string {
  return join(home, ".copilot", "session-state", id, "events.jsonl");
}
