#!/usr/bin/env bash
# Makes sure a PostgreSQL server with PostGIS is reachable for the tests and
# prints the admin URL to use on stdout (the only line written there; the
# rest goes to stderr). The role behind the URL may create databases.
#
#   1. TEST_DATABASE_URL or DATABASE_URL set: that server, or a clear failure.
#   2. A local server on 127.0.0.1:${PGPORT:-5432} that already works: use it.
#   3. As root: install PostgreSQL and PostGIS with apt where missing, start
#      the cluster, and give a `minqing` role a password so it can log in
#      over TCP (a fresh Debian install only trusts peer/scram logins).
#   4. Otherwise: fail, saying what to install.
#
# Needs the workspace installed (the probe borrows postgres.js from tests/).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "ensure-postgis: $*" >&2; }
die() {
  echo "ensure-postgis: $*" >&2
  exit 1
}

# Prints the probe's summary on success; keeps its reason in $probe_reason on failure.
probe_reason=""
probe() {
  local output
  if output=$(node scripts/probe-postgis.mjs "$1" 2>&1); then
    log "$(redact "$1"): $output"
    return 0
  fi
  probe_reason="$output"
  return 1
}

redact() { sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$1"; }

explicit="${TEST_DATABASE_URL:-${DATABASE_URL:-}}"
if [ -n "$explicit" ]; then
  if probe "$explicit"; then
    echo "$explicit"
    exit 0
  fi
  die "the server at $(redact "$explicit") (from TEST_DATABASE_URL/DATABASE_URL) cannot be used: $probe_reason"
fi

port="${PGPORT:-5432}"
role="minqing"
password="minqing"
candidates=("postgres://postgres@127.0.0.1:$port/postgres" "postgres://$role:$password@127.0.0.1:$port/postgres")

for url in "${candidates[@]}"; do
  if probe "$url"; then
    echo "$url"
    exit 0
  fi
done
log "no usable PostGIS on 127.0.0.1:$port yet ($probe_reason)"

if [ "$(id -u)" != "0" ]; then
  die "no PostgreSQL with PostGIS answers on 127.0.0.1:$port, and installing one needs root.
  Either install it (Debian 12: sudo apt-get install postgresql postgresql-15-postgis-3,
  then sudo pg_ctlcluster 15 main start) and let a role log in over 127.0.0.1,
  or set TEST_DATABASE_URL=postgres://user:password@host:port/postgres to a server
  where that user may create databases and PostGIS is available."
fi

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    apt_updated=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  apt_install postgresql
fi

# The newest version that has both a configured cluster and server binaries.
version=""
for candidate in $(ls /etc/postgresql 2>/dev/null | sort -V -r) $(ls /usr/lib/postgresql 2>/dev/null | sort -V -r); do
  if [ -x "/usr/lib/postgresql/$candidate/bin/postgres" ]; then
    version="$candidate"
    break
  fi
done
[ -n "$version" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql after installing"

installed "postgresql-$version-postgis-3" || apt_install "postgresql-$version-postgis-3"

# pg_lsclusters -h: "15 main 5432 down postgres /var/lib/postgresql/15/main /var/log/…"
cluster_line=$(pg_lsclusters -h 2>/dev/null | awk -v v="$version" -v p="$port" '$1 == v && $3 == p' | head -n 1)
[ -n "$cluster_line" ] || cluster_line=$(pg_lsclusters -h 2>/dev/null | awk -v v="$version" '$1 == v' | head -n 1)
if [ -z "$cluster_line" ]; then
  log "creating cluster $version/main on port $port"
  pg_createcluster "$version" main --port "$port" >&2
  cluster_line=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | head -n 1)
fi
read -r _ cluster cluster_port cluster_status _ <<<"$cluster_line"
if [ "$cluster_port" != "$port" ]; then
  log "cluster $version/$cluster listens on port $cluster_port, using that"
  port="$cluster_port"
fi
if [ "$cluster_status" != "online" ]; then
  log "starting cluster $version/$cluster"
  pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start >&2
fi
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$port" || die "cluster $version/$cluster does not accept connections on 127.0.0.1:$port"

# Still reachable as postgres without a password (a trusting pg_hba)? Then done.
if probe "postgres://postgres@127.0.0.1:$port/postgres"; then
  echo "postgres://postgres@127.0.0.1:$port/postgres"
  exit 0
fi

# Peer login as the postgres OS user through the local socket, to give our role a password.
log "giving role $role a password for logins over 127.0.0.1"
runuser -u postgres -- psql -q -p "$port" -d postgres -v ON_ERROR_STOP=1 >&2 <<SQL
DO \$\$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    ALTER ROLE $role LOGIN SUPERUSER PASSWORD '$password';
  ELSE
    CREATE ROLE $role LOGIN SUPERUSER PASSWORD '$password';
  END IF;
END
\$\$;
SQL

url="postgres://$role:$password@127.0.0.1:$port/postgres"
probe "$url" || die "PostgreSQL $version runs, but $(redact "$url") cannot be used: $probe_reason
  Check that /etc/postgresql/$version/$cluster/pg_hba.conf allows host logins from 127.0.0.1 (scram-sha-256 or md5)."
echo "$url"
