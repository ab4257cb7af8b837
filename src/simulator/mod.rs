//! The imperative shell: a [`Simulator`] owns a store and the live state. For each action it asks the
//! pure core what happens, stores the record, and only then applies the events.

pub mod scenario;

use std::path::Path;
use std::sync::Arc;

use tracing::info_span;

use crate::core::action::{Action, GenesisParams, Operation};
use crate::core::apply::apply_mut;

use crate::core::ids;
use crate::core::outcome::Outcome;
use crate::core::state::State;
use crate::log::error::StoreError;
use crate::log::meta::{META_LIVE, META_SNAPSHOT_EVERY, snapshot_every_or_default};
use crate::log::record::{self, HASH_LEN, Record, SCHEMA_VERSION};
use crate::log::replay;
use crate::log::store::{Durability, Store};

/// How a new log starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Genesis {
    /// Seed of every derived id.
    pub seed: u64,
    /// Start of the simulated clock (seconds since the epoch).
    pub start: i64,
}

impl Default for Genesis {
    fn default() -> Self {
        Genesis {
            seed: 0,
            start: crate::core::clock::DEFAULT_START,
        }
    }
}

/// A live simulation over a sled log.
#[derive(Debug)]
pub struct Simulator {
    /// Shared with a [`LogFlusher`] when another thread flushes (`slrsim serve`); only this simulator
    /// appends.
    store: Arc<Store>,
    state: State,
    next_seq: u64,
    last_hash: [u8; HASH_LEN],
    durability: Durability,
    unflushed: usize,
    snapshot_every: u64,
    /// The record after which the newest snapshot was taken (0: none).
    last_snapshot: u64,
    /// Records were appended since the live state's hash was last recorded.
    hash_pending: bool,
}

impl Simulator {
    /// Opens the database at `path`: replays an existing log (verifying its chain), or starts a new
    /// one with `genesis` (default: seed 0 at 2026-01-01T00:00:00Z). If the log exists and `genesis` is
    /// given but differs from the log's, that is an error and nothing is written.
    pub fn open(path: &Path, genesis: Option<Genesis>) -> Result<Self, StoreError> {
        Self::with_store(Store::open(path)?, genesis)
    }

    /// A simulator over a temporary sled database (removed when dropped).
    pub fn temporary(genesis: Genesis) -> Result<Self, StoreError> {
        Self::with_store(Store::temporary()?, Some(genesis))
    }

    /// A simulator over an open store.
    pub fn with_store(store: Store, genesis: Option<Genesis>) -> Result<Self, StoreError> {
        Self::with_options(store, genesis, None)
    }

    /// A simulator over an open store; a new log takes a snapshot every `snapshot_every` records
    /// (default [`crate::log::snapshot::DEFAULT_EVERY`]; an existing log keeps the interval it was made with).
    pub fn with_options(
        store: Store,
        genesis: Option<Genesis>,
        snapshot_every: Option<u64>,
    ) -> Result<Self, StoreError> {
        let replayed = replay::state_at(&store, None)?;
        if replayed.next_seq == 0 {
            let every = snapshot_every
                .filter(|n| *n > 0)
                .unwrap_or(crate::log::snapshot::DEFAULT_EVERY);
            store.set_meta(META_SNAPSHOT_EVERY, every.to_string().as_bytes())?;
        }
        let every = snapshot_every_or_default(&store)?;
        let mut sim = Simulator {
            store: Arc::new(store),
            state: replayed.state,
            next_seq: replayed.next_seq,
            last_hash: replayed.last_hash,
            durability: Durability::default(),
            unflushed: 0,
            snapshot_every: every,
            last_snapshot: 0,
            hash_pending: false,
        };
        if let Some(newest) = sim.store.snapshots_before(u64::MAX).next() {
            sim.last_snapshot = newest?.0;
        }
        if sim.next_seq == 0 {
            let g = genesis.unwrap_or_default();
            let rec = sim.execute(Action::root(Operation::Genesis(GenesisParams {
                seed: g.seed,
                start: g.start,
                rules: Some(crate::core::rules::RULES),
            })))?;
            if let Outcome::Error { error, .. } = rec.outcome {
                return Err(StoreError::CannotStart(error.message));
            }
        } else if let Some(g) = genesis {
            if g.seed != sim.state.seed || g.start != sim.state.start {
                return Err(StoreError::OtherGenesis {
                    path: sim.store.path().display().to_string(),
                    seed: sim.state.seed,
                    start: crate::core::clock::format(sim.state.start),
                    asked_seed: g.seed,
                    asked_start: crate::core::clock::format(g.start),
                });
            }
        }
        Ok(sim)
    }

    /// Sets how often appends are flushed.
    pub fn set_durability(&mut self, d: Durability) {
        self.durability = d;
    }

    /// The live state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The number the next record will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Executes one action: decide (pure), store the record, then apply its events. A refused call is
    /// stored with its error and changes nothing. Only a storage failure is an `Err`; then neither the
    /// log nor the live state has changed.
    pub fn execute(&mut self, action: Action) -> Result<Record, StoreError> {
        let seq = self.next_seq;
        let span = info_span!("action", seq, op = action.op.name());
        let _guard = span.enter();
        let record = make_record(&self.state, seq, action);
        let (value, hash) = record::encode(&record, &self.last_hash)?;
        self.store.append(seq, &value)?;
        for e in record.outcome.events() {
            apply_mut(&mut self.state, e);
        }
        self.next_seq = seq + 1;
        self.last_hash = hash;
        if crate::log::snapshot::due(seq, self.snapshot_every, self.last_snapshot, &self.state) {
            let snap = crate::log::snapshot::encode(seq, &hash, &self.state)?;
            self.store.put_snapshot(seq, &snap)?;
            self.last_snapshot = seq;
        }
        self.unflushed += 1;
        self.hash_pending = true;
        if self.unflushed >= self.durability.flush_every.max(1) {
            // A periodic flush records how far the log reached, not the state's hash: hashing
            // serialises the whole state, which a grown state makes costly every 1000 records.
            self.store
                .set_meta(META_LIVE, &live_meta(None, self.next_seq))?;
            self.store.flush()?;
            self.unflushed = 0;
        }
        tracing::debug!(ok = record.outcome.is_ok(), "recorded");
        Ok(record)
    }

    /// Runs `f` with a [`Batch`]: actions executed through it are decided and applied on this thread
    /// while a second thread appends their records to sled, so deciding and storing overlap. The log
    /// is the same, byte for byte, as with [`Simulator::execute`]; what differs is only when a record
    /// reaches sled: the live state may run ahead of the log by the channel's length. Appends are
    /// flushed every `flush_every` records as usual, and at the end. If storing fails, the batch
    /// stops, the live state is rebuilt from what the log holds, and the storage error is returned.
    pub fn batch<T>(&mut self, f: impl FnOnce(&mut Batch<'_>) -> T) -> Result<T, StoreError> {
        let flush_every = self.durability.flush_every.max(1);
        let Simulator {
            store,
            state,
            next_seq,
            last_hash,
            unflushed,
            snapshot_every,
            last_snapshot,
            ..
        } = self;
        let last_hash: &[u8; HASH_LEN] = last_hash;
        let store: &Store = store.as_ref();
        let prev = *last_hash;
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Write>>(BATCH_CHANNEL);
        let (out, written) = std::thread::scope(|scope| {
            let writer = scope.spawn(move || write_records(store, prev, rx));
            let mut batch = Batch {
                state,
                next_seq,
                snapshot_every: *snapshot_every,
                last_snapshot,
                flush_every,
                unflushed: *unflushed,
                pending: Vec::with_capacity(BATCH_CHUNK),
                tx,
            };
            let out = f(&mut batch);
            // The last flush, with the live state's hash, goes through the writer like the rest.
            let live = live_meta(Some(batch.state), *batch.next_seq);
            batch.pending.push(Write::Flush(live));
            let _ = batch.send();
            drop(batch);
            let written = writer.join().unwrap_or_else(|payload| {
                Err(StoreError::Panicked {
                    thread: "log writer",
                    detail: crate::core::error::panic_message(payload.as_ref()),
                })
            });
            (out, written)
        });
        self.unflushed = 0;
        self.hash_pending = false;
        match written {
            Ok(hash) => {
                self.last_hash = hash;
                Ok(out)
            }
            Err(e) => {
                // The live state ran ahead of the log: rebuild it from what was stored.
                let r = replay::state_at(&self.store, None)?;
                self.state = r.state;
                self.next_seq = r.next_seq;
                self.last_hash = r.last_hash;
                Err(e)
            }
        }
    }

    /// A handle that makes this simulator's appended records durable from another thread while it
    /// goes on appending (`slrsim serve`'s group commit).
    pub fn log_flusher(&self) -> LogFlusher {
        LogFlusher {
            store: Arc::clone(&self.store),
        }
    }

    /// What META_LIVE should say now, with the live state's hash, if records were appended since the
    /// hash was last recorded; the hash then counts as recorded. For a [`LogFlusher`] to write at its
    /// next flush (hashing serialises the whole state, so a server asks for this only when idle).
    pub fn take_live_mark(&mut self) -> Option<LiveMark> {
        if !self.hash_pending {
            return None;
        }
        self.hash_pending = false;
        self.unflushed = 0;
        Some(LiveMark {
            next_seq: self.next_seq,
            meta: live_meta(Some(&self.state), self.next_seq),
        })
    }

    /// Flushes the log and records the live state's hash beside it.
    pub fn flush(&mut self) -> Result<(), StoreError> {
        self.store
            .set_meta(META_LIVE, &live_meta(Some(&self.state), self.next_seq))?;
        self.store.flush()?;
        self.unflushed = 0;
        self.hash_pending = false;
        Ok(())
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        // Periodic flushes leave the live hash out; the last word on closing puts it in.
        if self.unflushed > 0 || self.hash_pending {
            // Best effort: an error here has nowhere to go, and the log itself is already written.
            let _ = self.flush();
        }
    }
}

/// Flushes a [`Simulator`]'s log from another thread while the simulator goes on appending: see
/// [`Simulator::log_flusher`]. sled's flush is safe beside appends; when it returns Ok, every record
/// appended before it began is durable.
#[derive(Debug, Clone)]
pub struct LogFlusher {
    store: Arc<Store>,
}

impl LogFlusher {
    /// Writes `mark` to META_LIVE (how far the log reached, as today's periodic and final flushes
    /// record it), then flushes. When this returns Ok, every record appended before the call began
    /// is durable, and so is the mark.
    pub fn flush(&self, mark: &LiveMark) -> Result<(), StoreError> {
        self.store.set_meta(META_LIVE, &mark.meta)?;
        self.store.flush()
    }
}

/// What META_LIVE is to say at a flush: how far the log reached, and the live state's hash there
/// when it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveMark {
    next_seq: u64,
    meta: Vec<u8>,
}

impl LiveMark {
    /// The log reached record `next_seq - 1`; no state hash (as a periodic flush records it).
    pub fn reached(next_seq: u64) -> Self {
        LiveMark {
            next_seq,
            meta: live_meta(None, next_seq),
        }
    }

    /// The number of the first record the mark does not cover.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }
}

/// How many chunks of writes a [`Batch`] may queue ahead of sled.
const BATCH_CHANNEL: usize = 16;
/// Writes handed to the writer thread at a time: one wake-up per chunk rather than per record.
const BATCH_CHUNK: usize = 64;

/// The record of `action` as the core decides it at `seq` (pure).
fn make_record(state: &State, seq: u64, action: Action) -> Record {
    let outcome: Outcome = crate::core::decide::outcome(state, seq, &action);
    let seed = match &action.op {
        Operation::Genesis(g) => g.seed,
        _ => state.seed,
    };
    Record {
        v: SCHEMA_VERSION,
        seq,
        time: crate::core::decide::action_time(state, &action),
        request_id: ids::uuid(seed, seq, "request"),
        action,
        outcome,
    }
}

/// The META_LIVE value: how far the log reached, and the live state's hash there when given (a
/// final flush gives it; periodic ones do not).
fn live_meta(state: Option<&State>, next_seq: u64) -> Vec<u8> {
    let seq = next_seq.saturating_sub(1);
    match state {
        Some(s) => serde_json::json!({"seq": seq, "state_hash": s.hash()}),
        None => serde_json::json!({"seq": seq}),
    }
    .to_string()
    .into_bytes()
}

/// What a [`Batch`] asks its writer thread to store, in order.
enum Write {
    /// Encode (chaining from the previous record's hash) and append.
    Append(Box<Record>),
    /// Store a snapshot of this state, the state after record `seq`.
    Snapshot(u64, Box<State>),
    /// Record the live state (META_LIVE) and flush.
    Flush(Vec<u8>),
}

/// The writer thread: encodes records (the chain hash runs here), appends them, stores snapshots
/// and flushes. Returns the chain hash of the last record appended.
fn write_records(
    store: &Store,
    mut prev: [u8; HASH_LEN],
    rx: std::sync::mpsc::Receiver<Vec<Write>>,
) -> Result<[u8; HASH_LEN], StoreError> {
    for w in rx.into_iter().flatten() {
        match w {
            Write::Append(record) => {
                let (value, hash) = record::encode(&record, &prev)?;
                store.append(record.seq, &value)?;
                prev = hash;
            }
            Write::Snapshot(seq, state) => {
                store.put_snapshot(seq, &crate::log::snapshot::encode(seq, &prev, &state)?)?;
            }
            Write::Flush(live) => {
                store.set_meta(META_LIVE, &live)?;
                store.flush()?;
            }
        }
    }
    Ok(prev)
}

/// Executes actions with encoding and storing overlapped on another thread: see
/// [`Simulator::batch`].
pub struct Batch<'s> {
    state: &'s mut State,
    next_seq: &'s mut u64,
    snapshot_every: u64,
    last_snapshot: &'s mut u64,
    flush_every: usize,
    unflushed: usize,
    /// Writes not yet handed over.
    pending: Vec<Write>,
    tx: std::sync::mpsc::SyncSender<Vec<Write>>,
}

impl Batch<'_> {
    /// Executes one action: decided and applied here, `inspect` called with its record, and the
    /// record handed to the writer. An `Err` means the writer has stopped; [`Simulator::batch`]
    /// returns its error.
    pub fn execute<T>(
        &mut self,
        action: Action,
        inspect: impl FnOnce(&Record) -> T,
    ) -> Result<T, StoreError> {
        let seq = *self.next_seq;
        let span = info_span!("action", seq, op = action.op.name());
        let _guard = span.enter();
        let record = make_record(self.state, seq, action);
        for e in record.outcome.events() {
            apply_mut(self.state, e);
        }
        *self.next_seq = seq + 1;
        let out = inspect(&record);
        self.pending.push(Write::Append(Box::new(record)));
        if crate::log::snapshot::due(seq, self.snapshot_every, *self.last_snapshot, self.state) {
            self.pending
                .push(Write::Snapshot(seq, Box::new(self.state.clone())));
            *self.last_snapshot = seq;
        }
        self.unflushed += 1;
        if self.unflushed >= self.flush_every {
            self.pending
                .push(Write::Flush(live_meta(None, *self.next_seq)));
            self.unflushed = 0;
        }
        if self.pending.len() >= BATCH_CHUNK {
            self.send()?;
        }
        Ok(out)
    }

    /// Hands the pending writes to the writer thread.
    fn send(&mut self) -> Result<(), StoreError> {
        let chunk = std::mem::replace(&mut self.pending, Vec::with_capacity(BATCH_CHUNK));
        self.tx.send(chunk).map_err(|_| StoreError::WriterStopped)
    }

    /// The live state so far.
    pub fn state(&self) -> &State {
        self.state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every stored record value, and every snapshot with its number.
    type Stored = (Vec<Vec<u8>>, Vec<(u64, Vec<u8>)>);

    fn stored(sim: &Simulator) -> Stored {
        let log = sim
            .store()
            .iter_from(0)
            .map(|r| r.expect("read").1.to_vec())
            .collect();
        let snaps = sim
            .store()
            .snapshots_before(u64::MAX)
            .map(|r| r.map(|(s, v)| (s, v.to_vec())).expect("read"))
            .collect();
        (log, snaps)
    }

    #[test]
    fn a_flusher_on_another_thread_leaves_the_same_log_and_marks() {
        let actions: Vec<Action> = crate::testing::reference::generate(23).take(600).collect();
        let open = || {
            Simulator::with_options(Store::temporary().expect("sled"), None, Some(100))
                .expect("open")
        };
        let mut plain = open();
        for a in &actions {
            plain.execute(a.clone()).expect("execute");
        }
        plain.flush().expect("flush");
        // The same actions while another thread flushes after each one, as `serve` does.
        let mut served = open();
        served.set_durability(Durability {
            flush_every: usize::MAX,
        });
        let log = served.log_flusher();
        let (tx, rx) = std::sync::mpsc::channel::<u64>();
        std::thread::scope(|s| {
            s.spawn(move || {
                for upto in rx {
                    log.flush(&LiveMark::reached(upto)).expect("flush");
                    let live: serde_json::Value = serde_json::from_slice(
                        &log.store.meta(META_LIVE).expect("meta").expect("written"),
                    )
                    .expect("json");
                    assert_eq!(live, serde_json::json!({"seq": upto - 1}));
                }
            });
            for a in &actions {
                served.execute(a.clone()).expect("execute");
                tx.send(served.next_seq()).expect("the flusher runs");
            }
            // The flusher ends with its channel.
            drop(tx);
        });
        // Idle: the mark with the live state's hash, once.
        let mark = served.take_live_mark().expect("records since the hash");
        assert_eq!(mark.next_seq(), served.next_seq());
        assert!(served.take_live_mark().is_none());
        served.log_flusher().flush(&mark).expect("flush");
        assert_eq!(stored(&plain), stored(&served));
        assert_eq!(plain.state(), served.state());
        assert_eq!(
            plain.store().meta(META_LIVE).expect("meta"),
            served.store().meta(META_LIVE).expect("meta")
        );
    }

    #[test]
    fn a_batch_stores_the_same_bytes_as_executing_one_by_one() {
        let actions: Vec<Action> = crate::testing::reference::generate(21).take(1500).collect();
        let open = || {
            Simulator::with_options(Store::temporary().expect("sled"), None, Some(100))
                .expect("open")
        };
        let mut one = open();
        for a in &actions {
            one.execute(a.clone()).expect("execute");
        }
        one.flush().expect("flush");
        let mut batched = open();
        let mut seqs = Vec::new();
        batched
            .batch(|b| {
                for a in &actions {
                    seqs.push(b.execute(a.clone(), |r| r.seq).expect("execute"));
                }
            })
            .expect("batch");
        assert_eq!(seqs, (1..=1500).collect::<Vec<u64>>());
        assert_eq!(stored(&one), stored(&batched));
        assert_eq!(one.state(), batched.state());
        assert_eq!(one.last_hash, batched.last_hash);
        assert_eq!(
            one.store().meta(META_LIVE).expect("meta"),
            batched.store().meta(META_LIVE).expect("meta")
        );
        // And it goes on where the batch stopped.
        let next = crate::testing::reference::generate(22)
            .next()
            .expect("an action");
        let a = one.execute(next.clone()).expect("execute");
        let b = batched.execute(next).expect("execute");
        assert_eq!(a, b);
        assert_eq!(stored(&one), stored(&batched));
    }
}
