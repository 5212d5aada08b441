#!/usr/bin/env bash
# Data-safety figures: `gatekeeper snapshot` of a PostgreSQL database with 20 tables and
# 10,000,000 rows in total, with and without checksums of the two largest tables, and `files`
# hashing throughput on 1 GB — against a psql-driven count(*) loop and sha256sum on the same
# data, in one run.   benches/data.sh
# Needs PostgreSQL's server binaries (scripts/install-postgres.sh) and hyperfine; runs the server as
# the `postgres` user when started as root, on 127.0.0.1 with a temporary socket directory.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 3; }
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
gk=$("$here/scripts/build-release.sh")   # the binary install.sh installs
scratch=$(mktemp -d); chmod 755 "$scratch"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$scratch/pgdata" "$scratch/sock"
[ "$(id -u)" = 0 ] && chown postgres "$scratch/pgdata" "$scratch/sock"
port=$((20000 + RANDOM % 10000))
cleanup() { as_pg "$bin/pg_ctl" -D "$scratch/pgdata" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$scratch"; }
trap cleanup EXIT
as_pg "$bin/initdb" -D "$scratch/pgdata" -U bench --auth=trust >/dev/null
as_pg "$bin/pg_ctl" -D "$scratch/pgdata" -l "$scratch/pgdata/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $scratch/sock -c fsync=off -c max_parallel_workers_per_gather=2" start >/dev/null
url="postgresql://bench@127.0.0.1:$port/postgres"
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$url" "$@"; }
echo "loading 10,000,000 rows into 20 tables…" >&2
# Two large tables (3M rows each) and 18 smaller ones (4M rows in all).
psql -c "create table big_a (id bigint primary key, customer int, amount_cents bigint, note text)"
psql -c "create table big_b (id bigint primary key, customer int, amount_cents bigint, note text)"
psql -c "insert into big_a select g, g % 1000, g * 7, md5(g::text) from generate_series(1, 3000000) g"
psql -c "insert into big_b select g, g % 977, g * 3, md5((g * 2)::text) from generate_series(1, 3000000) g"
for i in $(seq 1 18); do
  n=$(( i <= 4 ? 222223 : 222222 ))
  psql -c "create table t$i (id bigint primary key, v text)"
  psql -c "insert into t$i select g, md5(g::text) from generate_series(1, $n) g"
done
psql -c "vacuum analyze" >/dev/null
total=$(psql -At -c "select sum(n_live_tup) from pg_stat_user_tables")
echo "rows: $total" >&2
# 1 GB of files: 1,024 files of 1 MiB.
mkdir -p "$scratch/repo/files"
for i in $(seq 1 1024); do head -c 1048576 /dev/urandom > "$scratch/repo/files/f$i.bin"; done
cd "$scratch/repo"; git init -q
export HOME="$scratch/home" XDG_STATE_HOME="$scratch/home/state" DATABASE_URL="$url"
mkdir -p "$HOME"
cfg() { printf 'data:\n  sources:\n%s\n' "$1" > gatekeeper.yml; }
cfg "    db: { postgres: { url_env: DATABASE_URL } }"; cp gatekeeper.yml counts.yml
cfg "    db: { postgres: { url_env: DATABASE_URL }, checksum: [big_a, big_b] }"; cp gatekeeper.yml checksums.yml
cfg "    up: { files: { path: files } }"; cp gatekeeper.yml files.yml
loop='for t in $(psql -X -At "$DATABASE_URL" -c "select tablename from pg_tables where schemaname = '"'"'public'"'"'"); do psql -X -At "$DATABASE_URL" -c "select count(*) from $t" >/dev/null; done'
hyperfine --warmup 1 --runs 5 --export-markdown "$scratch/db.md" \
  -n "gatekeeper snapshot: counts (20 tables)" --prepare "cp counts.yml gatekeeper.yml" "$gk snapshot --keep 1" \
  -n "gatekeeper snapshot: counts + checksums of big_a, big_b" --prepare "cp checksums.yml gatekeeper.yml" "$gk snapshot --keep 1" \
  -n "psql count(*) loop (20 tables)" --prepare "true" "$loop" >&2
hyperfine --warmup 1 --runs 5 --export-markdown "$scratch/files.md" \
  -n "gatekeeper snapshot: files (1 GiB, 1,024 files)" --prepare "cp files.yml gatekeeper.yml" "$gk snapshot --keep 1" \
  -n "sha256sum (1 GiB, 1,024 files)" --prepare "true" "sha256sum files/* >/dev/null" >&2
echo "rows: $total"
cat "$scratch/db.md"; echo; cat "$scratch/files.md"
