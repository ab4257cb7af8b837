//! An independent reference model of slrsim's rules, and the generator of random histories that drive
//! it. The model is deliberately small and written apart from `decide`: a handful of booleans and
//! counters per account (does the role exist, which log configurations are enabled where, IAM's lag and
//! the viewers watching, the deletion
//! tasks, who may do what). After every step the property tests and `slrsim check` compare the
//! simulator's answer and state with the model's; any disagreement is a failure.
//!
//! The vocabulary is small on purpose (two accounts, three regions, two playback configuration names,
//! six user profiles) so that random sequences collide: the same configuration is enabled, deleted and
//! enabled again, deletions race logging, users without permission try everything.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use proptest_state_machine::ReferenceStateMachine;
use serde_json::{Value, json};

use crate::core::action::Action;
use crate::core::error::ErrorCode;
use crate::core::outcome::Outcome;
use crate::core::state::State;

/// The accounts histories use.
pub const ACCOUNTS: [&str; 2] = ["111122223333", "444455556666"];
/// The regions histories use.
pub const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-south-1"];
/// The playback configuration names histories use.
pub const CONFIGS: [&str; 2] = ["live", "vod"];

const START_SECS: i64 = 5;
const FINISH_SECS: i64 = 30;
const WINDOW_SECS: i64 = 300;
const RETENTION_SECS: i64 = 7 * 24 * 3600;
/// The operations the generator's `SetFaults` gives internal errors to: calls of one action each.
pub const FAULT_OPERATIONS: [&str; 6] = [
    "GetRole",
    "DeleteServiceLinkedRole",
    "GetServiceLinkedRoleDeletionStatus",
    "ConfigureLogsForPlaybackConfiguration",
    "DescribeLogGroups",
    "PutPlaybackConfiguration",
];
/// How long a slow deletion takes in the generator's `SetFaults`.
const SLOW_FINISH_SECS: i64 = 300;

/// What a user may do: each profile is a set of policies the generator attaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Profile {
    /// AdministratorAccess.
    Admin,
    /// AWSElementalMediaTailorFullAccess only: cannot create the role.
    MediaTailorOnly,
    /// MediaTailor full access plus the reference's create-role policy (StringLike condition).
    MediaTailorWithSlr,
    /// IAM, MediaTailor and CloudWatch Logs read-only.
    Reader,
    /// AdministratorAccess with an explicit Deny on iam:DeleteServiceLinkedRole.
    DenyDelete,
    /// No policies at all.
    Nobody,
}

/// Every profile.
pub const PROFILES: [Profile; 6] = [
    Profile::Admin,
    Profile::MediaTailorOnly,
    Profile::MediaTailorWithSlr,
    Profile::Reader,
    Profile::DenyDelete,
    Profile::Nobody,
];

impl Profile {
    /// The user name the generator gives this profile.
    pub fn user_name(self) -> &'static str {
        match self {
            Profile::Admin => "admin",
            Profile::MediaTailorOnly => "mtonly",
            Profile::MediaTailorWithSlr => "mtslr",
            Profile::Reader => "reader",
            Profile::DenyDelete => "denydel",
            Profile::Nobody => "nobody",
        }
    }

    fn may(self, p: Perm) -> bool {
        use Perm::*;
        match self {
            Profile::Admin => true,
            Profile::DenyDelete => p != IamDeleteSlr,
            Profile::MediaTailorOnly => matches!(p, MtWrite),
            Profile::MediaTailorWithSlr => matches!(p, MtWrite | IamCreateSlr),
            Profile::Reader => matches!(p, IamRead | LogsRead),
            Profile::Nobody => false,
        }
    }
}

/// Who makes a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// The account's root.
    Root,
    /// The user of a profile (who may not exist yet).
    User(Profile),
}

impl Who {
    fn name(self) -> &'static str {
        match self {
            Who::Root => "root",
            Who::User(p) => p.user_name(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Perm {
    IamRead,
    IamWrite,
    IamCreateSlr,
    IamDeleteSlr,
    MtWrite,
    LogsRead,
}

/// The protected-role edits the generator tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// DeleteRole.
    DeleteRole,
    /// AttachRolePolicy.
    AttachRolePolicy,
    /// DetachRolePolicy.
    DetachRolePolicy,
    /// PutRolePolicy.
    PutRolePolicy,
    /// DeleteRolePolicy.
    DeleteRolePolicy,
    /// UpdateAssumeRolePolicy.
    UpdateAssumeRolePolicy,
}

/// Input AWS must refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hostile {
    /// A RoleName longer than 64 characters.
    LongRoleName(usize),
    /// A RoleName with characters IAM does not allow.
    BadRoleName(String),
    /// A description over 1000 characters.
    LongDescription(usize),
    /// A description with a control character.
    ControlDescription,
    /// A playback configuration name MediaTailor does not take.
    BadConfigName(String),
    /// A deletion task id of the wrong shape.
    BadTaskId(String),
}

/// One step of a generated history: one or a few actions.
///
/// The fields mean the same in every variant: `account`, `region` and `config` are indices into
/// [`ACCOUNTS`], [`REGIONS`] and [`CONFIGS`]; `who` makes the call; `profile` is the user's set of
/// policies; the rest is the call's one parameter, as its variant's doc names it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    missing_docs,
    reason = "the fields share one meaning across variants, documented once on the enum"
)]
pub enum Transition {
    /// Root creates the user of a profile and gives it its policies.
    CreateUser { account: usize, profile: Profile },
    /// CreateServiceLinkedRole (with a CustomSuffix, or for another service, when asked).
    CreateSlr {
        account: usize,
        who: Who,
        suffix: bool,
        other_service: bool,
    },
    /// DeleteServiceLinkedRole.
    DeleteSlr { account: usize, who: Who },
    /// GetServiceLinkedRoleDeletionStatus of the latest task.
    GetStatus { account: usize, who: Who },
    /// GetRole on the service-linked role.
    GetRole { account: usize, who: Who },
    /// UpdateRoleDescription on the service-linked role.
    UpdateDescription { account: usize, who: Who },
    /// A write the protected role refuses.
    ProtectedEdit {
        account: usize,
        who: Who,
        edit: Edit,
    },
    /// Root attaches the service role policy to a user.
    AttachSlrPolicyToUser { account: usize, profile: Profile },
    /// PutPlaybackConfiguration.
    PutConfig {
        account: usize,
        region: usize,
        config: usize,
        who: Who,
    },
    /// DeletePlaybackConfiguration.
    DeleteConfig {
        account: usize,
        region: usize,
        config: usize,
        who: Who,
    },
    /// ConfigureLogsForPlaybackConfiguration (percent may be out of range).
    ConfigureLogs {
        account: usize,
        region: usize,
        config: usize,
        who: Who,
        percent: i64,
    },
    /// ServeSessions.
    Serve {
        account: usize,
        region: usize,
        config: usize,
        sessions: i64,
    },
    /// DescribeLogGroups.
    DescribeLogGroups {
        account: usize,
        region: usize,
        who: Who,
    },
    /// AdvanceClock.
    Advance { seconds: i64 },
    /// SetAccountHistory with UsedMediaTailorBeforeSlrSupport true.
    SetHistory { account: usize },
    /// SetConsistency: IAM reads of the account lag `delay` seconds behind writes.
    SetConsistency { account: usize, delay: i64 },
    /// SetViewers: `rate` sessions a minute on each of the account's configurations.
    SetViewers { account: usize, rate: i64 },
    /// SetThrottling at a rate no history reaches (every call takes a token), or off.
    SetThrottling { enabled: bool },
    /// A call with hostile input.
    Hostile {
        account: usize,
        who: Who,
        input: Hostile,
    },
    /// SetFaults: `count` internal errors on `operation` (one of [`FAULT_OPERATIONS`]), the next
    /// `deletion_failures` deletions failing, deletions taking 300 s when `slow`.
    SetFaults {
        account: usize,
        operation: &'static str,
        count: u32,
        deletion_failures: u32,
        slow: bool,
    },
}

/// The model's view of one account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelAccount {
    /// Whether the service-linked role exists.
    pub role: bool,
    /// How many times the role has been created.
    pub lifetimes: u32,
    /// When MediaTailor last delivered logs through the role.
    pub last_used: Option<i64>,
    /// Playback configurations: (region, name) → (percent, carry).
    pub configs: BTreeMap<(usize, usize), (i64, i64)>,
    /// Deletion tasks in creation order: (created, status, when it finished, when it is due to).
    pub tasks: Vec<(i64, &'static str, i64, i64)>,
    /// Internal errors still due, by operation (`SetFaults`).
    pub faults: BTreeMap<&'static str, u32>,
    /// Deletions that will fail instead of succeeding (`SetFaults`).
    pub deletion_failures: u32,
    /// How long a deletion created now takes, when `SetFaults` made deletions slow.
    pub deletion_seconds: Option<i64>,
    /// Users that exist.
    pub users: BTreeSet<Profile>,
    /// Regions whose MediaTailor log groups exist.
    pub log_regions: BTreeSet<usize>,
    /// Whether the account's history (used MediaTailor before 2021-09-15) was given.
    pub history: bool,
    /// Seconds IAM reads lag behind writes (0: off).
    pub delay: i64,
    /// When the current role was created.
    pub role_created: i64,
    /// When the last role was deleted, while reads may still see it (only kept with a lag).
    pub deleted_at: Option<i64>,
    /// Viewer sessions a minute on each configuration (0: none).
    pub viewers: i64,
    /// Session-seconds of viewing carried to the next advance.
    pub viewer_carry: i64,
}

impl ModelAccount {
    /// Whether IAM's role reads see a role at `now` (the current one once the lag has passed, or
    /// the one deleted less than the lag ago).
    fn visible(&self, now: i64) -> bool {
        if self.delay <= 0 {
            return self.role;
        }
        (self.role && self.role_created + self.delay <= now)
            || self.deleted_at.is_some_and(|d| d + self.delay > now)
    }

    /// Whether MediaTailor can use the role at `now` (it exists and IAM's lag has passed).
    fn usable(&self, now: i64) -> bool {
        self.role && (self.delay <= 0 || self.role_created + self.delay <= now)
    }
}

/// The whole model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Model {
    /// The simulated clock.
    pub now: i64,
    /// Accounts by index into [`ACCOUNTS`].
    pub accounts: [ModelAccount; 2],
}

/// What the model expects of one action: success, or an error code.
pub type Expect = Result<(), ErrorCode>;

impl Model {
    /// A fresh model at the default start.
    pub fn new() -> Self {
        Model {
            now: crate::core::clock::DEFAULT_START,
            ..Default::default()
        }
    }

    /// Whether the caller exists in the account (root always does).
    fn caller_ok(&self, account: usize, who: Who) -> Result<(), ErrorCode> {
        match who {
            Who::Root => Ok(()),
            Who::User(p) if self.accounts[account].users.contains(&p) => Ok(()),
            Who::User(_) => Err(ErrorCode::InvalidClientTokenId),
        }
    }

    /// Whether the caller's policies allow `perm`.
    fn may(&self, who: Who, perm: Perm) -> bool {
        match who {
            Who::Root => true,
            Who::User(p) => p.may(perm),
        }
    }

    /// Applies a transition; returns what each of its actions should answer.
    pub fn step(&mut self, t: &Transition) -> Vec<Expect> {
        if let Some(fault) = self.fault(t) {
            return vec![fault];
        }
        match t {
            Transition::CreateUser { account, profile } => {
                self.create_user(*account, *profile, actions_for(t).len())
            }
            Transition::CreateSlr {
                account,
                who,
                suffix,
                other_service,
            } => vec![self.create_slr(*account, *who, *suffix, *other_service)],
            Transition::DeleteSlr { account, who } => vec![self.delete_slr(*account, *who)],
            Transition::GetStatus { account, who } => vec![self.get_status(*account, *who)],
            Transition::GetRole { account, who } => vec![self.get_role(*account, *who)],
            Transition::UpdateDescription { account, who } => {
                vec![self.role_call(*account, *who, Perm::IamWrite)]
            }
            Transition::ProtectedEdit { account, who, .. } => vec![
                self.role_call(*account, *who, Perm::IamWrite)
                    .and(Err(ErrorCode::UnmodifiableEntity)),
            ],
            Transition::AttachSlrPolicyToUser { account, profile } => {
                if self.accounts[*account].users.contains(profile) {
                    vec![Err(ErrorCode::PolicyNotAttachable)]
                } else {
                    vec![Err(ErrorCode::NoSuchEntity)]
                }
            }
            Transition::PutConfig {
                account,
                region,
                config,
                who,
            } => vec![self.put_config(*account, (*region, *config), *who)],
            Transition::DeleteConfig {
                account,
                region,
                config,
                who,
            } => vec![self.delete_config(*account, (*region, *config), *who)],
            Transition::ConfigureLogs {
                account,
                region,
                config,
                who,
                percent,
            } => vec![self.configure_logs(*account, (*region, *config), *who, *percent)],
            Transition::Serve {
                account,
                region,
                config,
                sessions,
            } => vec![self.serve(*account, (*region, *config), *sessions)],
            Transition::DescribeLogGroups { account, who, .. } => {
                vec![self.describe_log_groups(*account, *who)]
            }
            Transition::Advance { seconds } => {
                self.advance(*seconds);
                vec![Ok(())]
            }
            Transition::SetHistory { .. }
            | Transition::SetConsistency { .. }
            | Transition::SetViewers { .. }
            | Transition::SetThrottling { .. } => {
                self.setting(t);
                vec![Ok(())]
            }
            Transition::Hostile {
                account,
                who,
                input,
            } => vec![self.hostile(*account, *who, input)],
            Transition::SetFaults { .. } => vec![self.set_faults(t)],
        }
    }

    /// The scenario's settings of an account (always accepted: the generator draws them in range).
    fn setting(&mut self, t: &Transition) {
        let now = self.now;
        match t {
            Transition::SetHistory { account } => self.set_history(*account),
            Transition::SetConsistency { account, delay } => {
                let a = &mut self.accounts[*account];
                a.delay = *delay;
                a.deleted_at = a.deleted_at.filter(|d| *delay > 0 && d + delay > now);
            }
            Transition::SetViewers { account, rate } => {
                let a = &mut self.accounts[*account];
                a.viewers = *rate;
                a.viewer_carry = 0;
            }
            // Throttling at a rate no history reaches changes no answer.
            _ => {}
        }
    }

    /// `SetFaults`: the account's faults from now on.
    fn set_faults(&mut self, t: &Transition) -> Expect {
        if let Transition::SetFaults {
            account,
            operation,
            count,
            deletion_failures,
            slow,
        } = t
        {
            let a = &mut self.accounts[*account];
            a.faults = BTreeMap::from([(*operation, *count)]);
            a.deletion_failures = *deletion_failures;
            a.deletion_seconds = slow.then_some(SLOW_FINISH_SECS);
        }
        Ok(())
    }

    /// An injected internal error, when one is due for the transition's one AWS call from a known
    /// caller: the service's internal error, and the count goes down; the call does nothing else.
    fn fault(&mut self, t: &Transition) -> Option<Expect> {
        let actions = actions_for(t);
        let [action] = actions.as_slice() else {
            return None;
        };
        let spec = action.op.kind().spec();
        let account = ACCOUNTS.iter().position(|a| *a == action.account)?;
        let a = &mut self.accounts[account];
        let known =
            action.caller == "root" || a.users.iter().any(|p| p.user_name() == action.caller);
        let left = a.faults.get_mut(spec.name).filter(|n| **n > 0 && known)?;
        *left -= 1;
        if *left == 0 {
            a.faults.remove(spec.name);
        }
        use crate::core::operation::Service;
        Some(Err(match spec.service {
            Service::Iam => ErrorCode::ServiceFailure,
            Service::Logs => ErrorCode::ServiceUnavailableException,
            Service::Sts | Service::MediaTailor | Service::Simulation => ErrorCode::InternalFailure,
        }))
    }

    /// `CreateUser` (with its policy attached and put): `actions` answers, the first refused if the
    /// user exists.
    fn create_user(&mut self, account: usize, profile: Profile, actions: usize) -> Vec<Expect> {
        let existed = !self.accounts[account].users.insert(profile);
        let mut v = vec![Ok(()); actions];
        if existed {
            // The user exists: CreateUser is refused; attaching and putting again are idempotent.
            v[0] = Err(ErrorCode::EntityAlreadyExists);
        }
        v
    }

    /// `CreateServiceLinkedRole`, for MediaTailor (with a suffix or not) or another service.
    fn create_slr(
        &mut self,
        account: usize,
        who: Who,
        suffix: bool,
        other_service: bool,
    ) -> Expect {
        self.caller_ok(account, who)?;
        if other_service {
            // The create policy of MediaTailorWithSlr names only MediaTailor's role.
            let allowed = matches!(
                who,
                Who::Root | Who::User(Profile::Admin | Profile::DenyDelete)
            );
            return Err(if allowed {
                ErrorCode::InvalidInput
            } else {
                ErrorCode::AccessDenied
            });
        }
        if !self.may(who, Perm::IamCreateSlr) {
            return Err(ErrorCode::AccessDenied);
        }
        if suffix || self.accounts[account].role {
            return Err(ErrorCode::InvalidInput);
        }
        self.create_role(account, self.now);
        Ok(())
    }

    /// `DeleteServiceLinkedRole`: a new deletion task unless one is still open.
    fn delete_slr(&mut self, account: usize, who: Who) -> Expect {
        self.caller_ok(account, who)?;
        if !self.may(who, Perm::IamDeleteSlr) {
            return Err(ErrorCode::AccessDenied);
        }
        let now = self.now;
        let a = &mut self.accounts[account];
        if !a.role {
            return Err(ErrorCode::NoSuchEntity);
        }
        let open = a
            .tasks
            .last()
            .is_some_and(|(_, s, _, _)| *s == "NOT_STARTED" || *s == "IN_PROGRESS");
        if !open {
            let due = now + a.deletion_seconds.unwrap_or(FINISH_SECS);
            a.tasks.push((now, "NOT_STARTED", 0, due));
        }
        Ok(())
    }

    /// `GetServiceLinkedRoleDeletionStatus` of the account's last task.
    fn get_status(&self, account: usize, who: Who) -> Expect {
        self.caller_ok(account, who)?;
        // `$last` is authorised before it is resolved.
        if !self.may(who, Perm::IamRead) {
            return Err(ErrorCode::AccessDenied);
        }
        if self.accounts[account].tasks.is_empty() {
            return Err(ErrorCode::NoSuchEntity);
        }
        Ok(())
    }

    /// `GetRole` of the service-linked role: a read, so it sees the role as IAM's lag shows it.
    fn get_role(&self, account: usize, who: Who) -> Expect {
        self.caller_ok(account, who)?;
        if !self.may(who, Perm::IamRead) {
            return Err(ErrorCode::AccessDenied);
        }
        if !self.accounts[account].visible(self.now) {
            return Err(ErrorCode::NoSuchEntity);
        }
        Ok(())
    }

    /// An IAM call on the role that needs `perm` and the role to exist.
    fn role_call(&self, account: usize, who: Who, perm: Perm) -> Expect {
        self.caller_ok(account, who)?;
        if !self.may(who, perm) {
            return Err(ErrorCode::AccessDenied);
        }
        if !self.accounts[account].role {
            return Err(ErrorCode::NoSuchEntity);
        }
        Ok(())
    }

    /// `PutPlaybackConfiguration`: made if new, kept as it is if not.
    fn put_config(&mut self, account: usize, key: (usize, usize), who: Who) -> Expect {
        self.caller_ok(account, who)?;
        if !self.may(who, Perm::MtWrite) {
            return Err(ErrorCode::AccessDeniedException);
        }
        self.accounts[account].configs.entry(key).or_insert((0, 0));
        Ok(())
    }

    /// `DeletePlaybackConfiguration` (of a configuration that may not exist).
    fn delete_config(&mut self, account: usize, key: (usize, usize), who: Who) -> Expect {
        self.caller_ok(account, who)?;
        if !self.may(who, Perm::MtWrite) {
            return Err(ErrorCode::AccessDeniedException);
        }
        self.accounts[account].configs.remove(&key);
        Ok(())
    }

    /// `ConfigureLogsForPlaybackConfiguration`: a percent above 0 makes the role if it is missing.
    fn configure_logs(
        &mut self,
        account: usize,
        key: (usize, usize),
        who: Who,
        percent: i64,
    ) -> Expect {
        self.caller_ok(account, who)?;
        if !(0..=100).contains(&percent) {
            return Err(ErrorCode::BadRequestException);
        }
        if !self.may(who, Perm::MtWrite) {
            return Err(ErrorCode::AccessDeniedException);
        }
        if !self.accounts[account].configs.contains_key(&key) {
            return Err(ErrorCode::NotFoundException);
        }
        if percent > 0 && !self.accounts[account].role {
            if !self.may(who, Perm::IamCreateSlr) {
                return Err(ErrorCode::AccessDeniedException);
            }
            self.create_role(account, self.now);
        }
        if let Some(c) = self.accounts[account].configs.get_mut(&key) {
            c.0 = percent;
        }
        Ok(())
    }

    /// Sessions served by a configuration: each whole hundredth logged session uses the role.
    fn serve(&mut self, account: usize, key: (usize, usize), sessions: i64) -> Expect {
        let now = self.now;
        let a = &mut self.accounts[account];
        let Some(c) = a.configs.get_mut(&key) else {
            return Err(ErrorCode::NotFoundException);
        };
        let total = sessions * c.0 + c.1;
        c.1 = total % 100;
        if total / 100 > 0 && a.usable(now) {
            a.last_used = Some(now);
            a.log_regions.insert(key.0);
        }
        Ok(())
    }

    /// `DescribeLogGroups`.
    fn describe_log_groups(&self, account: usize, who: Who) -> Expect {
        self.caller_ok(account, who)?;
        if !self.may(who, Perm::LogsRead) {
            return Err(ErrorCode::AccessDeniedException);
        }
        Ok(())
    }

    /// Moves the clock on by `seconds`: deletion tasks start, finish and are forgotten on the way.
    fn advance(&mut self, seconds: i64) {
        let target = self.now + seconds;
        for a in &mut self.accounts {
            Self::advance_tasks(a, target);
            // Finished tasks are forgotten once their retention has passed.
            a.tasks.retain(|(_, s, f, _)| {
                !((*s == "SUCCEEDED" || *s == "FAILED") && f + RETENTION_SECS <= target)
            });
            a.deleted_at = a.deleted_at.filter(|d| d + a.delay > target);
        }
        self.now = target;
        if seconds <= 0 {
            return;
        }
        // Viewers watch up to the target: each configuration plays the sessions the seconds start.
        for account in 0..self.accounts.len() {
            let a = &mut self.accounts[account];
            if a.viewers <= 0 {
                continue;
            }
            let total = a.viewers * seconds + a.viewer_carry;
            a.viewer_carry = total % 60;
            let sessions = total / 60;
            if sessions == 0 {
                continue;
            }
            let keys: Vec<(usize, usize)> = a.configs.keys().copied().collect();
            for key in keys {
                let _ = self.serve(account, key, sessions);
            }
        }
    }

    /// Starts and finishes an account's deletion tasks due by `target`; a success deletes the role.
    fn advance_tasks(a: &mut ModelAccount, target: i64) {
        let blocked_configs = a.configs.values().any(|(p, _)| *p > 0);
        let last_used = a.last_used;
        let mut deleted = None;
        for (created, status, finished, due) in &mut a.tasks {
            if *status == "NOT_STARTED" && *created + START_SECS <= target {
                *status = "IN_PROGRESS";
            }
            if *status == "IN_PROGRESS" && *due <= target {
                let at = *due;
                *finished = at;
                let recent = last_used.is_some_and(|u| at - u < WINDOW_SECS);
                if blocked_configs || recent {
                    *status = "FAILED";
                } else if a.deletion_failures > 0 {
                    // An injected fault: the deletion fails for a service reason.
                    a.deletion_failures -= 1;
                    *status = "FAILED";
                } else {
                    *status = "SUCCEEDED";
                    deleted = Some(at);
                }
            }
        }
        if let Some(at) = deleted {
            a.role = false;
            a.last_used = None;
            a.deleted_at = (a.delay > 0).then_some(at);
        }
    }

    /// The account's first history: the role is made if it is missing.
    fn set_history(&mut self, account: usize) {
        let first_time = !self.accounts[account].history;
        self.accounts[account].history = true;
        if first_time && !self.accounts[account].role {
            self.create_role(account, crate::core::catalog::SLR_SUPPORT_DATE);
        }
    }

    /// A hostile input: refused by validation (after the caller is known).
    fn hostile(&self, account: usize, who: Who, input: &Hostile) -> Expect {
        self.caller_ok(account, who).and(Err(match input {
            Hostile::BadConfigName(_) => ErrorCode::BadRequestException,
            Hostile::BadTaskId(_) => ErrorCode::InvalidInput,
            _ => ErrorCode::ValidationError,
        }))
    }

    /// Makes the account's role (one more lifetime, never used yet).
    fn create_role(&mut self, account: usize, created: i64) {
        let a = &mut self.accounts[account];
        a.role = true;
        a.role_created = created;
        a.lifetimes += 1;
        a.last_used = None;
    }

    /// Compares what the simulator's state shows with the model. `Err` says where they disagree.
    pub fn compare(&self, state: &State) -> Result<(), String> {
        if state.now != self.now {
            return Err(format!("clock: simulator {} model {}", state.now, self.now));
        }
        for (i, m) in self.accounts.iter().enumerate() {
            let id = ACCOUNTS[i];
            let a = state.account(id);
            let role = a.service_linked_role();
            if role.is_some() != m.role {
                return Err(format!(
                    "account {id}: role exists: simulator {} model {}",
                    role.is_some(),
                    m.role
                ));
            }
            let last = role
                .and_then(|r| r.role_last_used.as_ref())
                .map(|u| u.last_used_date);
            if last != m.last_used {
                return Err(format!(
                    "account {id}: role last used: simulator {last:?} model {:?}",
                    m.last_used
                ));
            }
            let mut sim_configs = BTreeMap::new();
            for (region, rs) in &a.regions {
                for (name, c) in &rs.playback_configurations {
                    let r = REGIONS.iter().position(|x| x == region);
                    let n = CONFIGS.iter().position(|x| x == name);
                    if let (Some(r), Some(n)) = (r, n) {
                        sim_configs.insert(
                            (r, n),
                            (c.log_configuration.percent_enabled, c.sessions.carry as i64),
                        );
                    }
                }
            }
            if sim_configs != m.configs {
                return Err(format!(
                    "account {id}: configurations (percent, carry): simulator {sim_configs:?} model {:?}",
                    m.configs
                ));
            }
            let mut tasks: Vec<_> = a.deletion_tasks.values().collect();
            tasks.sort_by_key(|t| t.created_seq);
            let sim_tasks: Vec<(i64, &str)> = tasks
                .iter()
                .map(|t| (t.created, t.status.as_str()))
                .collect();
            let model_tasks: Vec<(i64, &str)> =
                m.tasks.iter().map(|(c, s, _, _)| (*c, *s)).collect();
            if sim_tasks != model_tasks {
                return Err(format!(
                    "account {id}: deletion tasks: simulator {sim_tasks:?} model {model_tasks:?}"
                ));
            }
            compare_faults(id, a, m)?;
            let sim_users: BTreeSet<&str> = a.users.keys().map(String::as_str).collect();
            let model_users: BTreeSet<&str> = m.users.iter().map(|p| p.user_name()).collect();
            if sim_users != model_users {
                return Err(format!(
                    "account {id}: users: simulator {sim_users:?} model {model_users:?}"
                ));
            }
            let log_regions: BTreeSet<usize> = a
                .regions
                .iter()
                .filter(|(_, rs)| !rs.log_groups.is_empty())
                .filter_map(|(r, _)| REGIONS.iter().position(|x| x == r))
                .collect();
            if log_regions != m.log_regions {
                return Err(format!(
                    "account {id}: regions with log groups: simulator {log_regions:?} model {:?}",
                    m.log_regions
                ));
            }
        }
        Ok(())
    }
}

/// Compares the faults still due in an account with the model's.
fn compare_faults(
    id: &str,
    a: &crate::core::state::Account,
    m: &ModelAccount,
) -> Result<(), String> {
    let sim_faults: BTreeMap<&str, u32> = a
        .faults
        .internal_errors
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    if sim_faults != m.faults || a.faults.deletion_task_failures != m.deletion_failures {
        return Err(format!(
            "account {id}: faults due: simulator {sim_faults:?} and {} deletion failures, model {:?} and {}",
            a.faults.deletion_task_failures, m.faults, m.deletion_failures
        ));
    }
    Ok(())
}

/// Whether an outcome matches an expectation.
pub fn outcome_matches(outcome: &Outcome, expect: &Expect) -> bool {
    match (outcome, expect) {
        (Outcome::Ok { .. }, Ok(())) => true,
        (Outcome::Error { error, .. }, Err(code)) => error.code == *code,
        _ => false,
    }
}

const CREATE_SLR_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"arn:aws:iam::*:role/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor*","Condition":{"StringLike":{"iam:AWSServiceName":"mediatailor.amazonaws.com"}}}]}"#;
const DENY_DELETE_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:DeleteServiceLinkedRole","Resource":"*"}]}"#;

fn line(op: &str, account: usize, who: Who, region: usize, params: Value) -> Action {
    let v = json!({"op": op, "account": ACCOUNTS[account], "caller": who.name(), "region": REGIONS[region], "params": params});
    match v {
        Value::Object(o) => match crate::simulator::scenario::parse_action(o) {
            Ok(a) => a,
            // INVARIANT: the generator only builds well-formed lines; `tests/library/properties.rs` checks every
            // transition kind parses. A malformed one would be a generator bug, so fail loudly.
            #[expect(
                clippy::panic,
                reason = "the generator builds only well-formed lines; a malformed one is its bug"
            )]
            Err(e) => panic!("generator built a malformed action: {e}"),
        },
        _ => unreachable!("json! object literal"),
    }
}

/// The concrete actions of a transition, in order.
pub fn actions_for(t: &Transition) -> Vec<Action> {
    match t {
        Transition::CreateUser { account, profile } => create_user_actions(*account, *profile),
        _ => role_action(t)
            .or_else(|| config_action(t))
            .or_else(|| other_action(t))
            .into_iter()
            .collect(),
    }
}

/// `CreateUser` and the policies that make up its profile, attached or put by the account's root.
fn create_user_actions(a: usize, profile: Profile) -> Vec<Action> {
    let root = Who::Root;
    let name = profile.user_name();
    let attach = |arn: &str| {
        line(
            "AttachUserPolicy",
            a,
            root,
            0,
            json!({"UserName": name, "PolicyArn": format!("arn:aws:iam::aws:policy/{arn}")}),
        )
    };
    let put = |pname: &str, doc: &str| {
        line(
            "PutUserPolicy",
            a,
            root,
            0,
            json!({"UserName": name, "PolicyName": pname, "PolicyDocument": doc}),
        )
    };
    let mut v = vec![line("CreateUser", a, root, 0, json!({"UserName": name}))];
    match profile {
        Profile::Admin => v.push(attach("AdministratorAccess")),
        Profile::MediaTailorOnly => v.push(attach("AWSElementalMediaTailorFullAccess")),
        Profile::MediaTailorWithSlr => {
            v.push(attach("AWSElementalMediaTailorFullAccess"));
            v.push(put("create-slr", CREATE_SLR_POLICY));
        }
        Profile::Reader => {
            v.push(attach("IAMReadOnlyAccess"));
            v.push(attach("AWSElementalMediaTailorReadOnly"));
            v.push(attach("CloudWatchLogsReadOnlyAccess"));
        }
        Profile::DenyDelete => {
            v.push(attach("AdministratorAccess"));
            v.push(put("deny-delete", DENY_DELETE_POLICY));
        }
        Profile::Nobody => {}
    }
    v
}

/// The one IAM action of a transition on the service-linked role; `None` for the other transitions.
/// Every transition is named in each of [`role_action`], [`config_action`] and [`other_action`] (most
/// of them to answer `None`), so the compiler makes a new one be placed.
fn role_action(t: &Transition) -> Option<Action> {
    use Transition::*;
    const SLR: &str = crate::core::catalog::SLR_NAME;
    let root = Who::Root;
    match t {
        CreateSlr {
            account,
            who,
            suffix,
            other_service,
        } => {
            let mut p = json!({"AWSServiceName": if *other_service { "ec2.amazonaws.com" } else { "mediatailor.amazonaws.com" }});
            if *suffix {
                p["CustomSuffix"] = json!("mine");
            }
            Some(line("CreateServiceLinkedRole", *account, *who, 0, p))
        }
        DeleteSlr { account, who } => Some(line(
            "DeleteServiceLinkedRole",
            *account,
            *who,
            0,
            json!({"RoleName": SLR}),
        )),
        GetStatus { account, who } => Some(line(
            "GetServiceLinkedRoleDeletionStatus",
            *account,
            *who,
            0,
            json!({"DeletionTaskId": "$last"}),
        )),
        GetRole { account, who } => {
            Some(line("GetRole", *account, *who, 0, json!({"RoleName": SLR})))
        }
        UpdateDescription { account, who } => Some(line(
            "UpdateRoleDescription",
            *account,
            *who,
            0,
            json!({"RoleName": SLR, "Description": "edited by a test"}),
        )),
        AttachSlrPolicyToUser { account, profile } => Some(line(
            "AttachUserPolicy",
            *account,
            root,
            0,
            json!({"UserName": profile.user_name(), "PolicyArn": crate::core::catalog::SLR_POLICY_ARN}),
        )),
        ProtectedEdit { account, who, edit } => {
            let (op, p) = protected_edit(*edit);
            Some(line(op, *account, *who, 0, p))
        }
        CreateUser { .. }
        | PutConfig { .. }
        | DeleteConfig { .. }
        | ConfigureLogs { .. }
        | Serve { .. }
        | DescribeLogGroups { .. }
        | Advance { .. }
        | SetHistory { .. }
        | SetConsistency { .. }
        | SetViewers { .. }
        | SetThrottling { .. }
        | Hostile { .. }
        | SetFaults { .. } => None,
    }
}

/// An edit IAM refuses on a protected role: its operation and parameters.
fn protected_edit(edit: Edit) -> (&'static str, Value) {
    const SLR: &str = crate::core::catalog::SLR_NAME;
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    match edit {
        Edit::DeleteRole => ("DeleteRole", json!({"RoleName": SLR})),
        Edit::AttachRolePolicy => (
            "AttachRolePolicy",
            json!({"RoleName": SLR, "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
        ),
        Edit::DetachRolePolicy => (
            "DetachRolePolicy",
            json!({"RoleName": SLR, "PolicyArn": crate::core::catalog::SLR_POLICY_ARN}),
        ),
        Edit::PutRolePolicy => (
            "PutRolePolicy",
            json!({"RoleName": SLR, "PolicyName": "extra", "PolicyDocument": doc}),
        ),
        Edit::DeleteRolePolicy => (
            "DeleteRolePolicy",
            json!({"RoleName": SLR, "PolicyName": "extra"}),
        ),
        Edit::UpdateAssumeRolePolicy => (
            "UpdateAssumeRolePolicy",
            json!({"RoleName": SLR, "PolicyDocument": crate::core::catalog::SLR_TRUST_POLICY}),
        ),
    }
}

/// The one MediaTailor action of a transition on a playback configuration; `None` for the others.
fn config_action(t: &Transition) -> Option<Action> {
    use Transition::*;
    let root = Who::Root;
    match t {
        PutConfig {
            account,
            region,
            config,
            who,
        } => Some(line(
            "PutPlaybackConfiguration",
            *account,
            *who,
            *region,
            json!({"Name": CONFIGS[*config], "VideoContentSourceUrl": "https://origin.example.com/"}),
        )),
        DeleteConfig {
            account,
            region,
            config,
            who,
        } => Some(line(
            "DeletePlaybackConfiguration",
            *account,
            *who,
            *region,
            json!({"Name": CONFIGS[*config]}),
        )),
        ConfigureLogs {
            account,
            region,
            config,
            who,
            percent,
        } => Some(line(
            "ConfigureLogsForPlaybackConfiguration",
            *account,
            *who,
            *region,
            json!({"PlaybackConfigurationName": CONFIGS[*config], "PercentEnabled": percent}),
        )),
        Serve {
            account,
            region,
            config,
            sessions,
        } => Some(line(
            "ServeSessions",
            *account,
            root,
            *region,
            json!({"PlaybackConfigurationName": CONFIGS[*config], "Sessions": sessions}),
        )),
        CreateUser { .. }
        | CreateSlr { .. }
        | DeleteSlr { .. }
        | GetStatus { .. }
        | GetRole { .. }
        | UpdateDescription { .. }
        | ProtectedEdit { .. }
        | AttachSlrPolicyToUser { .. }
        | DescribeLogGroups { .. }
        | Advance { .. }
        | SetHistory { .. }
        | SetConsistency { .. }
        | SetViewers { .. }
        | SetThrottling { .. }
        | Hostile { .. }
        | SetFaults { .. } => None,
    }
}

/// The one action of the remaining transitions (CloudWatch Logs, the clock, the account's history,
/// hostile input); `None` for the others.
fn other_action(t: &Transition) -> Option<Action> {
    use Transition::*;
    let root = Who::Root;
    match t {
        DescribeLogGroups {
            account,
            region,
            who,
        } => Some(line(
            "DescribeLogGroups",
            *account,
            *who,
            *region,
            json!({}),
        )),
        Advance { seconds } => Some(line(
            "AdvanceClock",
            0,
            root,
            0,
            json!({"Seconds": seconds}),
        )),
        SetHistory { account } => Some(line(
            "SetAccountHistory",
            *account,
            root,
            0,
            json!({"UsedMediaTailorBeforeSlrSupport": true}),
        )),
        Hostile {
            account,
            who,
            input,
        } => {
            let (op, p) = hostile_input(input);
            Some(line(op, *account, *who, 0, p))
        }
        SetConsistency { .. } | SetViewers { .. } | SetThrottling { .. } | SetFaults { .. } => {
            adversity_action(t)
        }
        CreateUser { .. }
        | CreateSlr { .. }
        | DeleteSlr { .. }
        | GetStatus { .. }
        | GetRole { .. }
        | UpdateDescription { .. }
        | ProtectedEdit { .. }
        | AttachSlrPolicyToUser { .. }
        | PutConfig { .. }
        | DeleteConfig { .. }
        | ConfigureLogs { .. }
        | Serve { .. } => None,
    }
}

/// The one action of a transition that sets an adversity (IAM's lag, viewers, throttling, faults).
fn adversity_action(t: &Transition) -> Option<Action> {
    use Transition::*;
    let root = Who::Root;
    match t {
        SetConsistency { account, delay } => Some(line(
            "SetConsistency",
            *account,
            root,
            0,
            json!({"DelaySeconds": delay}),
        )),
        SetViewers { account, rate } => Some(line(
            "SetViewers",
            *account,
            root,
            0,
            json!({"SessionsPerMinute": rate}),
        )),
        SetThrottling { enabled } => Some(line(
            "SetThrottling",
            0,
            root,
            0,
            if *enabled {
                // A bucket of 1000 refilled with 1000 calls a simulated second: no history empties
                // it, so every call takes a token and none is refused (the step invariant checks it).
                json!({"Enabled": true, "RatePerSecond": 1000, "Burst": 1000})
            } else {
                json!({"Enabled": false})
            },
        )),
        SetFaults {
            account,
            operation,
            count,
            deletion_failures,
            slow,
        } => {
            let mut p = json!({
                "InternalErrors": [{"Operation": operation, "Count": count}],
                "DeletionTaskFailures": deletion_failures,
            });
            if *slow {
                p["DeletionTaskSeconds"] = json!(SLOW_FINISH_SECS);
            }
            Some(line("SetFaults", *account, root, 0, p))
        }
        _ => None,
    }
}

/// A hostile input: the operation it is sent to and its parameters.
fn hostile_input(input: &Hostile) -> (&'static str, Value) {
    const SLR: &str = crate::core::catalog::SLR_NAME;
    match input {
        Hostile::LongRoleName(n) => ("GetRole", json!({"RoleName": "r".repeat(*n)})),
        Hostile::BadRoleName(s) => ("GetRole", json!({"RoleName": s})),
        Hostile::LongDescription(n) => (
            "UpdateRoleDescription",
            json!({"RoleName": SLR, "Description": "d".repeat(*n)}),
        ),
        Hostile::ControlDescription => (
            "UpdateRoleDescription",
            json!({"RoleName": SLR, "Description": "bell\u{7}"}),
        ),
        Hostile::BadConfigName(s) => ("PutPlaybackConfiguration", json!({"Name": s})),
        Hostile::BadTaskId(s) => (
            "GetServiceLinkedRoleDeletionStatus",
            json!({"DeletionTaskId": s}),
        ),
    }
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        3 => Just(Who::Root),
        2 => prop::sample::select(PROFILES.to_vec()).prop_map(Who::User),
    ]
}

fn hostile() -> impl Strategy<Value = Hostile> {
    prop_oneof![
        (65usize..200).prop_map(Hostile::LongRoleName),
        "[ !#$%&*/:;<>?\\[\\]^`{|}~\u{0}-\u{1f}é€😀]{1,20}".prop_map(Hostile::BadRoleName),
        (1001usize..1500).prop_map(Hostile::LongDescription),
        Just(Hostile::ControlDescription),
        prop_oneof![
            Just(String::new()),
            "[a-z]{0,5}[/ :*?\u{0}'\"<>][a-z]{0,5}",
            (513usize..600).prop_map(|n| "x".repeat(n)),
        ]
        .prop_map(Hostile::BadConfigName),
        "[a-z/]{1,30}".prop_map(Hostile::BadTaskId),
    ]
}

/// The strategy for one transition.
pub fn transition() -> BoxedStrategy<Transition> {
    use Transition::*;
    let account = 0usize..ACCOUNTS.len();
    let region = 0usize..REGIONS.len();
    let config = 0usize..CONFIGS.len();
    let percent = prop_oneof![
        3 => Just(0i64),
        5 => 1i64..=100,
        1 => prop_oneof![Just(101i64), Just(-1i64), 102i64..1000, -1000i64..-1],
    ];
    let seconds = prop_oneof![
        3 => 0i64..=10,
        3 => 10i64..=60,
        2 => 60i64..=400,
        1 => 400i64..=100_000,
        // Past the seven-day retention of finished deletion tasks.
        1 => 600_000i64..=900_000,
    ];
    prop_oneof![
        3 => (account.clone(), prop::sample::select(PROFILES.to_vec()))
            .prop_map(|(account, profile)| CreateUser { account, profile }),
        2 => (account.clone(), who(), prop::bool::weighted(0.15), prop::bool::weighted(0.1))
            .prop_map(|(account, who, suffix, other_service)| CreateSlr { account, who, suffix, other_service }),
        6 => (account.clone(), who()).prop_map(|(account, who)| DeleteSlr { account, who }),
        3 => (account.clone(), who()).prop_map(|(account, who)| GetStatus { account, who }),
        2 => (account.clone(), who()).prop_map(|(account, who)| GetRole { account, who }),
        1 => (account.clone(), who()).prop_map(|(account, who)| UpdateDescription { account, who }),
        2 => (account.clone(), who(), prop::sample::select(vec![
                Edit::DeleteRole, Edit::AttachRolePolicy, Edit::DetachRolePolicy,
                Edit::PutRolePolicy, Edit::DeleteRolePolicy, Edit::UpdateAssumeRolePolicy]))
            .prop_map(|(account, who, edit)| ProtectedEdit { account, who, edit }),
        1 => (account.clone(), prop::sample::select(PROFILES.to_vec()))
            .prop_map(|(account, profile)| AttachSlrPolicyToUser { account, profile }),
        5 => (account.clone(), region.clone(), config.clone(), who())
            .prop_map(|(account, region, config, who)| PutConfig { account, region, config, who }),
        2 => (account.clone(), region.clone(), config.clone(), who())
            .prop_map(|(account, region, config, who)| DeleteConfig { account, region, config, who }),
        8 => (account.clone(), region.clone(), config.clone(), who(), percent)
            .prop_map(|(account, region, config, who, percent)| ConfigureLogs { account, region, config, who, percent }),
        4 => (account.clone(), region.clone(), config.clone(), 0i64..2000)
            .prop_map(|(account, region, config, sessions)| Serve { account, region, config, sessions }),
        1 => (account.clone(), region, who())
            .prop_map(|(account, region, who)| DescribeLogGroups { account, region, who }),
        6 => seconds.prop_map(|seconds| Advance { seconds }),
        1 => account.clone().prop_map(|account| SetHistory { account }),
        1 => (account.clone(), prop::sample::select(vec![0i64, 5, 30]))
            .prop_map(|(account, delay)| SetConsistency { account, delay }),
        1 => (account.clone(), prop::sample::select(vec![0i64, 6, 60, 600]))
            .prop_map(|(account, rate)| SetViewers { account, rate }),
        1 => prop::bool::weighted(0.7).prop_map(|enabled| SetThrottling { enabled }),
        2 => (account.clone(), who(), hostile()).prop_map(|(account, who, input)| Hostile { account, who, input }),
        1 => (account, prop::sample::select(FAULT_OPERATIONS.to_vec()), 1u32..=3, 0u32..=2, prop::bool::weighted(0.3))
            .prop_map(|(account, operation, count, deletion_failures, slow)| SetFaults { account, operation, count, deletion_failures, slow }),
    ]
    .boxed()
}

/// The reference state machine for `proptest-state-machine`.
#[derive(Debug, Clone, Copy)]
pub struct ReferenceMachine;

impl ReferenceStateMachine for ReferenceMachine {
    type State = Model;
    type Transition = Transition;

    fn init_state() -> BoxedStrategy<Self::State> {
        Just(Model::new()).boxed()
    }

    fn transitions(_state: &Self::State) -> BoxedStrategy<Self::Transition> {
        transition()
    }

    fn apply(mut state: Self::State, transition: &Self::Transition) -> Self::State {
        state.step(transition);
        state
    }
}

/// An endless stream of actions from the generator, from `seed` (for long logs and benchmarks; no
/// checking). Transitions are drawn independently, so many are refused, as in the property tests.
pub fn generate(seed: u64) -> impl Iterator<Item = Action> {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let rng = TestRng::from_seed(
        RngAlgorithm::ChaCha,
        blake3::hash(&seed.to_le_bytes()).as_bytes(),
    );
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = transition();
    std::iter::from_fn(move || {
        strategy
            .new_tree(&mut runner)
            .ok()
            .map(|t| actions_for(&t.current()))
    })
    .flatten()
}
