//! The coded facts the statistics count, and how they outlive the tickets without being tied
//! back to them.
//!
//! * A contact's facts are its month, type, categories, role, language, the delay of its
//!   first reply in whole hours, and how many follow-ups and replies it had ([`Fact`]). No
//!   reference, no time finer than the month, nothing that joins two contacts.
//! * While a ticket lives, its facts are read from the ticket itself (its record, sealed
//!   secret, classification and message records): nothing outside the ticket is written, so
//!   there is no link to keep, and none to break when it goes.
//! * When a ticket is destroyed (retention or `ticket forget`), its facts join the facts file,
//!   `stats/facts`: one blob sealed under a key derived from the audit key (which no erasure
//!   destroys), rewritten whole each time, its facts sorted by month and then by their own
//!   bytes. It has no keys, no per-fact record and no history, so neither its layout nor any
//!   log says which fact came when. It is not in sled, whose log keeps the writes of one batch
//!   together with the references of the tickets that batch destroys.
//! * The file and the destruction are one change: the new file is written and synced as
//!   `stats/facts.next`, the sled batch that destroys the tickets records its generation, and
//!   only then is it renamed into place. After a crash, opening the store keeps
//!   `facts.next` if sled has its generation (the batch was committed) and removes it if not,
//!   so a contact is never counted twice, nor lost.
//! * The file also keeps, for each completed month, how many tickets awaited an answer at its
//!   end (taken by the purge pass, before anything is destroyed). Facts and these counts are
//!   removed `retention.stats_months` after their month.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::codec::{decode, encode};
use super::error::StoreError;
use super::open::Store;
use super::records::{Direction, Status, TicketRecord, keys};
use super::txn::Txn;
use crate::anonymise::Language;
use crate::model::Month;
use crate::seal::{self, Key};
use crate::taxonomy::Classification;

const STATS_DIR: &str = "stats";
const FACTS: &str = "facts";
const FACTS_NEXT: &str = "facts.next";
const FACTS_AAD: &[u8] = b"sourdine/v1/stats/facts";
/// The facts file's key is derived from the audit key, which no erasure destroys.
const STATS_KEY_CONTEXT: &str = "sourdine 2024 statistics facts v1";

/// What the statistics know of one contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    /// The month it was received (UTC).
    pub month: Month,
    /// The language of its first message.
    pub language: Language,
    /// What the counsellor recorded when closing it.
    pub classification: Option<Classification>,
    /// Hours from its first message to the first reply a counsellor wrote (rounded).
    pub first_reply_hours: Option<u32>,
    /// Messages the writer sent after the first.
    pub follow_ups: u32,
    /// Replies counsellors wrote (acknowledgements not counted).
    pub replies: u32,
}

/// Tickets awaiting an answer at the end of each month: (month, count).
pub type WaitingCounts = Vec<(Month, u32)>;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct FactsFile {
    /// Matches `meta:stats-generation` in sled once the change that wrote it is committed.
    generation: u64,
    /// The facts of destroyed tickets, sorted.
    facts: Vec<Fact>,
    /// Tickets awaiting an answer at the end of each completed month.
    waiting: BTreeMap<Month, u32>,
}

/// A live ticket as the statistics read it.
struct Live {
    fact: Fact,
    created: i64,
    status: Status,
    closed_at: Option<i64>,
    /// The messages people wrote (acknowledgements left out), oldest first: (from the
    /// writer, when).
    thread: Vec<(bool, i64)>,
}

impl Live {
    /// Whether it awaited an answer just before `end`.
    fn waiting_before(&self, end: i64) -> bool {
        if self.created >= end {
            return false;
        }
        if self.status == Status::Closed && self.closed_at.is_some_and(|c| c < end) {
            return false;
        }
        self.thread
            .iter()
            .rev()
            .find(|(_, t)| *t < end)
            .is_some_and(|(from_writer, _)| *from_writer)
    }
}

/// What `ticket stats` counts: the facts of every contact, destroyed or alive.
#[derive(Debug, Clone, Default)]
pub struct StatsInput {
    /// One per contact.
    pub facts: Vec<Fact>,
    /// Tickets awaiting an answer at the end of the period (now, for a period that has not
    /// ended).
    pub waiting: u64,
}

/// The changes a purge or an erasure makes to the facts file.
pub(crate) struct StatsPlan {
    file: FactsFile,
    expired: usize,
}

impl StatsPlan {
    /// Facts and monthly counts it removes for their age.
    pub(crate) fn expired(&self) -> usize {
        self.expired
    }
}

fn hours(secs: i64) -> u32 {
    ((secs.max(0) + 1800) / 3600).min(u32::MAX as i64) as u32
}

/// Opens a facts file's bytes (`stats/facts`) with the keyring: its facts and monthly
/// waiting counts, as stored. For checks and tests; the service reads it itself.
pub fn open_facts_file(
    sealed: &[u8],
    keyring: &crate::seal::Keyring,
) -> Result<(Vec<Fact>, WaitingCounts), StoreError> {
    let key = keyring.audit_key().derive(STATS_KEY_CONTEXT);
    let plain = seal::open(&key, FACTS_AAD, sealed)?;
    let file: FactsFile = decode(&plain, "statistics facts")?;
    Ok((file.facts, file.waiting.into_iter().collect()))
}

impl Store {
    fn stats_dir(&self) -> PathBuf {
        self.data_dir.join(STATS_DIR)
    }

    fn stats_key(&self) -> Key {
        self.keyring().audit_key().derive(STATS_KEY_CONTEXT)
    }

    fn stats_generation(&self) -> Result<u64, StoreError> {
        Ok(match self.db.get(keys::STATS_GENERATION)? {
            Some(v) => u64::from_be_bytes(
                v.as_ref()
                    .try_into()
                    .map_err(|_| StoreError::invalid("unreadable statistics generation"))?,
            ),
            None => 0,
        })
    }

    fn read_facts(&self, name: &str) -> Result<Option<FactsFile>, StoreError> {
        let path = self.stats_dir().join(name);
        let sealed = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::io(path.display().to_string(), e)),
        };
        let plain = seal::open(&self.stats_key(), FACTS_AAD, &sealed)?;
        decode(&plain, "statistics facts").map(Some)
    }

    /// Puts a `facts.next` left by an interrupted change in place if its batch was committed,
    /// else removes it. The caller holds the write lock (or opens the store).
    pub(crate) fn recover_stats(&self) -> Result<(), StoreError> {
        let dir = self.stats_dir();
        let next = dir.join(FACTS_NEXT);
        if !next.exists() {
            return Ok(());
        }
        let committed = match self.read_facts(FACTS_NEXT) {
            Ok(Some(f)) => f.generation == self.stats_generation()?,
            _ => false,
        };
        let io = |e| StoreError::io(next.display().to_string(), e);
        if committed {
            fs::rename(&next, dir.join(FACTS)).map_err(io)?;
        } else {
            fs::remove_file(&next).map_err(io)?;
        }
        super::files::fsync_dir(&dir)
    }

    /// The facts of one live ticket, and what the waiting count needs.
    fn live(&self, id: &str, rec: &TicketRecord) -> Result<Live, StoreError> {
        let key = self.content_key(id)?;
        let secret = self.ticket_secret(id, rec, &key)?;
        let classification = self.classification_of(id, &key)?;
        let (mut from_writer, mut replies, mut first_reply) = (0u32, 0u32, None);
        let mut thread = Vec::new();
        for (_, m) in self.message_records(id)? {
            match m.direction {
                Direction::In => from_writer += 1,
                Direction::Out if m.automatic => continue,
                Direction::Out => {
                    replies += 1;
                    first_reply.get_or_insert(m.received);
                }
            }
            thread.push((m.direction == Direction::In, m.received));
        }
        // By time (a follow-up may be filed after a reply it came before); stable, so
        // messages of the same hour keep their order.
        thread.sort_by_key(|(_, t)| *t);
        Ok(Live {
            fact: Fact {
                month: Month::of(rec.created),
                language: secret.language,
                classification,
                first_reply_hours: first_reply.map(|t| hours(t - rec.created)),
                follow_ups: from_writer.saturating_sub(1),
                replies,
            },
            created: rec.created,
            status: rec.status,
            closed_at: rec.closed_at,
            thread,
        })
    }

    fn live_tickets(&self) -> Result<Vec<Live>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.scan_prefix(keys::TICKET) {
            let (k, v) = item?;
            let id = String::from_utf8_lossy(&k[keys::TICKET.len()..]).into_owned();
            let rec: TicketRecord = decode(&v, "ticket")?;
            out.push(self.live(&id, &rec)?);
        }
        Ok(out)
    }

    /// The facts of every contact (destroyed tickets' from the facts file, live ones' from
    /// the tickets), and the tickets awaiting an answer at the end of month `to`: now when
    /// `to` has not ended, else the count taken when it ended (or, if none was taken, worked
    /// out from the live tickets' messages).
    pub fn stats_input(&self, to: Month) -> Result<StatsInput, StoreError> {
        let _w = self.write.lock().expect("write lock");
        self.recover_stats()?;
        let file = self.read_facts(FACTS)?.unwrap_or_default();
        let live = self.live_tickets()?;
        let now_month = Month::of(self.now());
        let waiting = if to >= now_month {
            live.iter().filter(|l| l.status == Status::Open).count() as u64
        } else if let Some(n) = file.waiting.get(&to) {
            u64::from(*n)
        } else {
            let end = to.plus(1).start();
            live.iter().filter(|l| l.waiting_before(end)).count() as u64
        };
        let mut facts = file.facts;
        facts.extend(live.into_iter().map(|l| l.fact));
        Ok(StatsInput { facts, waiting })
    }

    /// What the facts file becomes when the tickets `dying` are destroyed now: their facts
    /// added; with `keep_months`, facts and monthly counts older than that many months
    /// removed and the count of every completed month not yet taken added. None when nothing
    /// changes.
    pub(crate) fn stats_plan(
        &self,
        dying: &[String],
        keep_months: Option<u64>,
    ) -> Result<Option<StatsPlan>, StoreError> {
        self.recover_stats()?;
        let before = self.read_facts(FACTS)?.unwrap_or_default();
        let mut file = before.clone();
        for id in dying {
            let rec = self.ticket_record(id)?;
            file.facts.push(self.live(id, &rec)?.fact);
        }
        let mut expired = 0;
        if let Some(months) = keep_months {
            let now = Month::of(self.now());
            let cut = now.minus(months.min(u32::MAX as u64) as u32);
            let n = file.facts.len() + file.waiting.len();
            file.facts.retain(|f| f.month >= cut);
            file.waiting.retain(|m, _| *m >= cut);
            expired = n - file.facts.len() - file.waiting.len();
            self.take_waiting_counts(&mut file, cut, now)?;
        }
        // Sorted by month, then by the facts' own bytes: the order says nothing about which
        // contact came first within a month, or which was destroyed first.
        file.facts.sort_by_cached_key(|f| (f.month, encode(f)));
        if file == before {
            return Ok(None);
        }
        file.generation = before.generation.max(self.stats_generation()?) + 1;
        Ok(Some(StatsPlan { file, expired }))
    }

    /// Adds the count of tickets awaiting an answer at the end of each month from `from` (or
    /// the first contact's month) to the month before `now` that has no count yet. Once
    /// taken, every month up to the last one has its count: the next pass only checks that.
    fn take_waiting_counts(
        &self,
        file: &mut FactsFile,
        from: Month,
        now: Month,
    ) -> Result<(), StoreError> {
        let last = now.minus(1);
        if now.0 == 0 || last < from || file.waiting.contains_key(&last) {
            return Ok(());
        }
        let live = self.live_tickets()?;
        let first = file
            .facts
            .iter()
            .map(|f| f.month)
            .chain(live.iter().map(|l| l.fact.month))
            .min();
        let Some(first) = first else {
            return Ok(());
        };
        for m in (first.max(from).0..now.0).map(Month) {
            if file.waiting.contains_key(&m) {
                continue;
            }
            let end = m.plus(1).start();
            let n = live.iter().filter(|l| l.waiting_before(end)).count();
            file.waiting.insert(m, n.min(u32::MAX as usize) as u32);
        }
        Ok(())
    }

    /// Writes the planned facts file (if any) as `facts.next`, synced, and records its
    /// generation in `txn`, the change that destroys the tickets; the caller commits it, then
    /// calls [`Store::stats_finish`] with what this returned (whether there was a plan).
    pub(crate) fn stats_into(
        &self,
        txn: &mut Txn<'_>,
        plan: Option<StatsPlan>,
    ) -> Result<bool, StoreError> {
        let Some(plan) = plan else {
            return Ok(false);
        };
        let generation = plan.file.generation;
        self.stats_write(plan)?;
        txn.insert(keys::STATS_GENERATION, &generation.to_be_bytes());
        Ok(true)
    }

    fn stats_write(&self, plan: StatsPlan) -> Result<(), StoreError> {
        let dir = self.stats_dir();
        if !dir.is_dir() {
            fs::create_dir_all(&dir).map_err(|e| StoreError::io(dir.display().to_string(), e))?;
            fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))
                .map_err(|e| StoreError::io(dir.display().to_string(), e))?;
            super::files::fsync_dir(&self.data_dir)?;
        }
        let path = dir.join(FACTS_NEXT);
        let err = |e| StoreError::io(format!("writing {}", path.display()), e);
        let sealed = seal::seal_vec(&self.stats_key(), FACTS_AAD, encode(&plan.file));
        let _ = fs::remove_file(&path);
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(err)?;
        f.write_all(&sealed).map_err(err)?;
        f.sync_all().map_err(err)?;
        super::files::fsync_dir(&dir)?;
        crate::failpoint::hit("stats-written");
        Ok(())
    }

    /// Puts the committed facts file in place when `written` (see [`Store::stats_into`]).
    pub(crate) fn stats_finish(&self, written: bool) -> Result<(), StoreError> {
        if !written {
            return Ok(());
        }
        crate::failpoint::hit("stats-before-rename");
        let dir = self.stats_dir();
        let io = |e| StoreError::io(dir.display().to_string(), e);
        fs::rename(dir.join(FACTS_NEXT), dir.join(FACTS)).map_err(io)?;
        super::files::fsync_dir(&dir)?;
        // The file system tells no more than the store's precision.
        let t = std::time::SystemTime::UNIX_EPOCH
            + std::time::Duration::from_secs(self.precision.round(self.now()).max(0) as u64);
        let times = fs::FileTimes::new().set_modified(t).set_accessed(t);
        for p in [dir.join(FACTS), dir.clone()] {
            if let Ok(f) = File::open(&p) {
                let _ = f.set_times(times);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        let m = Month::of(1_717_408_799); // 2024-06-03
        assert_eq!(m.to_string(), "2024-06");
        assert_eq!(Month::parse("2024-06"), Some(m));
        assert_eq!(m.start(), 1_717_200_000);
        assert_eq!(m.plus(7).to_string(), "2025-01");
        assert_eq!(m.minus(6).to_string(), "2023-12");
        assert_eq!(Month::of(m.start() - 1).to_string(), "2024-05");
        for bad in ["2024-13", "2024-6", "24-06", "x", "2024-00"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"2024-06\"");
        assert_eq!(
            postcard::to_stdvec(&m).unwrap(),
            postcard::to_stdvec(&m.0).unwrap()
        );
    }

    #[test]
    fn waiting_follows_the_thread_and_the_closing() {
        let live = Live {
            fact: Fact {
                month: Month(0),
                language: Language::Fr,
                classification: None,
                first_reply_hours: None,
                follow_ups: 0,
                replies: 0,
            },
            created: 100,
            status: Status::Closed,
            closed_at: Some(500),
            thread: vec![(true, 100), (false, 200), (true, 300)],
        };
        assert!(!live.waiting_before(100), "not yet received");
        assert!(live.waiting_before(150));
        assert!(!live.waiting_before(250), "answered");
        assert!(live.waiting_before(400), "the writer wrote again");
        assert!(!live.waiting_before(600), "closed");
        assert_eq!(hours(5399), 1);
        assert_eq!(hours(5400), 2);
    }
}
