//! Scenario files: JSON Lines, one action a line, with an optional first line `{"seed":N,"start":"RFC3339"}`.
//! Blank lines and lines starting with `#` are skipped. The whole file is checked before anything runs:
//! a malformed line is reported with its number and nothing is appended.

use std::io::{BufRead, Read};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::core::action::{Action, DEFAULT_ACCOUNT, DEFAULT_REGION, Operation, ROOT};
use crate::core::clock;
use crate::core::decide::is_account_id;
use crate::core::limits;
use crate::core::validate::{is_iam_name_char, shown};
use crate::simulator::Genesis;

/// Malformed scenario input: reported with its line number, and nothing is appended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ScenarioError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A parsed scenario.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scenario {
    /// The first line's seed and start, if it had them (missing fields take their defaults).
    pub genesis: Option<Genesis>,
    /// The actions, in order, with the line each came from.
    pub actions: Vec<(usize, Action)>,
}

/// One item of a scenario, as [`Reader`] yields them.
#[expect(
    clippy::large_enum_variant,
    reason = "items are handed on one at a time, never stored in bulk, so the size difference costs nothing"
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// The header line's seed and start (only ever the first item).
    Header(Genesis),
    /// An action and the line it came from.
    Action(usize, Action),
}

/// Reads a scenario one line at a time, so that a file of any length is checked and run in bounded
/// memory. Every line is checked as it is read; the first bad one is an error naming its line.
#[derive(Debug)]
pub struct Reader<R> {
    reader: R,
    line_no: usize,
    buf: Vec<u8>,
    seen_action_or_header: bool,
    actions: usize,
}

impl<R: BufRead> Reader<R> {
    /// A reader over `reader`.
    pub fn new(reader: R) -> Self {
        Reader {
            reader,
            line_no: 0,
            buf: Vec::new(),
            seen_action_or_header: false,
            actions: 0,
        }
    }

    /// Actions read so far.
    pub fn actions_read(&self) -> usize {
        self.actions
    }

    /// The next item, `Ok(None)` at the end.
    pub fn next_item(&mut self) -> Result<Option<Item>, ScenarioError> {
        loop {
            self.buf.clear();
            self.line_no += 1;
            let line_no = self.line_no;
            let err = |message: String| ScenarioError {
                line: line_no,
                message: clip(message),
            };
            // Read at most the limit plus a line ending ("\r\n"), so a line of exactly the limit is
            // taken whether or not it ends with a newline.
            let n = self
                .reader
                .by_ref()
                .take(limits::MAX_LINE_BYTES as u64 + 2)
                .read_until(b'\n', &mut self.buf)
                .map_err(|e| err(format!("cannot read: {e}")))?;
            if n == 0 {
                return Ok(None);
            }
            let buf = &self.buf;
            let content = buf.strip_suffix(b"\n").unwrap_or(buf);
            let content = content.strip_suffix(b"\r").unwrap_or(content);
            if content.len() > limits::MAX_LINE_BYTES
                || (content.len() == buf.len() && n > limits::MAX_LINE_BYTES)
            {
                return Err(err(format!(
                    "the line is longer than {} bytes",
                    limits::MAX_LINE_BYTES
                )));
            }
            let text =
                std::str::from_utf8(buf).map_err(|_| err("the line is not UTF-8".to_string()))?;
            let text = text.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            if let Some(action) = fast_action(text) {
                self.seen_action_or_header = true;
                if self.actions >= limits::MAX_SCENARIO_ACTIONS {
                    return Err(err(format!(
                        "a scenario may hold at most {} actions",
                        limits::MAX_SCENARIO_ACTIONS
                    )));
                }
                self.actions += 1;
                return Ok(Some(Item::Action(line_no, action)));
            }
            let value: Value =
                serde_json::from_str(text).map_err(|e| err(format!("not JSON: {e}")))?;
            let Value::Object(obj) = value else {
                return Err(err("expected a JSON object".to_string()));
            };
            if !self.seen_action_or_header && !obj.contains_key("op") {
                self.seen_action_or_header = true;
                return Ok(Some(Item::Header(parse_header(&obj).map_err(err)?)));
            }
            self.seen_action_or_header = true;
            if self.actions >= limits::MAX_SCENARIO_ACTIONS {
                return Err(err(format!(
                    "a scenario may hold at most {} actions",
                    limits::MAX_SCENARIO_ACTIONS
                )));
            }
            let action = parse_action(obj).map_err(err)?;
            self.actions += 1;
            return Ok(Some(Item::Action(line_no, action)));
        }
    }
}

/// Parses a whole scenario into memory (small scenarios, tests; `run` streams with [`Reader`]).
pub fn parse(reader: impl BufRead) -> Result<Scenario, ScenarioError> {
    let mut sc = Scenario::default();
    let mut r = Reader::new(reader);
    while let Some(item) = r.next_item()? {
        match item {
            Item::Header(g) => sc.genesis = Some(g),
            Item::Action(line, a) => sc.actions.push((line, a)),
        }
    }
    Ok(sc)
}

fn parse_header(obj: &Map<String, Value>) -> Result<Genesis, String> {
    let mut g = Genesis::default();
    for (k, v) in obj {
        match k.as_str() {
            "seed" => {
                g.seed = v
                    .as_u64()
                    .ok_or_else(|| format!("`seed` must be a non-negative integer, got {v}"))?;
            }
            "start" => {
                let s = v
                    .as_str()
                    .ok_or_else(|| format!("`start` must be an RFC 3339 string, got {v}"))?;
                let t = clock::parse(s)
                    .ok_or_else(|| format!("`start` `{}` is not an RFC 3339 time", shown(s)))?;
                if !(limits::MIN_TIME..=limits::MAX_TIME).contains(&t) {
                    return Err(format!(
                        "`start` must be between {} and {}",
                        clock::format(limits::MIN_TIME),
                        clock::format(limits::MAX_TIME)
                    ));
                }
                g.start = t;
            }
            other => {
                return Err(format!(
                    "unknown field `{}` in the header line (expected `seed` and `start`; an action needs `op`)",
                    shown(other)
                ));
            }
        }
    }
    Ok(g)
}

/// An action line as it usually comes: read straight into its parts, without building a generic JSON
/// value first.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FastLine<'a> {
    op: String,
    #[serde(default)]
    account: Given,
    #[serde(default)]
    caller: Given,
    #[serde(default)]
    region: Given,
    #[serde(borrow)]
    params: Option<&'a serde_json::value::RawValue>,
}

/// Longest scenario error message, in characters: a hostile value is quoted in part, never whole.
const MAX_MESSAGE: usize = 1024;

fn clip(message: String) -> String {
    if message.chars().count() <= MAX_MESSAGE {
        message
    } else {
        let head: String = message.chars().take(MAX_MESSAGE).collect();
        format!("{head}... (cut)")
    }
}

/// A string field that may be left out, but, when given, is a string (`null` is not).
#[derive(Default)]
struct Given(Option<String>);

impl<'de> serde::Deserialize<'de> for Given {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Given(Some(s)))
    }
}

/// The common case of [`parse_action`], several times faster: a well-formed action line. Anything it
/// does not accept (a header, a malformed or unusual line) returns `None` and goes the full way,
/// which accepts the same lines to the same actions and words every error.
fn fast_action(text: &str) -> Option<Action> {
    let line: FastLine<'_> = serde_json::from_str(text).ok()?;
    if line.op == "Genesis" {
        return None;
    }
    let account = line
        .account
        .0
        .unwrap_or_else(|| DEFAULT_ACCOUNT.to_string());
    let region = line.region.0.unwrap_or_else(|| DEFAULT_REGION.to_string());
    let caller = line.caller.0.unwrap_or_else(|| ROOT.to_string());
    if !is_account_id(&account)
        || !crate::core::catalog::is_aws_region(&region)
        || !is_caller_name(&caller)
    {
        return None;
    }
    let params = match line.params.map(serde_json::value::RawValue::get) {
        None | Some("null") => "{}",
        Some(p) if p.starts_with('{') => p,
        Some(_) => return None,
    };
    let tagged = format!(
        "{{\"op\":{},\"params\":{params}}}",
        serde_json::to_string(&line.op).ok()?
    );
    let op: Operation = serde_json::from_str(&tagged).ok()?;
    Some(Action {
        account,
        caller,
        region,
        op,
    })
}

/// `root` or an IAM user name: 1 to 64 of letters, digits and `_+=,.@-`.
fn is_caller_name(caller: &str) -> bool {
    !caller.is_empty()
        && caller.chars().count() <= limits::MAX_USER_NAME
        && caller.chars().all(is_iam_name_char)
}

/// Parses one action line's object.
pub fn parse_action(mut obj: Map<String, Value>) -> Result<Action, String> {
    for k in obj.keys() {
        if !matches!(
            k.as_str(),
            "op" | "account" | "caller" | "region" | "params"
        ) {
            return Err(format!(
                "unknown field `{}` (an action has `op`, `account`, `caller`, `region` and `params`)",
                shown(k)
            ));
        }
    }
    let op = match obj.remove("op") {
        Some(Value::String(s)) => s,
        Some(other) => return Err(format!("`op` must be a string, got {other}")),
        None => return Err("missing field `op`".to_string()),
    };
    if op == "Genesis" {
        return Err("`Genesis` is reserved for the log's first record; give the seed and start on the scenario's first line".to_string());
    }
    let string_field =
        |obj: &mut Map<String, Value>, key: &str, default: &str| -> Result<String, String> {
            match obj.remove(key) {
                None => Ok(default.to_string()),
                Some(Value::String(s)) => Ok(s),
                Some(other) => Err(format!("`{key}` must be a string, got {other}")),
            }
        };
    let account = string_field(&mut obj, "account", DEFAULT_ACCOUNT)?;
    if !is_account_id(&account) {
        return Err(format!(
            "`account` `{}` is not a 12-digit AWS account id",
            shown(&account)
        ));
    }
    let region = string_field(&mut obj, "region", DEFAULT_REGION)?;
    if !crate::core::catalog::is_aws_region(&region) {
        return Err(format!(
            "`region` `{}` is not a region of AWS's commercial partition (see README for the 34 regions)",
            shown(&region)
        ));
    }
    let caller = string_field(&mut obj, "caller", ROOT)?;
    if !is_caller_name(&caller) {
        return Err(format!(
            "`caller` `{}` must be `root` or an IAM user name (1 to 64 of letters, digits and _+=,.@-)",
            shown(&caller)
        ));
    }
    let params = match obj.remove("params") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(p @ Value::Object(_)) => p,
        Some(other) => return Err(format!("`params` must be an object, got {other}")),
    };
    let op = Operation::from_parts(&op, params_map(params)).map_err(|(field, msg)| {
        if msg.starts_with("unknown variant") {
            format!(
                "unknown op `{}` (see README for the operations slrsim answers)",
                shown(&op)
            )
        } else {
            match field {
                Some(field) => format!("{} params: `{field}`: {msg}", shown(&op)),
                None => format!("{} params: {msg}", shown(&op)),
            }
        }
    })?;
    Ok(Action {
        account,
        caller,
        region,
        op,
    })
}

fn params_map(params: Value) -> Map<String, Value> {
    match params {
        Value::Object(m) => m,
        // `parse_action` only passes objects.
        _ => Map::new(),
    }
}

/// Parses one scenario line (a JSON object with `op`, `params` and, optionally, `account`, `caller`
/// and `region`) into an action: what an embedding test writes instead of building parameters by
/// hand. The error says what is wrong with the line.
pub fn parse_line(line: &str) -> Result<Action, String> {
    if line.len() > limits::MAX_LINE_BYTES {
        return Err(format!(
            "the line is longer than {} bytes",
            limits::MAX_LINE_BYTES
        ));
    }
    match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(obj)) => parse_action(obj),
        Ok(_) => Err("an action is a JSON object".to_string()),
        Err(e) => Err(format!("not JSON: {e}")),
    }
}

/// Writes an action as a scenario line (the inverse of [`parse_action`]).
pub fn to_line(action: &Action) -> String {
    // Serialising an action cannot fail: it holds only strings, integers and lists.
    serde_json::to_string(action).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_defaults() {
        let text = "{\"seed\":7,\"start\":\"2026-03-01T00:00:00Z\"}\n\n# comment\n{\"op\":\"GetRole\",\"params\":{\"RoleName\":\"x\"}}\n";
        let sc = parse(text.as_bytes()).expect("valid scenario");
        assert_eq!(sc.genesis.map(|g| g.seed), Some(7));
        assert_eq!(sc.actions.len(), 1);
        assert_eq!(sc.actions[0].0, 4);
        assert_eq!(sc.actions[0].1.account, DEFAULT_ACCOUNT);
        assert_eq!(sc.actions[0].1.region, DEFAULT_REGION);
        assert_eq!(sc.actions[0].1.caller, ROOT);
    }

    #[test]
    fn errors_name_the_line_and_field() {
        let bad = "{\"op\":\"GetRole\",\"params\":{\"RoleName\":\"x\"}}\n{\"op\":\"GetRole\",\"params\":{}}\n";
        let e = parse(bad.as_bytes()).expect_err("missing field");
        assert_eq!(e.line, 2);
        assert!(e.message.contains("RoleName"), "{}", e.message);
        let e = parse("{\"op\":\"Nope\"}".as_bytes()).expect_err("unknown op");
        assert!(e.message.contains("unknown op `Nope`"), "{}", e.message);
        let e =
            parse("{\"op\":\"GetRole\",\"params\":{\"RoleName\":\"x\",\"Extra\":1}}".as_bytes())
                .expect_err("unknown field");
        assert!(e.message.contains("Extra"), "{}", e.message);
    }

    /// The slow path's answer for one line: the action, or `None` for any error.
    fn slow(text: &str) -> Option<Action> {
        match serde_json::from_str::<Value>(text).ok()? {
            Value::Object(o) => parse_action(o).ok(),
            _ => None,
        }
    }

    #[test]
    fn the_fast_path_accepts_only_what_the_full_parse_accepts_and_to_the_same_action() {
        let mut lines: Vec<String> = crate::testing::reference::generate(11)
            .take(3000)
            .map(|a| to_line(&a))
            .collect();
        lines.extend(
            [
                r#"{"op":"GetRole","account":null,"params":{"RoleName":"x"}}"#,
                r#"{"op":"GetRole","caller":null,"params":{"RoleName":"x"}}"#,
                r#"{"op":"GetRole","region":null,"params":{"RoleName":"x"}}"#,
                r#"{"op":"GetRole","params":null}"#,
                r#"{"op":"ListRoles","params":null}"#,
                r#"{"op":"ListRoles"}"#,
                r#"{"op":"ListRoles","params":[]}"#,
                r#"{"op":"ListRoles","params":"{}"}"#,
                r#"{"op":"Genesis","params":{"seed":1,"start":0}}"#,
                r#"{"op":"GetRole","params":{"RoleName":"x"},"op":"ListRoles"}"#,
                r#"{"op":"GetRole","params":{"RoleName":"x","RoleName":"y"}}"#,
                r#"{"op":"GetRole","account":"12345678901","params":{"RoleName":"x"}}"#,
                r#"{"op":"GetRole","region":"mars-1","params":{"RoleName":"x"}}"#,
                r#"{"op":"GetRole","caller":"","params":{"RoleName":"x"}}"#,
                r#"{"op":"GetRole","caller":"a b","params":{"RoleName":"x"}}"#,
                r#"{"op":"AdvanceClock","params":{"Seconds":1.0}}"#,
                r#"{"op":"AdvanceClock","params":{"Seconds":18446744073709551615}}"#,
                r#"{"op":"Nope"}"#,
                r#"{"op":7}"#,
                r#"{"seed":1}"#,
            ]
            .map(String::from),
        );
        for line in &lines {
            if let Some(fast) = fast_action(line) {
                assert_eq!(Some(fast), slow(line), "{line}");
            }
        }
        // And the fast path does take the common case.
        let taken = lines.iter().filter(|l| fast_action(l).is_some()).count();
        assert!(taken >= 3000, "only {taken} lines took the fast path");
    }

    #[test]
    fn round_trip() {
        let line = "{\"op\":\"ConfigureLogsForPlaybackConfiguration\",\"account\":\"111122223333\",\"caller\":\"root\",\"region\":\"us-west-2\",\"params\":{\"PlaybackConfigurationName\":\"live\",\"PercentEnabled\":50}}";
        let sc = parse(line.as_bytes()).expect("valid");
        let again = parse(to_line(&sc.actions[0].1).as_bytes()).expect("valid");
        assert_eq!(sc.actions[0].1, again.actions[0].1);
    }
}
