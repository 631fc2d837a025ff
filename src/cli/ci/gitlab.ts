// The GitLab CI file `git traces ci init --gitlab` writes (docs/ci.md), included from the
// project's .gitlab-ci.yml. Pure text. GitLab's job token cannot write merge request notes
// or push, so both jobs use a project access token in the masked, protected variable
// GIT_TRACES_TOKEN; without it (a fork's pipeline gets no protected variables) the summary
// goes to the job log only and nothing is carried.

import type { CiPins } from "./pins.ts";

const INSTALL = [
  "apt-get update -qq && apt-get install -qq -y jq >/dev/null",
  'src="$CI_PROJECT_DIR/.git-traces-src"',
  'rm -rf "$src" && git init -q "$src"',
  'git -C "$src" fetch -q --depth=1 --no-tags "$GIT_TRACES_SOURCE" "$GIT_TRACES_REF"',
  'git -C "$src" checkout -q FETCH_HEAD',
  'npm install --global --no-fund --no-audit "bun@$BUN_VERSION"',
  'sh "$src/scripts/install.sh" --prefix "$CI_PROJECT_DIR/.git-traces" --no-modify-path',
  'export GIT_TRACES="$CI_PROJECT_DIR/.git-traces/bin/git-traces"',
  "export GIT_AUTHOR_NAME=git-traces GIT_COMMITTER_NAME=git-traces",
  'export GIT_AUTHOR_EMAIL="git-traces@$CI_SERVER_HOST" GIT_COMMITTER_EMAIL="git-traces@$CI_SERVER_HOST"',
  'git fetch -q --no-tags origin "+refs/notes/traces:refs/notes/traces" || echo "no notes on the remote yet"',
];

const SUMMARY = [
  'base="$CI_MERGE_REQUEST_DIFF_BASE_SHA"',
  'head="$CI_COMMIT_SHA"',
  'git fetch -q --no-tags origin "$base" "$head"',
  'body="$CI_PROJECT_DIR/git-traces-summary.md"',
  '{ echo "<!-- git-traces summary -->"; "$GIT_TRACES" summary "$base..$head" --markdown; } > "$body"',
  'cat "$body"',
  'if [ -z "$GIT_TRACES_TOKEN" ]; then echo "no GIT_TRACES_TOKEN: the summary is above, not posted"; exit 0; fi',
  'api="$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes"',
  'auth="PRIVATE-TOKEN: $GIT_TRACES_TOKEN"',
  'mine=\'[.[] | select(.body | startswith("<!-- git-traces summary -->"))][0].id // ""\'',
  'id=$(curl -fsS -H "$auth" "$api?per_page=100" | jq -r "$mine")',
  "payload=$(jq -Rs '{body: .}' \"$body\")",
  'json="Content-Type: application/json"',
  'if [ -n "$id" ]; then curl -fsS -X PUT -H "$auth" -H "$json" --data "$payload" "$api/$id" >/dev/null;',
  'else curl -fsS -X POST -H "$auth" -H "$json" --data "$payload" "$api" >/dev/null; fi',
];

const CARRY = [
  'if [ -z "$GIT_TRACES_TOKEN" ]; then echo "no GIT_TRACES_TOKEN: nothing can be pushed or carried"; exit 0; fi',
  'auth="PRIVATE-TOKEN: $GIT_TRACES_TOKEN"',
  'commit_api="$CI_API_V4_URL/projects/$CI_PROJECT_ID/repository/commits/$CI_COMMIT_SHA"',
  'mr=$(curl -fsS -H "$auth" "$commit_api/merge_requests")',
  'refs=$(echo "$mr" | jq -c \'[.[] | select(.state == "merged")][0].diff_refs // {}\')',
  'base=$(echo "$refs" | jq -r \'.base_sha // ""\')',
  'head=$(echo "$refs" | jq -r \'.head_sha // ""\')',
  'if [ -z "$base" ] || [ -z "$head" ]; then echo "no merged merge request here: nothing to carry"; exit 0; fi',
  'git fetch -q --no-tags origin "$base" "$head"',
  'if git merge-base --is-ancestor "$head" "$CI_COMMIT_SHA"; then echo "a merge commit: nothing to do"; exit 0; fi',
  '"$GIT_TRACES" carry "$base..$head" "$base..$CI_COMMIT_SHA" --no-fetch',
  'git remote set-url --push origin "https://oauth2:$GIT_TRACES_TOKEN@$CI_SERVER_HOST/$CI_PROJECT_PATH.git"',
  '"$GIT_TRACES" sync origin',
];

const list = (lines: readonly string[]) => lines.map((l) => `    - ${JSON.stringify(l)}`).join("\n");

export function gitlabCi(pins: CiPins): string {
  return `# git-traces: the agent traces of each merge request in one note, carried onto the commits
# of a squash or fast-forward merge after it. Written by \`git traces ci init --gitlab\`
# (git-traces ${pins.version}); see docs/ci.md in git-traces. Include it from .gitlab-ci.yml:
#
#   include:
#     - local: .gitlab/git-traces.gitlab-ci.yml
#
# Posting and pushing need a project access token (scope api, role Developer) in the masked,
# protected CI/CD variable GIT_TRACES_TOKEN. Without it, and in a fork's pipeline, the jobs
# only print the summary.

variables:
  GIT_TRACES_SOURCE: ${JSON.stringify(pins.source)}
  GIT_TRACES_REF: ${JSON.stringify(pins.ref)}
  BUN_VERSION: ${JSON.stringify(pins.bun)}

.git-traces:
  image: node:22-bookworm
  variables:
    GIT_DEPTH: "0"
  before_script:
${list(INSTALL)}

git-traces-summary:
  extends: .git-traces
  stage: test
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  script:
${list(SUMMARY)}

git-traces-carry:
  extends: .git-traces
  stage: deploy
  rules:
    - if: $CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
${list(CARRY)}
`;
}
