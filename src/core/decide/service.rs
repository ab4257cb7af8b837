//! The simulated service's own work: the clock, deletion tasks that run as time passes, viewer traffic
//! and the log delivery MediaTailor does through its service-linked role, and account history.
//!
//! Delays, chosen where AWS documents none (see README, "Choices where AWS is silent"):
//! a deletion task is picked up [`TASK_START_SECS`] after DeleteServiceLinkedRole and finishes
//! [`TASK_FINISH_SECS`] after it; it fails if any log configuration is enabled then, or if MediaTailor
//! delivered logs through the role less than [`IN_USE_WINDOW_SECS`] before it finishes.

use serde_json::{Value, json};

use super::iam::new_service_linked_role;
use super::{Ctx, Decided, to_event};
use crate::core::action::{
    AdvanceClockParams, GenesisParams, ServeSessionsParams, SetAccountHistoryParams,
    SetConsistencyParams, SetThrottlingParams,
};
use crate::core::authz::{self, Request, Verdict};
use crate::core::catalog::{
    self, LOG_GROUP_ADS, LOG_GROUP_MANIFEST, MEDIATAILOR_SERVICE, SLR_NAME,
};
use crate::core::clock;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::event::Event;
use crate::core::limits;
use crate::core::mediatailor_logs;
use crate::core::state::{
    Account, DeletionTask, Delivery, FailureReason, PlaybackConfiguration, RoleUsage, State,
    TaskStatus,
};
use crate::core::validate;

/// Seconds from DeleteServiceLinkedRole until the task is IN_PROGRESS.
pub const TASK_START_SECS: i64 = 5;
/// Seconds from DeleteServiceLinkedRole until the task is SUCCEEDED or FAILED.
pub const TASK_FINISH_SECS: i64 = 30;
/// How long GetServiceLinkedRoleDeletionStatus still answers for a finished task: seven days. AWS
/// documents no retention; without one the state of a long history grows without bound.
pub const TASK_RETENTION_SECS: i64 = 7 * 24 * 3600;
/// A deletion fails while MediaTailor used the role less than this many seconds ago ("a few minutes").
pub const IN_USE_WINDOW_SECS: i64 = 300;
/// Bytes rules 1 and 2 counted for one logged session's ad decision server log (rules 3 on count
/// the bytes of the messages themselves, `core::mediatailor_logs`).
pub const LOG_EVENT_BYTES_ADS: u64 = 512;
/// Bytes rules 1 and 2 counted for one logged session's manifest service log.
pub const LOG_EVENT_BYTES_MANIFEST: u64 = 384;

pub(super) fn genesis(state: &State, seq: u64, p: &GenesisParams) -> Result<Decided, ApiError> {
    if seq != 0 || *state != State::default() {
        return Err(ApiError::new(
            ErrorCode::ValidationError,
            "Genesis may only be the first record of a log.",
        ));
    }
    validate::range(
        ErrorCode::ValidationError,
        "Start",
        p.start,
        limits::MIN_TIME,
        limits::MAX_TIME,
    )?;
    if let Some(rules) = p.rules {
        if rules == 0 || rules > crate::core::rules::RULES {
            return Err(ApiError::new(
                ErrorCode::ValidationError,
                format!(
                    "This log is decided by rules {rules}; this slrsim follows rules 1 to {}.",
                    crate::core::rules::RULES
                ),
            ));
        }
    }
    let mut response = json!({"Seed": p.seed, "Start": clock::format(p.start)});
    if let (Some(rules), Value::Object(m)) = (p.rules, &mut response) {
        m.insert("Rules".to_string(), json!(rules));
    }
    Ok(Decided::new(
        vec![Event::Initialized {
            seed: p.seed,
            start: p.start,
        }],
        response,
    ))
}

/// One due step of a deletion task.
struct Due<'a> {
    at: i64,
    account: &'a str,
    task: &'a DeletionTask,
    step: TaskStep,
}

/// The service's steps on a deletion task, in the order they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TaskStep {
    Start,
    Finish,
    Forget,
}

/// Decides `AdvanceClock`: moves the clock `p.seconds` forward, running every deletion task's steps
/// that fall due on the way, each at its own time, and reports the tasks that finished.
pub(super) fn advance_clock(cx: &Ctx<'_>, p: &AdvanceClockParams) -> Result<Decided, ApiError> {
    let now = cx.now();
    let target = advance_target(now, p)?;
    let due = due_steps(cx.state, target);
    let mut events = run_until(cx.state, &due, now, target);
    let outcomes = finished_tasks(&events);
    let mut response = json!({"Now": clock::format(target), "FinishedDeletionTasks": outcomes});
    let watched = viewers_watch(cx, target.saturating_sub(now), target);
    if !watched.is_empty() {
        response["ViewerSessions"] = json!(viewer_sessions(&watched));
        events.extend(watched);
    }
    Ok(Decided::new(events, response))
}

/// The viewers of every account that has them (`SetViewers`) watch for `seconds` up to `at`: each
/// playback configuration plays the sessions that many seconds start, and MediaTailor delivers the
/// logs of those it samples through the role, as `ServeSessions` does. Nothing on the way changes
/// whether that delivery works: a deletion task that finishes in the same advance cannot have
/// removed a role that a logging configuration holds (it fails), so the role is the one the state
/// already has.
fn viewers_watch(cx: &Ctx<'_>, seconds: i64, at: i64) -> Vec<Event> {
    let mut events = Vec::new();
    if seconds <= 0 {
        return events;
    }
    for (account_id, account) in &cx.state.accounts {
        if account.viewers_per_minute <= 0 {
            continue;
        }
        // INVARIANT: the rate is at most 1e5 and an advance at most the span of simulated time
        // (about 1e10 s), so the product fits; saturating keeps even a hand-made state in range.
        let total = account
            .viewers_per_minute
            .saturating_mul(seconds)
            .saturating_add(account.viewer_carry);
        let sessions = u64::try_from((total / 60).min(limits::MAX_SESSIONS)).unwrap_or(0);
        events.push(Event::ViewersWatched {
            account: account_id.clone(),
            seconds,
            sessions,
            carry: total % 60,
        });
        if sessions == 0 {
            continue;
        }
        for (region, rs) in &account.regions {
            let action = crate::core::action::Action {
                account: account_id.clone(),
                region: region.clone(),
                ..cx.action.clone()
            };
            let here = Ctx {
                state: cx.state,
                seq: cx.seq,
                action: &action,
                account,
                now: at,
            };
            for config in rs.playback_configurations.values() {
                events.extend(play(&here, config, sessions, false).0);
            }
        }
    }
    events
}

/// The sessions each configuration played in `watched`, by account, for `AdvanceClock`'s reply.
fn viewer_sessions(watched: &[Event]) -> serde_json::Map<String, Value> {
    watched
        .iter()
        .filter_map(|e| match e {
            Event::ViewersWatched {
                account, sessions, ..
            } => Some((account.clone(), json!(sessions))),
            _ => None,
        })
        .collect()
}

pub(super) fn set_viewers(
    cx: &Ctx<'_>,
    p: &crate::core::action::SetViewersParams,
) -> Result<Decided, ApiError> {
    validate::range(
        ErrorCode::ValidationError,
        "SessionsPerMinute",
        p.sessions_per_minute,
        0,
        limits::MAX_VIEWER_SESSIONS_PER_MINUTE,
    )?;
    Ok(Decided::new(
        vec![Event::ViewersSet {
            account: cx.account_id().to_string(),
            sessions_per_minute: p.sessions_per_minute,
        }],
        json!({"SessionsPerMinute": p.sessions_per_minute}),
    ))
}

/// The time `AdvanceClock` moves the clock to, once its `Seconds` and the result are within what
/// slrsim simulates.
fn advance_target(now: i64, p: &AdvanceClockParams) -> Result<i64, ApiError> {
    validate::range(
        ErrorCode::ValidationError,
        "Seconds",
        p.seconds,
        0,
        limits::MAX_ADVANCE_SECONDS,
    )?;
    let target = now.saturating_add(p.seconds);
    if target > limits::MAX_TIME {
        return Err(ApiError::new(
            ErrorCode::ValidationError,
            format!(
                "AdvanceClock would move the clock past {}, the latest time slrsim simulates.",
                clock::format(limits::MAX_TIME)
            ),
        ));
    }
    Ok(target)
}

/// Every deletion task step due by `target`, across all accounts, in the order they run: time, then
/// account, task id, and start before finish before forget.
///
/// Each step depends only on its own account, and the only change a step makes that another could
/// see is the role's deletion, which no other open task of that account can observe (there is at most
/// one open task per role), so all of them can be computed from the state before the advance.
fn due_steps(state: &State, target: i64) -> Vec<Due<'_>> {
    let mut due: Vec<Due<'_>> = Vec::new();
    for (account_id, account) in &state.accounts {
        // Only open tasks and finished ones old enough to forget can have a step due.
        let forgettable =
            account.deletion_tasks_finished_by(target.saturating_sub(TASK_RETENTION_SECS));
        for task in account.open_deletion_tasks().chain(forgettable) {
            let mut push = |at: i64, step: TaskStep| {
                if at <= target {
                    due.push(Due {
                        at,
                        account: account_id,
                        task,
                        step,
                    });
                }
            };
            if task.status == TaskStatus::NotStarted {
                push(
                    task.created.saturating_add(TASK_START_SECS),
                    TaskStep::Start,
                );
            }
            if task.status.is_finished() {
                push(
                    task.updated.saturating_add(TASK_RETENTION_SECS),
                    TaskStep::Forget,
                );
            } else {
                let finish = task
                    .finishes
                    .unwrap_or(task.created.saturating_add(TASK_FINISH_SECS));
                push(finish, TaskStep::Finish);
                push(finish.saturating_add(TASK_RETENTION_SECS), TaskStep::Forget);
            }
        }
    }
    due.sort_by(|a, b| {
        (a.at, a.account, &a.task.deletion_task_id, a.step).cmp(&(
            b.at,
            b.account,
            &b.task.deletion_task_id,
            b.step,
        ))
    });
    due
}

/// The events of moving the clock from `now` to `target` while running the `due` steps in order:
/// each step is preceded by the clock moving to its time, when that is later than the clock, so a
/// replay sees every step at the time it happened. A step overdue before `now` runs at `now`.
fn run_until(state: &State, due: &[Due<'_>], now: i64, target: i64) -> Vec<Event> {
    let mut events = Vec::new();
    let mut clock_at = now;
    for d in due {
        let at = d.at.max(now);
        if at > clock_at {
            events.push(Event::ClockAdvanced { to: at });
            clock_at = at;
        }
        let account_id = d.account.to_string();
        let task_id = d.task.deletion_task_id.clone();
        match d.step {
            TaskStep::Start => events.push(Event::DeletionTaskStarted {
                account: account_id,
                task_id,
                at,
            }),
            TaskStep::Finish => {
                events.extend(finish_task(d.account, state.account(d.account), d.task, at))
            }
            TaskStep::Forget => events.push(Event::DeletionTaskForgotten {
                account: account_id,
                task_id,
                at,
            }),
        }
    }
    // The clock ends at the target even when no step falls due there.
    if target > clock_at {
        events.push(Event::ClockAdvanced { to: target });
    }
    events
}

/// The deletion tasks that `events` finish, with their outcome and time, for `AdvanceClock`'s reply.
fn finished_tasks(events: &[Event]) -> Vec<serde_json::Value> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::DeletionTaskSucceeded { task_id, at, .. } => Some(
                json!({"DeletionTaskId": task_id, "Status": "SUCCEEDED", "At": clock::format(*at)}),
            ),
            Event::DeletionTaskFailed { task_id, at, .. } => Some(
                json!({"DeletionTaskId": task_id, "Status": "FAILED", "At": clock::format(*at)}),
            ),
            _ => None,
        })
        .collect()
}

/// Why the role cannot be deleted now, if it cannot.
pub(super) fn deletion_blocker(account: &Account, at: i64) -> Option<FailureReason> {
    let enabled = account.enabled_log_configurations();
    let recent = account
        .service_linked_role()
        .and_then(|r| r.role_last_used.as_ref())
        .filter(|u| at.saturating_sub(u.last_used_date) < IN_USE_WINDOW_SECS);
    if enabled.is_empty() && recent.is_none() {
        return None;
    }
    let mut reason = String::new();
    if !enabled.is_empty() {
        reason.push_str(&format!(
            "Service-linked role {SLR_NAME} is in use by MediaTailor log configurations. Deactivate logging (set PercentEnabled to 0) on every playback configuration listed in RoleUsageList, then try again."
        ));
    }
    if let Some(u) = recent {
        if !reason.is_empty() {
            reason.push(' ');
        }
        reason.push_str(&format!(
            "MediaTailor used the role in {} at {}, less than {} minutes ago. Wait a few minutes and try the deletion again.",
            u.region,
            clock::format(u.last_used_date),
            IN_USE_WINDOW_SECS / 60
        ));
    }
    Some(FailureReason {
        reason,
        role_usage_list: enabled
            .into_iter()
            .map(|(region, resources)| RoleUsage { region, resources })
            .collect(),
    })
}

fn finish_task(account_id: &str, account: &Account, task: &DeletionTask, at: i64) -> Vec<Event> {
    // Only MediaTailor's role is checked for use: slrsim does not model the other services whose
    // roles it creates (`core::service_roles`), so nothing of theirs can hold their role.
    let checked = task.role_name == SLR_NAME;
    if let Some(reason) = deletion_blocker(account, at).filter(|_| checked) {
        return vec![Event::DeletionTaskFailed {
            account: account_id.to_string(),
            task_id: task.deletion_task_id.clone(),
            at,
            reason: to_event::failure_reason(reason),
        }];
    }
    if let Some(faulted) = super::faults::failed_deletion(
        account_id,
        account,
        &task.role_name,
        &task.deletion_task_id,
        at,
    ) {
        return faulted;
    }
    let mut events = vec![Event::DeletionTaskSucceeded {
        account: account_id.to_string(),
        task_id: task.deletion_task_id.clone(),
        at,
    }];
    if account
        .roles
        .get(&task.role_name)
        .is_some_and(|r| r.role_id == task.role_id)
    {
        events.push(Event::RoleDeleted {
            account: account_id.to_string(),
            role_name: task.role_name.clone(),
        });
    }
    events
}

pub(super) fn set_consistency(cx: &Ctx<'_>, p: &SetConsistencyParams) -> Result<Decided, ApiError> {
    if !(0..=crate::core::limits::MAX_CONSISTENCY_DELAY).contains(&p.delay_seconds) {
        return Err(ApiError::new(
            ErrorCode::ValidationError,
            format!(
                "DelaySeconds must be between 0 and {} (got {})",
                crate::core::limits::MAX_CONSISTENCY_DELAY,
                p.delay_seconds
            ),
        ));
    }
    Ok(Decided {
        events: vec![Event::ConsistencySet {
            account: cx.account_id().to_string(),
            delay_seconds: p.delay_seconds,
            updates: p.updates.unwrap_or(false),
        }],
        response: match p.updates {
            Some(u) => json!({"DelaySeconds": p.delay_seconds, "Updates": u}),
            None => json!({"DelaySeconds": p.delay_seconds}),
        },
    })
}

pub(super) fn set_account_history(
    cx: &Ctx<'_>,
    p: &SetAccountHistoryParams,
) -> Result<Decided, ApiError> {
    let mut events = vec![Event::AccountHistorySet {
        account: cx.account_id().to_string(),
        used_before_slr_support: p.used_media_tailor_before_slr_support,
    }];
    let mut created = false;
    // The history is a fact about the past: it gives the account the role once. Saying it again after
    // the role was deleted does not bring a 2021 role back.
    let first_time = !cx.account.used_media_tailor_before_slr_support;
    if p.used_media_tailor_before_slr_support
        && first_time
        && cx.account.service_linked_role().is_none()
    {
        if cx.now() < catalog::SLR_SUPPORT_DATE {
            return Err(ApiError::new(
                ErrorCode::ValidationError,
                format!(
                    "the simulated clock ({}) is before {}, when MediaTailor created the role for accounts that used it earlier",
                    clock::format(cx.now()),
                    clock::format(catalog::SLR_SUPPORT_DATE)
                ),
            ));
        }
        if cx.account.role_name_taken(SLR_NAME) {
            return Err(ApiError::new(
                ErrorCode::ValidationError,
                format!(
                    "an ordinary role named {SLR_NAME} exists, so MediaTailor could not have created its role"
                ),
            ));
        }
        events.push(Event::RoleCreated {
            account: cx.account_id().to_string(),
            role: to_event::role(new_service_linked_role(cx, catalog::SLR_SUPPORT_DATE, None)),
        });
        created = true;
    }
    Ok(Decided::new(
        events,
        json!({
            "UsedMediaTailorBeforeSlrSupport": p.used_media_tailor_before_slr_support,
            "RoleCreated": created,
        }),
    ))
}

/// The log mode a player asks for with `aws.logMode=DEBUG` (case-sensitive, as AWS's).
pub const DEBUG_LOG_MODE: &str = "DEBUG";

pub(super) fn serve_sessions(cx: &Ctx<'_>, p: &ServeSessionsParams) -> Result<Decided, ApiError> {
    validate::mediatailor_name("PlaybackConfigurationName", &p.playback_configuration_name)?;
    validate::range(
        ErrorCode::ValidationError,
        "Sessions",
        p.sessions,
        0,
        limits::MAX_SESSIONS,
    )?;
    let debug = debug_mode(p)?;
    let name = &p.playback_configuration_name;
    let config = find_config(cx, name)?;
    let sessions = u64::try_from(p.sessions).unwrap_or(0);
    let (events, played) = play(cx, config, sessions, debug);
    let Played {
        logged,
        delivered,
        lost,
        vended_only,
        reason,
    } = played;
    let mut body = json!({
        "PlaybackConfigurationName": name,
        "Sessions": sessions,
        "LoggedSessions": logged,
        "DeliveredSessions": delivered,
        "LostSessions": lost,
    });
    if debug {
        body["LogMode"] = json!(DEBUG_LOG_MODE);
    }
    if vended_only && logged > 0 {
        body["VendedSessions"] = json!(logged);
        body["Note"] = json!(VENDED_NOTE);
    }
    if let Some(r) = reason {
        body["Reason"] = json!(r);
    }
    Ok(Decided::new(events, body))
}

/// What became of the sessions one configuration played.
struct Played {
    logged: u64,
    delivered: u64,
    lost: u64,
    vended_only: bool,
    reason: Option<String>,
}

/// `config` plays `sessions` sessions at the context's time: the sampling, then MediaTailor's
/// delivery of the logged ones through the role (or the loss of the delivery, with the reason).
fn play(
    cx: &Ctx<'_>,
    config: &PlaybackConfiguration,
    sessions: u64,
    debug: bool,
) -> (Vec<Event>, Played) {
    let (logged, carry) = sampled(config, sessions, debug);
    let account = cx.account_id().to_string();
    let region = cx.region().to_string();
    let name = &config.name;
    let mut events = vec![Event::SessionsServed {
        account: account.clone(),
        region: region.clone(),
        name: name.clone(),
        sessions,
        logged,
        carry,
    }];
    let strategies = &config.log_configuration.enabled_logging_strategies;
    let vended_only =
        !strategies.is_empty() && !strategies.iter().any(|s| s == "LEGACY_CLOUDWATCH");
    let mut played = Played {
        logged,
        delivered: 0,
        lost: 0,
        vended_only,
        reason: None,
    };
    if logged > 0 && !vended_only {
        match deliver(cx, config, logged, debug) {
            Ok(mut ev) => {
                events.append(&mut ev);
                played.delivered = logged;
            }
            Err(why) => {
                played.lost = logged;
                events.push(Event::LogDeliveryLost {
                    account,
                    region,
                    name: name.clone(),
                    sessions: logged,
                    reason: why.clone(),
                });
                played.reason = Some(why);
            }
        }
    }
    (events, played)
}

/// The playback configuration `name` in the call's region.
fn find_config<'a>(cx: &Ctx<'a>, name: &str) -> Result<&'a PlaybackConfiguration, ApiError> {
    cx.account
        .region(cx.region())
        .playback_configurations
        .get(name)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFoundException,
                format!(
                    "Playback configuration {} was not found.",
                    validate::shown(name)
                ),
            )
        })
}

/// Whether ServeSessions' sessions play in debug log mode; any log mode but `DEBUG` is refused.
fn debug_mode(p: &ServeSessionsParams) -> Result<bool, ApiError> {
    match p.log_mode.as_deref() {
        None => Ok(false),
        Some(DEBUG_LOG_MODE) => Ok(true),
        Some(other) => Err(ApiError::new(
            ErrorCode::ValidationError,
            format!(
                "LogMode {} is not one MediaTailor knows; the one log mode is DEBUG (case-sensitive).",
                validate::shown(other)
            ),
        )),
    }
}

/// How many of `sessions` are logged, and the sampling carry after them.
///
/// Deterministic sampling: percent × sessions / 100 sessions are logged, the remainder carried to
/// the next ServeSessions on this configuration, so that 3 × 1 session at 50% logs 1, then 1 more.
/// Sessions in debug log mode are all logged ("to view logs for a specific session, use the debug
/// log mode"), and leave the carry as it was.
fn sampled(config: &PlaybackConfiguration, sessions: u64, debug: bool) -> (u64, u64) {
    if debug {
        return (sessions, config.sessions.carry);
    }
    // INVARIANT: sessions is in 0..=1e9 and percent in 0..=100, so the product fits in u64.
    let percent = u64::try_from(config.log_configuration.percent_enabled).unwrap_or(0);
    let total = sessions * percent + config.sessions.carry;
    (total / 100, total % 100)
}

/// What ServeSessions says of sessions a VENDED_LOGS-only configuration logged.
pub const VENDED_NOTE: &str = "The configuration's EnabledLoggingStrategies is VENDED_LOGS only: MediaTailor hands these logs to CloudWatch Logs' vended log delivery (delivery sources, destinations and deliveries), which slrsim does not simulate, and writes nothing to the MediaTailor/* log groups.";

/// MediaTailor delivers `logged` sessions' logs through its role: it assumes the role (trust policy),
/// then every CloudWatch Logs call is authorised by the role's permissions policies. Any refusal loses the
/// whole delivery, with the reason. A group is written only when its sessions write an event type
/// there (the manifest service log only in debug log mode).
fn deliver(
    cx: &Ctx<'_>,
    config: &PlaybackConfiguration,
    logged: u64,
    debug: bool,
) -> Result<Vec<Event>, String> {
    let role = cx.account.service_linked_role().ok_or_else(|| {
        format!("the service-linked role {SLR_NAME} does not exist, so MediaTailor cannot write to CloudWatch Logs")
    })?;
    // IAM's lag (`SetConsistency`): a role created moments ago cannot be assumed yet (even when an
    // older one of the same name, deleted moments ago, is still what reads see).
    let age = cx.now().saturating_sub(role.create_date);
    if cx.account.consistency_delay > 0 && age < cx.account.consistency_delay {
        return Err(format!(
            "the role {SLR_NAME} was created {age} s ago and is not yet usable (IAM changes take {} s to reach MediaTailor)",
            cx.account.consistency_delay
        ));
    }
    if !authz::trust_allows(&role.assume_role_policy_document, MEDIATAILOR_SERVICE) {
        return Err(format!(
            "the trust policy of {SLR_NAME} does not let {MEDIATAILOR_SERVICE} assume it"
        ));
    }
    let docs = authz::role_documents(role);
    let principal = format!(
        "arn:aws:sts::{}:assumed-role/{SLR_NAME}/MediaTailor",
        cx.account_id()
    );
    let allowed = |action: &str, resource: &str| -> Result<(), String> {
        match authz::evaluate(
            docs.iter().copied(),
            &principal,
            &Request::new(action, resource),
        ) {
            Verdict::Allow => Ok(()),
            _ => Err(format!(
                "{SLR_NAME} is not allowed to perform {action} on {resource}"
            )),
        }
    };
    let log = &config.log_configuration;
    let mut events = Vec::new();
    for (group, types) in [
        (
            LOG_GROUP_ADS,
            mediatailor_logs::ads_event_types(log.ads_interaction_log.as_ref(), debug),
        ),
        (
            LOG_GROUP_MANIFEST,
            mediatailor_logs::manifest_event_types(
                log.manifest_service_interaction_log.as_ref(),
                debug,
            ),
        ),
    ] {
        if !types.is_empty() {
            let batch = Batch {
                config,
                logged,
                types,
            };
            write_group(cx, &allowed, group, batch, &mut events)?;
        }
    }
    let (account, region) = (cx.account_id(), cx.region());
    if !events.is_empty() {
        events.push(Event::RoleUsed {
            account: account.to_string(),
            role_name: SLR_NAME.to_string(),
            region: region.to_string(),
            at: cx.now(),
        });
    }
    Ok(events)
}

/// What one delivery writes to one group.
struct Batch<'a> {
    config: &'a PlaybackConfiguration,
    logged: u64,
    types: Vec<String>,
}

/// MediaTailor writes `batch` to `group`: the group and the configuration's stream are created if
/// missing, each call authorised by `allowed` (the role's permissions).
fn write_group(
    cx: &Ctx<'_>,
    allowed: &dyn Fn(&str, &str) -> Result<(), String>,
    group: &str,
    batch: Batch<'_>,
    events: &mut Vec<Event>,
) -> Result<(), String> {
    let (account, region) = (cx.account_id(), cx.region());
    let name = batch.config.name.as_str();
    let group_arn = catalog::log_group_arn(region, account, group);
    let stream_arn = catalog::log_stream_arn(region, account, group, name);
    let existing = cx.account.region(region).log_groups.get(group);
    if existing.is_none() {
        allowed("logs:CreateLogGroup", &group_arn)?;
        events.push(Event::LogGroupCreated {
            account: account.to_string(),
            region: region.to_string(),
            name: group.to_string(),
            arn: group_arn.clone(),
            at: cx.now(),
        });
    }
    if existing.is_none_or(|g| !g.streams.contains_key(name)) {
        allowed("logs:CreateLogStream", &group_arn)?;
        events.push(Event::LogStreamCreated {
            account: account.to_string(),
            region: region.to_string(),
            group: group.to_string(),
            name: name.to_string(),
            arn: stream_arn.clone(),
            at: cx.now(),
        });
    }
    allowed("logs:PutLogEvents", &stream_arn)?;
    let delivery = Delivery {
        seq: cx.seq,
        at: cx.now(),
        first_session: batch.config.sessions.logged,
        sessions: batch.logged,
        event_types: batch.types,
        ads_url: batch.config.ad_decision_server_url.clone(),
    };
    let origin = mediatailor_logs::Origin {
        seed: cx.state.seed,
        account,
        region,
        config: name,
    };
    events.push(Event::LogEventsPut {
        account: account.to_string(),
        region: region.to_string(),
        group: group.to_string(),
        stream: name.to_string(),
        count: delivery.events(),
        bytes: mediatailor_logs::delivery_bytes(origin, &delivery),
        at: cx.now(),
        delivery: Some(to_event::log_delivery(delivery)),
    });
    Ok(())
}

/// RefusedRequest: the error the server answered, as recorded; an over-long record is itself refused.
pub(super) fn refused_request(p: &crate::core::action::RefusedRequestParams) -> ApiError {
    let fields = [
        ("Service", Some(&p.service)),
        ("Operation", p.operation.as_ref()),
        ("AccessKeyId", p.access_key_id.as_ref()),
    ];
    for (name, value) in fields {
        if value.is_some_and(|v| v.len() > limits::MAX_REFUSAL_FIELD) {
            return ApiError::new(
                ErrorCode::ValidationError,
                format!(
                    "RefusedRequest: {name} is longer than {} bytes",
                    limits::MAX_REFUSAL_FIELD
                ),
            );
        }
    }
    if p.message.trim().is_empty() || p.message.len() > limits::MAX_REFUSAL_MESSAGE {
        return ApiError::new(
            ErrorCode::ValidationError,
            format!(
                "RefusedRequest: Message must have 1 to {} bytes and not be blank",
                limits::MAX_REFUSAL_MESSAGE
            ),
        );
    }
    ApiError::new(p.code, p.message.clone())
}

/// The most calls a second (and a bucket) `SetThrottling` takes.
pub(super) const MAX_THROTTLE_RATE: u32 = 1000;
/// The rate `SetThrottling` and `serve --throttle` use when none is given: CloudWatch Logs'
/// documented quota for `DescribeLogGroups` and `DescribeLogStreams` is 10 calls a second (IAM and
/// MediaTailor document none per operation).
pub(crate) const DEFAULT_THROTTLE_RATE: u32 = 10;

pub(super) fn set_throttling(p: &SetThrottlingParams) -> Result<Decided, ApiError> {
    let max = u64::from(MAX_THROTTLE_RATE) * 1000;
    let milli = match &p.rate_per_second {
        None => Some(u64::from(DEFAULT_THROTTLE_RATE) * 1000),
        Some(n) => n
            .as_f64()
            .map(|r| (r * 1000.0).round())
            .filter(|m| *m >= 1.0 && *m <= max as f64)
            .map(|m| m as u64),
    };
    let Some(milli) = milli else {
        return Err(ApiError::new(
            ErrorCode::ValidationError,
            format!("RatePerSecond must be between 0.001 and {MAX_THROTTLE_RATE}"),
        ));
    };
    let burst = p
        .burst
        .unwrap_or_else(|| u32::try_from(milli.div_ceil(1000)).unwrap_or(MAX_THROTTLE_RATE));
    if !(1..=MAX_THROTTLE_RATE).contains(&burst) {
        return Err(ApiError::new(
            ErrorCode::ValidationError,
            format!("Burst must be between 1 and {MAX_THROTTLE_RATE}; it is {burst}"),
        ));
    }
    let throttling = p.enabled.then_some(crate::core::state::Throttling {
        millicalls_per_second: milli,
        burst,
    });
    let response = match throttling {
        Some(t) => json!({
            "Enabled": true,
            "RatePerSecond": t.millicalls_per_second as f64 / 1000.0,
            "Burst": t.burst,
        }),
        None => json!({"Enabled": false}),
    };
    Ok(Decided::new(
        vec![Event::ThrottlingSet { throttling }],
        response,
    ))
}

/// The throttling error of the call's service, as AWS's protocols name it: IAM and STS answer the
/// common `Throttling` (400), CloudWatch Logs its model's `ThrottlingException` (400), MediaTailor
/// `TooManyRequestsException` (429). SDKs retry each of them.
pub(super) fn throttling_error(service: crate::core::operation::Service) -> ApiError {
    use crate::core::operation::Service;
    let code = match service {
        Service::Logs => ErrorCode::ThrottlingException,
        Service::MediaTailor => ErrorCode::TooManyRequestsException,
        Service::Iam | Service::Sts | Service::Simulation => ErrorCode::Throttling,
    };
    ApiError::new(code, "Rate exceeded")
}

/// With throttling on, takes a token from the bucket of the call's account, region and operation: the
/// event that records the take, or the service's throttling error when the bucket is empty (a
/// refused call changes nothing: the bucket refills from the time it was last taken from).
pub(super) fn throttle(cx: &Ctx<'_>) -> Result<Option<Event>, ApiError> {
    let Some(t) = cx.state.throttling else {
        return Ok(None);
    };
    let key = crate::core::state::bucket_key(cx.action);
    let now = cx.now();
    let tokens = t.tokens_at(cx.state.buckets.get(&key), now);
    if tokens < 1000 {
        return Err(throttling_error(cx.action.op.kind().spec().service));
    }
    let (account, region, operation) = key;
    Ok(Some(Event::ThrottleTokenTaken {
        account,
        region: (!region.is_empty()).then_some(region),
        operation,
        millitokens: tokens - 1000,
        at: now,
    }))
}
