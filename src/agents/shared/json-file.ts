// Editing a JSON settings file that belongs to someone else, in place. The file may be JSONC
// (comments, trailing commas): jsonc-parser reads it into a tree with offsets, and every
// change is a text edit (applyEdits) that touches only the bytes it adds or takes away, laid
// out in the file's own indentation and line ends. Nothing is re-serialised: the user's
// formatting and comments stay as they were.
//
// Why not jsonc-parser's modify(): with formatting options it re-formats every line the edit
// touches (measured with 3.3.1: a hand-written one-line hook group next to ours was spread
// over nine lines, and a one-line file was re-indented whole); without them it writes our
// value on one line, and removes an array's last item wrongly when `]` follows it on the
// same line. So the edits are computed here, each removal the exact inverse of the insertion
// it undoes: uninstall after install gives back the bytes that were there.
//
// Also: refuse what we cannot parse, write through symlinks, replace the file atomically
// with its mode kept.

import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import {
  applyEdits,
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  type Edit,
  type JSONPath,
  type Node,
  type ParseError,
} from "jsonc-parser";
import { TracesError } from "../../base/errors.ts";

export class SettingsFileError extends TracesError {
  readonly code = "SETTINGS_UNREADABLE";
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}; fix or move the file, then try again`, { file, reason });
  }
}

export interface JsonDoc {
  readonly path: string;
  readonly exists: boolean;
  /** The text as read ("" when the file does not exist). */
  readonly original: string;
  /** The text with the edits made so far. */
  text: string;
  /** The top-level object; undefined while the file is missing or blank. */
  root: Node | undefined;
  /** The file's line end and indentation step. */
  readonly eol: string;
  readonly unit: string;
  /** Written by us from nothing: containers we fill are laid out on lines of their own. */
  fresh: boolean;
}

function parseText(path: string, text: string): Node | undefined {
  if (text.trim() === "") return undefined;
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) throw new SettingsFileError(path, "not valid JSON");
  if (root?.type !== "object") throw new SettingsFileError(path, "not a JSON object");
  return root;
}

export function readJsonDoc(path: string): JsonDoc {
  let text = "";
  const exists = existsSync(path);
  if (exists) {
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new SettingsFileError(path, (e as Error).message);
    }
  }
  const root = parseText(path, text);
  return {
    path,
    exists,
    original: text,
    text,
    root,
    eol: text.includes("\r\n") ? "\r\n" : "\n",
    unit: /\n([ \t]+)\S/.exec(text)?.[1]?.slice(0, 10) ?? "  ",
    fresh: false,
  };
}

/** The value at `path` (the whole object for []); undefined when absent. */
export function valueAt(doc: JsonDoc, path: JSONPath): unknown {
  const node = doc.root && (path.length ? findNodeAtLocation(doc.root, path) : doc.root);
  return node ? (getNodeValue(node) as unknown) : undefined;
}

/** The file's object, or {} while there is none. */
export function docObject(doc: JsonDoc): Record<string, unknown> {
  return (valueAt(doc, []) as Record<string, unknown> | undefined) ?? {};
}

/** Starts the object of a missing or blank file. */
export function startObject(doc: JsonDoc): void {
  if (doc.root) return;
  doc.text = `{}${doc.eol}`;
  doc.root = parseText(doc.path, doc.text);
  doc.fresh = true;
}

// --- layout helpers ----------------------------------------------------------------------

const lineStart = (text: string, at: number) => text.lastIndexOf("\n", at - 1) + 1;
const indentAt = (text: string, at: number) => /^[ \t]*/.exec(text.slice(lineStart(text, at)))![0];
const hasBreak = (s: string) => /[\r\n]/.test(s);
const endOf = (n: Node) => n.offset + n.length;

/** From `at`, past blanks and comments: where the next token or line break is. */
function skipTrivia(text: string, at: number, stopAtLineBreak: boolean): { at: number; lineBreak: boolean } {
  let i = at;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t") i++;
    else if (c === "\r" || c === "\n") {
      if (stopAtLineBreak) return { at: i, lineBreak: true };
      i++;
    } else if (text.startsWith("//", i)) {
      const nl = text.slice(i).search(/[\r\n]/);
      i = nl < 0 ? text.length : i + nl;
    } else if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else break;
  }
  return { at: i, lineBreak: false };
}

/** The offset of the comma that follows `at` (past blanks and comments), if one does. */
function commaAfter(text: string, at: number): number | undefined {
  const next = skipTrivia(text, at, false).at;
  return text[next] === "," ? next : undefined;
}

/** `value` as JSON on several lines, continuing at indentation `base`. */
function render(doc: JsonDoc, value: unknown, base: string): string {
  return JSON.stringify(value, null, doc.unit)
    .split("\n")
    .join(doc.eol + base);
}

/** `value` as JSON on one line, spaced. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(", ")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`)
      .join(", ")}}`;
  return JSON.stringify(value);
}

function containerAt(doc: JsonDoc, path: JSONPath): Node {
  const node = doc.root && (path.length ? findNodeAtLocation(doc.root, path) : doc.root);
  if (!node || (node.type !== "object" && node.type !== "array"))
    throw new Error(`no object or list at ${path.join(".")}`);
  return node;
}

/** The node of an array item or of an object's property (key and value) at `path`. */
function memberAt(doc: JsonDoc, path: JSONPath): Node {
  const node = doc.root && findNodeAtLocation(doc.root, path);
  if (!node) throw new Error(`nothing at ${path.join(".")}`);
  return node.parent?.type === "property" ? node.parent : node;
}

function apply(doc: JsonDoc, edits: Edit[]): void {
  doc.text = applyEdits(doc.text, edits);
  doc.root = parseText(doc.path, doc.text);
}

// --- edits ---------------------------------------------------------------------------------

/**
 * Adds `value` as the last member of the object (with `key`) or list at `path`. Returns what
 * was inside the container when it was empty but not quite (blanks, a comment), so that
 * removing the member can put it back; undefined otherwise.
 */
export function appendMember(
  doc: JsonDoc,
  path: JSONPath,
  key: string | undefined,
  value: unknown,
): string | undefined {
  const c = containerAt(doc, path);
  const text = doc.text;
  const open = c.offset;
  const close = endOf(c) - 1;
  const kids = c.children ?? [];
  const entry = (base: string) => (key === undefined ? "" : `${JSON.stringify(key)}: `) + render(doc, value, base);
  const entryInline = () => (key === undefined ? "" : `${JSON.stringify(key)}: `) + inline(value);
  const oneLine = !hasBreak(text.slice(open, close));
  const ind0 = indentAt(text, open);
  const ind1 = ind0 + doc.unit;

  if (kids.length === 0) {
    const inner = text.slice(open + 1, close);
    // A file written on one line stays on one line; a bare `{}` is filled like a new file.
    const root = doc.root!;
    const rootOneLine =
      !doc.fresh && (root.children?.length ?? 0) > 0 && !hasBreak(text.slice(root.offset, endOf(root)));
    if (inner.trim() === "") {
      const content = oneLine && rootOneLine ? entryInline() : doc.eol + ind1 + entry(ind1) + doc.eol + ind0;
      apply(doc, [{ offset: open + 1, length: inner.length, content }]);
      return inner === "" ? undefined : inner;
    }
    // Only comments inside: ours goes on a line of its own before the closing bracket.
    const closeLine = lineStart(text, close);
    if (closeLine > open && text.slice(closeLine, close).trim() === "") {
      apply(doc, [{ offset: closeLine, length: 0, content: ind1 + entry(ind1) + doc.eol }]);
      return undefined;
    }
    apply(doc, [
      { offset: open + 1, length: inner.length, content: inner + doc.eol + ind1 + entry(ind1) + doc.eol + ind0 },
    ]);
    return inner;
  }

  const last = kids[kids.length - 1]!;
  const lastEnd = endOf(last);
  const trailingComma = commaAfter(text, lastEnd);
  if (oneLine) {
    apply(doc, [
      trailingComma === undefined
        ? { offset: lastEnd, length: 0, content: `, ${entryInline()}` }
        : { offset: trailingComma + 1, length: 0, content: ` ${entryInline()},` },
    ]);
    return undefined;
  }
  const first = kids[0]!;
  const childIndent =
    lineStart(text, first.offset) > open && text.slice(lineStart(text, first.offset), first.offset).trim() === ""
      ? indentAt(text, first.offset)
      : ind1;
  if (trailingComma !== undefined) {
    const br = skipTrivia(text, trailingComma + 1, true);
    apply(doc, [
      br.lineBreak
        ? { offset: br.at, length: 0, content: doc.eol + childIndent + entry(childIndent) + "," }
        : { offset: trailingComma + 1, length: 0, content: ` ${entry(indentAt(text, trailingComma))},` },
    ]);
    return undefined;
  }
  // The comma right after the last member; ours on a new line after whatever ends that line
  // (a comment stays where it was).
  const br = skipTrivia(text, lastEnd, true);
  if (br.lineBreak && br.at > lastEnd) {
    apply(doc, [
      { offset: lastEnd, length: 0, content: "," },
      { offset: br.at, length: 0, content: doc.eol + childIndent + entry(childIndent) },
    ]);
  } else {
    apply(doc, [{ offset: lastEnd, length: 0, content: `,${doc.eol}${childIndent}${entry(childIndent)}` }]);
  }
  return undefined;
}

/** Replaces the value at `path` (a list item or a property's value), laid out like its neighbours. */
export function replaceValue(doc: JsonDoc, path: JSONPath, value: unknown): void {
  const node = doc.root && findNodeAtLocation(doc.root, path);
  if (!node) throw new Error(`nothing at ${path.join(".")}`);
  const member = node.parent?.type === "property" ? node.parent : node;
  const container = member.parent!;
  const oneLine = !hasBreak(doc.text.slice(container.offset, endOf(container)));
  const content = oneLine ? inline(value) : render(doc, value, indentAt(doc.text, member.offset));
  apply(doc, [{ offset: node.offset, length: node.length, content }]);
}

/**
 * Removes the list item or property at `path`: the inverse of appendMember, so that what
 * was around it comes back byte for byte. `inner` is what appendMember returned for its
 * container.
 */
export function removeMember(doc: JsonDoc, path: JSONPath, inner?: string): void {
  const text = doc.text;
  const m = memberAt(doc, path);
  const c = m.parent!;
  const kids = c.children!;
  const i = kids.indexOf(m);
  const open = c.offset;
  const close = endOf(c) - 1;
  const start = m.offset;
  const end = endOf(m);
  const comma = commaAfter(text, end);

  // The only member, with nothing but blanks around it (or after what the container held,
  // which appendMember kept): the container as it was.
  if (kids.length === 1) {
    const before = text.slice(open + 1, start);
    const was = inner ?? "";
    const blanksBefore = before.trim() === "" || (before.startsWith(was) && before.slice(was.length).trim() === "");
    if (blanksBefore && text.slice(comma === undefined ? end : comma + 1, close).trim() === "") {
      apply(doc, [{ offset: open + 1, length: close - open - 1, content: was }]);
      return;
    }
  }
  const prevComma = i > 0 ? commaAfter(text, endOf(kids[i - 1]!)) : undefined;
  const ls = lineStart(text, start);
  if (ls > open && text.slice(ls, start).trim() === "") {
    // On lines of its own: those lines go, with the comma that joined it to the list.
    const br = text[ls - 2] === "\r" ? ls - 2 : ls - 1;
    if (comma !== undefined) apply(doc, [{ offset: br, length: comma + 1 - br, content: "" }]);
    else if (prevComma !== undefined && prevComma < br) {
      apply(doc, [
        { offset: prevComma, length: 1, content: "" },
        { offset: br, length: end - br, content: "" },
      ]);
    } else apply(doc, [{ offset: br, length: end - br, content: "" }]);
    return;
  }
  // Inside a line.
  if (comma !== undefined) {
    if (i === 0) apply(doc, [{ offset: start, length: skipTrivia(text, comma + 1, false).at - start, content: "" }]);
    else {
      let from = start;
      while (from > 0 && (text[from - 1] === " " || text[from - 1] === "\t")) from--;
      apply(doc, [{ offset: from, length: comma + 1 - from, content: "" }]);
    }
    return;
  }
  if (prevComma !== undefined) {
    let from = prevComma;
    while (from > endOf(kids[i - 1]!) && (text[from - 1] === " " || text[from - 1] === "\t")) from--;
    apply(doc, [{ offset: from, length: end - from, content: "" }]);
    return;
  }
  apply(doc, [{ offset: start, length: end - start, content: "" }]);
}

/** Whether the object or list at `path` has no members. */
export function isEmptyAt(doc: JsonDoc, path: JSONPath): boolean {
  const node = doc.root && (path.length ? findNodeAtLocation(doc.root, path) : doc.root);
  return !!node && (node.type === "object" || node.type === "array") && (node.children?.length ?? 0) === 0;
}

// --- files ---------------------------------------------------------------------------------

/** Writes the document when it changed; true when it did. */
export function saveJsonDoc(doc: JsonDoc): boolean {
  if (doc.exists && doc.text === doc.original) return false;
  writeTextFile(doc.path, doc.text);
  return true;
}

/** Replaces a file's text atomically, through a symlink, keeping its mode. */
export function writeTextFile(path: string, text: string): void {
  let target = path;
  try {
    target = realpathSync(path); // a dotfiles symlink stays a symlink
  } catch {
    mkdirSync(dirname(path), { recursive: true });
  }
  const tmp = `${target}.git-traces-${process.pid}.tmp`;
  writeFileSync(tmp, text);
  try {
    if (existsSync(target)) chmodSync(tmp, statSync(target).mode & 0o7777);
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing left behind
    }
    throw e;
  }
}

export function deleteFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
