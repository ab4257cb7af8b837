//! Simulated time: whole seconds since the Unix epoch, formatted as AWS formats dates. The core never
//! reads a real clock; time moves only through `AdvanceClock` actions.

use chrono::{DateTime, SecondsFormat, Utc};

/// The default start of a new log: 2026-01-01T00:00:00Z.
pub const DEFAULT_START: i64 = 1_767_225_600;

/// Formats seconds since the epoch as ISO-8601 UTC (`2026-01-01T00:00:00Z`).
pub fn format(secs: i64) -> String {
    match DateTime::<Utc>::from_timestamp(secs, 0) {
        Some(t) => t.to_rfc3339_opts(SecondsFormat::Secs, true),
        // Times are limited to MIN_TIME..=MAX_TIME on input, so this arm is never taken for stored
        // values; it keeps formatting total for hand-written logs.
        None => format!("@{secs}"),
    }
}

/// Parses an RFC 3339 time, keeping whole seconds.
pub fn parse(text: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp())
}

/// Milliseconds since the epoch, as CloudWatch Logs reports times.
pub fn millis(secs: i64) -> i64 {
    secs.saturating_mul(1000)
}
