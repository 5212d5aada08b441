#!/usr/bin/env bash
# Sacred-test figures on a generated repository of about one million lines of Rust tests:
# `sacred check --staged` for a 10-file change, and `sacred list` over the whole repository.
#   benches/sacred.sh [FILES]   (default 2000 files x 500 lines; one file in ten has sacred tests)
#   ALL_SACRED=1 benches/sacred.sh   also times `sacred list` with every test sacred
# Needs hyperfine.
set -euo pipefail
files=${1:-2000}
here=$(cd "$(dirname "$0")/.." && pwd)
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 3; }
gk=$("$here/scripts/build-release.sh")   # the binary install.sh installs
scratch=${SCRATCH:-$(mktemp -d)}
[ -n "${SCRATCH:-}" ] || trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch/home" XDG_STATE_HOME="$scratch/home/state" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"; : > "$HOME/.gitconfig"
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com
d="$scratch/repo"; mkdir -p "$d/tests"; git -C "$d" init -q -b main
python3 - "$d" "$files" <<'PY'
import sys, os
root, files = sys.argv[1], int(sys.argv[2])
for f in range(files):
    out = []
    for t in range(25):  # 25 tests x 20 lines = 500 lines a file
        if f % 10 == 0 and t < 5:
            out.append("// gatekeeper:sacred")
        else:
            out.append("// an ordinary test")
        out.append("#[test]")
        out.append(f"fn test_{f}_{t}() {{")
        out.append(f"    let input = vec![{t}, {f}, 3];")
        for k in range(13):
            out.append(f"    let v{k} = input.iter().map(|x| x * {k}).sum::<i64>();")
        out.append(f"    assert_eq!(v1, {t} + {f} + 3);")
        out.append(f"    assert!(v2 >= 0, \"value {{}}\", v2);")
        out.append("}")
    with open(os.path.join(root, "tests", f"t{f:05}.rs"), "w") as fh:
        fh.write("\n".join(out) + "\n")
PY
printf 'gates: {}\n' > "$d/gatekeeper.yml"
git -C "$d" add -A; git -C "$d" commit -q --no-verify -m tests
lines=$(cat "$d"/tests/*.rs | wc -l)
(cd "$d" && "$gk" sacred lock >/dev/null)
git -C "$d" add -A; git -C "$d" commit -q --no-verify -m lock
locked=$(grep -c '^test ' "$d/.gatekeeper/sacred.lock" || true)
# A 10-file change: five files with sacred tests (an assertion added) and five without.
for f in 0 10 20 30 40 1 2 3 4 5; do
  n=$(printf '%05d' "$f")
  sed -i 's/    assert_eq!(v1, \(.*\));/    assert_eq!(v1, \1);\n    assert!(v3 >= 0);/' "$d/tests/t$n.rs"
done
git -C "$d" add -A
echo "repository: $files files, $lines lines; lock: $(wc -l < "$d/.gatekeeper/sacred.lock") lines" >&2
(cd "$d" && "$gk" sacred check --staged >/dev/null) || { echo "the harmless change was refused" >&2; exit 1; }
# SCRATCH=DIR SACRED_SETUP_ONLY=1 keeps the generated repository in DIR/repo for profiling.
[ -n "${SACRED_SETUP_ONLY:-}" ] && exit 0
hyperfine --warmup 2 --runs 10 --export-markdown "$scratch/check.md" \
  -n "sacred check --staged (10 files changed)" "cd $d && $gk sacred check --staged" >&2
hyperfine --warmup 1 --runs 3 --export-markdown "$scratch/list.md" \
  -n "sacred list (whole repository)" "cd $d && $gk sacred list" >&2
echo "repository: $files files, $lines lines of Rust tests"
cat "$scratch/check.md"; tail -n 1 "$scratch/list.md"
# ALL_SACRED=1: also the worst case, every test of every file sacred (`sacred.paths`), where
# every file must be parsed.
if [ -n "${ALL_SACRED:-}" ]; then
  printf 'gates: {}\nsacred:\n  paths: ["tests/**"]\n' > "$d/gatekeeper.yml"
  hyperfine --runs 1 --export-markdown "$scratch/all.md" \
    -n "sacred list (every test sacred)" "cd $d && $gk sacred list" >&2
  tail -n 1 "$scratch/all.md"
fi
