//! What `slrsim serve` answers, one operation at a time: its service, how it is reached on the wire,
//! the IAM action it is authorised as, and what still differs from AWS. The README's table of served
//! operations and `slrsim operations` are both rendered from here, and the registry
//! (`core::operation`) gives every fact but the differences, so the table cannot drift from the code:
//! `tests/tidy/operations.rs` compares the README with [`markdown`].

use serde_json::{Value, json};

use crate::aws::wire::query_xml::{IAM_VERSION, STS_VERSION};
use crate::core::operation::{OperationKind, Route, Service, Spec};

/// One operation the server answers over AWS's protocols.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    /// The operation's name, as AWS spells it.
    pub name: &'static str,
    /// The service, as the README names it.
    pub service: &'static str,
    /// The protocol: `query`, `rest-json` or `awsJson1.1`.
    pub protocol: &'static str,
    /// How a request reaches it: `Action=GetRole`, `GET /playbackConfiguration/{Name}`, or the
    /// `X-Amz-Target` value.
    pub wire: String,
    /// The IAM action a caller needs, if any.
    pub permission: Option<&'static str>,
    /// What slrsim does differently from AWS in this operation; empty when nothing is known to.
    pub differences: &'static str,
}

/// Every operation reached over AWS's protocols, in the registry's order (control calls, scenario
/// actions and the genesis record are not AWS calls and are left out).
pub fn served() -> Vec<Served> {
    OperationKind::ALL
        .iter()
        .filter_map(|&kind| {
            let spec = kind.spec();
            let (protocol, wire) = wire(spec)?;
            Some(Served {
                name: spec.name,
                service: spec.service.name(),
                protocol,
                wire,
                permission: spec.permission,
                differences: differences(kind),
            })
        })
        .collect()
}

fn wire(spec: &Spec) -> Option<(&'static str, String)> {
    match spec.route {
        Route::Query => {
            let version = match spec.service {
                Service::Sts => STS_VERSION,
                _ => IAM_VERSION,
            };
            Some(("query", format!("Action={}&Version={version}", spec.name)))
        }
        Route::RestJson {
            method,
            path,
            status,
            ..
        } => {
            let status = if status == 200 {
                String::new()
            } else {
                format!(" → {status}")
            };
            Some(("rest-json", format!("{method} {path}{status}")))
        }
        Route::JsonTarget { target } => Some(("awsJson1.1", format!("X-Amz-Target: {target}"))),
        Route::Control { .. } | Route::Scenario | Route::Reserved => None,
    }
}

/// What slrsim does differently from AWS in an operation it serves, in a sentence for users; empty
/// when nothing is known to differ. What every operation shares (no HTTPS, no session tokens, no
/// clock-skew check, messages of access denials) is said once, below the README's table.
pub const fn differences(kind: OperationKind) -> &'static str {
    use OperationKind as K;
    match kind {
        // Not AWS calls: not in the table.
        K::Genesis
        | K::AdvanceClock
        | K::ServeSessions
        | K::SetAccountHistory
        | K::SetConsistency
        | K::SetThrottling
        | K::SetViewers
        | K::SetFaults
        | K::RefusedRequest => "",
        K::CreateServiceLinkedRole => {
            "MediaTailor's role and those of the 12 services in `src/core/service_roles.rs`; any other service name is `InvalidInput`, in slrsim's words"
        }
        K::DeleteServiceLinkedRole => {
            "the task runs in simulated time: it finishes 30 s after the call, once the clock has moved; only MediaTailor's role is checked for use, so another service's role is always deleted"
        }
        K::GetServiceLinkedRoleDeletionStatus => {
            "a finished task is remembered for seven days of simulated time"
        }
        K::GetRole | K::ListRoles => "",
        K::UpdateRoleDescription | K::TagRole => "",
        K::UpdateRole => {
            "`MaxSigninSessionDuration` is kept and returned; slrsim has no console sign-in for it to limit"
        }
        K::CreateRole => {
            "`MaxSigninSessionDuration` is kept and returned (slrsim has no console sign-in); a `PermissionsBoundary` must be a managed policy slrsim knows, and the `iam:PermissionsBoundary` condition key is not set"
        }
        K::DeleteRole | K::UpdateAssumeRolePolicy => "",
        K::AttachRolePolicy | K::DetachRolePolicy => {
            "only the managed policies slrsim knows can be attached"
        }
        K::PutRolePolicy | K::DeleteRolePolicy | K::PutRolePermissionsBoundary => "",
        K::ListAttachedRolePolicies => "",
        K::CreateUser => {
            "a `PermissionsBoundary` must be a managed policy slrsim knows, and the `iam:PermissionsBoundary` condition key is not set"
        }
        K::CreateAccessKey => {
            "root has one key pair, derived from the seed, and cannot create more: `InvalidInput`, an error AWS's model does not list for this call"
        }
        K::PutUserPolicy | K::DeleteUserPolicy => "",
        K::AttachUserPolicy | K::DetachUserPolicy => {
            "only the managed policies slrsim knows can be attached"
        }
        K::GetCallerIdentity => "",
        K::ListRoleTags | K::UntagRole | K::ListRolePolicies | K::GetRolePolicy => "",
        K::ListInstanceProfilesForRole => {
            "slrsim has no instance profiles: the list is always empty"
        }
        K::GetPolicy => {
            "an AWS managed policy's `PolicyId` is slrsim's own, the same in every account; the policies of other services' roles are `NoSuchEntity`"
        }
        K::GetPolicyVersion | K::ListPolicyVersions => {
            "a managed policy has one version, its default; `IAMFullAccess` and `CloudWatchLogsReadOnlyAccess` are trimmed to the services slrsim models"
        }
        K::ListEntitiesForPolicy => "slrsim has no groups: `PolicyGroups` is always empty",
        K::PutPlaybackConfiguration => {
            "every member of AWS's model is accepted, checked and returned (\"Playback configurations\"); URLs are at most 2048 characters (AWS: 25,000); CDN prefixes are checked for length only"
        }
        K::GetPlaybackConfiguration => {
            "members never given come back with AWS's defaults; `InsertionMode` is always returned; no `DualStack*EndpointPrefix` members (slrsim has no IPv6 endpoint); a configuration that does not exist is `NotFoundException` (404), which MediaTailor's model does not define"
        }
        K::DeletePlaybackConfiguration => {
            "a configuration that does not exist is `NotFoundException` (404), which MediaTailor's model does not define"
        }
        K::ListPlaybackConfigurations => "",
        K::TagResource | K::UntagResource | K::ListTagsForResource => {
            "only playback configurations are tagged; another ARN is `BadRequestException` (the only error AWS's model lists)"
        }
        K::ConfigureLogsForPlaybackConfiguration => {
            "a configuration that does not exist is `NotFoundException` (404); `VENDED_LOGS` is stored, but vended delivery is not simulated: a configuration with only `VENDED_LOGS` writes nothing (the delivery calls `PutDeliverySource`, `PutDeliveryDestination`, `CreateDelivery` are not served)"
        }
        K::DescribeLogGroups => {
            "only the groups MediaTailor's simulated deliveries created; no cross-account observability (`includeLinkedAccounts` finds no other account); no retention, so no `retentionInDays`"
        }
        K::DescribeLogStreams => {
            "only the streams MediaTailor's simulated deliveries created; no `uploadSequenceToken`"
        }
        K::GetLogEvents => {
            "the events MediaTailor's simulated deliveries wrote, in MediaTailor's documented formats (\"Reading the logs\"); each stream keeps its last 1,000 deliveries readable"
        }
        K::FilterLogEvents => {
            "a subset of the filter pattern syntax (terms, quoted phrases, `{ $.field = value }` and `!=`; others are `InvalidParameterException`); one call scans at most 100,000 events, then answers a `nextToken`; `startFromHead` false (newest first) is `InvalidParameterException`"
        }
    }
}

/// The README's table of served operations.
pub fn markdown() -> String {
    let mut out = String::from(
        "| operation | service, protocol | request | IAM permission | differences from AWS |\n\
         |---|---|---|---|---|\n",
    );
    for s in served() {
        let permission = s
            .permission
            .map_or("none".to_string(), |p| format!("`{p}`"));
        let differences = if s.differences.is_empty() {
            "none known"
        } else {
            s.differences
        };
        out.push_str(&format!(
            "| `{}` | {}, {} | `{}` | {permission} | {differences} |\n",
            s.name, s.service, s.protocol, s.wire
        ));
    }
    out
}

/// The same table as JSON, one object per operation (`slrsim operations --json`).
pub fn json() -> Value {
    Value::Array(
        served()
            .into_iter()
            .map(|s| {
                json!({
                    "Name": s.name,
                    "Service": s.service,
                    "Protocol": s.protocol,
                    "Request": s.wire,
                    "Permission": s.permission,
                    "Differences": s.differences,
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_aws_call_is_served_and_no_simulation_action_is() {
        let names: Vec<_> = served().iter().map(|s| s.name).collect();
        for kind in OperationKind::ALL {
            let spec = kind.spec();
            assert_eq!(
                names.contains(&spec.name),
                !spec.is_simulation(),
                "{}",
                spec.name
            );
        }
    }

    #[test]
    fn the_table_names_the_wire_form_of_each_protocol() {
        let table = markdown();
        assert!(table.contains("| `GetRole` | IAM, query | `Action=GetRole&Version=2010-05-08` |"));
        assert!(table.contains("`DELETE /playbackConfiguration/{Name} → 204`"));
        assert!(table.contains("`X-Amz-Target: Logs_20140328.DescribeLogGroups`"));
        assert!(table.contains("| `GetCallerIdentity` | STS, query | `Action=GetCallerIdentity&Version=2011-06-15` | none |"));
    }
}
