//! Injected faults (`SetFaults`): internal errors on chosen operations, deletion tasks that fail for a
//! service reason or take minutes, and list calls that answer short or empty pages. Each is a
//! function of the account's setting and its counts, and each strike is an event, so a log replays
//! and re-decides exactly.
//!
//! Where a fault strikes: an internal error after authentication and throttling (a throttled call is
//! refused before it could fail) and before the operation's own work (validation, authorisation, the
//! rules), so a faulted call changes nothing but its count. A deletion task's fault strikes when the
//! task would otherwise succeed; a slow deletion's finish is fixed when the task is created.

use serde_json::{Value, json};

use super::{Ctx, Decided, Refusal};
use crate::core::action::SetFaultsParams;
use crate::core::catalog::SLR_NAME;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::event::Event;
use crate::core::limits;
use crate::core::operation::{OperationKind, Service};
use crate::core::state::{Account, FailureReason, Faults};
use crate::core::validate::shown;

/// Why a deletion task failed when `SetFaults` made it fail.
pub const FAULT_DELETION_REASON: &str = "An internal error stopped the deletion of the service-linked role. The role was not deleted. Try the deletion again.";

fn invalid(message: String) -> ApiError {
    ApiError::new(ErrorCode::ValidationError, message)
}

fn in_range(member: &str, v: i64, min: i64, max: i64) -> Result<(), ApiError> {
    if (min..=max).contains(&v) {
        return Ok(());
    }
    Err(invalid(format!(
        "{member} must be between {min} and {max}; it is {v}"
    )))
}

/// The AWS operation named `name`, if slrsim serves it.
fn served_operation(name: &str) -> Option<OperationKind> {
    OperationKind::from_name(name).filter(|k| !k.spec().is_simulation())
}

/// Checks `SetFaults`' parameters and turns them into the account's setting (what `SetFaults`
/// refuses, this refuses with the same error; `serve --faults` checks its flag with it).
pub fn faults_of(p: &SetFaultsParams) -> Result<Faults, ApiError> {
    let mut faults = Faults::default();
    if p.internal_errors.len() > limits::MAX_FAULT_OPERATIONS {
        return Err(invalid(format!(
            "InternalErrors has {} entries; it may have at most {}",
            p.internal_errors.len(),
            limits::MAX_FAULT_OPERATIONS
        )));
    }
    for e in &p.internal_errors {
        let Some(kind) = served_operation(&e.operation) else {
            return Err(invalid(format!(
                "InternalErrors: Operation `{}` is not an AWS operation slrsim serves (such as GetRole or DeleteServiceLinkedRole)",
                shown(&e.operation)
            )));
        };
        let name = kind.spec().name;
        in_range(
            &format!("InternalErrors: the Count of {name}"),
            e.count,
            1,
            limits::MAX_FAULT_COUNT,
        )?;
        // INVARIANT: count is in 1..=1000, checked above.
        let count = u32::try_from(e.count).unwrap_or(1);
        if faults
            .internal_errors
            .insert(name.to_string(), count)
            .is_some()
        {
            return Err(invalid(format!(
                "InternalErrors names {name} more than once"
            )));
        }
    }
    if let Some(n) = p.deletion_task_failures {
        in_range(
            "DeletionTaskFailures",
            n,
            0,
            limits::MAX_DELETION_TASK_FAILURES,
        )?;
        // INVARIANT: n is in 0..=100, checked above.
        faults.deletion_task_failures = u32::try_from(n).unwrap_or(0);
    }
    if let Some(s) = p.deletion_task_seconds {
        in_range(
            "DeletionTaskSeconds",
            s,
            limits::MIN_DELETION_TASK_SECONDS,
            limits::MAX_DELETION_TASK_SECONDS,
        )?;
        faults.deletion_task_seconds = Some(s);
    }
    if let Some(n) = p.page_size {
        in_range("PageSize", n, 1, limits::MAX_FAULT_PAGE_SIZE)?;
        // INVARIANT: n is in 1..=100, checked above.
        faults.page_size = Some(u32::try_from(n).unwrap_or(1));
    }
    faults.empty_first_pages = p.empty_first_pages.unwrap_or(false);
    Ok(faults)
}

/// The setting as `SetFaults` answers it: the parameters' own shape, what is off left out.
pub fn faults_json(f: &Faults) -> Value {
    let mut out = json!({});
    if !f.internal_errors.is_empty() {
        out["InternalErrors"] = f
            .internal_errors
            .iter()
            .map(|(op, n)| json!({"Operation": op, "Count": n}))
            .collect();
    }
    if f.deletion_task_failures > 0 {
        out["DeletionTaskFailures"] = json!(f.deletion_task_failures);
    }
    if let Some(s) = f.deletion_task_seconds {
        out["DeletionTaskSeconds"] = json!(s);
    }
    if let Some(n) = f.page_size {
        out["PageSize"] = json!(n);
    }
    if f.empty_first_pages {
        out["EmptyFirstPages"] = json!(true);
    }
    out
}

/// Decides `SetFaults`: the account's faults from now on, replacing the last setting.
pub(super) fn set_faults(cx: &Ctx<'_>, p: &SetFaultsParams) -> Result<Decided, ApiError> {
    let faults = faults_of(p)?;
    let response = faults_json(&faults);
    Ok(Decided::new(
        vec![Event::FaultsSet {
            account: cx.account_id().to_string(),
            faults,
        }],
        response,
    ))
}

/// The internal error of `service`, as AWS's models name it: IAM's `ServiceFailure`, STS's and
/// MediaTailor's common `InternalFailure`, CloudWatch Logs' `ServiceUnavailableException`; each
/// HTTP 500, which every SDK retries.
pub fn internal_error(service: Service) -> ApiError {
    match service {
        Service::Iam => ApiError::new(
            ErrorCode::ServiceFailure,
            "Request processing has failed due to some unknown error, exception or failure.",
        ),
        Service::Logs => ApiError::new(
            ErrorCode::ServiceUnavailableException,
            "The service cannot complete the request.",
        ),
        Service::Sts | Service::MediaTailor | Service::Simulation => ApiError::new(
            ErrorCode::InternalFailure,
            "The request processing has failed because of an unknown error, exception or failure.",
        ),
    }
}

/// An injected internal error, when one is due for this call: the service's internal error and the
/// event that counts it.
pub(super) fn strike(cx: &Ctx<'_>) -> Option<Refusal> {
    let spec = cx.action.op.kind().spec();
    let left = *cx.account.faults.internal_errors.get(spec.name)?;
    let remaining = left.checked_sub(1)?;
    Some(Refusal {
        error: internal_error(spec.service),
        events: vec![Event::FaultInjected {
            account: cx.account_id().to_string(),
            operation: spec.name.to_string(),
            remaining,
        }],
    })
}

/// When a deletion task created now finishes, if `SetFaults` made deletions slow.
pub(super) fn task_finish(account: &Account, now: i64) -> Option<i64> {
    account
        .faults
        .deletion_task_seconds
        .map(|s| now.saturating_add(s))
}

/// The events of a fault failing a deletion task of `role_name` that would have succeeded, if one
/// is due: the fault's count, then the failure (the role is kept).
pub(super) fn failed_deletion(
    account_id: &str,
    account: &Account,
    role_name: &str,
    task_id: &str,
    at: i64,
) -> Option<Vec<Event>> {
    if role_name != SLR_NAME {
        return None;
    }
    let remaining = account.faults.deletion_task_failures.checked_sub(1)?;
    let reason = FailureReason {
        reason: FAULT_DELETION_REASON.to_string(),
        role_usage_list: Vec::new(),
    };
    Some(vec![
        Event::DeletionTaskFaulted {
            account: account_id.to_string(),
            task_id: task_id.to_string(),
            remaining,
        },
        Event::DeletionTaskFailed {
            account: account_id.to_string(),
            task_id: task_id.to_string(),
            at,
            reason: super::to_event::failure_reason(reason),
        },
    ])
}

impl Ctx<'_> {
    /// The page a list call answers: `asked` items, or fewer when `SetFaults` set a smaller page.
    pub(super) fn page_take(&self, asked: usize) -> usize {
        match self.account.faults.page_size {
            Some(n) => asked.min(usize::try_from(n).unwrap_or(asked)),
            None => asked,
        }
    }

    /// Whether a list call given `marker` answers an empty page first (`SetFaults`'
    /// `EmptyFirstPages`): only a call without a marker (each caller also asks that there is
    /// something to list, so that the marker leads to a first item).
    pub(super) fn empty_first_page(&self, marker: Option<&str>) -> bool {
        marker.is_none() && self.account.faults.empty_first_pages
    }
}
