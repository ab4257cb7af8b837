//! The registry of operations: every operation slrsim knows, with the facts the rest of the crate and
//! its tests read from here instead of keeping their own lists. Its name as AWS spells it, its service
//! (which also says whether it is global and whether it is a simulation action), the IAM action it is
//! authorised as and the resource that action is checked on, its route on the wire, and parameters
//! that make a valid call (for the tests that drive every operation).
//!
//! [`OperationKind::spec`] is one exhaustive `match` and [`Operation::kind`] is generated from the same
//! list as [`OperationKind`], so a new [`Operation`] variant does not compile until it is listed here
//! with all its facts. The protocols route by this table (`aws::wire`), the step invariants derive the
//! permission a call needs from it (`testing::invariants`), and tests check the README against it.

use crate::core::action::Operation;

/// The service an operation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    /// IAM: global, query protocol.
    Iam,
    /// STS: global, query protocol.
    Sts,
    /// MediaTailor: regional, rest-json.
    MediaTailor,
    /// CloudWatch Logs: regional, awsJson1.1.
    Logs,
    /// Not an AWS call: an action of the simulation itself (time passing, viewer traffic, what the
    /// server refused). No principal makes it, so it is never authorised.
    Simulation,
}

impl Service {
    /// The service's name as the README's tables spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Service::Iam => "IAM",
            Service::Sts => "STS",
            Service::MediaTailor => "MediaTailor",
            Service::Logs => "CloudWatch Logs",
            Service::Simulation => "simulation",
        }
    }

    /// Whether the service is global (IAM, STS): a call's region is only where it was signed.
    pub const fn is_global(self) -> bool {
        matches!(self, Service::Iam | Service::Sts)
    }
}

/// What an operation's IAM action is checked on. Each names the parameter that picks the resource, so
/// the step invariants can work the resource's ARN out from a recorded action on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// Nothing: the call needs no permission (`GetCallerIdentity`) or is a simulation action.
    None,
    /// The role the parameter names (its ARN when it exists, else at the `Path` parameter's path, `/`
    /// by default).
    Role {
        /// The parameter naming the role.
        param: &'static str,
    },
    /// Every role of the account: `arn:aws:iam::ACCOUNT:role/`.
    Roles,
    /// The service-linked role `CreateServiceLinkedRole` creates, checked with the
    /// `iam:AWSServiceName` condition key: MediaTailor's, or another service's
    /// (`core::service_roles`, with its `CustomSuffix`).
    ServiceLinkedRole,
    /// The role whose deletion task the parameter names (`$last`: the service-linked role).
    DeletionTask {
        /// The parameter naming the task.
        param: &'static str,
    },
    /// The user the parameter names; the calling user when the parameter is absent.
    User {
        /// The parameter naming the user.
        param: &'static str,
    },
    /// The playback configuration the parameter names, in the call's region.
    PlaybackConfiguration {
        /// The parameter naming the configuration.
        param: &'static str,
    },
    /// Every playback configuration of the region: `...:playbackConfiguration/*`.
    PlaybackConfigurations,
    /// The log group the parameter names, in the call's region.
    LogGroup {
        /// The parameter naming the group.
        param: &'static str,
    },
    /// Every log group of the region: `...:log-group:*`.
    LogGroups,
    /// The managed policy whose ARN the parameter gives.
    Policy {
        /// The parameter holding the policy's ARN.
        param: &'static str,
    },
    /// The resource whose ARN the parameter gives, as given (MediaTailor's tagging calls).
    Arn {
        /// The parameter holding the ARN.
        param: &'static str,
    },
}

/// Where a rest-json call's parameters come from, besides the `{Param}` segments of its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestInput {
    /// The `{Param}` segments of the path only.
    Path,
    /// The query string (`MaxResults`, `NextToken`).
    Query,
    /// A JSON object body.
    Body,
}

/// How an operation is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The query protocol: `POST /` with `Action=<name>` (IAM's or STS's version, by the service).
    Query,
    /// rest-json: the method and the path, whose `{Param}` segments are parameters.
    RestJson {
        /// The HTTP method.
        method: &'static str,
        /// The path pattern, `/playbackConfiguration/{Name}`.
        path: &'static str,
        /// Where the other parameters come from.
        input: RestInput,
        /// The HTTP status of a success.
        status: u16,
    },
    /// awsJson1.1: `POST /` with this `X-Amz-Target`.
    JsonTarget {
        /// The header's value.
        target: &'static str,
    },
    /// slrsim's control API (`/_slrsim/...`, the operator's bearer token).
    Control {
        /// The HTTP method.
        method: &'static str,
        /// The path.
        path: &'static str,
    },
    /// Not served over HTTP: scenarios give it (the server writes `RefusedRequest` itself).
    Scenario,
    /// Given by no one: the simulator writes it as the first record of every log.
    Reserved,
}

/// The facts of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// The name as AWS spells it, which is also the `op` of scenarios and records.
    pub name: &'static str,
    /// The service; it also says whether the operation is global and whether it is a simulation action.
    pub service: Service,
    /// The IAM action the call is authorised as, `iam:CreateServiceLinkedRole`; `None` for a call that
    /// needs no permission and for simulation actions.
    pub permission: Option<&'static str>,
    /// What the permission is checked on.
    pub resource: Resource,
    /// How the operation is reached on the wire.
    pub route: Route,
    /// Parameters of a valid call, as JSON: what the tests that drive every operation send.
    pub example: &'static str,
}

impl Spec {
    /// Whether this is a call to a global service (IAM, STS).
    pub const fn is_global(&self) -> bool {
        self.service.is_global()
    }

    /// Whether this is a simulation action rather than an AWS call.
    pub const fn is_simulation(&self) -> bool {
        matches!(self.service, Service::Simulation)
    }
}

/// Declares [`OperationKind`], its `ALL` list and [`Operation::kind`] from one list of names, so that
/// the three cannot drift apart; `kind` is an exhaustive `match`, so the list must name every
/// [`Operation`] variant.
macro_rules! operation_kinds {
    ($($k:ident),* $(,)?) => {
        /// An operation without its parameters: one variant per [`Operation`] variant, of the same name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[expect(
            missing_docs,
            reason = "each kind is documented by the `Operation` variant of the same name"
        )]
        pub enum OperationKind {
            $($k),*
        }

        impl OperationKind {
            /// Every operation, in the order `Operation` declares them.
            pub const ALL: &'static [OperationKind] = &[$(OperationKind::$k),*];
        }

        impl Operation {
            /// The operation's kind, through which its [`Spec`] is found.
            pub fn kind(&self) -> OperationKind {
                match self {
                    $(Operation::$k(..) => OperationKind::$k),*
                }
            }
        }
    };
}

operation_kinds!(
    Genesis,
    AdvanceClock,
    ServeSessions,
    SetAccountHistory,
    SetConsistency,
    SetThrottling,
    SetViewers,
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

/// Every operation's name, in [`OperationKind::ALL`]'s order.
pub const NAMES: &[&str] = &{
    let mut names = [""; OperationKind::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = OperationKind::ALL[i].spec().name;
        i += 1;
    }
    names
};

const ROLE: Resource = Resource::Role { param: "RoleName" };
const USER: Resource = Resource::User { param: "UserName" };
const POLICY: Resource = Resource::Policy { param: "PolicyArn" };
const PLAYBACK: Resource = Resource::PlaybackConfiguration { param: "Name" };
const TAGGED: Resource = Resource::Arn {
    param: "ResourceArn",
};
const CONFIGURE_LOGS: Resource = Resource::PlaybackConfiguration {
    param: "PlaybackConfigurationName",
};

/// The spec of an IAM call (query protocol).
const fn iam(
    name: &'static str,
    permission: &'static str,
    resource: Resource,
    example: &'static str,
) -> Spec {
    Spec {
        name,
        service: Service::Iam,
        permission: Some(permission),
        resource,
        route: Route::Query,
        example,
    }
}

/// The spec of a MediaTailor call.
const fn mediatailor(
    name: &'static str,
    permission: &'static str,
    resource: Resource,
    route: Route,
    example: &'static str,
) -> Spec {
    Spec {
        name,
        service: Service::MediaTailor,
        permission: Some(permission),
        resource,
        route,
        example,
    }
}

/// The spec of a CloudWatch Logs call.
const fn logs(
    name: &'static str,
    permission: &'static str,
    resource: Resource,
    target: &'static str,
    example: &'static str,
) -> Spec {
    Spec {
        name,
        service: Service::Logs,
        permission: Some(permission),
        resource,
        route: Route::JsonTarget { target },
        example,
    }
}

/// The spec of a simulation action.
const fn simulation(name: &'static str, route: Route, example: &'static str) -> Spec {
    Spec {
        name,
        service: Service::Simulation,
        permission: None,
        resource: Resource::None,
        route,
        example,
    }
}

const fn rest(method: &'static str, path: &'static str, input: RestInput) -> Route {
    Route::RestJson {
        method,
        path,
        input,
        status: 200,
    }
}

impl OperationKind {
    /// The operation's facts. The names and permissions are spelled out whole (not built from the
    /// variant's name) so that a search for `iam:GetRole` finds them.
    pub const fn spec(self) -> &'static Spec {
        use OperationKind as K;
        match self {
            K::Genesis => {
                &const {
                    simulation(
                        "Genesis",
                        Route::Reserved,
                        r#"{"Seed": 0, "Start": 1767225600}"#,
                    )
                }
            }
            K::AdvanceClock => {
                &const {
                    simulation(
                        "AdvanceClock",
                        Route::Control {
                            method: "POST",
                            path: "/_slrsim/advance",
                        },
                        r#"{"Seconds": 60}"#,
                    )
                }
            }
            K::ServeSessions => {
                &const {
                    simulation(
                        "ServeSessions",
                        Route::Control {
                            method: "POST",
                            path: "/_slrsim/sessions",
                        },
                        r#"{"PlaybackConfigurationName": "live", "Sessions": 1}"#,
                    )
                }
            }
            K::SetAccountHistory => {
                &const {
                    simulation(
                        "SetAccountHistory",
                        Route::Control {
                            method: "POST",
                            path: "/_slrsim/account-history",
                        },
                        r#"{"UsedMediaTailorBeforeSlrSupport": true}"#,
                    )
                }
            }
            K::SetConsistency => {
                &const {
                    simulation(
                        "SetConsistency",
                        Route::Control {
                            method: "POST",
                            path: "/_slrsim/consistency",
                        },
                        r#"{"DelaySeconds": 5}"#,
                    )
                }
            }
            K::SetThrottling => {
                &const {
                    simulation(
                        "SetThrottling",
                        Route::Control {
                            method: "POST",
                            path: "/_slrsim/throttling",
                        },
                        r#"{"Enabled": true, "RatePerSecond": 10, "Burst": 10}"#,
                    )
                }
            }
            K::SetViewers => {
                &const {
                    simulation(
                        "SetViewers",
                        Route::Control {
                            method: "POST",
                            path: "/_slrsim/viewers",
                        },
                        r#"{"SessionsPerMinute": 60}"#,
                    )
                }
            }
            K::SetFaults => {
                &const {
                    simulation(
                        "SetFaults",
                        Route::Control {
                            method: "POST",
                            path: "/_slrsim/faults",
                        },
                        r#"{"DeletionTaskSeconds": 300, "PageSize": 1}"#,
                    )
                }
            }
            K::RefusedRequest => {
                &const {
                    simulation(
                        "RefusedRequest",
                        Route::Scenario,
                        r#"{"Service": "iam", "Code": "SignatureDoesNotMatch", "Message": "no"}"#,
                    )
                }
            }
            K::CreateServiceLinkedRole => {
                &const {
                    iam(
                        "CreateServiceLinkedRole",
                        "iam:CreateServiceLinkedRole",
                        Resource::ServiceLinkedRole,
                        r#"{"AWSServiceName": "mediatailor.amazonaws.com"}"#,
                    )
                }
            }
            K::DeleteServiceLinkedRole => {
                &const {
                    iam(
                        "DeleteServiceLinkedRole",
                        "iam:DeleteServiceLinkedRole",
                        ROLE,
                        r#"{"RoleName": "AWSServiceRoleForMediaTailor"}"#,
                    )
                }
            }
            K::GetServiceLinkedRoleDeletionStatus => {
                &const {
                    iam(
                        "GetServiceLinkedRoleDeletionStatus",
                        "iam:GetServiceLinkedRoleDeletionStatus",
                        Resource::DeletionTask {
                            param: "DeletionTaskId",
                        },
                        r#"{"DeletionTaskId": "task/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor/7e3b1c1e-0000-4000-8000-000000000000"}"#,
                    )
                }
            }
            K::GetRole => {
                &const {
                    iam(
                        "GetRole",
                        "iam:GetRole",
                        ROLE,
                        r#"{"RoleName": "AWSServiceRoleForMediaTailor"}"#,
                    )
                }
            }
            K::ListRoles => &const { iam("ListRoles", "iam:ListRoles", Resource::Roles, "{}") },
            K::UpdateRoleDescription => {
                &const {
                    iam(
                        "UpdateRoleDescription",
                        "iam:UpdateRoleDescription",
                        ROLE,
                        r#"{"RoleName": "app", "Description": "edited"}"#,
                    )
                }
            }
            K::UpdateRole => {
                &const {
                    iam(
                        "UpdateRole",
                        "iam:UpdateRole",
                        ROLE,
                        r#"{"RoleName": "app", "MaxSessionDuration": 7200}"#,
                    )
                }
            }
            K::TagRole => {
                &const {
                    iam(
                        "TagRole",
                        "iam:TagRole",
                        ROLE,
                        r#"{"RoleName": "app", "Tags": [{"Key": "team", "Value": "video"}]}"#,
                    )
                }
            }
            K::CreateRole => {
                &const {
                    iam(
                        "CreateRole",
                        "iam:CreateRole",
                        ROLE,
                        r#"{"RoleName": "app", "Path": "/apps/", "AssumeRolePolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"}"#,
                    )
                }
            }
            K::DeleteRole => {
                &const {
                    iam(
                        "DeleteRole",
                        "iam:DeleteRole",
                        ROLE,
                        r#"{"RoleName": "app"}"#,
                    )
                }
            }
            K::UpdateAssumeRolePolicy => {
                &const {
                    iam(
                        "UpdateAssumeRolePolicy",
                        "iam:UpdateAssumeRolePolicy",
                        ROLE,
                        r#"{"RoleName": "app", "PolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"}"#,
                    )
                }
            }
            K::AttachRolePolicy => {
                &const {
                    iam(
                        "AttachRolePolicy",
                        "iam:AttachRolePolicy",
                        ROLE,
                        r#"{"RoleName": "app", "PolicyArn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}"#,
                    )
                }
            }
            K::DetachRolePolicy => {
                &const {
                    iam(
                        "DetachRolePolicy",
                        "iam:DetachRolePolicy",
                        ROLE,
                        r#"{"RoleName": "app", "PolicyArn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}"#,
                    )
                }
            }
            K::PutRolePolicy => {
                &const {
                    iam(
                        "PutRolePolicy",
                        "iam:PutRolePolicy",
                        ROLE,
                        r#"{"RoleName": "app", "PolicyName": "inline", "PolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"}"#,
                    )
                }
            }
            K::DeleteRolePolicy => {
                &const {
                    iam(
                        "DeleteRolePolicy",
                        "iam:DeleteRolePolicy",
                        ROLE,
                        r#"{"RoleName": "app", "PolicyName": "inline"}"#,
                    )
                }
            }
            K::PutRolePermissionsBoundary => {
                &const {
                    iam(
                        "PutRolePermissionsBoundary",
                        "iam:PutRolePermissionsBoundary",
                        ROLE,
                        r#"{"RoleName": "app", "PermissionsBoundary": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}"#,
                    )
                }
            }
            K::ListAttachedRolePolicies => {
                &const {
                    iam(
                        "ListAttachedRolePolicies",
                        "iam:ListAttachedRolePolicies",
                        ROLE,
                        r#"{"RoleName": "AWSServiceRoleForMediaTailor"}"#,
                    )
                }
            }
            K::ListRoleTags => {
                &const {
                    iam(
                        "ListRoleTags",
                        "iam:ListRoleTags",
                        ROLE,
                        r#"{"RoleName": "AWSServiceRoleForMediaTailor", "MaxItems": 10}"#,
                    )
                }
            }
            K::UntagRole => {
                &const {
                    iam(
                        "UntagRole",
                        "iam:UntagRole",
                        ROLE,
                        r#"{"RoleName": "app", "TagKeys": ["team"]}"#,
                    )
                }
            }
            K::ListRolePolicies => {
                &const {
                    iam(
                        "ListRolePolicies",
                        "iam:ListRolePolicies",
                        ROLE,
                        r#"{"RoleName": "app"}"#,
                    )
                }
            }
            K::GetRolePolicy => {
                &const {
                    iam(
                        "GetRolePolicy",
                        "iam:GetRolePolicy",
                        ROLE,
                        r#"{"RoleName": "app", "PolicyName": "inline"}"#,
                    )
                }
            }
            K::ListInstanceProfilesForRole => {
                &const {
                    iam(
                        "ListInstanceProfilesForRole",
                        "iam:ListInstanceProfilesForRole",
                        ROLE,
                        r#"{"RoleName": "AWSServiceRoleForMediaTailor"}"#,
                    )
                }
            }
            K::GetPolicy => {
                &const {
                    iam(
                        "GetPolicy",
                        "iam:GetPolicy",
                        POLICY,
                        r#"{"PolicyArn": "arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy"}"#,
                    )
                }
            }
            K::GetPolicyVersion => {
                &const {
                    iam(
                        "GetPolicyVersion",
                        "iam:GetPolicyVersion",
                        POLICY,
                        r#"{"PolicyArn": "arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy", "VersionId": "v1"}"#,
                    )
                }
            }
            K::ListPolicyVersions => {
                &const {
                    iam(
                        "ListPolicyVersions",
                        "iam:ListPolicyVersions",
                        POLICY,
                        r#"{"PolicyArn": "arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy"}"#,
                    )
                }
            }
            K::ListEntitiesForPolicy => {
                &const {
                    iam(
                        "ListEntitiesForPolicy",
                        "iam:ListEntitiesForPolicy",
                        POLICY,
                        r#"{"PolicyArn": "arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy", "EntityFilter": "Role", "PathPrefix": "/aws-service-role/", "PolicyUsageFilter": "PermissionsPolicy", "MaxItems": 100}"#,
                    )
                }
            }
            K::CreateUser => {
                &const {
                    iam(
                        "CreateUser",
                        "iam:CreateUser",
                        USER,
                        r#"{"UserName": "newuser", "Path": "/staff/"}"#,
                    )
                }
            }
            K::CreateAccessKey => {
                &const {
                    iam(
                        "CreateAccessKey",
                        "iam:CreateAccessKey",
                        USER,
                        r#"{"UserName": "target"}"#,
                    )
                }
            }
            K::PutUserPolicy => {
                &const {
                    iam(
                        "PutUserPolicy",
                        "iam:PutUserPolicy",
                        USER,
                        r#"{"UserName": "target", "PolicyName": "inline", "PolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"}"#,
                    )
                }
            }
            K::DeleteUserPolicy => {
                &const {
                    iam(
                        "DeleteUserPolicy",
                        "iam:DeleteUserPolicy",
                        USER,
                        r#"{"UserName": "target", "PolicyName": "inline"}"#,
                    )
                }
            }
            K::AttachUserPolicy => {
                &const {
                    iam(
                        "AttachUserPolicy",
                        "iam:AttachUserPolicy",
                        USER,
                        r#"{"UserName": "target", "PolicyArn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}"#,
                    )
                }
            }
            K::DetachUserPolicy => {
                &const {
                    iam(
                        "DetachUserPolicy",
                        "iam:DetachUserPolicy",
                        USER,
                        r#"{"UserName": "target", "PolicyArn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}"#,
                    )
                }
            }
            K::GetCallerIdentity => &Spec {
                name: "GetCallerIdentity",
                service: Service::Sts,
                // As at AWS: any caller may ask who it is.
                permission: None,
                resource: Resource::None,
                route: Route::Query,
                example: "{}",
            },
            K::PutPlaybackConfiguration => {
                &const {
                    mediatailor(
                        "PutPlaybackConfiguration",
                        "mediatailor:PutPlaybackConfiguration",
                        PLAYBACK,
                        rest("PUT", "/playbackConfiguration", RestInput::Body),
                        r#"{"Name": "live", "VideoContentSourceUrl": "https://origin.example.com"}"#,
                    )
                }
            }
            K::GetPlaybackConfiguration => {
                &const {
                    mediatailor(
                        "GetPlaybackConfiguration",
                        "mediatailor:GetPlaybackConfiguration",
                        PLAYBACK,
                        rest("GET", "/playbackConfiguration/{Name}", RestInput::Path),
                        r#"{"Name": "live"}"#,
                    )
                }
            }
            K::ListPlaybackConfigurations => {
                &const {
                    mediatailor(
                        "ListPlaybackConfigurations",
                        "mediatailor:ListPlaybackConfigurations",
                        Resource::PlaybackConfigurations,
                        rest("GET", "/playbackConfigurations", RestInput::Query),
                        "{}",
                    )
                }
            }
            K::DeletePlaybackConfiguration => {
                &const {
                    mediatailor(
                        "DeletePlaybackConfiguration",
                        "mediatailor:DeletePlaybackConfiguration",
                        PLAYBACK,
                        // 204 No Content, as MediaTailor answers it.
                        Route::RestJson {
                            method: "DELETE",
                            path: "/playbackConfiguration/{Name}",
                            input: RestInput::Path,
                            status: 204,
                        },
                        r#"{"Name": "live"}"#,
                    )
                }
            }
            K::ConfigureLogsForPlaybackConfiguration => {
                &const {
                    mediatailor(
                        "ConfigureLogsForPlaybackConfiguration",
                        "mediatailor:ConfigureLogsForPlaybackConfiguration",
                        CONFIGURE_LOGS,
                        rest(
                            "PUT",
                            "/configureLogs/playbackConfiguration",
                            RestInput::Body,
                        ),
                        r#"{"PlaybackConfigurationName": "live", "PercentEnabled": 100}"#,
                    )
                }
            }
            K::TagResource => {
                &const {
                    mediatailor(
                        "TagResource",
                        "mediatailor:TagResource",
                        TAGGED,
                        Route::RestJson {
                            method: "POST",
                            path: "/tags/{ResourceArn}",
                            input: RestInput::Body,
                            status: 204,
                        },
                        r#"{"ResourceArn": "arn:aws:mediatailor:us-east-1:111122223333:playbackConfiguration/live", "Tags": {"team": "video"}}"#,
                    )
                }
            }
            K::UntagResource => {
                &const {
                    mediatailor(
                        "UntagResource",
                        "mediatailor:UntagResource",
                        TAGGED,
                        Route::RestJson {
                            method: "DELETE",
                            path: "/tags/{ResourceArn}",
                            input: RestInput::Query,
                            status: 204,
                        },
                        r#"{"ResourceArn": "arn:aws:mediatailor:us-east-1:111122223333:playbackConfiguration/live", "TagKeys": ["team"]}"#,
                    )
                }
            }
            K::ListTagsForResource => {
                &const {
                    mediatailor(
                        "ListTagsForResource",
                        "mediatailor:ListTagsForResource",
                        TAGGED,
                        rest("GET", "/tags/{ResourceArn}", RestInput::Path),
                        r#"{"ResourceArn": "arn:aws:mediatailor:us-east-1:111122223333:playbackConfiguration/live"}"#,
                    )
                }
            }
            K::DescribeLogGroups => {
                &const {
                    logs(
                        "DescribeLogGroups",
                        "logs:DescribeLogGroups",
                        Resource::LogGroups,
                        "Logs_20140328.DescribeLogGroups",
                        "{}",
                    )
                }
            }
            K::DescribeLogStreams => {
                &const {
                    logs(
                        "DescribeLogStreams",
                        "logs:DescribeLogStreams",
                        Resource::LogGroup {
                            param: "logGroupName",
                        },
                        "Logs_20140328.DescribeLogStreams",
                        r#"{"logGroupName": "MediaTailor/AdDecisionServerInteractions"}"#,
                    )
                }
            }
            K::GetLogEvents => {
                &const {
                    logs(
                        "GetLogEvents",
                        "logs:GetLogEvents",
                        Resource::LogGroup {
                            param: "logGroupName",
                        },
                        "Logs_20140328.GetLogEvents",
                        r#"{"logGroupName": "MediaTailor/AdDecisionServerInteractions", "logStreamName": "live"}"#,
                    )
                }
            }
            K::FilterLogEvents => {
                &const {
                    logs(
                        "FilterLogEvents",
                        "logs:FilterLogEvents",
                        Resource::LogGroup {
                            param: "logGroupName",
                        },
                        "Logs_20140328.FilterLogEvents",
                        r#"{"logGroupName": "MediaTailor/AdDecisionServerInteractions", "filterPattern": "{ $.eventType = \"FILLED_AVAIL\" }"}"#,
                    )
                }
            }
        }
    }

    /// The operation of this name, if there is one.
    pub fn from_name(name: &str) -> Option<OperationKind> {
        OperationKind::ALL
            .iter()
            .copied()
            .find(|k| k.spec().name == name)
    }

    /// The operation a query-protocol `Action` names in `service`'s API.
    pub fn by_query_action(service: Service, action: &str) -> Option<OperationKind> {
        OperationKind::ALL.iter().copied().find(|k| {
            let s = k.spec();
            s.service == service && s.route == Route::Query && s.name == action
        })
    }

    /// The operation an `X-Amz-Target` header names.
    pub fn by_target(target: &str) -> Option<OperationKind> {
        OperationKind::ALL
            .iter()
            .copied()
            .find(|k| matches!(k.spec().route, Route::JsonTarget { target: t } if t == target))
    }
}

/// Every operation's name, for tests and tools that must cover them all.
pub fn names() -> &'static [&'static str] {
    NAMES
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every variant name of `Operation`, as serde lists them when it meets an unknown one: the list
    /// `ALL` must equal, whatever order the macro was given.
    fn serde_names() -> BTreeSet<String> {
        let err = serde_json::from_value::<Operation>(
            serde_json::json!({"op": "NoSuchOperation", "params": {}}),
        )
        .expect_err("not an operation")
        .to_string();
        let (_, list) = err.split_once("expected one of").expect("serde's message");
        list.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn the_registry_names_every_operation_once_as_serde_spells_it() {
        let names: BTreeSet<String> = NAMES.iter().map(|n| n.to_string()).collect();
        assert_eq!(names.len(), NAMES.len(), "a name is given twice");
        assert_eq!(names, serde_names());
        for k in OperationKind::ALL {
            assert_eq!(format!("{k:?}"), k.spec().name);
            assert_eq!(OperationKind::from_name(k.spec().name), Some(*k));
        }
    }

    #[test]
    fn every_example_is_a_valid_call_of_its_operation() {
        for k in OperationKind::ALL {
            let s = k.spec();
            let params: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(s.example).unwrap_or_else(|e| panic!("{}: {e}", s.name));
            let op = Operation::from_parts(s.name, params)
                .unwrap_or_else(|e| panic!("{}: {e:?}", s.name));
            assert_eq!(op.kind(), *k);
            assert_eq!(op.name(), s.name);
        }
    }

    #[test]
    fn facts_agree_with_each_other() {
        for k in OperationKind::ALL {
            let s = k.spec();
            // A simulation action is never authorised and never an AWS route.
            if s.is_simulation() {
                assert_eq!(
                    (s.permission, s.resource),
                    (None, Resource::None),
                    "{}",
                    s.name
                );
                assert!(
                    matches!(
                        s.route,
                        Route::Control { .. } | Route::Scenario | Route::Reserved
                    ),
                    "{}",
                    s.name
                );
                continue;
            }
            // An AWS call is authorised as `<service prefix>:<its own name>`, or needs nothing at all.
            if let Some(p) = s.permission {
                let (prefix, action) = p.split_once(':').expect("service:Action");
                assert_eq!(action, s.name);
                let expected = match s.service {
                    Service::Iam => "iam",
                    Service::Sts => "sts",
                    Service::MediaTailor => "mediatailor",
                    Service::Logs => "logs",
                    Service::Simulation => unreachable!(),
                };
                assert_eq!(prefix, expected, "{}", s.name);
                assert_ne!(s.resource, Resource::None, "{}", s.name);
            }
            let route_fits = match s.route {
                Route::Query => matches!(s.service, Service::Iam | Service::Sts),
                Route::RestJson { .. } => s.service == Service::MediaTailor,
                Route::JsonTarget { target } => {
                    s.service == Service::Logs
                        && target.split_once('.').map(|t| t.1) == Some(s.name)
                }
                Route::Control { .. } | Route::Scenario | Route::Reserved => false,
            };
            assert!(route_fits, "{} has a route of another service", s.name);
        }
    }

    #[test]
    fn rest_routes_are_distinct_and_name_their_path_parameters() {
        let mut seen = BTreeSet::new();
        for k in OperationKind::ALL {
            let s = k.spec();
            if let Route::RestJson {
                method,
                path,
                input,
                ..
            } = s.route
            {
                assert!(seen.insert((method, path)), "{method} {path} twice");
                let placeholders: Vec<&str> =
                    path.split('/').filter(|p| p.starts_with('{')).collect();
                // A call whose input is only its path has parameters there; every one is in its
                // example (the tagging calls have theirs beside a body or a query string).
                if input == RestInput::Path {
                    assert!(!placeholders.is_empty(), "{}", s.name);
                }
                for p in placeholders {
                    let name = p.trim_matches(|c| c == '{' || c == '}');
                    assert!(
                        s.example.contains(&format!("\"{name}\"")),
                        "{}: {name}",
                        s.name
                    );
                }
            }
        }
    }
}
