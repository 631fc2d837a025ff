// The front door: a tiny program installed as `git` that sends every git built-in the shim
// does not intercept straight to the real git (execv, nothing else), and everything else to
// the Bun binary, the complete shim. Generated at build time (scripts/build.ts writes
// dist/front-door.c and dist/front-door.sh) from the one source of each list: the
// intercepted names and the commands that wait for notes (src/interceptors/names.ts), git's
// built-ins (src/git/commands.ts) and git's global options (src/git/globals.ts). Never kept
// by hand: test/shim/front-door.test.ts checks both forms against the shim's own parser.
//
// The decision, in the shim's own order (shim/main.ts):
//   - GIT_TRACES_JOB set (a background worker), GIT_TRACES_REAL_GIT or GIT_TRACES_TRACE
//     set: the shim (it owns those checks and messages);
//   - GIT_TRACES_DISABLE true, GIT_TRACES_NESTED set, or COMP_LINE defined: the real git;
//   - git's global options parsed as parseCommandLine() does; no subcommand: the real git;
//   - `traces`, an intercepted command, or anything that is not a built-in (aliases,
//     unknown commands, dashed externals): the shim;
//   - a command that reads notes while the pending hint (<data home>/pending) has a size:
//     the shim, which waits for the work; else the real git;
//   - C form only: a plain `git fetch` at a terminal is done by the door itself when
//     light_plan() in scripts/lib/front-door-fetch.c finds nothing unusual (the light
//     fetch: the shim's job, marks and waiting shell, from C), else it goes to the shim.
// The real git is the installer's symlink <prefix>/libexec/git-traces/git; when it cannot be
// run, the shim takes over (it searches PATH and reports a missing git). The shim is the Bun
// binary started with an argv[0] named `git` (C: execv with argv[0] "git"; sh: the symlink
// <prefix>/libexec/git-traces/shim/git). GIT_TRACES_FRONT_DOOR_EXPLAIN set (tests, doctor):
// print "<git|shim> front-door=<form> lists=<hash>" instead of running anything, with
// " fetch=light" or " fetch=<why not>" after it for a fetch the C form sends to the shim.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { JOB_ENV } from "../../src/base/env.ts";
import { warningsFile } from "../../src/base/report.ts";
import { GIT_COMMANDS } from "../../src/git/commands.ts";
import { FLAGS, LONG_WITH_VALUE, WITH_VALUE } from "../../src/git/globals.ts";
import { FRONT_DOOR_MARK } from "../../src/git/locate.ts";
import { DISCOVERY_ENV } from "../../src/git/repo.ts";
import { FETCH_NEWS } from "../../src/interceptors/fetch.ts";
import { INTERCEPTED, READS_NOTES } from "../../src/interceptors/names.ts";
import { fetchStamp, MARK_BYTES, repoPendingDir } from "../../src/jobs/pending.ts";
import { WAITER_NAME, waiterScript } from "../../src/jobs/spawn.ts";
import { DOOR_REMOTES_FILE, DOOR_REMOTES_HEADER } from "../../src/sync/state.ts";

export const EXPLAIN_ENV = "GIT_TRACES_FRONT_DOOR_EXPLAIN";
/** Text every front door contains: the installer, the uninstaller and gitsOnPath() recognise it. */
export { FRONT_DOOR_MARK };

const sorted = (s: Iterable<string>) => [...s].sort();

/**
 * Options of `git fetch` the C front door's light fetch accepts (scripts/lib/front-door-fetch.c):
 * none takes a value, and none changes where the fetch comes from or which refs it takes,
 * so what the shim would do is exactly what the door does. Anything else goes to the shim.
 */
export const LIGHT_FETCH_FLAGS: readonly string[] = [
  ..."-q --quiet -v --verbose --progress --no-progress -p --prune --no-prune -P --prune-tags".split(" "),
  ..."--no-prune-tags -t --tags -n --no-tags -f --force --no-force --atomic --no-atomic -a --append".split(" "),
  ..."--all --no-all -k --keep -u --update-head-ok -4 --ipv4 -6 --ipv6 --no-recurse-submodules".split(" "),
  ..."--show-forced-updates --no-show-forced-updates --auto-maintenance --no-auto-maintenance".split(" "),
  ..."--auto-gc --no-auto-gc --write-commit-graph --no-write-commit-graph".split(" "),
];

/** The lists a front door is made of, in a fixed order. */
export function frontDoorLists() {
  return {
    intercepted: sorted([...INTERCEPTED, "traces"]),
    readsNotes: sorted(READS_NOTES),
    builtins: sorted(GIT_COMMANDS),
    withValue: sorted(WITH_VALUE),
    longWithValue: sorted(LONG_WITH_VALUE),
    flags: sorted(FLAGS),
    lightFetchFlags: sorted(LIGHT_FETCH_FLAGS),
  };
}

/** A NULL-ended C array of string literals. */
function cArray(name: string, items: readonly string[]): string {
  return `static const char *const ${name}[] = {\n${items.map((i) => `  ${cString(i)},`).join("\n")}\n  0,\n};`;
}

/** A C string literal of plain printable text. */
function cString(text: string): string {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`front door: not plain text: ${JSON.stringify(text)}`);
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The light fetch (scripts/lib/front-door-fetch.c) with the names it shares with the shim. */
function lightFetchC(): string {
  const base = "/x";
  const rel = (path: string) => {
    if (!path.startsWith(base)) throw new Error(`front door: ${path} is not under ${base}`);
    return path.slice(base.length);
  };
  const defines: [string, string][] = [
    ["LF_REMOTES_FILE", cString(`/${DOOR_REMOTES_FILE}`)],
    ["LF_REMOTES_HEADER", cString(DOOR_REMOTES_HEADER)],
    ["LF_PENDING_DIR", cString(rel(repoPendingDir(base)))],
    ["LF_FETCH_STAMP", cString(rel(fetchStamp(base)))],
    ["LF_WARNINGS_FILE", cString(rel(warningsFile({ GIT_TRACES_HOME: base })))],
    ["LF_JOB_ENV", cString(JOB_ENV)],
    ["LF_KIND", cString("after-fetch")],
    ["LF_MARK_BYTES", String(MARK_BYTES)],
    ["LF_WAITER_NAME", cString(WAITER_NAME)],
    ["LF_WAITER_SCRIPT", cString(waiterScript({ wait: true, onlyIfNewer: true }))],
    ...FETCH_NEWS.map((news, i): [string, string] => [`LF_NEWS_${i}`, cString(news)]),
  ];
  const source = readFileSync(new URL("./front-door-fetch.c", import.meta.url), "utf8");
  return [
    ...defines.map(([name, value]) => `#define ${name} ${value}`),
    cArray("LF_FLAGS", sorted(LIGHT_FETCH_FLAGS)),
    cArray("LF_GIT_ENV", DISCOVERY_ENV),
    source,
  ].join("\n");
}

/** A short hash of the lists: the front door and the Bun binary both carry it (doctor compares). */
export function listsHash(): string {
  return createHash("sha256").update(JSON.stringify(frontDoorLists())).update(lightFetchC()).digest("hex").slice(0, 16);
}

function checkNames(names: readonly string[]): void {
  for (const n of names) {
    // Names go into C string literals and sh case patterns unquoted: only plain characters.
    if (!/^[A-Za-z0-9_.=-]+$/.test(n)) throw new Error(`front door: unexpected name ${JSON.stringify(n)}`);
  }
}

const HEADER = (comment: string) =>
  [
    `${comment} ${FRONT_DOOR_MARK}, generated by scripts/build.ts (scripts/lib/front-door.ts) from`,
    `${comment} src/interceptors/names.ts, src/git/commands.ts and src/git/globals.ts. Do not edit.`,
  ].join("\n");

/** The C form: compiled by the installer with -DGT_PREFIX="\"<prefix>\"". */
export function frontDoorC(): string {
  const l = frontDoorLists();
  for (const list of Object.values(l)) checkNames(list);
  return `/*
${HEADER(" *")}
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef GT_PREFIX
#error "build with -DGT_PREFIX='\\"/install/prefix\\"'"
#endif

static const char MARK[] = "${FRONT_DOOR_MARK}";
static const char LISTS[] = "${listsHash()}";

${cArray("INTERCEPTED", l.intercepted)}
${cArray("READS_NOTES", l.readsNotes)}
${cArray("BUILTINS", l.builtins)}
${cArray("WITH_VALUE", l.withValue)}
${cArray("LONG_WITH_VALUE", l.longWithValue)}
${cArray("FLAGS", l.flags)}

static int in(const char *const *list, const char *s) {
  for (; *list; list++)
    if (strcmp(*list, s) == 0) return 1;
  return 0;
}

/* --opt=value for one of the long options that take a value. */
static int glued(const char *s) {
  const char *const *o;
  for (o = LONG_WITH_VALUE; *o; o++) {
    size_t n = strlen(*o);
    if (strncmp(s, *o, n) == 0 && s[n] == '=') return 1;
  }
  return 0;
}

static int disabled(const char *v) {
  return v && *v && strcmp(v, "0") != 0 && strcasecmp(v, "false") != 0;
}

${lightFetchC()}

/* Some background work may be pending on this machine: the hint has a size (one stat). */
static int pending(void) {
  char home[LF_PATH], path[LF_PATH];
  /* cannot tell: let the shim look */
  return !data_home(home) || !pathf(path, "%s%s", home, "/pending") || size_of(path) > 0;
}

/* 1: the shim; 0: the real git. *at: the subcommand's index, when parsing got that far. */
static int decide(int argc, char **argv, int *at) {
  int i;
  const char *cmd;
  *at = 0;
  if (getenv("GIT_TRACES_JOB") || getenv("GIT_TRACES_TRACE")) return 1;
  cmd = getenv("GIT_TRACES_REAL_GIT");
  if (cmd && *cmd) return 1;
  cmd = getenv("GIT_TRACES_NESTED");
  if (disabled(getenv("GIT_TRACES_DISABLE")) || (cmd && *cmd) || getenv("COMP_LINE")) return 0;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-') break;
    if (in(WITH_VALUE, a)) {
      if (i + 1 >= argc) return 0;
      i++;
      continue;
    }
    if (glued(a) || in(FLAGS, a)) continue;
    return 0;
  }
  if (i >= argc) return 0;
  *at = i;
  cmd = argv[i];
  if (in(INTERCEPTED, cmd) || !in(BUILTINS, cmd)) return 1;
  return in(READS_NOTES, cmd) && pending();
}

int main(int argc, char **argv) {
  static const char real[] = GT_PREFIX "/libexec/git-traces/git";
  static const char shim[] = GT_PREFIX "/bin/git-traces";
  static struct light light;
  int at;
  int to_shim = decide(argc, argv, &at);
  int fetch = to_shim && at > 0 && strcmp(argv[at], "fetch") == 0;
  const char *why = fetch ? light_plan(&light, argc, argv, at) : 0; /* 0: a light fetch */
  const char *base = getenv("${EXPLAIN_ENV}");
  if (base && *base) {
    printf("%s front-door=c lists=%s", to_shim ? "shim" : "git", LISTS);
    if (fetch) printf(" fetch=%s", why ? why : "light");
    printf("\\n");
    return 0;
  }
  if (!to_shim) execv(real, argv);
  if (fetch && !why) light_fetch(&light, argv, real, shim);
  /* The Bun binary is the shim when its argv[0] is named git. */
  base = strrchr(argv[0], '/');
  base = base ? base + 1 : argv[0];
  if (strcmp(base, "git") != 0) argv[0] = (char *)"git";
  execv(shim, argv);
  fprintf(stderr, "git-traces: cannot run %s: %s (%s)\\n", shim, strerror(errno), MARK);
  return 127;
}
`;
}

/** The sh form: the installer replaces line 2 (P=...) with the install prefix. */
export function frontDoorSh(): string {
  const l = frontDoorLists();
  for (const list of Object.values(l)) checkNames(list);
  const pat = (items: readonly string[]) => items.join("|");
  const builtinsNotIntercepted = l.builtins.filter((b) => !l.intercepted.includes(b));
  const readsNotes = l.readsNotes.filter((b) => builtinsNotIntercepted.includes(b));
  return `#!/bin/sh
P="@GIT_TRACES_PREFIX@"
${HEADER("#")}
d=git
if [ -n "\${GIT_TRACES_JOB+x}\${GIT_TRACES_TRACE+x}\${GIT_TRACES_REAL_GIT:-}" ]; then d=shim
else
  case \${GIT_TRACES_DISABLE:-0} in 0|[Ff][Aa][Ll][Ss][Ee]) x= ;; *) x=1 ;; esac
  if [ -n "$x\${GIT_TRACES_NESTED:-}\${COMP_LINE+x}" ]; then :
  else
    s=0
    c=
    for a in "$@"; do
      if [ $s = 1 ]; then s=0; continue; fi
      case $a in
        ${pat(l.withValue)}) s=1 ;;
        ${pat(l.longWithValue.map((o) => `${o}=*`))}) ;;
        ${pat(l.flags)}) ;;
        -*) s=2; break ;;
        *) s=3; c=$a; break ;;
      esac
    done
    if [ $s = 3 ]; then
      case $c in
        ${pat(readsNotes)})
          h=\${GIT_TRACES_HOME:-}
          if [ -z "$h" ]; then
            if [ -n "\${XDG_DATA_HOME:-}" ]; then h=$XDG_DATA_HOME/git-traces; else h=\${HOME:-}/.local/share/git-traces; fi
          fi
          if [ -s "$h/pending" ]; then d=shim; fi ;;
        ${pat(builtinsNotIntercepted)}) ;;
        *) d=shim ;;
      esac
    fi
  fi
fi
if [ -n "\${${EXPLAIN_ENV}:-}" ]; then printf '%s front-door=sh lists=%s\\n' "$d" ${listsHash()}; exit 0; fi
if [ $d = git ] && [ -x "$P/libexec/git-traces/git" ]; then exec "$P/libexec/git-traces/git" "$@"; fi
exec "$P/libexec/git-traces/shim/git" "$@"
`;
}
