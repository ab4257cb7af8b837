//! Worlds to test a user's own automation in: which regions hold playback configurations, whether
//! each logs sessions and at what percentage, what state the role is in, whether viewers watched in
//! the last minutes or watch while the command runs, and the adversities (IAM's lag, throttling,
//! faults). A [`World`] is plain data: [`world`] is its proptest strategy,
//! [`World::generate`] draws one from a seed and a case number (what `slrsim fuzz` does),
//! [`World::actions`] is the history that builds it, [`World::describe`] says it in words, and
//! [`World::simpler`] lists the worlds one step simpler, for shrinking a failure by hand.
//!
//! ```
//! use slrsim::testing::world::World;
//! use slrsim::{Genesis, Simulator};
//!
//! let world = World::generate(7, 0);
//! let mut sim = Simulator::temporary(Genesis { seed: 7, start: 1_767_225_600 }).unwrap();
//! for action in world.actions() {
//!     sim.execute(action).unwrap();
//! }
//! // The world is now the simulator's state, a history like any other.
//! assert_eq!(
//!     sim.state().accounts.values().next().is_some_and(|a| a.roles.contains_key("AWSServiceRoleForMediaTailor")),
//!     world.role != slrsim::testing::world::RoleState::Absent,
//! );
//! println!("{}", world.describe());
//! ```

use proptest::prelude::*;
use serde_json::json;

use crate::core::action::{Action, DEFAULT_REGION};
use crate::simulator::scenario::parse_action;

/// The regions worlds use: the default region first, so a world of one region is where a client
/// that reads `AWS_REGION` looks.
pub const REGIONS: [&str; 3] = [DEFAULT_REGION, "eu-west-1", "ap-northeast-1"];

/// The configuration names worlds use.
pub const CONFIG_NAMES: [&str; 2] = ["live", "vod"];

/// Logging percentages worlds use (0 is off).
pub const PERCENTS: [u8; 4] = [0, 10, 50, 100];

/// Minutes ago viewers last watched, in a world with recent traffic: all within MediaTailor's
/// five minutes of use, so a deletion checked soon after fails.
pub const TRAFFIC_MINUTES_AGO: [u8; 3] = [0, 2, 4];

/// IAM read lags worlds use, in seconds (`SetConsistency`; 0 is off). Within AWS's "a few seconds"
/// and up to half a minute, which with `fuzz`'s 10 simulated seconds a request is one to three
/// requests.
pub const CONSISTENCY_DELAYS: [u8; 3] = [5, 15, 30];

/// What state the service-linked role is in when the automation starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RoleState {
    /// No role (only possible when no configuration logs: enabling logging creates it).
    Absent,
    /// Created by `CreateServiceLinkedRole` (or by enabling logging).
    Present,
    /// The role MediaTailor created for accounts that used it before service-linked roles
    /// (`SetAccountHistory`): created 2021-09-15.
    Legacy,
    /// Present, with a deletion task just started (`DeleteServiceLinkedRole` as the world's last
    /// call): it runs for 30 simulated seconds and fails if the role is in use by then.
    MidDeletion,
}

/// One playback configuration of a world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Its name ([`CONFIG_NAMES`]).
    pub name: String,
    /// Its logging percentage (0: off).
    pub percent: u8,
}

/// One region of a world and its configurations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The region ([`REGIONS`]).
    pub name: String,
    /// One or two configurations.
    pub configs: Vec<Config>,
}

/// A world for automation to run in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct World {
    /// Regions holding playback configurations (none, or one to three).
    pub regions: Vec<Region>,
    /// The role's state.
    pub role: RoleState,
    /// Minutes ago viewers last watched a configuration that logs (and so the service last used
    /// the role), if in the last minutes.
    pub traffic: Option<u8>,
    /// Seconds IAM reads lag behind writes (`SetConsistency`, set first, so the world's own roles
    /// lag too); 0 is off.
    pub consistency_delay: u8,
    /// AWS calls throttled ([`THROTTLE_RATE`] calls a second per operation, bursts of
    /// [`THROTTLE_BURST`]): set last, so the calls that build the world are not throttled.
    pub throttling: bool,
    /// Injected faults (`SetFaults`), set after throttling, so building the world is not faulted.
    pub faults: WorldFaults,
    /// Viewers watch every configuration while the command runs ([`WORLD_VIEWERS`] sessions a
    /// minute each, `SetViewers`): each request's 10 s deliver the sessions of the configurations
    /// that log, so the role stays in use until five minutes after logging is off. Only where
    /// something logs.
    pub viewers: bool,
}

/// Sessions a minute viewers start on each configuration in a world with viewers.
pub const WORLD_VIEWERS: i64 = 60;

/// The calls of a teardown a world's internal errors strike.
pub const FAULT_OPERATIONS: [&str; 5] = [
    "DeleteServiceLinkedRole",
    "GetServiceLinkedRoleDeletionStatus",
    "ListPlaybackConfigurations",
    "ConfigureLogsForPlaybackConfiguration",
    "GetRole",
];

/// How long a deletion takes in a world with slow deletions, in seconds (usually 30).
pub const SLOW_DELETION_SECONDS: i64 = 300;

/// The faults of a world (`SetFaults`); the default is none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorldFaults {
    /// Operations ([`FAULT_OPERATIONS`]) whose next 1 or 2 calls answer the internal error.
    pub internal_errors: Vec<(String, u8)>,
    /// The next deletion of the role that would succeed fails for a service reason.
    pub deletion_failure: bool,
    /// Deletions take [`SLOW_DELETION_SECONDS`].
    pub slow_deletion: bool,
    /// Every list call answers pages of one item.
    pub page_size_one: bool,
    /// A list call without a marker answers an empty page first.
    pub empty_first_pages: bool,
}

impl WorldFaults {
    /// How many faults: each internal error's count, and each other fault.
    pub fn size(&self) -> usize {
        self.internal_errors
            .iter()
            .map(|(_, n)| usize::from(*n))
            .sum::<usize>()
            + usize::from(self.deletion_failure)
            + usize::from(self.slow_deletion)
            + usize::from(self.page_size_one)
            + usize::from(self.empty_first_pages)
    }

    /// The `SetFaults` parameters that set them.
    pub fn params(&self) -> serde_json::Value {
        let mut p = json!({});
        if !self.internal_errors.is_empty() {
            p["InternalErrors"] = self
                .internal_errors
                .iter()
                .map(|(op, n)| json!({"Operation": op, "Count": n}))
                .collect();
        }
        if self.deletion_failure {
            p["DeletionTaskFailures"] = json!(1);
        }
        if self.slow_deletion {
            p["DeletionTaskSeconds"] = json!(SLOW_DELETION_SECONDS);
        }
        if self.page_size_one {
            p["PageSize"] = json!(1);
        }
        if self.empty_first_pages {
            p["EmptyFirstPages"] = json!(true);
        }
        p
    }

    /// The faults in words ("GetRole fails twice with an internal error; ...").
    pub fn describe(&self) -> Vec<String> {
        let mut parts: Vec<String> = self
            .internal_errors
            .iter()
            .map(|(op, n)| {
                let times = if *n == 1 { "once" } else { "twice" };
                format!("{op} fails {times} with an internal error (HTTP 500)")
            })
            .collect();
        if self.deletion_failure {
            parts.push("the next deletion of the role fails for a service reason".to_string());
        }
        if self.slow_deletion {
            parts.push(format!("deletions take {SLOW_DELETION_SECONDS} s"));
        }
        if self.page_size_one {
            parts.push("list calls answer one item a page".to_string());
        }
        if self.empty_first_pages {
            parts.push("list calls answer an empty first page with a marker".to_string());
        }
        parts
    }

    /// The faults one step fewer or smaller: none at all first, then each one removed, then an
    /// internal error that strikes twice striking once.
    fn simpler(&self) -> Vec<WorldFaults> {
        let mut out = vec![WorldFaults::default()];
        for i in 0..self.internal_errors.len() {
            let mut f = self.clone();
            f.internal_errors.remove(i);
            out.push(f);
        }
        for flag in 0..4 {
            let mut f = self.clone();
            let field = match flag {
                0 => &mut f.deletion_failure,
                1 => &mut f.slow_deletion,
                2 => &mut f.page_size_one,
                _ => &mut f.empty_first_pages,
            };
            if *field {
                *field = false;
                out.push(f);
            }
        }
        for i in 0..self.internal_errors.len() {
            if self.internal_errors[i].1 > 1 {
                let mut f = self.clone();
                f.internal_errors[i].1 = 1;
                out.push(f);
            }
        }
        out.retain(|f| f != self);
        out
    }
}

/// The strategy of a world's faults: none five times in six; otherwise internal errors on one or
/// two of a teardown's calls (once or twice each) and, each one time in three, a failed deletion,
/// slow deletions, pages of one item and empty first pages.
fn faults_strategy() -> impl Strategy<Value = WorldFaults> {
    let internal =
        proptest::sample::subsequence(&FAULT_OPERATIONS[..], 1..=2).prop_flat_map(|ops| {
            ops.into_iter()
                .map(|op| (Just(op.to_string()), 1u8..=2))
                .collect::<Vec<_>>()
        });
    let internal = prop_oneof![1 => Just(Vec::new()), 2 => internal];
    let flag = || proptest::bool::weighted(1.0 / 3.0);
    let some = (internal, flag(), flag(), flag(), flag()).prop_map(
        |(internal_errors, deletion_failure, slow_deletion, page_size_one, empty_first_pages)| {
            WorldFaults {
                internal_errors,
                deletion_failure,
                slow_deletion,
                page_size_one,
                empty_first_pages,
            }
        },
    );
    prop_oneof![5 => Just(WorldFaults::default()), 1 => some]
}

/// Calls a second each operation's bucket refills with in a throttled world: with the requests
/// clock of `fuzz` (10 simulated seconds a request), half a call a request, so an operation called
/// again and again is refused every other time after its burst (a retry gets through).
pub const THROTTLE_RATE: f64 = 0.05;
/// Calls a full bucket holds in a throttled world.
pub const THROTTLE_BURST: u32 = 2;

fn config_strategy(index: usize) -> impl Strategy<Value = Config> {
    proptest::sample::select(&PERCENTS[..]).prop_map(move |percent| Config {
        name: CONFIG_NAMES[index].to_string(),
        percent,
    })
}

fn region_strategy(name: &'static str) -> impl Strategy<Value = Region> {
    (config_strategy(0), proptest::option::of(config_strategy(1))).prop_map(move |(a, b)| Region {
        name: name.to_string(),
        configs: std::iter::once(a).chain(b).collect(),
    })
}

/// The strategy of worlds: 1 to 3 regions of 1 or 2 configurations each (or, one time in eight,
/// none), logging off or at 10, 50 or 100%, any role state that fits (absent only when nothing
/// logs), and recent traffic sometimes when something logs.
pub fn world() -> impl Strategy<Value = World> {
    let regions = proptest::sample::subsequence(&REGIONS[..], 1..=REGIONS.len())
        .prop_flat_map(|names| names.into_iter().map(region_strategy).collect::<Vec<_>>());
    let regions = prop_oneof![1 => Just(Vec::new()), 7 => regions];
    let role = prop_oneof![
        Just(RoleState::Absent),
        Just(RoleState::Present),
        Just(RoleState::Legacy),
        Just(RoleState::MidDeletion),
    ];
    let traffic = proptest::option::of(proptest::sample::select(&TRAFFIC_MINUTES_AGO[..]));
    let worlds = (regions, role, traffic)
        .prop_map(|(regions, role, traffic)| World::fitted(regions, role, traffic));
    // Eventual consistency, one world in three.
    let delay = prop_oneof![2 => Just(0), 1 => proptest::sample::select(&CONSISTENCY_DELAYS[..])];
    // Throttling, one world in eight.
    let throttling = proptest::bool::weighted(0.125);
    // Faults, drawn after the others so that the worlds of a seed are otherwise those drawn
    // before faults; viewers while the command runs, after them, one world in four (where
    // something logs).
    let viewers = proptest::bool::weighted(0.25);
    (worlds, delay, throttling, faults_strategy(), viewers).prop_map(
        |(w, consistency_delay, throttling, faults, viewers)| {
            World {
                consistency_delay,
                throttling,
                faults,
                viewers,
                ..w
            }
            .refit()
        },
    )
}

impl World {
    /// The world of `case` from `seed`: the same pair gives the same world on every machine.
    pub fn generate(seed: u64, case: u64) -> World {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
        let mut key = [0u8; 16];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..].copy_from_slice(&case.to_le_bytes());
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, blake3::hash(&key).as_bytes());
        let mut runner = TestRunner::new_with_rng(Config::default(), rng);
        match world().new_tree(&mut runner) {
            Ok(tree) => tree.current(),
            // The strategy never rejects; the empty world is a safe answer all the same.
            Err(_) => World::fitted(Vec::new(), RoleState::Absent, None),
        }
    }

    /// Makes the parts agree: a world where something logs has the role (enabling logging creates
    /// it), and traffic only where something logs (the service uses the role only to log).
    pub fn fitted(regions: Vec<Region>, role: RoleState, traffic: Option<u8>) -> World {
        let mut w = World {
            regions,
            role,
            traffic,
            consistency_delay: 0,
            throttling: false,
            faults: WorldFaults::default(),
            viewers: false,
        };
        if w.logging() && w.role == RoleState::Absent {
            w.role = RoleState::Present;
        }
        if !w.logging() {
            w.traffic = None;
        }
        w
    }

    /// Whether some configuration logs sessions.
    pub fn logging(&self) -> bool {
        self.configs().any(|(_, c)| c.percent > 0)
    }

    /// Every configuration with its region.
    pub fn configs(&self) -> impl Iterator<Item = (&str, &Config)> {
        self.regions
            .iter()
            .flat_map(|r| r.configs.iter().map(move |c| (r.name.as_str(), c)))
    }

    /// How many facts the world has: regions, configurations, logging ones, traffic and a role
    /// that is not absent. Shrinking never makes it larger.
    pub fn size(&self) -> usize {
        let configs = self.configs().count();
        let logging = self.configs().filter(|(_, c)| c.percent > 0).count();
        let role = match self.role {
            RoleState::Absent => 0,
            RoleState::Present => 1,
            RoleState::Legacy | RoleState::MidDeletion => 2,
        };
        self.regions.len()
            + configs
            + logging
            + role
            + usize::from(self.traffic.is_some())
            + usize::from(self.consistency_delay > 0)
            + usize::from(self.throttling)
            + self.faults.size()
            + usize::from(self.viewers)
    }

    /// [`World::fitted`], keeping the adversities.
    fn refit(self) -> World {
        let viewers = self.viewers;
        let mut w = World {
            consistency_delay: self.consistency_delay,
            throttling: self.throttling,
            faults: self.faults,
            ..World::fitted(self.regions, self.role, self.traffic)
        };
        // Viewers only matter where something logs (the service uses the role only to log).
        w.viewers = viewers && w.logging();
        w
    }

    /// The actions that build the world in the default account, in order, from the log's start:
    /// the account's history, the configurations and their logging, the role, the viewers, the
    /// minutes since, and a deletion started last.
    pub fn actions(&self) -> Vec<Action> {
        let mut lines = Vec::new();
        if self.consistency_delay > 0 {
            // Everything IAM does lags, changes to a role included.
            lines.push(json!({"op": "SetConsistency", "params": {
                "DelaySeconds": self.consistency_delay, "Updates": true,
            }}));
        }
        if self.role == RoleState::Legacy {
            lines.push(json!({"op": "SetAccountHistory", "params": {"UsedMediaTailorBeforeSlrSupport": true}}));
        }
        for (region, c) in self.configs() {
            lines.push(
                json!({"op": "PutPlaybackConfiguration", "region": region, "params": {
                    "Name": c.name,
                    "VideoContentSourceUrl": format!("https://origin.example.com/{}", c.name),
                    "AdDecisionServerUrl": "https://ads.example.com/vast",
                }}),
            );
            if c.percent > 0 {
                lines.push(json!({"op": "ConfigureLogsForPlaybackConfiguration", "region": region, "params": {
                    "PlaybackConfigurationName": c.name, "PercentEnabled": c.percent,
                }}));
            }
        }
        if self.role != RoleState::Absent && self.role != RoleState::Legacy && !self.logging() {
            lines.push(json!({"op": "CreateServiceLinkedRole", "params": {"AWSServiceName": "mediatailor.amazonaws.com"}}));
        }
        if let Some(minutes) = self.traffic {
            if let Some((region, c)) = self.configs().find(|(_, c)| c.percent > 0) {
                lines.push(json!({"op": "ServeSessions", "region": region, "params": {
                    "PlaybackConfigurationName": c.name, "Sessions": 1000,
                }}));
            }
            if minutes > 0 {
                lines.push(
                    json!({"op": "AdvanceClock", "params": {"Seconds": i64::from(minutes) * 60}}),
                );
            }
        }
        if self.role == RoleState::MidDeletion {
            lines.push(json!({"op": "DeleteServiceLinkedRole", "params": {"RoleName": crate::core::catalog::SLR_NAME}}));
        }
        if self.viewers {
            lines.push(json!({"op": "SetViewers", "params": {"SessionsPerMinute": WORLD_VIEWERS}}));
        }
        if self.throttling {
            lines.push(json!({"op": "SetThrottling", "params": {
                "Enabled": true, "RatePerSecond": THROTTLE_RATE, "Burst": THROTTLE_BURST,
            }}));
        }
        if self.faults != WorldFaults::default() {
            lines.push(json!({"op": "SetFaults", "params": self.faults.params()}));
        }
        lines
            .into_iter()
            .filter_map(|line| match line {
                serde_json::Value::Object(obj) => parse_action(obj).ok(),
                _ => None,
            })
            .collect()
    }

    /// The world in words: "1 configuration in eu-west-1 with logging at 100%; the role present".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for r in &self.regions {
            let configs: Vec<String> = r
                .configs
                .iter()
                .map(|c| match c.percent {
                    0 => format!("`{}` with logging off", c.name),
                    p => format!("`{}` with logging at {p}%", c.name),
                })
                .collect();
            let n = r.configs.len();
            parts.push(format!(
                "{n} configuration{} in {}: {}",
                if n == 1 { "" } else { "s" },
                r.name,
                configs.join(", ")
            ));
        }
        if self.regions.is_empty() {
            parts.push("no playback configurations".to_string());
        }
        parts.push(
            match self.role {
                RoleState::Absent => "no role",
                RoleState::Present => "the role present",
                RoleState::Legacy => {
                    "the role present from the account's use of MediaTailor before 2021-09-15"
                }
                RoleState::MidDeletion => "the role present, with a deletion task just started",
            }
            .to_string(),
        );
        match self.traffic {
            Some(0) => parts.push("viewers watching just now".to_string()),
            Some(m) => parts.push(format!("viewers watching {m} minutes ago")),
            None => {}
        }
        if self.consistency_delay > 0 {
            parts.push(format!(
                "IAM reads lag {} s behind writes",
                self.consistency_delay
            ));
        }
        if self.throttling {
            parts.push(format!(
                "calls throttled at {THROTTLE_RATE} a second per operation (bursts of {THROTTLE_BURST})"
            ));
        }
        parts.extend(self.faults.describe());
        if self.viewers {
            parts.push(format!(
                "viewers watching every configuration while the command runs ({WORLD_VIEWERS} sessions a minute)"
            ));
        }
        parts.join("; ")
    }

    /// The worlds one step simpler than this one, simplest-making first: a region fewer, a
    /// configuration fewer, logging off or at 100% instead of a smaller share, no traffic, a plain
    /// role instead of a legacy or half-deleted one, no role, no IAM lag (and, first of all, fewer
    /// or smaller faults, then no throttling, then no viewers while the command runs). Each is [`World::fitted`] and smaller
    /// ([`World::size`]) or equal in size but plainer.
    pub fn simpler(&self) -> Vec<World> {
        let mut out = Vec::new();
        let refit = World::refit;
        for faults in self.faults.simpler() {
            out.push(World {
                faults,
                ..self.clone()
            });
        }
        if self.throttling {
            let mut w = self.clone();
            w.throttling = false;
            out.push(w);
        }
        if self.viewers {
            let mut w = self.clone();
            w.viewers = false;
            out.push(w);
        }
        for i in 0..self.regions.len() {
            let mut w = self.clone();
            w.regions.remove(i);
            out.push(refit(w));
        }
        for (i, r) in self.regions.iter().enumerate() {
            for j in 0..r.configs.len() {
                if r.configs.len() > 1 {
                    let mut w = self.clone();
                    w.regions[i].configs.remove(j);
                    out.push(refit(w));
                }
                if r.configs[j].percent > 0 {
                    let mut w = self.clone();
                    w.regions[i].configs[j].percent = 0;
                    out.push(refit(w));
                }
                if r.configs[j].percent > 0 && r.configs[j].percent < 100 {
                    let mut w = self.clone();
                    w.regions[i].configs[j].percent = 100;
                    out.push(refit(w));
                }
            }
        }
        if self.traffic.is_some() {
            let mut w = self.clone();
            w.traffic = None;
            out.push(w);
        }
        if matches!(self.role, RoleState::Legacy | RoleState::MidDeletion) {
            let mut w = self.clone();
            w.role = RoleState::Present;
            out.push(w);
        }
        if self.role == RoleState::Present && !self.logging() {
            let mut w = self.clone();
            w.role = RoleState::Absent;
            out.push(w);
        }
        if self.consistency_delay > 0 {
            let mut w = self.clone();
            w.consistency_delay = 0;
            out.push(w);
        }
        out.retain(|w| w != self);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest! {
        #[test]
        fn worlds_fit_and_shrink_to_smaller_worlds(w in world()) {
            prop_assert_eq!(&w.clone().refit(), &w);
            for s in w.simpler() {
                prop_assert!(s.size() <= w.size(), "{} is not simpler than {}", s.describe(), w.describe());
                prop_assert_eq!(&s.clone().refit(), &s);
            }
        }
    }

    #[test]
    fn every_world_is_built_by_calls_that_succeed_into_the_state_it_describes() {
        use crate::core::outcome::Outcome;
        for case in 0..40 {
            let w = World::generate(11, case);
            let genesis = crate::simulator::Genesis {
                seed: 11,
                start: 1_767_225_600,
            };
            let Ok(mut sim) = crate::simulator::Simulator::temporary(genesis) else {
                panic!("a temporary database");
            };
            for action in w.actions() {
                let Ok(rec) = sim.execute(action.clone()) else {
                    panic!("stored");
                };
                assert!(
                    !matches!(rec.outcome, Outcome::Error { .. }),
                    "{}: {action:?} was refused: {:?}",
                    w.describe(),
                    rec.outcome
                );
            }
            let account = sim
                .state()
                .accounts
                .get(crate::core::action::DEFAULT_ACCOUNT);
            let role =
                account.is_some_and(|a| a.roles.contains_key(crate::core::catalog::SLR_NAME));
            assert_eq!(role, w.role != RoleState::Absent, "{}", w.describe());
            let configs = account.map_or(0, |a| {
                a.regions
                    .values()
                    .map(|r| r.playback_configurations.len())
                    .sum::<usize>()
            });
            assert_eq!(configs, w.configs().count(), "{}", w.describe());
        }
    }

    #[test]
    fn some_worlds_have_faults_set_last_described_and_shrunk_first() {
        let faulted: Vec<World> = (0..120)
            .map(|case| World::generate(9, case))
            .filter(|w| w.faults != WorldFaults::default())
            .collect();
        assert!(
            faulted.len() >= 5,
            "{} of 120 worlds have faults",
            faulted.len()
        );
        assert!(faulted.iter().any(|w| !w.faults.internal_errors.is_empty()));
        for w in &faulted {
            let last = w.actions().last().map(|a| a.op.name());
            assert_eq!(last, Some("SetFaults"), "{}", w.describe());
            for (op, n) in &w.faults.internal_errors {
                assert!(FAULT_OPERATIONS.contains(&op.as_str()) && (1..=2).contains(n));
                assert!(
                    w.describe().contains(&format!("{op} fails")),
                    "{}",
                    w.describe()
                );
            }
            let first = &w.simpler()[0];
            assert_eq!(first.faults, WorldFaults::default());
            assert_eq!(first.size() + w.faults.size(), w.size());
        }
    }

    #[test]
    fn some_worlds_lag_their_iam_reads_and_shrinking_removes_the_lag() {
        let Some(w) = (0..60)
            .map(|case| World::generate(5, case))
            .find(|w| w.consistency_delay > 0)
        else {
            panic!("no world of sixty lags its IAM reads");
        };
        assert!(CONSISTENCY_DELAYS.contains(&w.consistency_delay));
        let first = w.actions().into_iter().next().map(|a| a.op.name());
        assert_eq!(first, Some("SetConsistency"), "{}", w.describe());
        assert!(
            w.describe().ends_with(&format!(
                "IAM reads lag {} s behind writes",
                w.consistency_delay
            )),
            "{}",
            w.describe()
        );
        assert!(w.simpler().iter().any(|s| s.consistency_delay == 0
            && World {
                consistency_delay: w.consistency_delay,
                ..s.clone()
            } == w));
    }

    #[test]
    fn a_world_is_the_same_for_the_same_seed_and_case() {
        assert_eq!(World::generate(3, 9), World::generate(3, 9));
        let differ = (0..20).any(|case| World::generate(3, case) != World::generate(3, 0));
        assert!(differ, "twenty cases of one seed were all the same world");
    }
}
