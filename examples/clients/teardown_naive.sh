#!/usr/bin/env bash
# A naive teardown with the AWS CLI: logging off in its own region, delete the role, exit 0.
# It does not wait for the deletion task, read its status or retry.
#
#   slrsim fuzz --cases 20 -- bash examples/clients/teardown_naive.sh
set -u
role=AWSServiceRoleForMediaTailor
for name in $(aws mediatailor list-playback-configurations \
    --query 'Items[?LogConfiguration.PercentEnabled > `0`].Name' --output text); do
  aws mediatailor configure-logs-for-playback-configuration \
    --playback-configuration-name "$name" --percent-enabled 0 >/dev/null
  echo "logging off for $name"
done
aws iam delete-service-linked-role --role-name "$role" --query DeletionTaskId --output text \
  || echo "no role to delete"
echo done
