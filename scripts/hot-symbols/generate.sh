#!/usr/bin/env bash
# Regenerates scripts/hot-symbols/symbols.txt: the functions a pre-commit hook runs, in the
# order it first runs them. scripts/build-release.sh hands that list to the linker
# (--symbol-ordering-file) so that the code of a hook sits together in a few pages instead of
# being spread over the whole 10 MB of machine code; see docs/BENCHMARKS.md ("Start-up").
#   scripts/hot-symbols/generate.sh
# Run it after changes that move the hook's code around (new dependencies, a reworked hook);
# a stale list costs speed, never correctness. Needs rustc, python3, git, and ptrace (a
# tracer may trace its own children: the default everywhere except in locked-down sandboxes).
# Linux on x86-64 only. The trace single-steps every instruction: it takes a few minutes.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gk=$("$src/scripts/build-release.sh")
rustc -O --edition 2024 -o "$work/trace" "$src/scripts/hot-symbols/trace.rs"

# The scene the list is made for: one gate, one staged file, as in benches/hooks.sh.
export HOME="$work/home" XDG_STATE_HOME="$work/home/state" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
mkdir -p "$HOME" && repo="$work/repo" && git init -q -b main "$repo" && cd "$repo"
printf 'gates:\n  noop:\n    run: "true"\n' > gatekeeper.yml
echo base > file.txt && git add . && git commit -q --no-verify -m base
"$gk" trust >/dev/null
echo change >> file.txt && git add file.txt

# The range of the machine code: the executable segment of the (non-PIE) binary.
read -r lo hi < <(readelf -lW "$gk" | python3 -c '
import sys
for l in sys.stdin:
    f = l.split()
    if f[:1] == ["LOAD"] and "E" in f[6:-1]:
        print("%x %x" % (int(f[2], 16), int(f[2], 16) + int(f[5], 16)))')
# A cache miss (the gate runs), then a hit (the gate's pass is reused).
"$work/trace" "$lo" "$hi" "$work/miss.txt" "$gk" hook pre-commit >/dev/null
"$work/trace" "$lo" "$hi" "$work/hit.txt" "$gk" hook pre-commit >/dev/null

nm --defined-only -S "$gk" > "$work/nm.txt"
python3 - "$work/nm.txt" "$work/miss.txt" "$work/hit.txt" > "$src/scripts/hot-symbols/symbols.txt" <<'PY'
import bisect, sys
syms = []
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) == 4 and parts[2] in "tTwW":
        syms.append((int(parts[0], 16), int(parts[1], 16), parts[3]))
syms.sort()
starts = [s[0] for s in syms]
seen = set()
for trace in sys.argv[2:]:
    for line in open(trace):
        addr = int(line, 16)
        i = bisect.bisect_right(starts, addr) - 1
        if i >= 0 and addr < syms[i][0] + max(syms[i][1], 1) and syms[i][2] not in seen:
            seen.add(syms[i][2])
            print(syms[i][2])
PY
echo "wrote $(wc -l < "$src/scripts/hot-symbols/symbols.txt") symbols to scripts/hot-symbols/symbols.txt" >&2
