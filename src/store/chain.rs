//! The audit chain's records: who did what to which ticket, and when. Append-only, each
//! entry chained to the previous one by a keyed MAC whose key lives in `key_dir`, so whoever
//! can write the store but not read that key cannot forge the chain. Entries carry no writer
//! data.
//!
//! Three records hold the chain together, each authenticated with the same key:
//!
//! * the **entries** (`a:` + sequence number), each MACed with the MAC of the one before;
//! * the **head** (the last entry's sequence number and MAC), so that entries cut from the end
//!   show: a head written by hand does not authenticate;
//! * the **base**, once retention has removed old entries: the last removed entry's sequence
//!   number and MAC, and which entries were removed when and why, so that entries cut from the
//!   start show too.
//!
//! What the store alone cannot show is a return to an older state of itself (a restored copy,
//! or old records put back): that takes a head recorded elsewhere (`audit/check.rs`). A change
//! appends entries through its transaction ([`super::txn::Txn::audit`]).

use serde::{Deserialize, Serialize};

use super::error::StoreError;
use super::open::Store;
use super::records::keys;
use crate::model::{Actor, AuditEntry, Removal, TicketRefs, hex32};
use crate::seal::Key;
use crate::time::Precision;

/// How an entry was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Before the head and base were authenticated: no `tickets`, MAC without a domain.
    V1,
    /// With `tickets` and a domain-separated MAC.
    V2,
}

/// The stored form of entries written by versions before `tickets` existed.
#[derive(Serialize, Deserialize)]
pub(super) struct EntryV1 {
    pub(super) seq: u64,
    pub(super) time: i64,
    pub(super) actor: Actor,
    pub(super) action: String,
    pub(super) ticket: Option<String>,
    pub(super) detail: Option<String>,
    #[serde(with = "hex32")]
    pub(super) prev: [u8; 32],
    #[serde(with = "hex32")]
    pub(super) mac: [u8; 32],
}

/// `T` from exactly `bytes` (nothing left over), so that the formats cannot be mistaken for
/// one another.
pub(super) fn exactly<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Option<T> {
    match postcard::take_from_bytes::<T>(bytes) {
        Ok((v, [])) => Some(v),
        _ => None,
    }
}

/// Reads a stored entry and tells how it was written.
pub(crate) fn decode_entry(bytes: &[u8]) -> Option<(AuditEntry, Format)> {
    if let Some(e) = exactly::<AuditEntry>(bytes) {
        return Some((e, Format::V2));
    }
    let e = exactly::<EntryV1>(bytes)?;
    Some((
        AuditEntry {
            seq: e.seq,
            time: e.time,
            actor: e.actor,
            action: e.action,
            ticket: e.ticket,
            detail: e.detail,
            prev: e.prev,
            mac: e.mac,
            tickets: TicketRefs::default(),
        },
        Format::V1,
    ))
}

#[derive(Serialize)]
struct MacInput<'a> {
    seq: u64,
    time: i64,
    actor: &'a Actor,
    action: &'a str,
    ticket: &'a Option<String>,
    detail: &'a Option<String>,
    prev: &'a [u8; 32],
}

/// Domains of the MACs: an entry, a head or a base can never pass for another.
const ENTRY_V2: &str = "sourdine audit entry v2";
const HEAD_V2: &str = "sourdine audit head v2";
const BASE_V2: &str = "sourdine audit base v2";

pub(crate) fn mac_of(key: &crate::seal::Key, e: &AuditEntry, format: Format) -> [u8; 32] {
    let input = MacInput {
        seq: e.seq,
        time: e.time,
        actor: &e.actor,
        action: &e.action,
        ticket: &e.ticket,
        detail: &e.detail,
        prev: &e.prev,
    };
    let bytes = postcard::to_stdvec(&input).expect("audit entry serialises");
    match format {
        Format::V1 => *blake3::keyed_hash(key.as_bytes(), &bytes).as_bytes(),
        Format::V2 => {
            let tickets = e.tickets.as_bytes();
            let mut h = blake3::Hasher::new_keyed(key.as_bytes());
            h.update(&postcard::to_stdvec(&(ENTRY_V2, tickets.len() as u64)).expect("fixed"));
            h.update(&bytes);
            h.update(tickets);
            *h.finalize().as_bytes()
        }
    }
}

/// The head of the chain: the last sequence number and its MAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct Head {
    pub seq: u64,
    pub mac: [u8; 32],
}

/// The head as stored: with its own MAC.
#[derive(Serialize, Deserialize)]
struct StoredHead {
    seq: u64,
    mac: [u8; 32],
    auth: [u8; 32],
}

fn head_auth(key: &crate::seal::Key, h: &Head) -> [u8; 32] {
    let bytes = postcard::to_stdvec(&(HEAD_V2, h.seq, h.mac)).expect("head serialises");
    *blake3::keyed_hash(key.as_bytes(), &bytes).as_bytes()
}

/// Entries up to `up_to` were removed by `time` (rounded to the store's precision). Removals
/// of one day share one record, so the list grows by one a day at most (about 6 KB a year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Removed {
    pub up_to: u64,
    pub time: i64,
    pub why: Removal,
}

/// Where the chain starts once old entries are removed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct Base {
    /// The last removed entry.
    pub seq: u64,
    /// Its MAC (the first entry kept links to it).
    pub mac: [u8; 32],
    /// Which entries went when, oldest first.
    pub removed: Vec<Removed>,
}

#[derive(Serialize, Deserialize)]
struct StoredBase {
    base: Base,
    auth: [u8; 32],
}

fn base_auth(key: &crate::seal::Key, b: &Base) -> [u8; 32] {
    let bytes = postcard::to_stdvec(&(BASE_V2, b)).expect("base serialises");
    *blake3::keyed_hash(key.as_bytes(), &bytes).as_bytes()
}

/// A head or base record as found in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found<T> {
    /// No record.
    Missing,
    /// Authenticated by the audit key.
    Authentic(T),
    /// In the format of the versions before authentication.
    Old(T),
    /// In the current format, but its MAC does not hold.
    Forged(T),
    /// Not a record of either format.
    Unreadable,
}

impl<T> Found<T> {
    /// The value, whatever its standing.
    pub fn value(&self) -> Option<&T> {
        match self {
            Found::Authentic(v) | Found::Old(v) | Found::Forged(v) => Some(v),
            Found::Missing | Found::Unreadable => None,
        }
    }
}

/// An entry to append, before it gets its place in the chain.
pub(crate) struct NewEntry {
    pub time: i64,
    pub actor: Actor,
    pub action: &'static str,
    pub ticket: Option<String>,
    pub detail: Option<String>,
}

/// The action of the entry that records a log found damaged.
pub(crate) const DAMAGE_FOUND: &str = "audit.damage_found";

/// Where the chain starts once old entries are removed.
pub(crate) const AUDIT_BASE: &[u8] = b"meta:audit-base";

pub(crate) fn entry_key(seq: u64) -> Vec<u8> {
    let mut k = keys::AUDIT.to_vec();
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

impl Store {
    /// The head record, as found.
    pub(crate) fn audit_head_found(&self) -> Result<Found<Head>, StoreError> {
        let Some(v) = self.db.get(keys::AUDIT_HEAD)? else {
            return Ok(Found::Missing);
        };
        if let Some(s) = exactly::<StoredHead>(&v) {
            let h = Head {
                seq: s.seq,
                mac: s.mac,
            };
            let ok = head_auth(self.keyring().audit_key(), &h) == s.auth;
            return Ok(if ok {
                Found::Authentic(h)
            } else {
                Found::Forged(h)
            });
        }
        Ok(exactly::<Head>(&v).map_or(Found::Unreadable, Found::Old))
    }

    /// The base record, as found.
    pub(crate) fn audit_base_found(&self) -> Result<Found<Base>, StoreError> {
        let Some(v) = self.db.get(AUDIT_BASE)? else {
            return Ok(Found::Missing);
        };
        if let Some(s) = exactly::<StoredBase>(&v) {
            let ok = base_auth(self.keyring().audit_key(), &s.base) == s.auth;
            return Ok(if ok {
                Found::Authentic(s.base)
            } else {
                Found::Forged(s.base)
            });
        }
        Ok(exactly::<Head>(&v).map_or(Found::Unreadable, |h| {
            Found::Old(Base {
                seq: h.seq,
                mac: h.mac,
                removed: Vec::new(),
            })
        }))
    }

    /// Where the next entry goes: the stored head (checked when the store was opened).
    pub(crate) fn audit_head(&self) -> Result<Head, StoreError> {
        match self.audit_head_found()? {
            Found::Missing => Ok(Head::default()),
            Found::Unreadable => Err(StoreError::invalid("audit head is unreadable")),
            found => Ok(*found.value().expect("a value")),
        }
    }
}

/// The head record for `head`, authenticated.
pub(super) fn head_record(key: &Key, head: &Head) -> Vec<u8> {
    let stored = StoredHead {
        seq: head.seq,
        mac: head.mac,
        auth: head_auth(key, head),
    };
    postcard::to_stdvec(&stored).expect("head serialises")
}

/// The base record for `base`, authenticated.
pub(super) fn base_record(key: &Key, base: &Base) -> Vec<u8> {
    let stored = StoredBase {
        base: base.clone(),
        auth: base_auth(key, base),
    };
    postcard::to_stdvec(&stored).expect("base serialises")
}

/// The entry that follows `head` in the chain, MACed under `key`.
pub(super) fn next_entry(
    key: &Key,
    precision: Precision,
    head: &Head,
    new: NewEntry,
    tickets: TicketRefs,
) -> AuditEntry {
    let mut e = AuditEntry {
        seq: head.seq + 1,
        // Every stored time at the configured precision: even a counsellor's read, to the
        // second, would tell when a message arrived.
        time: precision.round(new.time),
        actor: new.actor,
        action: new.action.to_string(),
        ticket: new.ticket,
        detail: new.detail,
        prev: head.mac,
        mac: [0; 32],
        tickets,
    };
    e.mac = mac_of(key, &e, Format::V2);
    e
}

/// Reads a stored entry; an unreadable one is an error.
pub(crate) fn read_entry(v: &[u8]) -> Result<AuditEntry, StoreError> {
    decode_entry(v)
        .map(|(e, _)| e)
        .ok_or_else(|| StoreError::invalid("an audit entry is unreadable"))
}
