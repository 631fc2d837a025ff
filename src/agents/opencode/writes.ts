// What OpenCode's edit tools wrote, from their inputs: `write {filePath, content}`, `edit
// {filePath, oldString, newString, replaceAll}`, `multiedit {filePath, edits: [...]}` (in
// order) and `patch`/`apply_patch {patchText}` (the apply_patch envelope Codex uses). A call
// whose state is `error` wrote nothing; a payload with a missing field yields nothing, and
// the file falls back to file-level attribution.

import type { FileWrite } from "../../traces/model.ts";
import { patchWrites } from "../codex/patch.ts";
import { isObj, type Obj, str } from "../shared/json.ts";

function replaceOf(path: string, at: string | undefined, e: Obj): FileWrite | null {
  const { oldString: old, newString: now } = e;
  if (typeof old !== "string" || typeof now !== "string") return null;
  return { path, ...(at ? { at } : {}), op: "replace", old, new: now, ...(e.replaceAll === true ? { all: true } : {}) };
}

export function opencodeWrites(
  name: string,
  input: Obj,
  path: string | undefined,
  at: string | undefined,
  resolve: (p: string) => string,
): FileWrite[] {
  if (name === "patch" || name === "apply_patch")
    return patchWrites(str(input.patchText) ?? str(input.patch) ?? "", at, resolve);
  if (!path) return [];
  if (name === "write")
    return typeof input.content === "string"
      ? [{ path, ...(at ? { at } : {}), op: "write", content: input.content }]
      : [];
  if (name === "edit") {
    const w = replaceOf(path, at, input);
    return w ? [w] : [];
  }
  if (name === "multiedit" && Array.isArray(input.edits)) {
    const out = input.edits.filter(isObj).map((e) => replaceOf(path, at, e));
    return out.every((w) => w !== null) ? (out as FileWrite[]) : [];
  }
  return [];
}
