//! Fixed facts about AWS that the simulator matches: names, paths, ARNs, the published policy documents,
//! the regions MediaTailor runs in, and the dates of the seed page. Everything here is data from
//! `shared/aws-reference.md`; nothing here decides anything.

/// The one service whose service-linked role slrsim models.
pub const MEDIATAILOR_SERVICE: &str = "mediatailor.amazonaws.com";
/// The role's fixed name.
pub const SLR_NAME: &str = "AWSServiceRoleForMediaTailor";
/// The role's fixed path.
pub const SLR_PATH: &str = "/aws-service-role/mediatailor.amazonaws.com/";
/// The path prefix IAM reserves for service-linked roles.
pub const SERVICE_ROLE_PATH_PREFIX: &str = "/aws-service-role/";
/// The managed policy attached to the role, and only to it.
pub const SLR_POLICY_ARN: &str =
    "arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy";
/// The role's description when MediaTailor creates it (AWS leaves it empty; slrsim does the same).
pub const SLR_MAX_SESSION_DURATION: i64 = 3600;

/// The trust policy of the role, byte for byte as the reference gives it.
pub const SLR_TRUST_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{"Service":["mediatailor.amazonaws.com"]}}]}"#;

/// AWSMediaTailorServiceRolePolicy v1 as AWS publishes it. Note `MediaTailor/*`, not the seed page's
/// `/aws/MediaTailor/*`: the published JSON and the groups MediaTailor really writes have no `/aws/` prefix.
pub const SLR_POLICY_DOCUMENT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:*:*:log-group:MediaTailor/*:log-stream:*"},{"Effect":"Allow","Action":["logs:CreateLogStream","logs:CreateLogGroup","logs:DescribeLogGroups","logs:DescribeLogStreams"],"Resource":"arn:aws:logs:*:*:log-group:MediaTailor/*"}]}"#;

/// The log groups MediaTailor writes session logs to.
pub const LOG_GROUP_ADS: &str = "MediaTailor/AdDecisionServerInteractions";
/// See [`LOG_GROUP_ADS`].
pub const LOG_GROUP_MANIFEST: &str = "MediaTailor/ManifestService";

/// 2021-09-15T00:00:00Z: MediaTailor began supporting service-linked roles; accounts that used it before
/// then got the role created for them, with this CreateDate.
pub const SLR_SUPPORT_DATE: i64 = 1_631_664_000;

/// The 21 regions where MediaTailor runs, as botocore 1.43.11's `endpoints.json` lists
/// `api.mediatailor` in the `aws` partition. IAM and STS are global; CloudWatch Logs runs in every
/// region of [`AWS_REGIONS`].
pub const REGIONS: [&str; 21] = [
    "af-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-4",
    "ap-southeast-5",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "me-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-2",
];

/// Whether MediaTailor runs in `region`.
pub fn is_mediatailor_region(region: &str) -> bool {
    REGIONS.contains(&region)
}

/// The 34 regions of AWS's commercial partition (`aws`), as botocore 1.43.11's `endpoints.json`
/// lists them. IAM and STS answer a request signed for any of them (they are global), and
/// CloudWatch Logs has an endpoint in each. Other partitions (China, GovCloud) have ARNs of their own
/// (`arn:aws-cn:`, `arn:aws-us-gov:`), which slrsim does not model.
pub const AWS_REGIONS: [&str; 34] = [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// Whether `region` is a region of AWS's commercial partition.
pub fn is_aws_region(region: &str) -> bool {
    AWS_REGIONS.contains(&region)
}

/// An AWS managed policy slrsim knows: its ARN and document, and what `GetPolicy` and
/// `GetPolicyVersion` say of it.
#[derive(Debug, Clone, Copy)]
pub struct ManagedPolicy {
    /// The policy's ARN.
    pub arn: &'static str,
    /// The policy document.
    pub document: &'static str,
    /// Whether the policy may be attached only to a service-linked role.
    pub service_role_only: bool,
    /// Its default version, as AWS publishes it (`v1`, `v4`, ...): the only version slrsim serves.
    pub default_version: &'static str,
    /// When the policy was created (seconds since the epoch).
    pub created: i64,
    /// When its default version was published.
    pub updated: i64,
    /// Its description, when AWS gives one.
    pub description: Option<&'static str>,
    /// Whether `document` is AWS's whole document (`false`: trimmed to the services slrsim models).
    pub document_is_aws: bool,
}

impl ManagedPolicy {
    /// The policy's name: the last segment of its ARN.
    pub fn name(&self) -> &'static str {
        self.arn.rsplit('/').next().unwrap_or(self.arn)
    }

    /// The policy's path: what lies between `policy` and its name (`/`, `/aws-service-role/`).
    pub fn path(&self) -> &'static str {
        let after = self.arn.split_once(":policy").map_or("/", |(_, p)| p);
        after
            .rfind('/')
            .and_then(|i| after.get(..=i))
            .unwrap_or("/")
    }
}

/// 2021-09-17T22:27:10Z: AWSMediaTailorServiceRolePolicy v1 was published (AWS's managed policy
/// reference, "Creation time" and "Edited time").
pub const SLR_POLICY_DATE: i64 = 1_631_917_630;

/// The AWS managed policies a scenario can attach. Versions and dates are AWS's (the managed policy
/// reference, and the default versions recorded by github.com/zoph-io/MAMIP); where AWS's first
/// version's date is not known, `created` is the default version's. Documents are AWS's where
/// `document_is_aws`, else trimmed to the services slrsim models (`IAMFullAccess` leaves out its
/// `organizations:` reads, `CloudWatchLogsReadOnlyAccess` its query and live-tail actions).
pub const MANAGED_POLICIES: &[ManagedPolicy] = &[
    ManagedPolicy {
        arn: "arn:aws:iam::aws:policy/AdministratorAccess",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        service_role_only: false,
        default_version: "v1",
        created: 1423247986,
        updated: 1423247986,
        description: Some("Provides full access to AWS services and resources."),
        document_is_aws: true,
    },
    ManagedPolicy {
        arn: "arn:aws:iam::aws:policy/IAMFullAccess",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}"#,
        service_role_only: false,
        default_version: "v2",
        created: 1561146000,
        updated: 1561146000,
        description: Some("Provides full access to IAM via the AWS Management Console."),
        document_is_aws: false,
    },
    ManagedPolicy {
        arn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]}"#,
        service_role_only: false,
        default_version: "v4",
        created: 1516907487,
        updated: 1516907487,
        description: Some("Provides read only access to IAM via the AWS Management Console."),
        document_is_aws: true,
    },
    ManagedPolicy {
        arn: "arn:aws:iam::aws:policy/AWSElementalMediaTailorFullAccess",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"mediatailor:*","Resource":"*"}]}"#,
        service_role_only: false,
        default_version: "v1",
        created: 1637625879,
        updated: 1637625879,
        description: None,
        document_is_aws: true,
    },
    ManagedPolicy {
        arn: "arn:aws:iam::aws:policy/AWSElementalMediaTailorReadOnly",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["mediatailor:List*","mediatailor:Describe*","mediatailor:Get*"],"Resource":"*"}]}"#,
        service_role_only: false,
        default_version: "v1",
        created: 1637625901,
        updated: 1637625901,
        description: None,
        document_is_aws: true,
    },
    ManagedPolicy {
        arn: "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:Describe*","logs:Get*","logs:List*","logs:FilterLogEvents"],"Resource":"*"}]}"#,
        service_role_only: false,
        default_version: "v6",
        created: 1701022293,
        updated: 1701022293,
        description: Some("Provides read only access to CloudWatch Logs"),
        document_is_aws: false,
    },
    ManagedPolicy {
        arn: SLR_POLICY_ARN,
        document: SLR_POLICY_DOCUMENT,
        service_role_only: true,
        default_version: "v1",
        created: SLR_POLICY_DATE,
        updated: SLR_POLICY_DATE,
        description: Some("Enable access to AWS Resources used or managed by MediaTailor"),
        document_is_aws: true,
    },
];

/// Looks up a managed policy by ARN.
pub fn managed_policy(arn: &str) -> Option<&'static ManagedPolicy> {
    MANAGED_POLICIES.iter().find(|p| p.arn == arn)
}

/// The ARN of a role in `account` with `path` and `name`.
pub fn role_arn(account: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:role{path}{name}")
}

/// The ARN of the MediaTailor service-linked role in `account`.
pub fn slr_arn(account: &str) -> String {
    role_arn(account, SLR_PATH, SLR_NAME)
}

/// The ARN of a user.
pub fn user_arn(account: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:user{path}{name}")
}

/// The ARN of a playback configuration.
pub fn playback_configuration_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:mediatailor:{region}:{account}:playbackConfiguration/{name}")
}

/// The ARN of a CloudWatch log group.
pub fn log_group_arn(region: &str, account: &str, group: &str) -> String {
    format!("arn:aws:logs:{region}:{account}:log-group:{group}")
}

/// The ARN of a CloudWatch log stream.
pub fn log_stream_arn(region: &str, account: &str, group: &str, stream: &str) -> String {
    format!("arn:aws:logs:{region}:{account}:log-group:{group}:log-stream:{stream}")
}

/// The prefix of every deletion task id for the MediaTailor role.
pub const DELETION_TASK_PREFIX: &str =
    "task/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor/";
