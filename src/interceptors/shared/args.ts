// Reading a subcommand's own options well enough to know what it will do: walk the
// arguments, skip the values of options that take one, stop at `--`.

export interface ArgSpec {
  /** Options that take the next argument as their value when not glued (`-m msg`). */
  withValue: readonly string[];
}

/** True when one of `names` is given as an option (`--amend`, or `--cleanup=...` by its name). */
export function hasOption(args: readonly string[], names: readonly string[], spec: ArgSpec): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") return false;
    if (!a.startsWith("-") || a === "-") continue;
    const name = a.startsWith("--") ? a.split("=")[0]! : a;
    if (names.includes(name)) return true;
    // Short options may be bundled (`-am`): look at each letter.
    if (!a.startsWith("--") && a.length > 2) {
      for (const ch of a.slice(1)) {
        const short = `-${ch}`;
        if (names.includes(short)) return true;
        if (spec.withValue.includes(short)) break; // the rest is its value
      }
      continue;
    }
    if (spec.withValue.includes(name) && !a.includes("=")) i++;
  }
  return false;
}

/** Arguments that are not options (revisions, paths), in order. */
export function operands(args: readonly string[], spec: ArgSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") return [...out, ...args.slice(i + 1)];
    if (a.startsWith("-") && a !== "-") {
      const name = a.startsWith("--") ? a.split("=")[0]! : a.slice(0, 2);
      if (spec.withValue.includes(name) && !a.includes("=") && (a.startsWith("--") || a.length === 2)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** The values given to any of `names` (`-m msg`, `-mmsg`, `-am msg`, `--message=msg`), in order. */
export function optionValues(args: readonly string[], names: readonly string[], spec: ArgSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") break;
    if (!a.startsWith("-") || a === "-") continue;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a : a.slice(0, eq);
      if (names.includes(name)) {
        if (eq >= 0) out.push(a.slice(eq + 1));
        else if (i + 1 < args.length) out.push(args[++i]!);
      } else if (spec.withValue.includes(name) && eq < 0) i++;
      continue;
    }
    // Short options, maybe bundled: the first that takes a value takes the rest, or the next argument.
    for (let j = 1; j < a.length; j++) {
      const short = `-${a[j]}`;
      if (!spec.withValue.includes(short)) continue;
      const value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
      if (names.includes(short) && value !== undefined) out.push(value);
      break;
    }
  }
  return out;
}

/** `-q`/`--quiet`, `--porcelain`: output meant for scripts, where our warnings wait for a command a person reads. */
export function quietOutput(args: readonly string[], spec: ArgSpec): boolean {
  return hasOption(args, ["-q", "--quiet", "--porcelain"], spec);
}
