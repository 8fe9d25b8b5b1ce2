# Sourced by .ci/run: installs PostgreSQL from Debian's packages if absent, starts a throwaway
# cluster on 127.0.0.1 and exports CPE_TEST_POSTGRES_URL; pg_stop (trap it) removes the cluster.

pg_bin_dir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

pg_start() {
  if [ -z "$(pg_bin_dir)" ]; then
    echo "ci: installing PostgreSQL from Debian packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
  fi
  PG_BIN=$(pg_bin_dir)
  PG_USER=postgres
  id -u "$PG_USER" >/dev/null 2>&1 || useradd --system --no-create-home "$PG_USER"
  PG_DIR=$(mktemp -d /tmp/cpe-ci-pg.XXXXXX)
  chown "$PG_USER" "$PG_DIR"
  # A free port, unless one is given: a server left running elsewhere must not get in the way.
  PG_PORT=${CPE_CI_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi; }
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U cpe --auth=trust -E UTF8 >"$PG_DIR/initdb.log"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off" start >/dev/null
  export CPE_TEST_POSTGRES_URL="postgresql://cpe@127.0.0.1:$PG_PORT/postgres"
  echo "ci: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT" >&2
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
