//! An independent reference model of slrsim's rules, and the generator of random histories that drive
//! it. The model is deliberately small and written apart from `decide`: a handful of booleans and
//! counters per account (does the role exist, which log configurations are enabled where, the deletion
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// A call with hostile input.
    Hostile {
        account: usize,
        who: Who,
        input: Hostile,
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
    /// Deletion tasks in creation order: (created, status, when it finished).
    pub tasks: Vec<(i64, &'static str, i64)>,
    /// Users that exist.
    pub users: BTreeSet<Profile>,
    /// Regions whose MediaTailor log groups exist.
    pub log_regions: BTreeSet<usize>,
    /// Whether the account's history (used MediaTailor before 2021-09-15) was given.
    pub history: bool,
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

    fn caller_ok(&self, account: usize, who: Who) -> Result<(), ErrorCode> {
        match who {
            Who::Root => Ok(()),
            Who::User(p) if self.accounts[account].users.contains(&p) => Ok(()),
            Who::User(_) => Err(ErrorCode::InvalidClientTokenId),
        }
    }

    fn may(&self, who: Who, perm: Perm) -> bool {
        match who {
            Who::Root => true,
            Who::User(p) => p.may(perm),
        }
    }

    /// Applies a transition; returns what each of its actions should answer.
    pub fn step(&mut self, t: &Transition) -> Vec<Expect> {
        use ErrorCode::*;
        let iam_denied = AccessDenied;
        let json_denied = AccessDeniedException;
        match t {
            Transition::CreateUser { account, profile } => {
                let existed = !self.accounts[*account].users.insert(*profile);
                let mut v = vec![Ok(()); actions_for(t).len()];
                if existed {
                    // The user exists: CreateUser is refused; attaching and putting again are idempotent.
                    v[0] = Err(EntityAlreadyExists);
                }
                v
            }
            Transition::CreateSlr {
                account,
                who,
                suffix,
                other_service,
            } => {
                let r = (|| {
                    self.caller_ok(*account, *who)?;
                    if *other_service {
                        // The create policy of MediaTailorWithSlr names only MediaTailor's role.
                        let allowed = matches!(
                            who,
                            Who::Root | Who::User(Profile::Admin | Profile::DenyDelete)
                        );
                        return Err(if allowed { InvalidInput } else { iam_denied });
                    }
                    if !self.may(*who, Perm::IamCreateSlr) {
                        return Err(iam_denied);
                    }
                    if *suffix || self.accounts[*account].role {
                        return Err(InvalidInput);
                    }
                    self.create_role(*account);
                    Ok(())
                })();
                vec![r]
            }
            Transition::DeleteSlr { account, who } => {
                let r = (|| {
                    self.caller_ok(*account, *who)?;
                    if !self.may(*who, Perm::IamDeleteSlr) {
                        return Err(iam_denied);
                    }
                    let a = &mut self.accounts[*account];
                    if !a.role {
                        return Err(NoSuchEntity);
                    }
                    let open = a
                        .tasks
                        .last()
                        .is_some_and(|(_, s, _)| *s == "NOT_STARTED" || *s == "IN_PROGRESS");
                    if !open {
                        a.tasks.push((self.now, "NOT_STARTED", 0));
                    }
                    Ok(())
                })();
                vec![r]
            }
            Transition::GetStatus { account, who } => {
                let r = (|| {
                    self.caller_ok(*account, *who)?;
                    // `$last` is authorised before it is resolved.
                    if !self.may(*who, Perm::IamRead) {
                        return Err(iam_denied);
                    }
                    if self.accounts[*account].tasks.is_empty() {
                        return Err(NoSuchEntity);
                    }
                    Ok(())
                })();
                vec![r]
            }
            Transition::GetRole { account, who } => {
                let r = (|| {
                    self.caller_ok(*account, *who)?;
                    if !self.may(*who, Perm::IamRead) {
                        return Err(iam_denied);
                    }
                    if !self.accounts[*account].role {
                        return Err(NoSuchEntity);
                    }
                    Ok(())
                })();
                vec![r]
            }
            Transition::UpdateDescription { account, who } => {
                let r = (|| {
                    self.caller_ok(*account, *who)?;
                    if !self.may(*who, Perm::IamWrite) {
                        return Err(iam_denied);
                    }
                    if !self.accounts[*account].role {
                        return Err(NoSuchEntity);
                    }
                    Ok(())
                })();
                vec![r]
            }
            Transition::ProtectedEdit { account, who, .. } => {
                let r = (|| {
                    self.caller_ok(*account, *who)?;
                    if !self.may(*who, Perm::IamWrite) {
                        return Err(iam_denied);
                    }
                    if !self.accounts[*account].role {
                        return Err(NoSuchEntity);
                    }
                    Err(UnmodifiableEntity)
                })();
                vec![r]
            }
            Transition::AttachSlrPolicyToUser { account, profile } => {
                if self.accounts[*account].users.contains(profile) {
                    vec![Err(PolicyNotAttachable)]
                } else {
                    vec![Err(NoSuchEntity)]
                }
            }
            Transition::PutConfig {
                account,
                region,
                config,
                who,
            } => {
                let r = (|| {
                    self.caller_ok(*account, *who)?;
                    if !self.may(*who, Perm::MtWrite) {
                        return Err(json_denied);
                    }
                    self.accounts[*account]
                        .configs
                        .entry((*region, *config))
                        .or_insert((0, 0));
                    Ok(())
                })();
                vec![r]
            }
            Transition::DeleteConfig {
                account,
                region,
                config,
                who,
            } => {
                let r = (|| {
                    self.caller_ok(*account, *who)?;
                    if !self.may(*who, Perm::MtWrite) {
                        return Err(json_denied);
                    }
                    self.accounts[*account].configs.remove(&(*region, *config));
                    Ok(())
                })();
                vec![r]
            }
            Transition::ConfigureLogs {
                account,
                region,
                config,
                who,
                percent,
            } => {
                let r = (|| {
                    self.caller_ok(*account, *who)?;
                    if !(0..=100).contains(percent) {
                        return Err(BadRequestException);
                    }
                    if !self.may(*who, Perm::MtWrite) {
                        return Err(json_denied);
                    }
                    if !self.accounts[*account]
                        .configs
                        .contains_key(&(*region, *config))
                    {
                        return Err(NotFoundException);
                    }
                    if *percent > 0 && !self.accounts[*account].role {
                        if !self.may(*who, Perm::IamCreateSlr) {
                            return Err(json_denied);
                        }
                        self.create_role(*account);
                    }
                    if let Some(c) = self.accounts[*account].configs.get_mut(&(*region, *config)) {
                        c.0 = *percent;
                    }
                    Ok(())
                })();
                vec![r]
            }
            Transition::Serve {
                account,
                region,
                config,
                sessions,
            } => {
                let now = self.now;
                let a = &mut self.accounts[*account];
                let Some(c) = a.configs.get_mut(&(*region, *config)) else {
                    return vec![Err(NotFoundException)];
                };
                let total = sessions * c.0 + c.1;
                c.1 = total % 100;
                if total / 100 > 0 && a.role {
                    a.last_used = Some(now);
                    a.log_regions.insert(*region);
                }
                vec![Ok(())]
            }
            Transition::DescribeLogGroups { account, who, .. } => {
                let r = (|| {
                    self.caller_ok(*account, *who)?;
                    if !self.may(*who, Perm::LogsRead) {
                        return Err(json_denied);
                    }
                    Ok(())
                })();
                vec![r]
            }
            Transition::Advance { seconds } => {
                let target = self.now + seconds;
                for a in &mut self.accounts {
                    let blocked_configs = a.configs.values().any(|(p, _)| *p > 0);
                    let last_used = a.last_used;
                    let mut deleted = false;
                    for (created, status, finished) in &mut a.tasks {
                        if *status == "NOT_STARTED" && *created + START_SECS <= target {
                            *status = "IN_PROGRESS";
                        }
                        if *status == "IN_PROGRESS" && *created + FINISH_SECS <= target {
                            let at = *created + FINISH_SECS;
                            *finished = at;
                            let recent = last_used.is_some_and(|u| at - u < WINDOW_SECS);
                            if blocked_configs || recent {
                                *status = "FAILED";
                            } else {
                                *status = "SUCCEEDED";
                                deleted = true;
                            }
                        }
                    }
                    if deleted {
                        a.role = false;
                        a.last_used = None;
                    }
                    // Finished tasks are forgotten once their retention has passed.
                    a.tasks.retain(|(_, s, f)| {
                        !((*s == "SUCCEEDED" || *s == "FAILED") && f + RETENTION_SECS <= target)
                    });
                }
                self.now = target;
                vec![Ok(())]
            }
            Transition::SetHistory { account } => {
                let first_time = !self.accounts[*account].history;
                self.accounts[*account].history = true;
                if first_time && !self.accounts[*account].role {
                    self.create_role(*account);
                }
                vec![Ok(())]
            }
            Transition::Hostile {
                account,
                who,
                input,
            } => {
                let r = self.caller_ok(*account, *who).and(Err(match input {
                    Hostile::BadConfigName(_) => BadRequestException,
                    Hostile::BadTaskId(_) => InvalidInput,
                    _ => ValidationError,
                }));
                vec![r]
            }
        }
    }

    fn create_role(&mut self, account: usize) {
        let a = &mut self.accounts[account];
        a.role = true;
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
            let model_tasks: Vec<(i64, &str)> = m.tasks.iter().map(|(c, s, _)| (*c, *s)).collect();
            if sim_tasks != model_tasks {
                return Err(format!(
                    "account {id}: deletion tasks: simulator {sim_tasks:?} model {model_tasks:?}"
                ));
            }
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

/// Whether an outcome matches an expectation.
pub fn outcome_matches(outcome: &Outcome, expect: &Expect) -> bool {
    match (outcome, expect) {
        (Outcome::Ok { .. }, Ok(())) => true,
        (Outcome::Error { error }, Err(code)) => error.code == *code,
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
            #[allow(clippy::panic)]
            Err(e) => panic!("generator built a malformed action: {e}"),
        },
        _ => unreachable!("json! object literal"),
    }
}

/// The concrete actions of a transition, in order.
pub fn actions_for(t: &Transition) -> Vec<Action> {
    use Transition::*;
    const SLR: &str = crate::core::catalog::SLR_NAME;
    let root = Who::Root;
    match t {
        CreateUser { account, profile } => {
            let a = *account;
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
            vec![line("CreateServiceLinkedRole", *account, *who, 0, p)]
        }
        DeleteSlr { account, who } => vec![line(
            "DeleteServiceLinkedRole",
            *account,
            *who,
            0,
            json!({"RoleName": SLR}),
        )],
        GetStatus { account, who } => vec![line(
            "GetServiceLinkedRoleDeletionStatus",
            *account,
            *who,
            0,
            json!({"DeletionTaskId": "$last"}),
        )],
        GetRole { account, who } => {
            vec![line("GetRole", *account, *who, 0, json!({"RoleName": SLR}))]
        }
        UpdateDescription { account, who } => vec![line(
            "UpdateRoleDescription",
            *account,
            *who,
            0,
            json!({"RoleName": SLR, "Description": "edited by a test"}),
        )],
        ProtectedEdit { account, who, edit } => {
            let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
            let (op, p) = match edit {
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
            };
            vec![line(op, *account, *who, 0, p)]
        }
        AttachSlrPolicyToUser { account, profile } => vec![line(
            "AttachUserPolicy",
            *account,
            root,
            0,
            json!({"UserName": profile.user_name(), "PolicyArn": crate::core::catalog::SLR_POLICY_ARN}),
        )],
        PutConfig {
            account,
            region,
            config,
            who,
        } => vec![line(
            "PutPlaybackConfiguration",
            *account,
            *who,
            *region,
            json!({"Name": CONFIGS[*config], "VideoContentSourceUrl": "https://origin.example.com/"}),
        )],
        DeleteConfig {
            account,
            region,
            config,
            who,
        } => {
            vec![line(
                "DeletePlaybackConfiguration",
                *account,
                *who,
                *region,
                json!({"Name": CONFIGS[*config]}),
            )]
        }
        ConfigureLogs {
            account,
            region,
            config,
            who,
            percent,
        } => vec![line(
            "ConfigureLogsForPlaybackConfiguration",
            *account,
            *who,
            *region,
            json!({"PlaybackConfigurationName": CONFIGS[*config], "PercentEnabled": percent}),
        )],
        Serve {
            account,
            region,
            config,
            sessions,
        } => vec![line(
            "ServeSessions",
            *account,
            root,
            *region,
            json!({"PlaybackConfigurationName": CONFIGS[*config], "Sessions": sessions}),
        )],
        DescribeLogGroups {
            account,
            region,
            who,
        } => vec![line(
            "DescribeLogGroups",
            *account,
            *who,
            *region,
            json!({}),
        )],
        Advance { seconds } => vec![line(
            "AdvanceClock",
            0,
            root,
            0,
            json!({"Seconds": seconds}),
        )],
        SetHistory { account } => vec![line(
            "SetAccountHistory",
            *account,
            root,
            0,
            json!({"UsedMediaTailorBeforeSlrSupport": true}),
        )],
        Hostile {
            account,
            who,
            input,
        } => {
            let (op, p) = match input {
                self::Hostile::LongRoleName(n) => ("GetRole", json!({"RoleName": "r".repeat(*n)})),
                self::Hostile::BadRoleName(s) => ("GetRole", json!({"RoleName": s})),
                self::Hostile::LongDescription(n) => (
                    "UpdateRoleDescription",
                    json!({"RoleName": SLR, "Description": "d".repeat(*n)}),
                ),
                self::Hostile::ControlDescription => (
                    "UpdateRoleDescription",
                    json!({"RoleName": SLR, "Description": "bell\u{7}"}),
                ),
                self::Hostile::BadConfigName(s) => ("PutPlaybackConfiguration", json!({"Name": s})),
                self::Hostile::BadTaskId(s) => (
                    "GetServiceLinkedRoleDeletionStatus",
                    json!({"DeletionTaskId": s}),
                ),
            };
            vec![line(op, *account, *who, 0, p)]
        }
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
        2 => (account, who(), hostile()).prop_map(|(account, who, input)| Hostile { account, who, input }),
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
