//! The service-linked roles of other services that automation commonly creates beside MediaTailor's
//! (`aws iam create-service-linked-role`, Terraform's `aws_iam_service_linked_role`, CDK bootstraps):
//! data only, one row per service principal, each with the AWS documentation it comes from.
//!
//! Each role is created as AWS creates it: at `/aws-service-role/<service principal>/`, trusted by that
//! principal alone (the same trust policy as MediaTailor's, with the principal's name), with the
//! service's managed policy attached, protected like MediaTailor's. What slrsim does not model about
//! them: the services themselves (so a deletion task always succeeds: no resource of theirs can be in
//! use), the documents of their managed policies (`GetPolicy` of one is `NoSuchEntity`), and the
//! default descriptions some services give their role.
//!
//! MediaTailor's own role is not a row: its facts are in [`crate::core::catalog`].

/// One service's service-linked role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceRole {
    /// The service principal (`AWSServiceName`).
    pub service: &'static str,
    /// The role's name (with a custom suffix: this, `_`, and the suffix).
    pub role_name: &'static str,
    /// The AWS managed policy attached to the role.
    pub policy_arn: &'static str,
    /// Whether `CustomSuffix` is allowed.
    pub custom_suffix: bool,
    /// Where AWS documents the role.
    pub source: &'static str,
}

const fn row(
    service: &'static str,
    role_name: &'static str,
    policy: &'static str,
    custom_suffix: bool,
    source: &'static str,
) -> ServiceRole {
    ServiceRole {
        service,
        role_name,
        policy_arn: policy,
        custom_suffix,
        source,
    }
}

/// The other services whose service-linked roles `CreateServiceLinkedRole` creates, by principal.
pub const SERVICE_ROLES: &[ServiceRole] = &[
    row(
        "autoscaling.amazonaws.com",
        "AWSServiceRoleForAutoScaling",
        "arn:aws:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy",
        true,
        "https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html",
    ),
    row(
        "dynamodb.application-autoscaling.amazonaws.com",
        "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
        "arn:aws:iam::aws:policy/aws-service-role/AWSApplicationAutoscalingDynamoDBTablePolicy",
        false,
        "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-service-linked-roles.html",
    ),
    row(
        "ecs.amazonaws.com",
        "AWSServiceRoleForECS",
        "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy",
        false,
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html",
    ),
    row(
        "ecs.application-autoscaling.amazonaws.com",
        "AWSServiceRoleForApplicationAutoScaling_ECSService",
        "arn:aws:iam::aws:policy/aws-service-role/AWSApplicationAutoscalingECSServicePolicy",
        false,
        "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-service-linked-roles.html",
    ),
    row(
        "eks.amazonaws.com",
        "AWSServiceRoleForAmazonEKS",
        "arn:aws:iam::aws:policy/aws-service-role/AmazonEKSServiceRolePolicy",
        false,
        "https://docs.aws.amazon.com/eks/latest/userguide/using-service-linked-roles-eks.html",
    ),
    row(
        "elasticache.amazonaws.com",
        "AWSServiceRoleForElastiCache",
        "arn:aws:iam::aws:policy/aws-service-role/ElastiCacheServiceRolePolicy",
        false,
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/using-service-linked-roles.html",
    ),
    row(
        "elasticbeanstalk.amazonaws.com",
        "AWSServiceRoleForElasticBeanstalk",
        "arn:aws:iam::aws:policy/aws-service-role/AWSElasticBeanstalkServiceRolePolicy",
        false,
        "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/using-service-linked-roles-monitoring.html",
    ),
    row(
        "elasticloadbalancing.amazonaws.com",
        "AWSServiceRoleForElasticLoadBalancing",
        "arn:aws:iam::aws:policy/aws-service-role/AWSElasticLoadBalancingServiceRolePolicy",
        false,
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-service-linked-roles.html",
    ),
    row(
        "logger.cloudfront.amazonaws.com",
        "AWSServiceRoleForCloudFrontLogger",
        "arn:aws:iam::aws:policy/aws-service-role/AWSCloudFrontLogger",
        false,
        "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-edge-permissions.html",
    ),
    row(
        "opensearchservice.amazonaws.com",
        "AWSServiceRoleForAmazonOpenSearchService",
        "arn:aws:iam::aws:policy/aws-service-role/AmazonOpenSearchServiceRolePolicy",
        false,
        "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/slr.html",
    ),
    row(
        "rds.amazonaws.com",
        "AWSServiceRoleForRDS",
        "arn:aws:iam::aws:policy/aws-service-role/AmazonRDSServiceRolePolicy",
        false,
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAM.ServiceLinkedRoles.html",
    ),
    row(
        "spot.amazonaws.com",
        "AWSServiceRoleForEC2Spot",
        "arn:aws:iam::aws:policy/aws-service-role/AWSEC2SpotServiceRolePolicy",
        false,
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/service-linked-roles-spot-instance-requests.html",
    ),
];

/// The row of a service principal (exact: principals are case-sensitive).
pub fn find(service: &str) -> Option<&'static ServiceRole> {
    SERVICE_ROLES.iter().find(|r| r.service == service)
}

/// The row whose role this is, by the path a service-linked role has.
pub fn of_path(path: &str) -> Option<&'static ServiceRole> {
    SERVICE_ROLES.iter().find(|r| path == role_path(r.service))
}

/// The path of a service's service-linked role.
pub fn role_path(service: &str) -> String {
    format!("/aws-service-role/{service}/")
}

/// The trust policy AWS gives a service's service-linked role: the principal's `sts:AssumeRole`.
pub fn trust_policy(service: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{{"Service":["{service}"]}}}}]}}"#
    )
}

/// `CreateServiceLinkedRole`'s `InvalidInput` message for a principal neither MediaTailor's nor in
/// [`SERVICE_ROLES`] (rules 3 on; rules 1 and 2 said slrsim modelled MediaTailor's alone).
pub fn unknown_service_message(service: &str) -> String {
    format!(
        "Invalid service name: {}. slrsim creates the service-linked roles of {} and of the {} services listed in its README.",
        crate::core::validate::shown(service),
        crate::core::catalog::MEDIATAILOR_SERVICE,
        SERVICE_ROLES.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog;

    #[test]
    fn the_table_is_sorted_unique_and_names_roles_as_aws_does() {
        let services: Vec<&str> = SERVICE_ROLES.iter().map(|r| r.service).collect();
        let mut sorted = services.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(services, sorted, "one row per principal, in order");
        for r in SERVICE_ROLES {
            assert_ne!(r.service, catalog::MEDIATAILOR_SERVICE);
            assert!(r.role_name.starts_with("AWSServiceRoleFor"), "{r:?}");
            assert!(r.role_name.len() <= 64, "{r:?}");
            assert!(
                r.policy_arn
                    .starts_with("arn:aws:iam::aws:policy/aws-service-role/"),
                "{r:?}"
            );
            assert!(
                r.source.starts_with("https://docs.aws.amazon.com/"),
                "{r:?}"
            );
            assert_eq!(of_path(&role_path(r.service)), Some(r));
        }
    }

    #[test]
    fn the_trust_policy_has_mediatailor_s_form() {
        assert_eq!(
            trust_policy(catalog::MEDIATAILOR_SERVICE),
            catalog::SLR_TRUST_POLICY
        );
    }
}
