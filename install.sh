#!/usr/bin/env bash
# Builds gatekeeper, installs the binary, and sets it up in a git repository.
#   ./install.sh [REPO_DIR]
# REPO_DIR defaults to the repository this is run from. The binary goes to
# ${GATEKEEPER_BIN_DIR:-$HOME/.local/bin}. In the repository, a starter gatekeeper.yml is
# written when there is none (`gatekeeper init`), then the hooks are installed and the
# configuration trusted (`gatekeeper install`).
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
target_repo=${1:-$PWD}
bin_dir=${GATEKEEPER_BIN_DIR:-$HOME/.local/bin}

command -v cargo >/dev/null 2>&1 || { echo "install.sh: cargo is needed to build gatekeeper (install Rust first)" >&2; exit 3; }
command -v git >/dev/null 2>&1 || { echo "install.sh: git is needed" >&2; exit 3; }

echo "building gatekeeper (release)…" >&2
built=$("$src/scripts/build-release.sh")
mkdir -p "$bin_dir"
install -m 0755 "$built" "$bin_dir/gatekeeper.tmp"
mv -f "$bin_dir/gatekeeper.tmp" "$bin_dir/gatekeeper"
echo "installed $bin_dir/gatekeeper" >&2
case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) echo "note: $bin_dir is not on PATH; the hooks call the binary by its full path anyway" >&2 ;;
esac

if ! git -C "$target_repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "install.sh: $target_repo is not inside a git work tree; binary installed, no hooks set up" >&2
  exit 0
fi
top=$(git -C "$target_repo" rev-parse --show-toplevel)
if [ ! -f "$top/gatekeeper.yml" ]; then
  "$bin_dir/gatekeeper" -C "$top" init
fi
"$bin_dir/gatekeeper" -C "$top" install
"$bin_dir/gatekeeper" -C "$top" doctor || true
