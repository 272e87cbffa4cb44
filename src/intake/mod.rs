//! Where mail comes from. Every source feeds the same [`pipeline`].

pub mod imap;
pub mod import;
pub mod pipeline;
pub mod sandbox;
pub mod worker;

use serde::{Deserialize, Serialize};

use crate::model::Outcome;

/// Raw bytes of mail taken in together, about, where the store is written by this process
/// (the daemon's IMAP intake, a local `sourdine ingest`): what bounds their memory.
pub const BATCH_BYTES: usize = 8 << 20;

/// When a batch of incoming mail closes: at `count` messages, or before a message that would
/// take it past `bytes` (a larger message goes alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    /// Messages, at most.
    pub count: usize,
    /// Bytes, about.
    pub bytes: usize,
}

impl BatchLimits {
    /// Whether a batch of `len` messages and `held` bytes closes before a message of `next`
    /// bytes.
    pub fn full_before(&self, len: usize, held: usize, next: usize) -> bool {
        len > 0 && (len >= self.count.max(1) || held.saturating_add(next) > self.bytes)
    }
}

/// Counts of what an ingest did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestCounts {
    /// Messages filed into tickets (new tickets and follow-ups).
    pub ticketed: u64,
    /// Messages quarantined.
    pub quarantined: u64,
    /// Messages taken in before (same bytes).
    pub already_seen: u64,
    /// Files skipped (not mail).
    pub skipped: u64,
    /// Messages that could not be read or were over the size limit (left untouched).
    pub failed: u64,
    /// Delivery reports about our replies, recorded on them.
    pub bounces: u64,
}

impl IngestCounts {
    /// Adds the outcomes of one batch.
    pub fn add(&mut self, outcomes: &[Outcome]) {
        for o in outcomes {
            match o {
                Outcome::Ticketed { .. } | Outcome::FollowUp { .. } => self.ticketed += 1,
                Outcome::Quarantined { .. } => self.quarantined += 1,
                Outcome::AlreadySeen => self.already_seen += 1,
                Outcome::Bounce { .. } => self.bounces += 1,
            }
        }
    }
}
