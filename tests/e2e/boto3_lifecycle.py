#!/usr/bin/env python3
"""The boto3 half of the end-to-end test: drives a running `slrsim serve` with boto3 (botocore parses
every response exactly as it would parse AWS's) through the AWSServiceRoleForMediaTailor lifecycle.

Run by tests/e2e/aws_clients.sh, which starts the server and exports its AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL, AWS_DEFAULT_REGION and SLRSIM_TOKEN (the control API's). Usage:

    boto3_lifecycle.py SUMMARY_JSON

On success it writes SUMMARY_JSON (the ids the shell checks in the log after stopping the server)
and exits 0; on the first failed check it names the step and exits 1.
"""

import datetime
import json
import os
import re
import sys
import urllib.request

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ACCOUNT = "111122223333"  # slrsim's default account: the one the printed root key belongs to
REGION = "us-east-1"
ROLE = "AWSServiceRoleForMediaTailor"
ROLE_PATH = "/aws-service-role/mediatailor.amazonaws.com/"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role{ROLE_PATH}{ROLE}"
CONFIG = "e2e-boto3"
CONFIG_ARN = f"arn:aws:mediatailor:{REGION}:{ACCOUNT}:playbackConfiguration/{CONFIG}"
USER = "e2e-boto3-reader"
TASK_ID = re.compile(
    r"^task/aws-service-role/mediatailor\.amazonaws\.com/AWSServiceRoleForMediaTailor/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
ROLE_ID = re.compile(r"^AROA[A-Z0-9]{17}$")
TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": ["mediatailor.amazonaws.com"]},
            "Action": ["sts:AssumeRole"],
        }
    ],
}
LOG_GROUPS = ["MediaTailor/AdDecisionServerInteractions", "MediaTailor/ManifestService"]

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
ROOT_KEY = os.environ["AWS_ACCESS_KEY_ID"]
ROOT_SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]
# One attempt: a retried call would add a second record to the log and hide a server failure.
CONFIG_ONE_TRY = Config(
    retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=10, read_timeout=30
)

STEP = "setup"


class Failed(Exception):
    pass


def step(name):
    global STEP
    STEP = name
    print(f"--- boto3 [{name}]", flush=True)


def check(cond, what, got=None):
    if not cond:
        raise Failed(what if got is None else f"{what}; got {got!r}")


class NonEmptyStr:
    """Equal to any non-empty string: for AWS's free-text messages inside an exact dict match."""

    def __eq__(self, other):
        return isinstance(other, str) and other != ""

    def __repr__(self):
        return "<non-empty string>"


def body(response):
    """The parsed response without botocore's ResponseMetadata."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def client(service, key=ROOT_KEY, secret=ROOT_SECRET, region=REGION):
    session = boto3.session.Session(
        aws_access_key_id=key, aws_secret_access_key=secret, region_name=region
    )
    return session.client(service, endpoint_url=ENDPOINT, config=CONFIG_ONE_TRY)


def expect_error(code, status, call, *args, **kwargs):
    """Runs the call, which must raise botocore's ClientError with this code and HTTP status."""
    name = getattr(call, "__name__", repr(call))
    try:
        result = call(*args, **kwargs)
    except ClientError as e:
        got = (e.response["Error"].get("Code"), e.response["ResponseMetadata"]["HTTPStatusCode"])
        check(got == (code, status), f"{name}: expected error {code} ({status})", got)
        check(e.response["Error"].get("Message"), f"{name}: the {code} error has no message")
        return e
    raise Failed(f"{name}: expected error {code} ({status}), but it succeeded: {result!r}")


def control(path, payload=None):
    """A call of slrsim's control API; returns the parsed JSON answer (status 200 required)."""
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(ENDPOINT + path, data=data, method="POST")
    req.add_header("Content-Type", "application/json")
    req.add_header("Authorization", "Bearer " + os.environ["SLRSIM_TOKEN"])
    with urllib.request.urlopen(req, timeout=30) as r:
        check(r.status == 200, f"POST {path}: expected 200", r.status)
        return json.loads(r.read())


def advance(seconds):
    return control(f"/_slrsim/advance?seconds={seconds}")


def main(summary_path):
    iam = client("iam")
    mt = client("mediatailor")
    logs = client("logs")

    step("0 boto3 talks to slrsim as the root of its default account; no role yet")
    who = body(client("sts").get_caller_identity())
    check(
        who == {"UserId": ACCOUNT, "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:root"},
        "GetCallerIdentity",
        who,
    )
    expect_error("NoSuchEntity", 404, iam.get_role, RoleName=ROLE)

    step("1 put-playback-configuration")
    r = mt.put_playback_configuration(
        Name=CONFIG,
        AdDecisionServerUrl="https://ads.example.com/vast?session=[session.id]",
        VideoContentSourceUrl="https://origin.example.com/media",
        Tags={"team": "video"},
    )
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 200, "PutPlaybackConfiguration status", r)
    # botocore sends and reads the member under its wire name, `tags`.
    check(r.get("Tags") == {"team": "video"}, "PutPlaybackConfiguration Tags round trip", r.get("Tags"))
    check(r["Name"] == CONFIG, "PutPlaybackConfiguration Name", r["Name"])
    check(r["PlaybackConfigurationArn"] == CONFIG_ARN, "PutPlaybackConfiguration ARN", r)
    check(
        r["AdDecisionServerUrl"] == "https://ads.example.com/vast?session=[session.id]",
        "AdDecisionServerUrl round trip",
        r.get("AdDecisionServerUrl"),
    )
    check(r["LogConfiguration"]["PercentEnabled"] == 0, "a new configuration logs nothing", r)
    g = mt.get_playback_configuration(Name=CONFIG)
    check(g["PlaybackConfigurationArn"] == CONFIG_ARN, "GetPlaybackConfiguration ARN", g)
    check(g.get("Tags") == {"team": "video"}, "GetPlaybackConfiguration Tags", g.get("Tags"))

    step("2 enable logging: the role appears")
    r = mt.configure_logs_for_playback_configuration(
        PlaybackConfigurationName=CONFIG, PercentEnabled=100
    )
    check(
        body(r)
        == {
            "PercentEnabled": 100,
            "PlaybackConfigurationName": CONFIG,
            "EnabledLoggingStrategies": ["LEGACY_CLOUDWATCH"],
        },
        "ConfigureLogsForPlaybackConfiguration response",
        body(r),
    )
    role = iam.get_role(RoleName=ROLE)["Role"]
    check(role["Path"] == ROLE_PATH, "role Path", role["Path"])
    check(role["RoleName"] == ROLE, "role name", role["RoleName"])
    check(role["Arn"] == ROLE_ARN, "role Arn", role["Arn"])
    check(ROLE_ID.match(role["RoleId"]), "RoleId is AROA + 17", role["RoleId"])
    check(isinstance(role["CreateDate"], datetime.datetime), "CreateDate parsed", role["CreateDate"])
    # botocore's IAM handler URL-decodes and parses the policy document into a dict.
    check(role["AssumeRolePolicyDocument"] == TRUST_POLICY, "trust policy", role)
    first_role_id = role["RoleId"]
    # IAM is global: a client configured for a region without MediaTailor is answered the same.
    elsewhere = client("iam", region="us-west-1").get_role(RoleName=ROLE)["Role"]
    check(elsewhere["RoleId"] == first_role_id, "GetRole signed for us-west-1", elsewhere)
    attached = iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]
    check(
        [p["PolicyName"] for p in attached] == ["AWSMediaTailorServiceRolePolicy"],
        "the role's managed policy",
        attached,
    )
    listed = mt.list_playback_configurations()["Items"]
    check(
        [(i["Name"], i["LogConfiguration"]["PercentEnabled"]) for i in listed] == [(CONFIG, 100)],
        "ListPlaybackConfigurations shows logging on",
        listed,
    )

    step("3 delete while logging is on: FAILED with RoleUsageList")
    failed_task = iam.delete_service_linked_role(RoleName=ROLE)["DeletionTaskId"]
    check(TASK_ID.match(failed_task), "DeletionTaskId shape", failed_task)
    again = iam.delete_service_linked_role(RoleName=ROLE)["DeletionTaskId"]
    check(again == failed_task, "a second delete while the task is unfinished returns its id", again)
    s = iam.get_service_linked_role_deletion_status(DeletionTaskId=failed_task)
    check(body(s) == {"Status": "NOT_STARTED"}, "status before the clock moves", body(s))
    a = advance(60)
    check(
        {"DeletionTaskId": failed_task, "Status": "FAILED"}
        in [
            {k: t[k] for k in ("DeletionTaskId", "Status")}
            for t in a["Response"]["FinishedDeletionTasks"]
        ],
        "advance reports the task FAILED",
        a,
    )
    s = iam.get_service_linked_role_deletion_status(DeletionTaskId=failed_task)
    expected = {
        "Status": "FAILED",
        "Reason": {
            "Reason": NonEmptyStr(),
            "RoleUsageList": [{"Region": REGION, "Resources": [CONFIG_ARN]}],
        },
    }
    check(body(s) == expected, f"deletion status, parsed by botocore, is {expected!r}", body(s))
    check(iam.get_role(RoleName=ROLE)["Role"]["RoleId"] == first_role_id, "role survives FAILED")

    step("4 deactivate logging, delete: SUCCEEDED, role gone")
    r = mt.configure_logs_for_playback_configuration(
        PlaybackConfigurationName=CONFIG, PercentEnabled=0
    )
    check(r["PercentEnabled"] == 0, "PercentEnabled 0", body(r))
    succeeded_task = iam.delete_service_linked_role(RoleName=ROLE)["DeletionTaskId"]
    check(TASK_ID.match(succeeded_task), "DeletionTaskId shape", succeeded_task)
    check(succeeded_task != failed_task, "a new task after a finished one", succeeded_task)
    advance(60)
    s = iam.get_service_linked_role_deletion_status(DeletionTaskId=succeeded_task)
    check(body(s) == {"Status": "SUCCEEDED"}, "deletion status SUCCEEDED", body(s))
    e = expect_error("NoSuchEntity", 404, iam.get_role, RoleName=ROLE)
    check(
        isinstance(e, iam.exceptions.NoSuchEntityException),
        "botocore maps NoSuchEntity to its modelled exception",
        type(e),
    )

    step("5 create-service-linked-role, then the protected-role errors")
    r = iam.create_service_linked_role(AWSServiceName="mediatailor.amazonaws.com")
    check(r["Role"]["Path"] == ROLE_PATH and r["Role"]["Arn"] == ROLE_ARN, "created role", r)
    check(r["Role"]["RoleId"] != first_role_id, "a new lifetime has a new RoleId", r["Role"])
    expect_error(
        "InvalidInput", 400, iam.create_service_linked_role, AWSServiceName="mediatailor.amazonaws.com"
    )
    policy = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    )
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    for call, kwargs in [
        (iam.delete_role, {}),
        (iam.attach_role_policy, {"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
        (iam.put_role_policy, {"PolicyName": "e2e", "PolicyDocument": policy}),
        (iam.update_assume_role_policy, {"PolicyDocument": trust}),
        (
            iam.detach_role_policy,
            {"PolicyArn": "arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy"},
        ),
    ]:
        e = expect_error("UnmodifiableEntity", 400, call, RoleName=ROLE, **kwargs)
        check(
            isinstance(e, iam.exceptions.UnmodifiableEntityException),
            "botocore maps UnmodifiableEntity to its modelled exception",
            type(e),
        )
    # The description is the one thing a customer may change.
    r = iam.update_role_description(RoleName=ROLE, Description="edited by the e2e test")
    check(r["Role"]["Description"] == "edited by the e2e test", "UpdateRoleDescription", r)
    # UpdateRole answers an empty UpdateRoleResult, which botocore requires.
    r = iam.update_role(RoleName=ROLE, Description="edited again by the e2e test")
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 200, "UpdateRole status", r)
    role = iam.get_role(RoleName=ROLE)["Role"]
    check(role["Description"] == "edited again by the e2e test", "UpdateRole description", role)
    check(role["AssumeRolePolicyDocument"] == TRUST_POLICY, "trust policy unchanged", role)

    step("8 sessions with logging on: the MediaTailor log groups")
    mt.configure_logs_for_playback_configuration(PlaybackConfigurationName=CONFIG, PercentEnabled=100)
    served = control(
        "/_slrsim/sessions",
        # Debug log mode: MediaTailor writes ManifestService logs only for such sessions.
        {"PlaybackConfigurationName": CONFIG, "Sessions": 4, "Region": REGION, "LogMode": "DEBUG"},
    )
    check(
        served["Response"]["LoggedSessions"] == 4 and served["Response"]["LostSessions"] == 0,
        "all 4 sessions logged",
        served,
    )
    groups = logs.describe_log_groups(logGroupNamePrefix="MediaTailor/")["logGroups"]
    check([g["logGroupName"] for g in groups] == LOG_GROUPS, "DescribeLogGroups", groups)
    for g in groups:
        check(g.get("storedBytes", 0) > 0, f"{g['logGroupName']} holds log events", g)
        streams = logs.describe_log_streams(logGroupName=g["logGroupName"])["logStreams"]
        check([s["logStreamName"] for s in streams] == [CONFIG], "one stream per configuration", streams)
    used = iam.get_role(RoleName=ROLE)["Role"]["RoleLastUsed"]
    check(used.get("Region") == REGION, "RoleLastUsed after delivery", used)

    step("6 AccessDenied for a user without policies")
    iam.create_user(UserName=USER)
    key = iam.create_access_key(UserName=USER)["AccessKey"]
    check(key["UserName"] == USER and key["Status"] == "Active", "CreateAccessKey", key)
    user_arn = f"arn:aws:iam::{ACCOUNT}:user/{USER}"
    uiam = client("iam", key["AccessKeyId"], key["SecretAccessKey"])
    umt = client("mediatailor", key["AccessKeyId"], key["SecretAccessKey"])
    ulogs = client("logs", key["AccessKeyId"], key["SecretAccessKey"])
    who = client("sts", key["AccessKeyId"], key["SecretAccessKey"]).get_caller_identity()
    check(who["Arn"] == user_arn, "the new key is the user's", body(who))
    e = expect_error("AccessDenied", 403, uiam.get_role, RoleName=ROLE)
    msg = e.response["Error"]["Message"]
    # AWS names the resource "role NAME" in this message, slrsim (for now) the role's ARN.
    check(
        re.fullmatch(
            re.escape(f"User: {user_arn} is not authorized to perform: iam:GetRole on resource: ")
            + f"(role {ROLE}|{re.escape(ROLE_ARN)})"
            + re.escape(" because no identity-based policy allows the iam:GetRole action"),
            msg,
        ),
        "the AccessDenied message names principal, action and resource",
        msg,
    )
    expect_error("AccessDeniedException", 403, umt.list_playback_configurations)
    expect_error(
        "AccessDeniedException",
        403,
        umt.configure_logs_for_playback_configuration,
        PlaybackConfigurationName=CONFIG,
        PercentEnabled=0,
    )
    # CloudWatch Logs speaks awsJson1.1: its AccessDeniedException has no status in the model, so 400.
    expect_error("AccessDeniedException", 400, ulogs.describe_log_groups)
    check(
        mt.get_playback_configuration(Name=CONFIG)["LogConfiguration"]["PercentEnabled"] == 100,
        "the refused ConfigureLogs changed nothing",
    )

    step("7 bad signatures are refused")
    refused = []
    # IAM and MediaTailor name authentication failures as IAM does (403); CloudWatch Logs, a JSON
    # protocol service, says UnrecognizedClientException / InvalidSignatureException (400).
    for service, call, (bad_sig, bad_key, status) in [
        ("iam", lambda c: c.get_role(RoleName=ROLE), ("SignatureDoesNotMatch", "InvalidClientTokenId", 403)),
        (
            "mediatailor",
            lambda c: c.list_playback_configurations(),
            ("SignatureDoesNotMatch", "InvalidClientTokenId", 403),
        ),
        (
            "logs",
            lambda c: c.describe_log_groups(),
            ("InvalidSignatureException", "UnrecognizedClientException", 400),
        ),
    ]:
        wrong_secret = client(service, ROOT_KEY, "x" * 40)
        expect_error(bad_sig, status, call, wrong_secret)
        refused.append({"Service": service, "Code": bad_sig, "AccessKeyId": ROOT_KEY, "Status": status})
        unknown = client(service, "AKIAE2EUNKNOWNKEY000", ROOT_SECRET)
        expect_error(bad_key, status, call, unknown)
        refused.append(
            {"Service": service, "Code": bad_key, "AccessKeyId": "AKIAE2EUNKNOWNKEY000", "Status": status}
        )

    iam_reads_around_the_role(iam)
    roles_listed_and_bounded(iam)
    user_policies(iam, umt, key)
    reading_the_logs(logs)
    playback_tags_and_delete(mt)

    with open(summary_path, "w") as f:
        json.dump(
            {
                "config_arn": CONFIG_ARN,
                "failed_task": failed_task,
                "succeeded_task": succeeded_task,
                "refused": refused,
            },
            f,
        )
    print(f"boto3 e2e passed (boto3 {boto3.__version__}, botocore {botocore.__version__})")


# --- IAM: what infrastructure tools read around the role and its managed policy -------------------


def iam_reads_around_the_role(iam):
    """ListRoleTags, UntagRole, ListRolePolicies, GetRolePolicy, ListInstanceProfilesForRole, GetPolicy,
    GetPolicyVersion, ListPolicyVersions and ListEntitiesForPolicy, as Terraform and SDK helpers call
    them on the service-linked role (which exists here) and on an ordinary role; botocore parses each."""
    policy_arn = "arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy"
    step("10 tags of the service-linked role: ListRoleTags, UntagRole")
    iam.tag_role(RoleName=ROLE, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    r = iam.list_role_tags(RoleName=ROLE, MaxItems=1)
    check(r["Tags"] == [{"Key": "a", "Value": "1"}] and r["IsTruncated"] is True, "ListRoleTags page", body(r))
    r = iam.list_role_tags(RoleName=ROLE, MaxItems=1, Marker=r["Marker"])
    check(body(r) == {"Tags": [{"Key": "b", "Value": "2"}], "IsTruncated": False}, "second page", body(r))
    iam.untag_role(RoleName=ROLE, TagKeys=["a", "b"])
    check(body(iam.list_role_tags(RoleName=ROLE)) == {"Tags": [], "IsTruncated": False}, "untagged")
    expect_error("NoSuchEntity", 404, iam.list_role_tags, RoleName="e2e-no-such-role")

    step("11 inline policies and instance profiles")
    check(
        body(iam.list_role_policies(RoleName=ROLE)) == {"PolicyNames": [], "IsTruncated": False},
        "the service-linked role has no inline policy",
    )
    expect_error("NoSuchEntity", 404, iam.get_role_policy, RoleName=ROLE, PolicyName="none")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    inline = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    iam.create_role(RoleName="e2e-reads", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName="e2e-reads", PolicyName="inline", PolicyDocument=json.dumps(inline))
    check(iam.list_role_policies(RoleName="e2e-reads")["PolicyNames"] == ["inline"], "ListRolePolicies")
    r = iam.get_role_policy(RoleName="e2e-reads", PolicyName="inline")
    # botocore URL-decodes and parses the document, as it does AWS's.
    check(
        (r["RoleName"], r["PolicyName"], r["PolicyDocument"]) == ("e2e-reads", "inline", inline),
        "GetRolePolicy",
        body(r),
    )
    r = iam.list_instance_profiles_for_role(RoleName=ROLE)
    check(body(r) == {"InstanceProfiles": [], "IsTruncated": False}, "no instance profiles", body(r))

    step("12 the managed policy: GetPolicy, GetPolicyVersion, ListPolicyVersions, ListEntitiesForPolicy")
    p = iam.get_policy(PolicyArn=policy_arn)["Policy"]
    check(
        (p["PolicyName"], p["Path"], p["DefaultVersionId"], p["AttachmentCount"], p["IsAttachable"])
        == ("AWSMediaTailorServiceRolePolicy", "/aws-service-role/", "v1", 1, True),
        "GetPolicy",
        p,
    )
    check(isinstance(p["CreateDate"], datetime.datetime), "CreateDate parsed", p)
    v = iam.get_policy_version(PolicyArn=policy_arn, VersionId="v1")["PolicyVersion"]
    check(v["IsDefaultVersion"] is True and v["VersionId"] == "v1", "GetPolicyVersion", v)
    check(
        v["Document"]["Statement"][0]["Resource"] == "arn:aws:logs:*:*:log-group:MediaTailor/*:log-stream:*",
        "the document as AWS publishes it",
        v["Document"],
    )
    r = iam.list_policy_versions(PolicyArn=policy_arn)
    check([x["VersionId"] for x in r["Versions"]] == ["v1"] and r["IsTruncated"] is False, "ListPolicyVersions", body(r))
    r = iam.list_entities_for_policy(PolicyArn=policy_arn, EntityFilter="Role")
    role_id = iam.get_role(RoleName=ROLE)["Role"]["RoleId"]
    check(
        r["PolicyRoles"] == [{"RoleName": ROLE, "RoleId": role_id}]
        and r["PolicyUsers"] == []
        and r["PolicyGroups"] == [],
        "ListEntitiesForPolicy",
        body(r),
    )
    expect_error("NoSuchEntity", 404, iam.get_policy, PolicyArn="arn:aws:iam::aws:policy/E2eNoSuchPolicy")
    expect_error("NoSuchEntity", 404, iam.get_policy_version, PolicyArn=policy_arn, VersionId="v2")
    iam.delete_role_policy(RoleName="e2e-reads", PolicyName="inline")
    iam.delete_role(RoleName="e2e-reads")

    step("13 another service's service-linked role: ECS's, created, protected, deleted")
    r = iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")["Role"]
    check(
        (r["RoleName"], r["Path"]) == ("AWSServiceRoleForECS", "/aws-service-role/ecs.amazonaws.com/"),
        "the ECS role as AWS names it",
        r,
    )
    attached = iam.list_attached_role_policies(RoleName="AWSServiceRoleForECS")["AttachedPolicies"]
    check(
        [p["PolicyArn"] for p in attached]
        == ["arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy"],
        "the ECS role's policy",
        attached,
    )
    expect_error("UnmodifiableEntity", 400, iam.delete_role, RoleName="AWSServiceRoleForECS")
    expect_error(
        "InvalidInput", 400, iam.create_service_linked_role, AWSServiceName="ecs.amazonaws.com", CustomSuffix="x"
    )
    task = iam.delete_service_linked_role(RoleName="AWSServiceRoleForECS")["DeletionTaskId"]
    check(task.startswith("task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/"), "ECS task id", task)
    advance(60)
    s = iam.get_service_linked_role_deletion_status(DeletionTaskId=task)
    check(body(s) == {"Status": "SUCCEEDED"}, "the ECS role's deletion succeeds", body(s))
    expect_error("NoSuchEntity", 404, iam.get_role, RoleName="AWSServiceRoleForECS")


# --- The rest of what slrsim serves: every client calls every operation (aws_clients.sh checks) ------


def roles_listed_and_bounded(iam):
    """ListRoles page by page and PutRolePermissionsBoundary, on an ordinary role and the protected one."""
    step("14 ListRoles page by page; PutRolePermissionsBoundary")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    boundary = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
    created = iam.create_role(RoleName="e2e-bounded", Path="/e2e/", AssumeRolePolicyDocument=json.dumps(trust))
    check(created["Role"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/e2e/e2e-bounded", "CreateRole Arn", created)
    check("PermissionsBoundary" not in created["Role"], "no boundary yet", created["Role"])
    r = iam.put_role_permissions_boundary(RoleName="e2e-bounded", PermissionsBoundary=boundary)
    check(body(r) == {}, "PutRolePermissionsBoundary answers nothing but its request id", body(r))
    role = iam.get_role(RoleName="e2e-bounded")["Role"]
    check(
        role.get("PermissionsBoundary")
        == {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": boundary},
        "GetRole shows the boundary",
        role,
    )
    expect_error(
        "UnmodifiableEntity", 400, iam.put_role_permissions_boundary, RoleName=ROLE, PermissionsBoundary=boundary
    )
    expect_error(
        "NoSuchEntity", 404, iam.put_role_permissions_boundary, RoleName="e2e-no-such-role", PermissionsBoundary=boundary
    )
    names, marker, pages = [], None, 0
    while True:
        page = iam.list_roles(MaxItems=1, **({"Marker": marker} if marker else {}))
        pages += 1
        check(len(page["Roles"]) == 1, "ListRoles MaxItems=1 gives one role a page", body(page))
        names += [r["RoleName"] for r in page["Roles"]]
        if not page["IsTruncated"]:
            check("Marker" not in page, "the last page has no Marker", body(page))
            break
        marker = page["Marker"]
        check(pages < 10, "ListRoles ends", names)
    check(sorted(names) == sorted([ROLE, "e2e-bounded"]) and pages == 2, "ListRoles over two pages", names)
    only = iam.list_roles(PathPrefix="/e2e/")["Roles"]
    check([r["RoleName"] for r in only] == ["e2e-bounded"], "ListRoles PathPrefix", only)
    iam.delete_role(RoleName="e2e-bounded")
    check([r["RoleName"] for r in iam.list_roles()["Roles"]] == [ROLE], "ListRoles after DeleteRole")


def user_policies(iam, umt, key):
    """PutUserPolicy, DeleteUserPolicy, AttachUserPolicy, DetachUserPolicy: each takes effect on the
    user's next call."""
    step("15 a user's inline and managed policies take effect")
    uiam = client("iam", key["AccessKeyId"], key["SecretAccessKey"])
    allow_list = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "mediatailor:ListPlaybackConfigurations", "Resource": "*"}],
    }
    r = iam.put_user_policy(UserName=USER, PolicyName="list-configs", PolicyDocument=json.dumps(allow_list))
    check(body(r) == {}, "PutUserPolicy", body(r))
    items = umt.list_playback_configurations()["Items"]
    check([i["Name"] for i in items] == [CONFIG], "the inline policy allows ListPlaybackConfigurations", items)
    iam.delete_user_policy(UserName=USER, PolicyName="list-configs")
    expect_error("AccessDeniedException", 403, umt.list_playback_configurations)
    expect_error("NoSuchEntity", 404, iam.delete_user_policy, UserName=USER, PolicyName="list-configs")
    read_only = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
    iam.attach_user_policy(UserName=USER, PolicyArn=read_only)
    check(uiam.get_role(RoleName=ROLE)["Role"]["Arn"] == ROLE_ARN, "IAMReadOnlyAccess allows GetRole")
    users = iam.list_entities_for_policy(PolicyArn=read_only, EntityFilter="User")["PolicyUsers"]
    check([u["UserName"] for u in users] == [USER], "ListEntitiesForPolicy names the user", users)
    iam.detach_user_policy(UserName=USER, PolicyArn=read_only)
    expect_error("AccessDenied", 403, uiam.get_role, RoleName=ROLE)
    expect_error("NoSuchEntity", 404, iam.detach_user_policy, UserName=USER, PolicyArn=read_only)
    expect_error(
        "NoSuchEntity", 404, iam.attach_user_policy, UserName="e2e-no-such-user", PolicyArn=read_only
    )


def reading_the_logs(logs):
    """GetLogEvents page by page and FilterLogEvents over what step 8's sessions wrote (4 sessions in
    debug log mode: 5 ADS events and 3 manifest service events each)."""
    step("16 GetLogEvents page by page; FilterLogEvents")
    ads = "MediaTailor/AdDecisionServerInteractions"
    events, token, pages = [], None, 0
    while True:
        page = logs.get_log_events(
            logGroupName=ads, logStreamName=CONFIG, startFromHead=True, limit=6, **({"nextToken": token} if token else {})
        )
        pages += 1
        check(page["nextForwardToken"].startswith("f/") and page["nextBackwardToken"].startswith("b/"), "tokens", page)
        if not page["events"]:
            check(page["nextForwardToken"] == token, "at the end the forward token comes back as passed", page)
            break
        events += page["events"]
        token = page["nextForwardToken"]
        check(pages < 20, "GetLogEvents ends", len(events))
    check(len(events) == 20 and pages == 5, "20 ADS events in pages of at most 6, then an empty page", (len(events), pages))
    messages = [json.loads(e["message"]) for e in events]
    check(
        all(m["originId"] == CONFIG and m["awsAccountId"] == ACCOUNT and m["region"] == REGION for m in messages),
        "every ADS event names the configuration, account and region",
        messages[0],
    )
    check(
        sorted({m["sessionId"] for m in messages}) == sorted({m["sessionId"] for m in messages if m["eventType"] == "FILLED_AVAIL"})
        and len({m["sessionId"] for m in messages}) == 4,
        "four sessions, each with a FILLED_AVAIL",
        messages,
    )
    check(all(isinstance(e["timestamp"], int) and isinstance(e["ingestionTime"], int) for e in events), "times", events[0])
    manifest = logs.get_log_events(
        logGroupName="MediaTailor/ManifestService", logStreamName=CONFIG, startFromHead=True
    )["events"]
    check(
        sorted(json.loads(e["message"])["eventType"] for e in manifest)
        == sorted(["SESSION_INITIALIZED_EVENT", "ORIGIN_MANIFEST", "GENERATED_MANIFEST"] * 4),
        "the manifest service log of 4 debug sessions",
        manifest,
    )
    r = logs.filter_log_events(logGroupName=ads, filterPattern='{ $.eventType = "FILLED_AVAIL" }')
    check(len(r["events"]) == 4, "FilterLogEvents by eventType", body(r))
    check(
        all(e["logStreamName"] == CONFIG and e["eventId"] and "FILLED_AVAIL" in e["message"] for e in r["events"]),
        "filtered events carry their stream, id and message",
        r["events"],
    )
    check(r["searchedLogStreams"] == [] and "nextToken" not in r, "searchedLogStreams [] and no nextToken", body(r))
    r = logs.filter_log_events(logGroupName=ads, logStreamNames=[CONFIG], filterPattern='"MAKING_ADS_REQUEST"')
    check(len(r["events"]) == 4, "FilterLogEvents by a quoted phrase on one stream", body(r))
    expect_error("InvalidParameterException", 400, logs.filter_log_events, logGroupName=ads, filterPattern="%ads%")
    expect_error(
        "ResourceNotFoundException", 400, logs.get_log_events, logGroupName="MediaTailor/NoSuchGroup", logStreamName=CONFIG
    )


def playback_tags_and_delete(mt):
    """TagResource, ListTagsForResource, UntagResource on the configuration, then DeletePlaybackConfiguration."""
    step("17 MediaTailor tags; DeletePlaybackConfiguration")
    r = mt.tag_resource(ResourceArn=CONFIG_ARN, Tags={"env": "e2e", "cost": "12"})
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 204, "TagResource answers 204", r)
    r = mt.list_tags_for_resource(ResourceArn=CONFIG_ARN)
    check(body(r) == {"Tags": {"team": "video", "env": "e2e", "cost": "12"}}, "ListTagsForResource", body(r))
    r = mt.untag_resource(ResourceArn=CONFIG_ARN, TagKeys=["env", "not-there"])
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 204, "UntagResource answers 204", r)
    check(
        mt.get_playback_configuration(Name=CONFIG)["Tags"] == {"team": "video", "cost": "12"},
        "GetPlaybackConfiguration shows the tags left",
    )
    expect_error(
        "BadRequestException",
        400,
        mt.list_tags_for_resource,
        ResourceArn=f"arn:aws:mediatailor:{REGION}:{ACCOUNT}:playbackConfiguration/e2e-no-such-config",
    )
    r = mt.delete_playback_configuration(Name=CONFIG)
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 204 and body(r) == {}, "DeletePlaybackConfiguration 204", r)
    expect_error("NotFoundException", 404, mt.get_playback_configuration, Name=CONFIG)
    check(mt.list_playback_configurations()["Items"] == [], "no configuration left")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: boto3_lifecycle.py SUMMARY_JSON")
    try:
        main(sys.argv[1])
    except Failed as e:
        print(f"boto3 e2e FAILED in step [{STEP}]: {e}", file=sys.stderr)
        sys.exit(1)
    except Exception as e:  # an unexpected ClientError, a connection failure, ...
        print(f"boto3 e2e FAILED in step [{STEP}]: {type(e).__name__}: {e}", file=sys.stderr)
        raise
