#!/usr/bin/env python3
"""Sets up what the teardowns take apart: a playback configuration with session logging on.

    python examples/clients/setup.py [NAME] [PERCENT]

Enabling logging makes MediaTailor create AWSServiceRoleForMediaTailor if the account has none.
"""
import sys

import boto3

name = sys.argv[1] if len(sys.argv) > 1 else "live"
percent = int(sys.argv[2]) if len(sys.argv) > 2 else 100

mediatailor = boto3.client("mediatailor")
mediatailor.put_playback_configuration(
    Name=name,
    VideoContentSourceUrl="https://origin.example.com/" + name,
    AdDecisionServerUrl="https://ads.example.com/vast",
)
mediatailor.configure_logs_for_playback_configuration(
    PlaybackConfigurationName=name, PercentEnabled=percent
)
role = boto3.client("iam").get_role(RoleName="AWSServiceRoleForMediaTailor")["Role"]
print(f"{name}: logging at {percent}%; the role is {role['Arn']}")
