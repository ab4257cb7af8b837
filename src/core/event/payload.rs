//! The things events carry whole: a user, a role, a deletion task, a playback configuration, a log
//! configuration, tags. They are the stored schema's own types, kept apart from the state's and the
//! actions' look-alikes so that changing those changes nothing on disk. Each one serialises exactly as
//! the schema-1 logs spell it: the same field names in the same order, the same optional fields left
//! out, the same enum spellings. Changing one means a new schema version and an upcaster in
//! `log::record`; converting to and from the state lives in `apply` and `decide`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// An IAM user as created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Name.
    pub user_name: String,
    /// Path.
    pub path: String,
    /// `AIDA...`.
    pub user_id: String,
    /// ARN.
    pub arn: String,
    /// When it was created (seconds since the epoch).
    pub create_date: i64,
    /// Inline policies: name → policy document (JSON text).
    pub inline_policies: BTreeMap<String, String>,
    /// Attached managed policy ARNs.
    pub attached_policies: BTreeSet<String>,
    /// Access keys by id. Left out when there are none, as every schema-1 log writes it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub access_keys: BTreeMap<String, AccessKey>,
    /// Permissions boundary ARN. Left out when there is none, as every log before it writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    /// Tags: key → value. Left out when there are none, as every log before them writes it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// An IAM user's access key. Its secret is never stored: it is derived from the seed and `created_seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    /// When it was created (seconds since the epoch).
    pub create_date: i64,
    /// The record that created it.
    pub created_seq: u64,
}

/// When and where a service last acted through a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleLastUsed {
    /// When (seconds since the epoch).
    pub last_used_date: i64,
    /// In which region.
    pub region: String,
}

/// An IAM role as created: ordinary, or service-linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    /// Name.
    pub role_name: String,
    /// Path.
    pub path: String,
    /// `AROA...`, new in each lifetime of the role.
    pub role_id: String,
    /// ARN.
    pub arn: String,
    /// When it was created (seconds since the epoch).
    pub create_date: i64,
    /// The trust policy, as JSON text.
    pub assume_role_policy_document: String,
    /// Description (written as `null` when absent).
    pub description: Option<String>,
    /// Maximum session duration in seconds, 3600..=43200.
    pub max_session_duration: i64,
    /// Maximum AWS Sign-In session duration in seconds, 3600..=7776000. Left out when unset, as
    /// every log before it writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_signin_session_duration: Option<i64>,
    /// Tags: key → value.
    pub tags: BTreeMap<String, String>,
    /// Attached managed policy ARNs.
    pub attached_policies: BTreeSet<String>,
    /// Inline policies: name → policy document (JSON text).
    pub inline_policies: BTreeMap<String, String>,
    /// Permissions boundary ARN.
    pub permissions_boundary: Option<String>,
    /// The service the role is linked to; `None` for an ordinary role.
    pub service_linked: Option<String>,
    /// When and where a service last acted through the role.
    pub role_last_used: Option<RoleLastUsed>,
}

/// A deletion task's status, spelt as AWS spells it (`NOT_STARTED`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskStatus {
    /// Accepted, not yet picked up.
    NotStarted,
    /// The service is checking the role's use.
    InProgress,
    /// The role is gone.
    Succeeded,
    /// The role is still in use.
    Failed,
}

/// The resources in one region that still use the role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleUsage {
    /// The region.
    pub region: String,
    /// Playback configuration ARNs.
    pub resources: Vec<String>,
}

/// Why a deletion failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FailureReason {
    /// Text for the user.
    pub reason: String,
    /// What still uses the role, by region.
    pub role_usage_list: Vec<RoleUsage>,
}

/// A service-linked role deletion task as created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionTask {
    /// `task/aws-service-role/<service>/<role>/<uuid>`.
    pub deletion_task_id: String,
    /// The role being deleted.
    pub role_name: String,
    /// The RoleId of the role's lifetime being deleted.
    pub role_id: String,
    /// When DeleteServiceLinkedRole was called (seconds since the epoch).
    pub created: i64,
    /// The record that created the task.
    pub created_seq: u64,
    /// Status when created.
    pub status: TaskStatus,
    /// When the status last changed (seconds since the epoch).
    pub updated: i64,
    /// Why it failed, when it did.
    pub reason: Option<FailureReason>,
    /// When it finishes (simulated seconds), when `SetFaults` made deletions slow as it was
    /// created; absent, the usual 30 seconds after `created`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finishes: Option<i64>,
}

/// The opt-in and exclusion lists of an interaction log; an absent list is left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct InteractionLog {
    /// Event types published in addition to the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_opt_in_event_types: Option<Vec<String>>,
    /// Event types not published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_event_types: Option<Vec<String>>,
}

/// A playback configuration's session-logging settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogConfiguration {
    /// 0..=100; 0 means deactivated.
    pub percent_enabled: i64,
    /// `VENDED_LOGS` and/or `LEGACY_CLOUDWATCH`.
    pub enabled_logging_strategies: Vec<String>,
    /// Ad decision server interaction log settings.
    pub ads_interaction_log: Option<InteractionLog>,
    /// Manifest service interaction log settings.
    pub manifest_service_interaction_log: Option<InteractionLog>,
}

/// Counters of viewer traffic on a configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionStats {
    /// Sessions served.
    pub served: u64,
    /// Sessions chosen for logging.
    pub logged: u64,
    /// Logged sessions whose logs could not be delivered.
    pub lost: u64,
    /// Sampling carry (0..100).
    pub carry: u64,
    /// Why the last loss happened.
    pub last_loss_reason: Option<String>,
}

/// A playback configuration's settings beyond its URLs and tags, as `PutPlaybackConfiguration` takes
/// them: AWS's model shapes with AWS's member names, stored as given (an absent member is left out,
/// so a configuration put without any is stored as before configurations had them). Unlike the other
/// payload types these are also the action's and the state's own types: they are fixed by AWS's
/// model, so changing them is a change of AWS's API, never a refactoring of slrsim.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PlaybackSettings {
    /// Ad suppression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avail_suppression: Option<AvailSuppression>,
    /// Bumpers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bumper: Option<Bumper>,
    /// Content delivery network prefixes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cdn_configuration: Option<CdnConfiguration>,
    /// Player parameter aliases: player parameter to (alias to value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_aliases: Option<BTreeMap<String, BTreeMap<String, String>>>,
    /// DASH settings as put (`DashConfigurationForPut`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dash_configuration: Option<DashConfigurationForPut>,
    /// `STITCHED_ONLY` or `PLAYER_SELECT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insertion_mode: Option<String>,
    /// Live pre-roll ads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_pre_roll_configuration: Option<LivePreRollConfiguration>,
    /// Manifest processing rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_processing_rules: Option<ManifestProcessingRules>,
    /// Most underfilled ad time in a break, in seconds (at least 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personalization_threshold_seconds: Option<i64>,
    /// A custom transcode profile's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcode_profile_name: Option<String>,
    /// Ad conditioning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_conditioning_configuration: Option<AdConditioningConfiguration>,
    /// How requests to the ad decision server are made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_decision_server_configuration: Option<AdDecisionServerConfiguration>,
    /// Lifecycle hook event name to function identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_mapping: Option<BTreeMap<String, String>>,
    /// Programmatic ads from Amazon Publisher Services for unsold ad time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yield_optimization_configuration: Option<YieldOptimizationConfiguration>,
    /// How long MediaTailor waits for the ad decision server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ads_personalization_timeouts: Option<AdsPersonalizationTimeouts>,
    /// How many ad requests MediaTailor makes at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ads_personalization_concurrency: Option<AdsPersonalizationConcurrency>,
    /// Whether MediaTailor adds its own beacons to the ad tracking response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beaconing_configuration: Option<BeaconingConfiguration>,
}

impl PlaybackSettings {
    /// Whether no member was given (such settings are left out of a stored configuration).
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// `AvailSuppression`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AvailSuppression {
    /// `OFF`, `BEHIND_LIVE_EDGE` or `AFTER_LIVE_EDGE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// A live edge offset, `HH:MM:SS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `FULL_AVAIL_ONLY` or `PARTIAL_AVAIL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_policy: Option<String>,
}

/// `Bumper`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Bumper {
    /// The end bumper.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_url: Option<String>,
    /// The start bumper.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_url: Option<String>,
}

/// `CdnConfiguration`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CdnConfiguration {
    /// Ad segment URL prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_segment_url_prefix: Option<String>,
    /// Content segment URL prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_segment_url_prefix: Option<String>,
}

/// `DashConfigurationForPut`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DashConfigurationForPut {
    /// `DISABLED` or `EMT_DEFAULT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mpd_location: Option<String>,
    /// `SINGLE_PERIOD` or `MULTI_PERIOD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_manifest_type: Option<String>,
}

/// `LivePreRollConfiguration`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct LivePreRollConfiguration {
    /// The pre-roll ad decision server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_decision_server_url: Option<String>,
    /// Longest pre-roll avail, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration_seconds: Option<i64>,
    /// How the pre-roll ad decision server's answers are read (`PreRollAdDecisionServerConfiguration`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_decision_server_configuration: Option<PreRollAdDecisionServerConfiguration>,
}

/// `PreRollAdDecisionServerConfiguration`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PreRollAdDecisionServerConfiguration {
    /// How the VAST answers of the pre-roll ad decision server are read (`PreRollVastResponse`:
    /// `AdSequencingMode` of `FOLLOW_AD_SEQUENCE` or `IGNORE_AD_SEQUENCE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vast_response: Option<VastResponse>,
}

/// `VastResponse`, and `PreRollVastResponse`, which has the same member with fewer values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct VastResponse {
    /// `FOLLOW_AD_SEQUENCE`, `IGNORE_AD_SEQUENCE`, `FOLLOW_AD_SEQUENCE_ONLY_LIVE` or
    /// `FOLLOW_AD_SEQUENCE_ONLY_VOD` (the pre-roll takes the first two only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_sequencing_mode: Option<String>,
}

/// `YieldOptimizationConfiguration`: every member is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct YieldOptimizationConfiguration {
    /// Unfilled seconds left in a break before more ads are asked for, 6 to 3600.
    pub minimum_unfilled_duration: i64,
    /// The Amazon Publisher Services publisher id (1 to 36 of `a-z`, `0-9`, `-`).
    pub publisher_id: String,
    /// `AMERICAS`, `EUROPE` or `ASIA_PACIFIC`.
    pub region: String,
    /// The OpenRTB bid request template (1 to 102400 characters).
    pub open_rtb_template: String,
}

/// `AdsPersonalizationTimeouts`, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AdsPersonalizationTimeouts {
    /// Wait for one ad decision server answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ads_request_timeout_milliseconds: Option<i64>,
    /// Most time spent on ads for a live manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_maximum_ads_personalization_time_milliseconds: Option<i64>,
    /// Most time spent on ads for a VOD manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vod_maximum_ads_personalization_time_milliseconds: Option<i64>,
    /// Wait for one ad decision server answer when prefetching.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefetch_ads_request_timeout_milliseconds: Option<i64>,
    /// Most time spent on ads when prefetching.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefetch_maximum_ads_personalization_time_milliseconds: Option<i64>,
}

/// `AdsPersonalizationConcurrency`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AdsPersonalizationConcurrency {
    /// Most simultaneous ad decision server requests per manifest request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrent_ads_requests: Option<i64>,
    /// Whether VOD ad requests answered with VAST run in parallel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_vod_vast_parallelization: Option<bool>,
}

/// `BeaconingConfiguration`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct BeaconingConfiguration {
    /// Beaconing of client-side reporting sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_side: Option<ClientSideBeaconingConfiguration>,
}

/// `ClientSideBeaconingConfiguration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ClientSideBeaconingConfiguration {
    /// `DISABLED` or `INSIGHTS` (required).
    pub reporting_mode: String,
    /// `MUTE`, `UNMUTE`, `PAUSE`, `SKIP`: beacons sent besides the usual ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_event_types: Option<Vec<String>>,
}

/// `ManifestProcessingRules`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ManifestProcessingRules {
    /// Ad marker passthrough.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_marker_passthrough: Option<AdMarkerPassthrough>,
}

/// `AdMarkerPassthrough`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AdMarkerPassthrough {
    /// Whether ad markers pass through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// `AdConditioningConfiguration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AdConditioningConfiguration {
    /// `TRANSCODE` or `NONE` (required).
    pub streaming_media_file_conditioning: String,
}

/// `AdDecisionServerConfiguration`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AdDecisionServerConfiguration {
    /// The request made to the ad decision server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_request: Option<HttpRequest>,
    /// How the ad decision server's VAST answers are read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vast_response: Option<VastResponse>,
}

/// `HttpRequest`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct HttpRequest {
    /// `GET` or `POST`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The body of a `POST`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Request headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// `NONE` or `GZIP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compress_request: Option<String>,
}

/// A MediaTailor playback configuration as put.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaybackConfiguration {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Content origin.
    pub video_content_source_url: Option<String>,
    /// Ad decision server.
    pub ad_decision_server_url: Option<String>,
    /// Slate ad.
    pub slate_ad_url: Option<String>,
    /// Playback endpoint prefix.
    pub playback_endpoint_prefix: String,
    /// Session initialization endpoint prefix.
    pub session_initialization_endpoint_prefix: String,
    /// HLS manifest endpoint prefix.
    pub hls_manifest_endpoint_prefix: String,
    /// Session logging.
    pub log_configuration: LogConfiguration,
    /// Viewer traffic so far.
    pub sessions: SessionStats,
    /// Tags, key to value; left out when empty (so a configuration without tags is stored as
    /// before configurations had them).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// The settings beyond the URLs; left out when none was given.
    #[serde(default, skip_serializing_if = "PlaybackSettings::is_empty")]
    pub settings: PlaybackSettings,
}

/// A tag on a role, spelt `{"Key": ..., "Value": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Tag {
    /// The tag's key.
    pub key: String,
    /// The tag's value.
    pub value: String,
}

/// What one delivery of log events held, so that its events can be read back (GetLogEvents,
/// FilterLogEvents): the messages themselves are derived from this, the log's seed and the record
/// that delivered them (`core::mediatailor_logs`). Absent from deliveries of rules 1 and 2, which
/// kept counts only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogDelivery {
    /// The record that delivered the events (its sequence number seeds the sessions' ids).
    pub seq: u64,
    /// The number, on its configuration, of the first logged session delivered.
    pub first_session: u64,
    /// Sessions delivered; each has one event of each type.
    pub sessions: u64,
    /// The event types each session wrote, in order.
    pub event_types: Vec<String>,
    /// The ad decision server URL of the configuration then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ads_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stored bytes of the newer model's members, which no golden log holds: AWS's member names,
    /// in the model's order, absent members left out; and settings without them stored as before.
    #[test]
    fn the_newer_models_settings_are_stored_in_these_bytes() {
        let s = PlaybackSettings {
            live_pre_roll_configuration: Some(LivePreRollConfiguration {
                ad_decision_server_configuration: Some(PreRollAdDecisionServerConfiguration {
                    vast_response: Some(VastResponse {
                        ad_sequencing_mode: Some("FOLLOW_AD_SEQUENCE".into()),
                    }),
                }),
                ..Default::default()
            }),
            ad_decision_server_configuration: Some(AdDecisionServerConfiguration {
                http_request: None,
                vast_response: Some(VastResponse::default()),
            }),
            yield_optimization_configuration: Some(YieldOptimizationConfiguration {
                minimum_unfilled_duration: 6,
                publisher_id: "p-1".into(),
                region: "EUROPE".into(),
                open_rtb_template: "{}".into(),
            }),
            ads_personalization_timeouts: Some(AdsPersonalizationTimeouts {
                ads_request_timeout_milliseconds: Some(3000),
                ..Default::default()
            }),
            ads_personalization_concurrency: Some(AdsPersonalizationConcurrency {
                max_concurrent_ads_requests: None,
                enable_vod_vast_parallelization: Some(false),
            }),
            beaconing_configuration: Some(BeaconingConfiguration {
                client_side: Some(ClientSideBeaconingConfiguration {
                    reporting_mode: "DISABLED".into(),
                    additional_event_types: None,
                }),
            }),
            ..Default::default()
        };
        let text = serde_json::to_string(&s).unwrap_or_default();
        assert_eq!(
            text,
            concat!(
                r#"{"LivePreRollConfiguration":{"AdDecisionServerConfiguration":{"VastResponse":{"AdSequencingMode":"FOLLOW_AD_SEQUENCE"}}},"#,
                r#""AdDecisionServerConfiguration":{"VastResponse":{}},"#,
                r#""YieldOptimizationConfiguration":{"MinimumUnfilledDuration":6,"PublisherId":"p-1","Region":"EUROPE","OpenRtbTemplate":"{}"},"#,
                r#""AdsPersonalizationTimeouts":{"AdsRequestTimeoutMilliseconds":3000},"#,
                r#""AdsPersonalizationConcurrency":{"EnableVodVastParallelization":false},"#,
                r#""BeaconingConfiguration":{"ClientSide":{"ReportingMode":"DISABLED"}}}"#
            )
        );
        assert_eq!(
            serde_json::from_str::<PlaybackSettings>(&text).ok(),
            Some(s)
        );
        let old = PlaybackSettings {
            live_pre_roll_configuration: Some(LivePreRollConfiguration {
                max_duration_seconds: Some(5),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&old).unwrap_or_default(),
            r#"{"LivePreRollConfiguration":{"MaxDurationSeconds":5}}"#
        );
    }
}

/// Throttling's setting: every (account, operation) has a bucket of `burst` calls, refilled with
/// `millicalls_per_second` thousandths of a call a second of simulated time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Throttling {
    /// Thousandths of a call a second a bucket refills with.
    pub millicalls_per_second: u64,
    /// Calls a full bucket holds.
    pub burst: u32,
}

/// Faults an account's calls meet (`SetFaults`); the default is none. Every count goes down by one
/// each time its fault strikes, through the event that records the strike.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faults {
    /// Operation name → how many of its next calls answer the service's internal error.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub internal_errors: BTreeMap<String, u32>,
    /// How many of the next deletion tasks of MediaTailor's role that would succeed fail instead.
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub deletion_task_failures: u32,
    /// Seconds a deletion task created while this is set takes to finish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_task_seconds: Option<i64>,
    /// The most items a page of any paged list call holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    /// A paged list call without a marker answers an empty page whose marker leads to the first.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub empty_first_pages: bool,
}

impl Faults {
    /// No fault at all.
    pub const OFF: Faults = Faults {
        internal_errors: BTreeMap::new(),
        deletion_task_failures: 0,
        deletion_task_seconds: None,
        page_size: None,
        empty_first_pages: false,
    };

    /// Whether no fault is set.
    pub fn is_off(&self) -> bool {
        *self == Faults::OFF
    }
}

fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}
