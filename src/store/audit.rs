//! The audit log: who did what to which ticket, and when. Append-only, each entry chained to
//! the previous one by a keyed MAC whose key lives in `key_dir`, so whoever can write the store
//! cannot forge the chain. Entries carry no writer data.

use serde::{Deserialize, Serialize};

use super::records::keys;
use super::{Store, StoreError};

/// Who acted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The Unix uid, from the socket's peer credentials or the process (None for the service
    /// itself).
    pub uid: Option<u32>,
    /// The user name (or `sourdine` for the service's own duties).
    pub name: String,
}

impl Actor {
    /// The service itself (intake, retention, outbox).
    pub fn service() -> Actor {
        Actor {
            uid: None,
            name: "sourdine".into(),
        }
    }
}

/// One audit entry.
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
}

mod hex32 {
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
            let mut out = [0u8; 32];
            if s.len() != 64 {
                return Err(D::Error::custom("expected 64 hex digits"));
            }
            for (i, b) in out.iter_mut().enumerate() {
                *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(D::Error::custom)?;
            }
            Ok(out)
        } else {
            let v: Vec<u8> = serde::Deserialize::deserialize(d)?;
            v.try_into()
                .map_err(|_| D::Error::custom("expected 32 bytes"))
        }
    }
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

fn mac_of(key: &crate::seal::Key, e: &AuditEntry) -> [u8; 32] {
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
    *blake3::keyed_hash(key.as_bytes(), &bytes).as_bytes()
}

/// The head of the chain: the last sequence number and its MAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct Head {
    pub seq: u64,
    pub mac: [u8; 32],
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerification {
    /// Entries checked.
    pub entries: u64,
    /// True when every MAC and link holds and the head matches.
    pub ok: bool,
    /// The first entry that failed, if any.
    pub first_bad: Option<u64>,
    /// What failed.
    pub problem: Option<String>,
    /// The MAC of the last entry, hex (record it elsewhere to detect truncation).
    pub head: String,
}

/// An entry to append, before it gets its place in the chain.
pub(crate) struct NewEntry {
    pub time: i64,
    pub actor: Actor,
    pub action: &'static str,
    pub ticket: Option<String>,
    pub detail: Option<String>,
}

impl Store {
    pub(crate) fn audit_head(&self) -> Result<Head, StoreError> {
        match self.db.get(keys::AUDIT_HEAD)? {
            None => Ok(Head::default()),
            Some(v) => postcard::from_bytes(&v)
                .map_err(|_| StoreError::invalid("audit head is unreadable")),
        }
    }

    /// Adds an entry to `batch`, advancing `head`. The caller holds the write lock.
    pub(crate) fn audit_push(&self, batch: &mut sled::Batch, head: &mut Head, new: NewEntry) {
        let mut e = AuditEntry {
            seq: head.seq + 1,
            // Every stored time at the configured precision: even a counsellor's read, to the
            // second, would tell when a message arrived.
            time: self.precision.round(new.time),
            actor: new.actor,
            action: new.action.to_string(),
            ticket: new.ticket,
            detail: new.detail,
            prev: head.mac,
            mac: [0; 32],
        };
        e.mac = mac_of(self.keyring().audit_key(), &e);
        let mut k = keys::AUDIT.to_vec();
        k.extend_from_slice(&e.seq.to_be_bytes());
        batch.insert(k, postcard::to_stdvec(&e).expect("audit entry serialises"));
        *head = Head {
            seq: e.seq,
            mac: e.mac,
        };
        batch.insert(
            keys::AUDIT_HEAD,
            postcard::to_stdvec(head).expect("head serialises"),
        );
    }

    /// Appends one entry durably.
    pub(crate) fn audit_append(&self, new: NewEntry) -> Result<(), StoreError> {
        let _w = self.write.lock().expect("write lock");
        let mut batch = sled::Batch::default();
        let mut head = self.audit_head()?;
        self.audit_push(&mut batch, &mut head, new);
        self.commit(batch)
    }

    /// Every entry, oldest first (optionally only the last `tail`).
    pub fn audit_entries(&self, tail: Option<usize>) -> Result<Vec<AuditEntry>, StoreError> {
        let mut out = Vec::new();
        let iter = self.db.scan_prefix(keys::AUDIT);
        let items: Box<dyn Iterator<Item = _>> = match tail {
            Some(n) => {
                let mut v: Vec<_> = iter.rev().take(n).collect();
                v.reverse();
                Box::new(v.into_iter())
            }
            None => Box::new(iter),
        };
        for item in items {
            let (_, v) = item?;
            out.push(
                postcard::from_bytes(&v)
                    .map_err(|_| StoreError::invalid("an audit entry is unreadable"))?,
            );
        }
        Ok(out)
    }

    /// Checks every MAC and link of the chain, and the recorded head.
    pub fn audit_verify(&self) -> Result<AuditVerification, StoreError> {
        let head = self.audit_head()?;
        let key = self.keyring().audit_key().clone();
        // Old entries may have been removed behind a checkpoint: the chain starts after them.
        let base: Option<Head> = match self.db.get(super::retention::AUDIT_BASE)? {
            Some(v) => Some(
                postcard::from_bytes(&v)
                    .map_err(|_| StoreError::invalid("audit base is unreadable"))?,
            ),
            None => None,
        };
        let mut prev = base.map(|b| b.mac).unwrap_or([0u8; 32]);
        let mut expected_seq = Some(base.map(|b| b.seq + 1).unwrap_or(1));
        let mut n = 0;
        let fail = |n, seq, problem: &str, head: &Head| AuditVerification {
            entries: n,
            ok: false,
            first_bad: Some(seq),
            problem: Some(problem.to_string()),
            head: crate::ids::hex(&head.mac),
        };
        for item in self.db.scan_prefix(keys::AUDIT) {
            let (k, v) = item?;
            let seq_in_key = k
                .get(keys::AUDIT.len()..)
                .and_then(|s| s.try_into().ok())
                .map(u64::from_be_bytes)
                .unwrap_or(0);
            let Ok(e) = postcard::from_bytes::<AuditEntry>(&v) else {
                return Ok(fail(n, seq_in_key, "entry unreadable", &head));
            };
            n += 1;
            if e.seq != seq_in_key {
                return Ok(fail(n, seq_in_key, "entry moved", &head));
            }
            if let Some(s) = expected_seq
                && e.seq != s
            {
                return Ok(fail(n, e.seq, "entries missing before this one", &head));
            }
            if e.prev != prev {
                return Ok(fail(n, e.seq, "link to the previous entry broken", &head));
            }
            if mac_of(&key, &e) != e.mac {
                return Ok(fail(n, e.seq, "MAC does not match (entry altered)", &head));
            }
            prev = e.mac;
            expected_seq = Some(e.seq + 1);
        }
        if n > 0 && (head.mac != prev || Some(head.seq + 1) != expected_seq) {
            return Ok(fail(
                n,
                head.seq,
                "head does not match the last entry (truncated?)",
                &head,
            ));
        }
        Ok(AuditVerification {
            entries: n,
            ok: true,
            first_bad: None,
            problem: None,
            head: crate::ids::hex(&head.mac),
        })
    }
}

impl Store {
    /// Records a counsellor's or operator's action, durably (at the configured precision).
    pub fn audit_action(
        &self,
        actor: &Actor,
        action: &'static str,
        ticket: Option<&str>,
        detail: Option<String>,
    ) -> Result<(), StoreError> {
        self.audit_append(NewEntry {
            time: self.now(),
            actor: actor.clone(),
            action,
            ticket: ticket.map(str::to_string),
            detail,
        })
    }
}
