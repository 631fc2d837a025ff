// Editing a JSON settings file that belongs to someone else: refuse what we cannot parse,
// keep the indentation and final newline we found, write through symlinks, replace the
// file atomically with its mode kept.

import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export class SettingsFileError extends Error {
  readonly code = "SETTINGS_UNREADABLE";
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}; fix or move the file, then try again`);
  }
}

export interface JsonFile {
  path: string;
  exists: boolean;
  data: Record<string, unknown>;
  indent: string;
  finalNewline: boolean;
}

export function readJsonFile(path: string): JsonFile {
  if (!existsSync(path)) return { path, exists: false, data: {}, indent: "  ", finalNewline: true };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new SettingsFileError(path, (e as Error).message);
  }
  if (text.trim() === "") return { path, exists: true, data: {}, indent: "  ", finalNewline: true };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new SettingsFileError(path, "not valid JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new SettingsFileError(path, "not a JSON object");
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? "  ";
  return { path, exists: true, data: data as Record<string, unknown>, indent, finalNewline: text.endsWith("\n") };
}

export function writeJsonFile(file: JsonFile): void {
  let target = file.path;
  try {
    target = realpathSync(file.path); // a dotfiles symlink stays a symlink
  } catch {
    mkdirSync(dirname(file.path), { recursive: true });
  }
  const text = JSON.stringify(file.data, null, file.indent) + (file.finalNewline ? "\n" : "");
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
