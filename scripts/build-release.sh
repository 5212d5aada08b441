#!/usr/bin/env bash
# Builds the release binary the way users get it (install.sh and the benches call this), and
# prints its path on stdout.
#
# On Linux with glibc the binary is linked statically, at a fixed address, with the hook's
# code laid out together. Each saves start-up time on every git hook (docs/BENCHMARKS.md,
# "Start-up", has the measurements):
# - static: the dynamic loader has no shared library to find, map and relocate. glibc's own
#   resolver still works (NSS "files" and "dns" are part of glibc since 2.34).
# - non-PIE (`-C relocation-model=static`): a static-pie binary must first apply about 28,000
#   relocations, which copies some 115 pages on every start. The price: the binary's own
#   code and data sit at a fixed address (the stack, heap and libraries stay randomised), as
#   in Go's default builds (lefthook, for one). GATEKEEPER_PIE=1 keeps a static-pie build.
# - ordered: scripts/hot-symbols/symbols.txt lists the functions a pre-commit hook runs, and
#   the linker places them first, so a hook maps a few dozen pages of code instead of ~1,300.
#   This needs LLD, Rust's default linker on x86-64 Linux since 1.90; with another linker the
#   list is skipped. GATEKEEPER_NO_ORDER=1 skips it too.
# GATEKEEPER_DYNAMIC=1 builds an ordinary dynamically linked binary instead. The static build
# needs `--target`: without it the flags would also apply to proc-macro crates.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$src/target}
host=$(rustc -vV | sed -n 's/^host: //p')

# Whether the linker takes an ordering file (LLD does, GNU ld before 2.43 does not).
links_with_ordering() {
  local probe
  probe=$(mktemp -d)
  if echo 'fn main() {}' | rustc --target "$host" -C link-arg=-Wl,--symbol-ordering-file=/dev/null \
       -o "$probe/probe" - >/dev/null 2>&1; then
    rm -rf "$probe"; return 0
  fi
  rm -rf "$probe"; return 1
}

case "$host" in
  *-linux-gnu)
    if [ -z "${GATEKEEPER_DYNAMIC:-}" ]; then
      flags="-C target-feature=+crt-static"
      [ -n "${GATEKEEPER_PIE:-}" ] || flags="$flags -C relocation-model=static"
      out="$target_dir/$host/release/gatekeeper"
      order="$src/scripts/hot-symbols/symbols.txt"
      if [ -z "${GATEKEEPER_NO_ORDER:-}" ] && [ -f "$order" ] && links_with_ordering; then
        flags="$flags -C link-arg=-Wl,--symbol-ordering-file=$order -C link-arg=-Wl,--no-warn-symbol-ordering"
        # cargo does not know the list is an input: link again when it changed.
        if [ -f "$out" ] && [ "$order" -nt "$out" ]; then touch "$src/src/main.rs"; fi
      fi
      RUSTFLAGS="${RUSTFLAGS:-} $flags" \
        cargo build --release --locked --target "$host" --manifest-path "$src/Cargo.toml" >&2
      echo "$out"
      exit 0
    fi
    ;;
esac
cargo build --release --locked --manifest-path "$src/Cargo.toml" >&2
echo "$target_dir/release/gatekeeper"
