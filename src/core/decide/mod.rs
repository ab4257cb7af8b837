//! `decide`: the pure heart of the simulator. Given the state and one action, it returns the events the
//! action produces and AWS's response, or AWS's error. No I/O, no clock, no randomness: ids come from the
//! log's seed and the record's sequence number, time from the state's simulated clock.
//!
//! Every AWS call goes through the same steps, in AWS's order: parameters are validated, the caller is
//! authorised, then the business rules run.

mod faults;
mod iam;
mod iam_reads;
mod logs;
mod mediatailor;
pub(crate) mod response;
mod service;
mod to_event;

use serde_json::Value;

use crate::core::action::{Action, Operation};
use crate::core::authz::{self, Caller, Protocol, Request};
use crate::core::error::{ApiError, ErrorCode};
use crate::core::event::Event;
use crate::core::ids;
use crate::core::state::{Account, State};

pub use faults::{FAULT_DELETION_REASON, faults_json, faults_of, internal_error};
pub use service::{DEBUG_LOG_MODE, VENDED_NOTE};
pub use service::{
    IN_USE_WINDOW_SECS, LOG_EVENT_BYTES_ADS, LOG_EVENT_BYTES_MANIFEST, TASK_FINISH_SECS,
    TASK_RETENTION_SECS, TASK_START_SECS,
};

/// What an accepted action produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    /// Facts to append and apply, in order.
    pub events: Vec<Event>,
    /// AWS's response body.
    pub response: Value,
}

impl Decided {
    fn new(events: Vec<Event>, response: Value) -> Self {
        Decided { events, response }
    }

    fn read(response: Value) -> Self {
        Decided {
            events: Vec::new(),
            response,
        }
    }
}

/// A refused action and what the refusal itself changed: nothing, but for an injected internal
/// error (`SetFaults`), whose `FaultInjected` counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// AWS's error.
    pub error: ApiError,
    /// The refusal's events: empty, or the `FaultInjected` of an injected fault.
    pub events: Vec<Event>,
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Refusal {
            error,
            events: Vec::new(),
        }
    }
}

/// Decides what `action`, the record numbered `seq`, does to `state`. A call an injected fault
/// fails (`SetFaults`) is refused here with the service's internal error; [`outcome`] also holds the
/// event that counts the fault, and it is what a record stores.
pub fn decide(state: &State, seq: u64, action: &Action) -> Result<Decided, ApiError> {
    decide_refusal(state, seq, action).map_err(|r| r.error)
}

/// The outcome the log records for `action` at `seq`: [`decide`]'s answer, with a refusal's own
/// events (an injected fault's count).
pub fn outcome(state: &State, seq: u64, action: &Action) -> crate::core::outcome::Outcome {
    decide_refusal(state, seq, action).into()
}

fn decide_refusal(state: &State, seq: u64, action: &Action) -> Result<Decided, Refusal> {
    if let Operation::Genesis(p) = &action.op {
        return Ok(service::genesis(state, seq, p)?);
    }
    // The server refused it at the door: the record only keeps the answer, whoever it names.
    if let Operation::RefusedRequest(p) = &action.op {
        return Err(service::refused_request(p).into());
    }
    check_address(action)?;
    let cx = Ctx {
        state,
        seq,
        action,
        account: state.account(&action.account),
        now: state.now,
    };
    // Authentication comes before everything else, as in AWS: an unknown caller learns nothing.
    if !action.op.is_simulation() {
        cx.caller()?;
    }
    let taken = if action.op.is_simulation() {
        None
    } else {
        service::throttle(&cx)?
    };
    // An injected internal error strikes after throttling, before the operation's own work.
    if let Some(fault) = faults::strike(&cx) {
        return Err(fault);
    }
    let mut decided = dispatch(&cx)?;
    check_account_quota(state, action, &decided)?;
    decided.events.extend(taken);
    Ok(decided)
}

/// Answers the action (its address and caller already checked).
fn dispatch(cx: &Ctx<'_>) -> Result<Decided, ApiError> {
    match &cx.action.op {
        Operation::Genesis(_) => Err(ApiError::new(
            ErrorCode::ValidationError,
            "Genesis may only be the first record of a log.",
        )),
        Operation::AdvanceClock(p) => service::advance_clock(cx, p),
        Operation::ServeSessions(p) => service::serve_sessions(cx, p),
        Operation::SetAccountHistory(p) => service::set_account_history(cx, p),
        Operation::SetConsistency(p) => service::set_consistency(cx, p),
        Operation::SetViewers(p) => service::set_viewers(cx, p),
        Operation::SetThrottling(p) => service::set_throttling(p),
        Operation::SetFaults(p) => faults::set_faults(cx, p),
        Operation::RefusedRequest(p) => Err(service::refused_request(p)),
        Operation::CreateServiceLinkedRole(p) => iam::create_service_linked_role(cx, p),
        Operation::DeleteServiceLinkedRole(p) => iam::delete_service_linked_role(cx, p),
        Operation::GetServiceLinkedRoleDeletionStatus(p) => iam::deletion_status(cx, p),
        Operation::GetRole(p) => iam::get_role(cx, p),
        Operation::ListRoles(p) => iam::list_roles(cx, p),
        Operation::UpdateRoleDescription(p) => iam::update_role_description(cx, p),
        Operation::UpdateRole(p) => iam::update_role(cx, p),
        Operation::TagRole(p) => iam::tag_role(cx, p),
        Operation::CreateRole(p) => iam::create_role(cx, p),
        Operation::DeleteRole(p) => iam::delete_role(cx, p),
        Operation::UpdateAssumeRolePolicy(p) => iam::update_assume_role_policy(cx, p),
        Operation::AttachRolePolicy(p) => iam::attach_role_policy(cx, p),
        Operation::DetachRolePolicy(p) => iam::detach_role_policy(cx, p),
        Operation::PutRolePolicy(p) => iam::put_role_policy(cx, p),
        Operation::DeleteRolePolicy(p) => iam::delete_role_policy(cx, p),
        Operation::PutRolePermissionsBoundary(p) => iam::put_role_permissions_boundary(cx, p),
        Operation::ListAttachedRolePolicies(p) => iam::list_attached_role_policies(cx, p),
        Operation::ListRoleTags(p) => iam_reads::list_role_tags(cx, p),
        Operation::UntagRole(p) => iam_reads::untag_role(cx, p),
        Operation::ListRolePolicies(p) => iam_reads::list_role_policies(cx, p),
        Operation::GetRolePolicy(p) => iam_reads::get_role_policy(cx, p),
        Operation::ListInstanceProfilesForRole(p) => iam_reads::list_instance_profiles(cx, p),
        Operation::GetPolicy(p) => iam_reads::get_policy(cx, p),
        Operation::GetPolicyVersion(p) => iam_reads::get_policy_version(cx, p),
        Operation::ListPolicyVersions(p) => iam_reads::list_policy_versions(cx, p),
        Operation::ListEntitiesForPolicy(p) => iam_reads::list_entities_for_policy(cx, p),
        Operation::CreateUser(p) => iam::create_user(cx, p),
        Operation::CreateAccessKey(p) => iam::create_access_key(cx, p),
        Operation::PutUserPolicy(p) => iam::put_user_policy(cx, p),
        Operation::DeleteUserPolicy(p) => iam::delete_user_policy(cx, p),
        Operation::AttachUserPolicy(p) => iam::attach_user_policy(cx, p),
        Operation::DetachUserPolicy(p) => iam::detach_user_policy(cx, p),
        Operation::GetCallerIdentity(_) => iam::get_caller_identity(cx),
        Operation::PutPlaybackConfiguration(p) => mediatailor::put(cx, p),
        Operation::GetPlaybackConfiguration(p) => mediatailor::get(cx, p),
        Operation::ListPlaybackConfigurations(p) => mediatailor::list(cx, p),
        Operation::DeletePlaybackConfiguration(p) => mediatailor::delete(cx, p),
        Operation::ConfigureLogsForPlaybackConfiguration(p) => mediatailor::configure_logs(cx, p),
        Operation::TagResource(p) => mediatailor::tag_resource(cx, p),
        Operation::UntagResource(p) => mediatailor::untag_resource(cx, p),
        Operation::ListTagsForResource(p) => mediatailor::list_tags_for_resource(cx, p),
        Operation::DescribeLogGroups(p) => logs::describe_log_groups(cx, p),
        Operation::DescribeLogStreams(p) => logs::describe_log_streams(cx, p),
        Operation::GetLogEvents(p) => logs::get_log_events(cx, p),
        Operation::FilterLogEvents(p) => logs::filter_log_events(cx, p),
    }
}

/// The simulated time a record of `action` carries: the clock before it acts, or for the genesis
/// record the start it sets.
pub fn action_time(state: &State, action: &Action) -> i64 {
    match &action.op {
        Operation::Genesis(g) => g.start,
        _ => state.now,
    }
}

/// Checks the action's account, region and caller are well formed.
fn check_address(action: &Action) -> Result<(), ApiError> {
    if !is_account_id(&action.account) {
        return Err(ApiError::new(
            ErrorCode::ValidationError,
            format!(
                "account `{}` is not a 12-digit AWS account id",
                crate::core::validate::shown(&action.account)
            ),
        ));
    }
    // (The message predates regions other than MediaTailor's, and stays so that older logs
    // re-decide to their outcomes; it is still true of a region that is not AWS's.)
    if !crate::core::catalog::is_aws_region(&action.region) {
        return Err(ApiError::new(
            ErrorCode::ValidationError,
            format!(
                "region `{}` is not one where MediaTailor runs",
                crate::core::validate::shown(&action.region)
            ),
        ));
    }
    // IAM and STS answer any region a request is signed for, and CloudWatch Logs runs in all of
    // them; MediaTailor has no endpoint outside its regions. An SDK there fails to connect; one
    // server cannot refuse a connection for one service only, so it answers what is true instead.
    if action.op.spec().service == crate::core::operation::Service::MediaTailor
        && !crate::core::catalog::is_mediatailor_region(&action.region)
    {
        return Err(ApiError::new(
            ErrorCode::NotFoundException,
            format!(
                "MediaTailor has no endpoint in {}: AWS's SDKs cannot connect to api.mediatailor.{}.amazonaws.com. It runs in {} regions.",
                action.region,
                action.region,
                crate::core::catalog::REGIONS.len()
            ),
        ));
    }
    Ok(())
}

/// The account quota. It refuses only an action that would bring one more account into the log; an
/// action that reads, or that only changes accounts that exist (the clock's `AdvanceClock`, which runs
/// every account's deletion tasks), is never refused by it, so reaching the quota never stops time.
fn check_account_quota(state: &State, action: &Action, decided: &Decided) -> Result<(), ApiError> {
    let new_account = !state.accounts.contains_key(&action.account)
        && state.accounts.len() >= crate::core::limits::MAX_ACCOUNTS
        && decided
            .events
            .iter()
            .any(|e| e.creates_in_account() == Some(action.account.as_str()));
    if new_account {
        return Err(ApiError::new(
            ErrorCode::LimitExceeded,
            format!(
                "slrsim simulates at most {} accounts in one log",
                crate::core::limits::MAX_ACCOUNTS
            ),
        ));
    }
    Ok(())
}

/// Whether `s` is a 12-digit account id.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// What every handler reads: the state, the record's number, the action and its account.
pub(crate) struct Ctx<'a> {
    pub state: &'a State,
    pub seq: u64,
    pub action: &'a Action,
    pub account: &'a Account,
    /// The time the handler works at: the state's clock, except for the service's own work inside
    /// an `AdvanceClock`, which happens at the time it falls due.
    pub now: i64,
}

impl<'a> Ctx<'a> {
    pub(crate) fn now(&self) -> i64 {
        self.now
    }

    pub(crate) fn account_id(&self) -> &'a str {
        &self.action.account
    }

    pub(crate) fn region(&self) -> &'a str {
        &self.action.region
    }

    pub(crate) fn caller(&self) -> Result<Caller<'a>, ApiError> {
        authz::resolve_caller(self.account, &self.action.caller)
    }

    /// Resolves the caller and authorises `req` in one step.
    pub(crate) fn authorize(
        &self,
        req: &Request<'_>,
        protocol: Protocol,
    ) -> Result<Caller<'a>, ApiError> {
        let caller = self.caller()?;
        authz::authorize(caller, req, protocol)?;
        Ok(caller)
    }

    pub(crate) fn uuid(&self, purpose: &str) -> String {
        ids::uuid(self.state.seed, self.seq, purpose)
    }

    pub(crate) fn unique_id(&self, prefix: &str, purpose: &str) -> String {
        ids::iam_unique_id(prefix, self.state.seed, self.seq, purpose)
    }

    pub(crate) fn hex(&self, purpose: &str, len: usize) -> String {
        ids::hex_token(self.state.seed, self.seq, purpose, len)
    }
}
