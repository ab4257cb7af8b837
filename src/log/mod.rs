//! The log: the only layer that names sled. The store, the stored record and its hash chain, the head
//! file, snapshots, the meta keys, replay and verification, and the storage errors.

pub(crate) mod creating;
pub mod error;
pub(crate) mod head;
pub mod meta;
pub mod record;
pub mod replay;
pub mod snapshot;
pub mod store;
