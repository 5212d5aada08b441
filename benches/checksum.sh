#!/usr/bin/env bash
# Content checksums side by side with the tools people would use instead, in one run:
#   PostgreSQL (`pgbench -i -s 20`): `gatekeeper snapshot` with a checksum of pgbench_accounts
#     (2,000,000 rows), then of all four pgbench tables, against
#     `pg_dump -a -t TABLE… | sha256sum` of the same tables;
#   SQLite (2,000,000 rows): a checksum of the table against `sqlite3 DB .dump | sha256sum`;
#   files (1 GiB in 1,024 files): a `files` source against `sha256sum`.
# Usage: benches/checksum.sh [SCALE]      (SCALE: pgbench scale, default 20)
# Needs PostgreSQL's server binaries and pgbench (scripts/install-postgres.sh), sqlite3 and
# hyperfine; runs the server as the `postgres` user when started as root, on 127.0.0.1.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
scale=${1:-20}
for tool in hyperfine sqlite3 pgbench; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install $tool)" >&2; exit 3; }
done
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
gk=${GATEKEEPER_BENCH_BIN:-$("$here/scripts/build-release.sh")}
scratch=$(mktemp -d); chmod 755 "$scratch"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$scratch/pgdata" "$scratch/sock"
[ "$(id -u)" = 0 ] && chown postgres "$scratch/pgdata" "$scratch/sock"
port=$((20000 + RANDOM % 10000))
cleanup() { as_pg "$bin/pg_ctl" -D "$scratch/pgdata" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$scratch"; }
trap cleanup EXIT
as_pg "$bin/initdb" -D "$scratch/pgdata" -U bench --auth=trust >/dev/null
as_pg "$bin/pg_ctl" -D "$scratch/pgdata" -l "$scratch/pgdata/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $scratch/sock -c fsync=off" start >/dev/null
url="postgresql://bench@127.0.0.1:$port/postgres"
echo "pgbench -i -s $scale…" >&2
pgbench -q -i -s "$scale" "$url" >/dev/null 2>&1
command psql -X -q "$url" -c "vacuum analyze" >/dev/null

mkdir -p "$scratch/repo/var" "$scratch/repo/files"
cd "$scratch/repo"; git init -q
echo "SQLite: 2,000,000 rows…" >&2
sqlite3 var/app.db "create table accounts (aid integer primary key, bid int, abalance int, filler text);
  with recursive g(n) as (select 1 union all select n + 1 from g where n < 2000000)
  insert into accounts select n, n % 20, n * 7 % 100003, printf('%84d', 0) from g;"
echo "files: 1 GiB…" >&2
for i in $(seq 1 1024); do head -c 1048576 /dev/urandom > "files/f$i.bin"; done
export HOME="$scratch/home" XDG_STATE_HOME="$scratch/home/state" DATABASE_URL="$url"
mkdir -p "$HOME"
cfg() { printf 'data:\n  sources:\n%s\n' "$1" > "$2"; }
cfg "    db: { postgres: { url_env: DATABASE_URL, tables: [pgbench_accounts] }, checksum: [pgbench_accounts] }" one.yml
cfg "    db: { postgres: { url_env: DATABASE_URL }, checksum: [pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history] }" four.yml
cfg "    db: { postgres: { url_env: DATABASE_URL, tables: [pgbench_accounts] } }" count.yml
cfg "    local: { sqlite: { path: var/app.db }, checksum: [accounts] }" sqlite.yml
cfg "    up: { files: { path: files } }" files.yml
dump() { echo "pg_dump -a $* \"\$DATABASE_URL\" | sha256sum >/dev/null"; }
hyperfine --warmup 1 --runs 5 --export-markdown "$scratch/pg.md" \
  -n "gatekeeper snapshot: count of pgbench_accounts" --prepare "cp count.yml gatekeeper.yml" "$gk snapshot --keep 1" \
  -n "gatekeeper snapshot: checksum of pgbench_accounts" --prepare "cp one.yml gatekeeper.yml" "$gk snapshot --keep 1" \
  -n "pg_dump -a -t pgbench_accounts | sha256sum" --prepare "true" "$(dump -t pgbench_accounts)" \
  -n "gatekeeper snapshot: checksums of the 4 pgbench tables" --prepare "cp four.yml gatekeeper.yml" "$gk snapshot --keep 1" \
  -n "pg_dump -a (4 pgbench tables) | sha256sum" --prepare "true" "$(dump -t pgbench_accounts -t pgbench_branches -t pgbench_tellers -t pgbench_history)" >&2
hyperfine --warmup 1 --runs 5 --export-markdown "$scratch/sqlite.md" \
  -n "gatekeeper snapshot: checksum of a 2M-row SQLite table" --prepare "cp sqlite.yml gatekeeper.yml" "$gk snapshot --keep 1" \
  -n "sqlite3 .dump | sha256sum" --prepare "true" "sqlite3 var/app.db .dump | sha256sum >/dev/null" >&2
hyperfine --warmup 1 --runs 5 --export-markdown "$scratch/files.md" \
  -n "gatekeeper snapshot: files (1 GiB, 1,024 files)" --prepare "cp files.yml gatekeeper.yml" "$gk snapshot --keep 1" \
  -n "sha256sum (1 GiB, 1,024 files)" --prepare "true" "sha256sum files/* >/dev/null" >&2
cat "$scratch/pg.md"; echo; cat "$scratch/sqlite.md"; echo; cat "$scratch/files.md"
