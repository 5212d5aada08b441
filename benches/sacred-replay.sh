#!/usr/bin/env bash
# Replays real history through `gatekeeper sacred check`: for each commit that touches the
# test files of a repository, lock every test of those files at the commit's first parent
# (`sacred.paths`), then check the commit's change against that lock. Writes one line per
# refusal (repo, commit, test id, rule) and prints the table of refusals by judgement.
#
#   benches/sacred-replay.sh [PROFILE=SOURCE ...]
#
# PROFILE: click (Python/pytest), cobra (Go), ky (TypeScript/JavaScript, AVA), tornado
# (Python/unittest), regex (Rust); and two histories judged once outside the default five,
# httpx (Python/pytest) and viper (Go with testify), replayed with SACRED_REPLAY_COMMITS=60:
#   httpx=https://github.com/encode/httpx.git@ae1b9f66238f75ced3ced5e4485408435de10768
#   viper=https://github.com/spf13/viper.git@528f7416c4b56a4948673984b190bf8713f0c3c4
# SOURCE: a git directory (a bare mirror works; it is only read) or a clone URL, optionally
# @COMMIT to end the replayed history there. Without arguments the five public repositories are
# cloned and replayed up to the commits measured in docs/sacred.md.
#   SACRED_REPLAY_COMMITS=N  commits per repository, the newest that touch tests (default 100)
#   SACRED_REPLAY_OUT=DIR    keep commits.tsv / refusals.tsv / the scratch clones in DIR
#   GK=PATH                  the gatekeeper binary (default: a debug build of this checkout)
# The judgements of each refusal are in benches/sacred-replay/judgements.tsv; refusals without
# one are listed on stderr. `replay.py audit DIR` lists accepted commits whose test diff
# removes assertion lines (to look for missed weakenings).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${GK:-}" ]; then
  cargo build --quiet --manifest-path "$here/Cargo.toml"
  GK="$here/target/debug/gatekeeper"
fi
# The histories measured in docs/sacred.md ("Measured on real history").
[ $# -gt 0 ] || set -- \
  click=https://github.com/pallets/click.git@2c8cd3ac958a7eb316d67f2d316c27086c4c0369 \
  cobra=https://github.com/spf13/cobra.git@adbc8813901bba65827259daa8e22ff94ec1f30e \
  ky=https://github.com/sindresorhus/ky.git@3419113b48e034fdcf8fa6bd3be3da7b3d0d758f \
  tornado=https://github.com/tornadoweb/tornado.git@e530031405e2154654dedc4c84d5656b557ea310 \
  regex=https://github.com/rust-lang/regex.git@2b527599eb9eea0dcc288c704584f242f26a5c61
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
out=${SACRED_REPLAY_OUT:-$scratch/out}
# Hermetic git and gatekeeper: no system or user configuration, no hooks, a fixed identity.
export HOME="$scratch/home" XDG_STATE_HOME="$scratch/home/state" XDG_CONFIG_HOME="$scratch/home/config"
export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
mkdir -p "$HOME"; : > "$HOME/.gitconfig"
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com
unset GATEKEEPER_SESSION
py="$here/benches/sacred-replay/replay.py"
python3 "$py" run "$out" "$GK" "$@"
echo "refusals: $out/refusals.tsv" >&2
python3 "$py" summary "$out" "$here/benches/sacred-replay/judgements.tsv"
