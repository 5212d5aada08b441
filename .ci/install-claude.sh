#!/usr/bin/env bash
# Installs the Claude Code CLI that the integration tests drive (tests/it/agent/claude.rs):
# the npm package pinned by tests/claude/package-lock.json, into tests/claude/node_modules.
# Skipped when that exact lockfile is already installed.
set -euo pipefail
cd "$(dirname "$0")/../tests/claude"
if ! command -v npm >/dev/null 2>&1; then
  echo "== installing Node.js and npm (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ] \
  && ls node_modules/@anthropic-ai/claude-agent-sdk-*/claude >/dev/null 2>&1; then
  echo "== the Claude Code CLI is installed (tests/claude/node_modules)"
  exit 0
fi
echo "== npm ci in tests/claude (the Claude Code CLI for the real-client tests)"
npm ci --no-audit --no-fund --loglevel=error
ls node_modules/@anthropic-ai/claude-agent-sdk-*/claude >/dev/null
