// What Claude Code's edit tools wrote, from their inputs: `Write` (the whole file),
// `Edit` (old and new string, `replace_all`) and `MultiEdit` (a list of such edits, applied
// in order). Fields: ../shared/fixtures/claude-code/README.md. A payload with a missing or
// mistyped field yields nothing, and the file falls back to file-level attribution.

import type { FileWrite } from "../../traces/model.ts";
import { isObj, type Obj, str } from "../shared/json.ts";

function replaceOf(path: string, at: string | undefined, e: Obj): FileWrite | null {
  const old = str(e.old_string);
  const now = typeof e.new_string === "string" ? e.new_string : undefined;
  if (old === undefined || now === undefined) return null;
  return {
    path,
    ...(at ? { at } : {}),
    op: "replace",
    old,
    new: now,
    ...(e.replace_all === true ? { all: true } : {}),
  };
}

/** The writes of one tool call on `path` (already repo-relative); [] for other tools. */
export function claudeWrites(name: string, input: Obj, path: string | undefined, at: string | undefined): FileWrite[] {
  if (!path) return [];
  if (name === "Write") {
    const content = typeof input.content === "string" ? input.content : undefined;
    return content === undefined ? [] : [{ path, ...(at ? { at } : {}), op: "write", content }];
  }
  if (name === "Edit") {
    const w = replaceOf(path, at, input);
    return w ? [w] : [];
  }
  if (name === "MultiEdit" && Array.isArray(input.edits)) {
    const out = input.edits.filter(isObj).map((e) => replaceOf(path, at, e));
    // One bad edit spoils the rest (they apply in order): none is kept.
    return out.every((w) => w !== null) ? (out as FileWrite[]) : [];
  }
  return [];
}
