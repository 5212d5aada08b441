#!/usr/bin/env bash
# Times `gatekeeper sacred check --staged` on a real repository, one or more builds side by
# side, each under the lock it writes itself: every test of the repository is sacred, and a
# test is appended to three of its test files (staged).
#
#   benches/sacred-real.sh PROFILE SOURCE GK [GK ...]
#
# PROFILE: click (pallets/click at 2c8cd3a, Python) or cobra (spf13/cobra at adbc881, Go);
# SOURCE: a clone or bare mirror of that repository, or its URL. Prints hyperfine's timings
# (`-N -w 2 -r 20`) and, when valgrind is installed, each build's instruction count
# (callgrind counts instructions, which do not depend on what else the machine is doing).
#
# REPLAY=COMMIT (a commit of the repository): instead of appending tests, lock at COMMIT's
# parent and stage COMMIT's whole tree, code under test included, as benches/sacred-replay.sh
# does (e.g. click's e3c0898, a typo fixed in 11 files). The check may refuse (exit 1).
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,15p' "$0" >&2; exit 2; }
profile=$1 source=$2; shift 2
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 3; }
case $profile in
  click) commit=2c8cd3ac958a7eb316d67f2d316c27086c4c0369 paths='["tests/**/*.py"]'
         files="tests/test_options.py tests/test_termui.py tests/test_basic.py" ;;
  cobra) commit=adbc8813901bba65827259daa8e22ff94ec1f30e paths='["*_test.go"]'
         files="command_test.go completions_test.go args_test.go" ;;
  *) echo "unknown profile: $profile (click or cobra)" >&2; exit 2 ;;
esac
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch/home" XDG_STATE_HOME="$scratch/home/state" XDG_CONFIG_HOME="$scratch/home/config"
export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
mkdir -p "$HOME"; : > "$HOME/.gitconfig"
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com
cmds=()
i=0
for gk in "$@"; do
  i=$((i + 1)); d="$scratch/$profile-$i"
  git clone -q --no-checkout "$source" "$d"
  git -C "$d" checkout -q "$(if [ -n "${REPLAY:-}" ]; then echo "$REPLAY^"; else echo "$commit"; fi)"
  printf 'sacred:\n  paths: %s\n' "$paths" > "$d/gatekeeper.yml"
  (cd "$d" && "$gk" sacred lock >/dev/null 2>&1 && git add -A && git commit -q --no-verify -m lock)
  if [ -n "${REPLAY:-}" ]; then
    git -C "$d" read-tree -m -u HEAD "$REPLAY"
    git -C "$d" checkout HEAD -- gatekeeper.yml .gatekeeper/sacred.lock
    rc=0; (cd "$d" && "$gk" sacred check --staged >/dev/null 2>&1) || rc=$?
    [ "$rc" -le 1 ] || { echo "$gk: the check stopped (exit $rc)" >&2; exit 1; }
    cmds+=("env -C $d $gk sacred check --staged")
    continue
  fi
  for f in $files; do
    case $f in
      *.go) printf '\nfunc TestAppendedBench(t *testing.T) {\n\tt.Log("appended")\n}\n' >> "$d/$f" ;;
      *.py) printf '\n\ndef test_appended_bench():\n    assert True\n' >> "$d/$f" ;;
    esac
  done
  git -C "$d" add -A
  (cd "$d" && "$gk" sacred check --staged >/dev/null 2>&1) || { echo "$gk: the check did not pass" >&2; exit 1; }
  cmds+=("env -C $d $gk sacred check --staged")
done
hyperfine -N ${REPLAY:+-i} -w 2 -r 20 "${cmds[@]}"
if command -v valgrind >/dev/null; then
  i=0
  for gk in "$@"; do
    i=$((i + 1))
    n=$(cd "$scratch/$profile-$i" && { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$gk" sacred check --staged 2>&1 || true; } | sed -n 's/.*Collected : //p')
    echo "$gk: $n instructions"
  done
fi
