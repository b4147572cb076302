#!/usr/bin/env bash
# `npm run setup`: makes a Debian machine ready for `npm test` (and CI calls it too). Installs what
# is missing (Chromium, OpenSSH server, Redis, RabbitMQ, PostgreSQL), starts the services that are
# down on their default loopback ports, enables RabbitMQ's management plugin, and waits for each.
# Never stops or restarts anything that already runs; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
has() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # $1 description, $2.. command; up to 120 s
  local what=$1; shift
  for _ in $(seq 1 120); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "timed out waiting for $what" >&2
  return 1
}

# apt-get only what is not there (one update, one install).
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
has redis-server || missing+=(redis-server)
has rabbitmq-server || missing+=(rabbitmq-server)
[ -d /etc/postgresql ] && [ -n "$(ls /etc/postgresql 2>/dev/null)" ] || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  as_root apt-get update -qq
  # policy-rc.d-less containers would try to start services here; we start them ourselves below.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
"${CHROMIUM_PATH:-/usr/bin/chromium}" --version

log "Redis on 127.0.0.1:6379"
if ! listening 6379; then
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
wait_for "redis" redis-cli -h 127.0.0.1 -p 6379 ping
redis-cli -h 127.0.0.1 -p 6379 info server | grep redis_version

log "RabbitMQ on 127.0.0.1:5672 with the management API on :15672"
if ! listening 5672; then
  as_root rabbitmq-server -detached
fi
wait_for "rabbitmq" listening 5672
wait_for "rabbitmq node" as_root rabbitmqctl -q await_startup
if ! curl -fsS -u guest:guest http://127.0.0.1:15672/api/overview >/dev/null 2>&1; then
  as_root rabbitmq-plugins -q enable rabbitmq_management
fi
wait_for "management API" curl -fsS -u guest:guest http://127.0.0.1:15672/api/overview

log "PostgreSQL on 127.0.0.1:5432"
if ! listening 5432; then
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
fi
wait_for "postgresql" listening 5432
if has pg_isready; then wait_for "postgresql to accept connections" pg_isready -q -h 127.0.0.1 -p 5432; fi
# The test database npm test connects to (POSTGRES_URL's default); each test makes and drops its own
# wf_test_… database from there, so this one stays empty.
if has psql; then
  if [ "$(psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'watchfloor_test'")" != 1 ]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc 'CREATE DATABASE watchfloor_test'
    printf 'created the test database watchfloor_test\n'
  fi
fi

log "ready: npm ci && npm test"
