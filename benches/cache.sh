#!/usr/bin/env bash
# pre-commit with five gates of one second each (`sleep 1`), cold and warm, for gatekeeper
# (result cache), pre-commit, prek and lefthook, side by side in one run.
#   benches/cache.sh [RUNS]
# "cold": gatekeeper's cache is cleared before every run; "warm": the same staged content
# again. The peers have no result cache, so their warm run is their cold run. Each command gets
# its own --prepare (hyperfine applies a single --prepare to every command).
# Needs hyperfine and the peers' binaries in $PEERS (see docs/BENCHMARKS.md).
set -euo pipefail
runs=${1:-5}
. "$(dirname "$0")/common.sh"
new_repo() {
  local d="$scratch/$1"; mkdir -p "$d"; git -C "$d" init -q -b main
  echo base > "$d/file.txt"; git -C "$d" add file.txt; git -C "$d" commit -q --no-verify -m base
  echo change >> "$d/file.txt"; git -C "$d" add file.txt
  echo "$d"
}
args=()
d=$(new_repo gatekeeper)
{ echo "gates:"; for i in 1 2 3 4 5; do printf '  g%s:\n    run: sleep 1\n' "$i"; done; } > "$d/gatekeeper.yml"
"$gk" -C "$d" install >/dev/null
args+=(-n "gatekeeper cold" --prepare "$gk -C $d cache clear" "cd $d && .git/hooks/pre-commit")
args+=(-n "gatekeeper warm" --prepare true "cd $d && .git/hooks/pre-commit")
(cd "$d" && .git/hooks/pre-commit >/dev/null)
for t in pre-commit prek; do
  [ -x "$peers/$t" ] || continue
  d=$(new_repo "$t")
  { echo "repos:"; echo "- repo: local"; echo "  hooks:";
    for i in 1 2 3 4 5; do printf '  - {id: g%s, name: g%s, entry: sleep 1, language: system, pass_filenames: false, always_run: true}\n' "$i" "$i"; done; } > "$d/.pre-commit-config.yaml"
  (cd "$d" && "$peers/$t" install >/dev/null && .git/hooks/pre-commit >/dev/null 2>&1 || true)
  args+=(-n "$t" --prepare true "cd $d && .git/hooks/pre-commit")
done
if [ -x "$peers/lefthook" ]; then
  d=$(new_repo lefthook)
  { echo "pre-commit:"; echo "  parallel: true"; echo "  commands:"; for i in 1 2 3 4 5; do printf '    g%s:\n      run: sleep 1\n' "$i"; done; } > "$d/lefthook.yml"
  (cd "$d" && PATH="$peers:$PATH" "$peers/lefthook" install >/dev/null)
  args+=(-n "lefthook (parallel)" --prepare true "cd $d && PATH=$peers:\$PATH .git/hooks/pre-commit")
fi
hyperfine --warmup 1 --runs "$runs" --export-markdown "$scratch/cache.md" "${args[@]}" >&2 || true
cat "$scratch/cache.md"
