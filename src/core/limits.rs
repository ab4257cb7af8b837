//! Every limit on what comes from outside, in one place. AWS's own limits where AWS has them; slrsim's
//! where it does not (marked "slrsim").

/// Longest scenario line accepted, in bytes (slrsim).
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Most actions in one scenario file (slrsim).
pub const MAX_SCENARIO_ACTIONS: usize = 10_000_000;
/// IAM role and user names: 1..=64.
pub const MAX_ROLE_NAME: usize = 64;
/// IAM user names: 1..=64.
pub const MAX_USER_NAME: usize = 64;
/// IAM policy names: 1..=128.
pub const MAX_POLICY_NAME: usize = 128;
/// IAM paths: 1..=512.
pub const MAX_PATH: usize = 512;
/// IAM role descriptions: 0..=1000.
pub const MAX_DESCRIPTION: usize = 1000;
/// CreateServiceLinkedRole AWSServiceName: 1..=128.
pub const MAX_SERVICE_NAME: usize = 128;
/// CreateServiceLinkedRole CustomSuffix: 1..=64.
pub const MAX_CUSTOM_SUFFIX: usize = 64;
/// A policy document's length (the API's limit).
pub const MAX_POLICY_DOCUMENT: usize = 131_072;
/// Aggregate inline policy size for a user, whitespace excluded.
pub const MAX_USER_INLINE_POLICY_BYTES: usize = 2048;
/// Aggregate inline policy size for a role, whitespace excluded.
pub const MAX_ROLE_INLINE_POLICY_BYTES: usize = 10_240;
/// Managed policies attached to one user or role.
pub const MAX_ATTACHED_POLICIES: usize = 10;
/// Tags on one role.
pub const MAX_TAGS: usize = 50;
/// Tag keys: 1..=128.
pub const MAX_TAG_KEY: usize = 128;
/// Tag values: 0..=256.
pub const MAX_TAG_VALUE: usize = 256;
/// Roles in one account (AWS's default quota is 1000).
pub const MAX_ROLES: usize = 1000;
/// Users in one account (AWS's default quota is 5000).
pub const MAX_USERS: usize = 5000;
/// ListRoles MaxItems: 1..=1000.
pub const MAX_LIST_ROLES: i64 = 1000;
/// MediaTailor names: 1..=512 (slrsim restricts the characters, see README).
pub const MAX_PLAYBACK_NAME: usize = 512;
/// MediaTailor URLs (slrsim).
pub const MAX_URL: usize = 2048;
/// A playback configuration setting's free text (a transcode profile name, an alias, a header, a
/// request body, a CDN prefix's length is `MAX_URL`) (slrsim).
pub const MAX_SETTING_TEXT: usize = 2048;
/// Entries in one of a playback configuration's maps (aliases, headers, function mapping) (slrsim).
pub const MAX_SETTING_ENTRIES: usize = 100;
/// `YieldOptimizationConfiguration.PublisherId`: 1..=36 of `a-z`, `0-9`, `-` (AWS's model).
pub const MAX_PUBLISHER_ID: usize = 36;
/// `YieldOptimizationConfiguration.OpenRtbTemplate`: 1..=102400 characters (AWS's model).
pub const MAX_OPEN_RTB_TEMPLATE: usize = 102_400;
/// `YieldOptimizationConfiguration.MinimumUnfilledDuration`: 6..=3600 seconds (AWS's model).
pub const MINIMUM_UNFILLED_DURATION: (i64, i64) = (6, 3600);
/// Entries in `BeaconingConfiguration.ClientSide.AdditionalEventTypes` (slrsim; AWS's model has
/// four values and states no bound).
pub const MAX_BEACON_EVENT_TYPES: usize = 100;
/// Playback configurations in one region of one account (slrsim).
pub const MAX_PLAYBACK_CONFIGURATIONS: usize = 1000;
/// ListPlaybackConfigurations MaxResults: 1..=100.
pub const MAX_LIST_PLAYBACK: i64 = 100;
/// Event types in an AdsInteractionLog/ManifestServiceInteractionLog list (slrsim).
pub const MAX_EVENT_TYPES: usize = 100;
/// DescribeLogGroups/DescribeLogStreams limit: 1..=50.
pub const MAX_LOGS_PAGE: i64 = 50;
/// Sessions in one ServeSessions action (slrsim).
pub const MAX_SESSIONS: i64 = 1_000_000_000;
/// Seconds in one AdvanceClock action: ten years (slrsim).
pub const MAX_ADVANCE_SECONDS: i64 = 315_360_000;
/// Accounts in one log (slrsim).
pub const MAX_ACCOUNTS: usize = 10_000;
/// The simulated clock never passes 9999-12-31T23:59:59Z (slrsim).
pub const MAX_TIME: i64 = 253_402_300_799;
/// The simulated clock never starts before 2000-01-01T00:00:00Z (slrsim).
pub const MIN_TIME: i64 = 946_684_800;
/// Longest message a refused request's record keeps (longer ones are clipped by the server).
pub const MAX_REFUSAL_MESSAGE: usize = 1024;
/// Most of a malformed request a refused request's record keeps: its method, path and query, and
/// the start of its body (so `log --json` shows a user what their tool sent).
pub const MAX_REFUSAL_EXCERPT: usize = 2048;
/// Longest service, operation or access key name a refused request's record keeps.
pub const MAX_REFUSAL_FIELD: usize = 128;
/// Deliveries per log stream whose events can be read back; older ones keep only their counts (slrsim).
pub const MAX_DELIVERIES_KEPT: usize = 1000;
/// GetLogEvents/FilterLogEvents limit: 1..=10000.
pub const MAX_EVENTS_PAGE: i64 = 10_000;
/// Bytes of messages in one GetLogEvents/FilterLogEvents page, as AWS's 1 MB.
pub const MAX_EVENTS_PAGE_BYTES: usize = 1_048_576;
/// Events FilterLogEvents looks at in one call before it answers with a `nextToken` (slrsim).
pub const MAX_FILTER_SCAN: u64 = 100_000;
/// A filter pattern: 0..=1024 characters.
pub const MAX_FILTER_PATTERN: usize = 1024;
/// Streams named in FilterLogEvents' `logStreamNames`: 1..=100.
pub const MAX_FILTER_STREAMS: usize = 100;
/// Names in DescribeLogGroups' `logGroupIdentifiers`: 1..=50.
pub const MAX_GROUP_IDENTIFIERS: usize = 50;
/// Accounts in DescribeLogGroups' `accountIdentifiers`: 0..=20.
pub const MAX_ACCOUNT_IDENTIFIERS: usize = 20;

/// The longest IAM read lag `SetConsistency` accepts, in seconds (slrsim). AWS says changes to IAM
/// take "a few seconds" to propagate and may take longer; Terraform's AWS provider retries IAM reads
/// for up to 2 minutes. A minute is well past AWS's "few seconds" and keeps generated worlds quick.
pub const MAX_CONSISTENCY_DELAY: i64 = 60;

/// The most changes of one role kept for reads while changes lag (`SetConsistency` with `Updates`):
/// past it, the oldest change is seen at once.
pub const MAX_ROLE_VERSIONS: usize = 16;

/// The most sessions a minute `SetViewers` accepts for each playback configuration (slrsim): enough for
/// any sampling percentage to log sessions every few simulated seconds.
pub const MAX_VIEWER_SESSIONS_PER_MINUTE: i64 = 100_000;
/// The most operations one `SetFaults` gives internal errors to (slrsim).
pub const MAX_FAULT_OPERATIONS: usize = 16;
/// The most internal errors `SetFaults` sets for one operation (slrsim).
pub const MAX_FAULT_COUNT: i64 = 1000;
/// The most deletion tasks `SetFaults` makes fail (slrsim).
pub const MAX_DELETION_TASK_FAILURES: i64 = 100;
/// The fewest seconds `SetFaults` lets a deletion task take: the usual 30.
pub const MIN_DELETION_TASK_SECONDS: i64 = 30;
/// The most seconds `SetFaults` lets a deletion task take: an hour.
pub const MAX_DELETION_TASK_SECONDS: i64 = 3600;
/// The largest page size `SetFaults` takes.
pub const MAX_FAULT_PAGE_SIZE: i64 = 100;
