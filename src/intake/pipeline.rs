//! The one path every message takes, whatever its source: anonymise, decide what is kept,
//! compute dedupe digests. The result is handed to the store for a batch commit.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::anonymise::{self, Anonymised, AttachmentContent, WithheldReason};
use crate::seal::Key;
use crate::time::Clock;

/// When a message arrived, as its source knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// The source knows the arrival time (IMAP INTERNALDATE), UTC seconds.
    At(i64),
    /// An import: take the Date header (UTC, clamped to the past), else now.
    FromDateHeader,
    /// Now.
    Now,
}

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

/// The intake pipeline.
#[derive(Debug, Clone)]
pub struct Pipeline {
    opts: anonymise::Options,
    clock: Clock,
}

/// The dedupe digest of `raw` under `key`.
pub fn digest(key: &Key, raw: &[u8]) -> [u8; 32] {
    *blake3::keyed_hash(key.as_bytes(), raw).as_bytes()
}

impl Pipeline {
    /// A pipeline with these anonymiser options.
    pub fn new(opts: anonymise::Options, clock: Clock) -> Pipeline {
        Pipeline { opts, clock }
    }

    /// Runs one message through the anonymiser. Never panics: a parser panic quarantines the
    /// message (the process's panic hook prints no message content).
    pub fn prepare(&self, raw: Vec<u8>, arrival: Arrival, dedupe_keys: &[Key]) -> Prepared {
        let digests = dedupe_keys.iter().map(|k| digest(k, &raw)).collect();
        let now = self.clock.now();
        let size = raw.len();
        let result = catch_unwind(AssertUnwindSafe(|| anonymise::anonymise(&raw, &self.opts)));
        let item = match result {
            Ok(Ok(mut anon)) => {
                withhold_uncleaned(&mut anon);
                let received = match arrival {
                    Arrival::At(t) => t,
                    Arrival::Now => now,
                    Arrival::FromDateHeader => anon
                        .date_utc
                        .filter(|d| (631_152_000..=now).contains(d))
                        .unwrap_or(now),
                };
                return Prepared {
                    size,
                    digests,
                    received,
                    item: PreparedItem::Message(Box::new(anon)),
                };
            }
            Ok(Err(rejection)) => PreparedItem::Rejected {
                reason: rejection.to_string(),
                raw,
            },
            Err(_) => PreparedItem::Rejected {
                reason: "the parser failed on this message".into(),
                raw,
            },
        };
        Prepared {
            size,
            digests,
            received: match arrival {
                Arrival::At(t) => t,
                _ => now,
            },
            item,
        }
    }
}

/// Until a cleaner has run, bytes that need cleaning must not be stored.
fn withhold_uncleaned(anon: &mut Anonymised) {
    for a in &mut anon.attachments {
        if matches!(a.content, AttachmentContent::NeedsCleaning(_)) {
            a.content = AttachmentContent::Withheld(WithheldReason::NotCleaned);
        }
    }
}
