#!/usr/bin/env bash
# Start PostgreSQL and Redis on 127.0.0.1 for the test suite, and print the
# environment that points the application at them (eval "$(scripts/services.sh start)").
# Needs the Debian packages postgresql and redis-server (see .ci/run).
set -euo pipefail

WORK=${CAFE_SERVICES_DIR:-/tmp/cafe-services}
PG_PORT=${CAFE_PG_PORT:-55432}
REDIS_PORT=${CAFE_REDIS_PORT:-56379}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

start_postgres() {
  [ -n "$PG_BIN" ] || { echo "PostgreSQL is not installed" >&2; exit 1; }
  id postgres >/dev/null 2>&1 || useradd --system --home "$WORK" postgres
  mkdir -p "$WORK"
  chown postgres "$WORK"
  if [ ! -f "$WORK/pg/PG_VERSION" ]; then
    su postgres -s /bin/sh -c "$PG_BIN/initdb -D $WORK/pg -U postgres -A trust -E UTF8 --locale=C.UTF-8" >/dev/null
  fi
  if ! su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $WORK/pg status" >/dev/null 2>&1; then
    su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $WORK/pg -l $WORK/pg.log -w -o '-p $PG_PORT -c listen_addresses=127.0.0.1 -k $WORK -c fsync=off -c synchronous_commit=off -c full_page_writes=off' start" >/dev/null
  fi
  su postgres -s /bin/sh -c "$PG_BIN/psql -h 127.0.0.1 -p $PG_PORT -U postgres -tc \"SELECT 1 FROM pg_database WHERE datname='cafe'\"" | grep -q 1 ||
    su postgres -s /bin/sh -c "$PG_BIN/createdb -h 127.0.0.1 -p $PG_PORT -U postgres cafe"
}

start_redis() {
  command -v redis-server >/dev/null || { echo "redis-server is not installed" >&2; exit 1; }
  if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
      --maxmemory-policy noeviction --daemonize yes --logfile "$WORK/redis.log" >/dev/null
    for _ in $(seq 1 50); do
      redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
  fi
}

stop_all() {
  [ -n "$PG_BIN" ] && su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $WORK/pg -m fast stop" >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start)
    mkdir -p "$WORK"
    start_postgres
    start_redis
    echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/cafe"
    echo "export CELERY_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/0"
    ;;
  stop) stop_all ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
