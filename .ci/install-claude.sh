#!/usr/bin/env bash
# Installs the coding-agent CLIs that the integration tests drive (tests/it/agent/claude.rs,
# tests/it/agent/codex.rs): the npm packages pinned by tests/claude/package-lock.json and
# tests/codex/package-lock.json, into each directory's node_modules. A directory whose exact
# lockfile is already installed is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
  echo "== installing Node.js and npm (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
for dir in tests/claude tests/codex; do
  if [ -f "$dir/node_modules/.package-lock.json" ] \
    && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
    echo "== $dir: installed"
    continue
  fi
  echo "== npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
done
ls tests/claude/node_modules/@anthropic-ai/claude-agent-sdk-*/claude >/dev/null
ls tests/codex/node_modules/@openai/codex-*/vendor/*/bin/codex >/dev/null
