#!/usr/bin/env bash
# Installs gatekeeper and sets it up in your git repository:
#   ./install.sh /path/to/your/repo
# builds the release binary, copies it to ${GATEKEEPER_BIN_DIR:-$HOME/.local/bin}, and in the
# repository writes a starter gatekeeper.yml when there is none (`gatekeeper init`), installs
# the hooks and trusts the configuration (`gatekeeper install`), then runs `gatekeeper doctor`.
#   ./install.sh
# with no repository only installs the binary (run it again with a path, or run
# `gatekeeper init && gatekeeper install` inside a repository, to set one up).
# GATEKEEPER_BINARY=PATH installs that already built binary instead of building one.
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
bin_dir=${GATEKEEPER_BIN_DIR:-$HOME/.local/bin}
case "${1:-}" in
  -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
[ $# -le 1 ] || { echo "usage: ./install.sh [/path/to/your/repo]" >&2; exit 2; }
target_repo=${1:-}
if [ -n "$target_repo" ] && [ ! -d "$target_repo" ]; then
  echo "install.sh: $target_repo is not a directory" >&2
  exit 2
fi

command -v git >/dev/null 2>&1 || { echo "install.sh: git is needed" >&2; exit 3; }
if [ -n "${GATEKEEPER_BINARY:-}" ]; then
  built=$GATEKEEPER_BINARY
  [ -x "$built" ] || { echo "install.sh: GATEKEEPER_BINARY=$built is not an executable file" >&2; exit 2; }
else
  command -v cargo >/dev/null 2>&1 || { echo "install.sh: cargo is needed to build gatekeeper (install Rust first)" >&2; exit 3; }
  echo "building gatekeeper (release; a few minutes the first time)…" >&2
  built=$("$src/scripts/build-release.sh")
fi
mkdir -p "$bin_dir"
install -m 0755 "$built" "$bin_dir/gatekeeper.tmp"
# The symbol table is only for profiling; the build in target/ keeps it.
if command -v strip >/dev/null 2>&1; then strip "$bin_dir/gatekeeper.tmp" 2>/dev/null || true; fi
mv -f "$bin_dir/gatekeeper.tmp" "$bin_dir/gatekeeper"
echo "installed $bin_dir/gatekeeper" >&2
case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) echo "note: $bin_dir is not on PATH; the hooks call the binary by its full path anyway" >&2 ;;
esac

if [ -z "$target_repo" ]; then
  echo "next: ./install.sh /path/to/your/repo (or \`gatekeeper init && gatekeeper install\` in it)" >&2
  exit 0
fi
if ! git -C "$target_repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "install.sh: $target_repo is not inside a git work tree; binary installed, no hooks set up" >&2
  exit 2
fi
top=$(git -C "$target_repo" rev-parse --show-toplevel)
if [ ! -f "$top/gatekeeper.yml" ]; then
  "$bin_dir/gatekeeper" -C "$top" init
fi
"$bin_dir/gatekeeper" -C "$top" install
"$bin_dir/gatekeeper" -C "$top" doctor || true
