#!/usr/bin/env bash
# A throwaway redis-server for the Redis index's tests (tests/test_index_redis.py): loopback only, a free
# port, no persistence, its files in a temporary directory; installed from Debian's package when missing
# (root only). Never fails the build: where no server can start, the Redis tests skip, loudly, with why.
#
#   ensure-redis.sh install          install Debian's redis-server when redis-server is missing
#   ensure-redis.sh start DIR        start one; DIR gets url (redis://127.0.0.1:PORT), pid, redis.log
#   ensure-redis.sh stop DIR         stop the one started in DIR (by its pid) and remove DIR
#   ensure-redis.sh run CMD...       install, start, run CMD with SYNDETECT_TEST_REDIS set, stop (also when
#                                    CMD fails or is interrupted); exits with CMD's status
set -u

say() { echo "$*" >&2; }

install() {
  command -v redis-server >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    say "note: redis-server missing and cannot install it here (needs root and apt-get)"
    return 1
  fi
  say "installing Debian's redis-server for the Redis index's tests..."
  # Debian's package starts a system-wide server on port 6379 when installed; the tests want only their
  # own, so service starts are refused during the install (policy-rc.d, only when none is there already).
  local policy=/usr/sbin/policy-rc.d placed=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && placed=1
  fi
  (apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq redis-server >/dev/null) \
    || say "note: apt-get install redis-server failed"
  [ "$placed" = 1 ] && rm -f "$policy"
  command -v redis-server >/dev/null 2>&1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ping() { # PORT -> 0 when the server answers PONG
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = "PONG" ]
  else
    python3 - "$1" <<'EOF'
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
    s.sendall(b"PING\r\n")
    sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
except OSError:
    sys.exit(1)
EOF
  fi
}

start() { # DIR
  local dir=$1 port tries
  command -v redis-server >/dev/null 2>&1 || { say "note: no redis-server on PATH"; return 1; }
  mkdir -p "$dir"
  for tries in 1 2 3 4 5; do
    port=$(free_port) || return 1
    redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes --save '' --appendonly no \
      --dir "$dir" --daemonize yes --pidfile "$dir/pid" --logfile "$dir/redis.log" >/dev/null 2>&1 || continue
    for _ in $(seq 50); do
      if ping "$port"; then
        echo "redis://127.0.0.1:$port" >"$dir/url"
        return 0
      fi
      sleep 0.1
    done
    stop "$dir" keep  # it did not answer (the port was taken meanwhile?): try another port
  done
  say "note: redis-server did not start (see $dir/redis.log)"
  return 1
}

stop() { # DIR [keep]
  local dir=$1 pid
  if [ -f "$dir/pid" ]; then
    pid=$(cat "$dir/pid")
    if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$dir/pid" "$dir/url"
  fi
  [ "${2:-}" = keep ] || rm -rf "$dir"
}

case "${1:-}" in
  install) install || exit 1 ;;
  start) start "${2:?usage: ensure-redis.sh start DIR}" || exit 1 ;;
  stop) stop "${2:?usage: ensure-redis.sh stop DIR}" ;;
  run)
    shift
    dir=$(mktemp -d "${TMPDIR:-/tmp}/syndetect-redis.XXXXXX")
    if install && start "$dir"; then
      export SYNDETECT_TEST_REDIS
      SYNDETECT_TEST_REDIS=$(cat "$dir/url")
      say "redis-server for the tests: $SYNDETECT_TEST_REDIS (stopped when the tests end)"
    else
      say "!!! REDIS TESTS WILL BE SKIPPED: no redis-server could start here (tests/test_index_redis.py) !!!"
      export SYNDETECT_TEST_REDIS=unavailable
    fi
    trap 'stop "$dir"' EXIT
    trap 'exit 130' INT TERM
    "$@"
    exit $?
    ;;
  *)
    say "usage: ensure-redis.sh install | start DIR | stop DIR | run CMD..."
    exit 2
    ;;
esac
