#!/usr/bin/env python3
"""Model-generated inputs: every operation slrsim serves (`slrsim operations --json`, the operation
registry, from which the README's table of served operations is rendered) is called through botocore, so the
serialisation is the real SDK's, with inputs made from AWS's model of the operation's input shape:

- the required members only;
- every member at once (the "rich" input), values respecting enums, lengths, ranges and patterns
  where a simple value can;
- when the rich input is refused as malformed, the required members plus each optional member alone,
  so the finding names the member.

A call may be answered with any error of the domain (NoSuchEntity, NotFoundException, ValidationError
on a value, ...): what must not happen is that slrsim refuses a model-valid request as one it cannot
decode. Such a request is stored as a `RefusedRequest` record (the answer's request id names it), which
is how it is told apart. Run by tests/e2e/aws_clients.sh against a server of its own, through the
recording proxy (so check.py also judges these answers):

    inputs.py SLRSIM_BIN DIFFERENCES_TXT

Exits 0 (one line) when no call was refused as malformed, or every refusal is a documented difference
(see check.py for the file's format; keys here are `inputs <service> <operation> <member>: refused as
malformed`, the member `(required members)` or `(every member)`), 1 otherwise.
"""

import datetime
import fnmatch
import json
import os
import re
import subprocess
import sys
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check import load_models, read_differences  # noqa: E402

ACCOUNT = "111122223333"
SERVICE_WORDS = {"IAM": "iam", "STS": "sts", "MediaTailor": "mediatailor", "CloudWatch Logs": "logs"}
POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
)
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def served_operations(slrsim_bin, models):
    """(service, operation) for each operation `slrsim operations --json` lists: the registry itself,
    the source of the README's table of served operations."""
    out = subprocess.run([slrsim_bin, "operations", "--json"], check=True, capture_output=True, text=True)
    found = []
    for op in json.loads(out.stdout):
        service = SERVICE_WORDS.get(op["Service"])
        if service is None:
            raise SystemExit(f"inputs: slrsim serves {op['Name']} of {op['Service']}, a service this test does not know")
        if op["Name"] not in models[service].operation_names:
            raise SystemExit(f"inputs: {service} has no operation {op['Name']} in AWS's model")
        found.append((service, op["Name"]))
    return found


# --- Values from shapes --------------------------------------------------------------------------


def by_name(member, shape):
    """A value a member's name asks for, before the generic ones."""
    n = member.lower()
    if "policydocument" in n:
        return [TRUST if "assume" in n else POLICY]
    if n in ("awsservicename",):
        return ["mediatailor.amazonaws.com"]
    if n == "deletiontaskid":
        return ["task/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor/"
                "00000000-0000-4000-8000-000000000000"]
    if n.endswith("arn") or n == "permissionsboundary":
        if "policy" in n or n == "permissionsboundary":
            return ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
        if "resource" in n:
            return [f"arn:aws:mediatailor:us-east-1:{ACCOUNT}:playbackConfiguration/e2e-gen"]
        return [f"arn:aws:iam::{ACCOUNT}:role/e2e-gen"]
    if n.endswith("url") or n.endswith("urlprefix"):
        return ["https://example.com/e2e"]
    if n.endswith("path") or n.endswith("pathprefix"):
        return ["/"]
    if "region" in n:
        return ["us-east-1"]
    if "loggroupname" in n:
        return ["MediaTailor/ManifestService"]
    return []


GENERIC = ["e2e-gen", ACCOUNT, "e2egen", "E2eGen1", "a", "1", "/", "e2e", "x"]


def fits(shape, value):
    meta = shape.metadata
    if len(value) < meta.get("min", 0) or len(value) > meta.get("max", 1 << 30):
        return False
    pattern = meta.get("pattern")
    if pattern:
        try:
            return re.fullmatch(pattern, value) is not None
        except re.error:
            return True
    return True


def string_value(member, shape):
    if shape.enum:
        return shape.enum[0]
    candidates = by_name(member, shape) + GENERIC
    for c in candidates:
        if fits(shape, c):
            return c
    # Nothing simple fits the pattern: the first candidate, brought to the length limits.
    c = candidates[0]
    lo, hi = shape.metadata.get("min", 0), shape.metadata.get("max", 1 << 30)
    c = (c * (lo // max(len(c), 1) + 1))[: max(lo, min(len(c), hi))]
    return c


def value(member, shape, rich, depth=0):
    t = shape.type_name
    meta = shape.metadata
    if t == "structure":
        return structure(shape, rich, depth + 1)
    if t == "list":
        n = max(meta.get("min", 0), 1)
        return [value(member, shape.member, rich, depth + 1) for _ in range(n)]
    if t == "map":
        return {string_value("key", shape.key): value(member, shape.value, rich, depth + 1)}
    if t == "string":
        return string_value(member, shape)
    if t in ("integer", "long"):
        lo, hi = meta.get("min"), meta.get("max")
        v = 1 if lo is None else int(lo)
        if hi is not None:
            v = min(v, int(hi))
        return v
    if t in ("double", "float"):
        return float(meta.get("min", 1))
    if t == "boolean":
        return True
    if t == "timestamp":
        return datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    if t == "blob":
        return b"e2e"
    raise ValueError(f"no value for a {t}")


def structure(shape, rich, depth=0):
    out = {}
    for name, m in shape.members.items():
        if name in shape.required_members or (rich and depth < 6):
            out[name] = value(name, m, rich and depth < 6, depth)
    return out


# --- Calls -------------------------------------------------------------------------------------


def fetch_log(endpoint, token):
    """Every record of the server's log, by request id."""
    records, start = {}, 0
    while True:
        req = urllib.request.Request(f"{endpoint}/_slrsim/log?from={start}")
        req.add_header("Authorization", "Bearer " + token)
        with urllib.request.urlopen(req, timeout=30) as r:
            page = json.loads(r.read())
        for rec in page["Records"]:
            records[rec["request_id"]] = rec
        if not page["Records"] or page["To"] >= page["Last"]:
            return records
        start = page["To"] + 1


def main(slrsim_bin, differences):
    models = load_models()
    ops = served_operations(slrsim_bin, models)
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    session = boto3.session.Session(region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=10, read_timeout=30)
    clients = {s: session.client(s, endpoint_url=endpoint, config=config) for s in models}
    calls = []  # (service, op, member, request id, answer)

    def call(service, op, member, params):
        c = clients[service]
        try:
            r = c._make_api_call(op, params)
            rid, answer = r["ResponseMetadata"].get("RequestId"), "ok"
        except ClientError as e:
            rid = e.response["ResponseMetadata"].get("RequestId")
            answer = e.response["Error"].get("Code")
        except ParamValidationError as e:
            raise SystemExit(f"inputs: the generated input of {service} {op} ({member}) is not valid for botocore: {e}")
        calls.append((service, op, member, rid, answer, params))

    for service, op in ops:
        shape = models[service].operation_model(op).input_shape
        if shape is None:
            call(service, op, "(required members)", {})
            continue
        call(service, op, "(required members)", structure(shape, rich=False))
        call(service, op, "(every member)", structure(shape, rich=True))

    records = fetch_log(endpoint, os.environ["SLRSIM_TOKEN"])

    def refused(rid):
        rec = records.get(rid)
        return rec is not None and rec["action"]["op"] == "RefusedRequest"

    # A refused rich input: find the members that are refused alone.
    for service, op, member, rid, answer, params in list(calls):
        if member == "(every member)" and refused(rid):
            shape = models[service].operation_model(op).input_shape
            for name in shape.members:
                if name not in shape.required_members:
                    alone = {**structure(shape, rich=False), name: value(name, shape.members[name], True)}
                    call(service, op, name, alone)
    records = fetch_log(endpoint, os.environ["SLRSIM_TOKEN"])

    allowed = read_differences(differences)
    used, failures, unknown = set(), [], []
    for service, op, member, rid, answer, params in calls:
        if rid not in records:
            unknown.append((service, op, member, rid, answer))
            continue
        if not refused(rid):
            continue
        if member == "(every member)" and any(
            c[0] == service and c[1] == op and c[2] not in ("(required members)", "(every member)") and refused(c[3])
            for c in calls
        ):
            continue  # named member by member below
        key = f"inputs {service} {op} {member}: refused as malformed"
        hit = [a for a in allowed if fnmatch.fnmatchcase(key, a)]
        used.update(hit)
        if not hit:
            err = records[rid]["outcome"]["error"]["error"]
            failures.append((key, f"{err['code']}: {err['message']}", params))
    for key, detail, params in failures:
        print(f"conformance: {key}: {detail}\n    sent (botocore's parameters): {params!r}"[:1500], file=sys.stderr)
    for service, op, member, rid, answer in unknown:
        print(f"conformance: inputs {service} {op} {member}: answer {answer} names request {rid!r},"
              " which the log does not hold", file=sys.stderr)
    stale = [a for a in allowed if a.startswith("inputs ") and a not in used]
    for a in stale:
        print(f"conformance: {differences} lists {a!r}, which no call shows any more: remove it", file=sys.stderr)
    if failures or unknown or stale:
        print(f"conformance FAILED: {len(failures)} model-valid input(s) refused as malformed", file=sys.stderr)
        return 1
    print(f"conformance: {len(calls)} model-generated inputs of {len(ops)} served operations decoded"
          f" ({len(used)} documented difference(s))")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: inputs.py SLRSIM_BIN DIFFERENCES_TXT")
    sys.exit(main(*sys.argv[1:]))
