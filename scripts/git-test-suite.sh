#!/bin/bash
# Runs git's own test suite against the installed (stock) git and against the git-traces
# shim, and compares the two. A reproduction script for humans: not run in CI.
#
#   scripts/git-test-suite.sh [--jobs N] [--binary FILE] [--front-door c|sh | --no-front-door] [--background] [--keep] [tNNNN-name.sh ...]
#
# What it does (needs root for apt-get; Debian/Ubuntu only):
#   1. Fetches the Debian source of the installed git (`dpkg-query -W git`), adding a
#      deb-src entry for the same archives/suites as the installed deb entries, into
#      $GIT_SRC_DIR (default /work/gitsrc). Skipped when already unpacked there.
#   2. Installs the few build dependencies it needs (no doc toolchain) and builds git once
#      with Debian's own make options (so the test prerequisites such as PCRE match the
#      installed git): `make all`, no docs. The tests need the built t/helper/test-tool,
#      templates/blt and GIT-BUILD-OPTIONS even when testing an installed git.
#   3. Copies the shim binary (default /work/main/dist/git-traces, or --binary FILE) to
#      $WORK/gts-binary (the build may be redone meanwhile) and installs that copy into
#      $WORK/gts-prefix with the project's own
#      installer (--no-modify-path: no shell file is touched). That gives
#      $WORK/gts-prefix/bin/git = the front door the installer chooses (C when cc works;
#      --front-door sh or --no-front-door, i.e. git -> git-traces, to test the others; the
#      front door's generated sources are copied beside the binary), real git recorded as
#      $WORK/gts-prefix/libexec/git-traces/git -> /usr/bin/git.
#   4. Runs each test script twice, from t/:
#        stock: GIT_TEST_INSTALLED=/usr/bin
#        shim:  GIT_TEST_INSTALLED=$WORK/gts-prefix/bin
#      With GIT_TEST_INSTALLED, test-lib.sh sets GIT_EXEC_PATH from
#      `$GIT_TEST_INSTALLED/git --exec-path` (the shim passes that through to the real git:
#      /usr/lib/git-core, so both runs use the same dashed commands) and puts
#      $GIT_TEST_INSTALLED first on PATH, so every `git` a test types is the shim.
#      GIT_TEST_EXEC_PATH is NOT needed. Note: git itself prepends GIT_EXEC_PATH to PATH
#      for its children, and /usr/lib/git-core/git is the real git, so a `git` run by a
#      hook, alias or editor that git started reaches the real git, not the shim; only
#      what the test script itself runs goes through the shim (as for a user at a shell).
#      Each run gets its own TEST_OUTPUT_DIRECTORY ($WORK/gts-results/{stock,shim}), so the
#      two never share trash directories and can run in parallel (--jobs).
#      Options given to each test script: --verbose-log (TAP on stdout, verbose output of
#      every test in test-results/<name>.out), plus $GIT_TEST_OPTS if set.
#   5. Prints per script: passed / failed / broken (known breakage) / skipped for both,
#      the failing test numbers, and a verdict: "same", or the numbers that fail only
#      through the shim (with their titles). Exits 1 when some test fails only through the
#      shim, 0 otherwise.
#
# Environment: GIT_SRC_DIR (default /work/gitsrc), GTS_WORK (default /tmp; holds
# gts-binary, gts-prefix/, gts-results/ and gts-build.log), GIT_TEST_OPTS (extra test-script options,
# e.g. "-x" -- note -x needs TEST_SHELL_PATH=bash), STOCK_BIN (default /usr/bin).
# Any GIT_TRACES_* variables of the caller are unset so that the shim runs as it would
# for a user who set nothing.

set -eu

DEFAULT_TESTS="t0001-init.sh t1300-config.sh t3301-notes.sh t7501-commit-basic-functionality.sh t5516-fetch-push.sh t3400-rebase.sh"
JOBS=1
KEEP=0
FRONT_DOOR_FLAG=""
SHIM_SYNC=""
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$SCRIPT_DIR")
BINARY_SRC="$REPO/dist/git-traces"
GIT_SRC_DIR=${GIT_SRC_DIR:-/work/gitsrc}
WORK=${GTS_WORK:-/tmp}
STOCK_BIN=${STOCK_BIN:-/usr/bin}

usage() {
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  echo "  --jobs N       run up to N test scripts at once (default 1)"
  echo "  --binary FILE  the shim binary to test (default $REPO/dist/git-traces; it is copied first)"
  echo "  --front-door c|sh, --no-front-door  which git the installer puts first (default: its choice)"
  echo "  --background   shim runs with GIT_TRACES_SYNC=0: trace work in the background, as for a"
  echo "                 person at a terminal (and the C front door's light fetch); default: no"
  echo "                 terminal, so in the foreground"
  echo "  --keep         keep the trash directories (passes --debug to the tests)"
}

TESTS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs|-j) JOBS=$2; shift 2 ;;
    --jobs=*) JOBS=${1#--jobs=}; shift ;;
    -j[0-9]*) JOBS=${1#-j}; shift ;;
    --binary) BINARY_SRC=$2; shift 2 ;;
    --binary=*) BINARY_SRC=${1#--binary=}; shift ;;
    --front-door) FRONT_DOOR_FLAG="--front-door=$2"; shift 2 ;;
    --front-door=*|--no-front-door) FRONT_DOOR_FLAG=$1; shift ;;
    --keep) KEEP=1; shift ;;
    --background) SHIM_SYNC=0; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    *) t=${1##*/}; case "$t" in *.sh) ;; *) t="$t.sh" ;; esac; TESTS="$TESTS $t"; shift ;;
  esac
done
TESTS=${TESTS:-$DEFAULT_TESTS}

for v in $(env | sed -n 's/^\(GIT_TRACES_[A-Za-z0-9_]*\)=.*/\1/p'); do
  echo "note: unsetting $v for the runs" >&2
  unset "$v"
done

log() { printf '== %s\n' "$*" >&2; }
now() { date +%s; }
T_START=$(now)

# --- 1. source ---------------------------------------------------------------------------

GIT_DEB_VERSION=$(dpkg-query -W -f '${Version}' git)
UPSTREAM=${GIT_DEB_VERSION#*:}; UPSTREAM=${UPSTREAM%-*}
SRC="$GIT_SRC_DIR/git-$UPSTREAM"

add_deb_src() {
  # Mirror the installed "deb" entries (deb822 .sources or one-line .list) as deb-src.
  # Only Debian's own archives: other repositories (nodesource, ...) have no git source.
  f=/etc/apt/sources.list.d/git-traces-test-suite-src.list
  [ -f "$f" ] && return 0
  {
    cat /etc/apt/sources.list 2>/dev/null | sed -n 's/^deb \(.*debian.*\)$/deb-src \1/p'
    for s in /etc/apt/sources.list.d/*.sources; do
      [ -f "$s" ] || continue
      awk '
        function flush() {
          if (types ~ /(^| )deb( |$)/ && uris ~ /debian/) {
            n = split(uris, u, " "); m = split(suites, s, " ")
            for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
              printf "deb-src %s%s %s %s\n", signed, u[i], s[j], comps
          }
          types = uris = suites = comps = signed = ""
        }
        /^[ \t]*$/ { flush(); next }
        /^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
        /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
        /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
        /^Components:/ { sub(/^Components:[ \t]*/, ""); comps = $0 }
        /^Signed-By:/ { sub(/^Signed-By:[ \t]*/, ""); signed = "[signed-by=" $0 "] " }
        END { flush() }' "$s"
    done
    for s in /etc/apt/sources.list.d/*.list; do
      [ -f "$s" ] && sed -n 's/^deb \(.*debian\.org.*\)$/deb-src \1/p' "$s"
    done
  } | sort -u > "$f.tmp"
  if [ ! -s "$f.tmp" ]; then rm -f "$f.tmp"; echo "no Debian deb entries found to mirror as deb-src" >&2; exit 1; fi
  mv "$f.tmp" "$f"
  log "added $f:"; sed 's/^/   /' "$f" >&2
}

if [ -f "$SRC/t/test-lib.sh" ]; then
  log "git source already in $SRC"
else
  T0=$(now)
  if ! apt-cache showsrc git 2>/dev/null | grep -qx "Version: $GIT_DEB_VERSION"; then
    add_deb_src
    apt-get update -qq
  fi
  mkdir -p "$GIT_SRC_DIR"
  log "apt-get source git=$GIT_DEB_VERSION into $GIT_SRC_DIR"
  # --download-only then dpkg-source -x: works as root without the _apt sandbox dance.
  (cd "$GIT_SRC_DIR" && apt-get source -qq --download-only "git=$GIT_DEB_VERSION" &&
    dpkg-source -x "git_${GIT_DEB_VERSION#*:}.dsc" "git-$UPSTREAM" >/dev/null)
  log "source fetched in $(( $(now) - T0 ))s"
fi

# --- 2. build ----------------------------------------------------------------------------

# Debian's own options (debian/rules OPTS) so that GIT-BUILD-OPTIONS, and with it the test
# prerequisites (PCRE, PERL, PYTHON, gettext, sha1dc...), match the installed git.
MAKE_OPTS="NO_OPENSSL=1 USE_LIBPCRE2=1 prefix=/usr gitexecdir=/usr/lib/git-core
  INSTALLDIRS=vendor SANE_TOOL_PATH= INSTALL=install TAR=tar
  NO_CROSS_DIRECTORY_HARDLINKS=1 NO_INSTALL_HARDLINKS=1 NO_PERL_CPAN_FALLBACKS=1
  PYTHON_PATH=/usr/bin/python3 DEFAULT_PAGER=pager DEFAULT_EDITOR=editor"
BUILD_TIME=0
if [ -x "$SRC/t/helper/test-tool" ] && [ -x "$SRC/git" ] && [ -f "$SRC/GIT-BUILD-OPTIONS" ] && [ -d "$SRC/templates/blt" ]; then
  log "git already built in $SRC"
else
  need=""
  for p in build-essential libcurl4-gnutls-dev libexpat1-dev gettext zlib1g-dev libpcre2-dev tcl; do
    dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need="$need $p"
  done
  if [ -n "$need" ]; then
    log "apt-get install$need"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
  fi
  T0=$(now)
  log "make all (no docs) in $SRC; log: $WORK/gts-build.log"
  mkdir -p "$WORK"
  # shellcheck disable=SC2086
  if ! make -C "$SRC" -j"$(nproc)" all $MAKE_OPTS >"$WORK/gts-build.log" 2>&1; then
    tail -30 "$WORK/gts-build.log" >&2; echo "the build failed; see $WORK/gts-build.log" >&2; exit 1
  fi
  BUILD_TIME=$(( $(now) - T0 ))
  log "built in ${BUILD_TIME}s"
fi

# --- 3. the shim -------------------------------------------------------------------------

mkdir -p "$WORK"
BIN_COPY="$WORK/gts-binary"
PREFIX="$WORK/gts-prefix"
[ -f "$BINARY_SRC" ] || { echo "no shim binary at $BINARY_SRC (run bun run build)" >&2; exit 1; }
if [ "$(readlink -f "$BINARY_SRC")" != "$(readlink -f "$BIN_COPY")" ]; then
  cp "$BINARY_SRC" "$BIN_COPY.tmp" && mv -f "$BIN_COPY.tmp" "$BIN_COPY"
  for f in front-door.c front-door.sh; do
    if [ -f "$(dirname "$BINARY_SRC")/$f" ]; then cp "$(dirname "$BINARY_SRC")/$f" "$WORK/$f"; fi
  done
fi
log "installing $BIN_COPY (sha256 $(sha256sum "$BIN_COPY" | cut -c1-12)) into $PREFIX"
# PATH without any earlier git-traces install, so that the real git recorded is /usr/bin/git.
INSTALL_PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e '/\.git-traces/bin$' -e '^/tmp/gts' | paste -sd: -)
PATH="$INSTALL_PATH" sh "$REPO/scripts/install.sh" --binary "$BIN_COPY" --prefix "$PREFIX" --no-modify-path $FRONT_DOOR_FLAG >"$WORK/gts-install.log" 2>&1 ||
  { cat "$WORK/gts-install.log" >&2; exit 1; }
SHIM_BIN="$PREFIX/bin"
log "shim: $(grep -e 'front door' -e 'linked' "$WORK/gts-install.log" | sed 's/^git-traces: //'), real git: $(readlink "$PREFIX/libexec/git-traces/git")"
log "stock --exec-path: $("$STOCK_BIN/git" --exec-path); shim --exec-path: $("$SHIM_BIN/git" --exec-path)"

# --- 4. runs -----------------------------------------------------------------------------

RESULTS="$WORK/gts-results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS/stock" "$RESULTS/shim"
for t in $TESTS; do
  [ -f "$SRC/t/$t" ] || { echo "no such test script: $SRC/t/$t" >&2; exit 2; }
done

# run_one MODE TEST: TAP to $RESULTS/MODE/NAME.tap, verbose log to
# $RESULTS/MODE/test-results/NAME.out, seconds to NAME.time, exit status to NAME.rc.
run_one() {
  mode=$1 t=$2 name=${2%.sh}
  case "$mode" in stock) inst=$STOCK_BIN sync= ;; shim) inst=$SHIM_BIN sync=$SHIM_SYNC ;; esac
  opts="--verbose-log"
  [ "$KEEP" = 1 ] && opts="$opts --debug"
  s=$(now)
  set +e
  # shellcheck disable=SC2086
  # (test-lib.sh keeps GIT_TRACES_SYNC: it keeps every GIT_TRACE* variable.)
  (cd "$SRC/t" && env -u HARNESS_ACTIVE ${sync:+GIT_TRACES_SYNC=$sync} GIT_TEST_INSTALLED="$inst" TEST_OUTPUT_DIRECTORY="$RESULTS/$mode" \
    ./"$t" $opts ${GIT_TEST_OPTS:-} </dev/null >"$RESULTS/$mode/$name.tap" 2>"$RESULTS/$mode/$name.stderr")
  echo $? >"$RESULTS/$mode/$name.rc"
  set -e
  echo $(( $(now) - s )) >"$RESULTS/$mode/$name.time"
  printf '   %-5s %-40s rc=%s %ss\n' "$mode" "$t" "$(cat "$RESULTS/$mode/$name.rc")" "$(cat "$RESULTS/$mode/$name.time")" >&2
}

T_RUNS=$(now)
log "running $(echo $TESTS | wc -w) test script(s) x {stock, shim}, $JOBS at a time"
running=0
for t in $TESTS; do
  for mode in stock shim; do
    run_one "$mode" "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then wait -n 2>/dev/null || wait; running=$((running - 1)); fi
  done
done
wait
RUN_TIME=$(( $(now) - T_RUNS ))

# --- 5. compare --------------------------------------------------------------------------

# Numbers of the tests whose TAP line matches: failed = "not ok" without "# TODO",
# broken = "not ok ... # TODO known breakage", skipped = "ok N # skip".
tap_nums() {
  case "$2" in
    failed) grep -E '^not ok [0-9]+ ' "$1" | grep -v '# TODO' ;;
    broken) grep -E '^not ok [0-9]+ .*# TODO' "$1" ;;
    passed) grep -E '^ok [0-9]+ ' "$1" | grep -v -e '# skip' -e '# SKIP' ;;
    skipped) grep -E '^ok [0-9]+ .*# (skip|SKIP)' "$1" ;;
  esac | sed -E 's/^(not )?ok ([0-9]+).*/\2/' | paste -sd' ' -
}
count() { set -- $1; echo $#; }
total_of() { sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$1" | tail -1; }

status=0
fmt='%-38s %-5s %5s %5s %6s %6s %7s %4s %5s  %s\n'
echo
printf "$fmt" script run total pass fail broken skipped rc secs "failing tests"
printf '%s\n' "$(printf '%.0s-' $(seq 1 110))"
VERDICTS=""
for t in $TESTS; do
  name=${t%.sh}
  for mode in stock shim; do
    tap="$RESULTS/$mode/$name.tap"
    f=$(tap_nums "$tap" failed)
    printf "$fmt" "$name" "$mode" "$(total_of "$tap")" "$(count "$(tap_nums "$tap" passed)")" "$(count "$f")" \
      "$(count "$(tap_nums "$tap" broken)")" "$(count "$(tap_nums "$tap" skipped)")" \
      "$(cat "$RESULTS/$mode/$name.rc")" "$(cat "$RESULTS/$mode/$name.time")" "${f:--}"
  done
  fs=" $(tap_nums "$RESULTS/stock/$name.tap" failed) "
  only=""
  for n in $(tap_nums "$RESULTS/shim/$name.tap" failed); do
    case "$fs" in *" $n "*) ;; *) only="$only $n" ;; esac
  done
  # A script that dies before its plan line (no "1..N") is a difference too.
  ts=$(total_of "$RESULTS/stock/$name.tap"); th=$(total_of "$RESULTS/shim/$name.tap")
  if [ -n "$only" ]; then
    VERDICTS="$VERDICTS$name: fail only through the shim:$only
"
    for n in $only; do
      VERDICTS="$VERDICTS    $(grep -E "^not ok $n " "$RESULTS/shim/$name.tap")
"
    done
    status=1
  elif [ "$ts" != "$th" ]; then
    VERDICTS="$VERDICTS$name: different number of tests run (stock ${ts:-none}, shim ${th:-none}; see $RESULTS/shim/$name.stderr)
"
    status=1
  else
    fh=" $(tap_nums "$RESULTS/shim/$name.tap" failed) "
    fixed=""
    for n in $fs; do case "$fh" in *" $n "*) ;; *) fixed="$fixed $n" ;; esac; done
    VERDICTS="$VERDICTS$name: same${fixed:+ (fails only with stock git:$fixed)}
"
  fi
done
echo
printf '%s' "$VERDICTS"
echo
echo "git $GIT_DEB_VERSION from $SRC; build ${BUILD_TIME}s (0 = already built), runs ${RUN_TIME}s (--jobs $JOBS), total $(( $(now) - T_START ))s"
echo "logs: $RESULTS/{stock,shim}/<name>.tap and $RESULTS/{stock,shim}/test-results/<name>.out"
exit $status
