//! CloudWatch Logs calls: what MediaTailor delivered, as the account sees it. The events' messages
//! are derived from the stored deliveries (`core::mediatailor_logs`), a page at a time.

use serde_json::{Value, json};

use super::response;
use super::{Ctx, Decided};
use crate::core::action::{
    DescribeLogGroupsParams, DescribeLogStreamsParams, FilterLogEventsParams, GetLogEventsParams,
};
use crate::core::authz::{Protocol, Request};
use crate::core::catalog;
use crate::core::clock;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::limits;
use crate::core::mediatailor_logs::{self, Origin};
use crate::core::state::{Delivery, LogGroup, LogStream};
use crate::core::validate;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidParameterException, message)
}

fn page_size(limit: Option<i64>) -> Result<usize, ApiError> {
    bounded("limit", limit, limits::MAX_LOGS_PAGE)
}

fn bounded(field: &str, limit: Option<i64>, max: i64) -> Result<usize, ApiError> {
    let n = limit.unwrap_or(max);
    validate::range(ErrorCode::InvalidParameterException, field, n, 1, max)?;
    // INVARIANT: n is in 1..=max, checked above.
    Ok(usize::try_from(n).unwrap_or(1))
}

fn check_name(field: &str, v: &str) -> Result<(), ApiError> {
    validate::length(ErrorCode::InvalidParameterException, field, v, 1, 512)
}

/// A log stream name as the model allows it: 1..=512 characters, none of them `:` or `*`.
fn check_stream_name(field: &str, v: &str) -> Result<(), ApiError> {
    check_name(field, v)?;
    if v.contains([':', '*']) {
        return Err(invalid(format!(
            "1 validation error detected: Value '{}' at '{field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*",
            validate::shown(v)
        )));
    }
    Ok(())
}

fn check_enum(field: &str, v: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&v) {
        return Ok(());
    }
    Err(invalid(format!(
        "1 validation error detected: Value '{}' at '{field}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
        validate::shown(v),
        allowed.join(", ")
    )))
}

fn check_time(field: &str, t: Option<i64>) -> Result<(), ApiError> {
    match t {
        Some(t) => validate::range(ErrorCode::InvalidParameterException, field, t, 0, i64::MAX),
        None => Ok(()),
    }
}

fn not_found(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ResourceNotFoundException,
        format!("The specified {what} does not exist."),
    )
}

/// The group a call names by `logGroupName` or `logGroupIdentifier` (exactly one; the identifier is
/// a name or this account's ARN in this region, with or without the trailing `:*`).
fn group_name(
    cx: &Ctx<'_>,
    name: Option<&str>,
    identifier: Option<&str>,
) -> Result<String, ApiError> {
    match (name, identifier) {
        (Some(n), None) => {
            check_name("logGroupName", n)?;
            Ok(n.to_string())
        }
        (None, Some(id)) => {
            validate::length(
                ErrorCode::InvalidParameterException,
                "logGroupIdentifier",
                id,
                1,
                2048,
            )?;
            if !id.starts_with("arn:") {
                return Ok(id.to_string());
            }
            let prefix = catalog::log_group_arn(cx.region(), cx.account_id(), "");
            id.strip_prefix(&prefix)
                .map(|n| n.strip_suffix(":*").unwrap_or(n))
                .filter(|n| !n.is_empty() && !n.contains(':'))
                .map(str::to_string)
                .ok_or_else(|| not_found("log group"))
        }
        (Some(_), Some(_)) => Err(invalid(
            "LogGroup name and LogGroup ARN are mutually exclusive parameters.",
        )),
        (None, None) => Err(invalid(
            "You must include either logGroupIdentifier or logGroupName, but not both.",
        )),
    }
}

/// Checks DescribeLogGroups' filters against one another as AWS does.
fn check_group_filters(p: &DescribeLogGroupsParams) -> Result<(), ApiError> {
    if p.log_group_name_prefix.is_some() && p.log_group_name_pattern.is_some() {
        return Err(invalid(
            "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.",
        ));
    }
    if let Some(pattern) = &p.log_group_name_pattern {
        validate::length(
            ErrorCode::InvalidParameterException,
            "logGroupNamePattern",
            pattern,
            0,
            512,
        )?;
    }
    if let Some(class) = &p.log_group_class {
        check_enum(
            "logGroupClass",
            class,
            &["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"],
        )?;
    }
    if let Some(ids) = &p.account_identifiers {
        validate::list_length(
            ErrorCode::InvalidParameterException,
            "accountIdentifiers",
            ids.len(),
            limits::MAX_ACCOUNT_IDENTIFIERS,
        )?;
        for id in ids {
            if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid(format!(
                    "1 validation error detected: Value '{}' at 'accountIdentifiers' failed to satisfy constraint: Member must be a 12-digit account id",
                    validate::shown(id)
                )));
            }
        }
    }
    if let Some(ids) = &p.log_group_identifiers {
        if ids.is_empty() || ids.len() > limits::MAX_GROUP_IDENTIFIERS {
            return Err(invalid(format!(
                "1 validation error detected: Value at 'logGroupIdentifiers' failed to satisfy constraint: Member must have length between 1 and {}",
                limits::MAX_GROUP_IDENTIFIERS
            )));
        }
        if p.log_group_name_prefix.is_some()
            || p.log_group_name_pattern.is_some()
            || p.log_group_class.is_some()
        {
            return Err(invalid(
                "When logGroupIdentifiers is specified, the only other filter allowed is includeLinkedAccounts.",
            ));
        }
    }
    Ok(())
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
    check_group_filters(p)?;
    let resource = catalog::log_group_arn(cx.region(), cx.account_id(), "*");
    cx.authorize(
        &Request::new("logs:DescribeLogGroups", &resource),
        Protocol::AwsJson,
    )?;
    let mut wanted = Vec::new();
    for id in p.log_group_identifiers.iter().flatten() {
        // A name or ARN of no group of this account and region names nothing to list.
        if let Ok(n) = group_name(cx, None, Some(id)) {
            wanted.push(n);
        }
    }
    let pattern = p.log_group_name_pattern.as_deref();
    let class_ok = p
        .log_group_class
        .as_deref()
        .is_none_or(|c| c == response::LOG_GROUP_CLASS);
    let start = p.next_token.clone().unwrap_or_default();
    let mut it = cx
        .account
        .region(cx.region())
        .log_groups
        .range(start..)
        .map(|(_, g)| g)
        .filter(|g| g.log_group_name.starts_with(prefix))
        .filter(|g| pattern.is_none_or(|s| g.log_group_name.contains(s)))
        .filter(|g| p.log_group_identifiers.is_none() || wanted.contains(&g.log_group_name))
        .filter(|_| class_ok)
        .peekable();
    if let Some(first) = it
        .peek()
        .filter(|_| cx.empty_first_page(p.next_token.as_deref()))
    {
        return Ok(Decided::read(
            json!({"logGroups": [], "nextToken": first.log_group_name}),
        ));
    }
    let brief = pattern.is_some();
    let groups: Vec<_> = it
        .by_ref()
        .take(cx.page_take(take))
        .map(|g| response::log_group(g, brief))
        .collect();
    let mut body = json!({"logGroups": groups});
    if let Some(n) = it.next() {
        body["nextToken"] = json!(n.log_group_name);
    }
    Ok(Decided::read(body))
}

/// DescribeLogStreams' order: by name (ascending unless `descending`), or by last event time.
fn order_streams(streams: &mut [&LogStream], by_time: bool, descending: bool) {
    if by_time {
        streams.sort_by(|a, b| {
            (a.last_event_timestamp.unwrap_or(0), &a.log_stream_name)
                .cmp(&(b.last_event_timestamp.unwrap_or(0), &b.log_stream_name))
        });
    }
    if descending {
        streams.reverse();
    }
}

pub(super) fn describe_log_streams(
    cx: &Ctx<'_>,
    p: &DescribeLogStreamsParams,
) -> Result<Decided, ApiError> {
    let group_name = group_name(
        cx,
        p.log_group_name.as_deref(),
        p.log_group_identifier.as_deref(),
    )?;
    let take = page_size(p.limit)?;
    let prefix = p.log_stream_name_prefix.as_deref().unwrap_or("");
    if !prefix.is_empty() {
        check_name("logStreamNamePrefix", prefix)?;
    }
    if let Some(t) = &p.next_token {
        check_name("nextToken", t)?;
    }
    let by_time = match p.order_by.as_deref() {
        None => false,
        Some(o) => {
            check_enum("orderBy", o, &["LogStreamName", "LastEventTime"])?;
            o == "LastEventTime"
        }
    };
    if by_time && p.log_stream_name_prefix.is_some() {
        return Err(invalid(
            "Cannot order by LastEventTime with a logStreamNamePrefix.",
        ));
    }
    let resource = catalog::log_group_arn(cx.region(), cx.account_id(), &group_name);
    cx.authorize(
        &Request::new("logs:DescribeLogStreams", &resource),
        Protocol::AwsJson,
    )?;
    let group = find_group(cx, &group_name)?;
    let descending = p.descending.unwrap_or(false);
    let mut streams: Vec<&LogStream> = group
        .streams
        .values()
        .filter(|s| s.log_stream_name.starts_with(prefix))
        .collect();
    order_streams(&mut streams, by_time, descending);
    // The token is the name of the next stream to show. In name order it is a bound (as in rules 1
    // and 2); in the other orders, the stream's place in the order.
    let from = match &p.next_token {
        None => 0,
        Some(t) if !by_time && !descending => streams
            .iter()
            .position(|s| s.log_stream_name >= *t)
            .unwrap_or(streams.len()),
        Some(t) => streams
            .iter()
            .position(|s| s.log_stream_name == *t)
            .ok_or_else(|| invalid("The specified nextToken is invalid."))?,
    };
    let mut it = streams.into_iter().skip(from).peekable();
    if let Some(first) = it
        .peek()
        .filter(|_| cx.empty_first_page(p.next_token.as_deref()))
    {
        return Ok(Decided::read(
            json!({"logStreams": [], "nextToken": first.log_stream_name}),
        ));
    }
    let page: Vec<_> = it
        .by_ref()
        .take(cx.page_take(take))
        .map(response::log_stream)
        .collect();
    let mut body = json!({"logStreams": page});
    if let Some(n) = it.next() {
        body["nextToken"] = json!(n.log_stream_name);
    }
    Ok(Decided::read(body))
}

fn find_group<'a>(cx: &Ctx<'a>, name: &str) -> Result<&'a LogGroup, ApiError> {
    cx.account
        .region(cx.region())
        .log_groups
        .get(name)
        .ok_or_else(|| not_found("log group"))
}

/// A place between two events of a group: before event `offset` of the delivery of record `seq`.
/// Places order as the events do (a group's deliveries, by record).
type Cut = (u64, u64);

fn parse_cut(text: &str) -> Option<Cut> {
    let (a, b) = text.split_once('/')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

fn show_cut((seq, offset): Cut) -> String {
    format!("{seq:020}/{offset:020}")
}

/// One event read back: where it is, its stream, time and message.
struct Read<'s> {
    at: Cut,
    stream: &'s str,
    millis: i64,
    message: String,
}

/// GetLogEvents' window: `startTime` inclusive, `endTime` exclusive, on a delivery's time.
fn in_window(d: &Delivery, start: Option<i64>, end: Option<i64>, end_inclusive: bool) -> bool {
    let t = clock::millis(d.at);
    start.is_none_or(|s| t >= s) && end.is_none_or(|e| if end_inclusive { t <= e } else { t < e })
}

fn origin<'a>(cx: &Ctx<'a>, stream: &'a str) -> Origin<'a> {
    Origin {
        seed: cx.state.seed,
        account: cx.account_id(),
        region: cx.region(),
        config: stream,
    }
}

pub(super) fn get_log_events(cx: &Ctx<'_>, p: &GetLogEventsParams) -> Result<Decided, ApiError> {
    let group_name = group_name(
        cx,
        p.log_group_name.as_deref(),
        p.log_group_identifier.as_deref(),
    )?;
    check_stream_name("logStreamName", &p.log_stream_name)?;
    let take = cx.page_take(bounded("limit", p.limit, limits::MAX_EVENTS_PAGE)?);
    check_time("startTime", p.start_time)?;
    check_time("endTime", p.end_time)?;
    // A token is `f/<place>` (read on from there) or `b/<place>` (read back from there).
    let token = match &p.next_token {
        None => None,
        Some(t) => {
            let parsed = t
                .strip_prefix("f/")
                .map(|c| (true, c))
                .or_else(|| t.strip_prefix("b/").map(|c| (false, c)))
                .and_then(|(fwd, c)| parse_cut(c).map(|c| (fwd, c)));
            Some(parsed.ok_or_else(|| invalid("The specified nextToken is invalid."))?)
        }
    };
    let resource = catalog::log_group_arn(cx.region(), cx.account_id(), &group_name);
    cx.authorize(
        &Request::new("logs:GetLogEvents", &resource),
        Protocol::AwsJson,
    )?;
    let stream = find_group(cx, &group_name)?
        .streams
        .get(&p.log_stream_name)
        .ok_or_else(|| not_found("log stream"))?;
    let (forward, cut) = token.unwrap_or(if p.start_from_head.unwrap_or(false) {
        (true, (0, 0))
    } else {
        (false, (u64::MAX, 0))
    });
    let deliveries: Vec<&Delivery> = stream
        .deliveries
        .iter()
        .filter(|d| in_window(d, p.start_time, p.end_time, false))
        .collect();
    let o = origin(cx, &stream.log_stream_name);
    let page = if forward {
        read_forward(o, &deliveries, cut, take)
    } else {
        read_backward(o, &deliveries, cut, take)
    };
    let first = page.first().map_or(cut, |r| r.at);
    if !page.is_empty() && cx.empty_first_page(p.next_token.as_deref()) {
        // An empty first page: both tokens lead to the page's first event, read on from there.
        return Ok(Decided::read(json!({
            "events": [],
            "nextForwardToken": format!("f/{}", show_cut(first)),
            "nextBackwardToken": format!("b/{}", show_cut(first)),
        })));
    }
    let after = page
        .last()
        .map_or(cut, |r| (r.at.0, r.at.1.saturating_add(1)));
    let events: Vec<Value> = page
        .into_iter()
        .map(|r| json!({"timestamp": r.millis, "message": r.message, "ingestionTime": r.millis}))
        .collect();
    Ok(Decided::read(json!({
        "events": events,
        "nextForwardToken": format!("f/{}", show_cut(after)),
        "nextBackwardToken": format!("b/{}", show_cut(first)),
    })))
}

/// Up to `take` events (and 1 MB of messages) at or after `cut`, in order.
fn read_forward<'s>(o: Origin<'s>, ds: &[&Delivery], cut: Cut, take: usize) -> Vec<Read<'s>> {
    let mut out = Vec::new();
    let mut bytes = 0usize;
    for d in ds.iter().filter(|d| d.seq >= cut.0) {
        let from = if d.seq == cut.0 { cut.1 } else { 0 };
        for i in from..d.events() {
            let message = mediatailor_logs::message(o, d, i);
            bytes += message.len();
            if out.len() >= take || bytes > limits::MAX_EVENTS_PAGE_BYTES {
                return out;
            }
            out.push(Read {
                at: (d.seq, i),
                stream: o.config,
                millis: clock::millis(d.at),
                message,
            });
        }
    }
    out
}

/// Up to `take` events (and 1 MB of messages) before `cut`, the latest ones, in order.
fn read_backward<'s>(o: Origin<'s>, ds: &[&Delivery], cut: Cut, take: usize) -> Vec<Read<'s>> {
    let mut out = Vec::new();
    let mut bytes = 0usize;
    'all: for d in ds.iter().rev().filter(|d| d.seq <= cut.0) {
        let end = if d.seq == cut.0 {
            cut.1.min(d.events())
        } else {
            d.events()
        };
        for i in (0..end).rev() {
            let message = mediatailor_logs::message(o, d, i);
            bytes += message.len();
            if out.len() >= take || bytes > limits::MAX_EVENTS_PAGE_BYTES {
                break 'all;
            }
            out.push(Read {
                at: (d.seq, i),
                stream: o.config,
                millis: clock::millis(d.at),
                message,
            });
        }
    }
    out.reverse();
    out
}

/// The filter patterns slrsim understands (README, "Reading the logs").
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    /// No pattern: every event.
    All,
    /// Terms and quoted phrases, each of which the message must hold (case-sensitive).
    Terms(Vec<String>),
    /// `{ $.path = value }` or `{ $.path != value }` on the message's JSON.
    Json {
        path: Vec<String>,
        equal: bool,
        value: String,
    },
}

fn unsupported(what: &str) -> ApiError {
    invalid(format!(
        "Invalid filter pattern: slrsim understands terms, quoted phrases, and {{ $.field = value }} or {{ $.field != value }}; this pattern uses {what}, which slrsim does not."
    ))
}

fn parse_pattern(text: &str) -> Result<Pattern, ApiError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(Pattern::All);
    }
    if let Some(inner) = t.strip_prefix('{') {
        let inner = inner
            .strip_suffix('}')
            .ok_or_else(|| unsupported("an unclosed {"))?
            .trim();
        for (op, what) in [
            ("&&", "&&"),
            ("||", "||"),
            ("<", "a comparison (<, <=)"),
            (">", "a comparison (>, >=)"),
            (" IS ", "IS"),
            ("*", "a wildcard (*)"),
        ] {
            if inner.contains(op) {
                return Err(unsupported(what));
            }
        }
        let (lhs, rhs, equal) = match inner.split_once("!=") {
            Some((l, r)) => (l, r, false),
            None => match inner.split_once('=') {
                Some((l, r)) => (l, r, true),
                None => return Err(unsupported("a selector without = or !=")),
            },
        };
        let path = lhs
            .trim()
            .strip_prefix("$.")
            .filter(|p| !p.is_empty())
            .ok_or_else(|| unsupported("a selector that does not start with $."))?;
        let rhs = rhs.trim();
        let value = rhs
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or(rhs);
        if value.is_empty() || value.contains(' ') && !rhs.starts_with('"') {
            return Err(unsupported("a value that is neither a word nor quoted"));
        }
        return Ok(Pattern::Json {
            path: path.split('.').map(str::to_string).collect(),
            equal,
            value: value.to_string(),
        });
    }
    let mut terms = Vec::new();
    let mut rest = t;
    while !rest.is_empty() {
        if let Some(q) = rest.strip_prefix('"') {
            let (phrase, after) = q
                .split_once('"')
                .ok_or_else(|| unsupported("an unclosed quote"))?;
            terms.push(phrase.to_string());
            rest = after.trim_start();
            continue;
        }
        let (word, after) = rest.split_once(' ').unwrap_or((rest, ""));
        match word.chars().next() {
            Some('?') => return Err(unsupported("?term (any of several terms)")),
            Some('-') => return Err(unsupported("-term (leaving terms out)")),
            Some('%') => return Err(unsupported("a regular expression (%...%)")),
            Some('[') => return Err(unsupported("a space-delimited pattern ([...])")),
            _ => {}
        }
        terms.push(word.to_string());
        rest = after.trim_start();
    }
    Ok(Pattern::Terms(terms))
}

impl Pattern {
    /// Whether every event of `event_type` matches (`Some(true)`), none does (`Some(false)`), or the
    /// message must be looked at (`None`).
    fn by_type(&self, event_type: &str) -> Option<bool> {
        match self {
            Pattern::All => Some(true),
            Pattern::Json { path, equal, value } if path.len() == 1 && path[0] == "eventType" => {
                Some((event_type == value) == *equal)
            }
            _ => None,
        }
    }

    fn matches(&self, message: &str) -> bool {
        match self {
            Pattern::All => true,
            Pattern::Terms(terms) => terms.iter().all(|t| message.contains(t.as_str())),
            Pattern::Json { path, equal, value } => {
                let v: Value = serde_json::from_str(message).unwrap_or(Value::Null);
                let found = path.iter().try_fold(&v, |v, k| v.get(k));
                let same = match found {
                    Some(Value::String(s)) => s == value,
                    Some(Value::Number(n)) => n.to_string() == *value,
                    Some(Value::Bool(b)) => b.to_string() == *value,
                    _ => false,
                };
                // A `!=` matches only messages that have the field.
                found.is_some() && same == *equal
            }
        }
    }
}

/// FilterLogEvents' streams: all of the group's, those named, or those with the prefix.
fn filter_streams<'g>(
    group: &'g LogGroup,
    p: &FilterLogEventsParams,
) -> Result<Vec<&'g LogStream>, ApiError> {
    match (&p.log_stream_names, &p.log_stream_name_prefix) {
        (Some(_), Some(_)) => Err(invalid(
            "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.",
        )),
        (Some(names), None) => {
            if names.is_empty() || names.len() > limits::MAX_FILTER_STREAMS {
                return Err(invalid(format!(
                    "1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length between 1 and {}",
                    limits::MAX_FILTER_STREAMS
                )));
            }
            for n in names {
                check_name("logStreamNames", n)?;
            }
            Ok(group
                .streams
                .values()
                .filter(|s| names.contains(&s.log_stream_name))
                .collect())
        }
        (None, prefix) => {
            let prefix = prefix.as_deref().unwrap_or("");
            if let Some(pre) = &p.log_stream_name_prefix {
                check_name("logStreamNamePrefix", pre)?;
            }
            Ok(group
                .streams
                .values()
                .filter(|s| s.log_stream_name.starts_with(prefix))
                .collect())
        }
    }
}

fn check_filter_input(p: &FilterLogEventsParams) -> Result<(Pattern, Option<Cut>), ApiError> {
    if let Some(pre) = &p.log_stream_name_prefix {
        check_stream_name("logStreamNamePrefix", pre)?;
    }
    for n in p.log_stream_names.iter().flatten() {
        check_stream_name("logStreamNames", n)?;
    }
    check_time("startTime", p.start_time)?;
    check_time("endTime", p.end_time)?;
    let pattern = p.filter_pattern.as_deref().unwrap_or("");
    validate::length(
        ErrorCode::InvalidParameterException,
        "filterPattern",
        pattern,
        0,
        limits::MAX_FILTER_PATTERN,
    )?;
    let pattern = parse_pattern(pattern)?;
    // AWS pages newest first when asked (2025); slrsim keeps one order, and says so rather than
    // answer oldest first to a caller that asked for the opposite. A token sets the order anyway.
    if p.start_from_head == Some(false) && p.next_token.is_none() {
        return Err(invalid(
            "startFromHead false (newest events first) is not served by slrsim: FilterLogEvents returns the earliest events first.",
        ));
    }
    let cut = match &p.next_token {
        None => None,
        Some(t) => {
            Some(parse_cut(t).ok_or_else(|| invalid("The specified nextToken is invalid."))?)
        }
    };
    Ok((pattern, cut))
}

pub(super) fn filter_log_events(
    cx: &Ctx<'_>,
    p: &FilterLogEventsParams,
) -> Result<Decided, ApiError> {
    let group_name = group_name(
        cx,
        p.log_group_name.as_deref(),
        p.log_group_identifier.as_deref(),
    )?;
    let take = cx.page_take(bounded("limit", p.limit, limits::MAX_EVENTS_PAGE)?);
    let (pattern, cut) = check_filter_input(p)?;
    let resource = catalog::log_group_arn(cx.region(), cx.account_id(), &group_name);
    cx.authorize(
        &Request::new("logs:FilterLogEvents", &resource),
        Protocol::AwsJson,
    )?;
    let group = find_group(cx, &group_name)?;
    let streams = filter_streams(group, p)?;
    // Every delivery of the chosen streams in the window, in the order they were delivered.
    let mut deliveries: Vec<(&str, &Delivery)> = streams
        .iter()
        .flat_map(|s| {
            s.deliveries
                .iter()
                .map(move |d| (s.log_stream_name.as_str(), d))
        })
        .filter(|(_, d)| in_window(d, p.start_time, p.end_time, true))
        .filter(|(_, d)| cut.is_none_or(|c| d.seq >= c.0))
        .collect();
    deliveries.sort_by_key(|(_, d)| d.seq);
    let (page, next) = scan(cx, &deliveries, cut.unwrap_or((0, 0)), &pattern, take);
    if let Some(first) = page
        .first()
        .filter(|_| cx.empty_first_page(p.next_token.as_deref()))
    {
        return Ok(Decided::read(
            json!({"events": [], "searchedLogStreams": [], "nextToken": show_cut(first.at)}),
        ));
    }
    let events: Vec<Value> = page
        .into_iter()
        .map(|r| {
            json!({"logStreamName": r.stream, "timestamp": r.millis, "message": r.message,
                   "ingestionTime": r.millis, "eventId": format!("{:028}{:028}", r.at.0, r.at.1)})
        })
        .collect();
    let mut body = json!({"events": events, "searchedLogStreams": []});
    if let Some(c) = next {
        body["nextToken"] = json!(show_cut(c));
    }
    Ok(Decided::read(body))
}

/// Looks at events from `cut` on, keeping those that match, until `take` are kept, 1 MB of messages
/// is kept, or [`limits::MAX_FILTER_SCAN`] events were looked at; returns them and where to go on
/// from, if anywhere is left.
fn scan<'s>(
    cx: &Ctx<'s>,
    ds: &[(&'s str, &Delivery)],
    cut: Cut,
    pattern: &Pattern,
    take: usize,
) -> (Vec<Read<'s>>, Option<Cut>) {
    let mut out = Vec::new();
    let (mut bytes, mut looked) = (0usize, 0u64);
    for (stream, d) in ds {
        let o = origin(cx, stream);
        // A `{ $.eventType = ... }` that no type of the delivery matches skips it whole.
        if d.event_types
            .iter()
            .all(|t| pattern.by_type(t) == Some(false))
        {
            continue;
        }
        let from = if d.seq == cut.0 { cut.1 } else { 0 };
        let types = d.event_types.len().max(1) as u64;
        for i in from..d.events() {
            let kind = usize::try_from(i % types)
                .ok()
                .and_then(|k| d.event_types.get(k))
                .map_or("", String::as_str);
            looked += 1;
            if out.len() >= take || looked > limits::MAX_FILTER_SCAN {
                return (out, Some((d.seq, i)));
            }
            let keep = match pattern.by_type(kind) {
                Some(k) => k,
                None => pattern.matches(&mediatailor_logs::message(o, d, i)),
            };
            if !keep {
                continue;
            }
            let message = mediatailor_logs::message(o, d, i);
            bytes += message.len();
            if bytes > limits::MAX_EVENTS_PAGE_BYTES {
                return (out, Some((d.seq, i)));
            }
            out.push(Read {
                at: (d.seq, i),
                stream,
                millis: clock::millis(d.at),
                message,
            });
        }
    }
    (out, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_patterns_slrsim_understands_and_those_it_refuses() {
        assert_eq!(parse_pattern("  "), Ok(Pattern::All));
        assert_eq!(
            parse_pattern(r#"FILLED_AVAIL "Filled avail""#),
            Ok(Pattern::Terms(vec![
                "FILLED_AVAIL".into(),
                "Filled avail".into()
            ]))
        );
        let p = parse_pattern(r#"{ $.eventType = "VAST_RESPONSE" }"#).expect("json");
        assert_eq!(p.by_type("VAST_RESPONSE"), Some(true));
        assert_eq!(p.by_type("FILLED_AVAIL"), Some(false));
        let p = parse_pattern("{ $.avail.numAds != 2 }").expect("json");
        assert!(p.matches(r#"{"avail":{"numAds":1}}"#));
        assert!(!p.matches(r#"{"eventType":"X"}"#), "no field, no match");
        let p = parse_pattern(r#"{$.sessionType="HLS"}"#).expect("no spaces");
        assert!(p.matches(r#"{"sessionType":"HLS"}"#));
        for (bad, named) in [
            ("?a ?b", "?term"),
            ("-a", "-term"),
            ("%a+%", "regular expression"),
            ("[ip, user]", "space-delimited"),
            (r#"{ $.a = "x" && $.b = "y" }"#, "&&"),
            ("{ $.n > 3 }", "comparison"),
            (r#"{ $.a = "x*" }"#, "wildcard"),
            ("{ $.a = ", "unclosed"),
        ] {
            let e = parse_pattern(bad).expect_err(bad);
            assert_eq!(e.code, ErrorCode::InvalidParameterException);
            assert!(e.message.contains(named), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn cuts_read_back_as_written() {
        let c = (12, 34);
        assert_eq!(parse_cut(&show_cut(c)), Some(c));
        assert_eq!(parse_cut("x"), None);
    }
}
