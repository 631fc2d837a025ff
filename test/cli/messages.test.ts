// The commands' human messages (src/cli/messages.ts, consola): always on stderr, plain in a
// pipe, an icon and colour only where stderr may have colour, and never dropped because
// `bun test` (or anything else) set NODE_ENV=test.

import { expect, test } from "bun:test";
import { bufferIO } from "../../src/cli/io.ts";
import { messages } from "../../src/cli/messages.ts";

test("in a pipe: bare sentences, git's prefixes for warnings and errors, nothing on stdout", () => {
  expect(process.env.NODE_ENV).toBe("test"); // what made consola's defaults drop info
  const io = bufferIO();
  const say = messages(io);
  say.info("Stored in refs/traces/content.");
  say.success("No problems found.");
  say.fail("2 problems found:");
  say.log("  - one\n    fix: two");
  say.warn("cannot read refs/notes/remotes/origin/traces");
  say.error("no agent found on this machine");
  say.debug("not shown");
  expect(io.stdout).toBe("");
  expect(io.stderr).toBe(
    [
      "Stored in refs/traces/content.",
      "No problems found.",
      "2 problems found:",
      "  - one",
      "    fix: two",
      "git-traces: warning: cannot read refs/notes/remotes/origin/traces",
      "git-traces: no agent found on this machine",
      "",
    ].join("\n"),
  );
});

test("where stderr has colour: an icon and a colour per kind", () => {
  const io = bufferIO({ errColor: true, color: false });
  const say = messages(io);
  say.success("done");
  say.info("note");
  say.fail("broken");
  say.warn("careful");
  expect(io.stderr).toBe(
    "\u001b[32m✔\u001b[0m done\n\u001b[36mℹ\u001b[0m note\n\u001b[31m✖\u001b[0m broken\ngit-traces: \u001b[33mwarning:\u001b[0m careful\n",
  );
});

test("every message is said, the same one many times too; control characters are shown, not obeyed", () => {
  const io = bufferIO();
  const say = messages(io);
  for (let i = 0; i < 8; i++) say.success("Claude Code: removed the Stop hook (/h/.claude/settings.json)");
  say.info("remote \u001b]8;;http://x\u0007name\u009b2J");
  const lines = io.stderr.split("\n");
  expect(lines.filter((l) => l.startsWith("Claude Code:")).length).toBe(8);
  expect(lines[8]).toBe("remote ^[]8;;http://x^GnameM-^[2J");
});
