#!/usr/bin/env bash
# Side-by-side hook overhead: gatekeeper vs a plain sh hook, pre-commit, prek, lefthook (and hk
# when installed), each with ONE no-op gate, in identical scratch repositories, in one run.
#   benches/hooks.sh [--runs N]
# Needs hyperfine (Debian package `hyperfine`), python3 (benches/alternate.py) and the peers'
# binaries in one folder (PEERS=~/.cache/gatekeeper-peers/bin by default; docs/BENCHMARKS.md
# shows how to install them).
# Prints hyperfine's markdown tables; docs/BENCHMARKS.md records a run.
set -euo pipefail
runs=${2:-50}
[ "${1:-}" = "--runs" ] || runs=50
. "$(dirname "$0")/common.sh"

new_repo() { # name
  local d="$scratch/$1"; mkdir -p "$d"; git -C "$d" init -q -b main
  echo base > "$d/file.txt"; git -C "$d" add file.txt; git -C "$d" commit -q --no-verify -m base
  echo "$d"
}
precommit_config='repos:
- repo: local
  hooks:
  - id: noop
    name: noop
    entry: "true"
    language: system
    pass_filenames: false
    always_run: true
'
tools=()
d=$(new_repo sh); printf '#!/bin/sh\ntrue\n' > "$d/.git/hooks/pre-commit"; chmod +x "$d/.git/hooks/pre-commit"; tools+=(sh)
d=$(new_repo gatekeeper); printf 'gates:\n  noop:\n    run: "true"\n' > "$d/gatekeeper.yml"
git -C "$d" add gatekeeper.yml; git -C "$d" commit -q --no-verify -m cfg; "$gk" -C "$d" install >/dev/null; tools+=(gatekeeper)
# GK_BEFORE=/path/to/an/older/gatekeeper adds that build, in its own repository, as a column.
if [ -n "${GK_BEFORE:-}" ]; then
  d=$(new_repo gatekeeper-before); printf 'gates:\n  noop:\n    run: "true"\n' > "$d/gatekeeper.yml"
  git -C "$d" add gatekeeper.yml; git -C "$d" commit -q --no-verify -m cfg; "$GK_BEFORE" -C "$d" install >/dev/null; tools+=(gatekeeper-before)
fi
for t in pre-commit prek; do
  if [ -x "$peers/$t" ]; then
    d=$(new_repo "$t"); printf '%s' "$precommit_config" > "$d/.pre-commit-config.yaml"
    git -C "$d" add .pre-commit-config.yaml; git -C "$d" commit -q --no-verify -m cfg
    (cd "$d" && "$peers/$t" install >/dev/null && "$peers/$t" run --all-files >/dev/null 2>&1 || true); tools+=("$t")
  fi
done
if [ -x "$peers/lefthook" ]; then
  d=$(new_repo lefthook); printf 'pre-commit:\n  commands:\n    noop:\n      run: "true"\n' > "$d/lefthook.yml"
  git -C "$d" add lefthook.yml; git -C "$d" commit -q --no-verify -m cfg
  (cd "$d" && PATH="$peers:$PATH" "$peers/lefthook" install >/dev/null); tools+=(lefthook)
fi
export PATH="$peers:$PATH"

bare=(); commit=()
for t in "${tools[@]}"; do
  d="$scratch/$t"
  bare+=(-n "$t" "cd $d && .git/hooks/pre-commit")
  commit+=(-n "$t" --prepare "cd $d && date +%s%N >> file.txt && git add file.txt" "cd $d && git commit -q -m bench")
done
# hyperfine's markdown has means; the medians come from its JSON export.
medians() { # json
  python3 - "$1" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]["median"]
print("| median [ms] | " + " | ".join(f"`{r['command']}` {r['median'] * 1000:.1f} ({r['median'] / base:.2f}x)" for r in results) + " |")
PY
}
echo "## bare hook invocation (one no-op gate)"
hyperfine --warmup 5 --runs "$runs" --export-markdown "$scratch/bare.md" --export-json "$scratch/bare.json" "${bare[@]}" >&2 || true
cat "$scratch/bare.md"
medians "$scratch/bare.json"
echo
echo "## one-file git commit"
hyperfine --warmup 3 --runs "$runs" --export-markdown "$scratch/commit.md" --export-json "$scratch/commit.json" "${commit[@]}" >&2 || true
cat "$scratch/commit.md"
medians "$scratch/commit.json"
echo
echo "## one-file git commit, tools alternating ($runs rounds)"
alternating=()
for t in "${tools[@]}"; do alternating+=("$scratch/$t:$t"); done
python3 "$here/benches/alternate.py" "$runs" "${alternating[@]}"
