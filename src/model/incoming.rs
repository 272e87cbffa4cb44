//! What the intake pipeline hands the store, and what the store made of it.

use serde::{Deserialize, Serialize};

use crate::anonymise::Anonymised;

/// A message ready to be committed.
#[derive(Debug)]
pub struct Prepared {
    /// Size of the raw message.
    pub size: usize,
    /// Keyed digests of the raw bytes, one per live key epoch, newest first.
    pub digests: Vec<[u8; 32]>,
    /// Arrival time, UTC seconds (the store rounds it).
    pub received: i64,
    /// The anonymised message, or why it goes to quarantine.
    pub item: PreparedItem,
}

/// What the pipeline made of a message.
#[derive(Debug)]
pub enum PreparedItem {
    /// Ready to become (part of) a ticket.
    Message(Box<Anonymised>),
    /// To be quarantined, sealed, with its raw bytes.
    Rejected {
        /// Why (no writer data).
        reason: String,
        /// The raw message, sealed by the store.
        raw: Vec<u8>,
    },
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// A new ticket was made.
    Ticketed {
        /// Its reference.
        ticket: String,
    },
    /// It joined an existing ticket (a follow-up).
    FollowUp { ticket: String },
    /// Quarantined, sealed.
    Quarantined {
        /// The quarantine reference.
        reference: String,
    },
    /// The same bytes were taken in before.
    AlreadySeen,
    /// A delivery report about one of our replies, recorded on it.
    Bounce {
        /// The ticket of the reply.
        ticket: String,
    },
}
