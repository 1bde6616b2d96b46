#!/usr/bin/env bash
# Installs everything the tests need (Debian packages, Python and npm packages), starts a real
# PostgreSQL, and runs every test: lint, JavaScript unit tests, the Python suite on SQLite
# (with the Chromium end-to-end tests) and again on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PIP_DISABLE_PIP_VERSION_CHECK=1
PG_URL=${TEST_PG_URL:-postgresql+psycopg://humiao:humiao@127.0.0.1:5432/humiao_test}

step() { printf '\n== %s\n' "$*"; }
failed=()
run() {  # run a check; remember a failure and go on, so one report shows everything
  local name=$1; shift
  step "$name"
  "$@" || failed+=("$name")
}

missing=()
for pkg in postgresql chromium fonts-noto-cjk; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  step "installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

step "python and npm packages"
python -m pip install -q -e '.[test]'
if [ -f package-lock.json ]; then npm ci --silent --no-audit --no-fund; fi

step "postgresql"
cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  pg_createcluster 15 main >/dev/null
  cluster="15 main"
fi
pg_ctlcluster $cluster start 2>/dev/null || true
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q" && break
  sleep 1
done
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='humiao'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE humiao LOGIN PASSWORD 'humiao' SUPERUSER\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='humiao_test'\"" | grep -q 1 ||
  su postgres -c "createdb -O humiao humiao_test"

run "lint (ruff check)" ruff check .
run "format (ruff format --check)" ruff format --check .
run "layers (import-linter)" lint-imports --no-cache
run "javascript unit tests (node --test)" node --test pwa/tests/
run "python tests on SQLite (with Chromium end-to-end tests)" python -m pytest -q -p no:cacheprovider "$@"
run "python tests on PostgreSQL" env TEST_DATABASE_URL="$PG_URL" python -m pytest -q -p no:cacheprovider -m "not e2e and not fuzz" "$@"

if ((${#failed[@]})); then
  printf '\nFAILED: %s\n' "${failed[@]}"
  exit 1
fi
printf '\nall checks passed\n'
