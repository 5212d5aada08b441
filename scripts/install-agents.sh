#!/usr/bin/env bash
# Installs the coding-agent clients the integration tests drive, and the JavaScript test
# runners whose reports they read (tests/runners), at the versions pinned by each
# tests/<dir>/package-lock.json (npm ci). Idempotent: a folder whose node_modules
# already matches its lock file is left alone. tests/cursor is not installed: the tests use
# payloads taken from that SDK, not the SDK itself (`npm install` there to read it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
command -v npm >/dev/null 2>&1 || { echo "install-agents: npm is required (Node.js 20 or later)" >&2; exit 1; }
for dir in "$root"/tests/*/; do
  [ -f "$dir/package-lock.json" ] || continue
  name="$(basename "$dir")"
  # claude and codex are installed by .ci/install-claude.sh (which also brings npm when the
  # machine lacks it); cursor's lock needs other platforms' packages and the tests use
  # recorded payloads.
  case "$name" in cursor | claude | codex) continue ;; esac
  stamp="$dir/node_modules/.gatekeeper-lock.sha256"
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "install-agents: $name is up to date"
    continue
  fi
  echo "install-agents: npm ci in tests/$name"
  (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts)
  echo "$want" > "$stamp"
done
