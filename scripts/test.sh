#!/usr/bin/env bash
# Runs gatekeeper's whole test suite, on a fresh machine too:
#   scripts/test.sh [ARGS…]        (ARGS go to `cargo test --locked`, e.g. `--test it install`)
#
# First it installs what the tests need and the machine lacks, then runs `cargo test --locked`:
# - a PostgreSQL server, from the operating system's packages (scripts/install-postgres.sh;
#   needs root or sudo the first time): the data-safety tests start a throwaway server;
# - pre-commit, prek, lefthook, check-jsonschema, pytest and unittest-xml-reporting, at the
#   versions pinned below, into a Python virtual environment under target/test-tools
#   (GATEKEEPER_TEST_TOOLS moves it): the tests of the hook managers, of the GitHub Action, of
#   the pytest marker and of sacred evidence run them from PATH.
# - the Claude Code, Codex, Gemini and Copilot CLIs, pinned by the lockfiles under tests/claude,
#   tests/codex, tests/gemini and tests/copilot (`npm ci`, through .ci/install-claude.sh and
#   scripts/install-agents.sh): the agent-hook tests drive the real clients;
# - Jest with jest-junit, Vitest, AVA and tap-junit, mocha and mocha-junit-reporter, pinned by tests/runners/package-lock.json
#   (`npm ci`, through scripts/install-agents.sh): the sacred-evidence tests read their reports;
# - cargo-nextest (`cargo install`, when missing): a sacred-evidence test runs it for real;
# - Go (the system's `golang-go` package, when `go` is missing): the sacred-evidence tests run
#   the real `go test -json`;
# Everything is skipped when already there, so a second run starts the tests at once.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

PRE_COMMIT_VERSION=4.7.0
CHECK_JSONSCHEMA_VERSION=0.39.0
PYTEST_VERSION=9.2.0
UNITTEST_XML_REPORTING_VERSION=3.2.0
PREK_VERSION=0.5.11
LEFTHOOK_VERSION=2.2.2

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "test.sh: need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || {
    echo "test.sh: please install $* with your system's package manager" >&2
    exit 1
  }
  echo "test.sh: installing $* from the system's packages" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

bash "$root/scripts/install-postgres.sh"
# The real-client tests drive the Claude Code and Codex CLIs pinned under tests/claude and
# tests/codex (npm ci; skipped when the lockfile is already installed).
bash "$root/.ci/install-claude.sh"
# ... and the Gemini and Copilot CLIs pinned under tests/gemini and tests/copilot.
bash "$root/scripts/install-agents.sh"
# The sacred-evidence tests run a real `cargo nextest` and read its JUnit report.
if ! command -v cargo-nextest >/dev/null 2>&1; then
  echo "test.sh: installing cargo-nextest" >&2
  cargo install --locked cargo-nextest
fi

# ... and a real `go test -json`.
command -v go >/dev/null 2>&1 || apt_install golang-go

tools=${GATEKEEPER_TEST_TOOLS:-$root/target/test-tools}
venv="$tools/venv"
command -v python3 >/dev/null 2>&1 || apt_install python3 python3-venv
if [ ! -x "$venv/bin/pip" ]; then
  rm -rf "$venv"
  mkdir -p "$tools"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian's python3 keeps `venv`'s pip bootstrap in a separate package.
    rm -rf "$venv"
    apt_install python3-venv
    python3 -m venv "$venv"
  fi
fi
want="pre-commit==$PRE_COMMIT_VERSION prek==$PREK_VERSION lefthook==$LEFTHOOK_VERSION check-jsonschema==$CHECK_JSONSCHEMA_VERSION pytest==$PYTEST_VERSION unittest-xml-reporting==$UNITTEST_XML_REPORTING_VERSION"
if [ "$(cat "$venv/.pinned" 2>/dev/null)" != "$want" ]; then
  echo "test.sh: installing $want into $venv" >&2
  # prek and lefthook ship their binaries in wheels; never build them from source.
  # shellcheck disable=SC2086 # $want is several requirement words
  "$venv/bin/pip" install --quiet --disable-pip-version-check --only-binary=prek,lefthook $want
  echo "$want" >"$venv/.pinned"
fi

export PATH="$venv/bin:$PATH"
echo "== cargo test --locked $*" >&2
exec cargo test --locked "$@"
