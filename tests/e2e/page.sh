#!/usr/bin/env bash
# The page of a running server (/_slrsim/) in a real browser: headless Chromium from Debian's packages
# (installed here when missing), driven by playwright-core (pinned in tests/e2e/page/package-lock.json,
# installed with `npm ci` into ${TMPDIR:-/tmp}/slrsim-e2e-page, outside the checkout; it downloads no
# browser). The page is opened on a server of the demo's database; while it is open the AWS CLI (from
# the venv tests/e2e/aws_clients.sh made) sends calls, which must appear on their own. Screenshots of
# the main views are kept in target/page-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=${SLRSIM_BIN:-target/debug/slrsim}
VENV=${E2E_VENV:-${TMPDIR:-/tmp}/slrsim-e2e-venv}
PAGE_DIR=${E2E_PAGE_DIR:-${TMPDIR:-/tmp}/slrsim-e2e-page}
SHOTS=${SLRSIM_PAGE_SHOTS:-$PWD/target/page-screenshots}
fail() { echo "page: $*" >&2; exit 1; }

[ -x "$BIN" ] || cargo build --locked
if ! command -v chromium >/dev/null 2>&1; then
  echo "--- page [Chromium from Debian's packages]"
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null; }
  else
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null
  fi
fi
CHROMIUM=$(command -v chromium) || fail "no chromium"
export CHROMIUM

lock_sum=$(sha256sum tests/e2e/page/package-lock.json | cut -d' ' -f1)
if [ "$(cat "$PAGE_DIR/.slrsim-e2e-lock" 2>/dev/null)" != "$lock_sum" ] || [ ! -d "$PAGE_DIR/node_modules" ]; then
  echo "--- page [playwright-core (npm ci into $PAGE_DIR)]"
  mkdir -p "$PAGE_DIR"
  cp tests/e2e/page/package.json tests/e2e/page/package-lock.json "$PAGE_DIR/"
  npm ci --prefix "$PAGE_DIR" --no-audit --no-fund --ignore-scripts --loglevel=error
  printf '%s' "$lock_sum" >"$PAGE_DIR/.slrsim-e2e-lock"
fi
cp tests/e2e/page/page.mjs "$PAGE_DIR/"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/slrsim-page.XXXXXX")
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$SHOTS"

echo "--- page [a server of the demo's database]"
"$BIN" --db "$WORK/demo.db" demo >/dev/null
"$BIN" --db "$WORK/demo.db" serve --addr 127.0.0.1:0 >"$WORK/exports" 2>"$WORK/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q SLRSIM_TOKEN "$WORK/exports" 2>/dev/null && break; sleep 0.1; done
grep -q SLRSIM_TOKEN "$WORK/exports" || fail "the server did not start: $(cat "$WORK/serve.err")"
# shellcheck disable=SC1091
. "$WORK/exports"
records=$(curl -fsS -H "Authorization: Bearer $SLRSIM_TOKEN" "$AWS_ENDPOINT_URL/_slrsim/status" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["NextSeq"])')

echo "--- page [the page in headless Chromium ($CHROMIUM)]"
node "$PAGE_DIR/page.mjs" "$AWS_ENDPOINT_URL" "$SLRSIM_TOKEN" "$records" "$SHOTS" "$WORK/fork.db" "$WORK/live-done" \
  >"$WORK/page.out" 2>&1 &
PAGE=$!
for _ in $(seq 600); do
  grep -q "ready for the live calls" "$WORK/page.out" && break
  kill -0 "$PAGE" 2>/dev/null || break
  sleep 0.1
done
if grep -q "ready for the live calls" "$WORK/page.out"; then
  AWS_PAGER="" "$VENV/bin/aws" iam create-user --user-name watcher >/dev/null
fi
touch "$WORK/live-done"
status=0
wait "$PAGE" || status=$?
cat "$WORK/page.out"
[ "$status" = 0 ] || fail "the browser test failed (exit $status)"
kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; SERVER=""

echo "--- page [slrsim ui of a database no server holds: the same page, read-only]"
"$BIN" --db "$WORK/demo2.db" demo >/dev/null
"$BIN" --db "$WORK/demo2.db" ui >"$WORK/ui.out" 2>"$WORK/ui.err" &
SERVER=$!
for _ in $(seq 100); do [ -s "$WORK/ui.out" ] && break; sleep 0.1; done
url=$(head -n 1 "$WORK/ui.out")
case $url in http://*/_slrsim/\?token=*) ;; *) fail "slrsim ui printed no address: $url $(cat "$WORK/ui.err")" ;; esac
ui_endpoint=${url%%/_slrsim/*}
ui_token=${url##*token=}
mkdir -p "$SHOTS/ui"
node "$PAGE_DIR/page.mjs" "$ui_endpoint" "$ui_token" "$records" "$SHOTS/ui" - - || fail "the read-only page failed"
echo "page: screenshots in $SHOTS: $(cd "$SHOTS" && ls | tr '\n' ' ')"
