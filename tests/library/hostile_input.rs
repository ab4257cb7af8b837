//! Hostile input: nothing that comes from outside — scenario bytes, action parameters, the
//! command line's input — may make slrsim panic, damage its log, or change state it refused to change.
//!
//! - The scenario parser, over random bytes and over valid lines (from `slrsim::testing::reference::generate`)
//!   mutated byte by byte and value by value: it never panics, and an error names a real line and says
//!   something. Lines it accepts round-trip through `scenario::to_line`.
//! - Every operation of `slrsim::core::action` with hostile parameters (empty, at the limit, one over, control
//!   characters, unicode, huge numbers, random policy documents, wrong JSON types), on a real sled
//!   database in a temp directory: an action is either accepted and breaks no limit, or refused with an
//!   AWS-shaped error that names the bad field; a refusal changes nothing and is recorded; the log
//!   verifies at the end.
//! - `slrsim run` (a file and standard input) with a malformed Nth line: exit 2, the line named,
//!   nothing appended.
//! - The limits of `slrsim::core::limits` (and the few fixed in the handlers) that no other test file checks
//!   at both ends: exactly at the limit is accepted where AWS accepts it, one over is refused naming
//!   the field.
//! - `record::decode` over damaged stored values.
//! - `slrsim serve`'s request handling (`server::protocol`) over hostile HTTP requests: any method,
//!   path, headers and body, with or without a proven identity, becomes exactly one action that is
//!   recorded, and a refusal's record stays within its limits.
//!
//! Failures persist in `proptest-regressions/hostile_input.txt` (replayed first on every run);
//! `PROPTEST_CASES=N` runs more cases. The long fuzzing runs are in `fuzz/` (see fuzz/README.md).
// Test code: a failed unwrap or expect is a failed test, which is what a test should do.

use crate::support;

use std::path::Path;
use std::sync::OnceLock;

use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::strategy::Union;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};
use slrsim::core::action::*;
use slrsim::core::catalog;
use slrsim::core::limits;
use slrsim::core::outcome::Outcome;
use slrsim::log::record::{self, HASH_LEN};
use slrsim::log::replay;
use slrsim::simulator::scenario;
use slrsim::{Action, ApiError, ErrorCode, Operation, ScenarioError, Simulator, StoreError};

use support::run::{Out, command, exec};
use support::{SLR, TestSim};

// ---------------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------------

/// Where every property of this file records its failures (relative to the package root, where cargo
/// runs integration tests).
const REGRESSIONS: &str = "proptest-regressions/hostile_input.txt";

/// A property's configuration: `cases` unless `PROPTEST_CASES` says otherwise.
fn config(cases: u32) -> Config {
    support::proptest_config(cases, REGRESSIONS)
}

/// The longest error message slrsim's API errors may carry: values are cut by `validate::shown`, so a
/// message never grows with its input.
const MAX_MESSAGE_CHARS: usize = 4096;

/// The start of a long text, for assertion messages.
fn short(s: &str) -> String {
    let head: String = s.chars().take(160).collect();
    if head.len() < s.len() {
        format!("{head}... ({} bytes)", s.len())
    } else {
        head
    }
}

fn short_bytes(b: &[u8]) -> String {
    short(&String::from_utf8_lossy(b))
}

const EC2_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const BOB_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["mediatailor:*","logs:Describe*","iam:Get*","iam:List*"],"Resource":"*"}]}"#;
const ADMIN_ARN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// A scenario line for `op` with `params`, by root of the default account in us-east-1.
fn line(op: &str, params: Value) -> String {
    json!({"op": op, "params": params}).to_string()
}

/// `doc` padded with trailing white space to exactly `n` characters (white space does not count
/// towards IAM's inline-policy quotas, only towards the API's document length).
fn padded(doc: &str, n: usize) -> String {
    assert!(doc.len() <= n);
    format!("{doc}{}", " ".repeat(n - doc.len()))
}

// ---------------------------------------------------------------------------------------------------
// The parser: random bytes and mutated valid lines
// ---------------------------------------------------------------------------------------------------

fn physical_lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count() + 1
}

/// Parses `bytes` and checks what every answer must satisfy: an error names a line of the input and
/// says something; accepted actions come with increasing line numbers and round-trip through
/// `to_line`.
fn parse_checked(bytes: &[u8]) -> Result<Result<scenario::Scenario, ScenarioError>, TestCaseError> {
    let lines = physical_lines(bytes);
    let parsed = scenario::parse(bytes);
    match &parsed {
        Err(e) => {
            prop_assert!(
                e.line >= 1 && e.line <= lines,
                "the error names line {} of an input of {} lines: {}",
                e.line,
                lines,
                short(&e.message)
            );
            prop_assert!(
                !e.message.trim().is_empty(),
                "empty message for line {}",
                e.line
            );
        }
        Ok(sc) => {
            let mut last = 0;
            for (n, a) in &sc.actions {
                prop_assert!(
                    *n > last && *n <= lines,
                    "action line {n} after {last} of {lines}"
                );
                last = *n;
                let text = scenario::to_line(a);
                let again = scenario::parse(text.as_bytes());
                prop_assert!(
                    matches!(&again, Ok(s) if s.actions.len() == 1 && s.actions[0].1 == *a),
                    "the action of line {n} does not round-trip through to_line: {} -> {:?}",
                    short(&text),
                    again.map(|s| s.actions.len())
                );
            }
        }
    }
    Ok(parsed)
}

/// Valid scenario lines from the property tests' generator.
fn valid_lines() -> &'static [(String, Action)] {
    static LINES: OnceLock<Vec<(String, Action)>> = OnceLock::new();
    LINES.get_or_init(|| {
        (0..4)
            .flat_map(|seed| slrsim::testing::reference::generate(seed).take(100))
            .map(|a| (scenario::to_line(&a), a))
            .collect()
    })
}

/// Text to splice into a line: huge numbers, deep nesting, NUL and control characters, invalid UTF-8,
/// JSON escapes of non-characters, very long strings, unusual unicode.
fn splice() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        select(vec![
            "18446744073709551616",
            "-9223372036854775809",
            "9223372036854775808",
            "1e999999",
            "-1e400",
            "123456789012345678901234567890",
            "-0",
            "0.5",
            "1E2",
            "NaN",
            "Infinity",
            "0x10",
            "00",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        (1usize..3000, any::<bool>()).prop_map(|(n, close)| {
            let mut v = "[".repeat(n);
            if close {
                v.push_str(&"]".repeat(n));
            }
            v.into_bytes()
        }),
        (1usize..500).prop_map(|n| "{\"a\":".repeat(n).into_bytes()),
        prop::collection::vec(0u8..0x20, 1..8),
        select(vec![
            vec![0xff],
            vec![0xc3, 0x28],
            vec![0xed, 0xa0, 0x80],
            vec![0xf4, 0x90, 0x80, 0x80],
            vec![0xe2, 0x82],
            vec![0xc0, 0xaf],
            vec![0xfe, 0xfe, 0xff, 0xff],
            vec![0x7f],
        ]),
        select(vec![
            "\\ud800",
            "\\udfff\\ud800",
            "\\u0000",
            "\\u",
            "\\x41",
            "\\"
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        (1usize..20_000).prop_map(|n| "x".repeat(n).into_bytes()),
        select(vec![
            "\u{feff}",
            "\u{202e}",
            "\u{2028}",
            "🦀",
            "é",
            "\u{10ffff}",
            "\"",
            "\\\""
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
    ]
    .boxed()
}

const CONTROL: &[&str] = &[
    "\0",
    "\u{7}",
    "\t",
    "\n",
    "\r",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{85}",
    "\u{2028}",
    "\u{202e}",
    "\u{feff}",
    "\u{ad}",
];
const ODD: &[&str] = &[
    "$last",
    " ",
    "a b",
    "*",
    "?",
    "/",
    "//",
    "..",
    "root",
    "ROOT",
    "%00",
    "arn:aws:iam::aws:policy/*",
    "🦀",
    "ß",
    "İ",
    "e\u{301}",
    "null",
    "{}",
    "\"",
    "'",
    "\\",
];

/// A short hostile string.
fn hostile_text() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-zA-Z0-9_+=,.@-]{1,24}",
        prop::collection::vec(any::<char>(), 0..24).prop_map(String::from_iter),
        (select(CONTROL), "[a-z]{0,4}", "[a-z]{0,4}").prop_map(|(c, a, b)| format!("{a}{c}{b}")),
        select(ODD).prop_map(String::from),
        (1usize..20_000).prop_map(|n| "z".repeat(n)),
    ]
    .boxed()
}

/// Keys for hostile JSON objects: the names slrsim reads, and others.
fn json_key() -> BoxedStrategy<String> {
    prop_oneof![
        3 => select(vec![
            "op", "params", "account", "caller", "region", "seed", "start", "RoleName", "UserName",
            "PolicyName", "PolicyDocument", "Name", "Tags", "Key", "Value", "Seconds", "Sessions",
            "PercentEnabled", "Effect", "Action", "NotAction", "Resource", "NotResource",
            "Principal", "Condition", "Statement", "Version", "Service", "StringEquals",
            "iam:AWSServiceName", "", "v",
        ])
        .prop_map(String::from),
        1 => hostile_text(),
    ]
    .boxed()
}

/// Any JSON value, with hostile leaves: extreme numbers, hostile strings, nesting.
fn hostile_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        select(vec![
            1e308,
            -1e308,
            0.5,
            -0.0,
            f64::MIN_POSITIVE,
            1e19,
            3600.0
        ])
        .prop_map(Value::from),
        hostile_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((json_key(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
    .boxed()
}

/// One change to a line.
#[derive(Debug, Clone)]
enum Mutation {
    /// XOR one byte with a non-zero mask.
    Flip(Index, u8),
    Insert(Index, u8),
    Delete(Index),
    Truncate(Index),
    Splice(Index, Vec<u8>),
    /// Replace one JSON value of the line (any depth, the whole line included).
    Replace(Index, Value),
    /// Add a field to one JSON object of the line.
    AddField(Index, String, Value),
    /// Remove one field of one JSON object of the line.
    RemoveField(Index),
    /// Pad the line with trailing spaces to `MAX_LINE_BYTES` + the given delta.
    Pad(i8),
}

fn mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        3 => (any::<Index>(), 1u8..=255).prop_map(|(i, m)| Mutation::Flip(i, m)),
        2 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        2 => any::<Index>().prop_map(Mutation::Delete),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        3 => (any::<Index>(), splice()).prop_map(|(i, s)| Mutation::Splice(i, s)),
        4 => (any::<Index>(), hostile_json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        2 => (any::<Index>(), json_key(), hostile_json())
            .prop_map(|(i, k, v)| Mutation::AddField(i, k, v)),
        2 => any::<Index>().prop_map(Mutation::RemoveField),
        1 => (-1i8..=1).prop_map(Mutation::Pad),
    ]
    .boxed()
}

/// The JSON pointer token for `key`.
fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every value of `v` by JSON pointer (the root is "").
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, format!("{at}/{i}"), out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                pointers(x, format!("{at}/{}", pointer_token(k)), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// Applies `edit` to the line as JSON; a line that is not JSON (an earlier byte mutation) is kept.
fn json_edit(bytes: &[u8], edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut v) => {
            edit(&mut v);
            v.to_string().into_bytes()
        }
        Err(_) => bytes.to_vec(),
    }
}

fn mutate(line: &[u8], m: &Mutation) -> Vec<u8> {
    let mut v = line.to_vec();
    match m {
        Mutation::Flip(i, mask) => {
            if !v.is_empty() {
                let k = i.index(v.len());
                v[k] ^= *mask;
            }
        }
        Mutation::Insert(i, b) => {
            let k = i.index(v.len() + 1);
            v.insert(k, *b);
        }
        Mutation::Delete(i) => {
            if !v.is_empty() {
                v.remove(i.index(v.len()));
            }
        }
        Mutation::Truncate(i) => v.truncate(i.index(v.len() + 1)),
        Mutation::Splice(i, text) => {
            let k = i.index(v.len() + 1);
            v.splice(k..k, text.iter().copied());
        }
        Mutation::Replace(i, with) => {
            v = json_edit(&v, |root| {
                let mut all = Vec::new();
                pointers(root, String::new(), &mut all);
                let p = &all[i.index(all.len())];
                if let Some(slot) = root.pointer_mut(p) {
                    *slot = with.clone();
                }
            });
        }
        Mutation::AddField(i, key, value) => {
            v = json_edit(&v, |root| {
                let mut all = Vec::new();
                pointers(root, String::new(), &mut all);
                let objects: Vec<&String> = all
                    .iter()
                    .filter(|p| root.pointer(p).is_some_and(Value::is_object))
                    .collect();
                if objects.is_empty() {
                    return;
                }
                let p = objects[i.index(objects.len())].clone();
                if let Some(Value::Object(m)) = root.pointer_mut(&p) {
                    m.insert(key.clone(), value.clone());
                }
            });
        }
        Mutation::RemoveField(i) => {
            v = json_edit(&v, |root| {
                let mut all = Vec::new();
                pointers(root, String::new(), &mut all);
                // Pointers of object members: everything but the root and array elements.
                let members: Vec<String> = all
                    .into_iter()
                    .filter(|p| {
                        let Some((parent, _)) = p.rsplit_once('/') else {
                            return false;
                        };
                        root.pointer(parent).is_some_and(Value::is_object)
                    })
                    .collect();
                if members.is_empty() {
                    return;
                }
                let p = &members[i.index(members.len())];
                let (parent, key) = p.rsplit_once('/').expect("a member pointer");
                let key = key.replace("~1", "/").replace("~0", "~");
                if let Some(Value::Object(m)) = root.pointer_mut(parent) {
                    m.remove(&key);
                }
            });
        }
        Mutation::Pad(delta) => {
            let target = (limits::MAX_LINE_BYTES as i64 + i64::from(*delta)) as usize;
            if v.len() < target {
                v.resize(target, b' ');
            }
        }
    }
    v
}

proptest! {
    #![proptest_config(config(256))]

    /// Random bytes, and random bytes drawn from JSON's alphabet: the parser never panics, and an
    /// error names a line of the input and says something.
    #[test]
    fn random_bytes_never_panic_the_parser(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..2048),
            prop::collection::vec(
                select(b"{}[]\":,0123456789-+.eE tfalsenull\\u#\n\r\t\0\xffopparamsRoleName".to_vec()),
                0..512,
            ),
        ]
    ) {
        let _ = parse_checked(&bytes)?;
    }

    /// Action-shaped objects with a real operation name and hostile parameters (wrong types, unknown
    /// fields, huge numbers, nesting): an action, or an error naming line 1.
    #[test]
    fn hostile_json_actions_never_panic_the_parser(
        op in select(OP_NAMES.to_vec()),
        params in prop_oneof![
            hostile_json(),
            prop::collection::vec((select(PARAM_NAMES.to_vec()), hostile_json()), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ],
        extra in option::weighted(0.3, (json_key(), hostile_json())),
    ) {
        let mut obj = Map::new();
        obj.insert("op".into(), json!(op));
        obj.insert("params".into(), params);
        if let Some((k, v)) = extra {
            obj.insert(k, v);
        }
        let text = Value::Object(obj).to_string();
        if let Err(e) = parse_checked(text.as_bytes())? {
            prop_assert_eq!(e.line, 1);
        }
    }

    /// Valid scenarios with some lines mutated (bytes flipped, inserted, deleted, truncated; huge
    /// numbers, deep nesting, control characters, invalid UTF-8 and long strings spliced in; JSON values
    /// replaced by values of another type; fields added and removed; lines padded to the line limit):
    /// the parser never panics; an error names one of the mutated lines; otherwise every untouched
    /// line gives back its action at its line number.
    #[test]
    fn mutated_valid_lines_never_panic_the_parser(
        picks in prop::collection::vec(any::<Index>(), 1..8),
        edits in prop::collection::vec((any::<Index>(), prop::collection::vec(mutation(), 1..4)), 1..3),
        crlf in any::<bool>(),
        trailing_newline in any::<bool>(),
    ) {
        let pool = valid_lines();
        let originals: Vec<&(String, Action)> = picks.iter().map(|i| &pool[i.index(pool.len())]).collect();
        let mut lines: Vec<Vec<u8>> = originals.iter().map(|(l, _)| l.clone().into_bytes()).collect();
        let mut mutated = vec![false; lines.len()];
        for (at, muts) in &edits {
            let k = at.index(lines.len());
            for m in muts {
                lines[k] = mutate(&lines[k], m);
            }
            mutated[k] = true;
        }
        let sep: &[u8] = if crlf { b"\r\n" } else { b"\n" };
        let mut text = Vec::new();
        // The physical lines each logical line takes (a mutation may have put a newline in it).
        let mut ranges = Vec::new();
        let mut physical = 1;
        for (i, l) in lines.iter().enumerate() {
            let inner = l.iter().filter(|&&b| b == b'\n').count();
            ranges.push((physical, physical + inner));
            physical += inner + 1;
            text.extend_from_slice(l);
            if i + 1 < lines.len() || trailing_newline {
                text.extend_from_slice(sep);
            }
        }
        // Every physical line longer than the limit must be refused (it or a line before it).
        let first_too_long = text
            .split(|&b| b == b'\n')
            .position(|l| l.strip_suffix(b"\r").unwrap_or(l).len() > limits::MAX_LINE_BYTES)
            .map(|p| p + 1);
        match parse_checked(&text)? {
            Err(e) => {
                prop_assert!(
                    ranges.iter().zip(&mutated).any(|(&(a, b), &m)| m && (a..=b).contains(&e.line)),
                    "the error names line {}, which no mutation touched: {}",
                    e.line,
                    short(&e.message)
                );
                if e.message.contains("longer than") {
                    prop_assert!(
                        first_too_long.is_some_and(|n| n == e.line),
                        "line {} was called too long; the first too long is {:?}",
                        e.line,
                        first_too_long
                    );
                }
                if let Some(n) = first_too_long {
                    prop_assert!(e.line <= n, "line {} is too long but the error names {}", n, e.line);
                }
            }
            Ok(sc) => {
                prop_assert!(first_too_long.is_none(), "line {:?} is too long, yet accepted", first_too_long);
                for (i, (_, original)) in originals.iter().enumerate() {
                    if mutated[i] {
                        continue;
                    }
                    let at = ranges[i].0;
                    let got = sc.actions.iter().find(|(n, _)| *n == at);
                    prop_assert!(
                        got.is_some_and(|(_, a)| a == original),
                        "untouched line {} did not give back its action: {:?}",
                        at,
                        got.map(|(_, a)| a.op.name())
                    );
                }
            }
        }
    }
}

/// `SetFaults` with members out of range, or in range. Internal errors it accepts are never drawn:
/// a faulted call is refused before its input is checked, so the other operations' checks must not
/// meet one.
fn set_faults() -> impl Strategy<Value = Operation> {
    let fault = |op: &str, count: i64| InternalErrorFault {
        operation: op.to_string(),
        count,
    };
    let seventeen: Vec<InternalErrorFault> = slrsim::core::operation::OperationKind::ALL
        .iter()
        .filter(|k| !k.spec().is_simulation())
        .take(limits::MAX_FAULT_OPERATIONS + 1)
        .map(|k| fault(k.spec().name, 1))
        .collect();
    let errors = prop_oneof![
        Just(Vec::new()),
        Just(vec![fault("Nope", 1)]),
        Just(vec![fault("AdvanceClock", 1)]),
        Just(vec![fault("GetRole", 0)]),
        Just(vec![fault("GetRole", limits::MAX_FAULT_COUNT + 1)]),
        Just(vec![fault("GetRole", -1), fault("ListRoles", 1)]),
        Just(vec![
            fault("GetRole", 1),
            fault("GetRole", 1),
            fault("x", 0)
        ]),
        Just(seventeen),
    ];
    (
        errors,
        option::of(prop_oneof![Just(-1i64), Just(0), Just(100), Just(101)]),
        option::of(prop_oneof![Just(29i64), Just(30), Just(3600), Just(3601)]),
        option::of(prop_oneof![Just(0i64), Just(1), Just(100), Just(101)]),
        option::of(any::<bool>()),
    )
        .prop_map(|(internal_errors, failures, seconds, page_size, empty)| {
            Operation::SetFaults(SetFaultsParams {
                internal_errors,
                deletion_task_failures: failures,
                deletion_task_seconds: seconds,
                page_size,
                empty_first_pages: empty,
            })
        })
}

/// Every operation name a scenario may give (and the reserved one).
const OP_NAMES: &[&str] = &[
    "Genesis",
    "AdvanceClock",
    "ServeSessions",
    "SetAccountHistory",
    "SetConsistency",
    "SetThrottling",
    "SetViewers",
    "SetFaults",
    "RefusedRequest",
    "GetCallerIdentity",
    "CreateServiceLinkedRole",
    "DeleteServiceLinkedRole",
    "GetServiceLinkedRoleDeletionStatus",
    "GetRole",
    "ListRoles",
    "UpdateRoleDescription",
    "UpdateRole",
    "TagRole",
    "CreateRole",
    "DeleteRole",
    "UpdateAssumeRolePolicy",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "PutRolePolicy",
    "DeleteRolePolicy",
    "PutRolePermissionsBoundary",
    "ListAttachedRolePolicies",
    "ListRoleTags",
    "UntagRole",
    "ListRolePolicies",
    "GetRolePolicy",
    "ListInstanceProfilesForRole",
    "GetPolicy",
    "GetPolicyVersion",
    "ListPolicyVersions",
    "ListEntitiesForPolicy",
    "CreateUser",
    "CreateAccessKey",
    "PutUserPolicy",
    "DeleteUserPolicy",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "PutPlaybackConfiguration",
    "GetPlaybackConfiguration",
    "ListPlaybackConfigurations",
    "DeletePlaybackConfiguration",
    "ConfigureLogsForPlaybackConfiguration",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
    "DescribeLogGroups",
    "DescribeLogStreams",
    "GetLogEvents",
    "FilterLogEvents",
];

/// Every parameter name of every operation.
const PARAM_NAMES: &[&str] = &[
    "Seconds",
    "Service",
    "Code",
    "Message",
    "AccessKeyId",
    "PlaybackConfigurationName",
    "Sessions",
    "UsedMediaTailorBeforeSlrSupport",
    "AWSServiceName",
    "Description",
    "CustomSuffix",
    "RoleName",
    "DeletionTaskId",
    "PathPrefix",
    "Marker",
    "MaxItems",
    "MaxSessionDuration",
    "Tags",
    "AssumeRolePolicyDocument",
    "Path",
    "PolicyDocument",
    "PolicyArn",
    "PolicyName",
    "PermissionsBoundary",
    "UserName",
    "Name",
    "VideoContentSourceUrl",
    "AdDecisionServerUrl",
    "SlateAdUrl",
    "MaxResults",
    "NextToken",
    "PercentEnabled",
    "EnabledLoggingStrategies",
    "AdsInteractionLog",
    "ManifestServiceInteractionLog",
    "ResourceArn",
    "TagKeys",
    "AvailSuppression",
    "DashConfiguration",
    "InsertionMode",
    "PersonalizationThresholdSeconds",
    "logGroupNamePrefix",
    "limit",
    "nextToken",
    "logGroupName",
    "logStreamNamePrefix",
    "logStreamName",
    "filterPattern",
    "startTime",
    "orderBy",
    "LogMode",
    "Seed",
    "Start",
    "TagKeys",
    "VersionId",
    "EntityFilter",
    "PolicyUsageFilter",
];

// ---------------------------------------------------------------------------------------------------
// Every operation with hostile parameters, on a real sled database
// ---------------------------------------------------------------------------------------------------

const ROLES: &[&str] = &["app", SLR, "APP", "other-role"];
const USERS: &[&str] = &["alice", "bob", "carol", "ALICE"];
const POLICY_NAMES: &[&str] = &["inline", "p"];
const PLAYBACK: &[&str] = &["live", "other"];
const SERVICES: &[&str] = &[
    "mediatailor.amazonaws.com",
    "ec2.amazonaws.com",
    "ecs.amazonaws.com",
    "autoscaling.amazonaws.com",
];
const POLICY_ARNS: &[&str] = &[
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
    "arn:aws:iam::aws:policy/AWSElementalMediaTailorFullAccess",
    "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess",
    catalog::SLR_POLICY_ARN,
    "arn:aws:iam::aws:policy/NoSuchPolicy",
];
const URLS: &[&str] = &["https://origin.example.com", "http://ads.example.com/x?y=1"];
const GROUPS: &[&str] = &[catalog::LOG_GROUP_ADS, catalog::LOG_GROUP_MANIFEST];

/// A string for a field limited to `limit` characters: empty, exactly at the limit, one over (in ASCII
/// and in two-byte characters), hostile, or one of the `valid` names that the setup made exist.
fn field(limit: usize, valid: &'static [&'static str]) -> BoxedStrategy<String> {
    let hostile = prop_oneof![
        1 => Just(String::new()),
        1 => Just("a".repeat(limit)),
        1 => Just("a".repeat(limit + 1)),
        1 => Just("é".repeat(limit)),
        1 => Just("é".repeat(limit + 1)),
        3 => hostile_text(),
    ];
    if valid.is_empty() {
        hostile.boxed()
    } else {
        prop_oneof![2 => hostile, 3 => select(valid).prop_map(String::from)].boxed()
    }
}

/// An integer for a field valid in `lo..=hi`: inside, at both ends, one past each, the extremes.
/// `MaxSigninSessionDuration`: in and around 3600..=7776000.
fn signin_session() -> BoxedStrategy<i64> {
    int(3600, 7_776_000)
}

/// A policy path prefix: the model's shapes, and near misses.
fn policy_path_prefix() -> BoxedStrategy<String> {
    select(vec![
        "/".to_string(),
        "/aws-service-role/".to_string(),
        "/service-role/".to_string(),
        "/a/b/".to_string(),
        "".to_string(),
        "aws-service-role/".to_string(),
        "/a".to_string(),
        "//".to_string(),
        "/a b/".to_string(),
        "/".repeat(513),
    ])
    .boxed()
}

fn int(lo: i64, hi: i64) -> BoxedStrategy<i64> {
    prop_oneof![
        3 => lo..=hi,
        2 => select(vec![lo, hi, lo.saturating_sub(1), hi.saturating_add(1)]),
        1 => select(vec![i64::MIN, i64::MAX, -1, 0, 1]),
        1 => any::<i64>(),
    ]
    .boxed()
}

const ACTIONS: &[&str] = &[
    "*",
    "iam:*",
    "mediatailor:*",
    "logs:*",
    "iam:CreateServiceLinkedRole",
    "iam:Get*",
    "iam:?etRole",
    "sts:AssumeRole",
    "s3:GetObject",
    "bogus",
    "",
    "iam:",
    ":",
    "*:*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:iam::*:role/*",
    "arn:aws:iam::111122223333:role/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor",
    "arn:aws:mediatailor:*:*:playbackConfiguration/*",
    "arn:aws:logs:*:*:log-group:MediaTailor/*",
    "arn:*",
    "arn:aws:iam::111122223333:user/${aws:username}",
    "not-an-arn",
    "",
    "arn:aws:iam::1:role/???",
];

/// A policy document made of random statements: real and hostile effects, actions, resources,
/// principals and conditions (it reaches the policy validator and, once stored, the evaluator).
fn random_policy() -> BoxedStrategy<Value> {
    let strings = |list: &'static [&'static str]| {
        prop_oneof![
            3 => select(list).prop_map(|s| json!(s)),
            2 => prop::collection::vec(select(list), 0..3).prop_map(|v| json!(v)),
            1 => hostile_json(),
        ]
        .boxed()
    };
    let effect = prop_oneof![
        4 => select(vec!["Allow", "Deny"]).prop_map(|s| json!(s)),
        1 => hostile_json()
    ];
    let principal = prop_oneof![
        Just(json!({"Service": "mediatailor.amazonaws.com"})),
        Just(json!({"Service": ["ec2.amazonaws.com"]})),
        Just(json!("*")),
        Just(json!({"AWS": "arn:aws:iam::111122223333:root"})),
        hostile_json(),
    ];
    let condition = prop_oneof![
        Just(json!({"StringEquals": {"iam:AWSServiceName": "mediatailor.amazonaws.com"}})),
        Just(json!({"StringLike": {"iam:AWSServiceName": "media*"}})),
        Just(json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "x"}})),
        Just(json!({"Bogus": {"a": "b"}})),
        hostile_json(),
    ];
    let statement = (
        option::weighted(0.9, effect),
        option::weighted(0.8, strings(ACTIONS)),
        option::weighted(0.2, strings(ACTIONS)),
        option::weighted(0.8, strings(RESOURCES)),
        option::weighted(0.2, strings(RESOURCES)),
        option::weighted(0.3, principal),
        option::weighted(0.3, condition),
        option::weighted(0.1, (json_key(), hostile_json())),
    )
        .prop_map(|(e, a, na, r, nr, p, c, extra)| {
            let mut m = Map::new();
            for (k, v) in [
                ("Effect", e),
                ("Action", a),
                ("NotAction", na),
                ("Resource", r),
                ("NotResource", nr),
                ("Principal", p),
                ("Condition", c),
            ] {
                if let Some(v) = v {
                    m.insert(k.to_string(), v);
                }
            }
            if let Some((k, v)) = extra {
                m.insert(k, v);
            }
            Value::Object(m)
        });
    (
        option::weighted(
            0.8,
            select(vec!["2012-10-17", "2008-10-17", "2099-01-01", ""]),
        ),
        prop_oneof![
            statement.clone(),
            prop::collection::vec(statement, 0..4).prop_map(Value::Array),
        ],
        option::weighted(0.1, (json_key(), hostile_json())),
    )
        .prop_map(|(version, st, extra)| {
            let mut m = Map::new();
            if let Some(v) = version {
                m.insert("Version".into(), json!(v));
            }
            m.insert("Statement".into(), st);
            if let Some((k, v)) = extra {
                m.insert(k, v);
            }
            Value::Object(m)
        })
        .boxed()
}

/// A policy document: valid ones, exactly at the API's length limit and one over, broken JSON, deep
/// nesting, random statements, hostile text.
fn document(trust: bool) -> BoxedStrategy<String> {
    let valid = if trust {
        vec![EC2_TRUST, catalog::SLR_TRUST_POLICY]
    } else {
        vec![ALLOW_ALL, BOB_POLICY, catalog::SLR_POLICY_DOCUMENT]
    };
    let base = valid[0];
    prop_oneof![
        3 => select(valid).prop_map(String::from),
        1 => Just(padded(base, limits::MAX_POLICY_DOCUMENT)),
        1 => Just(padded(base, limits::MAX_POLICY_DOCUMENT + 1)),
        1 => select(vec!["", "{", "null", "[]", "{}", "{\"Statement\":[]}", "{\"Statement\":{}}"])
            .prop_map(String::from),
        1 => (1usize..2000).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n))),
        4 => random_policy().prop_map(|v| v.to_string()),
        1 => hostile_text(),
    ]
    .boxed()
}

/// `n` distinct valid event types (upper-case letters and '_').
fn event_types(n: usize) -> Vec<String> {
    (0..n)
        .map(|mut i| {
            let mut s = String::from("TYPE_");
            loop {
                s.push(char::from(b'A' + (i % 26) as u8));
                i /= 26;
                if i == 0 {
                    break s;
                }
            }
        })
        .collect()
}

fn event_type_list() -> BoxedStrategy<Vec<String>> {
    prop_oneof![
        4 => prop::collection::vec(
            prop_oneof![
                select(vec!["AD_MARKER_FOUND", "BEACON_FIRED", "ERROR_UNKNOWN"]).prop_map(String::from),
                field(64, &[]),
            ],
            0..4,
        ),
        1 => (limits::MAX_EVENT_TYPES..=limits::MAX_EVENT_TYPES + 1).prop_map(event_types),
    ]
    .boxed()
}

fn interaction_log() -> BoxedStrategy<InteractionLog> {
    (option::of(event_type_list()), option::of(event_type_list()))
        .prop_map(|(p, e)| InteractionLog {
            publish_opt_in_event_types: p,
            exclude_event_types: e,
        })
        .boxed()
}

fn tags() -> BoxedStrategy<Vec<Tag>> {
    let tag = (
        field(limits::MAX_TAG_KEY, &["team", "cost-center"]),
        field(limits::MAX_TAG_VALUE, &["", "v", "a b"]),
    )
        .prop_map(|(key, value)| Tag { key, value });
    prop_oneof![
        4 => prop::collection::vec(tag, 0..4),
        1 => (limits::MAX_TAGS..=limits::MAX_TAGS + 1).prop_map(|n| {
            (0..n)
                .map(|i| Tag { key: format!("k{i}"), value: "v".into() })
                .collect()
        }),
    ]
    .boxed()
}

/// A playback configuration's ARN in the default account and region, another's, or hostile text.
fn playback_arn() -> BoxedStrategy<String> {
    prop_oneof![
        3 => select(PLAYBACK.to_vec()).prop_map(|n| format!(
            "arn:aws:mediatailor:us-east-1:{}:playbackConfiguration/{n}",
            DEFAULT_ACCOUNT
        )),
        1 => Just("arn:aws:mediatailor:us-east-1:999999999999:playbackConfiguration/live".to_string()),
        1 => field(limits::MAX_URL, &[]),
    ]
    .boxed()
}

/// PutPlaybackConfiguration's settings beyond the URLs and tags: mostly valid, some members outside
/// the model's enums and ranges or slrsim's limits.
fn playback_settings() -> BoxedStrategy<slrsim::core::event::PlaybackSettings> {
    use slrsim::core::event::payload as p;
    let word = |valid: &'static [&'static str]| prop_oneof![3 => select(valid).prop_map(String::from), 1 => field(64, &[])];
    (
        option::of((
            option::of(word(&["OFF", "BEHIND_LIVE_EDGE", "AFTER_LIVE_EDGE"])),
            option::of(word(&["00:00:00", "00:45:00", "1:2:3", "00:60:00"])),
            option::of(word(&["FULL_AVAIL_ONLY", "PARTIAL_AVAIL"])),
        )),
        option::of((
            option::of(word(&["DISABLED", "EMT_DEFAULT"])),
            option::of(word(&["SINGLE_PERIOD", "MULTI_PERIOD"])),
        )),
        option::of(word(&["STITCHED_ONLY", "PLAYER_SELECT"])),
        option::of(int(1, i64::from(i32::MAX))),
        option::of(field(limits::MAX_SETTING_TEXT, &["profile"])),
        option::of((
            option::of(int(0, i64::from(i32::MAX))),
            option::of(any::<bool>()),
        )),
        option::of(word(&["TRANSCODE", "NONE"])),
        option::of(field(limits::MAX_URL, URLS)),
        option::of((
            option::of(word(&["GET", "POST"])),
            option::of(word(&["NONE", "GZIP"])),
        )),
        option::of(word(&["PRE_ADS_REQUEST", "PRE_SESSION_INITIALIZATION"])),
        newer_settings(),
    )
        .prop_map(
            |(
                avail,
                dash,
                mode,
                threshold,
                profile,
                more,
                conditioning,
                bumper,
                http,
                hook,
                newer,
            )| {
                let (pre_roll, passthrough) = more.unzip();
                p::PlaybackSettings {
                    yield_optimization_configuration: newer.yield_optimization_configuration,
                    ads_personalization_timeouts: newer.ads_personalization_timeouts,
                    ads_personalization_concurrency: newer.ads_personalization_concurrency,
                    beaconing_configuration: newer.beaconing_configuration,
                    bumper: bumper.map(|start_url| p::Bumper {
                        start_url: Some(start_url),
                        end_url: None,
                    }),
                    ad_decision_server_configuration: http.map(|(method, compress_request)| {
                        p::AdDecisionServerConfiguration {
                            http_request: Some(p::HttpRequest {
                                method,
                                compress_request,
                                ..Default::default()
                            }),
                            vast_response: None,
                        }
                    }),
                    function_mapping: hook.map(|k| [(k, "fn-1".to_string())].into()),
                    avail_suppression: avail.map(|(mode, value, fill_policy)| {
                        p::AvailSuppression {
                            mode,
                            value,
                            fill_policy,
                        }
                    }),
                    dash_configuration: dash.map(|(mpd_location, origin_manifest_type)| {
                        p::DashConfigurationForPut {
                            mpd_location,
                            origin_manifest_type,
                        }
                    }),
                    insertion_mode: mode,
                    personalization_threshold_seconds: threshold,
                    transcode_profile_name: profile,
                    live_pre_roll_configuration: pre_roll.map(|max| p::LivePreRollConfiguration {
                        ad_decision_server_url: None,
                        max_duration_seconds: max,
                        ad_decision_server_configuration: None,
                    }),
                    manifest_processing_rules: passthrough.map(|enabled| {
                        p::ManifestProcessingRules {
                            ad_marker_passthrough: Some(p::AdMarkerPassthrough { enabled }),
                        }
                    }),
                    ad_conditioning_configuration: conditioning.map(|c| {
                        p::AdConditioningConfiguration {
                            streaming_media_file_conditioning: c,
                        }
                    }),
                    ..Default::default()
                }
            },
        )
        .boxed()
}

/// The settings of the newer model (yield optimization, timeouts, beaconing): mostly valid, some
/// outside the model's enums, ranges and patterns.
fn newer_settings() -> BoxedStrategy<slrsim::core::event::PlaybackSettings> {
    use slrsim::core::event::payload as p;
    let word = |valid: &'static [&'static str]| prop_oneof![3 => select(valid).prop_map(String::from), 1 => field(64, &[])];
    (
        option::of((
            int(6, 3600),
            field(limits::MAX_PUBLISHER_ID, &["e2e-gen", "aps-0"]),
            word(&["AMERICAS", "EUROPE", "ASIA_PACIFIC"]),
            field(limits::MAX_OPEN_RTB_TEMPLATE, &["{}"]),
        )),
        option::of(int(0, i64::from(i32::MAX))),
        option::of(int(0, i64::from(i32::MAX))),
        option::of((
            word(&["DISABLED", "INSIGHTS"]),
            option::of(proptest::collection::vec(word(&["MUTE", "SKIP"]), 0..3)),
        )),
    )
        .prop_map(|(yo, timeout, concurrency, beacon)| p::PlaybackSettings {
            yield_optimization_configuration: yo.map(|(d, id, region, template)| {
                p::YieldOptimizationConfiguration {
                    minimum_unfilled_duration: d,
                    publisher_id: id,
                    region,
                    open_rtb_template: template,
                }
            }),
            ads_personalization_timeouts: timeout.map(|n| p::AdsPersonalizationTimeouts {
                ads_request_timeout_milliseconds: Some(n),
                ..Default::default()
            }),
            ads_personalization_concurrency: concurrency.map(|n| {
                p::AdsPersonalizationConcurrency {
                    max_concurrent_ads_requests: Some(n),
                    enable_vod_vast_parallelization: None,
                }
            }),
            beaconing_configuration: beacon.map(|(mode, types)| p::BeaconingConfiguration {
                client_side: Some(p::ClientSideBeaconingConfiguration {
                    reporting_mode: mode,
                    additional_event_types: types,
                }),
            }),
            ..Default::default()
        })
        .boxed()
}

/// The members of the newer model's settings that break the model or a limit.
fn bad_newer_settings(p: &PutPlaybackConfigurationParams, v: &mut Vec<&'static str>) {
    let int32 = i64::from(i32::MAX);
    if let Some(y) = &p.yield_optimization_configuration {
        if outside(y.minimum_unfilled_duration, 6, 3600) {
            v.push("YieldOptimizationConfiguration.MinimumUnfilledDuration");
        }
        if out_of(&y.publisher_id, 1, limits::MAX_PUBLISHER_ID)
            || !y
                .publisher_id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            v.push("YieldOptimizationConfiguration.PublisherId");
        }
        if !["AMERICAS", "EUROPE", "ASIA_PACIFIC"].contains(&y.region.as_str()) {
            v.push("YieldOptimizationConfiguration.Region");
        }
        if out_of(&y.open_rtb_template, 1, limits::MAX_OPEN_RTB_TEMPLATE) {
            v.push("YieldOptimizationConfiguration.OpenRtbTemplate");
        }
    }
    if p.ads_personalization_timeouts
        .as_ref()
        .and_then(|t| t.ads_request_timeout_milliseconds)
        .is_some_and(|n| outside(n, 0, int32))
    {
        v.push("AdsPersonalizationTimeouts.AdsRequestTimeoutMilliseconds");
    }
    if p.ads_personalization_concurrency
        .as_ref()
        .and_then(|c| c.max_concurrent_ads_requests)
        .is_some_and(|n| outside(n, 0, int32))
    {
        v.push("AdsPersonalizationConcurrency.MaxConcurrentAdsRequests");
    }
    if let Some(c) = p
        .beaconing_configuration
        .as_ref()
        .and_then(|b| b.client_side.as_ref())
    {
        if !["DISABLED", "INSIGHTS"].contains(&c.reporting_mode.as_str()) {
            v.push("BeaconingConfiguration.ClientSide.ReportingMode");
        }
        let types = c.additional_event_types.as_deref().unwrap_or_default();
        let valid = ["MUTE", "UNMUTE", "PAUSE", "SKIP"];
        if types.iter().any(|t| !valid.contains(&t.as_str())) {
            v.push("BeaconingConfiguration.ClientSide.AdditionalEventTypes");
        }
    }
}

/// The members of PutPlaybackConfiguration's settings that break the model or a limit.
fn bad_settings(p: &PutPlaybackConfigurationParams) -> Vec<&'static str> {
    let mut v = Vec::new();
    let not_in =
        |s: &Option<String>, valid: &[&str]| s.as_deref().is_some_and(|s| !valid.contains(&s));
    if let Some(a) = &p.avail_suppression {
        if not_in(&a.mode, &["OFF", "BEHIND_LIVE_EDGE", "AFTER_LIVE_EDGE"]) {
            v.push("AvailSuppression.Mode");
        }
        if not_in(&a.fill_policy, &["FULL_AVAIL_ONLY", "PARTIAL_AVAIL"]) {
            v.push("AvailSuppression.FillPolicy");
        }
        if not_in(&a.value, &["00:00:00", "00:45:00"]) {
            v.push("AvailSuppression.Value");
        }
    }
    if let Some(d) = &p.dash_configuration {
        if not_in(&d.mpd_location, &["DISABLED", "EMT_DEFAULT"]) {
            v.push("DashConfiguration.MpdLocation");
        }
        if not_in(&d.origin_manifest_type, &["SINGLE_PERIOD", "MULTI_PERIOD"]) {
            v.push("DashConfiguration.OriginManifestType");
        }
    }
    if not_in(&p.insertion_mode, &["STITCHED_ONLY", "PLAYER_SELECT"]) {
        v.push("InsertionMode");
    }
    let int32 = i64::from(i32::MAX);
    if p.personalization_threshold_seconds
        .is_some_and(|n| outside(n, 1, int32))
    {
        v.push("PersonalizationThresholdSeconds");
    }
    if p.transcode_profile_name
        .as_deref()
        .is_some_and(|t| out_of(t, 1, limits::MAX_SETTING_TEXT) || t.chars().any(char::is_control))
    {
        v.push("TranscodeProfileName");
    }
    if p.live_pre_roll_configuration
        .as_ref()
        .and_then(|l| l.max_duration_seconds)
        .is_some_and(|n| outside(n, 0, int32))
    {
        v.push("LivePreRollConfiguration.MaxDurationSeconds");
    }
    if p.ad_conditioning_configuration.as_ref().is_some_and(|c| {
        !["TRANSCODE", "NONE"].contains(&c.streaming_media_file_conditioning.as_str())
    }) {
        v.push("AdConditioningConfiguration.StreamingMediaFileConditioning");
    }
    if p.bumper
        .as_ref()
        .and_then(|b| b.start_url.as_deref())
        .is_some_and(bad_url)
    {
        v.push("Bumper.StartUrl");
    }
    if let Some(r) = p
        .ad_decision_server_configuration
        .as_ref()
        .and_then(|c| c.http_request.as_ref())
    {
        if not_in(&r.method, &["GET", "POST"]) {
            v.push("HttpRequest.Method");
        }
        if not_in(&r.compress_request, &["NONE", "GZIP"]) {
            v.push("HttpRequest.CompressRequest");
        }
    }
    let hooks = ["PRE_ADS_REQUEST", "PRE_SESSION_INITIALIZATION"];
    if p.function_mapping
        .as_ref()
        .is_some_and(|f| f.keys().any(|k| !hooks.contains(&k.as_str())))
    {
        v.push("FunctionMapping");
    }
    bad_newer_settings(p, &mut v);
    v
}

fn task_id() -> BoxedStrategy<String> {
    prop_oneof![
        Just("$last".to_string()),
        Just(format!(
            "{}00000000-0000-4000-8000-000000000000",
            catalog::DELETION_TASK_PREFIX
        )),
        select(vec![
            "task/aws-service-role//a/b",
            "task/aws-service-role/a/b/c/d",
            "task"
        ])
        .prop_map(String::from),
        field(1000, &[]),
    ]
    .boxed()
}

const ENTITY_TYPES: &[&str] = &[
    "User",
    "Role",
    "Group",
    "LocalManagedPolicy",
    "AWSManagedPolicy",
];
const USAGE_TYPES: &[&str] = &["PermissionsPolicy", "PermissionsBoundary"];

/// Tag keys for UntagRole: up to one past the quota, each hostile or a key the setup may have made.
fn tag_keys() -> BoxedStrategy<Vec<String>> {
    proptest::collection::vec(
        field(limits::MAX_TAG_KEY, &["team", "owner"]),
        0..=limits::MAX_TAGS + 1,
    )
    .boxed()
}

/// Every operation of `slrsim::core::action::Operation`, with hostile parameters.
fn operation() -> BoxedStrategy<Operation> {
    use Operation as O;
    let role = || field(limits::MAX_ROLE_NAME, ROLES);
    let user = || field(limits::MAX_USER_NAME, USERS);
    let policy_name = || field(limits::MAX_POLICY_NAME, POLICY_NAMES);
    let pc = || field(limits::MAX_PLAYBACK_NAME, PLAYBACK);
    let path = || {
        field(
            limits::MAX_PATH,
            &["/", "/team/", "/aws-service-role/", "/a//b/"],
        )
    };
    let description = || field(limits::MAX_DESCRIPTION, &["a role", "tab\there", "é"]);
    let arn = || field(2048, POLICY_ARNS);
    let url = || field(limits::MAX_URL, URLS);
    let token = || field(512, &["live", "app", "MediaTailor/ManifestService"]);
    let session = || int(3600, 43200);
    let marker = || field(320, &["app", "team", "role/app", "v1"]);
    let arms: Vec<BoxedStrategy<Operation>> = vec![
        Just(O::GetCallerIdentity(Default::default())).boxed(),
        (any::<u64>(), int(limits::MIN_TIME, limits::MAX_TIME))
            .prop_map(|(seed, start)| {
                O::Genesis(GenesisParams {
                    seed,
                    start,
                    rules: None,
                })
            })
            .boxed(),
        int(0, limits::MAX_ADVANCE_SECONDS)
            .prop_map(|seconds| O::AdvanceClock(AdvanceClockParams { seconds }))
            .boxed(),
        (
            pc(),
            int(0, limits::MAX_SESSIONS),
            option::of(select(vec!["DEBUG".to_string(), "debug".to_string()])),
        )
            .prop_map(|(playback_configuration_name, sessions, log_mode)| {
                O::ServeSessions(ServeSessionsParams {
                    playback_configuration_name,
                    sessions,
                    log_mode,
                })
            })
            .boxed(),
        any::<bool>()
            .prop_map(|b| {
                O::SetAccountHistory(SetAccountHistoryParams {
                    used_media_tailor_before_slr_support: b,
                })
            })
            .boxed(),
        prop_oneof![-2i64..=62, any::<i64>()]
            .prop_map(|delay_seconds| {
                O::SetConsistency(slrsim::core::action::SetConsistencyParams {
                    delay_seconds,
                    updates: Some(delay_seconds % 2 == 0),
                })
            })
            .boxed(),
        prop_oneof![-2i64..=100_002, any::<i64>()]
            .prop_map(|sessions_per_minute| {
                O::SetViewers(slrsim::core::action::SetViewersParams {
                    sessions_per_minute,
                })
            })
            .boxed(),
        // Rates and bursts out of range, or the largest (a throttled call is refused before its
        // input is checked, so the other operations' checks must not meet a small bucket).
        (
            any::<bool>(),
            prop_oneof![
                Just(-1.0f64),
                Just(0.0),
                Just(0.0001),
                Just(1000.0),
                Just(5000.0)
            ],
            prop_oneof![
                Just(None),
                Just(Some(0u32)),
                Just(Some(1000)),
                Just(Some(5000))
            ],
        )
            .prop_map(|(enabled, rate, burst)| {
                O::SetThrottling(SetThrottlingParams {
                    enabled,
                    rate_per_second: serde_json::Number::from_f64(rate),
                    burst,
                })
            })
            .boxed(),
        set_faults().boxed(),
        (
            field(
                limits::MAX_REFUSAL_FIELD,
                &["iam", "mediatailor", "unknown"],
            ),
            option::of(field(limits::MAX_REFUSAL_FIELD, &["GetRole", "Nope"])),
            option::of(field(limits::MAX_REFUSAL_FIELD, &["AKIAEXAMPLE"])),
            field(limits::MAX_REFUSAL_MESSAGE, &["bad signature", " "]),
        )
            .prop_map(|(service, operation, access_key_id, message)| {
                O::RefusedRequest(slrsim::core::action::RefusedRequestParams {
                    service,
                    operation,
                    access_key_id,
                    code: slrsim::ErrorCode::SignatureDoesNotMatch,
                    message,
                    request: None,
                })
            })
            .boxed(),
        (
            field(limits::MAX_SERVICE_NAME, SERVICES),
            option::of(description()),
            option::weighted(0.3, field(limits::MAX_CUSTOM_SUFFIX, &["x"])),
        )
            .prop_map(|(aws_service_name, description, custom_suffix)| {
                O::CreateServiceLinkedRole(CreateServiceLinkedRoleParams {
                    aws_service_name,
                    description,
                    custom_suffix,
                })
            })
            .boxed(),
        role()
            .prop_map(|role_name| O::DeleteServiceLinkedRole(RoleNameParams { role_name }))
            .boxed(),
        task_id()
            .prop_map(|deletion_task_id| {
                O::GetServiceLinkedRoleDeletionStatus(DeletionStatusParams { deletion_task_id })
            })
            .boxed(),
        role()
            .prop_map(|role_name| O::GetRole(RoleNameParams { role_name }))
            .boxed(),
        (
            option::of(path()),
            option::of(field(320, ROLES)),
            option::of(int(1, limits::MAX_LIST_ROLES)),
        )
            .prop_map(|(path_prefix, marker, max_items)| {
                O::ListRoles(ListRolesParams {
                    path_prefix,
                    marker,
                    max_items,
                })
            })
            .boxed(),
        (role(), description())
            .prop_map(|(role_name, description)| {
                O::UpdateRoleDescription(UpdateRoleDescriptionParams {
                    role_name,
                    description,
                })
            })
            .boxed(),
        (
            role(),
            option::of(description()),
            option::of(session()),
            option::of(signin_session()),
            option::of(any::<bool>()),
        )
            .prop_map(
                |(role_name, description, max_session_duration, signin, reset)| {
                    O::UpdateRole(UpdateRoleParams {
                        role_name,
                        description,
                        max_session_duration,
                        max_signin_session_duration: signin,
                        reset_max_signin_session_duration: reset,
                    })
                },
            )
            .boxed(),
        (role(), tags())
            .prop_map(|(role_name, tags)| O::TagRole(TagRoleParams { role_name, tags }))
            .boxed(),
        (
            role(),
            document(true),
            option::of(path()),
            option::of(description()),
            option::of(session()),
            option::of(tags()),
            option::of(signin_session()),
            option::of(arn()),
        )
            .prop_map(
                |(
                    role_name,
                    assume_role_policy_document,
                    path,
                    description,
                    max,
                    tags,
                    signin,
                    boundary,
                )| {
                    O::CreateRole(CreateRoleParams {
                        role_name,
                        assume_role_policy_document,
                        path,
                        description,
                        max_session_duration: max,
                        max_signin_session_duration: signin,
                        permissions_boundary: boundary,
                        tags,
                    })
                },
            )
            .boxed(),
        role()
            .prop_map(|role_name| O::DeleteRole(RoleNameParams { role_name }))
            .boxed(),
        (role(), document(true))
            .prop_map(|(role_name, policy_document)| {
                O::UpdateAssumeRolePolicy(UpdateAssumeRolePolicyParams {
                    role_name,
                    policy_document,
                })
            })
            .boxed(),
        (role(), arn())
            .prop_map(|(role_name, policy_arn)| {
                O::AttachRolePolicy(AttachRolePolicyParams {
                    role_name,
                    policy_arn,
                })
            })
            .boxed(),
        (role(), arn())
            .prop_map(|(role_name, policy_arn)| {
                O::DetachRolePolicy(AttachRolePolicyParams {
                    role_name,
                    policy_arn,
                })
            })
            .boxed(),
        (role(), policy_name(), document(false))
            .prop_map(|(role_name, policy_name, policy_document)| {
                O::PutRolePolicy(PutRolePolicyParams {
                    role_name,
                    policy_name,
                    policy_document,
                })
            })
            .boxed(),
        (role(), policy_name())
            .prop_map(|(role_name, policy_name)| {
                O::DeleteRolePolicy(RolePolicyNameParams {
                    role_name,
                    policy_name,
                })
            })
            .boxed(),
        (role(), arn())
            .prop_map(|(role_name, permissions_boundary)| {
                O::PutRolePermissionsBoundary(PutRolePermissionsBoundaryParams {
                    role_name,
                    permissions_boundary,
                })
            })
            .boxed(),
        (
            role(),
            option::of(policy_path_prefix()),
            option::of(marker()),
            option::of(int(1, 1000)),
        )
            .prop_map(|(role_name, path_prefix, marker, max_items)| {
                O::ListAttachedRolePolicies(ListAttachedRolePoliciesParams {
                    role_name,
                    path_prefix,
                    marker,
                    max_items,
                })
            })
            .boxed(),
        // IAM calls tools make around a role and its managed policies.
        (role(), option::of(marker()), option::of(int(1, 1000)))
            .prop_map(|(role_name, marker, max_items)| {
                O::ListRoleTags(RolePageParams {
                    role_name,
                    marker,
                    max_items,
                })
            })
            .boxed(),
        (role(), tag_keys())
            .prop_map(|(role_name, tag_keys)| {
                O::UntagRole(UntagRoleParams {
                    role_name,
                    tag_keys,
                })
            })
            .boxed(),
        (role(), option::of(marker()), option::of(int(1, 1000)))
            .prop_map(|(role_name, marker, max_items)| {
                O::ListRolePolicies(RolePageParams {
                    role_name,
                    marker,
                    max_items,
                })
            })
            .boxed(),
        (role(), policy_name())
            .prop_map(|(role_name, policy_name)| {
                O::GetRolePolicy(RolePolicyNameParams {
                    role_name,
                    policy_name,
                })
            })
            .boxed(),
        (role(), option::of(marker()), option::of(int(1, 1000)))
            .prop_map(|(role_name, marker, max_items)| {
                O::ListInstanceProfilesForRole(RolePageParams {
                    role_name,
                    marker,
                    max_items,
                })
            })
            .boxed(),
        arn()
            .prop_map(|policy_arn| O::GetPolicy(PolicyArnParams { policy_arn }))
            .boxed(),
        (arn(), field(16, &["v1", "v2", "v4", "v1.a-b", "v0", "1"]))
            .prop_map(|(policy_arn, version_id)| {
                O::GetPolicyVersion(PolicyVersionParams {
                    policy_arn,
                    version_id,
                })
            })
            .boxed(),
        (arn(), option::of(marker()), option::of(int(1, 1000)))
            .prop_map(|(policy_arn, marker, max_items)| {
                O::ListPolicyVersions(PolicyPageParams {
                    policy_arn,
                    marker,
                    max_items,
                })
            })
            .boxed(),
        (
            arn(),
            option::of(field(20, ENTITY_TYPES)),
            option::of(path()),
            option::of(field(20, USAGE_TYPES)),
            option::of(marker()),
            option::of(int(1, 1000)),
        )
            .prop_map(
                |(
                    policy_arn,
                    entity_filter,
                    path_prefix,
                    policy_usage_filter,
                    marker,
                    max_items,
                )| {
                    O::ListEntitiesForPolicy(ListEntitiesForPolicyParams {
                        policy_arn,
                        entity_filter,
                        path_prefix,
                        policy_usage_filter,
                        marker,
                        max_items,
                    })
                },
            )
            .boxed(),
        (
            user(),
            option::of(path()),
            option::of(arn()),
            option::of(tags()),
        )
            .prop_map(|(user_name, path, permissions_boundary, tags)| {
                O::CreateUser(CreateUserParams {
                    user_name,
                    path,
                    permissions_boundary,
                    tags,
                })
            })
            .boxed(),
        option::of(user())
            .prop_map(|user_name| {
                O::CreateAccessKey(slrsim::core::action::CreateAccessKeyParams { user_name })
            })
            .boxed(),
        (user(), policy_name(), document(false))
            .prop_map(|(user_name, policy_name, policy_document)| {
                O::PutUserPolicy(PutUserPolicyParams {
                    user_name,
                    policy_name,
                    policy_document,
                })
            })
            .boxed(),
        (user(), policy_name())
            .prop_map(|(user_name, policy_name)| {
                O::DeleteUserPolicy(UserPolicyNameParams {
                    user_name,
                    policy_name,
                })
            })
            .boxed(),
        (user(), arn())
            .prop_map(|(user_name, policy_arn)| {
                O::AttachUserPolicy(AttachUserPolicyParams {
                    user_name,
                    policy_arn,
                })
            })
            .boxed(),
        (user(), arn())
            .prop_map(|(user_name, policy_arn)| {
                O::DetachUserPolicy(AttachUserPolicyParams {
                    user_name,
                    policy_arn,
                })
            })
            .boxed(),
        (
            pc(),
            option::of(url()),
            option::of(url()),
            option::of(url()),
            option::of(tags()),
            playback_settings(),
        )
            .prop_map(|(name, video, ads, slate, tags, s)| {
                O::PutPlaybackConfiguration(Box::new(PutPlaybackConfigurationParams {
                    name,
                    video_content_source_url: video,
                    ad_decision_server_url: ads,
                    slate_ad_url: slate,
                    // The same strategy as the role's tags, as MediaTailor's key-to-value map.
                    tags: tags.map(|t| t.into_iter().map(|t| (t.key, t.value)).collect()),
                    avail_suppression: s.avail_suppression,
                    bumper: s.bumper,
                    cdn_configuration: s.cdn_configuration,
                    configuration_aliases: s.configuration_aliases,
                    dash_configuration: s.dash_configuration,
                    insertion_mode: s.insertion_mode,
                    live_pre_roll_configuration: s.live_pre_roll_configuration,
                    manifest_processing_rules: s.manifest_processing_rules,
                    personalization_threshold_seconds: s.personalization_threshold_seconds,
                    transcode_profile_name: s.transcode_profile_name,
                    ad_conditioning_configuration: s.ad_conditioning_configuration,
                    ad_decision_server_configuration: s.ad_decision_server_configuration,
                    function_mapping: s.function_mapping,
                    yield_optimization_configuration: s.yield_optimization_configuration,
                    ads_personalization_timeouts: s.ads_personalization_timeouts,
                    ads_personalization_concurrency: s.ads_personalization_concurrency,
                    beaconing_configuration: s.beaconing_configuration,
                }))
            })
            .boxed(),
        (playback_arn(), tags())
            .prop_map(|(resource_arn, tags)| {
                O::TagResource(TagResourceParams {
                    resource_arn,
                    tags: tags.into_iter().map(|t| (t.key, t.value)).collect(),
                })
            })
            .boxed(),
        (
            playback_arn(),
            prop::collection::vec(field(limits::MAX_TAG_KEY, &["team"]), 0..3),
        )
            .prop_map(|(resource_arn, tag_keys)| {
                O::UntagResource(UntagResourceParams {
                    resource_arn,
                    tag_keys,
                })
            })
            .boxed(),
        playback_arn()
            .prop_map(|resource_arn| O::ListTagsForResource(ResourceArnParams { resource_arn }))
            .boxed(),
        pc().prop_map(|name| O::GetPlaybackConfiguration(PlaybackNameParams { name }))
            .boxed(),
        (
            option::of(int(1, limits::MAX_LIST_PLAYBACK)),
            option::of(token()),
        )
            .prop_map(|(max_results, next_token)| {
                O::ListPlaybackConfigurations(ListPlaybackConfigurationsParams {
                    max_results,
                    next_token,
                })
            })
            .boxed(),
        pc().prop_map(|name| O::DeletePlaybackConfiguration(PlaybackNameParams { name }))
            .boxed(),
        (
            pc(),
            int(0, 100),
            option::of(prop::collection::vec(
                select(vec![
                    "VENDED_LOGS",
                    "LEGACY_CLOUDWATCH",
                    "legacy_cloudwatch",
                    "",
                    "VENDED_LOGS ",
                ])
                .prop_map(String::from),
                0..4,
            )),
            option::of(interaction_log()),
            option::of(interaction_log()),
        )
            .prop_map(|(name, percent, strategies, ads, manifest)| {
                O::ConfigureLogsForPlaybackConfiguration(ConfigureLogsParams {
                    playback_configuration_name: name,
                    percent_enabled: percent,
                    enabled_logging_strategies: strategies,
                    ads_interaction_log: ads,
                    manifest_service_interaction_log: manifest,
                })
            })
            .boxed(),
        (
            option::of(field(512, &["MediaTailor/", "Media"])),
            option::of(int(1, limits::MAX_LOGS_PAGE)),
            option::of(token()),
        )
            .prop_map(|(prefix, limit, next_token)| {
                O::DescribeLogGroups(DescribeLogGroupsParams {
                    log_group_name_prefix: prefix,
                    limit,
                    next_token,
                    ..Default::default()
                })
            })
            .boxed(),
        (
            field(512, GROUPS),
            option::of(field(512, &["live", "l"])),
            option::of(int(1, limits::MAX_LOGS_PAGE)),
            option::of(token()),
        )
            .prop_map(|(group, prefix, limit, next_token)| {
                O::DescribeLogStreams(DescribeLogStreamsParams {
                    log_group_name: Some(group),
                    log_stream_name_prefix: prefix,
                    limit,
                    next_token,
                    ..Default::default()
                })
            })
            .boxed(),
        (
            field(512, GROUPS),
            field(512, &["live", "other"]),
            option::of(int(1, limits::MAX_EVENTS_PAGE)),
            option::of(any::<bool>()),
            option::of(int(-1, 2_000_000_000_000)),
        )
            .prop_map(|(group, stream, limit, head, start_time)| {
                O::GetLogEvents(GetLogEventsParams {
                    log_group_name: Some(group),
                    log_stream_name: stream,
                    limit,
                    start_from_head: head,
                    start_time,
                    ..Default::default()
                })
            })
            .boxed(),
        (
            field(512, GROUPS),
            option::of(field(
                limits::MAX_FILTER_PATTERN,
                &[
                    "FILLED_AVAIL",
                    r#"{ $.eventType = "VAST_RESPONSE" }"#,
                    "?a ?b",
                ],
            )),
            option::of(int(1, limits::MAX_EVENTS_PAGE)),
            option::of(field(512, &["live", "l"])),
        )
            .prop_map(|(group, filter_pattern, limit, prefix)| {
                O::FilterLogEvents(FilterLogEventsParams {
                    log_group_name: Some(group),
                    filter_pattern,
                    limit,
                    log_stream_name_prefix: prefix,
                    ..Default::default()
                })
            })
            .boxed(),
    ];
    Union::new(arms).boxed()
}

/// Who makes the call and where: mostly good, sometimes an account, region or caller that is not.
fn address() -> BoxedStrategy<(String, String, String)> {
    let account = prop_oneof![
        8 => Just(DEFAULT_ACCOUNT.to_string()),
        1 => Just("444455556666".to_string()),
        1 => select(vec![
            "",
            "12345678901",
            "1234567890123",
            "11112222333a",
            "١١١١٢٢٢٢٣٣٣٣",
            "111122223333 ",
        ])
        .prop_map(String::from),
    ];
    let region = prop_oneof![
        8 => select(vec!["us-east-1", "eu-west-1"]).prop_map(String::from),
        1 => select(vec!["", "us-east-1 ", "mars-north-1", "US-EAST-1", "\0"]).prop_map(String::from),
    ];
    let caller = prop_oneof![
        6 => Just(ROOT.to_string()),
        2 => Just("alice".to_string()),
        2 => Just("bob".to_string()),
        1 => select(vec!["", "ghost", "root\0", "ROOT"]).prop_map(String::from),
        1 => Just("a".repeat(limits::MAX_USER_NAME + 1)),
    ];
    (account, region, caller).boxed()
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn out_of(s: &str, min: usize, max: usize) -> bool {
    !(min..=max).contains(&chars(s))
}

fn iam_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

fn bad_iam_name(s: &str, max: usize) -> bool {
    out_of(s, 1, max) || !s.chars().all(iam_char)
}

/// AWS's path rule: `/`, or `/` + printable ASCII + `/`, at most 512 characters.
fn bad_path(s: &str) -> bool {
    let shaped = s == "/"
        || (s.len() >= 3
            && s.starts_with('/')
            && s.ends_with('/')
            && s.chars().all(|c| ('\u{21}'..='\u{7e}').contains(&c)));
    out_of(s, 1, limits::MAX_PATH) || !shaped
}

/// slrsim's stricter path rule (IAM name characters between the slashes, no empty segment): a path
/// AWS would take may be refused, and that refusal may come before another field's.
fn strict_bad_path(s: &str) -> bool {
    bad_path(s) || s.contains("//") || !s.chars().all(|c| c == '/' || iam_char(c))
}

/// `((/[A-Za-z0-9\.,\+@=_-]+)*)/`, 1..=512: the model's policy path prefix.
fn bad_policy_path(s: &str) -> bool {
    let shaped = s.strip_suffix('/').is_some_and(|inner| {
        inner.is_empty()
            || inner.strip_prefix('/').is_some_and(|rest| {
                rest.split('/').all(|seg| {
                    !seg.is_empty()
                        && seg
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || ".,+@=_-".contains(c))
                })
            })
    });
    out_of(s, 1, limits::MAX_PATH) || !shaped
}

fn bad_description(s: &str) -> bool {
    chars(s) > limits::MAX_DESCRIPTION
        || !s.chars().all(|c| {
            matches!(c, '\t' | '\n' | '\r')
                || ('\u{20}'..='\u{7e}').contains(&c)
                || ('\u{a1}'..='\u{ff}').contains(&c)
        })
}

/// MediaTailor's tags (a key-to-value map) that validate_tags refuses: too many, an empty or long
/// key, a long value.
fn bad_playback_tags(tags: &std::collections::BTreeMap<String, String>) -> bool {
    tags.len() > limits::MAX_TAGS
        || tags
            .iter()
            .any(|(k, v)| out_of(k, 1, limits::MAX_TAG_KEY) || chars(v) > limits::MAX_TAG_VALUE)
}

fn bad_tags(tags: &[Tag]) -> bool {
    // Characters AWS's tag pattern ([\p{L}\p{Z}\p{N}_.:/=+\-@]*) refuses for sure: control characters
    // and ASCII punctuation other than its own.
    let bad_char =
        |c: char| c.is_control() || (c.is_ascii_punctuation() && !"_.:/=+-@".contains(c));
    tags.len() > limits::MAX_TAGS
        || tags.iter().any(|t| {
            out_of(&t.key, 1, limits::MAX_TAG_KEY)
                || chars(&t.value) > limits::MAX_TAG_VALUE
                || t.key.chars().any(bad_char)
                || t.value.chars().any(bad_char)
        })
}

/// IAM's `Marker`: 1..=320 characters of `[\u0020-\u00FF]`.
fn bad_marker(m: Option<&str>) -> bool {
    m.is_some_and(|m| out_of(m, 1, 320) || !m.chars().all(|c| ('\u{20}'..='\u{ff}').contains(&c)))
}

fn bad_max_items(m: Option<i64>) -> bool {
    m.is_some_and(|m| outside(m, 1, 1000))
}

/// IAM's version id pattern, `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`.
fn bad_version_id(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else {
        return true;
    };
    let (number, suffix) = rest.split_once('.').map_or((rest, ""), |(n, x)| (n, x));
    !(number.starts_with(|c: char| ('1'..='9').contains(&c))
        && number.chars().all(|c| c.is_ascii_digit())
        && suffix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

fn bad_playback_name(s: &str) -> bool {
    out_of(s, 1, limits::MAX_PLAYBACK_NAME)
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

fn bad_url(s: &str) -> bool {
    chars(s) > limits::MAX_URL
        || !(s.starts_with("http://") || s.starts_with("https://"))
        || s.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn bad_event_types(log: &InteractionLog) -> bool {
    [&log.publish_opt_in_event_types, &log.exclude_event_types]
        .into_iter()
        .flatten()
        .any(|list| {
            list.len() > limits::MAX_EVENT_TYPES
                || list.iter().any(|t| {
                    t.is_empty()
                        || t.len() > 64
                        || !t.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                })
        })
}

fn outside(v: i64, lo: i64, hi: i64) -> bool {
    !(lo..=hi).contains(&v)
}

/// Fields slrsim refuses by a rule stricter than AWS's (so not in [`violations`]), which may be the
/// one an error names.
fn strict_only(op: &Operation) -> Vec<&'static str> {
    let mut v = Vec::new();
    let (path, tags) = match op {
        Operation::CreateRole(p) => (p.path.as_deref(), p.tags.as_deref()),
        Operation::CreateUser(p) => (p.path.as_deref(), p.tags.as_deref()),
        Operation::TagRole(p) => (None, Some(p.tags.as_slice())),
        _ => (None, None),
    };
    if path.is_some_and(strict_bad_path) {
        v.push("path");
    }
    // Tag characters: letters, digits, ' ' and `_.:/=+-@` (AWS also takes \p{Z} other than ' ').
    let tag_char = |c: char| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c);
    if tags.is_some_and(|t| {
        t.iter()
            .any(|t| !t.key.chars().all(tag_char) || !t.value.chars().all(tag_char))
    }) {
        v.push("tags");
    }
    if let Operation::UntagRole(p) = op {
        if p.tag_keys.iter().any(|k| !k.chars().all(tag_char)) {
            v.push("tagKeys");
        }
    }
    v
}

/// The fields of `op` whose values break a limit or a documented pattern, each as the error names it
/// (`a|b`: either name). An action with any of them must be refused.
fn violations(op: &Operation) -> Vec<&'static str> {
    let mut v = Vec::new();
    let mut check = |bad: bool, field: &'static str| {
        if bad {
            v.push(field);
        }
    };
    let doc = |s: &str| out_of(s, 1, limits::MAX_POLICY_DOCUMENT);
    let arn = |s: &str| out_of(s, 20, 2048);
    match op {
        Operation::Genesis(_) | Operation::SetAccountHistory(_) => {}
        Operation::SetConsistency(p) => check(
            !(0..=limits::MAX_CONSISTENCY_DELAY).contains(&p.delay_seconds),
            "DelaySeconds",
        ),
        Operation::SetViewers(p) => check(
            !(0..=limits::MAX_VIEWER_SESSIONS_PER_MINUTE).contains(&p.sessions_per_minute),
            "SessionsPerMinute",
        ),
        Operation::SetThrottling(p) => {
            let rate = p
                .rate_per_second
                .as_ref()
                .and_then(serde_json::Number::as_f64);
            check(
                rate.is_some_and(|r| !(0.0005..1000.0005).contains(&r)),
                "RatePerSecond",
            );
            check(p.burst.is_some_and(|b| !(1..=1000).contains(&b)), "Burst");
        }
        Operation::SetFaults(p) => {
            let names: std::collections::BTreeSet<&str> = p
                .internal_errors
                .iter()
                .map(|e| e.operation.as_str())
                .collect();
            let bad_entry = p.internal_errors.iter().any(|e| {
                slrsim::core::operation::OperationKind::from_name(&e.operation)
                    .is_none_or(|k| k.spec().is_simulation())
                    || !(1..=limits::MAX_FAULT_COUNT).contains(&e.count)
            });
            check(
                p.internal_errors.len() > limits::MAX_FAULT_OPERATIONS
                    || bad_entry
                    || names.len() < p.internal_errors.len(),
                "InternalErrors",
            );
            check(
                p.deletion_task_failures
                    .is_some_and(|n| !(0..=limits::MAX_DELETION_TASK_FAILURES).contains(&n)),
                "DeletionTaskFailures",
            );
            check(
                p.deletion_task_seconds.is_some_and(|s| {
                    !(limits::MIN_DELETION_TASK_SECONDS..=limits::MAX_DELETION_TASK_SECONDS)
                        .contains(&s)
                }),
                "DeletionTaskSeconds",
            );
            check(
                p.page_size
                    .is_some_and(|n| !(1..=limits::MAX_FAULT_PAGE_SIZE).contains(&n)),
                "PageSize",
            );
        }
        Operation::GetCallerIdentity(_) => {}
        Operation::RefusedRequest(p) => {
            let field = |s: &str| s.len() > limits::MAX_REFUSAL_FIELD;
            check(field(&p.service), "Service");
            check(p.operation.as_deref().is_some_and(field), "Operation");
            check(p.access_key_id.as_deref().is_some_and(field), "AccessKeyId");
            check(
                p.message.trim().is_empty() || p.message.len() > limits::MAX_REFUSAL_MESSAGE,
                "Message",
            );
        }
        Operation::AdvanceClock(p) => {
            check(
                outside(p.seconds, 0, limits::MAX_ADVANCE_SECONDS),
                "Seconds",
            );
        }
        Operation::ServeSessions(p) => {
            check(
                bad_playback_name(&p.playback_configuration_name),
                "PlaybackConfigurationName",
            );
            check(outside(p.sessions, 0, limits::MAX_SESSIONS), "Sessions");
            check(
                p.log_mode.as_deref().is_some_and(|m| m != "DEBUG"),
                "LogMode",
            );
        }
        Operation::CreateServiceLinkedRole(p) => {
            check(
                bad_iam_name(&p.aws_service_name, limits::MAX_SERVICE_NAME),
                "awsServiceName",
            );
            check(
                p.description.as_deref().is_some_and(bad_description),
                "description",
            );
            check(
                p.custom_suffix
                    .as_deref()
                    .is_some_and(|s| bad_iam_name(s, limits::MAX_CUSTOM_SUFFIX)),
                "customSuffix",
            );
        }
        Operation::DeleteServiceLinkedRole(p)
        | Operation::GetRole(p)
        | Operation::DeleteRole(p) => {
            check(
                bad_iam_name(&p.role_name, limits::MAX_ROLE_NAME),
                "roleName",
            );
        }
        Operation::ListAttachedRolePolicies(p) => {
            check(
                p.path_prefix.as_deref().is_some_and(bad_policy_path),
                "pathPrefix",
            );
            check(bad_marker(p.marker.as_deref()), "marker");
            check(bad_max_items(p.max_items), "maxItems");
            check(
                bad_iam_name(&p.role_name, limits::MAX_ROLE_NAME),
                "roleName",
            );
        }
        Operation::ListRoleTags(p)
        | Operation::ListRolePolicies(p)
        | Operation::ListInstanceProfilesForRole(p) => {
            check(bad_marker(p.marker.as_deref()), "marker");
            check(bad_max_items(p.max_items), "maxItems");
            check(
                bad_iam_name(&p.role_name, limits::MAX_ROLE_NAME),
                "roleName",
            );
        }
        Operation::UntagRole(p) => {
            let bad_char =
                |c: char| c.is_control() || (c.is_ascii_punctuation() && !"_.:/=+-@".contains(c));
            check(
                p.tag_keys.len() > limits::MAX_TAGS
                    || p.tag_keys
                        .iter()
                        .any(|k| out_of(k, 1, limits::MAX_TAG_KEY) || k.chars().any(bad_char)),
                "tagKeys",
            );
            check(
                bad_iam_name(&p.role_name, limits::MAX_ROLE_NAME),
                "roleName",
            );
        }
        Operation::GetRolePolicy(p) => {
            check(
                bad_iam_name(&p.role_name, limits::MAX_ROLE_NAME),
                "roleName",
            );
            check(
                bad_iam_name(&p.policy_name, limits::MAX_POLICY_NAME),
                "policyName",
            );
        }
        Operation::GetPolicy(p) => check(arn(&p.policy_arn), "policyArn"),
        Operation::GetPolicyVersion(p) => {
            check(arn(&p.policy_arn), "policyArn");
            check(bad_version_id(&p.version_id), "versionId");
        }
        Operation::ListPolicyVersions(p) => {
            check(arn(&p.policy_arn), "policyArn");
            check(bad_marker(p.marker.as_deref()), "marker");
            check(bad_max_items(p.max_items), "maxItems");
        }
        Operation::ListEntitiesForPolicy(p) => {
            check(arn(&p.policy_arn), "policyArn");
            check(
                p.entity_filter
                    .as_deref()
                    .is_some_and(|f| !ENTITY_TYPES.contains(&f)),
                "entityFilter",
            );
            check(
                p.policy_usage_filter
                    .as_deref()
                    .is_some_and(|f| !USAGE_TYPES.contains(&f)),
                "policyUsageFilter",
            );
            check(p.path_prefix.as_deref().is_some_and(bad_path), "pathPrefix");
            check(bad_marker(p.marker.as_deref()), "marker");
            check(bad_max_items(p.max_items), "maxItems");
        }
        Operation::GetServiceLinkedRoleDeletionStatus(p) => {
            check(
                p.deletion_task_id != "$last" && out_of(&p.deletion_task_id, 1, 1000),
                "deletionTaskId",
            );
        }
        Operation::ListRoles(p) => {
            check(
                p.path_prefix
                    .as_deref()
                    .is_some_and(|s| out_of(s, 1, limits::MAX_PATH) || !s.starts_with('/')),
                "pathPrefix",
            );
            check(
                p.max_items
                    .is_some_and(|m| outside(m, 1, limits::MAX_LIST_ROLES)),
                "maxItems",
            );
            check(
                p.marker.as_deref().is_some_and(|m| out_of(m, 1, 320)),
                "marker",
            );
        }
        Operation::UpdateRoleDescription(p) => {
            check(bad_description(&p.description), "description");
            check(
                bad_iam_name(&p.role_name, limits::MAX_ROLE_NAME),
                "roleName",
            );
        }
        Operation::UpdateRole(p) => {
            check(
                p.description.as_deref().is_some_and(bad_description),
                "description",
            );
            check(
                p.max_session_duration
                    .is_some_and(|m| outside(m, 3600, 43200)),
                "maxSessionDuration",
            );
            check(
                p.max_signin_session_duration
                    .is_some_and(|m| outside(m, 3600, 7_776_000)),
                "maxSigninSessionDuration",
            );
            check(
                bad_iam_name(&p.role_name, limits::MAX_ROLE_NAME),
                "roleName",
            );
        }
        Operation::TagRole(p) => {
            check(bad_tags(&p.tags), "tags");
            check(
                bad_iam_name(&p.role_name, limits::MAX_ROLE_NAME),
                "roleName",
            );
        }
        Operation::CreateRole(p) => {
            check(
                bad_iam_name(&p.role_name, limits::MAX_ROLE_NAME),
                "roleName",
            );
            check(p.path.as_deref().is_some_and(bad_path), "path");
            check(
                doc(&p.assume_role_policy_document),
                "assumeRolePolicyDocument",
            );
            check(
                p.description.as_deref().is_some_and(bad_description),
                "description",
            );
            check(
                p.max_session_duration
                    .is_some_and(|m| outside(m, 3600, 43200)),
                "maxSessionDuration",
            );
            check(
                p.max_signin_session_duration
                    .is_some_and(|m| outside(m, 3600, 7_776_000)),
                "maxSigninSessionDuration",
            );
            check(
                p.permissions_boundary.as_deref().is_some_and(arn),
                "permissionsBoundary",
            );
            check(p.tags.as_deref().is_some_and(bad_tags), "tags");
        }
        Operation::UpdateAssumeRolePolicy(p) => {
            check(doc(&p.policy_document), "policyDocument");
            check(
                bad_iam_name(&p.role_name, limits::MAX_ROLE_NAME),
                "roleName",
            );
        }
        Operation::AttachRolePolicy(p) | Operation::DetachRolePolicy(p) => {
            check(arn(&p.policy_arn), "policyArn");
            check(
                bad_iam_name(&p.role_name, limits::MAX_ROLE_NAME),
                "roleName",
            );
        }
        Operation::PutRolePolicy(p) => {
            check(
                bad_iam_name(&p.policy_name, limits::MAX_POLICY_NAME),
                "policyName",
            );
            check(doc(&p.policy_document), "policyDocument");
            check(
                bad_iam_name(&p.role_name, limits::MAX_ROLE_NAME),
                "roleName",
            );
        }
        Operation::DeleteRolePolicy(p) => {
            check(
                bad_iam_name(&p.policy_name, limits::MAX_POLICY_NAME),
                "policyName",
            );
            check(
                bad_iam_name(&p.role_name, limits::MAX_ROLE_NAME),
                "roleName",
            );
        }
        Operation::PutRolePermissionsBoundary(p) => {
            check(
                arn(&p.permissions_boundary),
                "permissionsBoundary|policyArn",
            );
            check(
                bad_iam_name(&p.role_name, limits::MAX_ROLE_NAME),
                "roleName",
            );
        }
        Operation::CreateUser(p) => {
            check(
                bad_iam_name(&p.user_name, limits::MAX_USER_NAME),
                "userName",
            );
            check(p.path.as_deref().is_some_and(bad_path), "path");
            check(
                p.permissions_boundary.as_deref().is_some_and(arn),
                "permissionsBoundary",
            );
            check(p.tags.as_deref().is_some_and(bad_tags), "tags");
        }
        Operation::PutUserPolicy(p) => {
            check(
                bad_iam_name(&p.policy_name, limits::MAX_POLICY_NAME),
                "policyName",
            );
            check(doc(&p.policy_document), "policyDocument");
            check(
                bad_iam_name(&p.user_name, limits::MAX_USER_NAME),
                "userName",
            );
        }
        Operation::DeleteUserPolicy(p) => {
            check(
                bad_iam_name(&p.policy_name, limits::MAX_POLICY_NAME),
                "policyName",
            );
            check(
                bad_iam_name(&p.user_name, limits::MAX_USER_NAME),
                "userName",
            );
        }
        Operation::CreateAccessKey(p) => {
            if let Some(name) = &p.user_name {
                check(bad_iam_name(name, limits::MAX_USER_NAME), "userName");
            }
        }
        Operation::AttachUserPolicy(p) | Operation::DetachUserPolicy(p) => {
            check(arn(&p.policy_arn), "policyArn");
            check(
                bad_iam_name(&p.user_name, limits::MAX_USER_NAME),
                "userName",
            );
        }
        Operation::PutPlaybackConfiguration(p) => {
            check(bad_playback_name(&p.name), "Name");
            check(
                p.video_content_source_url.as_deref().is_some_and(bad_url),
                "VideoContentSourceUrl",
            );
            check(
                p.ad_decision_server_url.as_deref().is_some_and(bad_url),
                "AdDecisionServerUrl",
            );
            check(p.slate_ad_url.as_deref().is_some_and(bad_url), "SlateAdUrl");
            check(p.tags.as_ref().is_some_and(bad_playback_tags), "tags");
            v.extend(bad_settings(p));
        }
        Operation::TagResource(p) => {
            check(out_of(&p.resource_arn, 1, limits::MAX_URL), "ResourceArn");
            check(bad_playback_tags(&p.tags), "tags");
        }
        Operation::UntagResource(p) => {
            check(out_of(&p.resource_arn, 1, limits::MAX_URL), "ResourceArn");
            check(
                p.tag_keys.is_empty()
                    || p.tag_keys.len() > limits::MAX_TAGS
                    || p.tag_keys.iter().any(|k| {
                        out_of(k, 1, limits::MAX_TAG_KEY) || k.chars().any(char::is_control)
                    }),
                "tagKeys",
            );
        }
        Operation::ListTagsForResource(p) => {
            check(out_of(&p.resource_arn, 1, limits::MAX_URL), "ResourceArn");
        }
        Operation::GetPlaybackConfiguration(p) | Operation::DeletePlaybackConfiguration(p) => {
            check(bad_playback_name(&p.name), "Name");
        }
        Operation::ListPlaybackConfigurations(p) => {
            check(
                p.max_results
                    .is_some_and(|m| outside(m, 1, limits::MAX_LIST_PLAYBACK)),
                "MaxResults",
            );
            check(
                p.next_token
                    .as_deref()
                    .is_some_and(|t| out_of(t, 1, limits::MAX_PLAYBACK_NAME)),
                "NextToken",
            );
        }
        Operation::ConfigureLogsForPlaybackConfiguration(p) => {
            check(
                bad_playback_name(&p.playback_configuration_name),
                "PlaybackConfigurationName",
            );
            check(outside(p.percent_enabled, 0, 100), "PercentEnabled");
            check(
                p.enabled_logging_strategies.as_ref().is_some_and(|l| {
                    let mut d = l.clone();
                    d.sort();
                    d.dedup();
                    d.len() != l.len()
                        || l.iter()
                            .any(|s| s != "VENDED_LOGS" && s != "LEGACY_CLOUDWATCH")
                }),
                "EnabledLoggingStrategies",
            );
            check(
                p.ads_interaction_log.as_ref().is_some_and(bad_event_types),
                "AdsInteractionLog",
            );
            check(
                p.manifest_service_interaction_log
                    .as_ref()
                    .is_some_and(bad_event_types),
                "ManifestServiceInteractionLog",
            );
        }
        Operation::DescribeLogGroups(p) => {
            check(
                p.limit
                    .is_some_and(|l| outside(l, 1, limits::MAX_LOGS_PAGE)),
                "limit",
            );
            check(
                p.log_group_name_prefix
                    .as_deref()
                    .is_some_and(|s| chars(s) > 512),
                "logGroupNamePrefix",
            );
            check(
                p.next_token.as_deref().is_some_and(|t| out_of(t, 1, 512)),
                "nextToken",
            );
        }
        Operation::GetLogEvents(p) => {
            check(
                p.log_group_name
                    .as_deref()
                    .is_some_and(|n| out_of(n, 1, 512)),
                "logGroupName",
            );
            // The model's pattern for a stream name: no `:` or `*`.
            check(
                out_of(&p.log_stream_name, 1, 512) || p.log_stream_name.contains([':', '*']),
                "logStreamName",
            );
            check(
                p.limit
                    .is_some_and(|l| outside(l, 1, limits::MAX_EVENTS_PAGE)),
                "limit",
            );
            check(p.start_time.is_some_and(|t| t < 0), "startTime");
        }
        Operation::FilterLogEvents(p) => {
            check(
                p.log_group_name
                    .as_deref()
                    .is_some_and(|n| out_of(n, 1, 512)),
                "logGroupName",
            );
            check(
                p.limit
                    .is_some_and(|l| outside(l, 1, limits::MAX_EVENTS_PAGE)),
                "limit",
            );
            check(
                p.filter_pattern
                    .as_deref()
                    .is_some_and(|f| chars(f) > limits::MAX_FILTER_PATTERN || f.starts_with('?')),
                "filterPattern|filter pattern",
            );
            // The model's pattern for stream names, `[^:*]*`, applies to the prefix too.
            check(
                p.log_stream_name_prefix
                    .as_deref()
                    .is_some_and(|s| out_of(s, 1, 512) || s.contains([':', '*'])),
                "logStreamNamePrefix",
            );
        }
        Operation::DescribeLogStreams(p) => {
            check(
                p.log_group_name
                    .as_deref()
                    .is_some_and(|n| out_of(n, 1, 512)),
                "logGroupName",
            );
            check(
                p.limit
                    .is_some_and(|l| outside(l, 1, limits::MAX_LOGS_PAGE)),
                "limit",
            );
            check(
                p.log_stream_name_prefix
                    .as_deref()
                    .is_some_and(|s| chars(s) > 512),
                "logStreamNamePrefix",
            );
            check(
                p.next_token.as_deref().is_some_and(|t| out_of(t, 1, 512)),
                "nextToken",
            );
        }
    }
    v
}

/// The setup every case starts from: users `alice` (administrator) and `bob` (MediaTailor, CloudWatch
/// Logs reads and IAM reads), the ordinary role `app`, the playback configuration `live` with logging
/// at 50% (so the service-linked role exists), some delivered logs, and a failed deletion task.
fn setup_lines() -> Vec<String> {
    vec![
        line("CreateUser", json!({"UserName": "alice"})),
        line(
            "AttachUserPolicy",
            json!({"UserName": "alice", "PolicyArn": ADMIN_ARN}),
        ),
        line("CreateUser", json!({"UserName": "bob"})),
        line(
            "PutUserPolicy",
            json!({"UserName": "bob", "PolicyName": "inline", "PolicyDocument": BOB_POLICY}),
        ),
        line(
            "CreateRole",
            json!({"RoleName": "app", "AssumeRolePolicyDocument": EC2_TRUST}),
        ),
        line(
            "PutPlaybackConfiguration",
            json!({"Name": "live", "VideoContentSourceUrl": "https://origin.example.com"}),
        ),
        line(
            "ConfigureLogsForPlaybackConfiguration",
            json!({"PlaybackConfigurationName": "live", "PercentEnabled": 50}),
        ),
        line(
            "ServeSessions",
            json!({"PlaybackConfigurationName": "live", "Sessions": 10, "LogMode": "DEBUG"}),
        ),
        line("DeleteServiceLinkedRole", json!({"RoleName": SLR})),
        line("AdvanceClock", json!({"Seconds": 60})),
    ]
}

/// Executes `action` and checks it: recorded under the next number; accepted only if it breaks no
/// limit; refused with an AWS-shaped error that changes nothing and, when the address and caller are
/// good, names a field that is bad.
fn execute_checked(sim: &mut Simulator, action: Action) -> Result<(), TestCaseError> {
    let before = sim.state().hash();
    let seq = sim.next_seq();
    let bad = violations(&action.op);
    let strict = strict_only(&action.op);
    let address_ok = slrsim::core::decide::is_account_id(&action.account)
        && catalog::is_aws_region(&action.region)
        && (action.op.spec().service != slrsim::core::operation::Service::MediaTailor
            || catalog::is_mediatailor_region(&action.region));
    let caller_ok = action.op.is_simulation()
        || action.caller == ROOT
        || sim
            .state()
            .account(&action.account)
            .users
            .contains_key(&action.caller);
    let what = short(&scenario::to_line(&action));
    let is_create_role = matches!(action.op, Operation::CreateRole(_));
    let is_logs = action.op.spec().service == slrsim::core::operation::Service::Logs;
    let rec = sim
        .execute(action)
        .map_err(|e| TestCaseError::fail(format!("storage failed on {what}: {e}")))?;
    prop_assert_eq!(rec.seq, seq);
    prop_assert_eq!(
        sim.next_seq(),
        seq + 1,
        "every action is recorded: {}",
        what
    );
    match &rec.outcome {
        Outcome::Ok { .. } => {
            prop_assert!(
                bad.is_empty(),
                "accepted although {:?} break their limits: {}",
                bad,
                what
            );
        }
        Outcome::Error { error, .. } => {
            prop_assert!(!error.code.as_str().is_empty());
            prop_assert!(!error.message.trim().is_empty(), "empty message: {}", what);
            prop_assert!(
                (400..=599).contains(&error.status),
                "status {}: {}",
                error.status,
                what
            );
            // CloudWatch Logs' AccessDeniedException is HTTP 400 (awsJson1.1), MediaTailor's 403.
            let logs_denied = is_logs && error.code == ErrorCode::AccessDeniedException;
            prop_assert_eq!(
                error.status,
                if logs_denied {
                    400
                } else {
                    error.code.status()
                }
            );
            prop_assert!(
                chars(&error.message) <= MAX_MESSAGE_CHARS,
                "a {}-character message for {}: {}",
                chars(&error.message),
                what,
                short(&error.message)
            );
            prop_assert_eq!(
                sim.state().hash(),
                before,
                "refused ({}), yet the state changed: {}",
                error,
                what
            );
            // CreateRole checks the trust policy's content between the limits of the names and those
            // of the description, duration and tags: a malformed document may be reported first.
            let excused = is_create_role && error.code == ErrorCode::MalformedPolicyDocument;
            if !bad.is_empty() && address_ok && caller_ok && !excused {
                let message = error.message.to_ascii_lowercase();
                prop_assert!(
                    bad.iter()
                        .chain(&strict)
                        .flat_map(|f| f.split('|'))
                        .any(|f| message.contains(&f.to_ascii_lowercase())),
                    "the error names none of the bad fields {:?}: {} for {}",
                    bad,
                    error,
                    what
                );
            }
        }
    }
    Ok(())
}

/// How an action reaches the simulator: as built (hostile account, region and caller included), or
/// as a scenario line, perhaps with one value replaced by one of another type.
#[derive(Debug, Clone)]
enum Route {
    Direct,
    Line(Option<(Index, Value)>),
}

fn route() -> BoxedStrategy<Route> {
    prop_oneof![
        2 => Just(Route::Direct),
        1 => Just(Route::Line(None)),
        1 => (any::<Index>(), hostile_json()).prop_map(|(i, v)| Route::Line(Some((i, v)))),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(config(128))]

    /// Hostile parameters for every operation, each case on its own sled database in a temp directory
    /// (after a setup that makes the usual names exist): see `execute_checked`. At the end, the log
    /// verifies (hash chain, re-decided outcomes, replay = live).
    #[test]
    fn hostile_parameters_are_refused_cleanly_or_accepted_within_limits(
        steps in prop::collection::vec((address(), operation(), route()), 1..12)
    ) {
        let mut t = TestSim::new();
        for l in setup_lines() {
            t.ok(&l);
        }
        for ((account, region, caller), op, route) in steps {
            let action = Action { account, caller, region, op };
            match route {
                Route::Direct => execute_checked(&mut t.sim, action)?,
                Route::Line(edit) => {
                    let mut text = scenario::to_line(&action).into_bytes();
                    if let Some((i, v)) = edit {
                        text = mutate(&text, &Mutation::Replace(i, v));
                    }
                    match parse_checked(&text)? {
                        Ok(sc) => {
                            for (_, a) in sc.actions {
                                execute_checked(&mut t.sim, a)?;
                            }
                        }
                        Err(e) => prop_assert_eq!(e.line, 1),
                    }
                }
            }
        }
        t.sim.flush().map_err(|e| TestCaseError::fail(format!("flush: {e}")))?;
        let v = replay::verify(t.sim.store()).map_err(|e| TestCaseError::fail(format!("verify: {e}")))?;
        prop_assert!(v.problem.is_none(), "verify found {:?}", v.problem);
        prop_assert_eq!(v.records, t.sim.next_seq());
        prop_assert_eq!(&v.state_hash, &t.sim.state().hash());
    }
}

/// The generator above reaches every operation (so a new one cannot be forgotten: `violations` has no
/// wildcard arm either).
#[test]
fn the_hostile_generator_reaches_every_operation() {
    let mut runner = TestRunner::deterministic();
    let strategy = operation();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..600 {
        let op = strategy.new_tree(&mut runner).expect("a value").current();
        seen.insert(op.name());
    }
    let missing: Vec<_> = OP_NAMES.iter().filter(|n| !seen.contains(*n)).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}

// ---------------------------------------------------------------------------------------------------
// The command line: a malformed Nth line appends nothing
// ---------------------------------------------------------------------------------------------------

/// `slrsim --db DB ARGS...`, with `stdin` on standard input if given (killed if it hangs).
fn slrsim(db: &Path, args: &[&str], stdin: Option<&[u8]>) -> Out {
    exec(command(db, args), stdin.map(<[u8]>::to_vec))
}

/// `log --json`, which must succeed.
fn log_json(db: &Path) -> String {
    let out = slrsim(db, &["log", "--json"], None);
    assert_eq!(out.code, Some(0), "log --json: {}", out.stderr);
    out.stdout
}

/// A database with a few records, in its own temp dir.
fn cli_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("slrsim.db");
    let file = dir.path().join("setup.jsonl");
    std::fs::write(&file, setup_lines().join("\n")).expect("write setup");
    let out = slrsim(&db, &["run", file.to_str().expect("UTF-8 path")], None);
    assert_eq!(out.code, Some(0), "setup run: {}", out.stderr);
    (dir, db)
}

/// Checks one malformed scenario (`what` is wrong with it) through a file and through standard input:
/// exit 2, stderr names `line`, nothing printed, nothing appended.
fn refused_whole(
    what: &str,
    dir: &Path,
    db: &Path,
    text: &[u8],
    line: usize,
    before: &str,
) -> Result<(), TestCaseError> {
    let file = dir.join("scenario.jsonl");
    std::fs::write(&file, text).expect("write scenario");
    let file = file.to_str().expect("UTF-8 path");
    for (how, out) in [
        ("file", slrsim(db, &["run", file], None)),
        ("stdin", slrsim(db, &["run", "-"], Some(text))),
    ] {
        let err = out.stderr.clone();
        let how = format!("{what} at line {line}, through {how}");
        prop_assert_eq!(out.code, Some(2), "{}: {}", how, short(&err));
        prop_assert!(!err.contains("panicked"), "{}: {}", how, short(&err));
        prop_assert!(
            err.contains(&format!("line {line}:")),
            "{}: stderr should name the line: {}",
            how,
            short(&err)
        );
        prop_assert!(
            out.stdout.is_empty(),
            "{}: {}",
            how,
            short_bytes(out.stdout.as_bytes())
        );
    }
    prop_assert_eq!(
        log_json(db),
        before,
        "{} at line {}: nothing was appended",
        what,
        line
    );
    Ok(())
}

/// A line `slrsim run` must refuse, whatever line it is: (what, bytes).
fn malformed_line() -> BoxedStrategy<(String, Vec<u8>)> {
    prop_oneof![
        Just((
            "not JSON".to_string(),
            b"{\"op\":\"GetRole\",\"params\":{".to_vec()
        )),
        Just((
            "unknown op".to_string(),
            br#"{"op":"GetRoles","params":{"RoleName":"a"}}"#.to_vec()
        )),
        Just((
            "unknown field".to_string(),
            br#"{"op":"GetRole","params":{"RoleName":"a","X":1}}"#.to_vec()
        )),
        Just((
            "wrong type".to_string(),
            br#"{"op":"AdvanceClock","params":{"Seconds":"60"}}"#.to_vec()
        )),
        Just((
            "missing parameter".to_string(),
            br#"{"op":"GetRole","params":{}}"#.to_vec()
        )),
        Just((
            "bad account".to_string(),
            br#"{"op":"GetRole","account":"123","params":{"RoleName":"a"}}"#.to_vec()
        )),
        Just((
            "bad region".to_string(),
            br#"{"op":"GetRole","region":"mars-1","params":{"RoleName":"a"}}"#.to_vec()
        )),
        Just((
            "Genesis".to_string(),
            br#"{"op":"Genesis","params":{"Seed":1,"Start":0}}"#.to_vec()
        )),
        Just(("bad header".to_string(), br#"{"seed":-1}"#.to_vec())),
        Just(("array".to_string(), b"[1,2,3]".to_vec())),
        Just((
            "invalid UTF-8".to_string(),
            b"{\"op\":\"GetRole\",\"params\":{\"RoleName\":\"\xff\"}}".to_vec()
        )),
        Just((
            "NUL".to_string(),
            b"{\"op\":\"GetRole\",\0\"params\":{\"RoleName\":\"a\"}}".to_vec()
        )),
        Just((
            "deep nesting".to_string(),
            format!("{}{}", "[".repeat(1000), "]".repeat(1000)).into_bytes()
        )),
        Just((
            "huge number".to_string(),
            br#"{"op":"AdvanceClock","params":{"Seconds":99999999999999999999999}}"#.to_vec()
        )),
        Just(("over the line limit".to_string(), {
            let pre = r#"{"op":"GetRole","params":{"RoleName":""#;
            let post = r#""}}"#;
            format!(
                "{pre}{}{post}",
                "x".repeat(limits::MAX_LINE_BYTES + 1 - pre.len() - post.len())
            )
            .into_bytes()
        })),
    ]
    .boxed()
}

/// `slrsim run` on scenarios of valid generated lines with one malformed line at a random place
/// (through a file and through standard input): exit 2, the line named, nothing appended.
#[test]
fn run_with_a_malformed_nth_line_appends_nothing() {
    let (dir, db) = cli_db();
    let before = log_json(&db);
    let mut runner = TestRunner::new(Config {
        max_shrink_iters: 32,
        ..config(10)
    });
    let strategy = (
        any::<u64>(),
        1usize..12,
        any::<Index>(),
        malformed_line(),
        any::<bool>(),
    );
    let result = runner.run(&strategy, |(seed, n, at, (what, bad), crlf)| {
        let mut lines: Vec<Vec<u8>> = slrsim::testing::reference::generate(seed % 1000)
            .take(n)
            .map(|a| scenario::to_line(&a).into_bytes())
            .collect();
        let k = at.index(lines.len() + 1);
        lines.insert(k, bad);
        let sep: &[u8] = if crlf { b"\r\n" } else { b"\n" };
        let text = lines.join(sep);
        refused_whole(&what, dir.path(), &db, &text, k + 1, &before)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let out = slrsim(&db, &["verify"], None);
    assert_eq!(out.code, Some(0), "verify: {}", out.stderr);
}

/// A line over the limit in the middle of a scenario is named by its number (the other tests put it
/// first); a line of exactly the limit followed by CRLF is taken, through a file and standard input.
#[test]
fn a_line_over_the_limit_in_the_middle_is_named_and_one_at_the_limit_with_crlf_is_taken() {
    let (dir, db) = cli_db();
    let before = log_json(&db);
    let ok = line("GetRole", json!({"RoleName": "app"}));
    // Trailing white space is trimmed after the length check: it counts, but costs nothing to store.
    let too_long = padded(&ok, limits::MAX_LINE_BYTES + 1);
    let text = [ok.as_str(), &ok, &ok, &too_long, &ok].join("\n");
    let what = "a line one byte over the limit";
    if let Err(e) = refused_whole(what, dir.path(), &db, text.as_bytes(), 4, &before) {
        panic!("{e}");
    }
    // Exactly the limit, then CRLF, in the middle: taken.
    let at_limit = padded(&ok, limits::MAX_LINE_BYTES);
    let text = format!("{ok}\r\n{at_limit}\r\n{ok}\r\n");
    let file = dir.path().join("at-limit.jsonl");
    std::fs::write(&file, &text).expect("write");
    for out in [
        slrsim(&db, &["run", file.to_str().expect("UTF-8")], None),
        slrsim(&db, &["run", "-"], Some(text.as_bytes())),
    ] {
        assert_eq!(out.code, Some(0), "{}", short(&out.stderr));
        assert_eq!(out.stdout.lines().count(), 3);
    }
}

// ---------------------------------------------------------------------------------------------------
// Each limit: exactly at it is accepted (where AWS accepts it), one over is refused naming the field
// ---------------------------------------------------------------------------------------------------

/// Runs `line`, which must be accepted.
#[track_caller]
fn accepted(t: &mut TestSim, l: &str) -> Value {
    match t.call(l) {
        Ok(v) => v,
        Err(e) => panic!("expected {} to be accepted, got {e}", short(l)),
    }
}

/// Runs `line`, which must be refused with a 400 naming `field`; the refusal is recorded and changes
/// nothing.
#[track_caller]
fn refused_naming(t: &mut TestSim, l: &str, field: &str) -> ApiError {
    let before = t.sim.state().hash();
    let seq = t.sim.next_seq();
    let e = match t.call(l) {
        Ok(v) => panic!(
            "expected {} to be refused, got {}",
            short(l),
            short(&v.to_string())
        ),
        Err(e) => e,
    };
    assert_eq!(e.status, 400, "{}: {e}", short(l));
    assert!(
        e.message.contains(field),
        "the error for {} should name `{field}`: {}",
        short(l),
        short(&e.message)
    );
    assert!(
        chars(&e.message) <= MAX_MESSAGE_CHARS,
        "{}",
        short(&e.message)
    );
    assert_eq!(t.sim.state().hash(), before, "a refusal changes nothing");
    assert_eq!(t.sim.next_seq(), seq + 1, "a refusal is recorded");
    e
}

/// Runs `line`, which passes validation but is refused by a rule of the service with `code`.
#[track_caller]
fn refused_with(t: &mut TestSim, l: &str, code: ErrorCode) -> ApiError {
    let e = match t.call(l) {
        Ok(v) => panic!(
            "expected {} to be refused, got {}",
            short(l),
            short(&v.to_string())
        ),
        Err(e) => e,
    };
    assert_eq!(e.code, code, "{}: {e}", short(l));
    e
}

fn create_role_line(name: &str, extra: Value) -> String {
    let mut params = json!({"RoleName": name, "AssumeRolePolicyDocument": EC2_TRUST});
    if let (Some(p), Value::Object(more)) = (params.as_object_mut(), extra) {
        p.extend(more);
    }
    line("CreateRole", params)
}

#[test]
fn role_names_of_64_are_taken_and_65_refused_naming_role_name() {
    let mut t = TestSim::new();
    let at = "r".repeat(limits::MAX_ROLE_NAME);
    let over = "r".repeat(limits::MAX_ROLE_NAME + 1);
    assert_eq!(
        accepted(&mut t, &create_role_line(&at, json!({})))["Role"]["RoleName"],
        at
    );
    accepted(
        &mut t,
        &line(
            "UpdateRoleDescription",
            json!({"RoleName": at, "Description": "d"}),
        ),
    );
    accepted(
        &mut t,
        &line(
            "TagRole",
            json!({"RoleName": at, "Tags": [{"Key": "k", "Value": "v"}]}),
        ),
    );
    accepted(
        &mut t,
        &line("ListAttachedRolePolicies", json!({"RoleName": at})),
    );
    refused_naming(&mut t, &create_role_line(&over, json!({})), "roleName");
    for (op, params) in [
        ("DeleteRole", json!({"RoleName": over})),
        (
            "UpdateRoleDescription",
            json!({"RoleName": over, "Description": "d"}),
        ),
        ("UpdateRole", json!({"RoleName": over, "Description": "d"})),
        ("TagRole", json!({"RoleName": over, "Tags": []})),
        (
            "UpdateAssumeRolePolicy",
            json!({"RoleName": over, "PolicyDocument": EC2_TRUST}),
        ),
        (
            "AttachRolePolicy",
            json!({"RoleName": over, "PolicyArn": ADMIN_ARN}),
        ),
        (
            "DetachRolePolicy",
            json!({"RoleName": over, "PolicyArn": ADMIN_ARN}),
        ),
        (
            "PutRolePolicy",
            json!({"RoleName": over, "PolicyName": "p", "PolicyDocument": ALLOW_ALL}),
        ),
        (
            "DeleteRolePolicy",
            json!({"RoleName": over, "PolicyName": "p"}),
        ),
        (
            "PutRolePermissionsBoundary",
            json!({"RoleName": over, "PermissionsBoundary": ADMIN_ARN}),
        ),
        ("ListAttachedRolePolicies", json!({"RoleName": over})),
        ("DeleteServiceLinkedRole", json!({"RoleName": over})),
    ] {
        refused_naming(&mut t, &line(op, params), "roleName");
    }
    accepted(&mut t, &line("DeleteRole", json!({"RoleName": at})));
}

#[test]
fn user_names_and_callers_of_64_are_taken_and_65_refused_naming_the_field() {
    let mut t = TestSim::new();
    let at = "u".repeat(limits::MAX_USER_NAME);
    let over = "u".repeat(limits::MAX_USER_NAME + 1);
    accepted(&mut t, &line("CreateUser", json!({"UserName": at})));
    accepted(
        &mut t,
        &line(
            "AttachUserPolicy",
            json!({"UserName": at, "PolicyArn": ADMIN_ARN}),
        ),
    );
    // The 64-character user can call.
    let by_user =
        json!({"op": "GetRole", "caller": at, "params": {"RoleName": "nope"}}).to_string();
    assert_eq!(
        refused_with(&mut t, &by_user, ErrorCode::NoSuchEntity).status,
        404
    );
    refused_naming(
        &mut t,
        &line("CreateUser", json!({"UserName": over})),
        "userName",
    );
    for (op, params) in [
        (
            "PutUserPolicy",
            json!({"UserName": over, "PolicyName": "p", "PolicyDocument": ALLOW_ALL}),
        ),
        (
            "DeleteUserPolicy",
            json!({"UserName": over, "PolicyName": "p"}),
        ),
        (
            "AttachUserPolicy",
            json!({"UserName": over, "PolicyArn": ADMIN_ARN}),
        ),
        (
            "DetachUserPolicy",
            json!({"UserName": over, "PolicyArn": ADMIN_ARN}),
        ),
    ] {
        refused_naming(&mut t, &line(op, params), "userName");
    }
    // A 65-character caller is malformed input, named as `caller`.
    let text = json!({"op": "GetRole", "caller": over, "params": {"RoleName": "a"}}).to_string();
    let e = scenario::parse(text.as_bytes()).expect_err("a 65-character caller");
    assert_eq!(e.line, 1);
    assert!(e.message.contains("`caller`"), "{}", e.message);
}

#[test]
fn policy_names_of_128_are_taken_and_129_refused_naming_policy_name() {
    let mut t = TestSim::new();
    t.ok(&create_role_line("app", json!({})));
    t.ok(&line("CreateUser", json!({"UserName": "alice"})));
    let at = "p".repeat(limits::MAX_POLICY_NAME);
    let over = "p".repeat(limits::MAX_POLICY_NAME + 1);
    for (put, del, who) in [
        (
            "PutRolePolicy",
            "DeleteRolePolicy",
            json!({"RoleName": "app"}),
        ),
        (
            "PutUserPolicy",
            "DeleteUserPolicy",
            json!({"UserName": "alice"}),
        ),
    ] {
        let with = |name: &str, doc: Option<&str>| {
            let mut p = who.clone();
            p["PolicyName"] = json!(name);
            if let Some(d) = doc {
                p["PolicyDocument"] = json!(d);
            }
            p
        };
        accepted(&mut t, &line(put, with(&at, Some(ALLOW_ALL))));
        refused_naming(
            &mut t,
            &line(put, with(&over, Some(ALLOW_ALL))),
            "policyName",
        );
        refused_naming(&mut t, &line(del, with(&over, None)), "policyName");
        accepted(&mut t, &line(del, with(&at, None)));
    }
}

#[test]
fn paths_of_512_are_taken_and_513_refused_naming_the_field() {
    let mut t = TestSim::new();
    let path = |n: usize| format!("/{}/", "p".repeat(n - 2));
    let at = path(limits::MAX_PATH);
    let over = path(limits::MAX_PATH + 1);
    assert_eq!(at.len(), limits::MAX_PATH);
    let role = accepted(&mut t, &create_role_line("app", json!({"Path": at})));
    assert_eq!(role["Role"]["Path"], at);
    refused_naming(
        &mut t,
        &create_role_line("other", json!({"Path": over})),
        "path",
    );
    accepted(
        &mut t,
        &line("CreateUser", json!({"UserName": "alice", "Path": at})),
    );
    refused_naming(
        &mut t,
        &line("CreateUser", json!({"UserName": "bob", "Path": over})),
        "path",
    );
    let list = accepted(&mut t, &line("ListRoles", json!({"PathPrefix": at})));
    assert_eq!(list["Roles"][0]["RoleName"], "app");
    refused_naming(
        &mut t,
        &line("ListRoles", json!({"PathPrefix": over})),
        "pathPrefix",
    );
}

#[test]
fn descriptions_of_1000_characters_are_taken_and_1001_refused_naming_description() {
    let mut t = TestSim::new();
    // Two bytes each: the limit counts characters.
    let at = "é".repeat(limits::MAX_DESCRIPTION);
    let over = "é".repeat(limits::MAX_DESCRIPTION + 1);
    let role = accepted(&mut t, &create_role_line("app", json!({"Description": at})));
    assert_eq!(role["Role"]["Description"], at);
    refused_naming(
        &mut t,
        &create_role_line("other", json!({"Description": over})),
        "description",
    );
    accepted(
        &mut t,
        &line("UpdateRole", json!({"RoleName": "app", "Description": at})),
    );
    refused_naming(
        &mut t,
        &line(
            "UpdateRole",
            json!({"RoleName": "app", "Description": over}),
        ),
        "description",
    );
    accepted(
        &mut t,
        &line(
            "UpdateRoleDescription",
            json!({"RoleName": "app", "Description": at}),
        ),
    );
}

#[test]
fn tags_at_their_limits_are_taken_and_one_over_refused_naming_tags() {
    let mut t = TestSim::new();
    let many = |n: usize| -> Value {
        (0..n)
            .map(|i| json!({"Key": format!("k{i}"), "Value": "v"}))
            .collect()
    };
    // Count, through CreateRole (TagRole's count is tested in iam_rules.rs).
    accepted(
        &mut t,
        &create_role_line("app", json!({"Tags": many(limits::MAX_TAGS)})),
    );
    refused_naming(
        &mut t,
        &create_role_line("other", json!({"Tags": many(limits::MAX_TAGS + 1)})),
        "tags",
    );
    // Key and value lengths, through CreateRole and TagRole.
    accepted(&mut t, &create_role_line("plain", json!({})));
    let key_at = "k".repeat(limits::MAX_TAG_KEY);
    let key_over = "k".repeat(limits::MAX_TAG_KEY + 1);
    let value_at = "v".repeat(limits::MAX_TAG_VALUE);
    let value_over = "v".repeat(limits::MAX_TAG_VALUE + 1);
    let tag = |k: &str, v: &str| json!([{"Key": k, "Value": v}]);
    accepted(
        &mut t,
        &line(
            "TagRole",
            json!({"RoleName": "plain", "Tags": tag(&key_at, &value_at)}),
        ),
    );
    accepted(
        &mut t,
        &create_role_line("tagged", json!({"Tags": tag(&key_at, &value_at)})),
    );
    for (tags, field) in [
        (tag(&key_over, "v"), "tags.member.key"),
        (tag("k", &value_over), "tags.member.value"),
        (tag("", "v"), "tags.member.key"),
    ] {
        refused_naming(
            &mut t,
            &line(
                "TagRole",
                json!({"RoleName": "plain", "Tags": tags.clone()}),
            ),
            field,
        );
        refused_naming(
            &mut t,
            &create_role_line("other", json!({"Tags": tags})),
            field,
        );
    }
}

#[test]
fn service_name_and_custom_suffix_at_their_limits_pass_validation() {
    // One over each is refused naming the field in iam_rules.rs; exactly at the limit the value is
    // well-formed, and the refusal is the business rule's (AWS takes neither for MediaTailor).
    let mut t = TestSim::new();
    let e = refused_with(
        &mut t,
        &line(
            "CreateServiceLinkedRole",
            json!({"AWSServiceName": "a".repeat(limits::MAX_SERVICE_NAME)}),
        ),
        ErrorCode::InvalidInput,
    );
    assert!(e.message.contains("Invalid service name"), "{e}");
    let e = refused_with(
        &mut t,
        &line(
            "CreateServiceLinkedRole",
            json!({"AWSServiceName": catalog::MEDIATAILOR_SERVICE, "CustomSuffix": "s".repeat(limits::MAX_CUSTOM_SUFFIX)}),
        ),
        ErrorCode::InvalidInput,
    );
    assert!(e.message.contains("Custom suffix"), "{e}");
    assert!(t.sim.state().account(DEFAULT_ACCOUNT).roles.is_empty());
}

#[test]
fn policy_documents_of_131072_characters_are_taken_and_131073_refused_naming_the_field() {
    let mut t = TestSim::new();
    t.ok(&create_role_line("app", json!({})));
    t.ok(&line("CreateUser", json!({"UserName": "alice"})));
    let at = padded(ALLOW_ALL, limits::MAX_POLICY_DOCUMENT);
    let over = padded(ALLOW_ALL, limits::MAX_POLICY_DOCUMENT + 1);
    let trust_at = padded(EC2_TRUST, limits::MAX_POLICY_DOCUMENT);
    let trust_over = padded(EC2_TRUST, limits::MAX_POLICY_DOCUMENT + 1);
    for (who, op) in [
        (json!({"RoleName": "app"}), "PutRolePolicy"),
        (json!({"UserName": "alice"}), "PutUserPolicy"),
    ] {
        let mut p = who.clone();
        p["PolicyName"] = json!("big");
        p["PolicyDocument"] = json!(at);
        accepted(&mut t, &line(op, p.clone()));
        p["PolicyDocument"] = json!(over);
        refused_naming(&mut t, &line(op, p), "policyDocument");
    }
    accepted(
        &mut t,
        &line(
            "CreateRole",
            json!({"RoleName": "trusting", "AssumeRolePolicyDocument": trust_at}),
        ),
    );
    refused_naming(
        &mut t,
        &line(
            "CreateRole",
            json!({"RoleName": "other", "AssumeRolePolicyDocument": trust_over}),
        ),
        "assumeRolePolicyDocument",
    );
    accepted(
        &mut t,
        &line(
            "UpdateAssumeRolePolicy",
            json!({"RoleName": "app", "PolicyDocument": trust_at}),
        ),
    );
    refused_naming(
        &mut t,
        &line(
            "UpdateAssumeRolePolicy",
            json!({"RoleName": "app", "PolicyDocument": trust_over}),
        ),
        "policyDocument",
    );
}

#[test]
fn policy_arns_of_2048_pass_validation_and_2049_are_refused_naming_the_field() {
    let mut t = TestSim::new();
    t.ok(&create_role_line("app", json!({})));
    t.ok(&line("CreateUser", json!({"UserName": "alice"})));
    let arn = |n: usize| {
        let pre = "arn:aws:iam::aws:policy/";
        format!("{pre}{}", "P".repeat(n - pre.len()))
    };
    let at = arn(2048);
    let over = arn(2049);
    for (op, who) in [
        ("AttachRolePolicy", json!({"RoleName": "app"})),
        ("DetachRolePolicy", json!({"RoleName": "app"})),
        ("AttachUserPolicy", json!({"UserName": "alice"})),
        ("DetachUserPolicy", json!({"UserName": "alice"})),
    ] {
        let mut p = who.clone();
        p["PolicyArn"] = json!(at);
        refused_with(&mut t, &line(op, p.clone()), ErrorCode::NoSuchEntity);
        p["PolicyArn"] = json!(over);
        refused_naming(&mut t, &line(op, p), "policyArn");
    }
    refused_with(
        &mut t,
        &line(
            "PutRolePermissionsBoundary",
            json!({"RoleName": "app", "PermissionsBoundary": at}),
        ),
        ErrorCode::NoSuchEntity,
    );
    // The parameter is PermissionsBoundary: AWS's message names 'permissionsBoundary'.
    refused_naming(
        &mut t,
        &line(
            "PutRolePermissionsBoundary",
            json!({"RoleName": "app", "PermissionsBoundary": over}),
        ),
        "'permissionsBoundary'",
    );
}

#[test]
fn urls_of_2048_characters_are_taken_and_2049_refused_naming_the_field() {
    let mut t = TestSim::new();
    let url = |n: usize| format!("https://{}", "u".repeat(n - "https://".len()));
    for field in ["VideoContentSourceUrl", "AdDecisionServerUrl", "SlateAdUrl"] {
        let c = accepted(
            &mut t,
            &line(
                "PutPlaybackConfiguration",
                json!({"Name": "live", field: url(limits::MAX_URL)}),
            ),
        );
        assert_eq!(c[field], url(limits::MAX_URL));
        refused_naming(
            &mut t,
            &line(
                "PutPlaybackConfiguration",
                json!({"Name": "live", field: url(limits::MAX_URL + 1)}),
            ),
            field,
        );
    }
}

#[test]
fn playback_names_of_512_are_taken_and_513_refused_naming_the_field() {
    let mut t = TestSim::new();
    let at = "n".repeat(limits::MAX_PLAYBACK_NAME);
    let over = "n".repeat(limits::MAX_PLAYBACK_NAME + 1);
    accepted(
        &mut t,
        &line("PutPlaybackConfiguration", json!({"Name": at})),
    );
    accepted(
        &mut t,
        &line("GetPlaybackConfiguration", json!({"Name": at})),
    );
    accepted(
        &mut t,
        &line(
            "ConfigureLogsForPlaybackConfiguration",
            json!({"PlaybackConfigurationName": at, "PercentEnabled": 100}),
        ),
    );
    accepted(
        &mut t,
        &line(
            "ServeSessions",
            json!({"PlaybackConfigurationName": at, "Sessions": 3, "LogMode": "DEBUG"}),
        ),
    );
    // The stream is named after the configuration: a 512-character name is a valid stream prefix.
    let streams = accepted(
        &mut t,
        &line(
            "DescribeLogStreams",
            json!({"logGroupName": catalog::LOG_GROUP_MANIFEST, "logStreamNamePrefix": at}),
        ),
    );
    assert_eq!(streams["logStreams"][0]["logStreamName"], at);
    let listed = accepted(
        &mut t,
        &line("ListPlaybackConfigurations", json!({"NextToken": at})),
    );
    assert_eq!(listed["Items"][0]["Name"], at);
    for (op, params, field) in [
        ("PutPlaybackConfiguration", json!({"Name": over}), "Name"),
        ("GetPlaybackConfiguration", json!({"Name": over}), "Name"),
        ("DeletePlaybackConfiguration", json!({"Name": over}), "Name"),
        (
            "ConfigureLogsForPlaybackConfiguration",
            json!({"PlaybackConfigurationName": over, "PercentEnabled": 0}),
            "PlaybackConfigurationName",
        ),
        (
            "ServeSessions",
            json!({"PlaybackConfigurationName": over, "Sessions": 1}),
            "PlaybackConfigurationName",
        ),
        (
            "ListPlaybackConfigurations",
            json!({"NextToken": over}),
            "NextToken",
        ),
    ] {
        refused_naming(&mut t, &line(op, params), field);
    }
    accepted(
        &mut t,
        &line(
            "ConfigureLogsForPlaybackConfiguration",
            json!({"PlaybackConfigurationName": at, "PercentEnabled": 0}),
        ),
    );
    accepted(
        &mut t,
        &line("DeletePlaybackConfiguration", json!({"Name": at})),
    );
}

#[test]
fn sessions_and_advance_seconds_at_their_limits_are_taken_and_one_over_refused() {
    let mut t = TestSim::new();
    t.ok(&line("PutPlaybackConfiguration", json!({"Name": "live"})));
    t.ok(&line(
        "ConfigureLogsForPlaybackConfiguration",
        json!({"PlaybackConfigurationName": "live", "PercentEnabled": 100}),
    ));
    let serve = |n: i64| {
        line(
            "ServeSessions",
            json!({"PlaybackConfigurationName": "live", "Sessions": n}),
        )
    };
    refused_naming(&mut t, &serve(limits::MAX_SESSIONS + 1), "Sessions");
    refused_naming(&mut t, &serve(-1), "Sessions");
    accepted(&mut t, &serve(limits::MAX_SESSIONS));
    let advance = |s: i64| line("AdvanceClock", json!({"Seconds": s}));
    refused_naming(&mut t, &advance(limits::MAX_ADVANCE_SECONDS + 1), "Seconds");
    refused_naming(&mut t, &advance(-1), "Seconds");
    let before = t.sim.state().now;
    accepted(&mut t, &advance(limits::MAX_ADVANCE_SECONDS));
    assert_eq!(t.sim.state().now, before + limits::MAX_ADVANCE_SECONDS);
}

#[test]
fn page_sizes_at_their_limits_are_taken_and_one_over_refused_naming_the_field() {
    // ListRoles' MaxItems is tested at both ends in iam_rules.rs.
    let mut t = TestSim::new();
    t.ok(&line("PutPlaybackConfiguration", json!({"Name": "live"})));
    t.ok(&line(
        "ConfigureLogsForPlaybackConfiguration",
        json!({"PlaybackConfigurationName": "live", "PercentEnabled": 100}),
    ));
    t.ok(&line(
        "ServeSessions",
        json!({"PlaybackConfigurationName": "live", "Sessions": 1, "LogMode": "DEBUG"}),
    ));
    accepted(
        &mut t,
        &line(
            "ListPlaybackConfigurations",
            json!({"MaxResults": limits::MAX_LIST_PLAYBACK}),
        ),
    );
    refused_naming(
        &mut t,
        &line(
            "ListPlaybackConfigurations",
            json!({"MaxResults": limits::MAX_LIST_PLAYBACK + 1}),
        ),
        "MaxResults",
    );
    let groups = accepted(
        &mut t,
        &line("DescribeLogGroups", json!({"limit": limits::MAX_LOGS_PAGE})),
    );
    assert_eq!(groups["logGroups"].as_array().map(Vec::len), Some(2));
    refused_naming(
        &mut t,
        &line(
            "DescribeLogGroups",
            json!({"limit": limits::MAX_LOGS_PAGE + 1}),
        ),
        "'limit'",
    );
    accepted(
        &mut t,
        &line(
            "DescribeLogStreams",
            json!({"logGroupName": catalog::LOG_GROUP_ADS, "limit": limits::MAX_LOGS_PAGE}),
        ),
    );
    refused_naming(
        &mut t,
        &line(
            "DescribeLogStreams",
            json!({"logGroupName": catalog::LOG_GROUP_ADS, "limit": limits::MAX_LOGS_PAGE + 1}),
        ),
        "'limit'",
    );
}

#[test]
fn tokens_and_names_fixed_in_the_handlers_at_their_limits() {
    // ListRoles Marker 1..=320, the deletion task id 1..=1000, CloudWatch Logs names and tokens 1..=512.
    let mut t = TestSim::new();
    t.ok(&create_role_line("app", json!({})));
    accepted(
        &mut t,
        &line("ListRoles", json!({"Marker": "m".repeat(320)})),
    );
    refused_naming(
        &mut t,
        &line("ListRoles", json!({"Marker": "m".repeat(321)})),
        "'marker'",
    );
    let id = |n: usize| {
        format!(
            "{}{}",
            catalog::DELETION_TASK_PREFIX,
            "0".repeat(n - catalog::DELETION_TASK_PREFIX.len())
        )
    };
    refused_with(
        &mut t,
        &line(
            "GetServiceLinkedRoleDeletionStatus",
            json!({"DeletionTaskId": id(1000)}),
        ),
        ErrorCode::NoSuchEntity,
    );
    refused_naming(
        &mut t,
        &line(
            "GetServiceLinkedRoleDeletionStatus",
            json!({"DeletionTaskId": id(1001)}),
        ),
        "'deletionTaskId'",
    );
    let name = |n: usize| "g".repeat(n);
    refused_with(
        &mut t,
        &line("DescribeLogStreams", json!({"logGroupName": name(512)})),
        ErrorCode::ResourceNotFoundException,
    );
    refused_naming(
        &mut t,
        &line("DescribeLogStreams", json!({"logGroupName": name(513)})),
        "'logGroupName'",
    );
    for (op, params, field) in [
        (
            "DescribeLogGroups",
            json!({"logGroupNamePrefix": "x"}),
            "logGroupNamePrefix",
        ),
        ("DescribeLogGroups", json!({}), "nextToken"),
        (
            "DescribeLogStreams",
            json!({"logGroupName": catalog::LOG_GROUP_ADS}),
            "logStreamNamePrefix",
        ),
        (
            "DescribeLogStreams",
            json!({"logGroupName": catalog::LOG_GROUP_ADS}),
            "nextToken",
        ),
    ] {
        let with = |n: usize| {
            let mut p = params.clone();
            p[field] = json!(name(n));
            line(op, p)
        };
        let r = t.call(&with(512));
        assert!(
            !matches!(&r, Err(e) if e.code == ErrorCode::InvalidParameterException),
            "{op} {field} of 512: {r:?}"
        );
        refused_naming(&mut t, &with(513), &format!("'{field}'"));
    }
}

#[test]
fn the_header_takes_the_clock_limits_and_refuses_a_second_past_them() {
    for start in ["2000-01-01T00:00:00Z", "9999-12-31T23:59:59Z"] {
        let text = format!(r#"{{"seed":18446744073709551615,"start":"{start}"}}"#);
        let sc = scenario::parse(text.as_bytes()).expect("a header at the clock's limits");
        let g = sc.genesis.expect("a header");
        assert!(g.start == limits::MIN_TIME || g.start == limits::MAX_TIME);
        assert_eq!(g.seed, u64::MAX);
    }
    for text in [
        r#"{"start":"1999-12-31T23:59:59Z"}"#,
        r#"{"start":"+10000-01-01T00:00:00Z"}"#,
        r#"{"seed":18446744073709551616}"#,
        r#"{"seed":-1}"#,
    ] {
        let e = scenario::parse(text.as_bytes()).expect_err(text);
        assert_eq!(e.line, 1);
        let field = if text.contains("seed") {
            "`seed`"
        } else {
            "`start`"
        };
        assert!(e.message.contains(field), "{text}: {}", e.message);
    }
}

// ---------------------------------------------------------------------------------------------------
// What the errors for hostile input say
// ---------------------------------------------------------------------------------------------------

/// A malformed line's message is about the line, not a copy of it: a value of 100 kB in any slot is
/// cut (as `validate::shown` cuts values in AWS errors), so that stderr stays readable.
#[test]
fn scenario_errors_do_not_echo_a_huge_value_whole() {
    let big = "x".repeat(100_000);
    let cases = [
        json!({"op": [big]}),
        json!({"op": "GetRole", "account": [big], "params": {"RoleName": "a"}}),
        json!({"op": "GetRole", "region": {"r": big}, "params": {"RoleName": "a"}}),
        json!({"op": "GetRole", "caller": [big], "params": {"RoleName": "a"}}),
        json!({"op": "GetRole", "params": [big]}),
        json!({"seed": 1, "start": [big]}),
        json!({"seed": big}),
        json!({"op": "AdvanceClock", "params": {"Seconds": big}}),
        json!({"op": "GetRole", "params": {"RoleName": "a", big.clone(): 1}}),
        json!({"op": "GetRole", "params": {"RoleName": [big]}}),
    ];
    let mut long = Vec::new();
    for c in &cases {
        let e = scenario::parse(c.to_string().as_bytes()).expect_err("malformed");
        assert_eq!(e.line, 1);
        if e.message.len() > MAX_MESSAGE_CHARS {
            long.push(format!("{} bytes: {}", e.message.len(), short(&e.message)));
        }
    }
    assert!(
        long.is_empty(),
        "{} of {} messages copy the whole value:\n{}",
        long.len(),
        cases.len(),
        long.join("\n")
    );
}

/// A parameter of the wrong JSON type is reported with the parameter's name, as an unknown or missing
/// one is: "invalid type: integer `5`, expected a string" alone does not say which of a call's
/// parameters is wrong.
#[test]
fn a_parameter_of_the_wrong_type_is_named() {
    let cases = [
        (
            json!({"op": "GetRole", "params": {"RoleName": 5}}),
            "RoleName",
        ),
        (
            json!({"op": "CreateRole", "params": {"RoleName": "a", "AssumeRolePolicyDocument": "{}", "MaxSessionDuration": "3600"}}),
            "MaxSessionDuration",
        ),
        (
            json!({"op": "TagRole", "params": {"RoleName": "a", "Tags": [{"Key": 1, "Value": "v"}]}}),
            "Key",
        ),
        (
            json!({"op": "AdvanceClock", "params": {"Seconds": 1.5}}),
            "Seconds",
        ),
        (
            json!({"op": "ConfigureLogsForPlaybackConfiguration", "params": {"PlaybackConfigurationName": "a", "PercentEnabled": 5, "AdsInteractionLog": {"ExcludeEventTypes": [1]}}}),
            "ExcludeEventTypes",
        ),
    ];
    let mut unnamed = Vec::new();
    for (c, field) in &cases {
        let e = scenario::parse(c.to_string().as_bytes()).expect_err("a wrong type");
        assert_eq!(e.line, 1);
        if !e.message.contains(field) {
            unnamed.push(format!("{field}: {}", e.message));
        }
    }
    assert!(
        unnamed.is_empty(),
        "{} of {} wrong-type errors do not name the parameter:\n{}",
        unnamed.len(),
        cases.len(),
        unnamed.join("\n")
    );
}

/// ListRoles' PathPrefix must match the pattern slrsim's own message quotes
/// (`\u002F[\u0021-\u007F]*`): control characters, spaces and non-ASCII are refused, as AWS does.
#[test]
fn list_roles_refuses_a_path_prefix_outside_its_pattern() {
    let mut t = TestSim::new();
    t.ok(&create_role_line("app", json!({})));
    let mut accepted_bad = Vec::new();
    for prefix in ["/a b/", "/\u{0}", "/\u{1b}[31m", "/é/", "/\n"] {
        match t.call(&line("ListRoles", json!({"PathPrefix": prefix}))) {
            Err(e) if e.code == ErrorCode::ValidationError && e.message.contains("pathPrefix") => {}
            other => accepted_bad.push(format!("{prefix:?}: {other:?}")),
        }
    }
    assert!(
        accepted_bad.is_empty(),
        "path prefixes outside the pattern were not refused:\n{}",
        accepted_bad.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------------
// The record decoder
// ---------------------------------------------------------------------------------------------------

/// Real stored record bodies (without their hash), from a generated history.
fn record_bodies() -> &'static [Vec<u8>] {
    static BODIES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    BODIES.get_or_init(|| {
        let mut sim = Simulator::temporary(slrsim::Genesis::default()).expect("temporary sim");
        for a in slrsim::testing::reference::generate(3).take(40) {
            sim.execute(a).expect("storage works");
        }
        (0..sim.next_seq())
            .map(|s| {
                let v = sim.store().get(s).expect("read").expect("stored");
                v[HASH_LEN..].to_vec()
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(config(256))]

    /// Stored values that are random, or real record bodies mutated and re-chained (so the hash check
    /// passes and the JSON decoder and the schema upcast are reached): `record::decode` returns a
    /// record with the asked number or `Corrupt` naming it, and never panics.
    #[test]
    fn damaged_records_never_panic_the_decoder(
        pick in any::<Index>(),
        muts in prop::collection::vec(mutation(), 0..4),
        random in prop::collection::vec(any::<u8>(), 0..256),
        use_random in any::<bool>(),
        rechain in any::<bool>(),
        seq in 0u64..45,
    ) {
        let prev = record::genesis_hash();
        let body = if use_random {
            random
        } else {
            let bodies = record_bodies();
            let mut b = bodies[pick.index(bodies.len())].clone();
            for m in &muts {
                b = mutate(&b, m);
            }
            b
        };
        let value = if rechain {
            let mut v = record::chain_hash(&prev, &body).to_vec();
            v.extend_from_slice(&body);
            v
        } else {
            body
        };
        match record::decode(seq, &value, &prev) {
            Ok((rec, hash)) => {
                prop_assert_eq!(rec.seq, seq);
                prop_assert_eq!(hash, record::chain_hash(&prev, &value[HASH_LEN..]));
            }
            Err(StoreError::Corrupt { seq: s, detail }) => {
                prop_assert_eq!(s, seq);
                prop_assert!(!detail.is_empty());
            }
            Err(other) => prop_assert!(false, "not Corrupt: {}", other),
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// slrsim serve: hostile HTTP requests
// ---------------------------------------------------------------------------------------------------

fn http_request() -> BoxedStrategy<slrsim::aws::server::protocol::HttpRequest> {
    let method = select(vec!["GET", "POST", "PUT", "DELETE", "PATCH", "get", ""]);
    let path = prop_oneof![
        select(vec![
            "/",
            "/playbackConfiguration",
            "/playbackConfiguration/live",
            "/playbackConfiguration/%FF%FE",
            "/playbackConfigurations?MaxResults=abc",
            "/playbackConfigurations?MaxResults=5&NextToken=x&Extra=1",
            "/configureLogs/playbackConfiguration",
            "/_slrsim/advance?seconds=9999999999999999999",
            "/_slrsim/sessions",
            "/_slrsim/status",
            "/_slrsim/state?at=-1",
            "/_slrsim/log?from=18446744073709551615&to=0",
            "/_slrsim/explain?task=",
            "/_slrsim/",
            "//",
            "/?Action=GetRole",
        ])
        .prop_map(String::from),
        "/[ -~]{0,80}",
    ];
    let header = prop_oneof![
        select(vec![
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAX/20261128/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAX/20261128/xx-nowhere-9/logs/aws4_request, SignedHeaders=host, Signature=0000000000000000000000000000000000000000000000000000000000000000"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=/////, SignedHeaders=, Signature=zz"),
            ("Authorization", "Basic dXNlcjpwYXNz"),
            ("X-Amz-Target", "Logs_20140328.DescribeLogGroups"),
            ("X-Amz-Target", "Logs_20140328.DeleteEverything"),
            ("X-Amz-Target", "AWSCognitoIdentityService.ListPools"),
            ("X-Amz-Date", "20261128T000000Z"),
            ("X-Amz-Date", "yesterday"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ])
        .prop_map(|(n, v)| (n.to_string(), v.to_string())),
        ("[A-Za-z-]{1,20}", "[ -~]{0,200}"),
    ];
    let body = prop_oneof![
        select(vec![
            "Action=GetRole&RoleName=AWSServiceRoleForMediaTailor&Version=2010-05-08",
            "Action=GetCallerIdentity&Version=2011-06-15",
            "Action=ListRoles&Version=2010-05-08&MaxItems=-1",
            "Action=TagRole&Version=2010-05-08&RoleName=r&Tags.member.99999.Key=a",
            "Action=&Version=",
            "Action=DeleteEverything&Version=2010-05-08",
            "{\"Name\":\"live\",\"AdDecisionServerUrl\":\"https://a\",\"VideoContentSourceUrl\":\"https://v\"}",
            "{\"PlaybackConfigurationName\":\"live\",\"PercentEnabled\":1e400}",
            "{\"PlaybackConfigurationName\":\"live\",\"Sessions\":-1}",
            "[1,2,3]",
            "{",
        ])
        .prop_map(|b| b.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..300),
    ];
    (method, path, prop::collection::vec(header, 0..6), body)
        .prop_map(
            |(method, uri, headers, body)| slrsim::aws::server::protocol::HttpRequest {
                method: method.to_string(),
                uri,
                headers,
                body,
            },
        )
        .boxed()
}

proptest! {
    #![proptest_config(config(256))]

    /// Whatever a client sends, the server makes exactly one action of it (control calls included),
    /// recording it never fails, a refusal's record keeps within its limits and says something, and
    /// the identity used is the one proven (or nobody).
    #[test]
    fn hostile_http_requests_become_exactly_one_recorded_action(
        req in http_request(),
        proven in any::<bool>(),
    ) {
        use slrsim::aws::server::protocol::{self, Control, Principal};
        let mut t = TestSim::new();
        let before = t.sim.next_seq();
        let action = if req.path().starts_with(protocol::CONTROL_PREFIX) {
            match protocol::control(&req) {
                Control::Execute(a) | Control::Refused(a) => Some(a),
                // Reads: answered, never recorded.
                Control::Status | Control::Inspect(_) | Control::BadRead(_) | Control::Page(_) => None,
            }
        } else {
            let auth = req.authorization().and_then(Result::ok);
            let service = protocol::route(&req, auth.as_ref());
            let identity = if proven {
                Ok((
                    Principal { account: "111122223333".into(), caller: "root".into() },
                    slrsim::aws::sigv4::Verified {
                        access_key: "AKIAX".into(),
                        region: "us-east-1".into(),
                        service: service.map_or("iam", |s| s.signing_name()).into(),
                    },
                ))
            } else {
                Err(ApiError::new(ErrorCode::SignatureDoesNotMatch, "bad signature"))
            };
            let p = protocol::prepare(&req, service, auth.as_ref(), identity);
            if !proven {
                prop_assert!(matches!(p.action.op, Operation::RefusedRequest(_)));
                prop_assert_eq!(&p.action.caller, protocol::ANONYMOUS);
            }
            Some(p.action)
        };
        let Some(action) = action else { return Ok(()) };
        if let Operation::RefusedRequest(r) = &action.op {
            prop_assert!(r.service.len() <= limits::MAX_REFUSAL_FIELD);
            prop_assert!(r.operation.as_ref().is_none_or(|o| o.len() <= limits::MAX_REFUSAL_FIELD));
            prop_assert!(r.message.len() <= limits::MAX_REFUSAL_MESSAGE);
            prop_assert!(!r.message.trim().is_empty());
        }
        let answered = match &action.op {
            Operation::RefusedRequest(r) => Some((r.code, r.message.clone())),
            _ => None,
        };
        let rec = t.sim.execute(action).map_err(|e| TestCaseError::fail(format!("storage: {e}")))?;
        prop_assert_eq!(rec.seq, before);
        prop_assert_eq!(t.sim.next_seq(), before + 1);
        if let Some((code, message)) = answered {
            // Recorded with exactly the error it was answered (never refused for its own size).
            match &rec.outcome {
                Outcome::Error { error, .. } => {
                    prop_assert_eq!(error.code, code);
                    prop_assert_eq!(&error.message, &message);
                    prop_assert_eq!(error.status, code.status());
                }
                Outcome::Ok { .. } => prop_assert!(false, "a refusal was accepted"),
            }
        }
    }
}
