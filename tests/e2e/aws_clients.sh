#!/usr/bin/env bash
# End-to-end test: drives `slrsim serve` with the real AWS CLI (v1, Python), with boto3 and with the AWS
# SDK for JavaScript v3 through the AWSServiceRoleForMediaTailor lifecycle, sends every served
# operation inputs generated from AWS's models, checks the log each server left with `slrsim verify`,
# `slrsim explain` and `slrsim log`, and checks every answer against AWS's models (through a recording
# proxy). See tests/e2e/README.md.
#
#   bash tests/e2e/aws_clients.sh
#
# Environment:
#   SLRSIM_BIN  the slrsim binary (default: ${CARGO_TARGET_DIR:-target}/debug/slrsim, built with `cargo build --locked`)
#   E2E_VENV    a Python venv with awscli and boto3, used as it is (default: ${TMPDIR:-/tmp}/slrsim-e2e-venv,
#               created with the pinned versions below when missing, refreshed when the pins change);
#               a named venv that lacks awscli or boto3 gets the pinned versions too
#   E2E_JS_DIR  where `npm ci` installs tests/e2e/js (default: ${TMPDIR:-/tmp}/slrsim-e2e-js)
#   E2E_KEEP=1  keep the temporary directory (databases, server output) even when the test passes
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

# Versions verified together, the whole dependency closure. awscli 1.46 signs with its own vendored
# botocore (awscli/botocore, 1.43.62, which `aws --version` reports); boto3 1.44.8 brings botocore 1.44.8.
PINS=(
  awscli==1.46.3 boto3==1.44.8 botocore==1.44.8 s3transfer==0.19.3
  colorama==0.4.6 docutils==0.19 jmespath==1.1.0 pyasn1==0.6.5 python-dateutil==2.9.0.post0
  PyYAML==6.0.4 rsa==4.7.2 six==1.17.0 urllib3==2.8.0
)
DEFAULT_VENV="${TMPDIR:-/tmp}/slrsim-e2e-venv"
# The JavaScript SDK's node_modules, installed with `npm ci` from tests/e2e/js/package-lock.json,
# refreshed when the lock file changes.
JS_DIR=${E2E_JS_DIR:-${TMPDIR:-/tmp}/slrsim-e2e-js}
VENV=${E2E_VENV:-$DEFAULT_VENV}

ROLE=AWSServiceRoleForMediaTailor
ROLE_PATH=/aws-service-role/mediatailor.amazonaws.com/
ACCOUNT=111122223333 # slrsim's default account: the printed root key is its root's
CONFIG=e2e-cli
CONFIG_ARN="arn:aws:mediatailor:us-east-1:$ACCOUNT:playbackConfiguration/$CONFIG"
ROLE_ARN="arn:aws:iam::$ACCOUNT:role$ROLE_PATH$ROLE"
UNKNOWN_KEY=AKIAE2EUNKNOWNKEY000
SLR_POLICY_ARN=arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy
LOGS_READ_ARN=arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess
IAM_READ_ARN=arn:aws:iam::aws:policy/IAMReadOnlyAccess

STEP=setup
WORK=""
SERVER_PID=""
SERVER_ERR=""
PROXY_PID=""
CONFORMANCE="$ROOT/tests/e2e/conformance"
DIFFERENCES="$CONFORMANCE/differences.txt"
STARTED=$SECONDS

step() {
  STEP=$1
  echo "--- e2e [$STEP]"
}

fail() {
  trap - ERR
  echo "e2e FAILED in step [$STEP]: $*" >&2
  exit 1
}

# Any command that fails outside an explicit check still names the step.
trap 'fail "command failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

stop_proxy() {
  [ -n "$PROXY_PID" ] || return 0
  kill -TERM "$PROXY_PID" 2>/dev/null || true
  wait "$PROXY_PID" 2>/dev/null || true
  PROXY_PID=""
}

stop_server_quietly() {
  stop_proxy
  [ -n "$SERVER_PID" ] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

cleanup() {
  local rc=$?
  trap - ERR
  stop_server_quietly
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    if [ "$rc" -ne 0 ]; then
      if [ -n "$SERVER_ERR" ] && [ -s "$SERVER_ERR" ]; then
        echo "--- the server's standard error ($SERVER_ERR):" >&2
        tail -n 40 "$SERVER_ERR" >&2
      fi
      echo "e2e: kept $WORK for inspection" >&2
    elif [ "${E2E_KEEP:-0}" = 1 ]; then
      echo "e2e: kept $WORK"
    else
      rm -rf "$WORK"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- Helpers --------------------------------------------------------------------------------------

# py_json EXPR JSON: prints EXPR evaluated over d = the parsed JSON (lists/dicts as JSON).
py_json() {
  "$PY" -c '
import json, sys
d = json.loads(sys.argv[2])
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v))' "$1" "$2"
}

# check_json WHAT EXPR JSON: EXPR over d = the parsed JSON must be true.
check_json() {
  local what=$1 expr=$2 json=$3 ok
  ok=$(py_json "bool($expr)" "$json") || fail "$what: cannot evaluate $expr over: $json"
  [ "$ok" = true ] || fail "$what: expected $expr; got: $json"
}

# aws_ok ARGS...: an AWS CLI call that must succeed; prints its JSON output.
aws_ok() {
  local out rc=0
  out=$("$AWS" --cli-connect-timeout 10 --cli-read-timeout 30 --output json "$@" 2>"$WORK/stderr") || rc=$?
  [ "$rc" -eq 0 ] || fail "aws $* exited $rc: $(cat "$WORK/stderr")"
  printf '%s' "$out"
}

# aws_error CODE OPERATION ARGS...: an AWS CLI call that must fail as AWS CLI v1 reports a service
# error: exit 255 and "An error occurred (CODE) when calling the OPERATION operation: ..." on stderr.
aws_error() {
  local code=$1 op=$2 rc=0 out err
  shift 2
  out=$("$AWS" --cli-connect-timeout 10 --cli-read-timeout 30 --output json "$@" 2>"$WORK/stderr") || rc=$?
  err=$(cat "$WORK/stderr")
  [ "$rc" -eq 255 ] || fail "aws $*: expected exit 255 with $code; got exit $rc; stderr: $err; stdout: $out"
  [[ $err == *"An error occurred ($code) when calling the $op operation: "?* ]] ||
    fail "aws $*: expected 'An error occurred ($code) when calling the $op operation: ...'; got: $err"
  printf '%s' "$err"
}

# control METHOD PATH [JSON]: a call of the control API, with the operator's token, that must
# answer 200; prints the body.
control() {
  local method=$1 path=$2 data=${3:-} status
  local args=(-sS --max-time 30 -o "$WORK/control" -w '%{http_code}' -X "$method"
    -H "Authorization: Bearer $SLRSIM_TOKEN")
  [ -z "$data" ] || args+=(-H 'Content-Type: application/json' --data "$data")
  status=$(curl "${args[@]}" "$AWS_ENDPOINT_URL$path") || fail "curl $method $path failed"
  [ "$status" = 200 ] || fail "$method $path: expected 200, got $status: $(cat "$WORK/control")"
  cat "$WORK/control"
}

advance() {
  control POST "/_slrsim/advance?seconds=$1"
}

# start_server NAME: serves a new database $WORK/NAME.db on a free port; sets the AWS_* exports.
start_server() {
  local name=$1 line
  local env_file="$WORK/$name.env"
  SERVER_ERR="$WORK/$name.serve.err"
  : >"$env_file"
  "$SLRSIM_BIN" --db "$WORK/$name.db" serve --addr 127.0.0.1:0 >"$env_file" 2>"$SERVER_ERR" &
  SERVER_PID=$!
  for _ in $(seq 1200); do
    if [ "$(grep -c '^export ' "$env_file" || true)" -ge 5 ]; then break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || fail "slrsim serve exited before it printed its exports: $(cat "$SERVER_ERR")"
    sleep 0.1
  done
  [ "$(grep -c '^export ' "$env_file" || true)" -ge 5 ] || fail "slrsim serve printed no exports in 120 s"
  # Read the five exports rather than sourcing whatever was printed.
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_ENDPOINT_URL AWS_DEFAULT_REGION SLRSIM_TOKEN
  while IFS= read -r line; do
    case $line in
      "export AWS_ACCESS_KEY_ID="*) export AWS_ACCESS_KEY_ID=${line#*=} ;;
      "export AWS_SECRET_ACCESS_KEY="*) export AWS_SECRET_ACCESS_KEY=${line#*=} ;;
      "export AWS_ENDPOINT_URL="*) export AWS_ENDPOINT_URL=${line#*=} ;;
      "export AWS_DEFAULT_REGION="*) export AWS_DEFAULT_REGION=${line#*=} ;;
      "export SLRSIM_TOKEN="*) export SLRSIM_TOKEN=${line#*=} ;;
      *) fail "unexpected line from slrsim serve: $line" ;;
    esac
  done <"$env_file"
  [[ ${AWS_ENDPOINT_URL:-} =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || fail "AWS_ENDPOINT_URL: ${AWS_ENDPOINT_URL:-missing}"
  [[ ${AWS_ACCESS_KEY_ID:-} =~ ^AKIA[A-Z0-9]{16}$ ]] || fail "AWS_ACCESS_KEY_ID: ${AWS_ACCESS_KEY_ID:-missing}"
  [ -n "${AWS_SECRET_ACCESS_KEY:-}" ] || fail "AWS_SECRET_ACCESS_KEY missing"
  [ "${AWS_DEFAULT_REGION:-}" = us-east-1 ] || fail "AWS_DEFAULT_REGION: ${AWS_DEFAULT_REGION:-missing}"
  [[ ${SLRSIM_TOKEN:-} =~ ^[0-9a-f]{64}$ ]] || fail "SLRSIM_TOKEN: ${SLRSIM_TOKEN:-missing}"
  local status
  # Without the token the control API answers 401.
  status=$(curl -sS --max-time 30 -o /dev/null -w '%{http_code}' "$AWS_ENDPOINT_URL/_slrsim/status") ||
    fail "curl GET /_slrsim/status failed"
  [ "$status" = 401 ] || fail "GET /_slrsim/status without the token: expected 401, got $status"
  status=$(control GET /_slrsim/status)
  check_json "GET /_slrsim/status" 'd["Clock"] == "manual" and d["Seq"] == 0 and d["NextSeq"] == 1' "$status"
  start_proxy "$name"
  echo "e2e: slrsim serve (pid $SERVER_PID) on $SLRSIM_URL, database $WORK/$name.db; clients go through $AWS_ENDPOINT_URL"
}

# start_proxy NAME: the recording proxy (tests/e2e/conformance/proxy.py) in front of the server;
# clients use it as AWS_ENDPOINT_URL, and every exchange is appended to $WORK/NAME.exchanges.jsonl for
# check.py.
start_proxy() {
  local name=$1 url_file="$WORK/$1.proxy-url"
  SLRSIM_URL=$AWS_ENDPOINT_URL
  "$PY" "$CONFORMANCE/proxy.py" "$SLRSIM_URL" "$WORK/$name.exchanges.jsonl" "$url_file" \
    2>"$WORK/$name.proxy.err" &
  PROXY_PID=$!
  for _ in $(seq 600); do
    [ -s "$url_file" ] && break
    kill -0 "$PROXY_PID" 2>/dev/null || fail "the recording proxy exited: $(cat "$WORK/$name.proxy.err")"
    sleep 0.1
  done
  [ -s "$url_file" ] || fail "the recording proxy did not start in 60 s"
  export AWS_ENDPOINT_URL
  AWS_ENDPOINT_URL=$(cat "$url_file")
}


# stop_server: SIGTERM, then the server must flush and exit 0 within 120 s (a limit that only turns a hang into a failure).
stop_server() {
  local rc=0
  stop_proxy
  kill -TERM "$SERVER_PID" || fail "could not signal the server (pid $SERVER_PID)"
  for _ in $(seq 1200); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    fail "the server did not exit within 120 s of SIGTERM"
  fi
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=""
  [ "$rc" -eq 0 ] || fail "the server exited $rc after SIGTERM (expected 0): $(cat "$SERVER_ERR")"
}

# check_log NAME FAILED_TASK SUCCEEDED_TASK CONFIG_ARN REFUSED_JSON: the stopped server's log verifies,
# explains both tasks, and holds exactly the expected RefusedRequest records.
check_log() {
  local db="$WORK/$1.db" failed=$2 succeeded=$3 arn=$4 refused=$5 out rc=0
  out=$("$SLRSIM_BIN" --db "$db" verify 2>&1) || rc=$?
  [ "$rc" -eq 0 ] || fail "slrsim verify exited $rc: $out"
  [[ $out == verified* ]] || fail "slrsim verify: $out"
  echo "e2e: $out"

  out=$("$SLRSIM_BIN" --db "$db" explain "$failed" 2>&1) || fail "slrsim explain $failed: $out"
  [[ $out == *"ended FAILED"* ]] || fail "slrsim explain $failed does not say FAILED: $out"
  [[ $out == *"us-east-1: $arn had PercentEnabled 100"* ]] ||
    fail "slrsim explain $failed does not name $arn: $out"
  out=$("$SLRSIM_BIN" --db "$db" explain --json "$failed" 2>&1) || fail "slrsim explain --json $failed: $out"
  check_json "slrsim explain --json (failed task)" \
    "d['status'] == 'FAILED' and [e[:3] for e in d['enabled']] == [['us-east-1', '$arn', 100]]" "$out"
  out=$("$SLRSIM_BIN" --db "$db" explain "$succeeded" 2>&1) || fail "slrsim explain $succeeded: $out"
  [[ $out == *"ended SUCCEEDED"* ]] || fail "slrsim explain $succeeded does not say SUCCEEDED: $out"

  out=$("$SLRSIM_BIN" --db "$db" log --op RefusedRequest --json 2>&1) || fail "slrsim log --json: $out"
  local got
  got=$("$PY" -c '
import json, sys
print(json.dumps([
    {"Service": r["action"]["params"]["Service"], "Code": r["action"]["params"]["Code"],
     "AccessKeyId": r["action"]["params"]["AccessKeyId"],
     "Caller": r["action"]["caller"], "Status": r["outcome"]["error"]["error"]["status"]}
    for r in map(json.loads, filter(None, sys.stdin.read().splitlines()))]))' <<<"$out") ||
    fail "cannot read slrsim log --json: $out"
  check_json "RefusedRequest records in the log" \
    "d == [dict(r, Caller='(anonymous)') for r in $refused]" "$got"
  out=$("$SLRSIM_BIN" --db "$db" log 2>&1) || fail "slrsim log: $out"
  local n
  n=$(grep -c ' RefusedRequest .*ERROR \(SignatureDoesNotMatch\|InvalidClientTokenId\) (403)\| RefusedRequest .*ERROR \(InvalidSignatureException\|UnrecognizedClientException\) (400)' <<<"$out" || true)
  [ "$n" -eq "$(py_json "len($refused)" '{}')" ] ||
    fail "slrsim log shows $n RefusedRequest lines, expected $(py_json "len($refused)" '{}'): $out"
}

# coverage_missing NAME: writes to $WORK/missing, comma-separated, each operation slrsim serves (the
# operation registry itself, `slrsim operations --json`) that the stopped server NAME's log holds no
# call of; an empty line when every one was called. A call counts whether the service accepted or refused it (an error answer is
# still a record of that operation); a RefusedRequest (a request slrsim could not take: a bad
# signature, a malformed body) counts for nothing.
coverage_missing() {
  local ops="$WORK/operations.json" log="$WORK/$1.log.jsonl"
  "$SLRSIM_BIN" operations --json >"$ops" 2>"$WORK/stderr" ||
    fail "slrsim operations --json failed: $(cat "$WORK/stderr")"
  "$SLRSIM_BIN" --db "$WORK/$1.db" log --json >"$log" 2>"$WORK/stderr" ||
    fail "slrsim log --json failed: $(cat "$WORK/stderr")"
  "$PY" -c '
import json, sys
served = [(o["Service"], o["Name"]) for o in json.load(open(sys.argv[1]))]
if len(served) < 40:
    sys.exit(f"slrsim operations --json lists only {len(served)} operations")
called = set()
for line in open(sys.argv[2]):
    if line.strip():
        op = json.loads(line)["action"]["op"]
        if op != "RefusedRequest":
            called.add(op)
missing = [f"{service} {name}" for service, name in served if name not in called]
print(", ".join(missing))
print(f"{len(served) - len(missing)} of {len(served)} served operations called", file=sys.stderr)' \
    "$ops" "$log" >"$WORK/missing" 2>"$WORK/coverage" || fail "cannot read $log or $ops: $(cat "$WORK/coverage")"
}

# check_coverage NAME CLIENT: CLIENT, the only client of the stopped server NAME, called every
# operation slrsim serves. No list is kept here: an operation added to slrsim fails this check until
# every client calls it.
check_coverage() {
  local name=$1 client=$2 missing
  step "$name: coverage: $client called every operation of slrsim operations --json"
  coverage_missing "$name"
  missing=$(cat "$WORK/missing")
  [ -z "$missing" ] ||
    fail "$client did not call every operation slrsim serves (slrsim operations --json); not called: $missing"
  echo "e2e: $client: $(cat "$WORK/coverage")"
}

# --- Setup ----------------------------------------------------------------------------------------

step "prerequisites"
command -v curl >/dev/null || fail "curl is needed"
command -v python3 >/dev/null || [ -x "$VENV/bin/python" ] || fail "python3 is needed"

if [ -z "${SLRSIM_BIN:-}" ]; then
  SLRSIM_BIN=${CARGO_TARGET_DIR:-target}/debug/slrsim
  # Build (a no-op when up to date), so the test never runs a stale binary.
  cargo build --locked --quiet || fail "cargo build --locked failed"
fi
[ -x "$SLRSIM_BIN" ] || fail "SLRSIM_BIN=$SLRSIM_BIN is not an executable"
SLRSIM_BIN=$(cd "$(dirname "$SLRSIM_BIN")" && pwd)/$(basename "$SLRSIM_BIN")

# The venv: created and filled with the pinned versions when it lacks awscli or boto3; the default
# one is also refreshed when its pins differ from PINS.
stamp="$VENV/.slrsim-e2e-pins"
if ! { [ -x "$VENV/bin/aws" ] && "$VENV/bin/python" -c 'import boto3, awscli' 2>/dev/null; } ||
  { [ "$VENV" = "$DEFAULT_VENV" ] && [ "$(cat "$stamp" 2>/dev/null)" != "${PINS[*]}" ]; }; then
  step "venv $VENV"
  if [ ! -x "$VENV/bin/python" ]; then
    # Without ensurepip (Debian's python3 without python3-venv) the venv is made without pip, and
    # python3's own pip installs into it below.
    python3 -m venv "$VENV" || python3 -m venv --without-pip "$VENV" ||
      fail "python3 -m venv $VENV failed"
  fi
  if "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    pip=("$VENV/bin/python" -m pip)
  else
    pip=(python3 -m pip --python "$VENV/bin/python")
  fi
  "${pip[@]}" install --disable-pip-version-check --quiet "${PINS[@]}" ||
    fail "pip install ${PINS[*]} into $VENV failed"
  printf '%s' "${PINS[*]}" >"$stamp"
fi
PY="$VENV/bin/python"
AWS="$VENV/bin/aws"

# Nothing from the host's AWS setup may leak in: no profile, config, credentials, proxies or
# per-service endpoints. The CLI keeps its default retry settings, so its messages are the ones users
# see (AWS_MAX_ATTEMPTS would add "(reached max retries: N)"); it never retries a 4xx answer.
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep '^AWS_' || true)
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy ALL_PROXY all_proxy
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true
export PYTHONNOUSERSITE=1 PYTHONDONTWRITEBYTECODE=1

echo "e2e: $("$AWS" --version 2>&1)"
echo "e2e: $("$PY" -c 'import boto3, botocore; print("boto3", boto3.__version__, "botocore", botocore.__version__)')"
echo "e2e: $("$SLRSIM_BIN" --version 2>/dev/null || echo "$SLRSIM_BIN")"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/slrsim-e2e.XXXXXX")

step "conformance: the check itself (tests/e2e/conformance/selftest.py)"
out=$("$PY" "$CONFORMANCE/selftest.py" 2>&1) || fail "the conformance check misjudges answers written by hand:
$out"

# --- Part 1: the AWS CLI --------------------------------------------------------------------------

step "cli: start the server"
start_server cli

step "cli: the CLI talks to slrsim as the root of its default account"
out=$(aws_ok sts get-caller-identity)
check_json "sts get-caller-identity" "d['Account'] == '$ACCOUNT' and d['Arn'] == 'arn:aws:iam::$ACCOUNT:root'" "$out"

step "cli: no role before logging"
aws_error NoSuchEntity GetRole iam get-role --role-name "$ROLE" >/dev/null

step "cli 1: put-playback-configuration"
out=$(aws_ok mediatailor put-playback-configuration --name "$CONFIG" \
  --ad-decision-server-url "https://ads.example.com/vast?duration=[session.avail_duration_secs]" \
  --video-content-source-url https://origin.example.com/media)
check_json "put-playback-configuration" \
  "d['Name'] == '$CONFIG' and d['PlaybackConfigurationArn'] == '$CONFIG_ARN' and d['VideoContentSourceUrl'] == 'https://origin.example.com/media' and d['LogConfiguration']['PercentEnabled'] == 0" "$out"
out=$(aws_ok mediatailor get-playback-configuration --name "$CONFIG")
check_json "get-playback-configuration" \
  "d['AdDecisionServerUrl'] == 'https://ads.example.com/vast?duration=[session.avail_duration_secs]'" "$out"

step "cli 2: enable logging, the role appears"
out=$(aws_ok mediatailor configure-logs-for-playback-configuration \
  --playback-configuration-name "$CONFIG" --percent-enabled 100)
check_json "configure-logs 100" \
  "d == {'PercentEnabled': 100, 'PlaybackConfigurationName': '$CONFIG', 'EnabledLoggingStrategies': ['LEGACY_CLOUDWATCH']}" "$out"
out=$(aws_ok iam get-role --role-name "$ROLE")
check_json "get-role" \
  "d['Role']['Path'] == '$ROLE_PATH' and d['Role']['RoleName'] == '$ROLE' and d['Role']['Arn'] == '$ROLE_ARN'" "$out"
check_json "get-role trust policy" \
  "d['Role']['AssumeRolePolicyDocument']['Statement'] == [{'Effect': 'Allow', 'Principal': {'Service': ['mediatailor.amazonaws.com']}, 'Action': ['sts:AssumeRole']}]" "$out"
first_role_id=$(py_json "d['Role']['RoleId']" "$out")
[[ $first_role_id =~ ^AROA[A-Z0-9]{17}$ ]] || fail "RoleId $first_role_id"

step "cli 3: delete while logging is on, FAILED"
out=$(aws_ok iam delete-service-linked-role --role-name "$ROLE")
failed_task=$(py_json "d['DeletionTaskId']" "$out")
[[ $failed_task =~ ^task/aws-service-role/mediatailor\.amazonaws\.com/AWSServiceRoleForMediaTailor/[0-9a-f-]{36}$ ]] ||
  fail "DeletionTaskId: $failed_task"
out=$(aws_ok iam get-service-linked-role-deletion-status --deletion-task-id "$failed_task")
check_json "status before the clock moves" "d == {'Status': 'NOT_STARTED'}" "$out"
out=$(advance 60)
check_json "advance 60 s" \
  "{'DeletionTaskId': '$failed_task', 'Status': 'FAILED'} in [{k: t[k] for k in ('DeletionTaskId', 'Status')} for t in d['Response']['FinishedDeletionTasks']]" "$out"
out=$(aws_ok iam get-service-linked-role-deletion-status --deletion-task-id "$failed_task")
check_json "deletion status FAILED with RoleUsageList" \
  "d['Status'] == 'FAILED' and d['Reason']['RoleUsageList'] == [{'Region': 'us-east-1', 'Resources': ['$CONFIG_ARN']}] and len(d['Reason']['Reason']) > 0" "$out"
out=$(aws_ok iam get-role --role-name "$ROLE")
check_json "the role survives a FAILED deletion" "d['Role']['RoleId'] == '$first_role_id'" "$out"

step "cli 4: deactivate logging, delete, SUCCEEDED"
out=$(aws_ok mediatailor configure-logs-for-playback-configuration \
  --playback-configuration-name "$CONFIG" --percent-enabled 0)
check_json "configure-logs 0" "d['PercentEnabled'] == 0" "$out"
out=$(aws_ok iam delete-service-linked-role --role-name "$ROLE")
succeeded_task=$(py_json "d['DeletionTaskId']" "$out")
[ "$succeeded_task" != "$failed_task" ] || fail "the second delete reused the finished task $failed_task"
advance 60 >/dev/null
out=$(aws_ok iam get-service-linked-role-deletion-status --deletion-task-id "$succeeded_task")
check_json "deletion status SUCCEEDED" "d == {'Status': 'SUCCEEDED'}" "$out"
aws_error NoSuchEntity GetRole iam get-role --role-name "$ROLE" >/dev/null

step "cli 5: logging again re-creates the role; the role is protected"
aws_ok mediatailor configure-logs-for-playback-configuration \
  --playback-configuration-name "$CONFIG" --percent-enabled 100 >/dev/null
out=$(aws_ok iam get-role --role-name "$ROLE")
check_json "re-created role" "d['Role']['Path'] == '$ROLE_PATH' and d['Role']['RoleId'] != '$first_role_id'" "$out"
aws_error UnmodifiableEntity DeleteRole iam delete-role --role-name "$ROLE" >/dev/null
aws_error UnmodifiableEntity AttachRolePolicy iam attach-role-policy --role-name "$ROLE" \
  --policy-arn arn:aws:iam::aws:policy/AdministratorAccess >/dev/null
aws_error UnmodifiableEntity PutRolePolicy iam put-role-policy --role-name "$ROLE" --policy-name e2e \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' >/dev/null
aws_error UnmodifiableEntity UpdateAssumeRolePolicy iam update-assume-role-policy --role-name "$ROLE" \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}' >/dev/null
aws_error InvalidInput CreateServiceLinkedRole iam create-service-linked-role \
  --aws-service-name mediatailor.amazonaws.com >/dev/null

step "cli 8: sessions with logging on, the MediaTailor log groups"
# Debug log mode: MediaTailor writes ManifestService logs only for such sessions.
out=$(control POST /_slrsim/sessions "{\"PlaybackConfigurationName\":\"$CONFIG\",\"Sessions\":5,\"Region\":\"us-east-1\",\"LogMode\":\"DEBUG\"}")
check_json "sessions" "d['Response']['LoggedSessions'] == 5 and d['Response']['LostSessions'] == 0" "$out"
out=$(aws_ok logs describe-log-groups)
check_json "describe-log-groups" \
  "[g['logGroupName'] for g in d['logGroups']] == ['MediaTailor/AdDecisionServerInteractions', 'MediaTailor/ManifestService']" "$out"
out=$(aws_ok logs describe-log-streams --log-group-name MediaTailor/ManifestService)
check_json "describe-log-streams" "[s['logStreamName'] for s in d['logStreams']] == ['$CONFIG']" "$out"
out=$(aws_ok logs describe-log-streams --log-group-name MediaTailor/AdDecisionServerInteractions --order-by LastEventTime --descending)
check_json "describe-log-streams --order-by LastEventTime --descending" "[s['logStreamName'] for s in d['logStreams']] == ['$CONFIG']" "$out"
out=$(aws_ok logs get-log-events --log-group-name MediaTailor/ManifestService --log-stream-name "$CONFIG" --start-from-head)
check_json "get-log-events" "len(d['events']) == 15 and d['nextForwardToken'].startswith('f/')" "$out"
out=$(aws_ok logs filter-log-events --log-group-name MediaTailor/AdDecisionServerInteractions --filter-pattern '{ $.eventType = "FILLED_AVAIL" }')
check_json "filter-log-events" "len(d['events']) == 5 and all('FILLED_AVAIL' in e['message'] for e in d['events'])" "$out"

step "cli 6: AccessDenied for a user without policies"
aws_ok iam create-user --user-name e2e-cli-reader >/dev/null
out=$(aws_ok iam create-access-key --user-name e2e-cli-reader)
user_key=$(py_json "d['AccessKey']['AccessKeyId']" "$out")
user_secret=$(py_json "d['AccessKey']['SecretAccessKey']" "$out")
out=$(AWS_ACCESS_KEY_ID=$user_key AWS_SECRET_ACCESS_KEY=$user_secret aws_ok sts get-caller-identity)
check_json "the new key is the user's" "d['Arn'] == 'arn:aws:iam::$ACCOUNT:user/e2e-cli-reader'" "$out"
err=$(AWS_ACCESS_KEY_ID=$user_key AWS_SECRET_ACCESS_KEY=$user_secret \
  aws_error AccessDenied GetRole iam get-role --role-name "$ROLE")
# AWS names the resource "role NAME" in this message, slrsim (for now) the role's ARN: either will do.
[[ $err == *"User: arn:aws:iam::$ACCOUNT:user/e2e-cli-reader is not authorized to perform: iam:GetRole on resource: "*"$ROLE because no identity-based policy allows the iam:GetRole action"* ]] ||
  fail "the AccessDenied message does not name the user, action and role: $err"
AWS_ACCESS_KEY_ID=$user_key AWS_SECRET_ACCESS_KEY=$user_secret \
  aws_error AccessDeniedException ListPlaybackConfigurations mediatailor list-playback-configurations >/dev/null
AWS_ACCESS_KEY_ID=$user_key AWS_SECRET_ACCESS_KEY=$user_secret \
  aws_error AccessDeniedException DescribeLogGroups logs describe-log-groups >/dev/null

step "cli 6b: the user's policies, inline and managed, take effect"
READER=e2e-cli-reader
as_user() { AWS_ACCESS_KEY_ID=$user_key AWS_SECRET_ACCESS_KEY=$user_secret "$@"; }
aws_ok iam put-user-policy --user-name "$READER" --policy-name read-roles \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"*"}]}' >/dev/null
out=$(as_user aws_ok iam get-role --role-name "$ROLE")
check_json "get-role allowed by the user's inline policy" "d['Role']['Arn'] == '$ROLE_ARN'" "$out"
aws_ok iam delete-user-policy --user-name "$READER" --policy-name read-roles >/dev/null
as_user aws_error AccessDenied GetRole iam get-role --role-name "$ROLE" >/dev/null
aws_error NoSuchEntity DeleteUserPolicy iam delete-user-policy --user-name "$READER" --policy-name read-roles >/dev/null
aws_ok iam attach-user-policy --user-name "$READER" --policy-arn "$LOGS_READ_ARN" >/dev/null
out=$(as_user aws_ok logs describe-log-groups)
check_json "describe-log-groups allowed by CloudWatchLogsReadOnlyAccess" \
  "[g['logGroupName'] for g in d['logGroups']] == ['MediaTailor/AdDecisionServerInteractions', 'MediaTailor/ManifestService']" "$out"
out=$(aws_ok iam list-entities-for-policy --policy-arn "$LOGS_READ_ARN")
check_json "list-entities-for-policy names the user" \
  "[u['UserName'] for u in d['PolicyUsers']] == ['$READER'] and d['PolicyRoles'] == [] and d['PolicyGroups'] == []" "$out"
aws_ok iam detach-user-policy --user-name "$READER" --policy-arn "$LOGS_READ_ARN" >/dev/null
as_user aws_error AccessDeniedException DescribeLogGroups logs describe-log-groups >/dev/null
aws_error NoSuchEntity DetachUserPolicy iam detach-user-policy --user-name "$READER" --policy-arn "$LOGS_READ_ARN" >/dev/null

step "cli 7: bad signatures are refused"
root_key=$AWS_ACCESS_KEY_ID
AWS_SECRET_ACCESS_KEY=wrong-secret-wrong-secret-wrong-secret-00 \
  aws_error SignatureDoesNotMatch GetRole iam get-role --role-name "$ROLE" >/dev/null
AWS_ACCESS_KEY_ID=$UNKNOWN_KEY aws_error InvalidClientTokenId GetRole iam get-role --role-name "$ROLE" >/dev/null
AWS_SECRET_ACCESS_KEY=wrong-secret-wrong-secret-wrong-secret-00 \
  aws_error SignatureDoesNotMatch ListPlaybackConfigurations mediatailor list-playback-configurations >/dev/null
AWS_ACCESS_KEY_ID=$UNKNOWN_KEY \
  aws_error InvalidClientTokenId ListPlaybackConfigurations mediatailor list-playback-configurations >/dev/null
AWS_SECRET_ACCESS_KEY=wrong-secret-wrong-secret-wrong-secret-00 \
  aws_error InvalidSignatureException DescribeLogGroups logs describe-log-groups >/dev/null
AWS_ACCESS_KEY_ID=$UNKNOWN_KEY aws_error UnrecognizedClientException DescribeLogGroups logs describe-log-groups >/dev/null
cli_refused="[
  {'Service': 'iam', 'Code': 'SignatureDoesNotMatch', 'AccessKeyId': '$root_key', 'Status': 403},
  {'Service': 'iam', 'Code': 'InvalidClientTokenId', 'AccessKeyId': '$UNKNOWN_KEY', 'Status': 403},
  {'Service': 'mediatailor', 'Code': 'SignatureDoesNotMatch', 'AccessKeyId': '$root_key', 'Status': 403},
  {'Service': 'mediatailor', 'Code': 'InvalidClientTokenId', 'AccessKeyId': '$UNKNOWN_KEY', 'Status': 403},
  {'Service': 'logs', 'Code': 'InvalidSignatureException', 'AccessKeyId': '$root_key', 'Status': 400},
  {'Service': 'logs', 'Code': 'UnrecognizedClientException', 'AccessKeyId': '$UNKNOWN_KEY', 'Status': 400}]"
# The good key still works after the refusals.
aws_ok iam get-role --role-name "$ROLE" >/dev/null

step "cli 10: the service-linked role: list, description, tags, what tools read around it"
out=$(aws_ok iam list-roles --path-prefix /aws-service-role/)
check_json "list-roles --path-prefix /aws-service-role/" \
  "[(r['RoleName'], r['Arn'], r['Path']) for r in d['Roles']] == [('$ROLE', '$ROLE_ARN', '$ROLE_PATH')]" "$out"
out=$(aws_ok iam update-role-description --role-name "$ROLE" --description "edited by the AWS CLI")
check_json "update-role-description" \
  "d['Role']['RoleName'] == '$ROLE' and d['Role']['Description'] == 'edited by the AWS CLI'" "$out"
aws_ok iam update-role --role-name "$ROLE" --description "edited again by the AWS CLI" >/dev/null
out=$(aws_ok iam get-role --role-name "$ROLE")
check_json "update-role changed the description, and nothing else" \
  "d['Role']['Description'] == 'edited again by the AWS CLI' and d['Role']['Path'] == '$ROLE_PATH' and d['Role']['AssumeRolePolicyDocument']['Statement'][0]['Principal'] == {'Service': ['mediatailor.amazonaws.com']}" "$out"
aws_ok iam tag-role --role-name "$ROLE" --tags Key=team,Value=video Key=env,Value=e2e >/dev/null
out=$(aws_ok iam list-role-tags --role-name "$ROLE")
check_json "list-role-tags" "sorted((t['Key'], t['Value']) for t in d['Tags']) == [('env', 'e2e'), ('team', 'video')]" "$out"
aws_ok iam untag-role --role-name "$ROLE" --tag-keys env >/dev/null
out=$(aws_ok iam list-role-tags --role-name "$ROLE")
check_json "untag-role" "d['Tags'] == [{'Key': 'team', 'Value': 'video'}]" "$out"
out=$(aws_ok iam list-attached-role-policies --role-name "$ROLE")
check_json "list-attached-role-policies" \
  "d['AttachedPolicies'] == [{'PolicyName': 'AWSMediaTailorServiceRolePolicy', 'PolicyArn': '$SLR_POLICY_ARN'}]" "$out"
aws_error UnmodifiableEntity DetachRolePolicy iam detach-role-policy --role-name "$ROLE" --policy-arn "$SLR_POLICY_ARN" >/dev/null
aws_error UnmodifiableEntity PutRolePermissionsBoundary iam put-role-permissions-boundary --role-name "$ROLE" \
  --permissions-boundary "$IAM_READ_ARN" >/dev/null
aws_error UnmodifiableEntity DeleteRolePolicy iam delete-role-policy --role-name "$ROLE" --policy-name e2e >/dev/null
out=$(aws_ok iam list-role-policies --role-name "$ROLE")
check_json "list-role-policies: none on the service-linked role" "d['PolicyNames'] == []" "$out"
aws_error NoSuchEntity GetRolePolicy iam get-role-policy --role-name "$ROLE" --policy-name e2e >/dev/null
out=$(aws_ok iam list-instance-profiles-for-role --role-name "$ROLE")
check_json "list-instance-profiles-for-role" "d['InstanceProfiles'] == []" "$out"
out=$(aws_ok iam get-policy --policy-arn "$SLR_POLICY_ARN")
check_json "get-policy" \
  "(d['Policy']['PolicyName'], d['Policy']['Arn'], d['Policy']['Path'], d['Policy']['DefaultVersionId'], d['Policy']['AttachmentCount'], d['Policy']['IsAttachable']) == ('AWSMediaTailorServiceRolePolicy', '$SLR_POLICY_ARN', '/aws-service-role/', 'v1', 1, True)" "$out"
out=$(aws_ok iam get-policy-version --policy-arn "$SLR_POLICY_ARN" --version-id v1)
check_json "get-policy-version: the document as AWS publishes it, parsed by the CLI" \
  "d['PolicyVersion']['VersionId'] == 'v1' and d['PolicyVersion']['IsDefaultVersion'] is True and d['PolicyVersion']['Document']['Statement'][0]['Resource'] == 'arn:aws:logs:*:*:log-group:MediaTailor/*:log-stream:*'" "$out"
aws_error NoSuchEntity GetPolicyVersion iam get-policy-version --policy-arn "$SLR_POLICY_ARN" --version-id v2 >/dev/null
out=$(aws_ok iam list-policy-versions --policy-arn "$SLR_POLICY_ARN")
check_json "list-policy-versions" "[(v['VersionId'], v['IsDefaultVersion']) for v in d['Versions']] == [('v1', True)]" "$out"
role_id=$(py_json "d['Role']['RoleId']" "$(aws_ok iam get-role --role-name "$ROLE")")
out=$(aws_ok iam list-entities-for-policy --policy-arn "$SLR_POLICY_ARN")
check_json "list-entities-for-policy" \
  "d['PolicyRoles'] == [{'RoleName': '$ROLE', 'RoleId': '$role_id'}] and d['PolicyUsers'] == [] and d['PolicyGroups'] == []" "$out"

step "cli 11: an ordinary role: create, inline and managed policies, boundary, trust, delete"
APP=e2e-cli-app
APP_ARN="arn:aws:iam::$ACCOUNT:role/e2e/$APP"
out=$(aws_ok iam create-role --role-name "$APP" --path /e2e/ --description "an application role" \
  --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}')
check_json "create-role" \
  "(d['Role']['RoleName'], d['Role']['Arn'], d['Role']['Path']) == ('$APP', '$APP_ARN', '/e2e/') and d['Role']['RoleId'].startswith('AROA') and d['Role']['AssumeRolePolicyDocument']['Statement'][0]['Principal'] == {'Service': 'ec2.amazonaws.com'}" "$out"
aws_error EntityAlreadyExists CreateRole iam create-role --role-name "$APP" \
  --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}' >/dev/null
aws_ok iam put-role-policy --role-name "$APP" --policy-name read-objects \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}' >/dev/null
out=$(aws_ok iam list-role-policies --role-name "$APP")
check_json "list-role-policies" "d['PolicyNames'] == ['read-objects']" "$out"
out=$(aws_ok iam get-role-policy --role-name "$APP" --policy-name read-objects)
check_json "get-role-policy: the document URL-decoded and parsed by the CLI" \
  "(d['RoleName'], d['PolicyName'], d['PolicyDocument']) == ('$APP', 'read-objects', {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': '*'}]})" "$out"
aws_ok iam delete-role-policy --role-name "$APP" --policy-name read-objects >/dev/null
out=$(aws_ok iam list-role-policies --role-name "$APP")
check_json "delete-role-policy" "d['PolicyNames'] == []" "$out"
aws_ok iam attach-role-policy --role-name "$APP" --policy-arn "$LOGS_READ_ARN" >/dev/null
out=$(aws_ok iam list-attached-role-policies --role-name "$APP")
check_json "attach-role-policy" \
  "d['AttachedPolicies'] == [{'PolicyName': 'CloudWatchLogsReadOnlyAccess', 'PolicyArn': '$LOGS_READ_ARN'}]" "$out"
aws_ok iam detach-role-policy --role-name "$APP" --policy-arn "$LOGS_READ_ARN" >/dev/null
out=$(aws_ok iam list-attached-role-policies --role-name "$APP")
check_json "detach-role-policy" "d['AttachedPolicies'] == []" "$out"
aws_ok iam put-role-permissions-boundary --role-name "$APP" --permissions-boundary "$IAM_READ_ARN" >/dev/null
out=$(aws_ok iam get-role --role-name "$APP")
check_json "put-role-permissions-boundary" \
  "d['Role']['PermissionsBoundary'] == {'PermissionsBoundaryType': 'PermissionsBoundaryPolicy', 'PermissionsBoundaryArn': '$IAM_READ_ARN'}" "$out"
aws_ok iam update-assume-role-policy --role-name "$APP" \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}' >/dev/null
out=$(aws_ok iam get-role --role-name "$APP")
check_json "update-assume-role-policy" \
  "d['Role']['AssumeRolePolicyDocument']['Statement'][0]['Principal'] == {'Service': 'lambda.amazonaws.com'} and d['Role']['Description'] == 'an application role'" "$out"
out=$(aws_ok iam list-roles)
check_json "list-roles" "sorted(r['RoleName'] for r in d['Roles']) == ['$ROLE', '$APP']" "$out"
aws_ok iam delete-role --role-name "$APP" >/dev/null
aws_error NoSuchEntity GetRole iam get-role --role-name "$APP" >/dev/null
aws_error NoSuchEntity DeleteRole iam delete-role --role-name "$APP" >/dev/null

step "cli 12: MediaTailor tags, the list, delete"
aws_ok mediatailor tag-resource --resource-arn "$CONFIG_ARN" --tags team=video,env=e2e >/dev/null
out=$(aws_ok mediatailor list-tags-for-resource --resource-arn "$CONFIG_ARN")
check_json "list-tags-for-resource" "d == {'Tags': {'team': 'video', 'env': 'e2e'}}" "$out"
aws_ok mediatailor untag-resource --resource-arn "$CONFIG_ARN" --tag-keys env >/dev/null
out=$(aws_ok mediatailor list-tags-for-resource --resource-arn "$CONFIG_ARN")
check_json "untag-resource" "d == {'Tags': {'team': 'video'}}" "$out"
out=$(aws_ok mediatailor get-playback-configuration --name "$CONFIG")
check_json "get-playback-configuration shows the tags" "d['Tags'] == {'team': 'video'}" "$out"
aws_error BadRequestException ListTagsForResource mediatailor list-tags-for-resource \
  --resource-arn "arn:aws:mediatailor:us-east-1:$ACCOUNT:channel/e2e-no-such-channel" >/dev/null
out=$(aws_ok mediatailor list-playback-configurations)
check_json "list-playback-configurations" \
  "[(i['Name'], i['PlaybackConfigurationArn'], i['LogConfiguration']['PercentEnabled']) for i in d['Items']] == [('$CONFIG', '$CONFIG_ARN', 100)]" "$out"
aws_ok mediatailor delete-playback-configuration --name "$CONFIG" >/dev/null
aws_error NotFoundException GetPlaybackConfiguration mediatailor get-playback-configuration --name "$CONFIG" >/dev/null
out=$(aws_ok mediatailor list-playback-configurations)
check_json "list-playback-configurations after the delete" "d.get('Items', []) == []" "$out"

step "cli 9: stop the server; verify, explain, log"
stop_server
check_log cli "$failed_task" "$succeeded_task" "$CONFIG_ARN" "$cli_refused"
check_coverage cli "the AWS CLI"

# --- Part 2: boto3 --------------------------------------------------------------------------------

step "boto3: start a second server"
start_server boto3

step "boto3: the lifecycle (tests/e2e/boto3_lifecycle.py)"
timeout 300 "$PY" tests/e2e/boto3_lifecycle.py "$WORK/boto3-summary.json" ||
  fail "tests/e2e/boto3_lifecycle.py failed (its message is above)"
summary=$(cat "$WORK/boto3-summary.json")

step "boto3 9: stop the server; verify, explain, log"
stop_server
check_log boto3 "$(py_json "d['failed_task']" "$summary")" "$(py_json "d['succeeded_task']" "$summary")" \
  "$(py_json "d['config_arn']" "$summary")" "$(py_json "d['refused']" "$summary")"
check_coverage boto3 boto3

# --- Part 2b: what the awsmt Terraform provider sends ------------------------------------------------

step "awsmt: start a server for the Terraform provider's calls"
start_server awsmt

step "awsmt: create, refresh, import, update with tags, destroy (tests/e2e/awsmt_playback.py)"
timeout 300 "$PY" tests/e2e/awsmt_playback.py || fail "tests/e2e/awsmt_playback.py failed (its message is above)"
stop_server
out=$("$SLRSIM_BIN" --db "$WORK/awsmt.db" verify 2>&1) || fail "slrsim verify (awsmt) failed: $out"
# The coverage check itself: the provider's calls are MediaTailor's only, so it must name IAM's,
# STS's and CloudWatch Logs' operations as not called, and none of the MediaTailor calls made.
step "awsmt: the coverage check names what a client did not call"
coverage_missing awsmt
missing=$(cat "$WORK/missing")
check_json "operations the awsmt calls left out" \
  "{'IAM GetRole', 'IAM CreateServiceLinkedRole', 'STS GetCallerIdentity', 'CloudWatch Logs GetLogEvents'} <= set(d) and not {'MediaTailor PutPlaybackConfiguration', 'MediaTailor TagResource', 'MediaTailor UntagResource'} & set(d)" \
  "$("$PY" -c 'import json, sys; print(json.dumps(sys.argv[1].split(", ")))' "$missing")"

# --- Part 3: model-generated inputs ---------------------------------------------------------------

step "inputs: start a third server"
start_server inputs

step "inputs: every served operation with inputs made from AWS's models (tests/e2e/conformance/inputs.py)"
inputs_rc=0
inputs_out=$(timeout 300 "$PY" "$CONFORMANCE/inputs.py" "$SLRSIM_BIN" "$DIFFERENCES" 2>&1) || inputs_rc=$?
stop_server
out=$("$SLRSIM_BIN" --db "$WORK/inputs.db" verify 2>&1) || fail "slrsim verify (inputs) failed: $out"

# --- Part 4: the AWS SDK for JavaScript v3 ----------------------------------------------------------

step "js: the SDK (tests/e2e/js, npm ci into $JS_DIR)"
command -v node >/dev/null || fail "node (18 or newer) is needed for the JavaScript SDK part"
command -v npm >/dev/null || fail "npm is needed for the JavaScript SDK part"
lock_sum=$(sha256sum tests/e2e/js/package-lock.json | cut -d' ' -f1)
if [ "$(cat "$JS_DIR/.slrsim-e2e-lock" 2>/dev/null)" != "$lock_sum" ] || [ ! -d "$JS_DIR/node_modules" ]; then
  mkdir -p "$JS_DIR"
  cp tests/e2e/js/package.json tests/e2e/js/package-lock.json "$JS_DIR/"
  npm ci --prefix "$JS_DIR" --no-audit --no-fund --ignore-scripts --loglevel=error >"$WORK/npm.log" 2>&1 ||
    fail "npm ci into $JS_DIR failed: $(tail -n 20 "$WORK/npm.log")"
  printf '%s' "$lock_sum" >"$JS_DIR/.slrsim-e2e-lock"
fi
cp tests/e2e/js/lifecycle.mjs "$JS_DIR/lifecycle.mjs"
echo "e2e: node $(node --version), $(cd "$JS_DIR" && node -e 'for (const p of ["client-iam","client-sts","client-mediatailor","client-cloudwatch-logs"]) process.stdout.write(p + " " + require("@aws-sdk/" + p + "/package.json").version + " ")')"

step "js: start a fourth server"
start_server js

step "js: the lifecycle (tests/e2e/js/lifecycle.mjs)"
timeout 300 node --no-warnings "$JS_DIR/lifecycle.mjs" "$WORK/js-summary.json" ||
  fail "tests/e2e/js/lifecycle.mjs failed (its message is above)"
summary=$(cat "$WORK/js-summary.json")

step "js: stop the server; verify, explain, log"
stop_server
check_log js "$(py_json "d['failed_task']" "$summary")" "$(py_json "d['succeeded_task']" "$summary")" \
  "$(py_json "d['config_arn']" "$summary")" "[]"
check_coverage js "the JavaScript SDK"

# --- Part 5: slrsim fuzz on the example clients ------------------------------------------------------

step "fuzz: the naive teardown fails, and the failure shrinks to one fact (examples/clients)"
fuzz_dir="$WORK/fuzz"
mkdir -p "$fuzz_dir"
fuzz_rc=0
fuzz_out=$(cd "$fuzz_dir" && timeout 600 "$SLRSIM_BIN" fuzz --cases 5 --seed 1 -- "$VENV/bin/python" \
  "$OLDPWD/examples/clients/teardown_naive.py" 2>&1) || fuzz_rc=$?
[ "$fuzz_rc" -eq 1 ] || fail "slrsim fuzz should have found the naive teardown's failure (exit 1, got $fuzz_rc):
$fuzz_out"
case "$fuzz_out" in
  *"smallest world"*) ;;
  *) fail "slrsim fuzz did not print the smallest world:
$fuzz_out" ;;
esac
kept=$(ls -d "$fuzz_dir"/slrsim-fuzz-*.db 2>/dev/null | head -1)
[ -n "$kept" ] || fail "slrsim fuzz kept no database of the failing case"
out=$("$SLRSIM_BIN" --db "$kept" verify 2>&1) || fail "slrsim verify of the kept fuzz case failed: $out"

step "fuzz: the robust teardown passes every case (examples/clients)"
out=$(cd "$fuzz_dir" && TEARDOWN_POLL_SECONDS=0 timeout 600 "$SLRSIM_BIN" fuzz --cases 10 --seed 1 -- \
  "$VENV/bin/python" "$OLDPWD/examples/clients/teardown_robust.py" 2>&1) \
  || fail "slrsim fuzz failed the robust teardown:
$out"
echo "e2e: fuzz: the naive teardown is caught and shrunk; the robust one passes 10 worlds"

# --- Conformance ----------------------------------------------------------------------------------

step "conformance: every answer above against AWS's models; the generated inputs"
conformance_rc=0
conformance_out=$("$PY" "$CONFORMANCE/check.py" "$DIFFERENCES" "$WORK"/*.exchanges.jsonl 2>&1) || conformance_rc=$?
if [ "$conformance_rc" -ne 0 ] || [ "$inputs_rc" -ne 0 ]; then
  fail "what AWS's models do not allow (documented differences: $DIFFERENCES):
$conformance_out
$inputs_out"
fi
echo "e2e: $conformance_out"
echo "e2e: $inputs_out"

STEP=finished
echo "e2e: passed in $((SECONDS - STARTED)) s (AWS CLI, boto3 and the JavaScript SDK against slrsim serve; answers and inputs checked against AWS's models)"
