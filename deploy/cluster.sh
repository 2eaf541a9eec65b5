#!/usr/bin/env bash
# The cluster recipe of deploy/CLUSTER.md on this one machine, on loopback ports, for trying it
# out: a PostgreSQL primary (55432) and two synchronous standbys (55433, 55434;
# synchronous_standby_names = 'ANY 1 (s1, s2)'), and two TaskLedger nodes (8081, 8082) on one
# multi-host URI with target_session_attrs=read-write. PostgreSQL runs as the `postgres` user.
# Failover here is `pg_ctl promote` by hand (deploy/cluster.sh failover); in production Patroni
# does it (deploy/CLUSTER.md).
#
#   deploy/cluster.sh start      # installs and builds what is missing, starts everything
#   deploy/cluster.sh status     # who is primary, which node delivers, how far each has read
#   deploy/cluster.sh failover   # kill -9 of the primary, s1 promoted, s2 follows s1
#   deploy/cluster.sh stop
#   TASKLEDGER_CLUSTER_DIR (default /tmp/taskledger-cluster)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=deploy/pg-lib.sh
source "$root/deploy/pg-lib.sh"
dir="${TASKLEDGER_CLUSTER_DIR:-/tmp/taskledger-cluster}"
uri="postgresql://tl@127.0.0.1:55432,127.0.0.1:55433,127.0.0.1:55434/taskledger?target_session_attrs=read-write&connect_timeout=3"
bin="${TASKLEDGER_BIN:-$root/build-release/server/taskledger}"

start() {
  "$root/deploy/install-deps.sh" postgresql-15
  if [[ ! -x "$bin" ]]; then
    cmake -S "$root" -B "$root/build-release" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$root/build-release" -j"${TASKLEDGER_JOBS:-2}" --target taskledger
  fi
  if [[ -e "$dir" ]]; then
    echo "cluster: $dir exists; deploy/cluster.sh stop, then remove it, to start afresh" >&2
    exit 2
  fi
  pg_parent "$dir"
  pg_primary "$dir/pg0" 55432
  pg_sql 55432 "CREATE DATABASE taskledger" >/dev/null
  pg_standby "$dir/pg1" 55433 55432 s1
  pg_standby "$dir/pg2" 55434 55432 s2
  pg_sync 55432 "s1, s2"
  (umask 077 && openssl rand -hex 32 >"$dir/secrets.key")
  "$bin" load-demo --store "$uri" --data-dir "$dir/node-a"
  for args in "--role coordinator" "--role agency --agency so-gddt-hp" "--role auditor"; do
    # shellcheck disable=SC2086
    "$bin" token create $args --store "$uri" --data-dir "$dir/node-a" --name cluster.sh
  done | (umask 077 && tee "$dir/tokens.txt")
  for node in a:8081 b:8082; do
    name="${node%%:*}" port="${node##*:}"
    nohup "$bin" serve --store "$uri" --secrets-key-file "$dir/secrets.key" \
      --data-dir "$dir/node-$name" --listen "127.0.0.1:$port" --node-name "node-$name" \
      >"$dir/node-$name.log" 2>&1 &
    echo $! >"$dir/node-$name.pid"
  done
  sleep 2
  status
  echo "tokens in $dir/tokens.txt; the dashboard on http://127.0.0.1:8081/ and :8082/"
}

status() {
  for port in 55432 55433 55434; do
    role=$(pg_sql "$port" "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END" 2>/dev/null || echo down)
    echo "postgresql :$port $role"
  done
  pg_sql 55432 "SELECT application_name, state, sync_state FROM pg_stat_replication" 2>/dev/null || true
  for port in 8081 8082; do
    echo "taskledger :$port $(curl -s "http://127.0.0.1:$port/healthz" || echo down)"
  done
}

failover() {
  echo "kill -9 of the primary (:55432), s1 (:55433) promoted, s2 following it"
  pg_kill "$dir/pg0"
  pg_promote "$dir/pg1"
  pg_sql 55434 "ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port=55433 user=tl application_name=s2'" >/dev/null
  pg_sql 55434 "SELECT pg_reload_conf()" >/dev/null
  pg_sync 55433 "s2"
  status
}

stop() {
  for name in a b; do
    if [[ -f "$dir/node-$name.pid" ]]; then kill "$(cat "$dir/node-$name.pid")" 2>/dev/null || true; fi
  done
  sleep 1
  for pg in pg0 pg1 pg2; do pg_stop "$dir/$pg"; done
  echo "stopped; the data stays in $dir"
}

case "${1:-}" in
  start | status | failover | stop) "$1" ;;
  *)
    echo "usage: deploy/cluster.sh start|status|failover|stop" >&2
    exit 2
    ;;
esac
