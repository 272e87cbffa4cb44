//! The audit log as it is shown: its entries, and what checking the chain found.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::actor::Actor;
use super::refs::TicketRefs;
use crate::time::Stamp;

/// One audit entry. Its binary form is the stored record (entries written before the
/// `tickets` list existed are read by the store's own decoder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: u64,
    /// When, in UTC seconds, rounded to the configured precision.
    pub time: i64,
    /// Who.
    pub actor: Actor,
    /// What, e.g. `ticket.created`, `ticket.read`.
    pub action: String,
    /// Which ticket, if any.
    pub ticket: Option<String>,
    /// System-written detail (never writer data, never counsellor free text).
    pub detail: Option<String>,
    /// MAC of the previous entry (zeros for the first).
    #[serde(with = "hex32")]
    pub prev: [u8; 32],
    /// MAC over this entry and `prev`.
    #[serde(with = "hex32")]
    pub mac: [u8; 32],
    /// The tickets a list or a search showed (references only).
    pub tickets: TicketRefs,
}

impl AuditEntry {
    /// Whether the entry names ticket `id`, as its ticket or in its list.
    pub fn names(&self, id: &str) -> bool {
        self.ticket.as_deref() == Some(id) || self.tickets.contains(id)
    }
}

/// 64 hex digits as 32 bytes.
pub(crate) fn parse_hex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// 32 bytes as 64 hex digits in JSON, as bytes in the stored records.
pub(crate) mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&crate::ids::hex(v))
        } else {
            s.serialize_bytes(v)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        use serde::de::Error;
        if d.is_human_readable() {
            let s = String::deserialize(d)?;
            super::parse_hex32(&s).ok_or_else(|| D::Error::custom("expected 64 hex digits"))
        } else {
            let v: Vec<u8> = serde::Deserialize::deserialize(d)?;
            v.try_into()
                .map_err(|_| D::Error::custom("expected 32 bytes"))
        }
    }
}

/// Why entries before the base are gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Removal {
    /// The retention policy removed them.
    Retention,
    /// They were removed before this store's audit log was upgraded (by retention, as far as
    /// the store can tell: the base was not authenticated then).
    Upgrade,
    /// They were found missing when the store was opened (recorded in the chain).
    Damage,
}

/// A head recorded earlier: "SEQ MAC", as `sourdine audit --head` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedHead {
    /// The entry's sequence number.
    pub seq: u64,
    /// Its MAC.
    #[serde(with = "hex32")]
    pub mac: [u8; 32],
}

impl FromStr for ExpectedHead {
    type Err = String;

    fn from_str(s: &str) -> Result<ExpectedHead, String> {
        let wrong = || {
            "expected what `sourdine audit --head` printed: a sequence number and 64 hex digits, such as \"351 9f2c...\" (in quotes)".to_string()
        };
        let mut parts = s.split_whitespace();
        let (Some(seq), Some(mac), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(wrong());
        };
        Ok(ExpectedHead {
            seq: seq.parse().map_err(|_| wrong())?,
            mac: parse_hex32(&mac.to_ascii_lowercase()).ok_or_else(wrong)?,
        })
    }
}

impl std::fmt::Display for ExpectedHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.seq, crate::ids::hex(&self.mac))
    }
}

/// What became of a head recorded earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeadVerdict {
    /// Its entry is in the log, unchanged, and the chain from it to the head holds.
    Holds,
    /// Its entry is not in the log: cut from the end, or the store is an older copy.
    Missing,
    /// Its entry is in the log but differs: the log was rewritten from there, or an older
    /// copy was restored and written to since.
    Differs,
    /// Its entry is in the log, but the chain is broken.
    Broken,
    /// Its entry was removed by the retention policy: it cannot be checked any more.
    Removed,
}

/// The answer to `--expect-head`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadCheck {
    /// The head recorded earlier.
    pub expected: ExpectedHead,
    /// What became of it.
    pub verdict: HeadVerdict,
    /// The same, for people.
    pub message: String,
}

/// The base, as verification reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseView {
    /// The last removed entry (the log starts after it).
    pub seq: u64,
    /// When entries were last removed (rounded).
    pub last_removal: Option<Stamp>,
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerification {
    /// Entries checked.
    pub entries: u64,
    /// True when every MAC and link holds, the head and base agree with the entries, no
    /// damage was ever found, and the expected head (if any) holds or was removed by
    /// retention.
    pub ok: bool,
    /// The first entry that failed, if any.
    pub first_bad: Option<u64>,
    /// What failed.
    pub problem: Option<String>,
    /// The MAC of the last entry, hex.
    pub head: String,
    /// The sequence number of the last entry.
    #[serde(default)]
    pub head_seq: u64,
    /// Where the log starts, when retention removed its oldest entries.
    #[serde(default)]
    pub base: Option<BaseView>,
    /// The check of a head recorded earlier (`--expect-head`).
    #[serde(default)]
    pub expected: Option<HeadCheck>,
}

impl AuditVerification {
    /// Records the first failure (later ones are not reported).
    pub(crate) fn fail(&mut self, seq: u64, problem: impl Into<String>) {
        if self.ok {
            self.ok = false;
            self.first_bad = Some(seq);
            self.problem = Some(problem.into());
        }
    }
}
