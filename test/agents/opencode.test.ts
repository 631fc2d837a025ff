// OpenCode: the reader on the fixture's session (opencode.db built from opencode-db.sql, and
// the older JSON tree), discovery by directory, reading while OpenCode holds the database
// open in WAL mode and writes, damaged and hostile stores, the hook payload, and the plugin
// that `git traces hooks install --agent opencode` writes (installed, run, removed).

import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { adapter } from "../../src/agents/index.ts";
import {
  discover as discoverOpencode,
  find as findOpencode,
  watch as watchOpencode,
} from "../../src/agents/opencode/discover.ts";
import { pluginSource } from "../../src/agents/opencode/hooks.ts";
import { readOpencodeSession } from "../../src/agents/opencode/read.ts";
import { TranscriptError } from "../../src/agents/types.ts";
import { editedFiles, kindCounts, primaryModel, toolCounts, TraceSchema, type Trace } from "../../src/traces/model.ts";
import {
  buildOpencodeDb,
  FIXTURE_REPO,
  installAgentFixtures,
  opencodeData,
  opencodeDb,
  SESSIONS,
} from "../helpers/agents.ts";
import { makeSandbox, requireBinary, run, sh, type Sandbox } from "../helpers/sandbox.ts";

const opencode = (await adapter("opencode"))!;
const ID = SESSIONS.opencode;
const URL = "https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

let box: Sandbox;
let repo: string;
let env: Record<string, string>;
beforeEach(() => {
  box = makeSandbox("opencode");
  repo = join(box.home, "work", "shop");
  mkdirSync(repo, { recursive: true });
  env = { HOME: box.home };
});
afterEach(() => box?.cleanup());

const locator = (id: string = ID) => `${opencodeDb(box.home)}#${id}`;
const storage = () => join(opencodeData(box.home), "storage");
const sessionFile = (id: string = ID) =>
  join(storage(), "session", "5e1c0a9d83f2b64e7a1d0c9b8f7e6d5c4b3a2918", `${id}.json`);
/** Without the one field that differs between the stores. */
const comparable = (t: Trace) => ({ ...t, transcript: "" });

describe("reading the fixture's session", () => {
  test("from opencode.db: the ground truth of the fixture's README", async () => {
    installAgentFixtures(["opencode"], box.home, repo);
    const t = await readOpencodeSession(locator(), { roots: [repo] });
    expect(v.safeParse(TraceSchema, t).success).toBe(true);
    expect(t).toMatchObject({
      id: ID,
      agent: "opencode",
      agentVersion: "1.0.150",
      models: ["claude-sonnet-4-5"],
      provider: "anthropic",
      title: "Add login with rate limiting to src/auth.py and a test",
      start: "2026-11-20T10:00:03.871Z",
      end: "2026-11-20T10:06:53.277Z",
      cwd: repo,
      transcript: opencodeDb(box.home),
      tokens: { input: 42, output: 2797, reasoning: 0, cacheRead: 131581, cacheWrite: 11868 },
    });
    expect(t.branch).toBeUndefined(); // OpenCode does not record it
    expect(primaryModel(t)).toBe("claude-sonnet-4-5");
    expect(toolCounts(t)).toEqual({ read: 1, webfetch: 1, edit: 2, write: 1, bash: 1 });
    expect(kindCounts(t)).toEqual({ read: 1, edit: 3, shell: 1, web_fetch: 1, web_search: 0, other: 0 });
    expect(editedFiles(t)).toEqual(["src/auth.py", "tests/test_auth.py"]);
    expect(t.tools.map((x) => [x.name, x.at])).toEqual([
      ["read", "2026-11-20T10:00:09.480Z"],
      ["webfetch", "2026-11-20T10:00:09.580Z"],
      ["edit", "2026-11-20T10:01:02.318Z"],
      ["write", "2026-11-20T10:01:38.702Z"],
      ["bash", "2026-11-20T10:01:49.391Z"],
      ["edit", "2026-11-20T10:06:36.530Z"],
    ]);
    expect(t.tools.find((x) => x.kind === "read")!.paths).toEqual(["src/auth.py"]);
    expect(t.tools.find((x) => x.kind === "web_fetch")!.url).toBe(URL);
    expect(t.tools.find((x) => x.kind === "shell")!.command).toBe("pytest -q tests/test_auth.py");
    expect(t.messages.filter((m) => m.role === "user").map((m) => m.text)).toEqual([
      "Add login with rate limiting to src/auth.py and a test",
      "The SQL looks injectable",
    ]);
    expect(
      t.messages
        .filter((m) => m.role === "assistant")
        .every((m) => m.model === "claude-sonnet-4-5" && m.text.length > 0),
    ).toBe(true);
    expect(JSON.stringify(t)).not.toContain(SECRET); // tool outputs are not kept
  });

  test("the JSON tree gives the same trace; outside the worktree paths stay absolute", async () => {
    installAgentFixtures(["opencode"], box.home, repo, { opencode: "both" });
    const fromDb = await readOpencodeSession(locator(), { roots: [repo] });
    const fromTree = await readOpencodeSession(sessionFile(), { roots: [repo] });
    expect(fromTree.transcript).toBe(sessionFile());
    expect(comparable(fromTree)).toEqual(comparable(fromDb));
    const elsewhere = await readOpencodeSession(sessionFile(), { roots: ["/somewhere/else"] });
    expect(editedFiles(elsewhere)).toEqual([join(repo, "src/auth.py"), join(repo, "tests/test_auth.py")]);
  });

  test("a summary has what a note needs, without texts or tool outputs", async () => {
    installAgentFixtures(["opencode"], box.home, repo, { opencode: "both" });
    for (const path of [locator(), sessionFile()]) {
      const full = await readOpencodeSession(path, { roots: [repo] });
      const summary = await readOpencodeSession(path, { roots: [repo], summary: true });
      expect(summary.tools).toEqual(full.tools);
      expect({ ...summary, messages: [] }).toEqual({ ...full, messages: [] });
      expect(summary.messages.map((m) => [m.role, m.model])).toEqual(full.messages.map((m) => [m.role, m.model]));
      expect(summary.messages.every((m) => m.text === "")).toBe(true);
      expect(JSON.stringify(summary)).not.toContain(SECRET);
    }
  });

  test("find: the database first, then the JSON tree; nothing for an unsafe ID", async () => {
    installAgentFixtures(["opencode"], box.home, repo, { opencode: "both" });
    expect(await findOpencode(ID, env)).toBe(locator());
    rmSync(opencodeDb(box.home));
    expect(await findOpencode(ID, env)).toBe(sessionFile());
    expect(await findOpencode("ses_nosuchsession", env)).toBeNull();
    expect(await findOpencode("../../etc/passwd", env)).toBeNull();
  });
});

describe("discovery", () => {
  const ids = (refs: { id: string }[]) => refs.map((r) => r.id);

  test("by directory: this worktree and folders inside it, never a sibling that shares a prefix", async () => {
    installAgentFixtures(["opencode"], box.home, repo);
    const found = await discoverOpencode({ env, roots: [repo] });
    expect(found).toEqual([{ agent: "opencode", id: ID, path: locator(), cwd: repo, mtimeMs: 1795169213277, size: 0 }]);
    expect(await discoverOpencode({ env, roots: [join(box.home, "work")] })).toHaveLength(1); // a session in a subfolder of the root
    expect(await discoverOpencode({ env, roots: [`${repo}2`] })).toEqual([]);
    expect(await discoverOpencode({ env, roots: [repo.slice(0, -1)] })).toEqual([]);
    expect(await discoverOpencode({ env, roots: [join(repo, "src")] })).toEqual([]);
    expect(await discoverOpencode({ env, roots: [] })).toEqual([]);
    expect(ids(await discoverOpencode({ env }))).toEqual([ID]);
  });

  test("by time: sessions not updated since are left out", async () => {
    installAgentFixtures(["opencode"], box.home, repo, { opencode: "both" });
    const updated = 1795169213277;
    expect(ids(await discoverOpencode({ env, roots: [repo], sinceMs: updated }))).toEqual([ID]);
    expect(await discoverOpencode({ env, roots: [repo], sinceMs: updated + 1 })).toEqual([]);
  });

  test("a session in both stores is found once, in the database; the JSON tree alone is found too", async () => {
    installAgentFixtures(["opencode"], box.home, repo, { opencode: "both" });
    expect(await discoverOpencode({ env, roots: [repo] })).toEqual([
      { agent: "opencode", id: ID, path: locator(), cwd: repo, mtimeMs: 1795169213277, size: 0 },
    ]);
    rmSync(opencodeDb(box.home));
    const tree = await discoverOpencode({ env, roots: [repo] });
    expect(tree).toMatchObject([{ agent: "opencode", id: ID, path: sessionFile(), cwd: repo }]);
    // A recent session's directory is read once and cached.
    expect(await discoverOpencode({ env, roots: [repo] })).toEqual(tree);
    const cache = JSON.parse(
      readFileSync(join(box.home, ".local", "share", "git-traces", "cache", "opencode-cwd.json"), "utf8"),
    );
    expect(cache.entries[`5e1c0a9d83f2b64e7a1d0c9b8f7e6d5c4b3a2918/${ID}.json`]).toBe(repo);
  });

  test("JSON tree: a folder whose sessions all ran elsewhere is passed over until a session file is added to it", async () => {
    const other = join(box.home, "work", "other");
    installAgentFixtures(["opencode"], box.home, other, { opencode: "json" });
    expect(await discoverOpencode({ env, roots: [repo] })).toEqual([]);
    const folders = JSON.parse(
      readFileSync(join(box.home, ".local", "share", "git-traces", "cache", "opencode-folders.json"), "utf8"),
    ).entries;
    expect(JSON.parse(folders["5e1c0a9d83f2b64e7a1d0c9b8f7e6d5c4b3a2918"])).toMatchObject({ cwds: [other] });
    // The same repository's other worktree, here: a new file in the same project folder.
    const copy = sessionFile("ses_e0799e3e0ffeWorktreeCopy");
    writeFileSync(
      copy,
      readFileSync(sessionFile(), "utf8").replace(ID, "ses_e0799e3e0ffeWorktreeCopy").replaceAll(other, repo),
    );
    expect(await discoverOpencode({ env, roots: [repo] })).toMatchObject([
      { id: "ses_e0799e3e0ffeWorktreeCopy", path: copy, cwd: repo },
    ]);
    expect(await discoverOpencode({ env, roots: [other] })).toMatchObject([{ id: ID }]);
  });

  test("XDG_DATA_HOME moves the data folder", async () => {
    const data = join(box.dir, "xdg-data");
    buildOpencodeDb(box.home, repo, join(data, "opencode", "opencode.db"));
    expect(ids(await discoverOpencode({ env: { ...env, XDG_DATA_HOME: data }, roots: [repo] }))).toEqual([ID]);
    expect(await discoverOpencode({ env, roots: [repo] })).toEqual([]);
    expect(opencode.dataDirs({ ...env, XDG_DATA_HOME: data })).toEqual([join(data, "opencode")]);
    // A relative XDG_DATA_HOME is not valid, and ignored.
    expect(opencode.dataDirs({ ...env, XDG_DATA_HOME: "rel" })).toEqual([
      join(box.home, ".local", "share", "opencode"),
    ]);
  });

  test("the watched paths: the database, its write-ahead log, the JSON tree's session folders", () => {
    installAgentFixtures(["opencode"], box.home, repo, { opencode: "both" });
    const db = opencodeDb(box.home);
    expect(watchOpencode({ env, roots: [repo] })).toEqual([
      db,
      `${db}-wal`,
      join(storage(), "session"),
      join(storage(), "session", "5e1c0a9d83f2b64e7a1d0c9b8f7e6d5c4b3a2918"),
    ]);
  });
});

describe("while OpenCode holds the database open and writes", () => {
  const NEW = "ses_0f00newsessionWALtest0001";
  const insertSession = (db: Database, id: string, dir: string, updated: number) =>
    db
      .prepare(
        "INSERT INTO session (id, project_id, parent_id, slug, directory, title, version, time_created, time_updated) VALUES (?1, '5e1c0a9d83f2b64e7a1d0c9b8f7e6d5c4b3a2918', NULL, 's', ?2, 't', '1.0.150', ?3, ?3)",
      )
      .run(id, dir, updated);

  test("WAL mode, a write transaction open: reads see the last commit at once, and never block the writer", async () => {
    installAgentFixtures(["opencode"], box.home, repo);
    const writer = new Database(opencodeDb(box.home));
    writer.exec("PRAGMA journal_mode = WAL");
    writer.exec("PRAGMA busy_timeout = 0"); // a writer that would fail at once if we held a lock
    try {
      writer.exec("BEGIN IMMEDIATE");
      insertSession(writer, NEW, repo, 1795169300000);
      writer
        .prepare(
          'UPDATE part SET data = \'{"type":"text","text":"half-written\' WHERE id = \'prt_1f86620f9001zsoJa7z5BfIpyX\'',
        )
        .run();
      const started = performance.now();
      expect((await discoverOpencode({ env, roots: [repo] })).map((r) => r.id)).toEqual([ID]);
      const t = await readOpencodeSession(locator(), { roots: [repo], summary: true });
      expect(performance.now() - started).toBeLessThan(1000);
      expect(t.title).toBe("Add login with rate limiting to src/auth.py and a test"); // not the uncommitted text
      expect(editedFiles(t)).toEqual(["src/auth.py", "tests/test_auth.py"]);
      writer.exec("COMMIT");
      // Committed: the new session shows; the writer goes on writing and checkpointing.
      expect((await discoverOpencode({ env, roots: [repo] })).map((r) => r.id)).toEqual([NEW, ID]);
      writer.exec("BEGIN IMMEDIATE");
      writer.prepare("UPDATE session SET time_updated = time_updated + 1 WHERE id = ?1").run(NEW);
      writer.exec("COMMIT");
      expect(writer.prepare("PRAGMA wal_checkpoint(TRUNCATE)").get()).toMatchObject({ busy: 0 });
    } finally {
      writer.close();
    }
    expect(existsSync(`${opencodeDb(box.home)}-journal`)).toBe(false);
  });

  test("nothing is written to the database: its bytes stay as they were", async () => {
    installAgentFixtures(["opencode"], box.home, repo);
    const before = readFileSync(opencodeDb(box.home));
    await discoverOpencode({ env, roots: [repo] });
    await readOpencodeSession(locator(), { roots: [repo] });
    await findOpencode(ID, env);
    expect(readFileSync(opencodeDb(box.home)).equals(before)).toBe(true);
  });

  test("reads leave OpenCode's files as they were: no -wal or -shm created, a non-empty -wal's time kept", async () => {
    installAgentFixtures(["opencode"], box.home, repo);
    const db = opencodeDb(box.home);
    const files = () =>
      readdirSync(join(db, ".."))
        .filter((f) => f.startsWith("opencode.db"))
        .sort();
    expect(files()).toEqual(["opencode.db"]); // WAL mode, OpenCode not running
    for (let i = 0; i < 2; i++) {
      expect(await discoverOpencode({ env, roots: [repo] })).toHaveLength(1);
      expect((await readOpencodeSession(locator(), { roots: [repo] })).tools).toHaveLength(6);
    }
    expect(files()).toEqual(["opencode.db"]);
    // OpenCode running, with frames in its log: reading keeps the log's modification time.
    const writer = new Database(db);
    writer.exec("PRAGMA journal_mode = WAL");
    writer.exec("PRAGMA wal_autocheckpoint = 0");
    try {
      writer.prepare("UPDATE session SET title = 'x' WHERE id = ?1").run(ID);
      const wal = `${db}-wal`;
      const before = Bun.file(wal).lastModified;
      expect(Bun.file(wal).size).toBeGreaterThan(0);
      Bun.sleepSync(20);
      await discoverOpencode({ env, roots: [repo] });
      await readOpencodeSession(locator(), { roots: [repo], summary: true });
      expect(Bun.file(wal).lastModified).toBe(before);
    } finally {
      writer.close();
    }
  });

  test("rollback-journal mode with the database locked: a short wait, then on without it", async () => {
    installAgentFixtures(["opencode"], box.home, repo, { opencode: "both" });
    const writer = new Database(opencodeDb(box.home));
    writer.exec("PRAGMA journal_mode = DELETE");
    try {
      writer.exec("BEGIN EXCLUSIVE");
      const started = performance.now();
      // The database cannot be read: the JSON tree's copy of the session is still found.
      expect(await discoverOpencode({ env, roots: [repo] })).toMatchObject([{ id: ID, path: sessionFile() }]);
      const err = await readOpencodeSession(locator(), { roots: [repo] }).catch((e) => e);
      expect(err).toBeInstanceOf(TranscriptError);
      expect(err.message).toContain("locked");
      expect(err.message.split("\n")).toHaveLength(1);
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      writer.exec("ROLLBACK");
      writer.close();
    }
  });
});

describe("damaged and hostile stores: no crash, the good records kept", () => {
  test("a truncated session file, garbage and cut-off message and part files, unknown part types and tools", async () => {
    installAgentFixtures(["opencode"], box.home, repo, { opencode: "json" });
    const file = sessionFile();
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.slice(0, text.length / 2)); // cut off mid-write
    const messages = join(storage(), "message", ID);
    writeFileSync(join(messages, "msg_1f86c1d00001zzGarbage00001.json"), "\u0000\u0001 not json");
    const parts = join(storage(), "part", "msg_1f86c0394001yl8HA8kKQs2qac");
    writeFileSync(
      join(parts, "prt_1f86c1c9c001zzzzCutOff0001.json"),
      '{"type":"tool","tool":"edit","state":{"input":{"filePath":"/x',
    );
    writeFileSync(
      join(parts, "prt_1f86c1c9c001zzzzUnknown001.json"),
      JSON.stringify({ type: "agent-telemetry", blob: [1, 2] }),
    );
    writeFileSync(
      join(parts, "prt_1f86c1c9c001zzzzNewTool001.json"),
      JSON.stringify({
        type: "tool",
        tool: "lsp_hover",
        state: { status: "completed", input: { path: "src/auth.py" } },
      }),
    );
    const t = await readOpencodeSession(file, { roots: [repo] });
    expect(t.id).toBe(ID); // from the file name
    expect(t.cwd).toBe(repo); // from the assistant messages' path.cwd
    expect(toolCounts(t)).toEqual({ read: 1, webfetch: 1, edit: 2, write: 1, bash: 1, lsp_hover: 1 });
    expect(t.tools.find((x) => x.name === "lsp_hover")).toMatchObject({ kind: "other", detail: "src/auth.py" });
    expect(await discoverOpencode({ env, roots: [repo] })).toMatchObject([{ id: ID }]);
  });

  test("rows with damaged JSON are skipped, in a summary and in full", async () => {
    installAgentFixtures(["opencode"], box.home, repo);
    const db = new Database(opencodeDb(box.home));
    db.prepare(
      'UPDATE part SET data = \'{"type":"tool","tool":"edit","state":{\' WHERE id = \'prt_1f86c192a001ezp1nKUJAPWh61\'',
    ).run(); // the second edit
    db.prepare("UPDATE message SET data = 'not json' WHERE id = 'msg_1f86c013c001c0oweZ3J8Yt9xU'").run(); // the second prompt
    db.close();
    for (const summary of [true, false]) {
      const t = await readOpencodeSession(locator(), { roots: [repo], summary });
      expect(toolCounts(t)).toEqual({ read: 1, webfetch: 1, edit: 1, write: 1, bash: 1 });
      expect(t.messages.filter((m) => m.role === "user")).toHaveLength(1);
    }
  });

  test("a database that is empty, not a database, or of another schema: nothing found, no error", async () => {
    const db = opencodeDb(box.home);
    mkdirSync(join(db, ".."), { recursive: true });
    for (const content of ["", "SQLite format 3\u0000 but then garbage ".repeat(200)]) {
      writeFileSync(db, content);
      expect(await discoverOpencode({ env, roots: [repo] })).toEqual([]);
      expect(await findOpencode(ID, env)).toBeNull();
      const err = await readOpencodeSession(locator(), {}).catch((e) => e);
      expect(err).toBeInstanceOf(TranscriptError);
      expect(err.message.split("\n")).toHaveLength(1);
    }
    rmSync(db);
    const other = new Database(db, { create: true });
    other.exec("CREATE TABLE session (id TEXT PRIMARY KEY, name TEXT)");
    other.close();
    expect(await discoverOpencode({ env, roots: [repo] })).toEqual([]);
    expect(await readOpencodeSession(locator(), {}).catch((e) => e)).toBeInstanceOf(TranscriptError);
  });

  test("hostile IDs are never used; hostile text is kept as data for the renderers to neutralise", async () => {
    installAgentFixtures(["opencode"], box.home, repo, { opencode: "both" });
    const db = new Database(opencodeDb(box.home));
    db.prepare("UPDATE session SET id = '../../../../tmp/evil' WHERE id = ?1").run(ID);
    db.close();
    expect(await discoverOpencode({ env, roots: [repo] })).toMatchObject([{ path: sessionFile() }]); // only the tree's copy
    expect(
      await readOpencodeSession(`${opencodeDb(box.home)}#../../../../tmp/evil`, {}).catch((e) => e),
    ).toBeInstanceOf(TranscriptError);
    // A session file whose own ID is a path: refused.
    const file = sessionFile();
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), id: "../../evil" }));
    expect(await readOpencodeSession(file, {}).catch((e) => e)).toBeInstanceOf(TranscriptError);
    // A message ID that is a path is never joined onto the part folder.
    writeFileSync(
      join(storage(), "message", ID, "msg_zzzz.json"),
      JSON.stringify({ id: "../../../session", role: "user", time: { created: 1795168805200 } }),
    );
    writeFileSync(file, readFileSync(file, "utf8").replace('"../../evil"', JSON.stringify(ID)));
    const t = await readOpencodeSession(file, { roots: [repo] });
    expect(t.id).toBe(ID);
    // Escapes in a prompt stay in the trace: sanitising is the renderers' job.
    const prompt = join(storage(), "part", "msg_1f86620f8001cpV6E1MN228bGa", "prt_1f86620f9001zsoJa7z5BfIpyX.json");
    writeFileSync(prompt, JSON.stringify({ type: "text", text: "\u001b]0;owned\u0007Add login\u202e" }));
    expect((await readOpencodeSession(file, { roots: [repo] })).title).toBe("\u001b]0;owned\u0007Add login\u202e");
  });

  test("a 2 MB tool output is read in a summary without keeping it", async () => {
    installAgentFixtures(["opencode"], box.home, repo);
    const db = new Database(opencodeDb(box.home));
    const huge = JSON.stringify({
      type: "tool",
      tool: "bash",
      callID: "c",
      state: {
        status: "completed",
        input: { command: "cat log" },
        output: "x".repeat(2_000_000),
        time: { start: 1795168900000, end: 1795168900100 },
      },
    });
    db.prepare(
      "INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES ('prt_1f867c000001zzHugeOutput01', 'msg_1f86791100012sk3Yrg7LPULxO', ?1, 1795168900000, 1795168900100, ?2)",
    ).run(ID, huge);
    db.close();
    const t = await readOpencodeSession(locator(), { roots: [repo], summary: true });
    expect(t.tools.filter((x) => x.name === "bash").map((x) => x.command)).toEqual([
      "pytest -q tests/test_auth.py",
      "cat log",
    ]);
    expect(JSON.stringify(t).length).toBeLessThan(10_000);
  });
});

describe("hook payloads", () => {
  test("the plugin's payload: session ID, cwd and event; OpenCode's ses_ IDs pass the trace ID check", () => {
    const payload = {
      session_id: ID,
      cwd: "/home/dev/work/shop",
      hook_event_name: "tool.execute.after",
      source_agent: "opencode",
      tool_name: "edit",
    };
    expect(opencode.parseHookPayload(payload, "tool.execute.after")).toEqual({
      agent: "opencode",
      sessionId: ID,
      event: "tool.execute.after",
      cwd: "/home/dev/work/shop",
    });
    expect(opencode.parseHookPayload({ session_id: ID, model: "claude-sonnet-4-5" }, "chat.message")).toEqual({
      agent: "opencode",
      sessionId: ID,
      event: "chat.message",
      model: "claude-sonnet-4-5",
    });
  });

  test("an unsafe or missing session ID, or a relative cwd, gives nothing unsafe", () => {
    for (const bad of [
      {},
      { session_id: "../../x" },
      { session_id: "" },
      { session_id: 42 },
      { session_id: "a".repeat(129) },
      "ses_x",
      null,
      [ID],
    ]) {
      expect(opencode.parseHookPayload(bad, "session.idle")).toBeNull();
    }
    expect(opencode.parseHookPayload({ session_id: ID, cwd: "relative/dir" }, "session.idle")).toEqual({
      agent: "opencode",
      sessionId: ID,
      event: "session.idle",
    });
  });
});

describe("the plugin: hooks install, status, uninstall", () => {
  beforeEach(() => requireBinary());
  const traces = (args: string[], cwd = box.home, extra: Record<string, string> = {}) =>
    run([join(box.bin, "git-traces"), ...args], { env: { ...box.env, ...extra }, cwd });
  const configDir = () => join(box.home, ".config", "opencode");
  const plugin = () => join(configDir(), "plugin", "git-traces.js");

  /** A user's OpenCode config: settings, a plugin of their own, a package.json for plugins. */
  function userConfig(): Record<string, string> {
    const files: Record<string, string> = {
      "opencode.json": `${JSON.stringify({ $schema: "https://opencode.ai/config.json", model: "anthropic/claude-sonnet-4-5", plugin: ["opencode-wakatime"] }, null, 2)}\n`,
      "plugin/notify.js":
        'export const Notify = async ({ $ }) => ({ event: async ({ event }) => { if (event.type === "session.idle") await $`notify-send done` } })\n',
      "package.json": '{ "dependencies": { "shescape": "^2.1.0" } }\n',
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(configDir(), rel, ".."), { recursive: true });
      writeFileSync(join(configDir(), rel), text);
    }
    return files;
  }
  const snapshot = (dir: string): Record<string, string> => {
    const out: Record<string, string> = {};
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else out[join(d, e.name).slice(dir.length + 1)] = readFileSync(join(d, e.name), "utf8");
      }
    };
    if (existsSync(dir)) walk(dir);
    return out;
  };

  test("next to the user's config and plugins; twice changes nothing; status; uninstall leaves exactly what was there", () => {
    const files = userConfig();
    const r = traces(["hooks", "install", "--agent", "opencode"]);
    expect(r.err).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.out).toBe(`OpenCode: added the plugin (OpenCode loads it when it starts) (${plugin()})\n`);
    expect(readFileSync(plugin(), "utf8")).toBe(pluginSource(join(box.bin, "git-traces")));
    expect(snapshot(configDir())).toEqual({
      ...files,
      "plugin/git-traces.js": pluginSource(join(box.bin, "git-traces")),
    });

    const again = traces(["hooks", "install", "--agent", "opencode"]);
    expect(again.out).toBe("OpenCode: hooks already installed\n");
    expect(snapshot(configDir())).toEqual({
      ...files,
      "plugin/git-traces.js": pluginSource(join(box.bin, "git-traces")),
    });

    const status = JSON.parse(traces(["hooks", "status", "--agent", "opencode", "--json"]).out).agents[0];
    expect(status).toMatchObject({
      agent: "opencode",
      file: plugin(),
      exists: true,
      events: ["session.created", "chat.message", "tool.execute.after", "session.idle"],
      missing: [],
    });
    expect(traces(["hooks", "status", "--agent", "opencode"]).out).toContain("OpenCode: installed\n");

    const un = traces(["hooks", "uninstall", "--agent", "opencode"]);
    expect(un.exitCode).toBe(0);
    expect(un.out).toContain("deleted the plugin");
    expect(snapshot(configDir())).toEqual(files);
    expect(traces(["hooks", "status", "--agent", "opencode"]).out).toContain("OpenCode: not installed");
    expect(traces(["hooks", "uninstall", "--agent", "opencode"]).out).toBe("OpenCode: no git-traces hooks to remove\n");
  });

  test("folders install created are removed again; --project uses .opencode/plugin/ in the repository", () => {
    sh("git init -q", { cwd: repo, env: box.realEnv });
    expect(traces(["hooks", "install", "--agent", "opencode", "--project"], repo).exitCode).toBe(0);
    const file = join(repo, ".opencode", "plugin", "git-traces.js");
    expect(readFileSync(file, "utf8")).toBe(pluginSource("git-traces"));
    expect(existsSync(plugin())).toBe(false);
    expect(
      JSON.parse(traces(["hooks", "status", "--agent", "opencode", "--project", "--json"], repo).out).agents[0],
    ).toMatchObject({
      scope: "project",
      file,
      events: ["session.created", "chat.message", "tool.execute.after", "session.idle"],
    });
    expect(traces(["hooks", "uninstall", "--agent", "opencode", "--project"], repo).exitCode).toBe(0);
    expect(existsSync(join(repo, ".opencode"))).toBe(false);
    // User scope, with no OpenCode config yet: ~/.config/opencode/plugin/ made and removed.
    expect(traces(["hooks", "install", "--agent", "opencode"]).exitCode).toBe(0);
    expect(existsSync(plugin())).toBe(true);
    expect(traces(["hooks", "uninstall", "--agent", "opencode"]).exitCode).toBe(0);
    expect(existsSync(configDir())).toBe(false);
    expect(existsSync(join(box.home, ".config"))).toBe(false);
  });

  test("XDG_CONFIG_HOME moves the user's plugin folder", () => {
    const xdg = join(box.dir, "xdg-config");
    expect(traces(["hooks", "install", "--agent", "opencode"], box.home, { XDG_CONFIG_HOME: xdg }).exitCode).toBe(0);
    expect(existsSync(join(xdg, "opencode", "plugin", "git-traces.js"))).toBe(true);
    expect(existsSync(plugin())).toBe(false);
  });

  test("a file of someone else's in the way is refused and survives; a plugin edited by the user is left in place", () => {
    mkdirSync(join(configDir(), "plugin"), { recursive: true });
    const theirs = "// my own wrapper around git-traces hook opencode\nexport const Mine = async () => ({})\n";
    writeFileSync(plugin(), theirs);
    const r = traces(["hooks", "install", "--agent", "opencode"]);
    expect(r.exitCode).toBe(1);
    expect(r.err).toBe(
      `git-traces: ${plugin()}: a plugin that git-traces did not write is in the way; fix or move the file, then try again\n`,
    );
    expect(traces(["hooks", "uninstall", "--agent", "opencode"]).exitCode).toBe(0);
    expect(readFileSync(plugin(), "utf8")).toBe(theirs);
    expect(JSON.parse(traces(["hooks", "status", "--agent", "opencode", "--json"]).out).agents[0]).toMatchObject({
      events: [],
      exists: true,
    });

    rmSync(plugin());
    expect(traces(["hooks", "install", "--agent", "opencode"]).exitCode).toBe(0);
    const edited = readFileSync(plugin(), "utf8").replace("10_000", "30_000");
    writeFileSync(plugin(), edited);
    expect(traces(["hooks", "status", "--agent", "opencode"]).out).toContain(
      "differs from what this git-traces writes",
    );
    const un = traces(["hooks", "uninstall", "--agent", "opencode"]);
    expect(un.out).toContain("left the plugin in place");
    expect(readFileSync(plugin(), "utf8")).toBe(edited);
    // Installing again puts the current plugin back.
    expect(traces(["hooks", "install", "--agent", "opencode"]).out).toContain("updated the plugin");
    expect(readFileSync(plugin(), "utf8")).toBe(pluginSource(join(box.bin, "git-traces")));
  });

  test("found without --agent when OpenCode's config or data folder exists", () => {
    mkdirSync(opencodeData(box.home), { recursive: true });
    const r = traces(["hooks", "install"]);
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain("OpenCode: added the plugin");
  });

  test("the plugin, run as OpenCode runs it (Bun), records the session in the worktree it works in", () => {
    sh("git init -q", { cwd: repo, env: box.realEnv });
    expect(traces(["hooks", "install", "--agent", "opencode"]).exitCode).toBe(0);
    // What OpenCode does: import the file, call each export with its context, call the hooks.
    const driver = `
      const mod = await import(${JSON.stringify(plugin())});
      const hooks = await mod.GitTraces({ directory: ${JSON.stringify(repo)}, worktree: ${JSON.stringify(repo)} });
      await hooks.event({ event: { type: "session.created", properties: { info: { id: ${JSON.stringify(ID)}, directory: ${JSON.stringify(repo)} } } } });
      await hooks["chat.message"]({ sessionID: ${JSON.stringify(ID)}, agent: "build", model: { providerID: "anthropic", modelID: "claude-sonnet-4-5" } }, { message: {}, parts: [] });
      await hooks["tool.execute.after"]({ tool: "read", sessionID: "ses_readonlysessionnotrecorded", callID: "c1" }, { title: "", output: "", metadata: {} });
      await hooks["tool.execute.after"]({ tool: "edit", sessionID: ${JSON.stringify(ID)}, callID: "c2" }, { title: "", output: "", metadata: {} });
      await hooks.event({ event: { type: "message.updated", properties: {} } });
      await hooks.event({ event: { type: "session.idle", properties: { sessionID: ${JSON.stringify(ID)} } } });
      await hooks["chat.message"]({ sessionID: "../../evil" }, {});
      console.log(Object.keys(mod).join(","));
    `;
    const r = run([process.execPath, "-e", driver], { cwd: box.home, env: box.env });
    expect(r.err).toBe("");
    expect(r.out).toBe("GitTraces\n"); // one export, a function: what every OpenCode release loads
    const active = JSON.parse(readFileSync(join(repo, ".git", "traces", "active.json"), "utf8"));
    expect(active.sessions).toHaveLength(1);
    expect(active.sessions[0]).toMatchObject({
      agent: "opencode",
      id: ID,
      cwd: repo,
      model: "claude-sonnet-4-5",
      lastEvent: "session.idle",
    });
    // Without git-traces on PATH the plugin stays silent and OpenCode goes on.
    const silent = run([process.execPath, "-e", driver], { cwd: box.home, env: { ...box.env, PATH: "/usr/bin:/bin" } });
    expect(silent.exitCode).toBe(0);
    expect(silent.err).toBe("");
  });
});

test("the fixture's own paths are rewritten: nothing of /home/dev is left in the database", () => {
  installAgentFixtures(["opencode"], box.home, repo, { opencode: "both" });
  const db = new Database(opencodeDb(box.home), { readonly: true });
  const rows = db.prepare("SELECT data FROM part UNION ALL SELECT directory FROM session").all() as { data: string }[];
  db.close();
  expect(rows.some((r) => r.data.includes(FIXTURE_REPO))).toBe(false);
});
