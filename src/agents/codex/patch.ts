// What a Codex `apply_patch` envelope wrote, as FileWrites: `*** Add File` (the `+` lines are
// the file), `*** Delete File`, `*** Update File` with optional `*** Move to`, and its `@@`
// hunks (each a run of ` ` context, `-` removed and `+` added lines: the context and removed
// lines are the text replaced, the context and added lines its replacement). An envelope that
// does not parse yields nothing for the file, which then falls back to file-level attribution.

import type { FileWrite } from "../../traces/model.ts";

const FILE_OP = /^\*\*\* (Add File|Update File|Delete File): (.+?)\s*$/;

/** The envelope inside a shell script (`apply_patch <<'EOF' ... EOF`), or null. */
export function patchInScript(script: string): string | null {
  const begin = script.indexOf("*** Begin Patch");
  const end = script.indexOf("*** End Patch", begin);
  if (!script.includes("apply_patch") || begin < 0 || end < 0) return null;
  return script.slice(begin, end + "*** End Patch".length);
}

/** The writes of one envelope; `resolve` turns a path as written into a repo-relative one. */
export function patchWrites(patch: string, at: string | undefined, resolve: (p: string) => string): FileWrite[] {
  const out: FileWrite[] = [];
  const when = at ? { at } : {};
  const lines = patch.split("\n");
  let i = 0;
  while (i < lines.length) {
    const m = FILE_OP.exec(lines[i]!);
    i++;
    if (!m) continue;
    const path = resolve(m[2]!);
    if (m[1] === "Delete File") {
      out.push({ path, ...when, op: "delete" });
      continue;
    }
    if (m[1] === "Add File") {
      const body: string[] = [];
      while (i < lines.length && lines[i]!.startsWith("+")) body.push(lines[i++]!.slice(1));
      out.push({ path, ...when, op: "write", content: body.length ? `${body.join("\n")}\n` : "" });
      continue;
    }
    let to: string | undefined;
    const move = /^\*\*\* Move to: (.+?)\s*$/.exec(lines[i] ?? "");
    if (move) {
      to = resolve(move[1]!);
      i++;
    }
    const hunks: FileWrite[] = [];
    let old: string[] = [];
    let now: string[] = [];
    const flush = () => {
      if (old.length || now.length) {
        // A hunk that only adds at the end of a file has no text to find: left to the fallback.
        hunks.push({ path, ...when, op: "replace", old: `${old.join("\n")}\n`, new: `${now.join("\n")}\n` });
      }
      old = [];
      now = [];
    };
    while (i < lines.length && !lines[i]!.startsWith("*** ") && !FILE_OP.test(lines[i]!)) {
      const l = lines[i++]!;
      if (l.startsWith("@@")) flush();
      else if (l.startsWith("+")) now.push(l.slice(1));
      else if (l.startsWith("-")) old.push(l.slice(1));
      else if (l.startsWith(" ") || l === "") {
        old.push(l.slice(1));
        now.push(l.slice(1));
      }
    }
    if (lines[i] === "*** End of File") i++;
    flush();
    out.push(...hunks);
    if (to) out.push({ path, ...when, op: "move", to });
  }
  return out;
}
