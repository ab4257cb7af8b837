//! The golden logs: logs written by an earlier slrsim, committed under `tests/golden/`, that every later
//! version must still read, replay, verify and re-decide to the same outcomes, byte for byte.
//!
//! Each file holds one record per line, `<seq> <chain hash, 64 hex> <JSON body exactly as stored>`, so
//! the stored schema is pinned without depending on sled's own file format. The test loads the values
//! into a fresh sled database through the public `Store` API and checks them there, as any reader would.
//! If a future change of the schema makes this test fail, the fix is an upcaster in `record.rs` that
//! reads these files, never regenerated files (tests/golden/README.md).

use crate::support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use slrsim::core::apply::apply_mut;
use slrsim::core::outcome::Outcome;
use slrsim::log::record::{self, HASH_LEN, Record};
use slrsim::log::replay;
use slrsim::log::store::Store;
use slrsim::{Action, Event, Genesis, Operation, Simulator, State};

/// Where the golden files live.
fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// One golden log and the records in it that were made by hand and so do not re-decide.
struct Golden {
    name: &'static str,
    hand_made: &'static [u64],
}

const GOLDEN: [Golden; 12] = [
    // `slrsim demo`'s log.
    Golden {
        name: "demo",
        hand_made: &[],
    },
    // `reference::generate(GENERATED_SEED)` plus the hand-written actions of `extra_actions`.
    Golden {
        name: "generated",
        hand_made: &[],
    },
    // The one event the API cannot produce today (`LogDeliveryLost`: a log configuration enabled without
    // the role). Record 1 was edited by hand to enable logging without the role, as a log from another
    // version could; every other record is what slrsim decides, so it re-decides.
    Golden {
        name: "lost-delivery",
        hand_made: &[1],
    },
    // `iam_3_lines`: the IAM calls tools make around a role and its managed policies, accepted and
    // refused (rules 3).
    Golden {
        name: "iam-3",
        hand_made: &[],
    },
    // Rules 3: MediaTailor's logs read back (GetLogEvents, FilterLogEvents), debug log mode, a
    // VENDED_LOGS-only configuration, and DescribeLogGroups/DescribeLogStreams' parameters.
    Golden {
        name: "logs-3",
        hand_made: &[],
    },
    // MediaTailor's whole playback configuration and its tagging calls, as the awsmt Terraform
    // provider makes them (rules 3).
    Golden {
        name: "mediatailor-3",
        hand_made: &[],
    },
    // `iam2_3_lines`: the members of newer IAM models (sign-in session durations, boundaries and tags
    // given at creation, ListAttachedRolePolicies' path prefix and paging), accepted and refused.
    Golden {
        name: "iam2-3",
        hand_made: &[],
    },
    // `consistency_3_lines`: IAM reads lagging behind writes (`SetConsistency`): a new role not seen
    // yet, then seen; a deleted one still seen, then gone.
    Golden {
        name: "consistency-3",
        hand_made: &[],
    },
    // `throttle_3_lines`: throttling set, refused and turned off; a call of each protocol throttled
    // and let through again as simulated time refills its bucket.
    Golden {
        name: "throttle-3",
        hand_made: &[],
    },
    // `viewers_3_lines`: viewers watching as time passes (`SetViewers`): their sessions logged and
    // delivered through the role, so its deletion fails while logging is on and for five minutes
    // after, then succeeds.
    Golden {
        name: "viewers-3",
        hand_made: &[],
    },
    // `stale_updates_3_lines`: changes to a role read late (`SetConsistency` with `Updates`).
    Golden {
        name: "stale-updates-3",
        hand_made: &[],
    },
    // `faults_3_lines`: faults refused and set; an internal error of each protocol, short and empty
    // pages followed to the end, a slow deletion that fails for a service reason, then succeeds.
    Golden {
        name: "faults-3",
        hand_made: &[],
    },
];

/// The generator's seed and length for `generated.log`.
const GENERATED_SEED: u64 = 20_260_101;
const GENERATED_ACTIONS: usize = 3000;

// The lists of every event kind and every operation come from one macro each, which also writes an
// exhaustive `match`: a new variant does not compile until it is listed here, and once listed, the
// coverage test fails until a golden log holds it.
macro_rules! event_kinds {
    ($($k:ident),* $(,)?) => {
        const ALL_EVENT_KINDS: &[&str] = &[$(stringify!($k)),*];
        #[allow(dead_code, reason = "never called: its exhaustive match makes the compiler check the list is whole")]
        fn every_event_kind_is_listed(e: &Event) {
            match e {
                $(Event::$k { .. } => {})*
            }
        }
    };
}

macro_rules! operations {
    ($($k:ident),* $(,)?) => {
        const ALL_OPERATIONS: &[&str] = &[$(stringify!($k)),*];
        #[allow(dead_code, reason = "never called: its exhaustive match makes the compiler check the list is whole")]
        fn every_operation_is_listed(o: &Operation) {
            match o {
                $(Operation::$k(..) => {})*
            }
        }
    };
}

event_kinds!(
    Initialized,
    ClockAdvanced,
    AccountHistorySet,
    ConsistencySet,
    ViewersSet,
    ViewersWatched,
    UserCreated,
    AccessKeyCreated,
    UserPolicyPut,
    UserPolicyDeleted,
    UserPolicyAttached,
    UserPolicyDetached,
    RoleCreated,
    RoleDeleted,
    RoleDescriptionUpdated,
    RoleMaxSessionDurationUpdated,
    RoleMaxSigninSessionDurationUpdated,
    RoleTagged,
    RoleUntagged,
    RoleTrustPolicyUpdated,
    RolePolicyAttached,
    RolePolicyDetached,
    RoleInlinePolicyPut,
    RoleInlinePolicyDeleted,
    RolePermissionsBoundarySet,
    RoleUsed,
    DeletionTaskCreated,
    DeletionTaskStarted,
    DeletionTaskSucceeded,
    DeletionTaskForgotten,
    DeletionTaskFailed,
    PlaybackConfigurationPut,
    PlaybackConfigurationDeleted,
    LogConfigurationSet,
    PlaybackConfigurationTagsSet,
    SessionsServed,
    LogGroupCreated,
    LogStreamCreated,
    LogEventsPut,
    LogDeliveryLost,
    ThrottlingSet,
    ThrottleTokenTaken,
    FaultsSet,
    FaultInjected,
    DeletionTaskFaulted,
);

operations!(
    Genesis,
    AdvanceClock,
    ServeSessions,
    SetAccountHistory,
    SetConsistency,
    SetViewers,
    SetThrottling,
    SetFaults,
    RefusedRequest,
    CreateServiceLinkedRole,
    DeleteServiceLinkedRole,
    GetServiceLinkedRoleDeletionStatus,
    GetRole,
    ListRoles,
    UpdateRoleDescription,
    UpdateRole,
    TagRole,
    CreateRole,
    DeleteRole,
    UpdateAssumeRolePolicy,
    AttachRolePolicy,
    DetachRolePolicy,
    PutRolePolicy,
    DeleteRolePolicy,
    PutRolePermissionsBoundary,
    ListAttachedRolePolicies,
    ListRoleTags,
    UntagRole,
    ListRolePolicies,
    GetRolePolicy,
    ListInstanceProfilesForRole,
    GetPolicy,
    GetPolicyVersion,
    ListPolicyVersions,
    ListEntitiesForPolicy,
    CreateUser,
    CreateAccessKey,
    PutUserPolicy,
    DeleteUserPolicy,
    AttachUserPolicy,
    DetachUserPolicy,
    GetCallerIdentity,
    PutPlaybackConfiguration,
    GetPlaybackConfiguration,
    ListPlaybackConfigurations,
    DeletePlaybackConfiguration,
    ConfigureLogsForPlaybackConfiguration,
    TagResource,
    UntagResource,
    ListTagsForResource,
    DescribeLogGroups,
    DescribeLogStreams,
    GetLogEvents,
    FilterLogEvents,
);

/// One line of a golden file.
struct Line {
    seq: u64,
    hash: [u8; HASH_LEN],
    body: Vec<u8>,
}

impl Line {
    /// The value as sled stores it: hash, then body.
    fn value(&self) -> Vec<u8> {
        let mut v = self.hash.to_vec();
        v.extend_from_slice(&self.body);
        v
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<[u8; HASH_LEN]> {
    if s.len() != 2 * HASH_LEN || !s.is_ascii() {
        return None;
    }
    let mut out = [0; HASH_LEN];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn log_path(name: &str) -> PathBuf {
    golden_dir().join(format!("{name}.log"))
}

fn state_hash_path(name: &str) -> PathBuf {
    golden_dir().join(format!("{name}.state-hash"))
}

fn read_golden(name: &str) -> Vec<Line> {
    let path = log_path(name);
    let text = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("cannot read the golden log {}: {e}", path.display()));
    text.split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| {
            let bad = |why: &str| -> ! { panic!("{}:{}: {why}", path.display(), i + 1) };
            let mut parts = l.splitn(3, |b| *b == b' ');
            let (Some(seq), Some(hash), Some(body)) = (parts.next(), parts.next(), parts.next())
            else {
                bad("not `<seq> <hash> <body>`")
            };
            let seq = std::str::from_utf8(seq)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| bad("the sequence number is not a number"));
            let hash = std::str::from_utf8(hash)
                .ok()
                .and_then(unhex)
                .unwrap_or_else(|| bad("the hash is not 64 hex digits"));
            Line {
                seq,
                hash,
                body: body.to_vec(),
            }
        })
        .collect()
}

fn read_state_hash(name: &str) -> String {
    let path = state_hash_path(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .trim()
        .to_string()
}

/// Loads a golden log into a fresh sled database in a temp directory, through `Store::append`, and
/// records the golden state hash as the live state at the last flush (so `verify` compares the replay
/// with it, as it does for any database).
fn load(name: &str, lines: &[Line], state_hash: &str) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("db")).expect("open a fresh sled database");
    for l in lines {
        store
            .append(l.seq, &l.value())
            .unwrap_or_else(|e| panic!("{name}: record {} does not append: {e}", l.seq));
    }
    let last = lines.last().map_or(0, |l| l.seq);
    let live = serde_json::json!({"seq": last, "state_hash": state_hash});
    store
        .set_meta(slrsim::log::meta::META_LIVE, live.to_string().as_bytes())
        .expect("set meta");
    store.flush().expect("flush");
    (dir, store)
}

/// Every check of one golden log; returns its decoded records for the coverage check.
fn check(g: &Golden) -> Vec<Record> {
    let name = g.name;
    let lines = read_golden(name);
    let expected_hash = read_state_hash(name);
    assert!(!lines.is_empty(), "{name}: the golden log is empty");
    let (_dir, store) = load(name, &lines, &expected_hash);

    // Every record reads back as stored, decodes, holds the chain, and re-encodes to the same bytes.
    let mut records = Vec::with_capacity(lines.len());
    let mut prev = record::genesis_hash();
    let mut stored = store.iter_from(0);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(
            l.seq,
            i as u64,
            "{name}: line {} holds record {}",
            i + 1,
            l.seq
        );
        let (seq, value) = stored
            .next()
            .unwrap_or_else(|| panic!("{name}: record {i} is missing from sled"))
            .expect("read");
        assert_eq!(seq, l.seq);
        assert!(
            value.as_ref() == l.value().as_slice(),
            "{name}: sled gave back other bytes for record {seq}"
        );
        let (rec, hash) = record::decode(seq, &value, &prev)
            .unwrap_or_else(|e| panic!("{name}: record {seq} does not decode: {e}"));
        assert_eq!(
            hash, l.hash,
            "{name}: record {seq}: the chain does not hold"
        );
        let (again, again_hash) = record::encode(&rec, &prev).expect("encode");
        assert!(
            again == l.value(),
            "{name}: record {seq} re-encodes to other bytes than the golden ones: today's encoder no longer writes the golden schema (add an upcaster and keep reading these files)\n golden: {}\n now:    {}",
            String::from_utf8_lossy(&l.body),
            String::from_utf8_lossy(again.get(HASH_LEN..).unwrap_or_default()),
        );
        assert_eq!(again_hash, l.hash);
        prev = hash;
        records.push(rec);
    }
    assert!(stored.next().is_none(), "{name}: sled holds more records");
    drop(stored);

    // Re-deciding each action against the state before it gives exactly the stored outcome, as the
    // rules it was decided by have changed since (`core::rules::upgrade`).
    let rules = records.first().map_or(1, replay::rules_of);
    let mut state = State::default();
    for rec in &records {
        let checked = replay::check_redecided(&state, rec, rules);
        if g.hand_made.contains(&rec.seq) {
            // The list of edited records must stay exact: an edit that re-decides pins nothing.
            assert!(
                checked.is_err(),
                "{name}: record {} is listed as edited by hand but re-decides to its outcome",
                rec.seq
            );
        } else {
            assert_eq!(
                slrsim::core::decide::action_time(&state, &rec.action),
                rec.time,
                "{name}: record {} ({}): its time is not the clock's",
                rec.seq,
                rec.action.op.name()
            );
            if let Err(differ) = checked {
                let (logged, now) = *differ;
                panic!(
                    "{name}: record {} ({}) re-decides to another outcome\n logged (upgraded): {}\n now:    {}",
                    rec.seq,
                    rec.action.op.name(),
                    serde_json::to_string(&logged).unwrap_or_default(),
                    serde_json::to_string(&now).unwrap_or_default(),
                );
            }
        }
        for e in rec.outcome.events() {
            apply_mut(&mut state, e);
        }
    }
    assert_eq!(
        state.hash(),
        expected_hash,
        "{name}: the state folded from the golden events is not the golden state"
    );

    // verify: the chain, every re-decision, and the replay against the recorded live state.
    let v = replay::verify(&store).expect("verify runs");
    assert_eq!(
        v.records,
        lines.len() as u64,
        "{name}: verify read another count"
    );
    match g.hand_made.first() {
        None => assert_eq!(v.problem, None, "{name}: verify found a problem"),
        Some(first) => assert_eq!(
            v.problem.as_ref().map(|p| p.0),
            Some(*first),
            "{name}: verify must name the hand-made record, and only it: {:?}",
            v.problem
        ),
    }
    assert_eq!(
        v.state_hash, expected_hash,
        "{name}: verify's replayed state"
    );

    // Replay from genesis, and from the snapshots verify rebuilt.
    let r = replay::replay(&store, None).expect("replay");
    assert_eq!(r.state.hash(), expected_hash, "{name}: replayed state");
    assert_eq!(r.next_seq, lines.len() as u64);
    assert_eq!(r.last_hash, prev);
    let at = replay::state_at(&store, None).expect("state_at");
    assert_eq!(at.state.hash(), expected_hash, "{name}: state_at");
    records
}

/// The golden log of that name.
fn golden(name: &str) -> &'static Golden {
    GOLDEN
        .iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("no golden log named {name}"))
}

#[test]
fn the_demo_golden_log_replays_verifies_and_re_decides_byte_for_byte() {
    check(golden("demo"));
}

#[test]
fn the_generated_golden_log_replays_verifies_and_re_decides_byte_for_byte() {
    check(golden("generated"));
}

#[test]
fn the_hand_made_golden_log_replays_and_re_decides_after_its_edit() {
    check(golden("lost-delivery"));
}

#[test]
fn the_iam_3_golden_log_replays_verifies_and_re_decides_byte_for_byte() {
    check(golden("iam-3"));
}

#[test]
fn the_logs_3_golden_log_replays_verifies_and_re_decides_byte_for_byte() {
    check(golden("logs-3"));
}

#[test]
fn the_mediatailor_3_golden_log_replays_verifies_and_re_decides_byte_for_byte() {
    check(golden("mediatailor-3"));
}

#[test]
fn the_iam2_3_golden_log_replays_verifies_and_re_decides_byte_for_byte() {
    check(golden("iam2-3"));
}

#[test]
fn the_consistency_3_golden_log_replays_verifies_and_re_decides_byte_for_byte() {
    check(golden("consistency-3"));
}

#[test]
fn the_throttle_3_golden_log_replays_verifies_and_re_decides_byte_for_byte() {
    check(golden("throttle-3"));
}

#[test]
fn the_viewers_3_golden_log_replays_verifies_and_re_decides_byte_for_byte() {
    check(golden("viewers-3"));
}

#[test]
fn the_stale_updates_3_golden_log_replays_verifies_and_re_decides_byte_for_byte() {
    check(golden("stale-updates-3"));
}

#[test]
fn the_faults_3_golden_log_replays_verifies_and_re_decides_byte_for_byte() {
    check(golden("faults-3"));
}

/// Every golden log has its test above (a new one needs its own, so a failure names the log).
#[test]
fn every_golden_log_has_its_test() {
    let text = include_str!("golden.rs");
    for g in &GOLDEN {
        assert!(
            text.contains(&format!("check(golden(\"{}\"))", g.name)),
            "golden log {} has no test of its own",
            g.name
        );
    }
}

/// Operations that can be only one way, so the coverage check asks for them only that way: the genesis
/// record is made once by the simulator and never refused, and a `RefusedRequest` is always refused.
const NEVER_REFUSED: &[&str] = &["Genesis"];
const NEVER_ACCEPTED: &[&str] = &["RefusedRequest"];

/// Every event kind, and every operation both accepted and refused, is in some golden log, so the
/// stored form of each is pinned. Decoding is all this needs, so it reads the files without sled.
#[test]
fn the_golden_logs_hold_every_event_kind_and_every_operation() {
    use std::collections::BTreeSet;
    let mut kinds = BTreeSet::new();
    let mut accepted = BTreeSet::new();
    let mut refused = BTreeSet::new();
    for g in &GOLDEN {
        let mut prev = record::genesis_hash();
        for l in read_golden(g.name) {
            let (rec, hash) = record::decode(l.seq, &l.value(), &prev)
                .unwrap_or_else(|e| panic!("{}: record {} does not decode: {e}", g.name, l.seq));
            prev = hash;
            match &rec.outcome {
                Outcome::Ok { events, .. } => {
                    accepted.insert(rec.action.op.name());
                    kinds.extend(events.iter().map(Event::kind));
                }
                Outcome::Error { events, .. } => {
                    refused.insert(rec.action.op.name());
                    kinds.extend(events.iter().map(Event::kind));
                }
            }
        }
    }
    let missing = |seen: &BTreeSet<&str>, exempt: &[&str]| -> Vec<&str> {
        ALL_OPERATIONS
            .iter()
            .copied()
            .filter(|o| !seen.contains(o) && !exempt.contains(o))
            .collect()
    };
    let missing_kinds: Vec<&str> = ALL_EVENT_KINDS
        .iter()
        .copied()
        .filter(|k| !kinds.contains(k))
        .collect();
    let missing_accepted = missing(&accepted, NEVER_ACCEPTED);
    let missing_refused = missing(&refused, NEVER_REFUSED);
    assert!(
        missing_kinds.is_empty() && missing_accepted.is_empty() && missing_refused.is_empty(),
        "the golden logs lack event kinds {missing_kinds:?}, accepted operations {missing_accepted:?} and refused operations {missing_refused:?}: add a golden log that holds them (tests/golden/README.md), keeping the old ones"
    );
}

// ---------------------------------------------------------------------------------------------------
// Writing the golden files: only for a deliberate new golden log, never to make a failing test pass.

/// Hand-written actions appended to the generated log, for what the generator never does: requests
/// the server refused, access keys, account history, and some refusals.
fn extra_actions() -> Vec<Action> {
    const A: &str = r#""account":"777788889999""#;
    const TRUST: &str = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"#;
    const POLICY: &str = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:GetRole\",\"Resource\":\"*\"}]}"#;
    let lines = [
        format!(
            r#"{{"op":"SetAccountHistory",{A},"params":{{"UsedMediaTailorBeforeSlrSupport":true}}}}"#
        ),
        format!(
            r#"{{"op":"SetAccountHistory",{A},"params":{{"UsedMediaTailorBeforeSlrSupport":false}}}}"#
        ),
        format!(r#"{{"op":"CreateUser",{A},"params":{{"UserName":"ops"}}}}"#),
        format!(r#"{{"op":"CreateAccessKey",{A},"params":{{"UserName":"ops"}}}}"#),
        format!(r#"{{"op":"CreateAccessKey",{A},"params":{{"UserName":"nobody"}}}}"#),
        format!(r#"{{"op":"CreateAccessKey",{A},"caller":"ops","params":{{}}}}"#),
        format!(r#"{{"op":"GetCallerIdentity",{A},"caller":"ops","params":{{}}}}"#),
        format!(
            r#"{{"op":"PutUserPolicy",{A},"params":{{"UserName":"ops","PolicyName":"read","PolicyDocument":"{POLICY}"}}}}"#
        ),
        format!(
            r#"{{"op":"DeleteUserPolicy",{A},"params":{{"UserName":"ops","PolicyName":"read"}}}}"#
        ),
        format!(
            r#"{{"op":"DeleteUserPolicy",{A},"params":{{"UserName":"ops","PolicyName":"read"}}}}"#
        ),
        format!(
            r#"{{"op":"AttachUserPolicy",{A},"params":{{"UserName":"ops","PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}}}"#
        ),
        format!(
            r#"{{"op":"DetachUserPolicy",{A},"params":{{"UserName":"ops","PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}}}"#
        ),
        format!(
            r#"{{"op":"DetachUserPolicy",{A},"params":{{"UserName":"ops","PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}}}"#
        ),
        format!(
            r#"{{"op":"CreateRole",{A},"params":{{"RoleName":"app","AssumeRolePolicyDocument":"{TRUST}","Description":"an application role","Tags":[{{"Key":"team","Value":"video"}}]}}}}"#
        ),
        format!(
            r#"{{"op":"CreateRole",{A},"params":{{"RoleName":"APP","AssumeRolePolicyDocument":"{TRUST}"}}}}"#
        ),
        format!(r#"{{"op":"ListRoles",{A},"params":{{}}}}"#),
        format!(r#"{{"op":"ListRoles",{A},"params":{{"MaxItems":0}}}}"#),
        format!(
            r#"{{"op":"UpdateRole",{A},"params":{{"RoleName":"app","Description":"still an application role","MaxSessionDuration":7200}}}}"#
        ),
        format!(
            r#"{{"op":"UpdateRole",{A},"params":{{"RoleName":"app","MaxSessionDuration":60}}}}"#
        ),
        format!(
            r#"{{"op":"TagRole",{A},"params":{{"RoleName":"app","Tags":[{{"Key":"owner","Value":"ops"}}]}}}}"#
        ),
        format!(
            r#"{{"op":"TagRole",{A},"params":{{"RoleName":"missing","Tags":[{{"Key":"owner","Value":"ops"}}]}}}}"#
        ),
        format!(
            r#"{{"op":"UpdateAssumeRolePolicy",{A},"params":{{"RoleName":"app","PolicyDocument":"{TRUST}"}}}}"#
        ),
        format!(
            r#"{{"op":"AttachRolePolicy",{A},"params":{{"RoleName":"app","PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}}}"#
        ),
        format!(r#"{{"op":"ListAttachedRolePolicies",{A},"params":{{"RoleName":"app"}}}}"#),
        format!(r#"{{"op":"ListAttachedRolePolicies",{A},"params":{{"RoleName":"missing"}}}}"#),
        format!(
            r#"{{"op":"DetachRolePolicy",{A},"params":{{"RoleName":"app","PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}}}"#
        ),
        format!(
            r#"{{"op":"PutRolePolicy",{A},"params":{{"RoleName":"app","PolicyName":"read","PolicyDocument":"{POLICY}"}}}}"#
        ),
        format!(
            r#"{{"op":"DeleteRolePolicy",{A},"params":{{"RoleName":"app","PolicyName":"read"}}}}"#
        ),
        format!(
            r#"{{"op":"PutRolePermissionsBoundary",{A},"params":{{"RoleName":"app","PermissionsBoundary":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}}}"#
        ),
        format!(
            r#"{{"op":"PutRolePermissionsBoundary",{A},"params":{{"RoleName":"app","PermissionsBoundary":"arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy"}}}}"#
        ),
        format!(r#"{{"op":"DeleteRole",{A},"params":{{"RoleName":"app"}}}}"#),
        format!(
            r#"{{"op":"PutPlaybackConfiguration",{A},"params":{{"Name":"ch","VideoContentSourceUrl":"https://origin.example.com/ch","AdDecisionServerUrl":"https://ads.example.com/vast"}}}}"#
        ),
        format!(r#"{{"op":"GetPlaybackConfiguration",{A},"params":{{"Name":"ch"}}}}"#),
        format!(r#"{{"op":"GetPlaybackConfiguration",{A},"params":{{"Name":"none"}}}}"#),
        format!(r#"{{"op":"ListPlaybackConfigurations",{A},"params":{{}}}}"#),
        format!(r#"{{"op":"ListPlaybackConfigurations",{A},"params":{{"MaxResults":0}}}}"#),
        format!(
            r#"{{"op":"ConfigureLogsForPlaybackConfiguration",{A},"params":{{"PlaybackConfigurationName":"ch","PercentEnabled":100}}}}"#
        ),
        format!(
            r#"{{"op":"ServeSessions",{A},"params":{{"PlaybackConfigurationName":"ch","Sessions":3}}}}"#
        ),
        format!(
            r#"{{"op":"DescribeLogStreams",{A},"params":{{"logGroupName":"MediaTailor/AdDecisionServerInteractions"}}}}"#
        ),
        format!(
            r#"{{"op":"DescribeLogStreams",{A},"params":{{"logGroupName":"MediaTailor/None"}}}}"#
        ),
        format!(r#"{{"op":"AdvanceClock",{A},"params":{{"Seconds":-1}}}}"#),
        format!(r#"{{"op":"GetCallerIdentity",{A},"caller":"ghost","params":{{}}}}"#),
        format!(
            r#"{{"op":"PutUserPolicy",{A},"params":{{"UserName":"ops","PolicyName":"bad","PolicyDocument":"{{"}}}}"#
        ),
        format!(
            r#"{{"op":"ServeSessions",{A},"params":{{"PlaybackConfigurationName":"none","Sessions":1}}}}"#
        ),
    ];
    let mut actions: Vec<Action> = lines.iter().map(|l| support::action(l)).collect();
    // The scenario parser refuses a region MediaTailor does not run in before anything is stored, but
    // an `Action` built directly reaches `decide`, which records the refusal: the one way today to see
    // SetAccountHistory refused once the clock is past 2021.
    actions.push(
        Action::root(Operation::SetAccountHistory(
            slrsim::core::action::SetAccountHistoryParams {
                used_media_tailor_before_slr_support: true,
            },
        ))
        .in_account("777788889999")
        .in_region("xx-nowhere-1"),
    );
    actions.push(
        Action::root(Operation::RefusedRequest(
            slrsim::core::action::RefusedRequestParams {
                service: "iam".to_string(),
                operation: Some("GetRole".to_string()),
                access_key_id: Some("AKIAIOSFODNN7EXAMPLE".to_string()),
                code: slrsim::ErrorCode::InvalidClientTokenId,
                message: "The security token included in the request is invalid.".to_string(),
                request: None,
            },
        ))
        .in_account("777788889999"),
    );
    actions
}

/// The stored values of a database, as golden lines.
fn dump(store: &Store) -> Vec<Line> {
    store
        .iter_from(0)
        .map(|item| {
            let (seq, value) = item.expect("read");
            let hash = record::stored_hash(&value).expect("a stored hash");
            Line {
                seq,
                hash,
                body: value.get(HASH_LEN..).unwrap_or_default().to_vec(),
            }
        })
        .collect()
}

fn write_golden(name: &str, lines: &[Line]) {
    let mut text = Vec::new();
    for l in lines {
        text.extend_from_slice(format!("{} {} ", l.seq, hex(&l.hash)).as_bytes());
        text.extend_from_slice(&l.body);
        text.push(b'\n');
    }
    std::fs::write(log_path(name), text).expect("write golden log");
    let mut state = State::default();
    let mut prev = record::genesis_hash();
    for l in lines {
        let (rec, hash) = record::decode(l.seq, &l.value(), &prev).expect("decode");
        prev = hash;
        for e in rec.outcome.events() {
            apply_mut(&mut state, e);
        }
    }
    std::fs::write(state_hash_path(name), format!("{}\n", state.hash())).expect("write state hash");
}

fn demo_lines() -> Vec<Line> {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    let out = support::run::exec(support::run::command(&db, &["demo"]), None);
    assert_eq!(out.code, Some(0), "slrsim demo failed: {}", out.show());
    let store = Store::open(&db).expect("open the demo's database");
    dump(&store)
}

fn generated_lines() -> Vec<Line> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut sim = Simulator::open(&dir.path().join("db"), Some(Genesis::default())).expect("open");
    for a in slrsim::testing::reference::generate(GENERATED_SEED).take(GENERATED_ACTIONS) {
        sim.execute(a).expect("execute");
    }
    for a in extra_actions() {
        sim.execute(a).expect("execute");
    }
    sim.flush().expect("flush");
    dump(sim.store())
}

/// Genesis, a playback configuration, and viewer traffic on it; then record 1's event is edited to
/// enable logging at 50 % (which the API does only by creating the role), and record 2 is decided again
/// in the state that edit gives: its logs are lost, since there is no role.
fn lost_delivery_lines() -> Vec<Line> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut sim = Simulator::open(&dir.path().join("db"), Some(Genesis::default())).expect("open");
    sim.execute(support::action(
        r#"{"op":"PutPlaybackConfiguration","params":{"Name":"live","VideoContentSourceUrl":"https://origin.example.com/live","AdDecisionServerUrl":"https://ads.example.com/vast"}}"#,
    ))
    .expect("execute");
    sim.execute(support::action(
        r#"{"op":"ServeSessions","params":{"PlaybackConfigurationName":"live","Sessions":10}}"#,
    ))
    .expect("execute");
    let mut prev = record::genesis_hash();
    let mut records: Vec<Record> = dump(sim.store())
        .iter()
        .map(|l| {
            let (rec, hash) = record::decode(l.seq, &l.value(), &prev).expect("decode");
            prev = hash;
            rec
        })
        .collect();
    if let Outcome::Ok { events, .. } = &mut records[1].outcome {
        for e in events {
            if let Event::PlaybackConfigurationPut { config, .. } = e {
                config.log_configuration.percent_enabled = 50;
            }
        }
    }
    let mut state = State::default();
    for rec in &records[..2] {
        for e in rec.outcome.events() {
            apply_mut(&mut state, e);
        }
    }
    records[2].outcome = replay::redecide(&state, &records[2]);
    assert!(
        records[2]
            .outcome
            .events()
            .iter()
            .any(|e| matches!(e, Event::LogDeliveryLost { .. })),
        "the edit must lose the delivery: {:?}",
        records[2].outcome
    );
    let mut prev = record::genesis_hash();
    records
        .iter()
        .map(|rec| {
            let (value, hash) = record::encode(rec, &prev).expect("encode");
            prev = hash;
            Line {
                seq: rec.seq,
                hash,
                body: value.get(HASH_LEN..).unwrap_or_default().to_vec(),
            }
        })
        .collect()
}

/// Rules 3's CloudWatch Logs: deliveries in the default and the debug log mode, each read back, the
/// new parameters of DescribeLogGroups and DescribeLogStreams, and a VENDED_LOGS-only configuration.
fn logs_lines() -> Vec<Line> {
    const ADS: &str = "MediaTailor/AdDecisionServerInteractions";
    const MANIFEST: &str = "MediaTailor/ManifestService";
    let dir = tempfile::tempdir().expect("temp dir");
    let mut sim = Simulator::open(&dir.path().join("db"), Some(Genesis::default())).expect("open");
    let group_arn = format!("arn:aws:logs:us-east-1:111122223333:log-group:{MANIFEST}:*");
    let lines = [
        json!({"op": "PutPlaybackConfiguration", "params": {"Name": "live", "VideoContentSourceUrl": "https://origin.example.com/live", "AdDecisionServerUrl": "https://ads.example.com/vast"}}),
        json!({"op": "ConfigureLogsForPlaybackConfiguration", "params": {"PlaybackConfigurationName": "live", "PercentEnabled": 50,
            "AdsInteractionLog": {"PublishOptInEventTypes": ["RAW_ADS_RESPONSE"], "ExcludeEventTypes": ["MODIFIED_TARGET_URL"]},
            "ManifestServiceInteractionLog": {"ExcludeEventTypes": ["GENERATED_MANIFEST"]}}}),
        json!({"op": "ServeSessions", "params": {"PlaybackConfigurationName": "live", "Sessions": 4}}),
        json!({"op": "AdvanceClock", "params": {"Seconds": 60}}),
        json!({"op": "ServeSessions", "params": {"PlaybackConfigurationName": "live", "Sessions": 2, "LogMode": "DEBUG"}}),
        json!({"op": "DescribeLogGroups", "params": {}}),
        json!({"op": "DescribeLogGroups", "params": {"logGroupNamePattern": "Manifest"}}),
        json!({"op": "DescribeLogGroups", "params": {"logGroupNamePrefix": "M", "logGroupNamePattern": "M"}}),
        json!({"op": "DescribeLogStreams", "params": {"logGroupIdentifier": group_arn, "orderBy": "LastEventTime", "descending": true}}),
        json!({"op": "DescribeLogStreams", "params": {"logGroupName": ADS, "orderBy": "LastEventTime", "logStreamNamePrefix": "l"}}),
        json!({"op": "GetLogEvents", "params": {"logGroupName": ADS, "logStreamName": "live", "startFromHead": true, "limit": 3}}),
        json!({"op": "GetLogEvents", "params": {"logGroupName": MANIFEST, "logStreamName": "live"}}),
        json!({"op": "GetLogEvents", "params": {"logGroupName": ADS, "logStreamName": "none"}}),
        json!({"op": "FilterLogEvents", "params": {"logGroupName": ADS, "filterPattern": "{ $.eventType = \"FILLED_AVAIL\" }"}}),
        json!({"op": "FilterLogEvents", "params": {"logGroupName": ADS, "filterPattern": "RAW_ADS_RESPONSE", "limit": 1}}),
        json!({"op": "FilterLogEvents", "params": {"logGroupName": ADS, "filterPattern": "?VAST ?AVAIL"}}),
        json!({"op": "PutPlaybackConfiguration", "params": {"Name": "vended", "VideoContentSourceUrl": "https://origin.example.com/v", "AdDecisionServerUrl": "https://ads.example.com/vast"}}),
        json!({"op": "ConfigureLogsForPlaybackConfiguration", "params": {"PlaybackConfigurationName": "vended", "PercentEnabled": 100, "EnabledLoggingStrategies": ["VENDED_LOGS"]}}),
        json!({"op": "ServeSessions", "params": {"PlaybackConfigurationName": "vended", "Sessions": 3}}),
        json!({"op": "DescribeLogStreams", "params": {"logGroupName": ADS}}),
    ];
    for l in lines {
        sim.execute(support::action(&l.to_string()))
            .expect("execute");
    }
    sim.flush().expect("flush");
    dump(sim.store())
}

/// Rewrites every golden file. Ignored, and refuses without `SLRSIM_GOLDEN_WRITE=1`, so that no run of
/// the suite (not even `--include-ignored`) replaces them by accident.
#[test]
#[ignore = "rewrites tests/golden; run only for a deliberate new golden log"]
fn write_golden_logs() {
    assert!(
        std::env::var("SLRSIM_GOLDEN_WRITE").as_deref() == Ok("1"),
        "set SLRSIM_GOLDEN_WRITE=1 to rewrite tests/golden (only for a deliberate new golden log)"
    );
    write_golden("demo", &demo_lines());
    write_golden("generated", &generated_lines());
    write_golden("lost-delivery", &lost_delivery_lines());
    write_golden("iam-3", &iam_3_lines());
    write_golden("logs-3", &logs_lines());
    write_golden("mediatailor-3", &mediatailor_3_lines());
    write_golden("iam2-3", &iam2_3_lines());
    write_golden("consistency-3", &consistency_3_lines());
    write_golden("throttle-3", &throttle_3_lines());
    write_golden("viewers-3", &viewers_3_lines());
    write_golden("stale-updates-3", &stale_updates_3_lines());
    write_golden("faults-3", &faults_3_lines());
}

/// Faults: settings refused; internal errors of each protocol (IAM's `ServiceFailure`, STS's and
/// MediaTailor's `InternalFailure`, CloudWatch Logs' `ServiceUnavailableException`), each once;
/// pages of one item after an empty first page, followed to the end; a deletion task that takes
/// 300 s and fails for a service reason, then one that succeeds; faults turned off.
fn faults_3_lines() -> Vec<Line> {
    const SLR: &str = r#""RoleName":"AWSServiceRoleForMediaTailor""#;
    let lines = [
        r#"{"op":"SetFaults","params":{"PageSize":0}}"#.to_string(),
        r#"{"op":"SetFaults","params":{"InternalErrors":[{"Operation":"AdvanceClock","Count":1}]}}"#.to_string(),
        r#"{"op":"SetFaults","params":{"DeletionTaskSeconds":29}}"#.to_string(),
        r#"{"op":"CreateServiceLinkedRole","params":{"AWSServiceName":"mediatailor.amazonaws.com"}}"#.to_string(),
        r#"{"op":"PutPlaybackConfiguration","params":{"Name":"a","VideoContentSourceUrl":"https://origin.example.com/a"}}"#.to_string(),
        r#"{"op":"PutPlaybackConfiguration","params":{"Name":"b","VideoContentSourceUrl":"https://origin.example.com/b"}}"#.to_string(),
        r#"{"op":"SetFaults","params":{"InternalErrors":[{"Operation":"GetRole","Count":1},{"Operation":"GetCallerIdentity","Count":1},{"Operation":"ListPlaybackConfigurations","Count":1},{"Operation":"DescribeLogGroups","Count":1}],"DeletionTaskFailures":1,"DeletionTaskSeconds":300,"PageSize":1,"EmptyFirstPages":true}}"#.to_string(),
        format!(r#"{{"op":"GetRole","params":{{{SLR}}}}}"#),
        format!(r#"{{"op":"GetRole","params":{{{SLR}}}}}"#),
        r#"{"op":"GetCallerIdentity","params":{}}"#.to_string(),
        r#"{"op":"GetCallerIdentity","params":{}}"#.to_string(),
        r#"{"op":"DescribeLogGroups","params":{}}"#.to_string(),
        r#"{"op":"ListPlaybackConfigurations","params":{}}"#.to_string(),
        r#"{"op":"ListPlaybackConfigurations","params":{"MaxResults":50}}"#.to_string(),
        r#"{"op":"ListPlaybackConfigurations","params":{"MaxResults":50,"NextToken":"a"}}"#.to_string(),
        r#"{"op":"ListPlaybackConfigurations","params":{"MaxResults":50,"NextToken":"b"}}"#.to_string(),
        r#"{"op":"ListRoles","params":{}}"#.to_string(),
        r#"{"op":"ListRoles","params":{"Marker":"AWSServiceRoleForMediaTailor"}}"#.to_string(),
        format!(r#"{{"op":"DeleteServiceLinkedRole","params":{{{SLR}}}}}"#),
        r#"{"op":"AdvanceClock","params":{"Seconds":30}}"#.to_string(),
        r#"{"op":"AdvanceClock","params":{"Seconds":270}}"#.to_string(),
        format!(r#"{{"op":"DeleteServiceLinkedRole","params":{{{SLR}}}}}"#),
        r#"{"op":"AdvanceClock","params":{"Seconds":300}}"#.to_string(),
        r#"{"op":"SetFaults","params":{}}"#.to_string(),
        r#"{"op":"ListRoles","params":{}}"#.to_string(),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let mut sim = Simulator::open(&dir.path().join("db"), Some(Genesis::default())).expect("open");
    for l in &lines {
        sim.execute(support::action(l)).expect("execute");
    }
    dump(sim.store())
}

/// IAM reads lagging behind writes: `SetConsistency` refused out of range and accepted; a role just
/// created is `NoSuchEntity` to GetRole, ListRoles and the role's other reads while writes find it;
/// seen once the clock has moved past the lag; a deleted role still answers GetRole until the lag
/// has passed; consistency turned off again.
fn consistency_3_lines() -> Vec<Line> {
    const TRUST: &str = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"#;
    let lines = [
        r#"{"op":"SetConsistency","params":{"DelaySeconds":61}}"#.to_string(),
        r#"{"op":"SetConsistency","params":{"DelaySeconds":5}}"#.to_string(),
        format!(r#"{{"op":"CreateRole","params":{{"RoleName":"app","AssumeRolePolicyDocument":"{TRUST}"}}}}"#),
        r#"{"op":"GetRole","params":{"RoleName":"app"}}"#.to_string(),
        r#"{"op":"ListRoles","params":{}}"#.to_string(),
        r#"{"op":"AttachRolePolicy","params":{"RoleName":"app","PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}"#.to_string(),
        r#"{"op":"ListAttachedRolePolicies","params":{"RoleName":"app"}}"#.to_string(),
        r#"{"op":"AdvanceClock","params":{"Seconds":3}}"#.to_string(),
        r#"{"op":"GetRole","params":{"RoleName":"app"}}"#.to_string(),
        r#"{"op":"AdvanceClock","params":{"Seconds":2}}"#.to_string(),
        r#"{"op":"GetRole","params":{"RoleName":"app"}}"#.to_string(),
        r#"{"op":"ListRoles","params":{}}"#.to_string(),
        r#"{"op":"DetachRolePolicy","params":{"RoleName":"app","PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}"#.to_string(),
        r#"{"op":"DeleteRole","params":{"RoleName":"app"}}"#.to_string(),
        r#"{"op":"GetRole","params":{"RoleName":"app"}}"#.to_string(),
        r#"{"op":"ListRoles","params":{}}"#.to_string(),
        r#"{"op":"AdvanceClock","params":{"Seconds":5}}"#.to_string(),
        r#"{"op":"GetRole","params":{"RoleName":"app"}}"#.to_string(),
        // The role MediaTailor creates when logging is enabled lags too: its first deliveries are lost.
        r#"{"op":"PutPlaybackConfiguration","params":{"Name":"live","VideoContentSourceUrl":"https://origin.example.com/x","AdDecisionServerUrl":"https://ads.example.com/vast"}}"#.to_string(),
        r#"{"op":"ConfigureLogsForPlaybackConfiguration","params":{"PlaybackConfigurationName":"live","PercentEnabled":100}}"#.to_string(),
        r#"{"op":"GetRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#.to_string(),
        r#"{"op":"ServeSessions","params":{"PlaybackConfigurationName":"live","Sessions":2}}"#.to_string(),
        r#"{"op":"AdvanceClock","params":{"Seconds":5}}"#.to_string(),
        r#"{"op":"ServeSessions","params":{"PlaybackConfigurationName":"live","Sessions":2}}"#.to_string(),
        r#"{"op":"SetConsistency","params":{"DelaySeconds":0}}"#.to_string(),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let mut sim = Simulator::open(&dir.path().join("db"), Some(Genesis::default())).expect("open");
    for l in &lines {
        sim.execute(support::action(l)).expect("execute");
    }
    dump(sim.store())
}

/// Changes to a role read late: a role old enough to be seen, changes lagging 5 s (`Updates`); its
/// description, a tag and an attached policy changed, read before and after the lag, and the lag of
/// changes turned off again.
fn stale_updates_3_lines() -> Vec<Line> {
    const TRUST: &str = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"#;
    let lines = [
        format!(r#"{{"op":"CreateRole","params":{{"RoleName":"app","AssumeRolePolicyDocument":"{TRUST}"}}}}"#),
        r#"{"op":"SetConsistency","params":{"DelaySeconds":5,"Updates":true}}"#.to_string(),
        r#"{"op":"AdvanceClock","params":{"Seconds":5}}"#.to_string(),
        r#"{"op":"UpdateRoleDescription","params":{"RoleName":"app","Description":"new"}}"#.to_string(),
        r#"{"op":"TagRole","params":{"RoleName":"app","Tags":[{"Key":"team","Value":"video"}]}}"#.to_string(),
        r#"{"op":"AttachRolePolicy","params":{"RoleName":"app","PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}"#.to_string(),
        r#"{"op":"GetRole","params":{"RoleName":"app"}}"#.to_string(),
        r#"{"op":"ListRoleTags","params":{"RoleName":"app"}}"#.to_string(),
        r#"{"op":"ListAttachedRolePolicies","params":{"RoleName":"app"}}"#.to_string(),
        r#"{"op":"AdvanceClock","params":{"Seconds":5}}"#.to_string(),
        r#"{"op":"GetRole","params":{"RoleName":"app"}}"#.to_string(),
        r#"{"op":"ListAttachedRolePolicies","params":{"RoleName":"app"}}"#.to_string(),
        r#"{"op":"SetConsistency","params":{"DelaySeconds":5,"Updates":false}}"#.to_string(),
        r#"{"op":"UntagRole","params":{"RoleName":"app","TagKeys":["team"]}}"#.to_string(),
        r#"{"op":"ListRoleTags","params":{"RoleName":"app"}}"#.to_string(),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let mut sim = Simulator::open(&dir.path().join("db"), Some(Genesis::default())).expect("open");
    for l in &lines {
        sim.execute(support::action(l)).expect("execute");
    }
    dump(sim.store())
}

/// Viewers at work: refused rates; 90 sessions a minute on two configurations, one logging at 50%;
/// an advance of 10 s plays 15 sessions on each (7 logged, then 8 with the carry); a deletion fails
/// while logging is on, and again within five minutes of the last delivery after logging is off;
/// then viewers stop, time passes, and the deletion succeeds.
fn viewers_3_lines() -> Vec<Line> {
    let lines = [
        r#"{"op":"SetViewers","params":{"SessionsPerMinute":-1}}"#,
        r#"{"op":"SetViewers","params":{"SessionsPerMinute":100001}}"#,
        r#"{"op":"PutPlaybackConfiguration","params":{"Name":"live","VideoContentSourceUrl":"https://origin.example.com/live","AdDecisionServerUrl":"https://ads.example.com/vast"}}"#,
        r#"{"op":"PutPlaybackConfiguration","region":"eu-west-1","params":{"Name":"vod","VideoContentSourceUrl":"https://origin.example.com/vod","AdDecisionServerUrl":"https://ads.example.com/vast"}}"#,
        r#"{"op":"ConfigureLogsForPlaybackConfiguration","params":{"PlaybackConfigurationName":"live","PercentEnabled":50}}"#,
        r#"{"op":"SetViewers","params":{"SessionsPerMinute":90}}"#,
        r#"{"op":"AdvanceClock","params":{"Seconds":10}}"#,
        r#"{"op":"AdvanceClock","params":{"Seconds":10}}"#,
        r#"{"op":"DeleteServiceLinkedRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#,
        r#"{"op":"AdvanceClock","params":{"Seconds":30}}"#,
        r#"{"op":"ConfigureLogsForPlaybackConfiguration","params":{"PlaybackConfigurationName":"live","PercentEnabled":0}}"#,
        r#"{"op":"DeleteServiceLinkedRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#,
        r#"{"op":"AdvanceClock","params":{"Seconds":30}}"#,
        r#"{"op":"SetViewers","params":{"SessionsPerMinute":0}}"#,
        r#"{"op":"AdvanceClock","params":{"Seconds":300}}"#,
        r#"{"op":"DeleteServiceLinkedRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#,
        r#"{"op":"AdvanceClock","params":{"Seconds":30}}"#,
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let mut sim = Simulator::open(&dir.path().join("db"), Some(Genesis::default())).expect("open");
    for l in &lines {
        sim.execute(support::action(l)).expect("execute");
    }
    dump(sim.store())
}

/// Throttling: refused settings, then buckets of two calls refilled with half a call a simulated
/// second; ListRoles, DescribeLogGroups and ListPlaybackConfigurations each throttled on their third
/// call (IAM's `Throttling`, CloudWatch Logs' `ThrottlingException`, MediaTailor's
/// `TooManyRequestsException`), let through after the clock moves, and throttling turned off.
fn throttle_3_lines() -> Vec<Line> {
    let mut lines = vec![
        r#"{"op":"SetThrottling","params":{"Enabled":true,"RatePerSecond":0}}"#,
        r#"{"op":"SetThrottling","params":{"Enabled":true,"Burst":1001}}"#,
        r#"{"op":"SetThrottling","params":{"Enabled":true,"RatePerSecond":0.5,"Burst":2}}"#,
    ];
    for op in [
        r#"{"op":"ListRoles","params":{}}"#,
        r#"{"op":"DescribeLogGroups","params":{}}"#,
        r#"{"op":"ListPlaybackConfigurations","params":{}}"#,
    ] {
        lines.extend([op, op, op]);
    }
    lines.extend([
        r#"{"op":"AdvanceClock","params":{"Seconds":2}}"#,
        r#"{"op":"ListRoles","params":{}}"#,
        r#"{"op":"ListRoles","params":{}}"#,
        r#"{"op":"DescribeLogGroups","params":{}}"#,
        r#"{"op":"ListPlaybackConfigurations","params":{}}"#,
        r#"{"op":"SetThrottling","params":{"Enabled":false}}"#,
        r#"{"op":"ListRoles","params":{}}"#,
    ]);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut sim = Simulator::open(&dir.path().join("db"), Some(Genesis::default())).expect("open");
    for l in &lines {
        sim.execute(support::action(l)).expect("execute");
    }
    dump(sim.store())
}

/// The members of newer IAM models, each accepted and refused: a role created with a maximum sign-in
/// session duration and a permissions boundary, the duration changed and cleared (and refused on the
/// service-linked role), a user created with a boundary and tags, and ListAttachedRolePolicies
/// filtered by path and paged.
fn iam2_3_lines() -> Vec<Line> {
    const SLR: &str = r#""RoleName":"AWSServiceRoleForMediaTailor""#;
    const TRUST: &str = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"#;
    let lines = [
        r#"{"op":"CreateServiceLinkedRole","params":{"AWSServiceName":"mediatailor.amazonaws.com"}}"#.to_string(),
        format!(r#"{{"op":"CreateRole","params":{{"RoleName":"app","AssumeRolePolicyDocument":"{TRUST}","MaxSigninSessionDuration":7200,"PermissionsBoundary":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}}}"#),
        format!(r#"{{"op":"CreateRole","params":{{"RoleName":"long","AssumeRolePolicyDocument":"{TRUST}","MaxSigninSessionDuration":7776001}}}}"#),
        format!(r#"{{"op":"CreateRole","params":{{"RoleName":"bounded","AssumeRolePolicyDocument":"{TRUST}","PermissionsBoundary":"arn:aws:iam::aws:policy/NoSuchPolicy"}}}}"#),
        r#"{"op":"GetRole","params":{"RoleName":"app"}}"#.to_string(),
        r#"{"op":"UpdateRole","params":{"RoleName":"app","MaxSigninSessionDuration":86400}}"#.to_string(),
        r#"{"op":"UpdateRole","params":{"RoleName":"app","MaxSigninSessionDuration":3600,"ResetMaxSigninSessionDuration":true}}"#.to_string(),
        r#"{"op":"ListRoles","params":{}}"#.to_string(),
        r#"{"op":"UpdateRole","params":{"RoleName":"app","ResetMaxSigninSessionDuration":true}}"#.to_string(),
        r#"{"op":"UpdateRole","params":{"RoleName":"app","ResetMaxSigninSessionDuration":true}}"#.to_string(),
        format!(r#"{{"op":"UpdateRole","params":{{{SLR},"MaxSigninSessionDuration":7200}}}}"#),
        format!(r#"{{"op":"UpdateRole","params":{{{SLR},"ResetMaxSigninSessionDuration":true}}}}"#),
        r#"{"op":"AttachRolePolicy","params":{"RoleName":"app","PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}"#.to_string(),
        r#"{"op":"AttachRolePolicy","params":{"RoleName":"app","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}}"#.to_string(),
        r#"{"op":"ListAttachedRolePolicies","params":{"RoleName":"app","MaxItems":1}}"#.to_string(),
        r#"{"op":"ListAttachedRolePolicies","params":{"RoleName":"app","Marker":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}"#.to_string(),
        format!(r#"{{"op":"ListAttachedRolePolicies","params":{{{SLR},"PathPrefix":"/aws-service-role/"}}}}"#),
        format!(r#"{{"op":"ListAttachedRolePolicies","params":{{{SLR},"PathPrefix":"/service-role/"}}}}"#),
        r#"{"op":"ListAttachedRolePolicies","params":{"RoleName":"app","PathPrefix":"aws"}}"#.to_string(),
        r#"{"op":"CreateUser","params":{"UserName":"dev","PermissionsBoundary":"arn:aws:iam::aws:policy/IAMReadOnlyAccess","Tags":[{"Key":"team","Value":"video"}]}}"#.to_string(),
        r#"{"op":"CreateUser","params":{"UserName":"ops","PermissionsBoundary":"arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy"}}"#.to_string(),
        r#"{"op":"CreateUser","params":{"UserName":"ops","Tags":[{"Key":"","Value":"x"}]}}"#.to_string(),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let mut sim = Simulator::open(&dir.path().join("db"), Some(Genesis::default())).expect("open");
    for l in &lines {
        sim.execute(support::action(l)).expect("execute");
    }
    dump(sim.store())
}

/// The IAM calls infrastructure tools make around a role and its managed policies, each accepted and
/// refused: tags listed and removed (on the service-linked role too), inline policies listed and read,
/// instance profiles, and AWSMediaTailorServiceRolePolicy read and its attachments listed.
fn iam_3_lines() -> Vec<Line> {
    const SLR: &str = r#""RoleName":"AWSServiceRoleForMediaTailor""#;
    const ARN: &str =
        r#""PolicyArn":"arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy""#;
    const TRUST: &str = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"#;
    const POLICY: &str = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"#;
    let lines = [
        r#"{"op":"CreateServiceLinkedRole","params":{"AWSServiceName":"mediatailor.amazonaws.com"}}"#.to_string(),
        format!(r#"{{"op":"CreateRole","params":{{"RoleName":"app","Path":"/apps/","AssumeRolePolicyDocument":"{TRUST}"}}}}"#),
        format!(r#"{{"op":"PutRolePolicy","params":{{"RoleName":"app","PolicyName":"inline","PolicyDocument":"{POLICY}"}}}}"#),
        r#"{"op":"AttachRolePolicy","params":{"RoleName":"app","PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}"#.to_string(),
        r#"{"op":"CreateUser","params":{"UserName":"reader"}}"#.to_string(),
        r#"{"op":"AttachUserPolicy","params":{"UserName":"reader","PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}"#.to_string(),
        format!(r#"{{"op":"TagRole","params":{{{SLR},"Tags":[{{"Key":"a","Value":"1"}},{{"Key":"b","Value":"2"}}]}}}}"#),
        format!(r#"{{"op":"ListRoleTags","params":{{{SLR},"MaxItems":1}}}}"#),
        format!(r#"{{"op":"ListRoleTags","params":{{{SLR},"Marker":"b"}}}}"#),
        r#"{"op":"ListRoleTags","params":{"RoleName":"missing"}}"#.to_string(),
        format!(r#"{{"op":"UntagRole","params":{{{SLR},"TagKeys":["a","never"]}}}}"#),
        format!(r#"{{"op":"UntagRole","caller":"reader","params":{{{SLR},"TagKeys":["b"]}}}}"#),
        r#"{"op":"ListRolePolicies","params":{"RoleName":"app"}}"#.to_string(),
        r#"{"op":"ListRolePolicies","params":{"RoleName":"app","MaxItems":0}}"#.to_string(),
        r#"{"op":"GetRolePolicy","caller":"reader","params":{"RoleName":"app","PolicyName":"inline"}}"#.to_string(),
        r#"{"op":"GetRolePolicy","params":{"RoleName":"app","PolicyName":"none"}}"#.to_string(),
        format!(r#"{{"op":"ListInstanceProfilesForRole","params":{{{SLR}}}}}"#),
        r#"{"op":"ListInstanceProfilesForRole","params":{"RoleName":"missing"}}"#.to_string(),
        format!(r#"{{"op":"GetPolicy","params":{{{ARN}}}}}"#),
        r#"{"op":"GetPolicy","params":{"PolicyArn":"arn:aws:iam::aws:policy/NoSuchPolicy"}}"#.to_string(),
        format!(r#"{{"op":"GetPolicyVersion","params":{{{ARN},"VersionId":"v1"}}}}"#),
        format!(r#"{{"op":"GetPolicyVersion","params":{{{ARN},"VersionId":"v2"}}}}"#),
        format!(r#"{{"op":"ListPolicyVersions","params":{{{ARN}}}}}"#),
        r#"{"op":"ListPolicyVersions","params":{"PolicyArn":"not-an-arn-but-long-enough"}}"#.to_string(),
        format!(r#"{{"op":"ListEntitiesForPolicy","params":{{{ARN}}}}}"#),
        r#"{"op":"ListEntitiesForPolicy","params":{"PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess","MaxItems":1}}"#.to_string(),
        r#"{"op":"ListEntitiesForPolicy","params":{"PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess","EntityFilter":"User","PolicyUsageFilter":"PermissionsPolicy","PathPrefix":"/"}}"#.to_string(),
        r#"{"op":"ListEntitiesForPolicy","params":{"PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess","EntityFilter":"Users"}}"#.to_string(),
        // Other services' roles (rules 3): created, refused, protected, deleted.
        r#"{"op":"CreateServiceLinkedRole","params":{"AWSServiceName":"ecs.amazonaws.com"}}"#.to_string(),
        r#"{"op":"CreateServiceLinkedRole","params":{"AWSServiceName":"ecs.amazonaws.com","CustomSuffix":"x"}}"#.to_string(),
        r#"{"op":"CreateServiceLinkedRole","params":{"AWSServiceName":"autoscaling.amazonaws.com","CustomSuffix":"blue"}}"#.to_string(),
        r#"{"op":"CreateServiceLinkedRole","params":{"AWSServiceName":"nosuch.amazonaws.com"}}"#.to_string(),
        r#"{"op":"DeleteRole","params":{"RoleName":"AWSServiceRoleForECS"}}"#.to_string(),
        r#"{"op":"ListEntitiesForPolicy","params":{"PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess","PolicyUsageFilter":"PermissionsBoundary"}}"#.to_string(),
        r#"{"op":"DeleteServiceLinkedRole","params":{"RoleName":"AWSServiceRoleForECS"}}"#.to_string(),
        r#"{"op":"AdvanceClock","params":{"Seconds":60}}"#.to_string(),
        r#"{"op":"GetServiceLinkedRoleDeletionStatus","params":{"DeletionTaskId":"$last"}}"#.to_string(),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let mut sim = Simulator::open(&dir.path().join("db"), Some(Genesis::default())).expect("open");
    for l in &lines {
        sim.execute(support::action(l)).expect("execute");
    }
    dump(sim.store())
}

/// The awsmt Terraform provider's calls on a playback configuration, with its acceptance test's
/// values (create with every member it manages, read, update with tags, import's read, delete),
/// and the refusals of the new members and of the tagging calls.
fn mediatailor_3_lines() -> Vec<Line> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut sim = Simulator::open(&dir.path().join("db"), Some(Genesis::default())).expect("open");
    for line in slrsim_mediatailor_3_actions() {
        sim.execute(support::action(&line)).expect("execute");
    }
    sim.flush().expect("flush");
    dump(sim.store())
}

/// The scenario lines of `mediatailor-3`: the awsmt provider's calls (`mediatailor_inputs` drives
/// the same), then refusals of a member outside the model's enum and of the tagging calls.
fn slrsim_mediatailor_3_actions() -> Vec<String> {
    use crate::mediatailor_inputs::{AWSMT_ARN, awsmt_lines};
    let mut lines = awsmt_lines();
    // Read the tags before the configuration is deleted, and once more after.
    let at = lines.len() - 1;
    lines.insert(
        at,
        op("ListTagsForResource", json!({"ResourceArn": AWSMT_ARN})),
    );
    lines.extend([
        op("ListTagsForResource", json!({"ResourceArn": AWSMT_ARN})),
        op(
            "PutPlaybackConfiguration",
            json!({"Name": "bad", "InsertionMode": "SOMETIMES"}),
        ),
        op(
            "TagResource",
            json!({"ResourceArn": AWSMT_ARN, "Tags": {"a": "b"}}),
        ),
        op(
            "UntagResource",
            json!({"ResourceArn": AWSMT_ARN, "TagKeys": []}),
        ),
    ]);
    lines
}

fn op(name: &str, params: Value) -> String {
    json!({"op": name, "params": params}).to_string()
}
