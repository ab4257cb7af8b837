#!/usr/bin/env python3
"""A teardown of MediaTailor's session logging and its service-linked role that checks its work.

1. In every region MediaTailor runs in (REGIONS below, or TEARDOWN_REGIONS="r1 r2"), turns
   logging off on every playback configuration (following NextToken).
2. Asks IAM to delete AWSServiceRoleForMediaTailor and polls GetServiceLinkedRoleDeletionStatus.
3. On FAILED, reads the RoleUsageList, turns logging off on each configuration it names, waits
   (MediaTailor counts the role as in use for a few minutes after it last logged) and tries again.
   It waits even when the RoleUsageList is empty: that is how a failure reads both when the service
   used the role in the last minutes and when it failed for a reason of its own. (An earlier version
   tried again at once on an empty list; `slrsim fuzz --seed 3` found that it then gives up while
   viewers keep the role in use.)
4. Exits 0 once the role is gone, 1 if it gives up.

Every call is retried on AWS's throttling and internal errors (HTTP 500) by botocore, with more
attempts than its default, and list calls follow their NextToken through empty pages.

Against AWS it sleeps TEARDOWN_POLL_SECONDS (default 5) between polls. Under `slrsim fuzz`,
simulated time moves by itself with every request, so set it to 0:

    TEARDOWN_POLL_SECONDS=0 slrsim fuzz --cases 20 -- python examples/clients/teardown_robust.py
"""
import os
import sys
import time

import boto3
import botocore.config

ROLE = "AWSServiceRoleForMediaTailor"
# The regions AWS Elemental MediaTailor runs in (its endpoints in botocore's endpoint data).
REGIONS = os.environ.get("TEARDOWN_REGIONS", "").split() or [
    "af-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-4", "ap-southeast-5",
    "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "me-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-2",
]
POLL_SECONDS = float(os.environ.get("TEARDOWN_POLL_SECONDS", "5"))
ATTEMPTS = 5
POLLS = 60
# botocore retries throttling and 500s; a few more attempts than its default 5 outlast a call
# that is both throttled and failing for a moment.
CONFIG = botocore.config.Config(retries={"mode": "legacy", "max_attempts": 8})

iam = boto3.client("iam", config=CONFIG)


def logging_off(region, names=None):
    mediatailor = boto3.client("mediatailor", region_name=region, config=CONFIG)
    token = None
    while True:
        page = mediatailor.list_playback_configurations(**({"NextToken": token} if token else {}))
        for config in page.get("Items", []):
            on = config.get("LogConfiguration", {}).get("PercentEnabled", 0) > 0
            if on and (names is None or config["Name"] in names):
                mediatailor.configure_logs_for_playback_configuration(
                    PlaybackConfigurationName=config["Name"], PercentEnabled=0
                )
                print(f"logging off for {config['Name']} in {region}")
        token = page.get("NextToken")
        if not token:
            return


def role_exists():
    try:
        iam.get_role(RoleName=ROLE)
        return True
    except iam.exceptions.NoSuchEntityException:
        return False


def wait_for(task):
    for _ in range(POLLS):
        status = iam.get_service_linked_role_deletion_status(DeletionTaskId=task)
        if status["Status"] in ("SUCCEEDED", "FAILED"):
            return status
        time.sleep(POLL_SECONDS)
    return None


for region in REGIONS:
    logging_off(region)

for attempt in range(1, ATTEMPTS + 1):
    if not role_exists():
        print("the role is gone")
        sys.exit(0)
    task = iam.delete_service_linked_role(RoleName=ROLE)["DeletionTaskId"]
    status = wait_for(task)
    if status is None:
        print(f"attempt {attempt}: the deletion task did not finish")
        continue
    if status["Status"] == "SUCCEEDED":
        print("deleted")
        sys.exit(0)
    reason = status.get("Reason", {})
    print(f"attempt {attempt}: FAILED: {reason.get('Reason', '')}")
    for usage in reason.get("RoleUsageList", []):
        names = [arn.rsplit("/", 1)[-1] for arn in usage.get("Resources", [])]
        logging_off(usage["Region"], names)
    # The service used the role recently: wait for its few minutes to pass.
    for _ in range(POLLS // 2):
        iam.get_service_linked_role_deletion_status(DeletionTaskId=task)
        time.sleep(POLL_SECONDS)

print(f"gave up after {ATTEMPTS} attempts", file=sys.stderr)
sys.exit(1)
