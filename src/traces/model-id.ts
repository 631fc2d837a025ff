// Model names as `provider/model`, the form Agent Trace's `model_id` takes (models.dev IDs).
// Agents record bare names (`claude-sonnet-4-5-20250929`, `gpt-5-codex`); the provider is
// told by the name's family. A name that already says its provider is kept as it is.

/** Families by name prefix, first match wins. Compared case-insensitively. */
const FAMILIES: readonly [RegExp, string][] = [
  [/^claude(?:-|$)/, "anthropic"],
  [/^(?:gpt(?:-|$)|o1(?:-|$)|o3(?:-|$)|o4|codex)/, "openai"],
  [/^gemini(?:-|$)/, "google"],
];

/** What a provider name may be (it comes from a transcript: untrusted). */
const PROVIDER = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Agent Trace caps `model_id` at 250 characters. */
export const MODEL_ID_MAX = 250;

/** The provider a model name belongs to, when its family says. */
export function providerOf(model: string): string | undefined {
  const name = model.trim().toLowerCase();
  return FAMILIES.find(([re]) => re.test(name))?.[1];
}

/**
 * `provider/model` for a model name: a name that holds a `/` is kept; a known family gets
 * its provider; otherwise `fallbackProvider` (what the transcript says, as Codex records
 * `openai`) when given, else the bare name. At most 250 characters (code points); undefined
 * for an empty name.
 */
export function modelId(model: string | undefined, fallbackProvider?: string): string | undefined {
  const name = model?.trim();
  if (!name) return undefined;
  let id = name;
  if (!name.includes("/")) {
    const told = fallbackProvider?.trim().toLowerCase();
    const provider = providerOf(name) ?? (told && PROVIDER.test(told) ? told : undefined);
    if (provider) id = `${provider}/${name}`;
  }
  const chars = Array.from(id);
  return chars.length > MODEL_ID_MAX ? chars.slice(0, MODEL_ID_MAX).join("") : id;
}
