import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { identifyAgent } from "../../src/agents/identify.ts";

const PAYLOADS = join(import.meta.dir, "..", "fixtures", "agents", "hook-payloads");

test("every fixture payload names the agent that sent it", () => {
  for (const agent of readdirSync(PAYLOADS, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(PAYLOADS, agent.name))) {
      const payload = JSON.parse(readFileSync(join(PAYLOADS, agent.name, file), "utf8"));
      expect(`${agent.name}/${file}: ${identifyAgent(payload)}`).toBe(`${agent.name}/${file}: ${agent.name}`);
    }
  }
});

test("transcript places and event names of the other agents", () => {
  expect(identifyAgent({ session_id: "x", transcript_path: "/h/.copilot/session-state/abc/events.jsonl" })).toBe(
    "copilot-cli",
  );
  expect(
    identifyAgent({
      session_id: "x",
      transcript_path: "/h/custom-codex/sessions/2026/01/02/rollout-2026-01-02T10-00-00-x.jsonl",
    }),
  ).toBe("codex");
  expect(identifyAgent({ session_id: "x", hook_event_name: "AfterTool" })).toBe("gemini-cli");
  expect(identifyAgent({ session_id: "x", source_agent: "opencode" })).toBe("opencode");
  expect(identifyAgent({ sessionId: "x", cwd: "/w" })).toBe("copilot-cli");
});

test("no strong evidence: no verdict, and the hook's own agent stands", () => {
  for (const p of [
    null,
    1,
    "x",
    [],
    {},
    { session_id: "x", hook_event_name: "PostToolUse" },
    { transcript_path: "/tmp/whatever.jsonl" },
    { transcript_path: 5 },
  ]) {
    expect(identifyAgent(p)).toBeNull();
  }
});
