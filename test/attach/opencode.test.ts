// OpenCode sessions on commits, end to end: real git through the compiled shim, the
// fixture's session in a sandbox HOME (opencode.db built from opencode-db.sql, or the older
// JSON tree), found in the datastore or reported by the plugin; then `git traces log`,
// `list`, `show`, `summary`, `blame` and `export` on the commit.

import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installAgentFixtures, opencodeDb, opencodeSql, SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, run, sh, type Sandbox } from "../helpers/sandbox.ts";
import { agentEdits, at, makeShop, type Shop } from "../helpers/shop.ts";

const ID = SESSIONS.opencode;

let box: Sandbox;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("attach-opencode");
});
afterEach(() => box?.cleanup());

function metaOf(shop: Shop, rev = "HEAD"): Record<string, unknown>[] {
  return shop
    .note(rev)
    .split("\n")
    .filter((l) => l.startsWith("traces-meta:"))
    .map((l) => JSON.parse(l.slice(l.indexOf(" ") + 1)));
}

const EXPECTED_META = {
  v: 1,
  agent: "opencode",
  agentVersion: "1.0.150",
  model: "claude-sonnet-4-5",
  title: "Add login with rate limiting to src/auth.py and a test",
  files: ["src/auth.py", "tests/test_auth.py"],
  // The shop's test file holds none of the lines the session's write made (line-level).
  lines: { "tests/test_auth.py": "" },
  start: "2026-11-20T10:00:03.871Z",
  end: "2026-11-20T10:06:53.277Z",
  tools: { read: 1, webfetch: 1, edit: 2, write: 1, bash: 1 },
  tokens: { input: 42, output: 2797, cacheRead: 131581, cacheWrite: 11868, reasoning: 0 },
};

/** The same, as `git traces log --json` gives a trace: `model` is `models`. */
const { v: _v, model: _model, agentVersion: _version, ...REST } = EXPECTED_META;
const EXPECTED_META_JSON = { ...REST, lines: { "tests/test_auth.py": [] }, models: ["claude-sonnet-4-5"] };

/**
 * The fixture's session again under another ID, in `repo`, as SQL to run on an existing
 * opencode.db (its messages and parts renamed so that they do not collide).
 */
function anotherSessionSql(repo: string, id: string): string {
  return opencodeSql(box.home, repo)
    .replaceAll(ID, id)
    .replaceAll("'msg_1f86", "'msg_2f86")
    .replaceAll('"msg_1f86', '"msg_2f86')
    .replaceAll("'prt_1f86", "'prt_2f86")
    .replace("INSERT INTO project", "INSERT OR IGNORE INTO project")
    .replace(/^(PRAGMA|BEGIN|COMMIT).*$/gm, "");
}

describe("without hooks: the session found in OpenCode's datastore", () => {
  test("from opencode.db: lands on the commit of the files it edited, with its meta", () => {
    const shop = makeShop(box, ["opencode"]);
    shop.git(["add", "-A"]);
    const r = shop.git(["commit", "-q", "-m", "Add login"]);
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    expect(shop.traces()).toEqual([ID]);
    expect(metaOf(shop)).toEqual([EXPECTED_META]);
  });

  test("from the JSON tree of older OpenCode releases", () => {
    const shop = makeShop(box, ["opencode"], { opencode: "json" });
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
    expect(shop.traces()).toEqual([ID]);
    expect(metaOf(shop)).toEqual([EXPECTED_META]);
  });

  test("while OpenCode holds the database open in WAL mode and is writing: the commit neither waits nor fails", () => {
    const shop = makeShop(box, ["opencode"]);
    const writer = new Database(opencodeDb(box.home));
    writer.exec("PRAGMA journal_mode = WAL");
    writer.exec("PRAGMA busy_timeout = 0");
    try {
      writer.exec("BEGIN IMMEDIATE");
      writer
        .prepare(
          "UPDATE session SET title = 'renamed, not committed yet', time_updated = time_updated + 5 WHERE id = ?1",
        )
        .run(ID);
      shop.git(["add", "-A"]);
      const started = performance.now();
      const r = shop.git(["commit", "-q", "-m", "Add login"], { env: { GIT_TRACES_SYNC: "1" } });
      expect(performance.now() - started).toBeLessThan(5000);
      expect(r.exitCode).toBe(0);
      expect(r.err).toBe("");
      expect(shop.traces()).toEqual([ID]);
      expect(metaOf(shop)[0]).toMatchObject({ end: "2026-11-20T10:06:53.277Z" }); // the committed state
      writer.exec("COMMIT"); // the writer was never blocked
    } finally {
      writer.close();
    }
  });

  test("a session that ran in another repository is never attached", () => {
    const shop = makeShop(box, [], { edits: false });
    const other = join(box.home, "work", "other");
    installAgentFixtures(["opencode"], box.home, other);
    // The shop gets the same files the OpenCode session (in ~/work/other) edited.
    agentEdits(shop.repo);
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "Same file names"]).exitCode).toBe(0);
    expect(shop.note()).toBe("");
  });

  test("a commit that found nobody leaves the next one quiet: reading opencode.db changes none of the watched files", () => {
    const shop = makeShop(box, [], { edits: false });
    installAgentFixtures(["opencode"], box.home, join(box.home, "work", "other"));
    const quietFile = join(shop.repo, ".git", "traces", "quiet.json");
    writeFileSync(join(shop.repo, "README.md"), "# shop\n\nOne.\n");
    expect(shop.git(["commit", "-q", "-am", "One"]).exitCode).toBe(0);
    const recorded = readFileSync(quietFile, "utf8");
    const stamp = Bun.file(quietFile).lastModified;
    Bun.sleepSync(20);
    writeFileSync(join(shop.repo, "README.md"), "# shop\n\nTwo.\n");
    expect(shop.git(["commit", "-q", "-am", "Two"]).exitCode).toBe(0);
    // No worker ran (it would have written quiet.json again): nothing had moved.
    expect(Bun.file(quietFile).lastModified).toBe(stamp);
    expect(readFileSync(quietFile, "utf8")).toBe(recorded);
  });

  test("after a commit that found nobody, a session OpenCode writes into its open database is seen by the next", () => {
    // opencode.db holds a session of another repository; the shop's first commit finds nobody.
    const shop = makeShop(box, [], { edits: false });
    installAgentFixtures(["opencode"], box.home, join(box.home, "work", "other"));
    writeFileSync(join(shop.repo, "README.md"), "# shop\n\nBy hand.\n");
    expect(shop.git(["commit", "-q", "-am", "Docs"], { env: at(box.env, "2026-11-20T09:30:00Z") }).exitCode).toBe(0);
    expect(shop.note()).toBe("");
    const quiet = JSON.parse(readFileSync(join(shop.repo, ".git", "traces", "quiet.json"), "utf8"));
    expect(Object.keys(quiet.dirs)).toEqual(
      expect.arrayContaining([opencodeDb(box.home), `${opencodeDb(box.home)}-wal`]),
    );
    // OpenCode, still running, writes a session in the shop: only its -wal file changes.
    const NEW = "ses_0e0799e3e0ffNewInTheShop1";
    const writer = new Database(opencodeDb(box.home));
    writer.exec("PRAGMA journal_mode = WAL");
    const dbBefore = readFileSync(opencodeDb(box.home));
    try {
      writer.transaction(() => writer.exec(anotherSessionSql(shop.repo, NEW)))();
      expect(readFileSync(opencodeDb(box.home)).equals(dbBefore)).toBe(true);
      agentEdits(shop.repo);
      shop.git(["add", "-A"]);
      expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
      expect(shop.traces()).toEqual([NEW]);
    } finally {
      writer.close();
    }
  });

  test("damaged rows, a hostile ID and escapes in a prompt: no crash, no stack trace, nothing unsafe in the note", () => {
    const shop = makeShop(box, ["opencode"]);
    const db = new Database(opencodeDb(box.home));
    db.exec(
      anotherSessionSql(shop.repo, "ses_hostile00000000000000001").replaceAll(
        "ses_hostile00000000000000001",
        "../../../tmp/evil",
      ),
    );
    db.prepare("UPDATE part SET data = '{\"type\":\"tool\",' WHERE id = 'prt_1f86620f9001zsoJa7z5BfIpyX'").run();
    db.prepare(
      "INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES ('prt_1f86620f9002zzEscapes0001', 'msg_1f86620f8001cpV6E1MN228bGa', ?1, 1795168805113, 1795168805113, ?2)",
    ).run(ID, JSON.stringify({ type: "text", text: "\u001b[2J\u001b]0;owned\u0007Add login\u202e" }));
    db.close();
    shop.git(["add", "-A"]);
    const r = shop.git(["commit", "-q", "-m", "Add login"]);
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    expect(shop.traces()).toEqual([ID]);
    expect(shop.note()).not.toContain("evil");
    expect(shop.note()).not.toContain("\u001b");
    expect(metaOf(shop)[0]!.title).toBe("\u001b[2J\u001b]0;owned\u0007Add login\u202e");
  });
});

describe("with hooks: the session the plugin reported", () => {
  /** Runs the installed plugin as OpenCode would: an edit, then the session going idle. */
  function runPlugin(repo: string): void {
    const plugin = join(box.home, ".config", "opencode", "plugin", "git-traces.js");
    const driver = `
      const hooks = await (await import(${JSON.stringify(plugin)})).GitTraces({ directory: ${JSON.stringify(repo)} });
      await hooks["tool.execute.after"]({ tool: "edit", sessionID: ${JSON.stringify(ID)}, callID: "c" }, { title: "", output: "", metadata: {} });
      await hooks.event({ event: { type: "session.idle", properties: { sessionID: ${JSON.stringify(ID)} } } });
    `;
    const r = run([process.execPath, "-e", driver], { cwd: repo, env: box.env });
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
  }

  test("the hook record leads detection to the session, even one the datastore scan would not look at", () => {
    const shop = makeShop(box, ["opencode"]);
    // A session row whose update time says it was idle for months: the scan skips it.
    const db = new Database(opencodeDb(box.home));
    db.prepare("UPDATE session SET time_updated = 1780000000000 WHERE id = ?1").run(ID);
    db.close();
    shop.git(["add", "-A"]);
    shop.git(["commit", "-q", "-m", "Without hooks"]);
    expect(shop.note()).toBe("");
    sh("git reset -q --soft HEAD~1", { cwd: shop.repo, env: box.realEnv });

    expect(
      run([join(box.bin, "git-traces"), "hooks", "install", "--agent", "opencode"], { cwd: box.home, env: box.env })
        .exitCode,
    ).toBe(0);
    runPlugin(shop.repo);
    const active = JSON.parse(readFileSync(join(shop.repo, ".git", "traces", "active.json"), "utf8"));
    expect(active.sessions).toMatchObject([{ agent: "opencode", id: ID, cwd: shop.repo, lastEvent: "session.idle" }]);
    const r = shop.git(["commit", "-q", "-m", "With hooks"]);
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    expect(shop.traces()).toEqual([ID]);
    expect(metaOf(shop)[0]).toMatchObject({ agent: "opencode", files: ["src/auth.py", "tests/test_auth.py"] });
  });

  test("the plugin's payload says OpenCode, whichever agent's hook command it reaches", () => {
    const shop = makeShop(box, [], { edits: false });
    const payload = JSON.stringify({
      session_id: ID,
      cwd: shop.repo,
      hook_event_name: "session.idle",
      source_agent: "opencode",
    });
    const r = run([join(box.bin, "git-traces"), "hook", "claude-code", "Stop"], {
      cwd: shop.repo,
      env: box.env,
      input: payload,
    });
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("");
    const active = JSON.parse(readFileSync(join(shop.repo, ".git", "traces", "active.json"), "utf8"));
    expect(active.sessions).toMatchObject([{ agent: "opencode", id: ID, lastEvent: "session.idle" }]);
  });

  test("a hook payload with an unsafe session ID is ignored and the hook still exits 0", () => {
    const shop = makeShop(box, [], { edits: false });
    const r = run([join(box.bin, "git-traces"), "hook", "opencode", "chat.message"], {
      cwd: shop.repo,
      env: box.env,
      input: JSON.stringify({ session_id: "../../etc/passwd", cwd: shop.repo, hook_event_name: "chat.message" }),
    });
    expect(r.exitCode).toBe(0);
    expect(r.err).toBe("git-traces hook: OpenCode sent a payload without a usable session ID; ignored\n");
    expect(run(["/usr/bin/find", shop.repo, "-name", "active.json"]).out).toBe("");
  });
});

describe("the commit's OpenCode session in log, list, show, summary, blame and export", () => {
  test("log: the commit with its trace; list: the session of this repository and its commit", () => {
    const shop = makeShop(box, ["opencode"]);
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
    const head = run(["/usr/bin/git", "rev-parse", "HEAD"], { cwd: shop.repo, env: box.realEnv }).out.trim();

    const log = shop.git(["traces", "log", "-1"]);
    expect(log.err).toBe("");
    expect(log.out).toContain(
      "    Add login\n\nTraces:\n    ses_e0799e3e opencode claude-sonnet-4-5 Add login with rate limiting to src/auth.py and a test\n",
    );
    const logJson = JSON.parse(shop.git(["traces", "log", "-1", "--json"]).out);
    expect(logJson[0].traces).toEqual([{ ...EXPECTED_META_JSON, id: ID, source: "git-traces" }]);

    const list = shop.git(["traces", "list"]);
    expect(list.err).toBe("");
    // The view, as on a terminal (its time is relative: masked).
    expect(list.out.replace(/\b(\d+ \w+ ago|just now)\b/, "<time>")).toBe(
      `${ID.slice(0, 12)} opencode claude-sonnet-4-5 Add login with rate limiting to src/auth.py and a test\n` +
        `    <time>\n    ${head.slice(0, 7)} Add login\n`,
    );
    const listJson = JSON.parse(shop.git(["traces", "list", "--json"]).out);
    expect(listJson.sessions).toMatchObject([
      { id: ID, agent: "opencode", models: ["claude-sonnet-4-5"], cwd: shop.repo, commits: [{ oid: head }] },
    ]);
  });

  test("show: the whole session read back from opencode.db; summary: the agent, model and trace", () => {
    const shop = makeShop(box, ["opencode"]);
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
    const show = shop.git(["traces", "show", "HEAD"]);
    expect(show.err).toBe("");
    expect(show.exitCode).toBe(0);
    const out = show.out;
    expect(
      out.startsWith(
        `trace ${ID}\nAgent:      opencode 1.0.150\nModels:     claude-sonnet-4-5\nTitle:      Add login with rate limiting to src/auth.py and a test\n`,
      ),
    ).toBe(true);
    expect(out).toContain("Started:    2026-11-20 10:00:03 UTC\nEnded:      2026-11-20 10:06:53 UTC (6m 49s)\n");
    expect(out).toContain(`Directory:  ${shop.repo}\n`);
    expect(out).toContain(`Transcript: ${opencodeDb(box.home)}\n`);
    expect(out).toContain("user 10:06:30\n    The SQL looks injectable\n");
    expect(out).toContain(
      "    · read   src/auth.py\n    · fetch  https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks\n",
    );
    expect(out).toContain("    · run    pytest -q tests/test_auth.py\n");
    expect(out).toContain("Files touched:\n    src/auth.py         read, edited\n    tests/test_auth.py  edited\n");
    expect(out).toContain("Tool calls: 6 (1 read, 3 edit, 1 shell, 1 web fetch)\n");
    expect(out).toContain("Tokens:     42 input, 2,797 output, 131,581 cache read, 11,868 cache write\n");
    expect(out).not.toContain("wJalrXUtnFEMI");
    // By ID and by a unique prefix, the same.
    expect(shop.git(["traces", "show", ID]).out).toBe(out);
    expect(shop.git(["traces", "show", "ses_e079"]).out).toBe(out);

    const summary = shop.git(["traces", "summary", "HEAD"]);
    expect(summary.err).toBe("");
    expect(summary.out).toContain("Agents:\n    opencode  1 commit  1 trace\n");
    expect(summary.out).toContain("Models:\n    claude-sonnet-4-5  opencode  1 commit  1 trace\n");
    expect(summary.out).toContain(
      `    ${ID}  opencode  claude-sonnet-4-5  Add login with rate limiting to src/auth.py and a test\n`,
    );
  });

  test("blame gives the session's lines to it; export names it with its model and where its transcript is", () => {
    const shop = makeShop(box, ["opencode"]);
    shop.git(["add", "-A"]);
    expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);

    const blame = shop.git(["traces", "blame", "--json", "src/auth.py"]);
    expect(blame.err).toBe("");
    expect(blame.exitCode).toBe(0);
    const lines = blame.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((o) => o.type === "line");
    // Line 1 is the human's first commit; the session wrote the rest.
    expect(lines[0].attribution).toBe("human");
    for (const l of lines.slice(1))
      expect(l.traces).toMatchObject([
        {
          id: ID,
          agent: "opencode",
          model: "claude-sonnet-4-5",
          title: "Add login with rate limiting to src/auth.py and a test",
        },
      ]);
    const text = shop.git(["traces", "blame", "src/auth.py"]).out;
    expect(text).toContain("opencode");

    const exp = shop.git(["traces", "export", "HEAD"]);
    expect(exp.err).toBe("");
    expect(exp.exitCode).toBe(0);
    const record = JSON.parse(exp.out);
    const files = Object.fromEntries(
      record.files.map((f: { path: string; conversations: unknown[] }) => [f.path, f.conversations]),
    );
    expect(Object.keys(files).sort()).toEqual(["src/auth.py", "tests/test_auth.py"]);
    const convs = files["src/auth.py"] as { contributor: { type: string; model_id?: string }; url?: string }[];
    expect(convs).toHaveLength(1);
    expect(convs[0]!.contributor).toEqual({ type: "ai", model_id: "anthropic/claude-sonnet-4-5" });
    expect(convs[0]!.url).toBe(Bun.pathToFileURL(opencodeDb(box.home)).href);
    // The shop's test file is not what the session wrote: the person's.
    expect((files["tests/test_auth.py"] as { contributor: unknown }[]).map((c) => c.contributor)).toEqual([
      { type: "human" },
    ]);
    expect(record.metadata["dev.git-traces"].traces).toMatchObject([
      { id: ID, agent: "opencode", models: ["claude-sonnet-4-5"], files: ["src/auth.py", "tests/test_auth.py"] },
    ]);
  });
});

test("a repository whose path holds characters SQLite's LIKE would treat specially is matched exactly", () => {
  const odd = join(box.home, "work", "sh%p_1");
  mkdirSync(odd, { recursive: true });
  const shop = makeShop(box, ["opencode"], { path: odd });
  // A sibling the pattern sh%p_1 would match, with the same files, gets nothing.
  const sibling = join(box.home, "work", "shXXp_1");
  for (const d of ["src", "tests"]) mkdirSync(join(sibling, d), { recursive: true });
  sh("git init -q && git commit -q --allow-empty -m init", {
    cwd: sibling,
    env: at(box.realEnv, "2026-11-20T09:00:00Z"),
  });
  agentEdits(sibling);
  shop.git(["add", "-A"], { cwd: sibling });
  shop.git(["commit", "-q", "-m", "Sibling"], { cwd: sibling });
  expect(shop.note("HEAD", sibling)).toBe("");
  shop.git(["add", "-A"]);
  shop.git(["commit", "-q", "-m", "Add login"]);
  expect(shop.traces()).toEqual([ID]);
});
