#!/usr/bin/env python3
"""A naive teardown of MediaTailor's session logging and its service-linked role.

It looks only in its own region, turns logging off where it finds it, asks IAM to delete
AWSServiceRoleForMediaTailor and exits 0. It does not wait for the deletion task, read its
status or retry: the kind of script `slrsim fuzz` is for.

    slrsim fuzz --cases 20 -- python examples/clients/teardown_naive.py
"""
import boto3

ROLE = "AWSServiceRoleForMediaTailor"

mediatailor = boto3.client("mediatailor")
for config in mediatailor.list_playback_configurations().get("Items", []):
    if config.get("LogConfiguration", {}).get("PercentEnabled", 0) > 0:
        mediatailor.configure_logs_for_playback_configuration(
            PlaybackConfigurationName=config["Name"], PercentEnabled=0
        )
        print(f"logging off for {config['Name']}")

iam = boto3.client("iam")
try:
    task = iam.delete_service_linked_role(RoleName=ROLE)["DeletionTaskId"]
    print(f"deletion started: {task}")
except iam.exceptions.NoSuchEntityException:
    print("no role to delete")
print("done")
