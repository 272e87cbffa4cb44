//! The one path every message takes, whatever its source: anonymise, decide what is kept,
//! compute dedupe digests. The result is handed to the store for a batch commit.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use super::worker::{self, Cleaner};

pub use super::worker::AttachmentCaps;

use crate::anonymise::{self, WithheldReason};
use crate::seal::Key;
use crate::time::Clock;

/// When a message arrived, as its source knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// The source knows the arrival time (IMAP INTERNALDATE), UTC seconds.
    At(i64),
    /// An import: take the Date header (UTC, clamped to the past), else now.
    FromDateHeader,
    Now,
}

pub use crate::model::{Prepared, PreparedItem};

/// Default budget for preparing one message (`intake.max_prepare_seconds`).
pub const DEFAULT_PREPARE_BUDGET: Duration = Duration::from_secs(20);

/// The intake pipeline.
#[derive(Debug, Clone)]
pub struct Pipeline {
    opts: anonymise::Options,
    clock: Clock,
    caps: AttachmentCaps,
    cleaner: Option<Arc<Cleaner>>,
    budget: Duration,
}

/// The dedupe digest of `raw` under `key`.
pub fn digest(key: &Key, raw: &[u8]) -> [u8; 32] {
    *blake3::keyed_hash(key.as_bytes(), raw).as_bytes()
}

impl Pipeline {
    /// A pipeline with these anonymiser options; attachments that need cleaning are
    /// withheld unless a cleaner is given with [`Pipeline::with_cleaner`].
    pub fn new(opts: anonymise::Options, clock: Clock) -> Pipeline {
        Pipeline {
            opts,
            clock,
            caps: AttachmentCaps::default(),
            cleaner: None,
            budget: DEFAULT_PREPARE_BUDGET,
        }
    }

    /// Prepares messages in isolated workers (which also clean attachments), within `caps`.
    /// Without workers, messages are prepared in this process, without a time budget, and
    /// attachments that need cleaning are withheld.
    pub fn with_cleaner(mut self, cleaner: Option<Arc<Cleaner>>, caps: AttachmentCaps) -> Pipeline {
        self.cleaner = cleaner;
        self.caps = caps;
        self
    }

    /// The time one message may take to be prepared in a worker; past it the message is
    /// quarantined ([`worker::TOO_SLOW`]).
    pub fn with_budget(mut self, budget: Duration) -> Pipeline {
        self.budget = budget;
        self
    }

    /// Prepares a batch, in order, on up to one thread per core (at most four): while one
    /// message waits for the cleaning worker, another is being anonymised.
    pub fn prepare_all(
        &self,
        batch: Vec<(Vec<u8>, Arrival)>,
        dedupe_keys: &[Key],
    ) -> Vec<Prepared> {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4)
            .min(batch.len());
        if threads <= 1 {
            return batch
                .into_iter()
                .map(|(raw, arrival)| self.prepare(&raw, arrival, dedupe_keys))
                .collect();
        }
        // Each thread takes the next message from a shared queue, so a large message does
        // not hold up a whole share of the batch; results go back to their place.
        let queue = std::sync::Mutex::new(batch.into_iter().enumerate());
        let mut done = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut out = Vec::new();
                        loop {
                            let next = queue.lock().expect("batch queue").next();
                            let Some((i, (raw, arrival))) = next else {
                                break out;
                            };
                            out.push((i, self.prepare(&raw, arrival, dedupe_keys)));
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    h.join()
                        .expect("prepare never panics: it catches the parser's panics")
                })
                .collect::<Vec<_>>()
        });
        done.sort_unstable_by_key(|(i, _)| *i);
        done.into_iter().map(|(_, p)| p).collect()
    }

    /// Runs one message through the anonymiser, in a worker when there are workers. Never
    /// panics: a parser panic or crash, or a message past its budget, is quarantined (the
    /// process's panic hook prints no message content).
    pub fn prepare(&self, raw: &[u8], arrival: Arrival, dedupe_keys: &[Key]) -> Prepared {
        let digests = dedupe_keys.iter().map(|k| digest(k, raw)).collect();
        let now = self.clock.now();
        let size = raw.len();
        let result = match &self.cleaner {
            Some(c) => c.prepare(raw, &self.opts, &self.caps, self.budget),
            None => {
                match catch_unwind(AssertUnwindSafe(|| anonymise::anonymise(raw, &self.opts))) {
                    Ok(Ok(mut anon)) => {
                        worker::clean_attachments(&mut anon, &self.caps, |_, _, _| {
                            Err(WithheldReason::NotCleaned)
                        });
                        Ok(Box::new(anon))
                    }
                    Ok(Err(rejection)) => Err(rejection.to_string()),
                    Err(_) => Err(worker::CRASHED.to_string()),
                }
            }
        };
        let item = match result {
            Ok(anon) => {
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
                    item: PreparedItem::Message(anon),
                };
            }
            Err(reason) => PreparedItem::Rejected {
                reason,
                raw: raw.to_vec(),
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
