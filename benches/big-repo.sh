#!/usr/bin/env bash
# Hooks on a big repository, side by side in one run: no hook, a plain sh hook, gatekeeper,
# pre-commit, prek and lefthook, each with ONE no-op gate, on the SAME repository of FILES
# committed files (directories of 500 one-line files). Each tool's hook lives in its own
# folder, chosen per commit with `git -c core.hooksPath=...`.
#   benches/big-repo.sh [FILES] [RUNS]          (defaults: 100000 files, 20 runs)
#   PEERS_OFF=1 benches/big-repo.sh 1000000     (only no hook, sh and gatekeeper)
#   GIT_CONFIG="core.untrackedCache=true" benches/big-repo.sh   (extra repository settings)
#   GK_BEFORE=/path/to/older/gatekeeper benches/big-repo.sh   (adds that build as a column)
#   REPO=/var/tmp/big benches/big-repo.sh 1000000   (keeps the generated repository there and
#                                                    reuses it on the next run)
# Two scenarios: a one-file commit (one staged line), and a commit with one partially staged
# file (a staged line and an unstaged one: the set-aside path). gatekeeper's result cache is
# off (GATEKEEPER_NO_CACHE=1). Commits are timed with the tools alternating. Needs python3
# (and hyperfine, which the other benches share), and the peers in $PEERS (see
# docs/BENCHMARKS.md).
set -euo pipefail
files=${1:-100000}
runs=${2:-20}
. "$(dirname "$0")/common.sh"
export GATEKEEPER_NO_CACHE=1
repo=${REPO:-$scratch/repo}
fresh=1
[ -d "$repo/.git" ] && fresh=0
if [ $fresh = 1 ]; then
  mkdir -p "$repo"
  git -C "$repo" init -q -b main
  python3 - "$repo" "$files" <<'PY'
import os, sys
root, files = sys.argv[1], int(sys.argv[2])
for i in range(files):
    d = os.path.join(root, f"d{i // 500:04}")
    if i % 500 == 0:
        os.mkdir(d)
    with open(os.path.join(d, f"f{i % 500:03}.txt"), "w") as fh:
        fh.write(f"line {i}\n")
PY
fi
for kv in ${GIT_CONFIG:-}; do git -C "$repo" config "${kv%%=*}" "${kv#*=}"; done
printf 'gates:\n  noop:\n    run: "true"\n' > "$repo/gatekeeper.yml"
printf 'repos:\n- repo: local\n  hooks:\n  - id: noop\n    name: noop\n    entry: "true"\n    language: system\n    pass_filenames: false\n    always_run: true\n' > "$repo/.pre-commit-config.yaml"
printf 'pre-commit:\n  commands:\n    noop:\n      run: "true"\n' > "$repo/lefthook.yml"
if [ $fresh = 1 ]; then git -C "$repo" add -A; fi
# A previous run leaves the partially staged file's unstaged line behind: the one-file commit
# must start from a clean work tree (else every hook manager sets that line aside there too).
git -C "$repo" -c core.hooksPath=/dev/null checkout -q -- .
git -C "$repo" add gatekeeper.yml .pre-commit-config.yaml lefthook.yml
git -C "$repo" diff --cached --quiet || git -C "$repo" commit -q --no-verify -m base
rm -f "$repo/.git/hooks/pre-commit"
echo "repository: $(git -C "$repo" ls-files | wc -l) files, index $(du -h "$repo/.git/index" | cut -f1)" >&2

# Each tool installs into .git/hooks; its pre-commit hook is then moved into its own folder.
hooks() { # tool: prints the folder of its hooks
  local d="$scratch/hooks-$1"; mkdir -p "$d"; echo "$d"
}
take_hook() { # tool
  mv "$repo/.git/hooks/pre-commit" "$(hooks "$1")/pre-commit"
}
tools=(none sh gatekeeper)
printf '#!/bin/sh\ntrue\n' > "$(hooks sh)/pre-commit"; chmod +x "$(hooks sh)/pre-commit"
"$gk" -C "$repo" install >/dev/null
take_hook gatekeeper
if [ -n "${GK_BEFORE:-}" ]; then
  "$GK_BEFORE" -C "$repo" install >/dev/null
  take_hook gatekeeper-before; tools+=(gatekeeper-before)
fi
if [ -z "${PEERS_OFF:-}" ]; then
  for t in pre-commit prek; do
    if [ -x "$peers/$t" ]; then
      (cd "$repo" && "$peers/$t" install >/dev/null && "$peers/$t" run --all-files >/dev/null 2>&1 || true)
      take_hook "$t"; tools+=("$t")
    fi
  done
  if [ -x "$peers/lefthook" ]; then
    (cd "$repo" && PATH="$peers:$PATH" "$peers/lefthook" install >/dev/null)
    take_hook lefthook; tools+=(lefthook)
  fi
fi
export PATH="$peers:$PATH"
git -C "$repo" status --porcelain | head -5 >&2

# Timed in alternation (as benches/alternate.py does for small repositories): round after
# round, each tool commits once, in a shuffled order, so that every tool sees the same minutes
# of a machine whose speed drifts. The preparation (appending a line, staging it) is not timed.
specs=()
for t in "${tools[@]}"; do
  if [ "$t" = none ]; then specs+=("$t=/dev/null"); else specs+=("$t=$(hooks "$t")"); fi
done
python3 - "$repo" "$runs" "$files" "${specs[@]}" <<'PY'
import random, statistics, subprocess, sys, time
repo, rounds, files = sys.argv[1], int(sys.argv[2]), sys.argv[3]
tools = [a.split("=", 1) for a in sys.argv[4:]]
def git(*args, **kw):
    subprocess.run(["git", "-C", repo, *args], check=True, **kw)
def append(path):
    with open(f"{repo}/{path}", "a", encoding="utf-8") as f:
        f.write(f"{time.time_ns()}\n")
scenarios = {
    "one-file commit": lambda: (append("d0000/f000.txt"), git("add", "d0000/f000.txt")),
    "commit with one partially staged file": lambda: (
        append("d0000/f001.txt"), git("add", "d0000/f001.txt"), append("d0000/f001.txt")),
}
shuffler = random.Random(2026)
for title, prepare in scenarios.items():
    times = {name: [] for name, _ in tools}
    for _ in range(rounds + 2):
        order = list(tools)
        shuffler.shuffle(order)
        for name, hooks in order:
            prepare()
            start = time.perf_counter()
            git("-c", f"core.hooksPath={hooks}", "commit", "-q", "-m", "bench",
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append((time.perf_counter() - start) * 1000)
    # The first two rounds warm the caches and are not counted.
    times = {k: v[2:] for k, v in times.items()}
    sh = statistics.median(times["sh"])
    print(f"## {files} files: {title}, tools alternating ({rounds} rounds)\n")
    print("| tool | median [ms] | quartiles [ms] | relative to `sh` |")
    print("|:---|---:|---:|---:|")
    for name, _ in tools:
        q1, _, q3 = statistics.quantiles(times[name], n=4)
        m = statistics.median(times[name])
        print(f"| `{name}` | {m:.0f} | {q1:.0f}–{q3:.0f} | {m / sh:.2f} |")
    print()
PY
# Every tool put the unstaged line back.
test -n "$(git -C "$repo" diff --name-only)" || { echo "the unstaged change was lost" >&2; exit 1; }
