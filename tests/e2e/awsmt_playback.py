#!/usr/bin/env python3
"""What the community Terraform provider for MediaTailor (spring-media/terraform-provider-awsmt) sends
for a playback configuration, sent with boto3 to a running `slrsim serve`, with the values of the
provider's acceptance test `TestAccPlaybackConfigurationResource`; every read-back must equal what
was written, with AWS's defaults for the rest, so that the provider's next plan is clean.

The provider (its resource_playback_configuration.go and helpers_playback_configuration.go) does:
  create:  PutPlaybackConfiguration (every member it manages, DashConfiguration among them),
           ConfigureLogsForPlaybackConfiguration (its plan's percentage, 0 when unset), Get
  refresh: GetPlaybackConfiguration
  update:  Get; when the tags differ, UntagResource of every old key and TagResource of the new
           tags; PutPlaybackConfiguration; ConfigureLogsForPlaybackConfiguration; Get
  import:  GetPlaybackConfiguration by name
  destroy: DeletePlaybackConfiguration
It also checks the minimal configuration (`TestAccPlaybackConfigurationMinimal`): members never given
come back as AWS returns them, which the provider ignores.

Every answer is also checked strictly against botocore's model of MediaTailor (botocore itself drops
members it does not know): no member the output shape lacks, at any depth.

Environment (as `slrsim serve` prints it): AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL
(AWS_DEFAULT_REGION is not needed: the calls are made in us-east-1). Usage:

    awsmt_playback.py

Exits 0 when every check passes; on the first failed check it names the step and exits 1.
"""

import json
import os
import sys

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ACCOUNT = "111122223333"  # slrsim's default account: the one the printed root key belongs to
REGION = "us-east-1"
NAME = "example-playback-configuration-awsmt"
ARN = f"arn:aws:mediatailor:{REGION}:{ACCOUNT}:playbackConfiguration/{NAME}"
MINIMAL = "test-acc-playback-configuration-minimal"

STEP = "setup"


class Failed(Exception):
    pass


def step(name):
    global STEP
    STEP = name
    print(f"--- awsmt [{name}]", flush=True)


def check(cond, what, got=None):
    if not cond:
        raise Failed(what if got is None else f"{what}; got {got!r}")


def body(response):
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def client():
    session = boto3.session.Session(
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    )
    # One attempt: a retried call would add a second record to the log and hide a server failure.
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=10, read_timeout=30)
    return session.client("mediatailor", endpoint_url=os.environ["AWS_ENDPOINT_URL"], config=config)


# --- Strict check of the raw answers against the model ---------------------------------------------

RAW = {}


def keep_raw(http_response, model, **_):
    RAW[model.name] = (http_response.status_code, http_response.content)


def unknown_members(value, shape, path):
    """The paths in `value` (the raw JSON) that `shape` (botocore's model) does not have."""
    found = []
    if shape is None:
        return found
    if shape.type_name == "structure":
        check(isinstance(value, dict), f"{path} is an object", value)
        wire = {m.serialization.get("name", n): m for n, m in shape.members.items()}
        for k, v in value.items():
            if k not in wire:
                found.append(f"{path}.{k}")
            else:
                found.extend(unknown_members(v, wire[k], f"{path}.{k}"))
        for required in shape.required_members:
            name = shape.members[required].serialization.get("name", required)
            if name not in value:
                found.append(f"{path}.{name} (required, missing)")
    elif shape.type_name == "list":
        check(isinstance(value, list), f"{path} is a list", value)
        for i, v in enumerate(value):
            found.extend(unknown_members(v, shape.member, f"{path}[{i}]"))
    elif shape.type_name == "map":
        check(isinstance(value, dict), f"{path} is a map", value)
        for k, v in value.items():
            found.extend(unknown_members(v, shape.value, f"{path}[{k}]"))
    elif shape.type_name == "string" and shape.enum:
        if value not in shape.enum:
            found.append(f"{path} = {value!r} (not one of the model's values)")
    elif shape.type_name == "integer":
        check(isinstance(value, int) and not isinstance(value, bool), f"{path} is an integer", value)
    elif shape.type_name == "boolean":
        check(isinstance(value, bool), f"{path} is a boolean", value)
    elif shape.type_name == "string":
        check(isinstance(value, str), f"{path} is a string", value)
    return found


def strictly(mt, op, response):
    """`response`, after checking the raw answer of `op` against its output shape and status."""
    model = mt.meta.service_model.operation_model(op)
    status, content = RAW.pop(op)
    check(status == model.http.get("responseCode", 200), f"{op}: HTTP status", status)
    if model.output_shape is not None and model.output_shape.members and content:
        raw = json.loads(content)
        bad = unknown_members(raw, model.output_shape, op)
        check(not bad, f"{op}: members outside the model", bad)
    return body(response)


# --- The provider's calls ---------------------------------------------------------------------------


def complete_put(ad_url, suffix, max_duration, threshold, tags):
    """`completePlaybackConfiguration(name, adUrl, bumperE, bumperS, cdnUrl, maxD, pS, ...)` as the
    provider's putPlaybackConfigurationInputBuilder turns it into PutPlaybackConfiguration."""
    return dict(
        Name=NAME,
        AdDecisionServerUrl=ad_url,
        AvailSuppression={"Mode": "BEHIND_LIVE_EDGE", "Value": "00:00:00", "FillPolicy": "FULL_AVAIL_ONLY"},
        Bumper={
            "EndUrl": f"https://wxample.com/endbumper{suffix}",
            "StartUrl": f"https://wxample.com/startbumper{suffix}",
        },
        CdnConfiguration={"AdSegmentUrlPrefix": ad_url},
        DashConfiguration={"MpdLocation": "DISABLED", "OriginManifestType": "SINGLE_PERIOD"},
        LivePreRollConfiguration={"AdDecisionServerUrl": ad_url, "MaxDurationSeconds": max_duration},
        ManifestProcessingRules={"AdMarkerPassthrough": {"Enabled": False}},
        PersonalizationThresholdSeconds=threshold,
        SlateAdUrl="https://exampleurl.com/",
        Tags=tags,
        VideoContentSourceUrl=ad_url,
    )


def reads_back(got, sent, what):
    """What the provider's putPlaybackConfigurationModelbuilder reads into its state must equal what
    its plan held: every member sent, and DASH's two settings."""
    for member in [
        "AdDecisionServerUrl",
        "AvailSuppression",
        "Bumper",
        "CdnConfiguration",
        "LivePreRollConfiguration",
        "ManifestProcessingRules",
        "PersonalizationThresholdSeconds",
        "SlateAdUrl",
        "Tags",
        "VideoContentSourceUrl",
    ]:
        check(got.get(member) == sent[member], f"{what}: {member} reads back as written", got.get(member))
    for member in ["MpdLocation", "OriginManifestType"]:
        check(
            got["DashConfiguration"].get(member) == sent["DashConfiguration"][member],
            f"{what}: DashConfiguration.{member}",
            got["DashConfiguration"],
        )
    hls = got["HlsConfiguration"]["ManifestEndpointPrefix"]
    check(
        got["DashConfiguration"]["ManifestEndpointPrefix"] == hls.replace("/v1/master/", "/v1/dash/"),
        f"{what}: the DASH endpoint prefix beside the HLS one",
        got["DashConfiguration"],
    )
    check(got["Name"] == NAME and got["PlaybackConfigurationArn"] == ARN, f"{what}: name and ARN", got)
    for derived in ["PlaybackEndpointPrefix", "SessionInitializationEndpointPrefix"]:
        check(got.get(derived, "").startswith("https://"), f"{what}: {derived}", got.get(derived))
    check(got["LogConfiguration"]["PercentEnabled"] == 0, f"{what}: logging off", got["LogConfiguration"])


def configure_logs(mt, name):
    r = mt.configure_logs_for_playback_configuration(PlaybackConfigurationName=name, PercentEnabled=0)
    return strictly(mt, "ConfigureLogsForPlaybackConfiguration", r)


def get(mt, name):
    return strictly(mt, "GetPlaybackConfiguration", mt.get_playback_configuration(Name=name))


def main():
    mt = client()
    mt.meta.events.register("after-call.mediatailor", keep_raw)

    step("create: Put with every member the provider manages, ConfigureLogs, Get")
    first = complete_put("https://exampleurl.com/", "", 2, 2, {"Environment": "dev", "Testing": "pass"})
    put = strictly(mt, "PutPlaybackConfiguration", mt.put_playback_configuration(**first))
    reads_back(put, first, "Put's answer")
    configure_logs(mt, NAME)
    created = get(mt, NAME)
    reads_back(created, first, "Get after create")

    step("refresh and import: Get by name plans clean")
    reads_back(get(mt, NAME), first, "refresh")
    listed = strictly(mt, "ListPlaybackConfigurations", mt.list_playback_configurations())
    check([i["Name"] for i in listed["Items"]] == [NAME], "ListPlaybackConfigurations", listed)
    check(listed["Items"][0] == created, "List's item is Get's answer", listed["Items"][0])

    step("update: untag the old keys, tag the new, Put, ConfigureLogs, Get")
    old = get(mt, NAME)["Tags"]
    check(old == {"Environment": "dev", "Testing": "pass"}, "the tags before the update", old)
    new_tags = {"Environment": "prod", "Testing": "pass"}
    r = mt.untag_resource(ResourceArn=ARN, TagKeys=sorted(old))
    strictly(mt, "UntagResource", r)
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 204, "UntagResource answers 204", r)
    tags = strictly(mt, "ListTagsForResource", mt.list_tags_for_resource(ResourceArn=ARN))
    check(tags == {"Tags": {}}, "no tags after UntagResource", tags)
    r = mt.tag_resource(ResourceArn=ARN, Tags=new_tags)
    strictly(mt, "TagResource", r)
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 204, "TagResource answers 204", r)
    second = complete_put("https://exampleurl2.com/", "2", 3, 3, new_tags)
    put = strictly(mt, "PutPlaybackConfiguration", mt.put_playback_configuration(**second))
    reads_back(put, second, "Put's answer to the update")
    configure_logs(mt, NAME)
    updated = get(mt, NAME)
    reads_back(updated, second, "Get after the update")
    for same in ["PlaybackEndpointPrefix", "SessionInitializationEndpointPrefix", "HlsConfiguration"]:
        check(updated[same] == created[same], f"the update keeps {same}", updated[same])
    tags = strictly(mt, "ListTagsForResource", mt.list_tags_for_resource(ResourceArn=ARN))
    check(tags == {"Tags": new_tags}, "ListTagsForResource after the update", tags)

    step("minimal: members never given come back as AWS defaults them")
    minimal = dict(Name=MINIMAL, AdDecisionServerUrl="https://www.foo.de/", VideoContentSourceUrl="https://www.bar.at")
    strictly(mt, "PutPlaybackConfiguration", mt.put_playback_configuration(**minimal))
    configure_logs(mt, MINIMAL)
    got = get(mt, MINIMAL)
    expected = {
        "AvailSuppression": {"Mode": "OFF"},
        "Bumper": {},
        "CdnConfiguration": {},
        "InsertionMode": "STITCHED_ONLY",
        "LivePreRollConfiguration": {"MaxDurationSeconds": 0},
        "ManifestProcessingRules": {"AdMarkerPassthrough": {"Enabled": False}},
        "Tags": {},
    }
    for member, value in expected.items():
        check(got.get(member) == value, f"minimal: {member}", got.get(member))
    dash = got["DashConfiguration"]
    check(
        (dash["MpdLocation"], dash["OriginManifestType"]) == ("EMT_DEFAULT", "MULTI_PERIOD"),
        "minimal: DashConfiguration's defaults",
        dash,
    )
    check(got["LogConfiguration"]["EnabledLoggingStrategies"] == ["LEGACY_CLOUDWATCH"], "minimal: strategies", got)

    step("data source: every member given, aliases and strategies too, read back whole")
    ds = dict(
        complete_put("https://exampleurl.com/", "", 2, 2, {"Environment": "dev"}),
        Name="awsmt-data-source",
        CdnConfiguration={"AdSegmentUrlPrefix": "https://exampleurl.com/", "ContentSegmentUrlPrefix": "https://exampleurl.com/"},
        ConfigurationAliases={"player_params.foo": {"player_params.bar": "player_params.buzz"}},
    )
    strictly(mt, "PutPlaybackConfiguration", mt.put_playback_configuration(**ds))
    r = mt.configure_logs_for_playback_configuration(
        PlaybackConfigurationName="awsmt-data-source", PercentEnabled=0, EnabledLoggingStrategies=["LEGACY_CLOUDWATCH"]
    )
    strictly(mt, "ConfigureLogsForPlaybackConfiguration", r)
    got = get(mt, "awsmt-data-source")
    for member, value in ds.items():
        if member != "DashConfiguration":
            check(got.get(member) == value, f"data source: {member}", got.get(member))
    check(
        got["LogConfiguration"] == {"PercentEnabled": 0, "EnabledLoggingStrategies": ["LEGACY_CLOUDWATCH"]},
        "data source: LogConfiguration",
        got["LogConfiguration"],
    )

    step("refusals: a value outside the model names the member; an unknown ARN")
    try:
        mt.put_playback_configuration(Name="bad", InsertionMode="GUIDED")
        raise Failed("InsertionMode GUIDED was accepted")
    except ClientError as e:
        err = e.response["Error"]
        check(err["Code"] == "BadRequestException", "InsertionMode GUIDED", err)
        check("InsertionMode" in err["Message"], "the message names the member", err)
    try:
        mt.put_playback_configuration(Name="bad", AdDecisionServerUrl="invalid")
        raise Failed("AdDecisionServerUrl invalid was accepted")
    except ClientError as e:
        err = e.response["Error"]
        # The provider's TestAccPlaybackConfigurationCreationFail matches AWS's words.
        check("AdDecisionServerUrl requires a valid URL" in err["Message"], "AWS's words for a bad URL", err)
    try:
        mt.list_tags_for_resource(ResourceArn=ARN + "-gone")
        raise Failed("ListTagsForResource of an unknown ARN succeeded")
    except ClientError as e:
        check(e.response["Error"]["Code"] == "BadRequestException", "unknown ARN", e.response["Error"])
    RAW.clear()

    step("destroy: Delete")
    for name in [NAME, MINIMAL, "awsmt-data-source"]:
        r = mt.delete_playback_configuration(Name=name)
        strictly(mt, "DeletePlaybackConfiguration", r)
    left = strictly(mt, "ListPlaybackConfigurations", mt.list_playback_configurations())
    check(left["Items"] == [], "nothing left", left)
    print(f"awsmt e2e passed (boto3 {boto3.__version__}, botocore {botocore.__version__})")


if __name__ == "__main__":
    if len(sys.argv) != 1:
        sys.exit("usage: awsmt_playback.py (the server's exports in the environment)")
    try:
        main()
    except Failed as e:
        print(f"awsmt e2e FAILED in step [{STEP}]: {e}", file=sys.stderr)
        sys.exit(1)
    except Exception as e:  # an unexpected ClientError, a connection failure, ...
        print(f"awsmt e2e FAILED in step [{STEP}]: {type(e).__name__}: {e}", file=sys.stderr)
        raise
