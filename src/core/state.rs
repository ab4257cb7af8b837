//! The state of every simulated account: what `apply` builds from events and `decide` reads. Only ordered
//! collections (`BTreeMap`/`BTreeSet`), so that serialising a state always gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::core::action::InteractionLog;
use crate::core::event::payload::PlaybackSettings;

/// The whole simulated world of one log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StateFields")]
pub struct State {
    /// The log's seed (from its genesis record). Change it only through [`State::set_seed`].
    pub seed: u64,
    /// When the simulated clock started.
    pub start: i64,
    /// The simulated clock, seconds since the epoch.
    pub now: i64,
    /// Accounts by 12-digit id; an account appears with its first change. Read freely; add accounts,
    /// users and access keys only through [`State::account_mut`], [`State::insert_user`] and
    /// [`State::insert_access_key`], which keep the key index beside it.
    pub accounts: BTreeMap<String, Account>,
    /// Throttling of AWS calls, when the scenario or `serve --throttle` turned it on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttling: Option<Throttling>,
    /// Token buckets by [`BucketKey`]: only those a call has taken from since throttling was set;
    /// an absent bucket is full.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "bucket_list"
    )]
    pub buckets: BTreeMap<BucketKey, Bucket>,
    /// Derived from `seed` and `accounts`, never stored: rebuilt when a state is read back.
    #[serde(skip)]
    key_index: KeyIndex,
}

/// A state as stored (the same fields, without the derived index).
#[derive(Deserialize)]
struct StateFields {
    seed: u64,
    start: i64,
    now: i64,
    accounts: BTreeMap<String, Account>,
    #[serde(default)]
    throttling: Option<Throttling>,
    #[serde(default, with = "bucket_list")]
    buckets: BTreeMap<BucketKey, Bucket>,
}

pub use crate::core::event::payload::{Faults, Throttling};

/// Whose bucket a call takes from: (account, region — empty for IAM and STS, which are global —,
/// operation). AWS's quotas are per account and Region.
pub type BucketKey = (String, String, String);

/// The bucket `action` takes from.
pub fn bucket_key(action: &crate::core::action::Action) -> BucketKey {
    let spec = action.op.kind().spec();
    let region = if spec.is_global() {
        String::new()
    } else {
        action.region.clone()
    };
    (action.account.clone(), region, spec.name.to_string())
}

/// One token bucket as the last call that took from it left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    /// Tokens left, in thousandths of a call.
    pub millitokens: u64,
    /// When (simulated seconds).
    pub at: i64,
}

impl Throttling {
    /// The bucket's tokens (thousandths of a call) at `now`: `bucket` refilled for the simulated time
    /// since, never above the burst; a bucket no call took from is full.
    pub fn tokens_at(&self, bucket: Option<&Bucket>, now: i64) -> u64 {
        let full = u64::from(self.burst) * 1000;
        match bucket {
            None => full,
            Some(b) => {
                let elapsed = u64::try_from(now.saturating_sub(b.at)).unwrap_or(0);
                let refill = elapsed.saturating_mul(self.millicalls_per_second);
                b.millitokens.saturating_add(refill).min(full)
            }
        }
    }
}

/// Buckets serialise as a list of `[account, region, operation, bucket]` (JSON objects need string keys).
mod bucket_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Bucket;

    type Map = BTreeMap<super::BucketKey, Bucket>;

    pub(super) fn serialize<S: Serializer>(map: &Map, s: S) -> Result<S::Ok, S::Error> {
        let list: Vec<(&String, &String, &String, &Bucket)> =
            map.iter().map(|((a, r, o), b)| (a, r, o, b)).collect();
        list.serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Map, D::Error> {
        let list: Vec<(String, String, String, Bucket)> = Vec::deserialize(d)?;
        Ok(list
            .into_iter()
            .map(|(a, r, o, b)| ((a, r, o), b))
            .collect())
    }
}

impl From<StateFields> for State {
    fn from(f: StateFields) -> Self {
        let mut state = State {
            seed: f.seed,
            start: f.start,
            now: f.now,
            accounts: f.accounts,
            throttling: f.throttling,
            buckets: f.buckets,
            key_index: KeyIndex::default(),
        };
        state.rebuild_key_index();
        state
    }
}

/// Who every access key belongs to, so that finding a key's owner (every signed request the server
/// has not seen the key of) costs O(log n) rather than a pass over every account and user: an
/// unknown key would otherwise cost a scan of a million users on the one simulator thread.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct KeyIndex {
    /// Root key id → account, for every account in `accounts` (the default account, which may not
    /// be there yet, is checked apart).
    roots: BTreeMap<String, String>,
    /// User key id → (account, user name).
    users: BTreeMap<String, (String, String)>,
}

/// The empty account every unknown id reads as.
pub static EMPTY_ACCOUNT: Account = Account {
    used_media_tailor_before_slr_support: false,
    users: BTreeMap::new(),
    roles: BTreeMap::new(),
    deletion_tasks: BTreeMap::new(),
    regions: BTreeMap::new(),
    consistency_delay: 0,
    deleted_roles: BTreeMap::new(),
    viewers_per_minute: 0,
    viewer_carry: 0,
    stale_updates: false,
    role_versions: BTreeMap::new(),
    faults: Faults::OFF,
    task_index: TaskIndex::EMPTY,
};

/// The empty region every unused region reads as.
pub static EMPTY_REGION: RegionState = RegionState {
    playback_configurations: BTreeMap::new(),
    log_groups: BTreeMap::new(),
};

impl State {
    /// The account with `id`, or an empty one.
    pub fn account(&self, id: &str) -> &Account {
        self.accounts.get(id).unwrap_or(&EMPTY_ACCOUNT)
    }

    /// How many objects the state holds (users, roles, tasks, configurations, log groups and
    /// streams): a cheap measure of what serialising it costs, which sets how often snapshots pay.
    pub fn weight(&self) -> u64 {
        let mut n = 0usize;
        for a in self.accounts.values() {
            n += a.users.len() + a.roles.len() + a.deletion_tasks.len();
            for r in a.regions.values() {
                n += r.playback_configurations.len() + r.log_groups.len();
                n += r
                    .log_groups
                    .values()
                    .map(|g| g.streams.len())
                    .sum::<usize>();
            }
        }
        n as u64
    }

    /// Whom an access key belongs to: (account, caller), the caller being `root` or a user's name.
    /// Root keys exist for the default account and for every account in the state. O(log n) in the
    /// number of accounts and keys: one index lookup and at most one root key derived.
    pub fn access_key_owner(&self, id: &str) -> Option<(String, String)> {
        let root = || crate::core::action::ROOT.to_string();
        if let Some(account) = self.key_index.roots.get(id) {
            return Some((account.clone(), root()));
        }
        if let Some((account, user)) = self.key_index.users.get(id) {
            return Some((account.clone(), user.clone()));
        }
        let default = crate::core::action::DEFAULT_ACCOUNT;
        if !self.accounts.contains_key(default)
            && crate::core::ids::root_access_key(self.seed, default).0 == id
        {
            return Some((default.to_string(), root()));
        }
        None
    }

    /// Whom an access key belongs to, and the log's placeholder secret for it (derived from the
    /// seed, see [`crate::core::ids::root_access_key`]): (account, caller, secret). The secret a server
    /// really checks signatures with is derived at its edge ([`crate::core::ids::working_secret`]).
    pub fn access_key(&self, id: &str) -> Option<(String, String, String)> {
        let (account, caller) = self.access_key_owner(id)?;
        let secret = if caller == crate::core::action::ROOT {
            crate::core::ids::root_access_key(self.seed, &account).1
        } else {
            let key = self
                .accounts
                .get(&account)?
                .users
                .get(&caller)?
                .access_keys
                .get(id)?;
            crate::core::ids::secret_access_key(self.seed, key.created_seq, "access-key")
        };
        Some((account, caller, secret))
    }

    /// Sets the seed; every root key id changes with it.
    pub(crate) fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
        self.rebuild_key_index();
    }

    /// The account with `id`, created (with its root key) if it is not there yet.
    pub(crate) fn account_mut(&mut self, id: &str) -> &mut Account {
        if !self.accounts.contains_key(id) {
            let (root_id, _) = crate::core::ids::root_access_key(self.seed, id);
            self.key_index.roots.insert(root_id, id.to_string());
        }
        self.accounts.entry(id.to_string()).or_default()
    }

    /// Adds a user to `account` (replacing one of the same name, and its keys).
    pub(crate) fn insert_user(&mut self, account: &str, user: User) {
        let name = user.user_name.clone();
        let added: Vec<String> = user.access_keys.keys().cloned().collect();
        if let Some(old) = self.account_mut(account).users.insert(name.clone(), user) {
            for id in old.access_keys.keys() {
                self.key_index.users.remove(id);
            }
        }
        for id in added {
            self.key_index
                .users
                .insert(id, (account.to_string(), name.clone()));
        }
    }

    /// Adds an access key to a user of `account`; nothing if there is no such account or user (an
    /// access key creates neither).
    pub(crate) fn insert_access_key(
        &mut self,
        account: &str,
        user_name: &str,
        id: &str,
        key: AccessKey,
    ) {
        let user = self
            .accounts
            .get_mut(account)
            .and_then(|a| a.users.get_mut(user_name));
        if let Some(u) = user {
            u.access_keys.insert(id.to_string(), key);
            self.key_index
                .users
                .insert(id.to_string(), (account.to_string(), user_name.to_string()));
        }
    }

    fn rebuild_key_index(&mut self) {
        let mut index = KeyIndex::default();
        for (account, a) in &self.accounts {
            let (root_id, _) = crate::core::ids::root_access_key(self.seed, account);
            index.roots.insert(root_id, account.clone());
            for u in a.users.values() {
                for id in u.access_keys.keys() {
                    index
                        .users
                        .insert(id.clone(), (account.clone(), u.user_name.clone()));
                }
            }
        }
        self.key_index = index;
    }

    /// A BLAKE3 hash of the state's canonical JSON, hex-encoded.
    pub fn hash(&self) -> String {
        // Serialising plain ordered data cannot fail; an empty string would only make hashes differ.
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        blake3::hash(&bytes).to_hex().to_string()
    }
}

/// One AWS account: IAM (global) and MediaTailor/CloudWatch Logs per region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "AccountFields")]
pub struct Account {
    /// The scenario says this account used MediaTailor before 2021-09-15.
    pub used_media_tailor_before_slr_support: bool,
    /// IAM users by name.
    pub users: BTreeMap<String, User>,
    /// IAM roles by name (names are unique in an account, whatever the path).
    pub roles: BTreeMap<String, Role>,
    /// Service-linked role deletion tasks by id, kept after they finish. Read freely; change only
    /// through [`Account::insert_task`], [`Account::update_task`] and [`Account::forget_task`], which
    /// keep the index beside it.
    pub deletion_tasks: BTreeMap<String, DeletionTask>,
    /// MediaTailor and CloudWatch Logs state by region.
    pub regions: BTreeMap<String, RegionState>,
    /// How many simulated seconds IAM reads lag behind writes (`SetConsistency`); 0, the default,
    /// is off and then left out of the stored state.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub consistency_delay: i64,
    /// Roles deleted less than `consistency_delay` seconds ago, by name: reads still see them.
    /// Empty (and left out) when consistency is off.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub deleted_roles: BTreeMap<String, DeletedRole>,
    /// Sessions a minute viewers start on each playback configuration (`SetViewers`); 0, the
    /// default, is no viewers and then left out of the stored state.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub viewers_per_minute: i64,
    /// Session-seconds of viewing not yet a whole session (under 60), carried to the next advance.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub viewer_carry: i64,
    /// Whether changes to a role lag too (`SetConsistency` with `Updates`); false, the default, is
    /// left out of the stored state.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stale_updates: bool,
    /// The versions of each role that reads may still see, oldest first: each is the role as it was
    /// before a change made less than `consistency_delay` seconds ago (at most
    /// [`crate::core::limits::MAX_ROLE_VERSIONS`] a role). Empty (and left out) unless changes lag.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub role_versions: BTreeMap<String, Vec<RoleVersion>>,
    /// The faults the account's calls meet (`SetFaults`); none, the default, is left out.
    #[serde(default, skip_serializing_if = "Faults::is_off")]
    pub faults: Faults,
    /// Derived from `deletion_tasks`, never stored: rebuilt when a state is read back.
    #[serde(skip)]
    task_index: TaskIndex,
}

/// An account as stored (the same fields, without the derived index).
#[derive(Deserialize)]
struct AccountFields {
    used_media_tailor_before_slr_support: bool,
    users: BTreeMap<String, User>,
    roles: BTreeMap<String, Role>,
    deletion_tasks: BTreeMap<String, DeletionTask>,
    regions: BTreeMap<String, RegionState>,
    #[serde(default)]
    consistency_delay: i64,
    #[serde(default)]
    deleted_roles: BTreeMap<String, DeletedRole>,
    #[serde(default)]
    viewers_per_minute: i64,
    #[serde(default)]
    viewer_carry: i64,
    #[serde(default)]
    stale_updates: bool,
    #[serde(default)]
    role_versions: BTreeMap<String, Vec<RoleVersion>>,
    #[serde(default)]
    faults: Faults,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// A role deleted while IAM reads lag: what reads still see, and since when it is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedRole {
    /// The role as it was when deleted.
    pub role: Role,
    /// When it was deleted (simulated seconds).
    pub deleted: i64,
}

/// A role as it was before a change, kept while reads may still see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleVersion {
    /// When the change was made (simulated seconds).
    pub changed: i64,
    /// The role before the change.
    pub prior: Role,
}

/// Why a read saw something other than the role as it is (eventual consistency).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleRead {
    /// The role exists but was created `age` seconds ago, less than the account's lag.
    NotYetVisible {
        /// Seconds since it was created.
        age: i64,
    },
    /// The role is gone but was deleted `age` seconds ago, so reads still see it.
    StillVisible {
        /// Seconds since it was deleted.
        age: i64,
    },
    /// The role was changed `age` seconds ago, so reads still see it as it was before.
    OldVersion {
        /// Seconds since the first change reads do not see yet.
        age: i64,
    },
}

impl StaleRead {
    /// In a user's words, for the timeline and `explain`.
    pub fn words(self) -> String {
        match self {
            StaleRead::NotYetVisible { age } => {
                format!("stale read: the role was created {age} s ago")
            }
            StaleRead::StillVisible { age } => {
                format!("stale read: the role was deleted {age} s ago")
            }
            StaleRead::OldVersion { age } => {
                format!("stale read: the role was changed {age} s ago")
            }
        }
    }
}

impl From<AccountFields> for Account {
    fn from(f: AccountFields) -> Self {
        let mut task_index = TaskIndex::default();
        for t in f.deletion_tasks.values() {
            task_index.add(t);
        }
        Account {
            used_media_tailor_before_slr_support: f.used_media_tailor_before_slr_support,
            users: f.users,
            roles: f.roles,
            deletion_tasks: f.deletion_tasks,
            regions: f.regions,
            consistency_delay: f.consistency_delay,
            deleted_roles: f.deleted_roles,
            viewers_per_minute: f.viewers_per_minute,
            viewer_carry: f.viewer_carry,
            stale_updates: f.stale_updates,
            role_versions: f.role_versions,
            faults: f.faults,
            task_index,
        }
    }
}

/// Indexes over an account's deletion tasks, so that finding a role's open task, the latest task,
/// or the finished tasks due to be forgotten does not scan every task kept (a long history keeps
/// thousands).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct TaskIndex {
    /// Unfinished tasks: role name → task id (at most one per role).
    open: BTreeMap<String, String>,
    /// Finished tasks by (when they finished, id).
    finished: BTreeSet<(i64, String)>,
    /// Every task by (created_seq, id): the last is `$last`.
    by_seq: BTreeSet<(u64, String)>,
}

impl TaskIndex {
    const EMPTY: TaskIndex = TaskIndex {
        open: BTreeMap::new(),
        finished: BTreeSet::new(),
        by_seq: BTreeSet::new(),
    };

    fn add(&mut self, t: &DeletionTask) {
        let id = t.deletion_task_id.clone();
        if t.status.is_finished() {
            self.finished.insert((t.updated, id.clone()));
        } else {
            self.open.insert(t.role_name.clone(), id.clone());
        }
        self.by_seq.insert((t.created_seq, id));
    }

    fn remove(&mut self, t: &DeletionTask) {
        let id = &t.deletion_task_id;
        if t.status.is_finished() {
            self.finished.remove(&(t.updated, id.clone()));
        } else if self.open.get(&t.role_name) == Some(id) {
            self.open.remove(&t.role_name);
        }
        self.by_seq.remove(&(t.created_seq, id.clone()));
    }
}

impl Account {
    /// The role named `name` as IAM reads see it at `now`: with consistency off, the role itself;
    /// with a lag of N seconds, a role created less than N seconds ago is not seen yet and one
    /// deleted less than N seconds ago is still seen as it was.
    pub fn visible_role(&self, name: &str, now: i64) -> Option<&Role> {
        if self.consistency_delay <= 0 {
            return self.roles.get(name);
        }
        match self.roles.get(name) {
            Some(r) if r.create_date.saturating_add(self.consistency_delay) <= now => {
                Some(self.unseen_change(name, now).map_or(r, |v| &v.prior))
            }
            _ => self
                .deleted_roles
                .get(name)
                .filter(|d| d.deleted.saturating_add(self.consistency_delay) > now)
                .map(|d| &d.role),
        }
    }

    /// Whether a read of the role named `name` at `now` sees something other than the role as it
    /// is, and why.
    pub fn stale_read(&self, name: &str, now: i64) -> Option<StaleRead> {
        if self.consistency_delay <= 0 {
            return None;
        }
        let seen = self.visible_role(name, now);
        match (self.roles.get(name), seen) {
            (Some(r), None) => Some(StaleRead::NotYetVisible {
                age: now.saturating_sub(r.create_date),
            }),
            (Some(a), Some(s)) if a.role_id == s.role_id && a != s => {
                let changed = self.unseen_change(name, now).map_or(now, |v| v.changed);
                Some(StaleRead::OldVersion {
                    age: now.saturating_sub(changed),
                })
            }
            (actual, Some(s)) if actual.is_none_or(|a| a.role_id != s.role_id) => {
                let deleted = self.deleted_roles.get(name).map_or(now, |d| d.deleted);
                Some(StaleRead::StillVisible {
                    age: now.saturating_sub(deleted),
                })
            }
            _ => None,
        }
    }

    /// Keeps a deleted role for reads while the account's IAM reads lag (nothing when off).
    pub fn remember_deletion(&mut self, role: Role, now: i64) {
        if self.consistency_delay > 0 {
            self.deleted_roles
                .insert(role.role_name.clone(), DeletedRole { role, deleted: now });
        }
    }

    /// Forgets deleted roles, and versions of roles, that reads no longer see at `now`.
    pub fn forget_unseen_deletions(&mut self, now: i64) {
        let delay = self.consistency_delay;
        self.deleted_roles
            .retain(|_, d| delay > 0 && d.deleted.saturating_add(delay) > now);
        let lags = self.stale_updates && delay > 0;
        self.role_versions.retain(|_, versions| {
            versions.retain(|v| lags && v.changed.saturating_add(delay) > now);
            !versions.is_empty()
        });
    }

    /// The first change of the role `name` that reads at `now` do not see yet: they see the role as
    /// it was before it.
    fn unseen_change(&self, name: &str, now: i64) -> Option<&RoleVersion> {
        let delay = self.consistency_delay;
        self.role_versions
            .get(name)?
            .iter()
            .find(|v| v.changed.saturating_add(delay) > now)
    }

    /// Keeps the role `name` as it is now, about to be changed at `now`, for reads while changes lag.
    pub fn remember_version(&mut self, name: &str, now: i64) {
        if !self.stale_updates || self.consistency_delay <= 0 {
            return;
        }
        let Some(role) = self.roles.get(name) else {
            return;
        };
        let delay = self.consistency_delay;
        let versions = self.role_versions.entry(name.to_string()).or_default();
        versions.retain(|v| v.changed.saturating_add(delay) > now);
        if versions.len() >= crate::core::limits::MAX_ROLE_VERSIONS {
            // The oldest change is then seen at once: a bound on what one role can make the state hold.
            versions.remove(0);
        }
        versions.push(RoleVersion {
            changed: now,
            prior: role.clone(),
        });
    }

    /// The region's state, or an empty one.
    pub fn region(&self, region: &str) -> &RegionState {
        self.regions.get(region).unwrap_or(&EMPTY_REGION)
    }

    /// The MediaTailor service-linked role, if it exists.
    pub fn service_linked_role(&self) -> Option<&Role> {
        self.roles
            .get(crate::core::catalog::SLR_NAME)
            .filter(|r| r.service_linked.is_some())
    }

    /// Whether a role name is taken: IAM does not distinguish role names by case.
    pub fn role_name_taken(&self, name: &str) -> bool {
        self.roles.contains_key(name) || self.roles.keys().any(|k| k.eq_ignore_ascii_case(name))
    }

    /// Whether a user name is taken: IAM does not distinguish user names by case.
    pub fn user_name_taken(&self, name: &str) -> bool {
        self.users.contains_key(name) || self.users.keys().any(|k| k.eq_ignore_ascii_case(name))
    }

    /// The unfinished deletion task for `role_name`, if any.
    pub fn open_deletion_task(&self, role_name: &str) -> Option<&DeletionTask> {
        self.task_index
            .open
            .get(role_name)
            .and_then(|id| self.deletion_tasks.get(id))
    }

    /// The most recently created deletion task still kept.
    pub fn latest_deletion_task(&self) -> Option<&DeletionTask> {
        self.task_index
            .by_seq
            .last()
            .and_then(|(_, id)| self.deletion_tasks.get(id))
    }

    /// The unfinished deletion tasks.
    pub fn open_deletion_tasks(&self) -> impl Iterator<Item = &DeletionTask> {
        self.task_index
            .open
            .values()
            .filter_map(|id| self.deletion_tasks.get(id))
    }

    /// The finished deletion tasks that finished at or before `time`, oldest first.
    pub fn deletion_tasks_finished_by(&self, time: i64) -> impl Iterator<Item = &DeletionTask> {
        self.task_index
            .finished
            .iter()
            .take_while(move |(at, _)| *at <= time)
            .filter_map(|(_, id)| self.deletion_tasks.get(id))
    }

    /// Adds a deletion task (replacing one with the same id).
    pub(crate) fn insert_task(&mut self, task: DeletionTask) {
        if let Some(old) = self.deletion_tasks.get(&task.deletion_task_id) {
            self.task_index.remove(old);
        }
        self.task_index.add(&task);
        self.deletion_tasks
            .insert(task.deletion_task_id.clone(), task);
    }

    /// Changes the deletion task `id` (if kept) with `f`, keeping the index in step.
    pub(crate) fn update_task(&mut self, id: &str, f: impl FnOnce(&mut DeletionTask)) {
        if let Some(t) = self.deletion_tasks.get_mut(id) {
            self.task_index.remove(t);
            f(t);
            self.task_index.add(t);
        }
    }

    /// Removes the deletion task `id` if `keep` says not to keep it.
    pub(crate) fn forget_task(&mut self, id: &str, forget: impl FnOnce(&DeletionTask) -> bool) {
        if let Some(t) = self.deletion_tasks.get(id) {
            if forget(t) {
                self.task_index.remove(t);
                self.deletion_tasks.remove(id);
            }
        }
    }

    /// Every playback configuration whose log configuration is enabled, by region, as ARNs.
    pub fn enabled_log_configurations(&self) -> BTreeMap<String, Vec<String>> {
        let mut out = BTreeMap::new();
        for (region, rs) in &self.regions {
            let arns: Vec<String> = rs
                .playback_configurations
                .values()
                .filter(|c| c.log_configuration.percent_enabled > 0)
                .map(|c| c.arn.clone())
                .collect();
            if !arns.is_empty() {
                out.insert(region.clone(), arns);
            }
        }
        out
    }
}

/// An IAM user.
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
    /// When it was created.
    pub create_date: i64,
    /// Inline policies by name.
    pub inline_policies: BTreeMap<String, String>,
    /// Attached managed policy ARNs.
    pub attached_policies: BTreeSet<String>,
    /// Access keys by id (all `Active`). Left out of the JSON when there are none, so states and
    /// snapshots from before access keys existed read and hash the same.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub access_keys: BTreeMap<String, AccessKey>,
    /// Permissions boundary ARN; left out when there is none (as before users had one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    /// Tags by key; left out when there are none (as before users had them).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// An IAM user's access key. The secret is not stored: it is derived from the log's seed and the
/// record that created the key ([`crate::core::ids::secret_access_key`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    /// When it was created.
    pub create_date: i64,
    /// The record that created it.
    pub created_seq: u64,
}

/// Who made a role: an account's principal, or a service on the account's behalf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleLastUsed {
    /// When the role was last used.
    pub last_used_date: i64,
    /// In which region.
    pub region: String,
}

/// An IAM role: ordinary, or service-linked.
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
    /// When it was created.
    pub create_date: i64,
    /// The trust policy, as JSON text.
    pub assume_role_policy_document: String,
    /// Description.
    pub description: Option<String>,
    /// 3600..=43200.
    pub max_session_duration: i64,
    /// The maximum AWS Sign-In session duration, 3600..=7776000; `None` when unset (and then left
    /// out, as before roles had it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_signin_session_duration: Option<i64>,
    /// Tags by key.
    pub tags: BTreeMap<String, String>,
    /// Attached managed policy ARNs.
    pub attached_policies: BTreeSet<String>,
    /// Inline policies by name.
    pub inline_policies: BTreeMap<String, String>,
    /// Permissions boundary ARN.
    pub permissions_boundary: Option<String>,
    /// The service this role is linked to; `None` for ordinary roles.
    pub service_linked: Option<String>,
    /// When and where a service last acted through the role.
    pub role_last_used: Option<RoleLastUsed>,
}

/// Status of a deletion task. It only moves forward: NOT_STARTED → IN_PROGRESS → SUCCEEDED | FAILED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskStatus {
    /// Accepted, not yet picked up.
    NotStarted,
    /// The service is checking the role's use.
    InProgress,
    /// The role is gone.
    Succeeded,
    /// The role is still in use; see the reason.
    Failed,
}

impl TaskStatus {
    /// SUCCEEDED or FAILED.
    pub fn is_finished(self) -> bool {
        matches!(self, TaskStatus::Succeeded | TaskStatus::Failed)
    }

    /// As AWS spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "NOT_STARTED",
            TaskStatus::InProgress => "IN_PROGRESS",
            TaskStatus::Succeeded => "SUCCEEDED",
            TaskStatus::Failed => "FAILED",
        }
    }
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
    /// Text for the user (≤1000 characters).
    pub reason: String,
    /// What still uses the role, by region.
    pub role_usage_list: Vec<RoleUsage>,
}

/// A service-linked role deletion task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionTask {
    /// `task/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor/<uuid>`.
    pub deletion_task_id: String,
    /// The role being deleted.
    pub role_name: String,
    /// The RoleId of the role's lifetime being deleted.
    pub role_id: String,
    /// When DeleteServiceLinkedRole was called.
    pub created: i64,
    /// The sequence number of the record that created the task (orders tasks made at the same time).
    pub created_seq: u64,
    /// Current status.
    pub status: TaskStatus,
    /// When the status last changed.
    pub updated: i64,
    /// Set when FAILED.
    pub reason: Option<FailureReason>,
    /// When it finishes, when `SetFaults` made deletions slow as it was created; absent, the usual
    /// `TASK_FINISH_SECS` after `created`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finishes: Option<i64>,
}

/// MediaTailor and CloudWatch Logs in one region of one account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionState {
    /// Playback configurations by name.
    pub playback_configurations: BTreeMap<String, PlaybackConfiguration>,
    /// CloudWatch log groups by name.
    pub log_groups: BTreeMap<String, LogGroup>,
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
    /// Sampling carry (0..100): `percent × sessions` not yet turned into a whole logged session.
    pub carry: u64,
    /// Why the last loss happened.
    pub last_loss_reason: Option<String>,
}

/// A MediaTailor playback configuration.
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
    /// Derived endpoint prefix.
    pub playback_endpoint_prefix: String,
    /// Derived endpoint prefix.
    pub session_initialization_endpoint_prefix: String,
    /// Derived HLS manifest endpoint prefix.
    pub hls_manifest_endpoint_prefix: String,
    /// Session logging.
    pub log_configuration: LogConfiguration,
    /// Viewer traffic so far.
    pub sessions: SessionStats,
    /// Tags, key to value. Left out of the serialised state when empty, so a state without tags
    /// hashes as it did before configurations had them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// The settings beyond the URLs, as last put (AWS's model shapes, shared with the stored
    /// schema); left out of the serialised state when none was given, as for tags.
    #[serde(default, skip_serializing_if = "PlaybackSettings::is_empty")]
    pub settings: PlaybackSettings,
}

/// A CloudWatch log group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogGroup {
    /// Name.
    pub log_group_name: String,
    /// ARN.
    pub arn: String,
    /// When it was created (seconds).
    pub creation_time: i64,
    /// Streams by name.
    pub streams: BTreeMap<String, LogStream>,
}

/// A CloudWatch log stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogStream {
    /// Name.
    pub log_stream_name: String,
    /// ARN.
    pub arn: String,
    /// When it was created (seconds).
    pub creation_time: i64,
    /// First event (seconds).
    pub first_event_timestamp: Option<i64>,
    /// Last event (seconds).
    pub last_event_timestamp: Option<i64>,
    /// Events delivered.
    pub event_count: u64,
    /// Bytes delivered.
    pub stored_bytes: u64,
    /// The latest deliveries whose events can be read back, oldest first, at most
    /// [`crate::core::limits::MAX_DELIVERIES_KEPT`]; left out when empty, so states of rules 1 and 2
    /// (which kept counts only) hash as they did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deliveries: Vec<Delivery>,
}

/// One delivery of log events to a stream, kept so that GetLogEvents and FilterLogEvents can derive
/// its messages (`core::mediatailor_logs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The record that delivered it.
    pub seq: u64,
    /// When (seconds).
    pub at: i64,
    /// The configuration's number of its first logged session.
    pub first_session: u64,
    /// Sessions delivered.
    pub sessions: u64,
    /// The event types each session wrote, in order.
    pub event_types: Vec<String>,
    /// The configuration's ad decision server URL then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ads_url: Option<String>,
}

impl Delivery {
    /// How many events it holds.
    pub fn events(&self) -> u64 {
        self.sessions.saturating_mul(self.event_types.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::event::Event;
    use crate::core::ids::tests::ROOT_DERIVATIONS;

    fn user(name: &str) -> crate::core::event::User {
        crate::core::event::User {
            user_name: name.to_string(),
            path: "/".to_string(),
            user_id: format!("AIDA{name}"),
            arn: format!("arn:aws:iam::123456789012:user/{name}"),
            create_date: 0,
            inline_policies: BTreeMap::new(),
            attached_policies: BTreeSet::new(),
            access_keys: BTreeMap::new(),
            permissions_boundary: None,
            tags: BTreeMap::new(),
        }
    }

    /// A state of `accounts` accounts with `users` users each, every user with one key, built by
    /// the reducer as a log builds it.
    fn populated(accounts: usize, users: usize) -> State {
        let mut s = crate::core::apply::apply(
            State::default(),
            &Event::Initialized {
                seed: 7,
                start: 1_767_225_600,
            },
        );
        for a in 0..accounts {
            let account = format!("{:012}", 200_000_000_000u64 + a as u64);
            for u in 0..users {
                let name = format!("u{u}");
                crate::core::apply::apply_mut(
                    &mut s,
                    &Event::UserCreated {
                        account: account.clone(),
                        user: user(&name),
                    },
                );
                crate::core::apply::apply_mut(
                    &mut s,
                    &Event::AccessKeyCreated {
                        account: account.clone(),
                        user_name: name,
                        access_key_id: format!("AKIA{a:08}{u:08}"),
                        created: 0,
                        created_seq: (a * users + u) as u64,
                    },
                );
            }
        }
        s
    }

    fn derivations(f: impl FnOnce()) -> u64 {
        let before = ROOT_DERIVATIONS.with(|n| n.get());
        f();
        ROOT_DERIVATIONS.with(|n| n.get()) - before
    }

    #[test]
    fn key_lookups_use_the_index_not_a_scan() {
        let mut s = populated(300, 20);
        // An unknown key derives at most the default account's root key, whatever the size.
        let n = derivations(|| assert_eq!(s.access_key_owner("AKIANOSUCHKEY0000000"), None));
        assert!(n <= 1, "{n} root keys derived for one lookup");
        // Every account's root key and every user's key is found, each with at most one derivation.
        let account = format!("{:012}", 200_000_000_123u64);
        let (root_id, _) = crate::core::ids::root_access_key(7, &account);
        let n = derivations(|| {
            assert_eq!(
                s.access_key_owner(&root_id),
                Some((account.clone(), "root".to_string()))
            );
        });
        assert_eq!(n, 0);
        assert_eq!(
            s.access_key_owner("AKIA0000012300000019"),
            Some((account.clone(), "u19".to_string()))
        );
        let (default_root, _) =
            crate::core::ids::root_access_key(7, crate::core::action::DEFAULT_ACCOUNT);
        assert_eq!(
            s.access_key_owner(&default_root).map(|o| o.0),
            Some(crate::core::action::DEFAULT_ACCOUNT.to_string())
        );
        // A key put into the accounts behind the index's back is not found: lookups read the index
        // and never walk the users (the scan this replaced would have found it).
        s.accounts
            .get_mut(&account)
            .and_then(|a| a.users.get_mut("u0"))
            .map(|u| {
                u.access_keys.insert(
                    "AKIABEHINDTHEBACK000".into(),
                    AccessKey {
                        create_date: 0,
                        created_seq: 0,
                    },
                )
            });
        assert_eq!(s.access_key_owner("AKIABEHINDTHEBACK000"), None);
    }

    #[test]
    fn the_index_is_rebuilt_on_read_and_changes_no_hash() {
        let s = populated(5, 4);
        let bytes = serde_json::to_vec(&s).expect("json");
        assert!(!String::from_utf8_lossy(&bytes).contains("key_index"));
        let back: State = serde_json::from_slice(&bytes).expect("read back");
        // Equal includes the index: the one built event by event is the one rebuilt from the fields.
        assert_eq!(back, s);
        assert_eq!(back.hash(), s.hash());
        // The secrets returned are the log's seed-derived placeholders, as before the index.
        let (account, caller, secret) = back.access_key("AKIA0000000300000002").expect("a key");
        assert_eq!((account.as_str(), caller.as_str()), ("200000000003", "u2"));
        assert_eq!(
            secret,
            crate::core::ids::secret_access_key(7, 3 * 4 + 2, "access-key")
        );
    }

    #[test]
    fn a_new_seed_moves_every_root_key() {
        let mut s = populated(2, 1);
        let (old, _) = crate::core::ids::root_access_key(7, "200000000001");
        s.set_seed(8);
        assert_eq!(s.access_key_owner(&old), None);
        let (new, _) = crate::core::ids::root_access_key(8, "200000000001");
        assert_eq!(s.access_key_owner(&new).map(|o| o.1), Some("root".into()));
    }
}
