# PostgreSQL servers on this machine for deploy/cluster.sh and bench/cluster.sh: sourced, not run.
# Every server lives in its own directory under a parent owned by `postgres` (PostgreSQL refuses
# to run as root), listens on 127.0.0.1 at the port given, and logs to <dir>/log.
pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"

# Runs a command as postgres when we are root.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_parent DIR: makes DIR, owned by postgres.
pg_parent() {
  mkdir -p "$1"
  if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$1"; fi
}

# pg_conf DIR PORT: the settings every server here shares.
pg_conf() {
  as_pg tee -a "$1/data/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $2
unix_socket_directories = '$1'
wal_level = replica
max_wal_senders = 10
wal_keep_size = '512MB'
hot_standby = on
max_connections = 300
shared_buffers = '256MB'
CONF
}

# pg_primary DIR PORT: a new primary (user tl, trusted on loopback, replication allowed).
pg_primary() {
  as_pg mkdir -p "$1"
  as_pg "$pg_bin/initdb" -D "$1/data" -A trust -U tl -E UTF8 --locale=C.UTF-8 >/dev/null
  pg_conf "$1" "$2"
  echo "host replication all 127.0.0.1/32 trust" | as_pg tee -a "$1/data/pg_hba.conf" >/dev/null
  pg_start "$1"
}

# pg_standby DIR PORT PRIMARY_PORT NAME: a streaming standby of the primary, named NAME (what
# synchronous_standby_names lists).
pg_standby() {
  as_pg mkdir -p "$1"
  as_pg "$pg_bin/pg_basebackup" -D "$1/data" -R -X stream -c fast \
    -d "host=127.0.0.1 port=$3 user=tl application_name=$4" >/dev/null
  pg_conf "$1" "$2"
  pg_start "$1"
}

pg_start() { as_pg "$pg_bin/pg_ctl" -D "$1/data" -l "$1/log" -w -t 120 start >/dev/null; }
pg_stop() { as_pg "$pg_bin/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null 2>&1 || true; }
pg_promote() { as_pg "$pg_bin/pg_ctl" -D "$1/data" -w promote >/dev/null; }

# pg_kill DIR: kill -9 of the postmaster (its backends follow).
pg_kill() {
  local pid
  pid=$(head -1 "$1/data/postmaster.pid" 2>/dev/null || true)
  if [[ -n "$pid" ]]; then kill -9 "$pid" 2>/dev/null || true; fi
  for _ in $(seq 100); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.05
  done
}

# pg_sql PORT SQL: runs SQL as tl on database postgres.
pg_sql() { "$pg_bin/psql" -X -q -A -t -h 127.0.0.1 -p "$1" -U tl -d postgres -c "$2"; }

# pg_sync PORT NAMES: commits wait for ANY 1 of the standbys NAMES ("s1, s2"), once they stream.
pg_sync() {
  pg_sql "$1" "ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 ($2)'" >/dev/null
  pg_sql "$1" "SELECT pg_reload_conf()" >/dev/null
  for _ in $(seq 100); do
    if [[ $(pg_sql "$1" "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'quorum'") -ge 1 ]]; then
      return 0
    fi
    sleep 0.1
  done
  echo "pg-lib: no synchronous standby streams to port $1" >&2
  return 1
}
