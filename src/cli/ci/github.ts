// The GitHub Actions workflow `git traces ci init --github` writes (docs/ci.md). Pure text.
// Each step's script reads the pull request from GITHUB_EVENT_PATH rather than from
// `${{ }}` expressions, so that the tests run the same scripts with a recorded event.

import type { CiPins } from "./pins.ts";

/** Builds git-traces from its own repository at the pinned ref, with the pinned Bun. */
export const INSTALL_STEP = `set -euo pipefail
src="$RUNNER_TEMP/git-traces-src"
git init -q "$src"
git -C "$src" fetch -q --depth=1 --no-tags "$GIT_TRACES_SOURCE" "$GIT_TRACES_REF"
git -C "$src" checkout -q FETCH_HEAD
npm install --global --no-fund --no-audit "bun@$BUN_VERSION"
sh "$src/scripts/install.sh" --prefix "$RUNNER_TEMP/git-traces" --no-modify-path
echo "GIT_TRACES=$RUNNER_TEMP/git-traces/bin/git-traces" >> "$GITHUB_ENV"
`;

/**
 * What both jobs start with: the pull request's facts from the event, the repository as a
 * remote with the token as an HTTP header in the environment (never in a URL, an argument
 * or a file), and the commits fetched without their file contents until something reads
 * them.
 */
const PREAMBLE = `set -euo pipefail
event="$GITHUB_EVENT_PATH"
pr=$(jq -r '.pull_request.number' "$event")
base=$(jq -r '.pull_request.base.sha' "$event")
head=$(jq -r '.pull_request.head.sha' "$event")
head_repo=$(jq -r '.pull_request.head.repo.full_name // ""' "$event")
fork=false
if [ "$head_repo" != "$GITHUB_REPOSITORY" ]; then fork=true; fi
export GIT_CONFIG_COUNT=1
export GIT_CONFIG_KEY_0="http.$GITHUB_SERVER_URL/.extraheader"
GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $(printf 'x-access-token:%s' "$GH_TOKEN" | base64 | tr -d '\\n')"
export GIT_CONFIG_VALUE_0
export GIT_AUTHOR_NAME="github-actions[bot]" GIT_COMMITTER_NAME="github-actions[bot]"
export GIT_AUTHOR_EMAIL="41898282+github-actions[bot]@users.noreply.github.com"
export GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
git init -q .
git remote remove origin 2>/dev/null || true
git remote add origin "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY.git"
`;

/** The notes of the remote, when it has some; a fork's notes too (read-only: they stay here). */
const FETCH_NOTES = `if git ls-remote --exit-code origin refs/notes/traces >/dev/null; then
  git fetch -q --no-tags origin "+refs/notes/traces:refs/notes/traces"
fi
if [ "$fork" = true ] && [ -n "$head_repo" ] &&
  git ls-remote --exit-code "$GITHUB_SERVER_URL/$head_repo.git" refs/notes/traces >/dev/null 2>&1; then
  git fetch -q --no-tags "$GITHUB_SERVER_URL/$head_repo.git" "+refs/notes/traces:refs/notes/traces-fork"
  if git rev-parse -q --verify refs/notes/traces >/dev/null; then
    git notes --ref=traces merge -q -s cat_sort_uniq refs/notes/traces-fork
  else
    git update-ref refs/notes/traces refs/notes/traces-fork
  fi
fi
`;

/** Posts the summary as one comment, or edits the comment an earlier run posted. */
export const SUMMARY_STEP = `${PREAMBLE}git fetch -q --no-tags --filter=blob:none origin "$base" "$head"
${FETCH_NOTES}marker='<!-- git-traces summary -->'
body="$RUNNER_TEMP/git-traces-summary.md"
{ echo "$marker"; "$GIT_TRACES" summary "$base..$head" --markdown; } > "$body"
cat "$body" >> "$GITHUB_STEP_SUMMARY"
if [ "$fork" = true ]; then
  echo "A pull request from a fork: its token is read-only, so the summary is in this job's summary, not a comment."
  exit 0
fi
ids=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$pr/comments" \\
  --jq '.[] | select(.user.login == "github-actions[bot]")
    | select(.body | startswith("<!-- git-traces summary -->")) | .id')
id=\${ids%%$'\\n'*}
if [ -n "$id" ]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$body" --silent
  echo "updated comment $id"
else
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$pr/comments" -F "body=@$body" --silent
  echo "posted a comment on #$pr"
fi
`;

/** After the merge: the traces carried onto the commits the forge made, and pushed. */
export const CARRY_STEP = `${PREAMBLE}merge=$(jq -r '.pull_request.merge_commit_sha // ""' "$event")
if [ "$fork" = true ]; then
  echo "A pull request from a fork: its token is read-only, so nothing is carried here (docs/ci.md)."
  exit 0
fi
if [ -z "$merge" ]; then echo "no merge commit: nothing to carry"; exit 0; fi
base_ref=$(jq -r '.pull_request.base.ref' "$event")
# The target branch as a tracking ref: the notes push sends the notes of commits origin has.
git fetch -q --no-tags --filter=blob:none origin "$base" "$head" "$merge" \\
  "+refs/heads/$base_ref:refs/remotes/origin/$base_ref"
${FETCH_NOTES}if git merge-base --is-ancestor "$head" "$merge"; then
  echo "merged with a merge commit: the pull request's commits keep their own notes"
  exit 0
fi
"$GIT_TRACES" carry "$base..$head" "$base..$merge" --no-fetch
"$GIT_TRACES" sync origin
`;

function block(script: string, indent: string): string {
  return script
    .trimEnd()
    .split("\n")
    .map((l) => (l ? `${indent}${l}` : ""))
    .join("\n");
}

export function githubWorkflow(pins: CiPins): string {
  const i = "          ";
  return `# git-traces: the agent traces of each pull request in one comment, carried onto the
# commits of a squash or rebase merge after it. Written by \`git traces ci init\`
# (git-traces ${pins.version}); see docs/ci.md in git-traces. It uses the default token with
# the permissions each job names. A pull request from a fork runs with a read-only token and
# no secrets: it writes the summary to the job summary, posts nothing and carries nothing.
name: git-traces

on:
  pull_request:
    types: [opened, synchronize, reopened, closed]

permissions: {}

concurrency:
  group: git-traces-\${{ github.event.pull_request.number }}
  cancel-in-progress: false

env:
  GIT_TRACES_SOURCE: ${pins.source}
  GIT_TRACES_REF: ${pins.ref}
  BUN_VERSION: ${pins.bun}

defaults:
  run:
    shell: bash

jobs:
  summary:
    if: github.event.action != 'closed'
    runs-on: ubuntu-24.04
    timeout-minutes: 15
    permissions:
      contents: read
      pull-requests: write
    steps:
      - name: Install git-traces
        run: |
${block(INSTALL_STEP, i)}
      - name: Post the summary of the pull request's traces
        env:
          GH_TOKEN: \${{ github.token }}
        run: |
${block(SUMMARY_STEP, i)}
  carry:
    if: github.event.action == 'closed' && github.event.pull_request.merged
    runs-on: ubuntu-24.04
    timeout-minutes: 15
    permissions:
      contents: write
    steps:
      - name: Install git-traces
        run: |
${block(INSTALL_STEP, i)}
      - name: Carry the traces onto the merged commits
        env:
          GH_TOKEN: \${{ github.token }}
        run: |
${block(CARRY_STEP, i)}
`;
}
