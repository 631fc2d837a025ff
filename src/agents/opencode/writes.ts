// What OpenCode's edit tools wrote, from their inputs: `write {filePath, content}`, `edit
// {filePath, oldString, newString, replaceAll}`, `multiedit {filePath, edits: [...]}` (in
// order) and `patch`/`apply_patch {patchText}` (the apply_patch envelope Codex uses). A call
// whose state is `error` wrote nothing; a payload with a missing field yields nothing, and
// the file falls back to file-level attribution.

import type { FileWrite } from "../../traces/model.ts";
import { patchWrites } from "../codex/patch.ts";
import { type ReplaceFields, replaceWrite, replaceWrites } from "../shared/edits.ts";
import { type Obj, str } from "../shared/json.ts";

const FIELDS: ReplaceFields = { old: "oldString", new: "newString", all: "replaceAll" };

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
    const w = replaceWrite(path, at, input, FIELDS);
    return w ? [w] : [];
  }
  if (name === "multiedit") return replaceWrites(path, at, input.edits, FIELDS);
  return [];
}
