#!/bin/sh
# gatekeeper-shim v1: this {{HOOK}} hook was written by `gatekeeper install`.
# `gatekeeper uninstall` removes it and restores any hook it displaced, byte for byte.
gatekeeper_bin={{BIN}}
if [ -x "$gatekeeper_bin" ]; then exec "$gatekeeper_bin" hook {{HOOK}} "$@"; fi
if command -v gatekeeper >/dev/null 2>&1; then exec gatekeeper hook {{HOOK}} "$@"; fi
echo "gatekeeper: the {{HOOK}} hook cannot run: gatekeeper is neither at $gatekeeper_bin nor on PATH." >&2
echo "gatekeeper: the git operation was stopped so that no gate is skipped silently." >&2
echo "gatekeeper: fix: install gatekeeper again (./install.sh in its sources, or put it on PATH), then run \`gatekeeper install\` here." >&2
exit 1
