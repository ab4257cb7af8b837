#!/usr/bin/env bash
# End-to-end test with the AWS SDK for Rust: builds tests/e2e/rust (the SDK's versions pinned in its
# Cargo.lock) into a target folder outside the checkout, runs it against `slrsim serve --clock
# requests:10`, then checks the log the server left: it verifies, and it holds no refused request.
#
#   bash tests/e2e/rust.sh
#
# Environment:
#   SLRSIM_BIN          the slrsim binary (default: ${CARGO_TARGET_DIR:-target}/debug/slrsim)
#   E2E_RUST_TARGET     where the SDK program is built (default: ${TMPDIR:-/tmp}/slrsim-e2e-rust)
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
SLRSIM_BIN=${SLRSIM_BIN:-${CARGO_TARGET_DIR:-target}/debug/slrsim}
TARGET=${E2E_RUST_TARGET:-${TMPDIR:-/tmp}/slrsim-e2e-rust}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/slrsim-e2e-rust-run.XXXXXX")
SERVER_PID=""

cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ]; then
    echo "--- the server's standard error:" >&2
    tail -n 40 "$WORK/serve.err" >&2 || true
    echo "rust e2e: kept $WORK for inspection" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

fail() {
  echo "rust e2e FAILED: $*" >&2
  exit 1
}

[ -x "$SLRSIM_BIN" ] || cargo build --locked --bin slrsim
echo "--- rust e2e [build the SDK program into $TARGET]"
CARGO_TARGET_DIR=$TARGET cargo build --locked --release --quiet --manifest-path tests/e2e/rust/Cargo.toml
PROGRAM=$TARGET/release/slrsim-e2e-rust-sdk

echo "--- rust e2e [serve, and drive the lifecycle with the SDK]"
"$SLRSIM_BIN" --db "$WORK/db" serve --addr 127.0.0.1:0 --clock requests:10 >"$WORK/env" 2>"$WORK/serve.err" &
SERVER_PID=$!
for _ in $(seq 1200); do
  [ "$(grep -c '^export ' "$WORK/env" || true)" -ge 5 ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "slrsim serve exited before it printed its exports"
  sleep 0.1
done
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN
while IFS= read -r line; do
  case $line in
    "export AWS_ACCESS_KEY_ID="*) export AWS_ACCESS_KEY_ID=${line#*=} ;;
    "export AWS_SECRET_ACCESS_KEY="*) export AWS_SECRET_ACCESS_KEY=${line#*=} ;;
    "export AWS_ENDPOINT_URL="*) export AWS_ENDPOINT_URL=${line#*=} ;;
    "export AWS_DEFAULT_REGION="*) export AWS_DEFAULT_REGION=${line#*=} AWS_REGION=${line#*=} ;;
    "export SLRSIM_TOKEN="*) export SLRSIM_TOKEN=${line#*=} ;;
    *) fail "unexpected line from slrsim serve: $line" ;;
  esac
done <"$WORK/env"
export AWS_EC2_METADATA_DISABLED=true
"$PROGRAM" || fail "the SDK program failed"

kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || fail "slrsim serve did not stop cleanly"
SERVER_PID=""

echo "--- rust e2e [the log verifies and holds no refused request]"
"$SLRSIM_BIN" --db "$WORK/db" verify >/dev/null || fail "slrsim verify"
refused=$("$SLRSIM_BIN" --db "$WORK/db" log --op RefusedRequest)
[ -z "$refused" ] || fail "requests the SDK sent were refused: $refused"
records=$("$SLRSIM_BIN" --db "$WORK/db" log | wc -l)
echo "rust e2e: passed ($records records)"
