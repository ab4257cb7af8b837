"""moto's in-process rate for slrsim's lifecycle bench loop (benches/goals.rs runs this).

The same five IAM calls as `lifecycle_rate` in goals.rs: create the MediaTailor service-linked role,
get it, update its description, delete it, read the deletion status. Prints calls per second on the
last line. Needs `pip install 'moto[iam]' boto3`.
"""

import os
import sys
import time

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

LOOPS = int(sys.argv[1]) if len(sys.argv) > 1 else 500


@mock_aws
def main():
    iam = boto3.client("iam", region_name="us-east-1")
    # Warm up: the first call loads moto's backends.
    iam.list_roles()
    start = time.perf_counter()
    for _ in range(LOOPS):
        # moto names the role after the service its own way: use the name it returns.
        name = iam.create_service_linked_role(AWSServiceName="mediatailor.amazonaws.com")["Role"]["RoleName"]
        iam.get_role(RoleName=name)
        iam.update_role_description(RoleName=name, Description="bench")
        task = iam.delete_service_linked_role(RoleName=name)["DeletionTaskId"]
        iam.get_service_linked_role_deletion_status(DeletionTaskId=task)
    elapsed = time.perf_counter() - start
    print(f"{LOOPS * 5 / elapsed:.1f}")


main()
