// What Cursor's edit tools wrote, from their inputs: `Write {path, contents}` (also `write`,
// `content`), `StrReplace`/`Edit`/`search_replace {path, old_string, new_string,
// replace_all}`, `MultiEdit`/`MultiStrReplace {path, edits: [...]}` (in order) and
// `Delete`/`DeleteFile`/`delete_file`. The older `edit_file` sends a sketch with
// "existing code" markers, not text to apply: it yields nothing, as does a payload with a
// missing field, and the file falls back to file-level attribution.

import type { FileWrite } from "../../traces/model.ts";
import { isObj, type Obj } from "../shared/json.ts";

const REPLACE = new Set(["StrReplace", "Edit", "search_replace"]);
const MULTI = new Set(["MultiEdit", "MultiStrReplace"]);
const DELETE = new Set(["Delete", "DeleteFile", "delete_file"]);

function replaceOf(path: string, at: string | undefined, e: Obj): FileWrite | null {
  const { old_string: old, new_string: now } = e;
  if (typeof old !== "string" || typeof now !== "string") return null;
  return {
    path,
    ...(at ? { at } : {}),
    op: "replace",
    old,
    new: now,
    ...(e.replace_all === true ? { all: true } : {}),
  };
}

export function cursorWrites(name: string, input: Obj, path: string | undefined, at: string | undefined): FileWrite[] {
  if (!path) return [];
  const when = at ? { at } : {};
  if (name === "Write" || name === "write") {
    const content = typeof input.contents === "string" ? input.contents : input.content;
    return typeof content === "string" ? [{ path, ...when, op: "write", content }] : [];
  }
  if (DELETE.has(name)) return [{ path, ...when, op: "delete" }];
  if (REPLACE.has(name)) {
    const w = replaceOf(path, at, input);
    return w ? [w] : [];
  }
  if (MULTI.has(name) && Array.isArray(input.edits)) {
    const out = input.edits.filter(isObj).map((e) => replaceOf(path, at, e));
    return out.every((w) => w !== null) ? (out as FileWrite[]) : [];
  }
  return [];
}
