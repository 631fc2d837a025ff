// What a transcript's head says (its cwd) never changes once written, so it is read once
// and remembered: <data home>/cache/<agent>-cwd.json, file name -> cwd. A commit then finds
// the sessions of a repository among thousands without opening their files. A cache: lost
// or damaged, it is rebuilt; two writers at once, the last one wins.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataHome } from "../../base/home.ts";
import type { Env } from "../types.ts";
import { isObj, type Obj } from "./json.ts";

const MAX_ENTRIES = 20_000;

export class HeaderCache {
  private readonly path: string;
  /** What the file holds: values are checked as they are read (get()). */
  private entries: Obj = {};
  private dirty = false;

  constructor(env: Env, name: string) {
    this.path = join(dataHome(env), "cache", `${name}.json`);
    try {
      const data: unknown = JSON.parse(readFileSync(this.path, "utf8"));
      if (isObj(data) && data.v === 1 && isObj(data.entries)) this.entries = data.entries;
    } catch {
      // none yet, or unreadable: start over
    }
  }

  get(key: string): string | undefined {
    const v = this.entries[key];
    return typeof v === "string" ? v : undefined;
  }

  set(key: string, value: string): void {
    if (this.entries[key] === value) return;
    this.entries[key] = value;
    this.dirty = true;
  }

  /** Writes the cache back if it changed; never throws (a cache is not worth an error). */
  save(): void {
    if (!this.dirty) return;
    try {
      let keys = Object.keys(this.entries);
      if (keys.length > MAX_ENTRIES) {
        keys = keys.slice(keys.length - MAX_ENTRIES);
        this.entries = Object.fromEntries(keys.map((k) => [k, this.entries[k]!]));
      }
      mkdirSync(join(this.path, ".."), { recursive: true });
      const tmp = `${this.path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ v: 1, entries: this.entries }));
      renameSync(tmp, this.path);
      this.dirty = false;
    } catch {
      // read-only home, full disk: next time
    }
  }
}
