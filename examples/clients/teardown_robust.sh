#!/usr/bin/env bash
# A teardown with the AWS CLI that checks its work: logging off in every region MediaTailor runs
# in, delete the role, poll the deletion task; on FAILED turn off what its RoleUsageList names,
# wait a few minutes and try again (also when it names nothing: the service used the role moments
# ago, or failed for a reason of its own).
# Exits 0 once the role is gone, 1 if it gives up.
#
# Against AWS it sleeps TEARDOWN_POLL_SECONDS (default 5) between polls; under `slrsim fuzz` time
# moves with every request, so set it to 0:
#
#   TEARDOWN_POLL_SECONDS=0 slrsim fuzz --cases 20 -- bash examples/clients/teardown_robust.sh
set -u
# The AWS CLI retries throttling and internal errors (HTTP 500); a few more attempts than its
# default outlast a call that is both throttled and failing for a moment.
export AWS_MAX_ATTEMPTS=${AWS_MAX_ATTEMPTS:-8}
role=AWSServiceRoleForMediaTailor
poll=${TEARDOWN_POLL_SECONDS:-5}
regions=${TEARDOWN_REGIONS:-"af-south-1 ap-northeast-1 ap-northeast-2 ap-northeast-3 ap-south-1
  ap-south-2 ap-southeast-1 ap-southeast-2 ap-southeast-4 ap-southeast-5 ca-central-1
  eu-central-1 eu-north-1 eu-west-1 eu-west-2 eu-west-3 me-central-1 sa-east-1 us-east-1
  us-east-2 us-west-2"}

logging_off() { # REGION [NAME...]: every configuration that logs, or only those named
  local region=$1; shift
  local name names
  # The AWS CLI follows NextToken itself.
  names=$(aws mediatailor list-playback-configurations --region "$region" \
    --query 'Items[?LogConfiguration.PercentEnabled > `0`].Name' --output text) || return 1
  for name in $names; do
    if [ $# -eq 0 ] || printf '%s\n' "$@" | grep -qx "$name"; then
      aws mediatailor configure-logs-for-playback-configuration --region "$region" \
        --playback-configuration-name "$name" --percent-enabled 0 >/dev/null || return 1
      echo "logging off for $name in $region"
    fi
  done
}

for region in $regions; do
  logging_off "$region" || { echo "cannot list $region" >&2; exit 1; }
done

for attempt in 1 2 3 4 5; do
  # Gone only when IAM says so: any other failure is not an answer.
  if ! err=$(aws iam get-role --role-name "$role" 2>&1 >/dev/null); then
    case $err in
      *NoSuchEntity*) echo "the role is gone"; exit 0 ;;
      *) echo "cannot read the role: $err" >&2; exit 1 ;;
    esac
  fi
  task=$(aws iam delete-service-linked-role --role-name "$role" --query DeletionTaskId --output text) || exit 1
  status=
  for _ in $(seq 60); do
    status=$(aws iam get-service-linked-role-deletion-status --deletion-task-id "$task" \
      --query Status --output text) || exit 1
    case $status in SUCCEEDED|FAILED) break ;; esac
    sleep "$poll"
  done
  case $status in
    SUCCEEDED) echo deleted; exit 0 ;;
    FAILED)
      echo "attempt $attempt: FAILED"
      # Region, then the configurations' ARNs, one usage a line.
      usage=$(aws iam get-service-linked-role-deletion-status --deletion-task-id "$task" \
          --query 'Reason.RoleUsageList[].[Region, join(`" "`, Resources)]' --output text) || exit 1
      # An empty list names nothing to turn off: the service used the role in the last minutes,
      # or failed for a reason of its own. Either way, wait below before trying again.
      [ -z "$usage" ] || printf '%s\n' "$usage" |
        while read -r region arns; do
          # shellcheck disable=SC2086 # the names are words
          logging_off "$region" $(for a in $arns; do echo "${a##*/}"; done)
        done
      # MediaTailor counts the role as in use for a few minutes after it last logged.
      for _ in $(seq 30); do
        aws iam get-service-linked-role-deletion-status --deletion-task-id "$task" >/dev/null
        sleep "$poll"
      done ;;
    *) echo "attempt $attempt: the deletion task did not finish" ;;
  esac
done
echo "gave up after 5 attempts" >&2
exit 1
