// What Claude Code's edit tools wrote, from their inputs: `Write` (the whole file),
// `Edit` (old and new string, `replace_all`) and `MultiEdit` (a list of such edits, applied
// in order). Fields: ../shared/fixtures/claude-code/README.md. A payload with a missing or
// mistyped field yields nothing, and the file falls back to file-level attribution.

import type { FileWrite } from "../../traces/model.ts";
import { replaceWrite, replaceWrites, SNAKE_CASE_EDIT } from "../shared/edits.ts";
import type { Obj } from "../shared/json.ts";

const FIELDS = { ...SNAKE_CASE_EDIT, nonEmptyOld: true };

/** The writes of one tool call on `path` (already repo-relative); [] for other tools. */
export function claudeWrites(name: string, input: Obj, path: string | undefined, at: string | undefined): FileWrite[] {
  if (!path) return [];
  if (name === "Write") {
    const content = typeof input.content === "string" ? input.content : undefined;
    return content === undefined ? [] : [{ path, ...(at ? { at } : {}), op: "write", content }];
  }
  if (name === "Edit") {
    const w = replaceWrite(path, at, input, FIELDS);
    return w ? [w] : [];
  }
  if (name === "MultiEdit") return replaceWrites(path, at, input.edits, FIELDS);
  return [];
}
