//! The AWS SDK for Rust against `slrsim serve`: the AWSServiceRoleForMediaTailor lifecycle as a Rust
//! program would drive it, each answer parsed by the SDK's own deserialisers and checked.
//!
//! Run by `tests/e2e/rust.sh`, which starts the server with `--clock requests:10` and exports its
//! AWS_ENDPOINT_URL, keys, region and SLRSIM_TOKEN (the control API's). Exits 1 naming the first
//! failed check.

use std::io::{Read, Write};
use std::time::Duration;

use aws_sdk_cloudwatchlogs as logs;
use aws_sdk_iam as iam;
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_mediatailor as mt;

const ACCOUNT: &str = "111122223333";
const ROLE: &str = "AWSServiceRoleForMediaTailor";
const ROLE_PATH: &str = "/aws-service-role/mediatailor.amazonaws.com/";
const POLICY: &str = "arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy";
const CONFIG: &str = "e2e-rust";
const ADS_GROUP: &str = "MediaTailor/AdDecisionServerInteractions";

type Result<T = ()> = std::result::Result<T, String>;

fn check(ok: bool, what: &str) -> Result {
    if ok { Ok(()) } else { Err(what.to_string()) }
}

/// The SDK's error with its code and message, for a failed step.
fn shown<E: ProvideErrorMetadata + std::fmt::Debug>(step: &str, e: E) -> String {
    format!("{step}: {:?} {:?} ({e:?})", e.code(), e.message())
}

struct Clients {
    sts: aws_sdk_sts::Client,
    iam: iam::Client,
    mt: mt::Client,
    logs: logs::Client,
}

#[tokio::main]
async fn main() {
    let conf = aws_config::load_from_env().await;
    let c = Clients {
        sts: aws_sdk_sts::Client::new(&conf),
        iam: iam::Client::new(&conf),
        mt: mt::Client::new(&conf),
        logs: logs::Client::new(&conf),
    };
    let run = async {
        identity(&c).await?;
        configure(&c).await?;
        protected_role(&c).await?;
        let task = delete_role(&c).await?;
        let usage = wait_for(&c, &task, "FAILED").await?;
        let named = vec![("us-east-1".to_string(), config_arn())];
        check(
            usage == named,
            "RoleUsageList names the configuration in us-east-1",
        )?;
        read_logs(&c).await?;
        teardown(&c).await?;
        other_region().await
    };
    match run.await {
        Ok(()) => println!("rust e2e passed"),
        Err(e) => {
            eprintln!("rust e2e FAILED: {e}");
            std::process::exit(1);
        }
    }
}

async fn identity(c: &Clients) -> Result {
    let me = c
        .sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| shown("GetCallerIdentity", e))?;
    check(
        me.account() == Some(ACCOUNT),
        "GetCallerIdentity names the default account",
    )
}

/// A playback configuration with tags, logging on: the role appears.
async fn configure(c: &Clients) -> Result {
    c.mt.put_playback_configuration()
        .name(CONFIG)
        .video_content_source_url("https://origin.example.com/x")
        .ad_decision_server_url("https://ads.example.com/vast")
        .tags("team", "video")
        .send()
        .await
        .map_err(|e| shown("PutPlaybackConfiguration", e))?;
    let got = c.mt.get_playback_configuration().name(CONFIG).send().await;
    let got = got.map_err(|e| shown("GetPlaybackConfiguration", e))?;
    check(
        got.tags().and_then(|t| t.get("team")).map(String::as_str) == Some("video"),
        "tags read back",
    )?;
    check(
        got.playback_endpoint_prefix()
            .is_some_and(|p| p.starts_with("https://")),
        "a playback prefix",
    )?;
    let listed = c.mt.list_playback_configurations().send().await;
    let listed = listed.map_err(|e| shown("ListPlaybackConfigurations", e))?;
    check(
        listed.items().iter().any(|i| i.name() == Some(CONFIG)),
        "the configuration is listed",
    )?;
    c.mt.configure_logs_for_playback_configuration()
        .playback_configuration_name(CONFIG)
        .percent_enabled(100)
        .send()
        .await
        .map_err(|e| shown("ConfigureLogsForPlaybackConfiguration", e))?;
    let role = c
        .iam
        .get_role()
        .role_name(ROLE)
        .send()
        .await
        .map_err(|e| shown("GetRole", e))?;
    let role = role.role().ok_or("GetRole without a role")?;
    check(role.path() == ROLE_PATH, "the role's path")?;
    check(
        role.arn() == format!("arn:aws:iam::{ACCOUNT}:role{ROLE_PATH}{ROLE}"),
        "the role's ARN",
    )?;
    serve_sessions(50)
}

/// What IAM lets anyone do to the protected role, and what it refuses.
async fn protected_role(c: &Clients) -> Result {
    let i = &c.iam;
    i.update_role_description()
        .role_name(ROLE)
        .description("edited by the Rust SDK")
        .send()
        .await
        .map_err(|e| shown("UpdateRoleDescription", e))?;
    let tag = iam::types::Tag::builder()
        .key("owner")
        .value("e2e")
        .build()
        .map_err(|e| e.to_string())?;
    i.tag_role()
        .role_name(ROLE)
        .tags(tag)
        .send()
        .await
        .map_err(|e| shown("TagRole", e))?;
    let tags = i
        .list_role_tags()
        .role_name(ROLE)
        .send()
        .await
        .map_err(|e| shown("ListRoleTags", e))?;
    check(
        tags.tags().iter().any(|t| t.key() == "owner"),
        "ListRoleTags shows the tag",
    )?;
    i.untag_role()
        .role_name(ROLE)
        .tag_keys("owner")
        .send()
        .await
        .map_err(|e| shown("UntagRole", e))?;
    let update = i
        .update_role()
        .role_name(ROLE)
        .max_session_duration(7200)
        .send()
        .await;
    let err = update
        .err()
        .ok_or("UpdateRole of the protected role was accepted")?;
    check(
        err.code() == Some("UnmodifiableEntity"),
        "UpdateRole: UnmodifiableEntity",
    )?;
    let delete = i.delete_role().role_name(ROLE).send().await;
    let err = delete
        .err()
        .ok_or("DeleteRole of the protected role was accepted")?;
    check(
        err.as_service_error()
            .is_some_and(|s| s.is_unmodifiable_entity_exception()),
        "DeleteRole: the SDK's UnmodifiableEntityException",
    )?;
    let attached = i.list_attached_role_policies().role_name(ROLE).send().await;
    let attached = attached.map_err(|e| shown("ListAttachedRolePolicies", e))?;
    check(
        attached
            .attached_policies()
            .iter()
            .any(|p| p.policy_arn() == Some(POLICY)),
        "the policy",
    )?;
    policy_reads(c).await
}

async fn policy_reads(c: &Clients) -> Result {
    let i = &c.iam;
    let p = i
        .get_policy()
        .policy_arn(POLICY)
        .send()
        .await
        .map_err(|e| shown("GetPolicy", e))?;
    let version = p
        .policy()
        .and_then(|p| p.default_version_id())
        .ok_or("no default version")?;
    let v = i
        .get_policy_version()
        .policy_arn(POLICY)
        .version_id(version)
        .send()
        .await;
    let v = v.map_err(|e| shown("GetPolicyVersion", e))?;
    check(
        v.policy_version().and_then(|v| v.document()).is_some(),
        "the policy's document",
    )?;
    let ents = i.list_entities_for_policy().policy_arn(POLICY).send().await;
    let ents = ents.map_err(|e| shown("ListEntitiesForPolicy", e))?;
    check(
        ents.policy_roles()
            .iter()
            .any(|r| r.role_name() == Some(ROLE)),
        "the role uses the policy",
    )?;
    i.list_role_policies()
        .role_name(ROLE)
        .send()
        .await
        .map_err(|e| shown("ListRolePolicies", e))?;
    i.list_instance_profiles_for_role()
        .role_name(ROLE)
        .send()
        .await
        .map_err(|e| shown("ListInstanceProfilesForRole", e))?;
    let roles = i
        .list_roles()
        .path_prefix("/aws-service-role/")
        .send()
        .await;
    let roles = roles.map_err(|e| shown("ListRoles", e))?;
    check(
        roles.roles().iter().any(|r| r.role_name() == ROLE),
        "ListRoles by path",
    )
}

async fn delete_role(c: &Clients) -> Result<String> {
    let d = c
        .iam
        .delete_service_linked_role()
        .role_name(ROLE)
        .send()
        .await;
    Ok(d.map_err(|e| shown("DeleteServiceLinkedRole", e))?
        .deletion_task_id()
        .to_string())
}

/// Polls the deletion task (each request moves the clock 10 s) until it ends, which must be `want`;
/// a failure's `RoleUsageList`, as (Region, resource ARN) pairs.
async fn wait_for(c: &Clients, task: &str, want: &str) -> Result<Vec<(String, String)>> {
    for _ in 0..200 {
        let s = c
            .iam
            .get_service_linked_role_deletion_status()
            .deletion_task_id(task)
            .send()
            .await;
        let s = s.map_err(|e| shown("GetServiceLinkedRoleDeletionStatus", e))?;
        let status = s.status().as_str();
        if status == "FAILED" || status == "SUCCEEDED" {
            check(
                status == want,
                &format!("the deletion ended {status}, not {want}"),
            )?;
            let usage = s.reason().map(|r| r.role_usage_list()).unwrap_or_default();
            return Ok(usage
                .iter()
                .flat_map(|u| {
                    let region = u.region().unwrap_or_default().to_string();
                    u.resources()
                        .iter()
                        .map(move |r| (region.clone(), r.clone()))
                })
                .collect());
        }
    }
    Err(format!("the deletion task {task} never ended"))
}

fn config_arn() -> String {
    format!("arn:aws:mediatailor:us-east-1:{ACCOUNT}:playbackConfiguration/{CONFIG}")
}

/// What MediaTailor delivered, as a user reads it.
async fn read_logs(c: &Clients) -> Result {
    let l = &c.logs;
    let groups = l
        .describe_log_groups()
        .log_group_name_prefix("MediaTailor")
        .send()
        .await;
    let groups = groups.map_err(|e| shown("DescribeLogGroups", e))?;
    check(
        groups
            .log_groups()
            .iter()
            .any(|g| g.log_group_name() == Some(ADS_GROUP)),
        "the ADS group",
    )?;
    let streams = l
        .describe_log_streams()
        .log_group_name(ADS_GROUP)
        .order_by(logs::types::OrderBy::LastEventTime)
        .descending(true)
        .send()
        .await;
    let streams = streams.map_err(|e| shown("DescribeLogStreams", e))?;
    check(
        streams
            .log_streams()
            .iter()
            .any(|s| s.log_stream_name() == Some(CONFIG)),
        "its stream",
    )?;
    let events = l
        .get_log_events()
        .log_group_name(ADS_GROUP)
        .log_stream_name(CONFIG)
        .start_from_head(true)
        .limit(10)
        .send()
        .await;
    let events = events.map_err(|e| shown("GetLogEvents", e))?;
    let first = events
        .events()
        .first()
        .and_then(|e| e.message())
        .ok_or("no log event")?;
    check(
        first.contains("\"eventType\""),
        "an ADS interaction message",
    )?;
    let filtered = l
        .filter_log_events()
        .log_group_name(ADS_GROUP)
        .filter_pattern("FILLED_AVAIL")
        .limit(5)
        .send()
        .await;
    let filtered = filtered.map_err(|e| shown("FilterLogEvents", e))?;
    check(
        filtered
            .events()
            .iter()
            .all(|e| e.message().is_some_and(|m| m.contains("FILLED_AVAIL"))),
        "filter",
    )
}

/// Logging off, the configuration's tags edited, the role deleted, the configuration deleted.
async fn teardown(c: &Clients) -> Result {
    let arn = config_arn();
    c.mt.tag_resource()
        .resource_arn(&arn)
        .tags("stage", "teardown")
        .send()
        .await
        .map_err(|e| shown("TagResource", e))?;
    c.mt.untag_resource()
        .resource_arn(&arn)
        .tag_keys("team")
        .send()
        .await
        .map_err(|e| shown("UntagResource", e))?;
    let tags =
        c.mt.list_tags_for_resource()
            .resource_arn(&arn)
            .send()
            .await;
    let tags = tags.map_err(|e| shown("ListTagsForResource", e))?;
    let tags = tags.tags().ok_or("no tags")?;
    check(
        tags.contains_key("stage") && !tags.contains_key("team"),
        "the tags after tag and untag",
    )?;
    c.mt.configure_logs_for_playback_configuration()
        .playback_configuration_name(CONFIG)
        .percent_enabled(0)
        .send()
        .await
        .map_err(|e| shown("ConfigureLogsForPlaybackConfiguration", e))?;
    // MediaTailor used the role a few minutes ago: the deletion fails, naming no configuration.
    let task = delete_role(c).await?;
    let usage = wait_for(c, &task, "FAILED").await?;
    check(
        usage.is_empty(),
        "a deletion failed by a recent use names no configuration",
    )?;
    control("/_slrsim/advance?seconds=300", "")?;
    let task = delete_role(c).await?;
    wait_for(c, &task, "SUCCEEDED").await?;
    let gone = c.iam.get_role().role_name(ROLE).send().await;
    let err = gone
        .err()
        .ok_or("the role is still there after its deletion SUCCEEDED")?;
    check(
        err.as_service_error()
            .is_some_and(|s| s.is_no_such_entity_exception()),
        "NoSuchEntity",
    )?;
    c.mt.delete_playback_configuration()
        .name(CONFIG)
        .send()
        .await
        .map_err(|e| shown("DeletePlaybackConfiguration", e))?;
    Ok(())
}

/// IAM answers whatever region a client is configured for.
async fn other_region() -> Result {
    let west = aws_config::from_env()
        .region(aws_config::Region::new("us-west-1"))
        .load()
        .await;
    iam::Client::new(&west)
        .list_roles()
        .send()
        .await
        .map_err(|e| shown("ListRoles in us-west-1", e))?;
    Ok(())
}

/// `POST /_slrsim/sessions`: viewers watch the configuration, and logging delivers through the role.
fn serve_sessions(sessions: u32) -> Result {
    let body = format!("{{\"PlaybackConfigurationName\":\"{CONFIG}\",\"Sessions\":{sessions}}}");
    control("/_slrsim/sessions", &body)
}

/// A POST to slrsim's control API, with the operator's token; the answer must be 200.
fn control(path: &str, body: &str) -> Result {
    let endpoint = std::env::var("AWS_ENDPOINT_URL").map_err(|_| "AWS_ENDPOINT_URL is not set")?;
    let token = std::env::var("SLRSIM_TOKEN").map_err(|_| "SLRSIM_TOKEN is not set")?;
    let addr = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut s = std::net::TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    s.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).map_err(|e| e.to_string())?;
    check(
        answer.starts_with("HTTP/1.1 200"),
        &format!("POST {path}: {answer}"),
    )
}
