//! CloudWatch Logs calls: what MediaTailor delivered, as the account sees it.

use serde_json::json;

use super::response;
use super::{Ctx, Decided};
use crate::core::action::{DescribeLogGroupsParams, DescribeLogStreamsParams};
use crate::core::authz::{Protocol, Request};
use crate::core::catalog;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::limits;
use crate::core::validate;

fn page_size(limit: Option<i64>) -> Result<usize, ApiError> {
    let n = limit.unwrap_or(limits::MAX_LOGS_PAGE);
    validate::range(
        ErrorCode::InvalidParameterException,
        "limit",
        n,
        1,
        limits::MAX_LOGS_PAGE,
    )?;
    // INVARIANT: n is in 1..=50, checked above.
    Ok(usize::try_from(n).unwrap_or(50))
}

fn check_name(field: &str, v: &str) -> Result<(), ApiError> {
    validate::length(ErrorCode::InvalidParameterException, field, v, 1, 512)
}

pub(super) fn describe_log_groups(
    cx: &Ctx<'_>,
    p: &DescribeLogGroupsParams,
) -> Result<Decided, ApiError> {
    let take = page_size(p.limit)?;
    let prefix = p.log_group_name_prefix.as_deref().unwrap_or("");
    if !prefix.is_empty() {
        check_name("logGroupNamePrefix", prefix)?;
    }
    if let Some(t) = &p.next_token {
        check_name("nextToken", t)?;
    }
    let resource = catalog::log_group_arn(cx.region(), cx.account_id(), "*");
    cx.authorize(
        &Request::new("logs:DescribeLogGroups", &resource),
        Protocol::AwsJson,
    )?;
    let start = p.next_token.clone().unwrap_or_default();
    let mut it = cx
        .account
        .region(cx.region())
        .log_groups
        .range(start..)
        .map(|(_, g)| g)
        .filter(|g| g.log_group_name.starts_with(prefix));
    let groups: Vec<_> = it.by_ref().take(take).map(response::log_group).collect();
    let mut body = json!({"logGroups": groups});
    if let Some(n) = it.next() {
        body["nextToken"] = json!(n.log_group_name);
    }
    Ok(Decided::read(body))
}

pub(super) fn describe_log_streams(
    cx: &Ctx<'_>,
    p: &DescribeLogStreamsParams,
) -> Result<Decided, ApiError> {
    check_name("logGroupName", &p.log_group_name)?;
    let take = page_size(p.limit)?;
    let prefix = p.log_stream_name_prefix.as_deref().unwrap_or("");
    if !prefix.is_empty() {
        check_name("logStreamNamePrefix", prefix)?;
    }
    if let Some(t) = &p.next_token {
        check_name("nextToken", t)?;
    }
    let resource = catalog::log_group_arn(cx.region(), cx.account_id(), &p.log_group_name);
    cx.authorize(
        &Request::new("logs:DescribeLogStreams", &resource),
        Protocol::AwsJson,
    )?;
    let group = cx
        .account
        .region(cx.region())
        .log_groups
        .get(&p.log_group_name)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::ResourceNotFoundException,
                "The specified log group does not exist.",
            )
        })?;
    let start = p.next_token.clone().unwrap_or_default();
    let mut it = group
        .streams
        .range(start..)
        .map(|(_, s)| s)
        .filter(|s| s.log_stream_name.starts_with(prefix));
    let streams: Vec<_> = it.by_ref().take(take).map(response::log_stream).collect();
    let mut body = json!({"logStreams": streams});
    if let Some(n) = it.next() {
        body["nextToken"] = json!(n.log_stream_name);
    }
    Ok(Decided::read(body))
}
