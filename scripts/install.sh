#!/bin/sh
# git-traces installer: builds the binary and puts it ahead of git on PATH.
#
#   scripts/install.sh [--prefix DIR] [--no-modify-path] [--binary FILE]
#   scripts/install.sh --uninstall [--prefix DIR] [--purge] [--force]
#
# Installs <prefix>/bin/git-traces and <prefix>/bin/git (a symlink to it), records the real
# git as the symlink <prefix>/libexec/git-traces/git, and prepends <prefix>/bin to PATH in
# the shell start-up files inside a marked block. Running it again changes nothing;
# --uninstall removes all of it and leaves the start-up files as they were. Before it
# deletes the binary, it has the binary take out what git-traces added elsewhere
# (`git-traces uninstall`): the agent hooks (`git traces hooks install`, --project ones
# included), the notes fetch refspecs it added to repositories, and with --purge the
# snapshots of sessions it kept.
#
# Plain POSIX sh: runs under dash, bash 3.2 (macOS) and zsh's sh mode; no GNU-only flags.

set -eu

MARK_START='# >>> git-traces >>>'
MARK_START_NOEOL='# >>> git-traces >>> (the file had no final newline)'
MARK_END='# <<< git-traces <<<'

PREFIX="${GIT_TRACES_PREFIX:-${HOME}/.git-traces}"
MODIFY_PATH=1
UNINSTALL=0
PURGE=0
FORCE=0
BINARY=""

say() { printf 'git-traces: %s\n' "$*"; }
die() { printf 'git-traces: error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<'EOF'
usage: scripts/install.sh [--prefix DIR] [--no-modify-path] [--binary FILE]
       scripts/install.sh --uninstall [--prefix DIR] [--purge] [--force]

  --prefix DIR       install into DIR (default: ~/.git-traces)
  --no-modify-path   do not touch shell start-up files
  --binary FILE      install this prebuilt binary instead of building one
  --uninstall        remove the agent hooks and the notes refspecs git-traces added,
                     then the binary, the recorded git and the PATH blocks
  --purge            with --uninstall: also delete the snapshots of agent sessions
                     (unredacted copies of transcripts) and git-traces' other data
  --force            with --uninstall: remove the rest even when the hooks or
                     refspecs could not all be removed
  -h, --help         show this help
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; PREFIX=$2; shift 2 ;;
    --prefix=*) PREFIX=${1#--prefix=}; shift ;;
    --binary) [ $# -ge 2 ] || die "--binary needs a file"; BINARY=$2; shift 2 ;;
    --binary=*) BINARY=${1#--binary=}; shift ;;
    --no-modify-path) MODIFY_PATH=0; shift ;;
    --uninstall) UNINSTALL=1; shift ;;
    --purge) PURGE=1; shift ;;
    --force) FORCE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

if [ "$UNINSTALL" = 0 ] && { [ "$PURGE" = 1 ] || [ "$FORCE" = 1 ]; }; then
  usage >&2; die "--purge and --force go with --uninstall"
fi

case "$PREFIX" in
  /*) ;;
  "") die "--prefix is empty" ;;
  *) PREFIX="$(pwd)/$PREFIX" ;;
esac
PREFIX=${PREFIX%/}
case "$PREFIX" in
  *'"'*|*'$'*|*'`'*|*'\'*) die "the prefix may not contain \", \$, \` or \\: $PREFIX" ;;
esac
case "$PREFIX" in
  *'
'*) die "the prefix may not contain a newline" ;;
esac

BIN="$PREFIX/bin"
LIBEXEC="$PREFIX/libexec/git-traces"
STATE="$PREFIX/etc/install-state"
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$SCRIPT_DIR")

# --- shell start-up files --------------------------------------------------------------

# Every file a block may live in; uninstall looks in all of them.
rc_candidates() {
  printf '%s\n' "$HOME/.profile" "$HOME/.bashrc" "$HOME/.bash_profile" "$HOME/.bash_login" \
    "${ZDOTDIR:-$HOME}/.zshrc" "${XDG_CONFIG_HOME:-$HOME/.config}/fish/config.fish"
}

shell_is() { case "${SHELL:-}" in */"$1") return 0 ;; esac; return 1; }

# The files to add the block to: ~/.profile always; bash's and zsh's when the file exists
# or that is the user's shell; bash's login file only when the user has one (then bash
# reads it instead of ~/.profile); fish's when fish is there.
rc_targets() {
  printf '%s\n' "$HOME/.profile"
  if [ -f "$HOME/.bashrc" ] || shell_is bash; then printf '%s\n' "$HOME/.bashrc"; fi
  if [ -f "$HOME/.bash_profile" ]; then printf '%s\n' "$HOME/.bash_profile"
  elif [ -f "$HOME/.bash_login" ]; then printf '%s\n' "$HOME/.bash_login"; fi
  if [ -f "${ZDOTDIR:-$HOME}/.zshrc" ] || shell_is zsh; then printf '%s\n' "${ZDOTDIR:-$HOME}/.zshrc"; fi
  fish_config="${XDG_CONFIG_HOME:-$HOME/.config}/fish/config.fish"
  if [ -f "$fish_config" ] || shell_is fish || command -v fish >/dev/null 2>&1; then printf '%s\n' "$fish_config"; fi
}

# The lines between the markers, for file $1.
block_body() {
  case "$1" in
    *.fish)
      cat <<EOF
# Puts the git-traces shim ahead of git. Remove with: $REPO/scripts/install.sh --uninstall
if not contains -- "$BIN" \$PATH[1]
    set -gx PATH "$BIN" \$PATH
end
EOF
      ;;
    *)
      cat <<EOF
# Puts the git-traces shim ahead of git. Remove with: $REPO/scripts/install.sh --uninstall
case ":\${PATH}:" in
  ":$BIN:"*) ;;
  *) export PATH="$BIN:\${PATH}" ;;
esac
EOF
      ;;
  esac
}

has_block() { [ -f "$1" ] && grep -q "^$MARK_START" "$1"; }

current_body() {
  awk -v start="$MARK_START" -v end="$MARK_END" '
    index($0, start) == 1 { inblock = 1; next }
    inblock && $0 == end { inblock = 0; next }
    inblock { print }' "$1"
}

# Removes the block from $1, restoring the bytes around it exactly: the newline added
# before a block in a file without a final newline goes too.
remove_block() {
  rb_file=$1
  rb_eol=1
  if [ -s "$rb_file" ] && [ -n "$(tail -c 1 "$rb_file")" ]; then rb_eol=0; fi
  rb_tmp="$rb_file.git-traces.$$"
  awk -v start="$MARK_START" -v end="$MARK_END" -v eol="$rb_eol" '
    index($0, start) == 1 { inblock = 1; if (index($0, "no final newline")) noeol = 1; next }
    inblock && $0 == end { inblock = 0; blockend = NR; next }
    inblock { next }
    { lines[++n] = $0; if (blockend) after = 1 }
    END {
      for (i = 1; i <= n; i++) { printf "%s", lines[i]; if (i < n) printf "\n" }
      if (n > 0 && (after ? eol : !noeol)) printf "\n"
    }' "$rb_file" > "$rb_tmp"
  # cat > keeps the file itself: its inode, mode, owner, and a symlink to a dotfiles repo.
  cat "$rb_tmp" > "$rb_file"
  rm -f "$rb_tmp"
}

add_block() {
  ab_file=$1
  ab_body=$(block_body "$ab_file")
  if has_block "$ab_file"; then
    if [ "$(current_body "$ab_file")" = "$ab_body" ]; then
      say "PATH already set in $ab_file"
      return 0
    fi
    remove_block "$ab_file"
  fi
  if [ ! -e "$ab_file" ]; then
    mkdir -p "$(dirname "$ab_file")"
    : > "$ab_file"
    printf 'created %s\n' "$ab_file" >> "$STATE"
  fi
  if [ -s "$ab_file" ] && [ -n "$(tail -c 1 "$ab_file")" ]; then
    printf '\n%s\n%s\n%s\n' "$MARK_START_NOEOL" "$ab_body" "$MARK_END" >> "$ab_file"
  else
    printf '%s\n%s\n%s\n' "$MARK_START" "$ab_body" "$MARK_END" >> "$ab_file"
  fi
  say "added $BIN to PATH in $ab_file"
}

was_created() { [ -f "$STATE" ] && grep -qxF "created $1" "$STATE"; }

# --- uninstall -------------------------------------------------------------------------

# What git-traces added outside the prefix goes first, while the binary that knows it is
# still there: left behind, the agents' hooks would run a binary that is gone.
remove_additions() {
  if [ ! -x "$BIN/git-traces" ]; then
    say "no $BIN/git-traces: agent hooks and notes refspecs, if any, were left in place"
    return 0
  fi
  if [ "$PURGE" = 1 ]; then set -- --purge; else set --; fi
  if "$BIN/git-traces" uninstall "$@"; then return 0; fi
  if [ "$FORCE" = 1 ]; then
    say "some agent hooks or refspecs were not removed (above); removing the rest anyway (--force)"
    return 0
  fi
  die "some agent hooks or refspecs were not removed (above); fix that and run --uninstall again, or add --force to remove the rest anyway"
}

uninstall() {
  remove_additions
  rc_candidates | while IFS= read -r f; do
    if has_block "$f"; then
      remove_block "$f"
      if was_created "$f" && [ ! -s "$f" ]; then
        rm -f "$f"
        say "removed $f (the installer had created it)"
      else
        say "removed the PATH block from $f"
      fi
    fi
  done
  if [ -L "$BIN/git" ] && [ "$(readlink "$BIN/git")" = "git-traces" ]; then rm -f "$BIN/git"; say "removed $BIN/git"; fi
  if [ -f "$BIN/git-traces" ]; then rm -f "$BIN/git-traces"; say "removed $BIN/git-traces"; fi
  if [ -e "$LIBEXEC/git" ] || [ -L "$LIBEXEC/git" ]; then rm -f "$LIBEXEC/git"; say "removed the recorded real git ($LIBEXEC/git)"; fi
  if [ -d "$PREFIX/lib/bun" ]; then rm -rf "$PREFIX/lib/bun"; say "removed the bun installed under $PREFIX/lib/bun"; fi
  rm -f "$STATE"
  for d in "$LIBEXEC" "$PREFIX/libexec" "$PREFIX/etc" "$PREFIX/lib" "$BIN" "$PREFIX"; do
    rmdir "$d" 2>/dev/null || true
  done
  say "uninstalled. Open a new shell so that PATH no longer has $BIN."
}

# --- install ---------------------------------------------------------------------------

ensure_bun() {
  if command -v bun >/dev/null 2>&1; then BUN=$(command -v bun); return 0; fi
  command -v npm >/dev/null 2>&1 || die "bun is not installed and npm is not there to install it; install bun (https://bun.sh) or Node.js first"
  say "bun not found: installing it with npm install -g bun"
  if npm install -g bun >/dev/null 2>&1; then
    npm_bin="$(npm prefix -g 2>/dev/null)/bin/bun"
    if command -v bun >/dev/null 2>&1; then BUN=$(command -v bun); return 0; fi
    if [ -x "$npm_bin" ]; then BUN=$npm_bin; return 0; fi
  fi
  say "npm install -g was refused; installing bun under $PREFIX/lib/bun instead"
  mkdir -p "$PREFIX/lib/bun"
  npm install --prefix "$PREFIX/lib/bun" bun >/dev/null || die "could not install bun with npm"
  BUN="$PREFIX/lib/bun/node_modules/.bin/bun"
  [ -x "$BUN" ] || die "bun was installed but $BUN is missing"
}

build_binary() {
  ensure_bun
  say "building with $BUN ($("$BUN" --version))"
  # package.json scripts call `bun` by name: make sure it is the one found above.
  PATH="$(dirname "$BUN"):$PATH"
  export PATH
  (cd "$REPO" && "$BUN" install --frozen-lockfile >/dev/null && "$BUN" run build >/dev/null) || die "the build failed (run: cd $REPO && bun install && bun run build)"
  BINARY="$REPO/dist/git-traces"
}

install() {
  if [ -z "$BINARY" ]; then build_binary; fi
  [ -f "$BINARY" ] || die "no binary at $BINARY"
  mkdir -p "$BIN" "$LIBEXEC" "$PREFIX/etc"
  [ -f "$STATE" ] || : > "$STATE"

  # Copy then rename: a git running from the old binary keeps its file.
  if [ -f "$BIN/git-traces" ] && cmp -s "$BINARY" "$BIN/git-traces"; then
    say "$BIN/git-traces is up to date"
  else
    cp "$BINARY" "$BIN/.git-traces.new.$$"
    chmod 755 "$BIN/.git-traces.new.$$"
    mv -f "$BIN/.git-traces.new.$$" "$BIN/git-traces"
    say "installed $BIN/git-traces"
  fi
  if [ -L "$BIN/git" ] && [ "$(readlink "$BIN/git")" = "git-traces" ]; then :; else
    [ ! -e "$BIN/git" ] || [ -L "$BIN/git" ] || die "$BIN/git exists and is not ours; move it away first"
    ln -sf git-traces "$BIN/git"
    say "linked $BIN/git -> git-traces"
  fi

  # The real git: the first git on PATH that is not the shim (the binary knows how to tell).
  real=$("$BIN/git-traces" find-real-git) || die "no git found on PATH besides git-traces; install git first"
  if [ -L "$LIBEXEC/git" ] && [ "$(readlink "$LIBEXEC/git")" = "$real" ]; then
    say "real git already recorded: $real"
  else
    rm -f "$LIBEXEC/git"
    ln -s "$real" "$LIBEXEC/git"
    say "recorded the real git: $real"
  fi

  if [ "$MODIFY_PATH" = 1 ]; then
    rc_targets | while IFS= read -r f; do add_block "$f"; done
  else
    say "left shell start-up files alone (--no-modify-path)"
  fi

  echo
  say "done. Next:"
  if [ "$MODIFY_PATH" = 1 ]; then
    echo "  1. open a new shell (or run: export PATH=\"$BIN:\$PATH\")"
  else
    echo "  1. put $BIN first on PATH yourself: export PATH=\"$BIN:\$PATH\""
  fi
  echo "  2. check it: git traces doctor"
  echo "  To remove: $REPO/scripts/install.sh --uninstall$( [ "$PREFIX" = "$HOME/.git-traces" ] || printf ' --prefix %s' "$PREFIX")"
}

if [ "$UNINSTALL" = 1 ]; then uninstall; else install; fi
