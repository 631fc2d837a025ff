// The shapes every agent's parts have (listed in the registry, src/agents/index.ts): where
// its sessions live, how to read one, what its hook payload says, how to install its hooks.

import type { AgentName, Trace } from "../traces/model.ts";

export type { Env } from "../base/env.ts";
import type { Env } from "../base/env.ts";
import { TracesError } from "../base/errors.ts";
import type { Obj } from "./shared/json.ts";

/** A session found on disk, identified from its header only (cheap). */
export interface SessionRef {
  agent: AgentName;
  /** The agent's session ID (already validated). */
  id: string;
  /** The transcript file. */
  path: string;
  /** Working directory the session ran in, when the header says. */
  cwd?: string;
  /** Last modification of the transcript (ms since the epoch): its last activity. */
  mtimeMs: number;
  size: number;
  /**
   * What the agent's hooks reported about the session (active.json), for what its
   * transcript does not record (Cursor's transcripts name no model and no time).
   */
  reported?: ReportedFacts;
}

/** Facts about a session from its hook payloads. */
export interface ReportedFacts {
  model?: string;
  agentVersion?: string;
  /** When the hooks first saw the session (ISO 8601). */
  firstSeen?: string;
}

export interface DiscoverOptions {
  /**
   * Keep only sessions whose working directory lies inside one of these absolute paths
   * (a worktree's top level and its real path). Omit to list every session.
   */
  roots?: readonly string[];
  /** Skip transcripts not modified since this time (ms since the epoch). */
  sinceMs?: number;
  env: Env;
}

/**
 * Directories whose modification time changes whenever a session could appear that
 * discover() with these options would find: a new transcript file or folder.
 */
export type WatchDirs = (opts: DiscoverOptions) => string[];

export interface ReadOptions {
  /** Absolute roots to make file paths relative to (the worktree). */
  roots?: readonly string[];
  /**
   * Enough for a note (tool calls, models, times, title, tokens), not for `show`: message
   * texts are left empty and long lines that can hold nothing else are not parsed.
   */
  summary?: boolean;
  /**
   * The environment, for readers that keep facts under git-traces' data home (Cursor
   * remembers when each part of a transcript was on disk); without it they keep nothing.
   */
  env?: Env;
}

/** What a hook payload tells about the session it came from. */
export interface HookEvent {
  agent: AgentName;
  sessionId: string;
  event: string;
  cwd?: string;
  transcript?: string;
  model?: string;
  /** The agent's version, when the payload says (Cursor's `cursor_version`). */
  agentVersion?: string;
}

export interface HookFileChange {
  file: string;
  /** Human-readable description: "added hook for Stop", "enabled codex_hooks". */
  changes: string[];
}

export interface HookStatus {
  agent: AgentName;
  /** The config file the hooks live in. */
  file: string;
  exists: boolean;
  /** Events with our hook installed. */
  events: string[];
  /** Events we install that are missing. */
  missing: string[];
  /** Things the user has to do or know (a feature flag off, a trust prompt). */
  notes: string[];
}

export interface HookInstallOptions {
  env: Env;
  /** Install into the project's config (the repository top level) instead of the user's. */
  project?: string;
  /** The command that runs `git-traces` (default `git-traces`). */
  command?: string;
}

export interface HookManager {
  install(opts: HookInstallOptions): Promise<HookFileChange[]>;
  uninstall(opts: HookInstallOptions): Promise<HookFileChange[]>;
  status(opts: HookInstallOptions): Promise<HookStatus>;
}

export type Discover = (opts: DiscoverOptions) => Promise<SessionRef[]>;
export type Read = (path: string, opts?: ReadOptions) => Promise<Trace>;
/** What a hook payload says; null when it names no usable session. */
export type ParseHookPayload = (payload: unknown, event: string) => HookEvent | null;

/** Where an agent's sessions are: what each agent's discover.ts exports. */
export interface SessionStore {
  /** Directories holding this agent's sessions, honouring its own environment variables. */
  dataDirs(env: Env): string[];
  /** True when the agent appears installed on this machine (its config or data directory exists). */
  detect(env: Env): boolean;
  discover: Discover;
  /** A transcript path for this session ID, when the agent can find it directly. */
  find(id: string, env: Env): Promise<string | null>;
  watch: WatchDirs;
}

/** What in a hook payload only this agent sends (src/agents/identify.ts). */
export interface PayloadSigns {
  /** Fields no other agent's payload has. */
  marks?: (payload: Obj) => boolean;
  /** Where the agent writes its transcripts: a payload's `transcript_path`. */
  transcript?: RegExp;
  /** Hook event names (`hook_event_name`) no other agent uses. */
  events?: readonly string[];
}

/**
 * One agent in the registry (src/agents/index.ts). Each part is loaded when first asked
 * for, on its own: a commit loads `sessions` and, only when it finds some, `read`; the
 * hook command loads `payload` alone; only `git traces hooks` loads the installers.
 */
export interface AgentEntry {
  readonly name: AgentName;
  /** How people write the agent's name. */
  readonly displayName: string;
  readonly signs: PayloadSigns;
  sessions(): Promise<SessionStore>;
  read(): Promise<Read>;
  payload(): Promise<ParseHookPayload>;
  hooks(): Promise<HookManager>;
}

/** Every part of an agent, loaded: for the commands that work on all of them (hooks, uninstall). */
export interface AgentAdapter extends SessionStore {
  name: AgentName;
  displayName: string;
  read: Read;
  parseHookPayload: ParseHookPayload;
  hooks: HookManager;
}

/** A transcript that could not be read into a trace. */
export class TranscriptError extends TracesError {
  readonly code = "TRANSCRIPT_UNREADABLE";
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`, { path, reason });
  }
}
