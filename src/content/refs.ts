// The names of the shared trace content's refs (docs/sharing.md), apart from any code so that
// the sync modules on the fetch path can name them without loading the content store.

/** Ours: a commit whose tree holds `<trace id>.json`, one redacted trace each. */
export const CONTENT_REF = "refs/traces/content";

/** A remote's content as of the last fetch or push (`key`: src/sync/remotes.ts remoteKey). */
export function contentTrackingRef(key: string): string {
  return `refs/traces/remotes/${key}/content`;
}

/**
 * The fetch refspec that brings a remote's content with every fetch, next to the notes one.
 * The `*` keeps a remote without content from failing the whole fetch (see remotes.ts).
 */
export function contentRefspec(key: string): string {
  return `+${CONTENT_REF}*:${contentTrackingRef(key)}*`;
}

/** Where fetched content refs live: every `refs/traces/remotes/<key>/content`. */
export const CONTENT_TRACKING_PREFIX = "refs/traces/remotes/";
