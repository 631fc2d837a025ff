// The edit payloads three agents share in shape: one string replacement (Claude Code and
// Cursor: `old_string`, `new_string`, `replace_all`; OpenCode: `oldString`, `newString`,
// `replaceAll`) and a list of them applied in order, where one bad edit spoils the rest
// (none is kept). A missing or mistyped field yields nothing: the file falls back to
// file-level attribution.

import type { FileWrite } from "../../traces/model.ts";
import { isObj, type Obj } from "./json.ts";

export interface ReplaceFields {
  old: string;
  new: string;
  all: string;
  /** An empty old string counts as missing (Claude Code's Edit never sends one). */
  nonEmptyOld?: boolean;
}

export const SNAKE_CASE_EDIT: ReplaceFields = { old: "old_string", new: "new_string", all: "replace_all" };

/** One replacement on `path`; null when a field is missing. */
export function replaceWrite(path: string, at: string | undefined, e: Obj, f: ReplaceFields): FileWrite | null {
  const old = e[f.old];
  const now = e[f.new];
  if (typeof old !== "string" || typeof now !== "string" || (f.nonEmptyOld && old === "")) return null;
  return { path, ...(at ? { at } : {}), op: "replace", old, new: now, ...(e[f.all] === true ? { all: true } : {}) };
}

/** A list of replacements, in order: all of them, or none when one is bad (or `edits` is no list). */
export function replaceWrites(path: string, at: string | undefined, edits: unknown, f: ReplaceFields): FileWrite[] {
  if (!Array.isArray(edits)) return [];
  const out = edits.filter(isObj).map((e) => replaceWrite(path, at, e, f));
  return out.every((w) => w !== null) ? (out as FileWrite[]) : [];
}
