// bun run scripts/gen-datastore.ts --home DIR --repo PATH [--claude 1000] [--codex 1000]
//                                  [--copilot 0] [--cursor 0] [--gemini 0] [--opencode 0] [--in-repo 3] [--days 60] [--seed 1] [--now ISO]
//
// A synthetic agent datastore for benchmarks: Claude Code, Codex, Copilot CLI, Cursor, Gemini
// CLI and OpenCode sessions laid out as the agents write them, built from the fixtures' scenario transcripts. Most sessions ran in
// other projects (fifty of them); a few ran in --repo and edited src/auth.py and
// tests/test_auth.py. Sizes follow a long tail (median about 100 KB, a few over 2 MB),
// modification times spread over --days. Deterministic for a given seed and --now.

import { Database } from "bun:sqlite";
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

const FIXTURES = join(import.meta.dir, "..", "test", "fixtures", "agents");
const CLAUDE_TEMPLATE = join(
  FIXTURES,
  "claude-code",
  ".claude",
  "projects",
  "-home-dev-work-shop",
  "3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48.jsonl",
);
const CODEX_TEMPLATE = join(
  FIXTURES,
  "codex",
  ".codex",
  "sessions",
  "2026",
  "11",
  "20",
  "rollout-2026-11-20T10-00-00-01a1f866-0d00-7aef-b735-c77a7fcfe598.jsonl",
);
const COPILOT_ID = "e5b8d3f0-6a19-4c72-8e4d-1b2a9f0c7d63";
const FIXTURE_REPO_PATH = "/home/dev/work/shop";
const COPILOT_TEMPLATE = join(FIXTURES, "copilot-cli", ".copilot", "session-state", COPILOT_ID, "events.jsonl");
const CURSOR_TEMPLATE = join(
  FIXTURES,
  "cursor",
  ".cursor",
  "projects",
  "home-dev-work-shop",
  "agent-transcripts",
  "c7a41e9b-2f60-4d83-b5e1-9a0c3d7f6e24.jsonl",
);
const GEMINI_TEMPLATE = join(
  FIXTURES,
  "gemini-cli",
  ".gemini",
  "tmp",
  "shop",
  "chats",
  "session-2026-11-20T10-00-8d2f5a17.jsonl",
);

export interface GenOptions {
  home: string;
  repo: string;
  claude: number;
  codex: number;
  /** Copilot CLI sessions (default none, which leaves the rest of the output as it was). */
  copilot?: number;
  /** Gemini CLI sessions (default none); a random sequence of their own, so the other agents' stay as they were. */
  gemini?: number;
  /** OpenCode sessions (opencode.db; the older ones also in the JSON tree). Default none. */
  opencode?: number;
  /** Cursor sessions (default none); a random sequence of their own, so the other agents' stay as they were. */
  cursor?: number;
  inRepo: number;
  days: number;
  seed: number;
  now: Date;
}

/** mulberry32: small, fast, good enough for reproducible test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuid(r: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Long-tailed sizes: median ~100 KB, capped at 3 MB. */
function targetSize(r: () => number): number {
  const x = Math.exp(Math.log(100_000) + 1.1 * Math.sqrt(-2 * Math.log(r() || 1e-9)) * Math.cos(2 * Math.PI * r()));
  return Math.min(3_000_000, Math.max(8_000, Math.round(x)));
}

const WORDS =
  "the rate limiter keeps a window of failed attempts per user and refuses further logins until it expires so we add tests for each case".split(
    " ",
  );

function filler(r: () => number, bytes: number): string {
  const out: string[] = [];
  let n = 0;
  while (n < bytes) {
    const w = WORDS[Math.floor(r() * WORDS.length)]!;
    out.push(w);
    n += w.length + 1;
  }
  return out.join(" ");
}

/** ISO time `offsetMs` after `base`. */
const iso = (base: number, offsetMs: number) => new Date(base + offsetMs).toISOString();

function shiftTimes(line: string, from: number, to: number): string {
  return line.replace(
    /"(2026-11-20T[0-9:.]+Z)"/g,
    (_, t: string) => `"${new Date(Date.parse(t) - from + to).toISOString()}"`,
  );
}

function claudeSession(template: string[], r: () => number, id: string, cwd: string, startMs: number): string {
  const from = Date.parse("2026-11-20T10:00:00Z");
  const lines = template.map((l) =>
    shiftTimes(
      l.replaceAll("3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48", id).replaceAll("/home/dev/work/shop", cwd),
      from,
      startMs,
    ),
  );
  const size = targetSize(r);
  let body = lines.join("\n");
  let i = 0;
  // Pad with assistant replies and tool results, the bulk of real transcripts.
  while (body.length < size) {
    const chunk = Math.min(60_000, size - body.length);
    const record = {
      parentUuid: null,
      isSidechain: false,
      userType: "external",
      cwd,
      sessionId: id,
      version: "2.0.69",
      gitBranch: "main",
      type: i % 2 ? "assistant" : "user",
      message:
        i % 2
          ? {
              model: "claude-sonnet-4-5-20250929",
              id: `msg_pad${i}`,
              type: "message",
              role: "assistant",
              content: [{ type: "text", text: filler(r, chunk) }],
              usage: { input_tokens: 10, output_tokens: 200 },
            }
          : {
              role: "user",
              content: [{ type: "tool_result", tool_use_id: `toolu_pad${i}`, content: filler(r, chunk) }],
            },
      uuid: uuid(r),
      timestamp: iso(startMs, 420_000 + i * 1000),
    };
    body += `\n${JSON.stringify(record)}`;
    i++;
  }
  return `${body}\n`;
}

function codexSession(template: string[], r: () => number, id: string, cwd: string, startMs: number): string {
  const from = Date.parse("2026-11-20T10:00:00Z");
  const lines = template.map((l) =>
    shiftTimes(
      l.replaceAll("01a1f866-0d00-7aef-b735-c77a7fcfe598", id).replaceAll("/home/dev/work/shop", cwd),
      from,
      startMs,
    ),
  );
  const size = targetSize(r);
  let body = lines.join("\n");
  let i = 0;
  while (body.length < size) {
    const chunk = Math.min(60_000, size - body.length);
    const record = {
      timestamp: iso(startMs, 420_000 + i * 1000),
      type: "response_item",
      payload:
        i % 2
          ? { type: "message", role: "assistant", content: [{ type: "output_text", text: filler(r, chunk) }] }
          : {
              type: "function_call_output",
              call_id: `call_pad${i}`,
              output: JSON.stringify({ output: filler(r, chunk), metadata: { exit_code: 0 } }),
            },
    };
    body += `\n${JSON.stringify(record)}`;
    i++;
  }
  return `${body}\n`;
}

/** A Copilot CLI events.jsonl: the scenario's events, then tool results and replies as padding. */
function copilotSession(template: string[], r: () => number, id: string, cwd: string, startMs: number): string {
  const from = Date.parse("2026-11-20T10:00:00Z");
  const lines = template.map((l) =>
    shiftTimes(l.replaceAll(COPILOT_ID, id).replaceAll("/home/dev/work/shop", cwd), from, startMs).replace(
      /"sessionStartTime":\d+/,
      `"sessionStartTime":${startMs + 820}`,
    ),
  );
  // The shutdown goes last, after the padding, as in a session that ran on.
  const shutdown = lines.pop()!;
  const size = targetSize(r);
  let body = lines.join("\n");
  let i = 0;
  while (body.length < size) {
    const chunk = Math.min(60_000, size - body.length);
    const timestamp = iso(startMs, 420_000 + i * 1000);
    const record =
      i % 2
        ? {
            type: "assistant.message",
            data: { messageId: uuid(r), content: filler(r, chunk), toolRequests: [] },
            id: uuid(r),
            timestamp,
            parentId: null,
          }
        : {
            type: "tool.execution_complete",
            data: { toolCallId: `call_pad${i}`, success: true, result: { content: filler(r, chunk) } },
            id: uuid(r),
            timestamp,
            parentId: null,
          };
    body += `\n${JSON.stringify(record)}`;
    i++;
  }
  return `${body}\n${shutdown}\n`;
}

/**
 * Cursor's transcript: prompts, replies and tool calls, no tool output (so smaller than the
 * others: about a quarter), no IDs, no times (only the file's mtime tells).
 */
function cursorSession(template: string[], r: () => number, cwd: string): string {
  const lines = template.map((l) => l.replaceAll("/home/dev/work/shop", cwd));
  const size = Math.max(4_000, Math.round(targetSize(r) / 4));
  let body = lines.join("\n");
  let i = 0;
  while (body.length < size) {
    const chunk = Math.min(20_000, size - body.length);
    const content =
      i % 3 === 2
        ? [{ type: "tool_use", name: "Read", input: { path: `${cwd}/src/module${i}.py` } }]
        : [{ type: "text", text: filler(r, chunk) }];
    body += `\n${JSON.stringify({ role: i % 4 === 0 ? "user" : "assistant", message: { content } })}`;
    i++;
  }
  return `${body}\n`;
}

/** Cursor sessions, one in five in the nested layout (agent-transcripts/<id>/<id>.jsonl). */
function placeCursor(opts: GenOptions, projects: readonly string[]): { files: number; bytes: number } {
  const n = opts.cursor ?? 0;
  if (n === 0) return { files: 0, bytes: 0 };
  // A generator of its own, so that the other agents' sessions come out as before.
  const r = rng(opts.seed + 0x5eed);
  const template = readFileSync(CURSOR_TEMPLATE, "utf8").trimEnd().split("\n");
  const now = opts.now.getTime();
  const span = opts.days * 24 * 3600 * 1000;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const inRepo = i < opts.inRepo;
    const cwd = inRepo ? opts.repo : projects[Math.floor(r() * projects.length)]!;
    const startMs = inRepo ? now - 3600_000 - i * 600_000 : now - Math.floor(r() * span);
    const id = uuid(r);
    const transcripts = join(
      opts.home,
      ".cursor",
      "projects",
      cwd.replace(/[^A-Za-z0-9]/g, "-").replace(/^-+/, ""),
      "agent-transcripts",
    );
    const dir = r() < 0.2 ? join(transcripts, id) : transcripts;
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${id}.jsonl`);
    const text = cursorSession(template, r, cwd);
    writeFileSync(path, text);
    setTime(path, startMs + 420_000);
    bytes += text.length;
  }
  return { files: n, bytes };
}

function setTime(path: string, ms: number): void {
  const t = new Date(ms);
  utimesSync(path, t, t);
}

export function generate(opts: GenOptions): { files: number; bytes: number } {
  const r = rng(opts.seed);
  const claudeTemplate = readFileSync(CLAUDE_TEMPLATE, "utf8").trimEnd().split("\n");
  const codexTemplate = readFileSync(CODEX_TEMPLATE, "utf8").trimEnd().split("\n");
  const now = opts.now.getTime();
  const span = opts.days * 24 * 3600 * 1000;
  const projects = Array.from({ length: 50 }, (_, i) => join(opts.home, "work", `project-${i}`));
  let files = 0;
  let bytes = 0;
  const place = (n: number, agent: "claude" | "codex") => {
    for (let i = 0; i < n; i++) {
      const inRepo = i < opts.inRepo;
      const cwd = inRepo ? opts.repo : projects[Math.floor(r() * projects.length)]!;
      // Sessions in the repo are the recent ones (they made the changes being committed).
      const startMs = inRepo ? now - 3600_000 - i * 600_000 : now - Math.floor(r() * span);
      const id = uuid(r);
      let path: string;
      let text: string;
      if (agent === "claude") {
        const dir = join(opts.home, ".claude", "projects", cwd.replace(/[^A-Za-z0-9]/g, "-"));
        mkdirSync(dir, { recursive: true });
        path = join(dir, `${id}.jsonl`);
        text = claudeSession(claudeTemplate, r, id, cwd, startMs);
      } else {
        const d = new Date(startMs);
        const day = d.toISOString().slice(0, 10).split("-");
        const dir = join(opts.home, ".codex", "sessions", day[0]!, day[1]!, day[2]!);
        mkdirSync(dir, { recursive: true });
        const stamp = d.toISOString().slice(0, 19).replace(/:/g, "-");
        path = join(dir, `rollout-${stamp}-${id}.jsonl`);
        text = codexSession(codexTemplate, r, id, cwd, startMs);
      }
      writeFileSync(path, text);
      setTime(path, startMs + 420_000);
      files++;
      bytes += text.length;
    }
  };
  place(opts.claude, "claude");
  place(opts.codex, "codex");
  const copilot = placeCopilot(opts, projects);
  const gemini = generateGemini(opts, projects);
  const opencode = generateOpencode(opts, projects);
  const cursor = placeCursor(opts, projects);
  return {
    files: files + copilot.files + gemini.files + opencode.sessions + cursor.files,
    bytes: bytes + copilot.bytes + gemini.bytes + opencode.bytes + cursor.bytes,
  };
}

/**
 * Copilot CLI: ~/.copilot/session-state/<id>/events.jsonl and workspace.yaml. A random
 * stream of its own, so that the other agents' sessions stay byte for byte as they were.
 */
function placeCopilot(opts: GenOptions, projects: readonly string[]): { files: number; bytes: number } {
  const n = opts.copilot ?? 0;
  if (n <= 0) return { files: 0, bytes: 0 };
  const r = rng(opts.seed * 0x9e3779b1 + 0xc0);
  const template = readFileSync(COPILOT_TEMPLATE, "utf8").trimEnd().split("\n");
  const now = opts.now.getTime();
  const span = opts.days * 24 * 3600 * 1000;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const inRepo = i < opts.inRepo;
    const cwd = inRepo ? opts.repo : projects[Math.floor(r() * projects.length)]!;
    const startMs = inRepo ? now - 3600_000 - i * 600_000 : now - Math.floor(r() * span);
    const id = uuid(r);
    const dir = join(opts.home, ".copilot", "session-state", id);
    mkdirSync(dir, { recursive: true });
    const text = copilotSession(template, r, id, cwd, startMs);
    const path = join(dir, "events.jsonl");
    writeFileSync(path, text);
    const created = new Date(startMs + 820).toISOString();
    writeFileSync(
      join(dir, "workspace.yaml"),
      `id: ${id}\ncwd: ${cwd}\ngit_root: ${cwd}\nbranch: main\nsummary: Add login with rate limiting to src/auth.py and a test\ncreated_at: ${created}\nupdated_at: ${new Date(startMs + 420_000).toISOString()}\n`,
    );
    setTime(path, startMs + 420_000);
    bytes += text.length;
  }
  return { files: n, bytes };
}

const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");

function geminiSession(template: string[], r: () => number, id: string, cwd: string, startMs: number): string {
  const from = Date.parse("2026-11-20T10:00:00Z");
  const lines = template.map((l) =>
    shiftTimes(
      l
        .replaceAll("8d2f5a17-4c3b-4e9a-b1d6-0f7e3c9a2b58", id)
        .replaceAll(sha256("/home/dev/work/shop"), sha256(cwd))
        .replaceAll("/home/dev/work/shop", cwd),
      from,
      startMs,
    ),
  );
  const size = targetSize(r);
  let body = lines.join("\n");
  let i = 0;
  // Pad with turns that read a file (the bulk of real chats: tool outputs inside the reply
  // line), each followed by the metadata patch Gemini CLI appends.
  while (body.length < size) {
    const chunk = Math.min(60_000, size - body.length);
    const at = iso(startMs, 420_000 + i * 1000);
    const callId = `read_file-${startMs + i}-${uuid(r).slice(0, 12)}`;
    const message = {
      id: uuid(r),
      timestamp: at,
      type: "gemini",
      content: filler(r, 200),
      thoughts: [],
      tokens: { input: 9000 + i, output: 60, cached: 8192, thoughts: 40, tool: 0, total: 9300 + i },
      model: "gemini-2.5-pro",
      toolCalls: [
        {
          id: callId,
          name: "read_file",
          args: { file_path: `${cwd}/src/module${i % 40}.py` },
          result: [{ functionResponse: { id: callId, name: "read_file", response: { output: filler(r, chunk) } } }],
          status: "success",
          timestamp: at,
          resultDisplay: "",
          displayName: "ReadFile",
          description: `src/module${i % 40}.py`,
          renderOutputAsMarkdown: true,
        },
      ],
    };
    body += `\n${JSON.stringify(message)}\n${JSON.stringify({ $set: { lastUpdated: at } })}`;
    i++;
  }
  return `${body}\n`;
}

/** The older layout: one pretty-printed JSON document in a folder named by the path's hash. */
function geminiLegacySession(jsonl: string): string {
  const records = jsonl
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const meta = { ...records[0]! };
  const messages = new Map<string, unknown>();
  for (const rec of records.slice(1)) {
    if (typeof rec.id === "string") messages.set(rec.id, rec);
    else if (rec.$set && typeof rec.$set === "object") Object.assign(meta, rec.$set);
  }
  delete meta.kind;
  return JSON.stringify({ ...meta, messages: [...messages.values()] }, null, 2);
}

/**
 * Gemini CLI sessions: ~/.gemini/tmp/<project>/chats/session-<time>-<id8>.jsonl with the
 * folder's .project_root and ~/.gemini/projects.json; one in ten sessions of other projects
 * in the older layout (tmp/<sha256 of the path>/chats/session-<time>-<id8>.json).
 */
function generateGemini(opts: GenOptions, projects: readonly string[]): { files: number; bytes: number } {
  const n = opts.gemini ?? 0;
  if (n <= 0) return { files: 0, bytes: 0 };
  const r = rng((opts.seed ^ 0x6a09e667) >>> 0);
  const template = readFileSync(GEMINI_TEMPLATE, "utf8").trimEnd().split("\n");
  const now = opts.now.getTime();
  const span = opts.days * 24 * 3600 * 1000;
  const tmp = join(opts.home, ".gemini", "tmp");
  const registry: Record<string, string> = {};
  const slugs = new Set<string>();
  const slugOf = (cwd: string) => {
    if (registry[cwd]) return registry[cwd]!;
    const base =
      (cwd.split("/").pop() ?? "")
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-|-$/g, "") || "project";
    let slug = base;
    for (let k = 1; slugs.has(slug); k++) slug = `${base}-${k}`;
    slugs.add(slug);
    registry[cwd] = slug;
    mkdirSync(join(tmp, slug), { recursive: true });
    writeFileSync(join(tmp, slug, ".project_root"), cwd);
    return slug;
  };
  let files = 0;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const inRepo = i < opts.inRepo;
    const cwd = inRepo ? opts.repo : projects[Math.floor(r() * projects.length)]!;
    const startMs = inRepo ? now - 3600_000 - i * 600_000 : now - Math.floor(r() * span);
    const id = uuid(r);
    const legacy = !inRepo && r() < 0.1;
    const stamp = new Date(startMs).toISOString().slice(0, 16).replace(/:/g, "-");
    let text = geminiSession(template, r, id, cwd, startMs);
    let dir: string;
    let path: string;
    if (legacy) {
      dir = join(tmp, sha256(cwd), "chats");
      path = join(dir, `session-${stamp}-${id.slice(0, 8)}.json`);
      text = geminiLegacySession(text);
    } else {
      dir = join(tmp, slugOf(cwd), "chats");
      path = join(dir, `session-${stamp}-${id.slice(0, 8)}.jsonl`);
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, text);
    setTime(path, startMs + 420_000);
    files++;
    bytes += text.length;
  }
  writeFileSync(join(opts.home, ".gemini", "projects.json"), JSON.stringify({ projects: registry }, null, 2));
  return { files, bytes };
}

// --- OpenCode ---------------------------------------------------------------------------

const OPENCODE_SQL = join(FIXTURES, "opencode", "opencode-db.sql");
const OPENCODE_ID = "ses_e0799e3e0ffexTICvAJz0TMkfh";
/** The fixture session's first time (epoch ms); its times lie within 10 minutes of it. */
const OPENCODE_T0 = 1795168803871;
const ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * OpenCode sessions as OpenCode 1.1+ keeps them: rows of session, message and part in
 * $HOME/.local/share/opencode/opencode.db (WAL mode), the fixture's session copied with new
 * IDs, times and directories, and padded with tool outputs and replies to the same long-
 * tailed sizes. Sessions older than half of --days are also in the JSON tree
 * (storage/session|message|part/...), as OpenCode left it when it moved to SQLite. Its own
 * random stream, so that the other agents' output stays as it was.
 */
function generateOpencode(opts: GenOptions, projects: readonly string[]): { sessions: number; bytes: number } {
  const n = opts.opencode ?? 0;
  if (n <= 0) return { sessions: 0, bytes: 0 };
  const r = rng(opts.seed * 1_000_003 + 7);
  const word = (n: number) => Array.from({ length: n }, () => ALNUM[Math.floor(r() * ALNUM.length)]).join("");
  const now = opts.now.getTime();
  const span = opts.days * 24 * 3600 * 1000;
  const migrated = now - span / 2;
  const data = join(opts.home, ".local", "share", "opencode");
  const storage = join(data, "storage");
  mkdirSync(data, { recursive: true });

  // The fixture's rows, read once from an in-memory copy of its database.
  const sql = readFileSync(OPENCODE_SQL, "utf8");
  const template = new Database(":memory:");
  template.exec(sql);
  const tMessages = template
    .prepare("SELECT id, time_created, time_updated, data FROM message ORDER BY time_created, id")
    .all() as { id: string; time_created: number; time_updated: number; data: string }[];
  const tParts = template
    .prepare("SELECT id, message_id, time_created, time_updated, data FROM part ORDER BY id")
    .all() as { id: string; message_id: string; time_created: number; time_updated: number; data: string }[];
  template.close();

  const db = new Database(join(data, "opencode.db"), { create: true });
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(sql.slice(sql.indexOf("CREATE TABLE"), sql.indexOf("INSERT INTO")));
  const insProject = db.prepare(
    "INSERT OR IGNORE INTO project (id, worktree, vcs, time_created) VALUES (?1, ?2, 'git', ?3)",
  );
  const insSession = db.prepare(
    "INSERT INTO session (id, project_id, parent_id, slug, directory, title, version, time_created, time_updated) VALUES (?1, ?2, NULL, ?3, ?4, ?5, '1.0.150', ?6, ?7)",
  );
  const insMessage = db.prepare(
    "INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES (?1, ?2, ?3, ?4, ?5)",
  );
  const insPart = db.prepare(
    "INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  );
  const projectId = (cwd: string) => Bun.hash(cwd).toString(16).padStart(16, "0").repeat(3).slice(0, 40);
  const writeJson = (path: string, value: unknown, mtime: number) => {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, JSON.stringify(value, null, 2));
    setTime(path, mtime);
  };

  let bytes = 0;
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const inRepo = i < opts.inRepo;
      const cwd = inRepo ? opts.repo : projects[Math.floor(r() * projects.length)]!;
      const startMs = inRepo ? now - 3600_000 - i * 600_000 : now - Math.floor(r() * span);
      const shift = startMs - OPENCODE_T0;
      const id = `ses_${word(26)}`;
      // IDs that sort by time, as OpenCode's do.
      const idAt = (prefix: string, t: number, k: number) =>
        `${prefix}_${t.toString(16).padStart(12, "0")}${k.toString(36).padStart(3, "0")}${word(11)}`;
      const rewrite = (text: string) =>
        text
          .replaceAll(OPENCODE_ID, id)
          .replaceAll(FIXTURE_REPO_PATH, cwd)
          .replace(/\b17951[6-9]\d{7}\b/g, (t) => String(Number(t) + shift));
      const project = projectId(cwd);
      insProject.run(project, cwd, startMs);
      const messageIds = new Map<string, string>();
      const rows: { message: string; data: string; created: number; updated: number }[] = [];
      for (const [k, m] of tMessages.entries()) messageIds.set(m.id, idAt("msg", m.time_created + shift, k));
      const messages = tMessages.map((m) => ({
        id: messageIds.get(m.id)!,
        created: m.time_created + shift,
        updated: m.time_updated + shift,
        data: rewrite(m.data).replace(/"msg_[0-9a-f]{12}\w+"/g, (q) =>
          JSON.stringify(messageIds.get(JSON.parse(q)) ?? JSON.parse(q)),
        ),
      }));
      for (const p of tParts) {
        rows.push({
          message: messageIds.get(p.message_id)!,
          data: rewrite(p.data),
          created: p.time_created + shift,
          updated: p.time_updated + shift,
        });
      }
      // Padding: more steps after the scenario, each a bash call with a long output and a reply.
      const size = targetSize(r);
      let total = rows.reduce((a, x) => a + x.data.length, 0) + messages.reduce((a, x) => a + x.data.length, 0);
      let t = startMs + 420_000;
      for (let k = 0; total < size; k++) {
        const chunk = Math.min(60_000, size - total);
        const mid = idAt("msg", t, 100 + k);
        messages.push({
          id: mid,
          created: t,
          updated: t + 900,
          data: JSON.stringify({
            role: "assistant",
            time: { created: t, completed: t + 900 },
            modelID: "claude-sonnet-4-5",
            providerID: "anthropic",
            mode: "build",
            agent: "build",
            path: { cwd, root: cwd },
            cost: 0.01,
            tokens: { input: 10, output: 200, reasoning: 0, cache: { read: 1000, write: 0 } },
          }),
        });
        rows.push({
          message: mid,
          created: t,
          updated: t + 500,
          data: JSON.stringify({
            type: "tool",
            callID: `toolu_${word(24)}`,
            tool: "bash",
            state: {
              status: "completed",
              input: { command: "pytest -q", description: "Run the tests" },
              output: filler(r, chunk),
              title: "pytest -q",
              metadata: { exit: 0 },
              time: { start: t, end: t + 500 },
            },
          }),
        });
        rows.push({
          message: mid,
          created: t + 600,
          updated: t + 900,
          data: JSON.stringify({ type: "text", text: filler(r, 400), time: { start: t + 600, end: t + 900 } }),
        });
        total += chunk + 1000;
        t += 1000;
      }
      const updated = t;
      insSession.run(
        id,
        project,
        word(8).toLowerCase(),
        cwd,
        "Add login with rate limiting to auth.py",
        startMs,
        updated,
      );
      for (const m of messages) insMessage.run(m.id, id, m.created, m.updated, m.data);
      const parts = rows.map((p, k) => ({ ...p, id: idAt("prt", p.created, k) }));
      for (const p of parts) insPart.run(p.id, p.message, id, p.created, p.updated, p.data);
      bytes += total;
      if (startMs >= migrated) continue;
      // The JSON tree of before the move to SQLite: the record plus its IDs, one file each.
      writeJson(
        join(storage, "project", `${project}.json`),
        { id: project, worktree: cwd, vcs: "git", time: { created: startMs } },
        startMs,
      );
      writeJson(
        join(storage, "session", project, `${id}.json`),
        {
          id,
          version: "1.0.150",
          projectID: project,
          directory: cwd,
          title: "Add login with rate limiting to auth.py",
          time: { created: startMs, updated },
        },
        updated,
      );
      for (const m of messages)
        writeJson(
          join(storage, "message", id, `${m.id}.json`),
          { id: m.id, sessionID: id, ...JSON.parse(m.data) },
          m.updated,
        );
      for (const p of parts)
        writeJson(
          join(storage, "part", p.message, `${p.id}.json`),
          { id: p.id, sessionID: id, messageID: p.message, ...JSON.parse(p.data) },
          p.updated,
        );
    }
  })();
  db.close();
  return { sessions: n, bytes };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      home: { type: "string" },
      repo: { type: "string" },
      claude: { type: "string", default: "1000" },
      codex: { type: "string", default: "1000" },
      copilot: { type: "string", default: "0" },
      gemini: { type: "string", default: "0" },
      opencode: { type: "string", default: "0" },
      cursor: { type: "string", default: "0" },
      "in-repo": { type: "string", default: "3" },
      days: { type: "string", default: "60" },
      seed: { type: "string", default: "1" },
      now: { type: "string" },
    },
  });
  if (!values.home || !values.repo) {
    console.error(
      "usage: bun run scripts/gen-datastore.ts --home DIR --repo PATH [--claude N] [--codex N] [--copilot N] [--gemini N] [--opencode N] [--cursor N] [--in-repo N]",
    );
    process.exit(2);
  }
  const result = generate({
    home: values.home,
    repo: values.repo,
    claude: Number(values.claude),
    codex: Number(values.codex),
    copilot: Number(values.copilot),
    gemini: Number(values.gemini),
    opencode: Number(values.opencode),
    cursor: Number(values.cursor),
    inRepo: Number(values["in-repo"]),
    days: Number(values.days),
    seed: Number(values.seed),
    now: values.now ? new Date(values.now) : new Date(),
  });
  console.error(`gen-datastore: ${result.files} sessions, ${(result.bytes / 1e6).toFixed(0)} MB in ${values.home}`);
}
