#!/usr/bin/env python3
"""The conformance check judged: answers written by hand, each breaking one rule (or none), must give
exactly the keys expected. Run by tests/e2e/aws_clients.sh before the check is trusted with the
servers' answers; exits 1 naming the case whose findings differ.

    selftest.py
"""

import base64
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check import Checker, check_exchange, load_models  # noqa: E402

NS = "https://iam.amazonaws.com/doc/2010-05-08/"
ROLE = (
    "<Role><Path>/</Path><RoleName>r</RoleName><RoleId>AROAAAAAAAAAAAAAAAAAA</RoleId>"
    "<Arn>arn:aws:iam::111122223333:role/r</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate>{extra}</Role>"
)
MD = "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"


def query(action, status, xml, version="2010-05-08"):
    return exchange(
        "POST", "/", [("Content-Type", "application/x-www-form-urlencoded")],
        f"Action={action}&Version={version}", status, [("Content-Type", "text/xml")], xml,
    )


def get_role(extra="", role=None):
    role = ROLE.format(extra=extra) if role is None else role
    return query("GetRole", 200, f'<GetRoleResponse xmlns="{NS}"><GetRoleResult>{role}</GetRoleResult>{MD}</GetRoleResponse>')


def rest(method, path, status, body, headers=()):
    return exchange(method, path, [], "", status,
                    [("Content-Type", "application/json"), ("x-amzn-RequestId", "1"), *headers], body)


def logs(op, status, body):
    return exchange(
        "POST", "/", [("X-Amz-Target", f"Logs_20140328.{op}"), ("Content-Type", "application/x-amz-json-1.1")],
        "{}", status, [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", "1")], body,
    )


def exchange(method, target, req_headers, req_body, status, resp_headers, resp_body):
    return {
        "n": 1,
        "request": {"method": method, "target": target, "headers": req_headers, "body": req_body},
        "response": {"status": status, "headers": resp_headers, "body": resp_body},
    }


CONFIG = {"Name": "c", "PlaybackConfigurationArn": "arn:aws:mediatailor:us-east-1:1:playbackConfiguration/c"}

CASES = [
    ("a conforming GetRole", get_role(), []),
    ("an unknown member", get_role("<Bogus>1</Bogus>"), ["iam GetRole GetRoleResult.Role.Bogus: member not in the model"]),
    ("a required member missing", get_role(role="<Role><Path>/</Path></Role>"),
     [f"iam GetRole GetRoleResult.Role.{m}: required member missing" for m in ("RoleName", "RoleId", "Arn", "CreateDate")]),
    ("an integer that is not one", get_role("<MaxSessionDuration>1h</MaxSessionDuration>"),
     ["iam GetRole GetRoleResult.Role.MaxSessionDuration: not an integer"]),
    ("a range", get_role("<MaxSessionDuration>60</MaxSessionDuration>"),
     ["iam GetRole GetRoleResult.Role.MaxSessionDuration: below min"]),
    ("a timestamp not in ISO 8601", get_role(role=ROLE.format(extra="").replace("2026-01-01T00:00:00Z", "1767225600")),
     ["iam GetRole GetRoleResult.Role.CreateDate: not a timestamp in iso8601"]),
    ("a list item without <member>", get_role("<Tags><Tag><Key>k</Key><Value>v</Value></Tag></Tags>"),
     ["iam GetRole GetRoleResult.Role.Tags.<Tag>: list item not wrapped in its <member> name"]),
    ("an enum value", get_role("<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType></PermissionsBoundary>"),
     ["iam GetRole GetRoleResult.Role.PermissionsBoundary.PermissionsBoundaryType: not an enum value"]),
    ("a missing result wrapper", query("UpdateRole", 200, f'<UpdateRoleResponse xmlns="{NS}">{MD}</UpdateRoleResponse>'),
     ["iam UpdateRole <root>: children of the response element"]),
    ("a query error with the model's status", query("GetRole", 404,
        f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>m</Message></Error><RequestId>1</RequestId></ErrorResponse>'), []),
    ("a query error with another status", query("GetRole", 400,
        f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>m</Message></Error><RequestId>1</RequestId></ErrorResponse>'),
     ["iam GetRole error NoSuchEntity: HTTP status of the error"]),
    ("a rest-json member under its member name, not its wire name",
     rest("GET", "/playbackConfiguration/c", 200, json.dumps({**CONFIG, "Tags": {"a": "b"}})),
     ["mediatailor GetPlaybackConfiguration body.Tags: member not in the model"]),
    ("a rest-json integer as a string",
     rest("GET", "/playbackConfiguration/c", 200, json.dumps({**CONFIG, "LogConfiguration": {"PercentEnabled": "5", "EnabledLoggingStrategies": ["LEGACY_CLOUDWATCH"]}})),
     ["mediatailor GetPlaybackConfiguration body.LogConfiguration.PercentEnabled: not an integer"]),
    ("a rest-json status", rest("DELETE", "/playbackConfiguration/c", 200, ""),
     ["mediatailor DeletePlaybackConfiguration status: HTTP status"]),
    ("a rest-json error without x-amzn-ErrorType", rest("PUT", "/playbackConfiguration", 400, '{"Message":"m"}'),
     ["mediatailor PutPlaybackConfiguration header x-amzn-ErrorType: missing on an error",
      "mediatailor PutPlaybackConfiguration error body: no error code (__type)"]),
    ("an awsJson member in the wrong case", logs("DescribeLogGroups", 200, '{"logGroups":[{"LogGroupName":"g"}]}'),
     ["logs DescribeLogGroups body.logGroups[].LogGroupName: member not in the model"]),
    ("an awsJson null", logs("DescribeLogGroups", 200, '{"nextToken":null}'), ["logs DescribeLogGroups body.nextToken: null"]),
    ("an awsJson AccessDeniedException at 403", logs("DescribeLogGroups", 403, '{"__type":"AccessDeniedException","message":"m"}'),
     ["logs DescribeLogGroups error AccessDeniedException: HTTP status of the error"]),
    ("an awsJson error with a member its shape lacks", logs("DescribeLogGroups", 400, '{"__type":"InvalidParameterException","message":"m","Field":"x"}'),
     ["logs DescribeLogGroups error InvalidParameterException.Field: member not in the model"]),
    # The internal-error answers of src/aws/server/failure.rs, one a protocol.
    ("IAM's ServiceFailure", query("GetRole", 500,
        f'<ErrorResponse xmlns="{NS}"><Error><Type>Receiver</Type><Code>ServiceFailure</Code><Message>m</Message></Error><RequestId>1</RequestId></ErrorResponse>'), []),
    ("MediaTailor's InternalFailure", rest("PUT", "/playbackConfiguration", 500, '{"Message":"m"}',
        [("x-amzn-ErrorType", "InternalFailure")]), []),
    ("CloudWatch Logs' ServiceUnavailableException",
     logs("DescribeLogGroups", 500, '{"__type":"ServiceUnavailableException","message":"m"}'), []),
    ("a 500 said to be the sender's fault", query("GetRole", 500,
        f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>ServiceFailure</Code><Message>m</Message></Error><RequestId>1</RequestId></ErrorResponse>'),
     ["iam GetRole Error.Type: Sender for a 4xx, Receiver for a 5xx"]),
]


def main():
    checker = Checker(load_models())
    wrong = 0
    for name, ex, expected in CASES:
        checker.found = []
        ex = json.loads(json.dumps(ex))
        check_exchange(checker, ex)
        got = sorted({k for k, _, _ in checker.found})
        if got != sorted(expected):
            wrong += 1
            print(f"conformance self-test [{name}]: expected {sorted(expected)}, got {got}", file=sys.stderr)
    if wrong:
        return 1
    print(f"conformance self-test: {len(CASES)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
