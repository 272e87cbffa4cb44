//! Where mail comes from. Every source feeds the same [`pipeline`].

pub mod imap;
pub mod import;
pub mod pipeline;
pub mod worker;

use serde::{Deserialize, Serialize};

use crate::store::Outcome;

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
