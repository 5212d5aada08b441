#!/usr/bin/env bash
# Makes sure a PostgreSQL server is installed for the data-safety tests; scripts/test.sh runs
# it (tests/it/data/pg.rs starts its own throwaway cluster from /usr/lib/postgresql/*/bin).
# Idempotent: does nothing when a server is already there. The tests run the server as the
# unprivileged `postgres` user when they run as root, so that user must exist.
set -euo pipefail

have_server() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "install-postgres: need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

if ! have_server; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-postgres: no PostgreSQL server found (/usr/lib/postgresql/*/bin/initdb): install one with your system's package manager" >&2
    exit 1
  fi
  echo "install-postgres: no PostgreSQL server found; installing Debian's package"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
fi

if ! have_server; then
  echo "install-postgres: still no /usr/lib/postgresql/*/bin/initdb after installing" >&2
  exit 1
fi

# The package creates `postgres`; create it when the binaries came some other way.
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "install-postgres: creating the unprivileged user \`postgres\`"
  useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
fi

# Some Debian installs auto-start a cluster on 5432; the tests never use it, but a machine
# that only runs tests need not keep it: leave it alone rather than guess.
ls -d /usr/lib/postgresql/*/bin | sed 's/^/install-postgres: server binaries in /'
