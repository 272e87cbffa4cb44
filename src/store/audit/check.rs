//! Checking the chain. `sourdine audit --verify`: every entry, the head and the base agree
//! (count, sequence, links, MACs). `--expect-head`: a head recorded earlier is still in the
//! log. And when the store is opened: the records that say where the chain starts and ends
//! are checked, and a damage found is written into the chain itself, so that appending new
//! entries cannot hide it; the records of older versions are authenticated once.

use crate::model::{
    Actor, AuditEntry, AuditVerification, BaseView, ExpectedHead, HeadCheck, HeadVerdict, Removal,
};
use crate::store::chain::{
    AUDIT_BASE, Base, DAMAGE_FOUND, Format, Found, Head, NewEntry, Removed, decode_entry,
    entry_key, mac_of,
};
use crate::store::error::StoreError;
use crate::store::open::Store;
use crate::store::records::keys;
use crate::time::{Precision, Stamp};

/// What is wrong with entry `e`, given its key's sequence number, the one expected, the
/// previous entry's MAC, and whether an entry in the new format came before.
fn entry_problem(
    key: &crate::seal::Key,
    e: &AuditEntry,
    format: Format,
    (seq_in_key, next, prev, newer_format): (u64, u64, [u8; 32], bool),
) -> Option<&'static str> {
    if e.seq != seq_in_key {
        Some("entry moved")
    } else if e.seq != next {
        Some("entries missing before this one")
    } else if e.prev != prev {
        Some("link to the previous entry broken")
    } else if newer_format && format == Format::V1 {
        Some("entry in the old format after entries in the new one (entry altered)")
    } else if mac_of(key, e, format) != e.mac {
        Some("MAC does not match (entry altered)")
    } else {
        None
    }
}

fn day(t: i64) -> String {
    Precision::Day.format(t)
}

impl Store {
    /// Checks every MAC and link of the chain, and that the head and base agree with it.
    pub fn audit_verify(&self) -> Result<AuditVerification, StoreError> {
        self.audit_verify_expecting(None)
    }

    /// [`Store::audit_verify`], and whether `expected` (a head recorded earlier) is still in
    /// the log with the chain from it to the head intact.
    pub fn audit_verify_expecting(
        &self,
        expected: Option<ExpectedHead>,
    ) -> Result<AuditVerification, StoreError> {
        let key = self.keyring().audit_key().clone();
        let head_found = self.audit_head_found()?;
        let base_found = self.audit_base_found()?;
        let head = head_found.value().copied().unwrap_or_default();
        let base = base_found.value().cloned();
        let mut v = AuditVerification {
            entries: 0,
            ok: true,
            first_bad: None,
            problem: None,
            head: crate::ids::hex(&head.mac),
            head_seq: head.seq,
            base: base.as_ref().map(|b| BaseView {
                seq: b.seq,
                last_removal: b.removed.last().map(|r| Stamp(r.time)),
            }),
            expected: None,
        };
        match &base_found {
            Found::Missing | Found::Authentic(_) => {}
            _ => v.fail(
                base.as_ref().map_or(0, |b| b.seq),
                "the base record (where the log starts after retention) is not authenticated: entries may have been cut from the start",
            ),
        }
        let mut prev = base.as_ref().map_or([0u8; 32], |b| b.mac);
        let mut next = base.as_ref().map_or(1, |b| b.seq + 1);
        let mut newer_format = false;
        let mut damage: Option<AuditEntry> = None;
        for item in self.db.scan_prefix(keys::AUDIT) {
            let (k, val) = item?;
            let seq_in_key = k
                .get(keys::AUDIT.len()..)
                .and_then(|s| s.try_into().ok())
                .map(u64::from_be_bytes)
                .unwrap_or(0);
            v.entries += 1;
            let Some((e, format)) = decode_entry(&val) else {
                v.fail(seq_in_key, "entry unreadable");
                break;
            };
            let expected = (seq_in_key, next, prev, newer_format);
            if let Some(p) = entry_problem(&key, &e, format, expected) {
                v.fail(e.seq, p);
                break;
            }
            newer_format |= format == Format::V2;
            if e.action == DAMAGE_FOUND && damage.is_none() {
                damage = Some(e.clone());
            }
            prev = e.mac;
            next = e.seq + 1;
        }
        if v.ok {
            self.verify_head(&mut v, &head_found, base.is_some(), next, prev);
        }
        if let Some(d) = damage {
            v.fail(
                d.seq,
                format!(
                    "entry {} records that the log was found damaged on {}: {}",
                    d.seq,
                    day(d.time),
                    d.detail.as_deref().unwrap_or("")
                ),
            );
        }
        if let Some(x) = expected {
            let check = self.check_expected(x, &v, base.as_ref(), next - 1)?;
            if matches!(
                check.verdict,
                HeadVerdict::Missing | HeadVerdict::Differs | HeadVerdict::Broken
            ) {
                v.fail(x.seq, check.message.clone());
            }
            v.expected = Some(check);
        }
        Ok(v)
    }

    /// The head against the end of the chain (`next`: the sequence number after the last
    /// entry, `prev`: its MAC).
    fn verify_head(
        &self,
        v: &mut AuditVerification,
        head: &Found<Head>,
        has_base: bool,
        next: u64,
        prev: [u8; 32],
    ) {
        match head {
            Found::Missing if v.entries > 0 || has_base => {
                v.fail(next, "there is no head record: entries may have been cut from the end")
            }
            Found::Missing => {}
            Found::Authentic(h) if h.seq + 1 == next && h.mac == prev => {}
            Found::Authentic(h) if v.entries == 0 => v.fail(
                h.seq,
                format!(
                    "the head names entry {} but the log holds no entry: entries were cut",
                    h.seq
                ),
            ),
            Found::Authentic(h) if h.seq >= next => v.fail(
                h.seq,
                format!(
                    "the head names entry {} but the log ends at entry {}: entries were cut from its end",
                    h.seq,
                    next - 1
                ),
            ),
            Found::Authentic(h) => v.fail(
                h.seq,
                format!(
                    "the head names entry {} but the log goes on to entry {}",
                    h.seq,
                    next - 1
                ),
            ),
            _ => v.fail(
                next,
                "the head record is not authenticated: entries may have been cut from the end",
            ),
        }
    }

    /// What became of a head recorded earlier. `end`: the last entry that verified.
    fn check_expected(
        &self,
        x: ExpectedHead,
        v: &AuditVerification,
        base: Option<&Base>,
        end: u64,
    ) -> Result<HeadCheck, StoreError> {
        let answer = |verdict, message: String| HeadCheck {
            expected: x,
            verdict,
            message,
        };
        let chain = if v.ok {
            format!("the chain from there to the head (entry {end}) holds")
        } else {
            format!(
                "but the chain is broken (entry {})",
                v.first_bad.unwrap_or(0)
            )
        };
        let held = if v.ok {
            HeadVerdict::Holds
        } else {
            HeadVerdict::Broken
        };
        let last = end.max(v.head_seq);
        if x.seq == 0 {
            return Ok(if x.mac == [0; 32] {
                answer(held, format!("entry 0 is where every log starts; {chain}"))
            } else {
                answer(HeadVerdict::Differs, "entry 0 has no MAC but zeros".into())
            });
        }
        if x.seq > last {
            return Ok(answer(
                HeadVerdict::Missing,
                format!(
                    "entry {} is not in the log, which ends at entry {last}: entries were cut from its end, or the store was restored from an older copy",
                    x.seq
                ),
            ));
        }
        if let Some(b) = base.filter(|b| x.seq <= b.seq) {
            return Ok(expected_before_base(x, b, &chain, v.ok, held, answer));
        }
        let found = self.db.get(entry_key(x.seq))?;
        Ok(match found.as_deref().and_then(decode_entry) {
            None if found.is_none() => answer(
                HeadVerdict::Missing,
                format!("entry {} is missing from the log", x.seq),
            ),
            Some((e, _)) if e.mac == x.mac => answer(
                held,
                format!(
                    "entry {} is in the log, unchanged; {chain}: nothing recorded up to that entry was cut or replaced",
                    x.seq
                ),
            ),
            _ => answer(
                HeadVerdict::Differs,
                format!(
                    "entry {} differs from the recorded head: the log was rewritten from there, or an older copy of the store was restored and written to since",
                    x.seq
                ),
            ),
        })
    }
}

/// `--expect-head` of an entry at or before the base.
fn expected_before_base(
    x: ExpectedHead,
    b: &Base,
    chain: &str,
    chain_ok: bool,
    held: HeadVerdict,
    answer: impl Fn(HeadVerdict, String) -> HeadCheck,
) -> HeadCheck {
    if x.seq == b.seq {
        return if x.mac == b.mac {
            answer(
                held,
                format!(
                    "entry {} was removed by retention, but the base keeps its MAC, which matches; {chain}",
                    x.seq
                ),
            )
        } else {
            answer(
                HeadVerdict::Differs,
                format!(
                    "entry {} differs from the recorded head (the base keeps its MAC): the log was rewritten, or an older copy of the store was restored and written to since",
                    x.seq
                ),
            )
        };
    }
    let tail = if chain_ok {
        format!(
            "the chain from the base (entry {}) onward verifies; this head cannot be checked further",
            b.seq
        )
    } else {
        "this head cannot be checked further".to_string()
    };
    match b.removed.iter().find(|r| r.up_to >= x.seq) {
        Some(Removed {
            why: Removal::Damage,
            time,
            ..
        }) => answer(
            HeadVerdict::Missing,
            format!(
                "entry {} is missing: it was found cut from the log on {}",
                x.seq,
                day(*time)
            ),
        ),
        Some(Removed {
            why: Removal::Retention,
            time,
            ..
        }) => answer(
            HeadVerdict::Removed,
            format!(
                "entry {} was removed by retention on {}; {tail}",
                x.seq,
                day(*time)
            ),
        ),
        Some(Removed { time, .. }) => answer(
            HeadVerdict::Removed,
            format!(
                "entry {} was removed by retention before {}, when this store's audit log was upgraded; {tail}",
                x.seq,
                day(*time)
            ),
        ),
        None => answer(
            HeadVerdict::Removed,
            format!("entry {} was removed by retention; {tail}", x.seq),
        ),
    }
}

/// An entry at one end of the log: its sequence number (from its key) and, when readable,
/// the entry.
type Edge = Option<(u64, Option<(AuditEntry, Format)>)>;

impl Store {
    fn audit_edge(&self, last: bool) -> Result<Edge, StoreError> {
        let mut iter = self.db.scan_prefix(keys::AUDIT);
        let item = if last { iter.next_back() } else { iter.next() };
        let Some(item) = item else { return Ok(None) };
        let (k, v) = item?;
        let seq = k
            .get(keys::AUDIT.len()..)
            .and_then(|s| s.try_into().ok())
            .map(u64::from_be_bytes)
            .unwrap_or(0);
        Ok(Some((seq, decode_entry(&v))))
    }

    /// At opening: authenticates the records of an older version (once), and checks that the
    /// head and base agree with the ends of the log. A disagreement is written into the chain
    /// (an `audit.damage_found` entry, which `--verify` reports from then on), so that the
    /// entries appended next cannot make a cut log verify again.
    pub(crate) fn audit_check_at_open(&self) -> Result<(), StoreError> {
        let mut txn = self.begin();
        let head = self.audit_head_found()?;
        let base = self.audit_base_found()?;
        let first = self.audit_edge(false)?;
        let last = self.audit_edge(true)?;
        // A store written by an older version: its head and base were not authenticated. Once
        // an entry in the new format exists, old-format records can only be put there by hand.
        let upgrading = (matches!(head, Found::Old(_)) || matches!(base, Found::Old(_)))
            && matches!(head, Found::Old(_) | Found::Missing)
            && matches!(base, Found::Old(_) | Found::Missing)
            && !matches!(last, Some((_, Some((_, Format::V2)))));
        let mut problems = Vec::new();
        self.head_problems(&head, &last, upgrading, &mut problems)?;
        let rebuild_base = base_problems(&base, &first, upgrading, &mut problems);
        if !upgrading && problems.is_empty() {
            return Ok(());
        }
        let now = txn.now();
        // The base, written again when it was from an older version or could not be trusted.
        let written_base = (rebuild_base || upgrading).then(|| {
            let why = if rebuild_base {
                Removal::Damage
            } else {
                Removal::Upgrade
            };
            let b = new_base(&base, &first, why, self.precision.round(now));
            match &b {
                Some(b) => txn.write_audit_base(b),
                None => txn.remove(AUDIT_BASE),
            }
            b
        });
        // Where the next entry goes: after the head, or, when the head cannot be trusted,
        // after the last entry present, else after the base.
        let start = match &written_base {
            Some(b) => b.as_ref().map(Base::start),
            None => base.value().map(Base::start),
        };
        let cursor = match (&last, head.value()) {
            (_, Some(h)) if problems.is_empty() => *h,
            (Some((_, Some((e, _)))), _) => Head {
                seq: e.seq,
                mac: e.mac,
            },
            (Some((seq, None)), h) => Head {
                seq: *seq,
                mac: h.map(|h| h.mac).unwrap_or_default(),
            },
            (None, _) => start.unwrap_or_default(),
        };
        let mut seq = cursor.seq;
        txn.set_audit_head(cursor);
        if upgrading {
            let detail = "the head and base records are authenticated from here on";
            let e = service_entry(now, "audit.upgraded", detail.into());
            txn.audit(e)?;
            seq += 1;
            tracing::info!(
                target: "sourdine::audit",
                entries = seq,
                "audit log upgraded: its head and base records are now authenticated"
            );
        }
        if !problems.is_empty() {
            let detail = problems.join("; ");
            tracing::error!(
                target: "sourdine::audit",
                problem = %detail,
                entry = seq + 1,
                "the audit log was found damaged; recorded in the log itself, `sourdine audit --verify` reports it"
            );
            let e = service_entry(now, DAMAGE_FOUND, detail);
            txn.audit(e)?;
        }
        txn.commit()?;
        Ok(())
    }

    /// What is wrong with the head record, given the last entry.
    fn head_problems(
        &self,
        head: &Found<Head>,
        last: &Edge,
        upgrading: bool,
        problems: &mut Vec<String>,
    ) -> Result<(), StoreError> {
        let h = match head {
            Found::Authentic(h) => h,
            Found::Old(h) if upgrading => h,
            Found::Old(_) => {
                problems.push("the head record is in the old, unauthenticated format".into());
                return Ok(());
            }
            Found::Forged(h) => {
                problems.push(format!(
                    "the head record (entry {}) does not authenticate",
                    h.seq
                ));
                return Ok(());
            }
            Found::Unreadable => {
                problems.push("the head record is unreadable".into());
                return Ok(());
            }
            Found::Missing => {
                let holds_work = last.is_some()
                    || self.db.get(AUDIT_BASE)?.is_some()
                    || self.db.scan_prefix(keys::TICKET).next().is_some()
                    || self.db.scan_prefix(keys::QUARANTINE).next().is_some();
                if holds_work {
                    problems.push(
                        "there is no head record, though the store holds entries or tickets".into(),
                    );
                }
                return Ok(());
            }
        };
        match last {
            None if h.seq > 0 => problems.push(format!(
                "the head names entry {} but the log holds no entry",
                h.seq
            )),
            Some((seq, _)) if *seq < h.seq => problems.push(format!(
                "the head names entry {} but the log ends at entry {seq}",
                h.seq
            )),
            Some((seq, _)) if *seq > h.seq => problems.push(format!(
                "the head names entry {} but the log goes on to entry {seq}",
                h.seq
            )),
            Some((_, Some((e, _)))) if e.mac != h.mac => problems.push(format!(
                "the head names entry {} with another MAC than the entry's",
                h.seq
            )),
            _ => {}
        }
        Ok(())
    }
}

fn service_entry(time: i64, action: &'static str, detail: String) -> NewEntry {
    NewEntry {
        time,
        actor: Actor::service(),
        action,
        ticket: None,
        detail: Some(detail),
    }
}

impl Base {
    /// Where the chain goes on from this base.
    fn start(&self) -> Head {
        Head {
            seq: self.seq,
            mac: self.mac,
        }
    }
}

/// What is wrong with the base record, given the first entry; true when it must be written
/// again (to where the log now starts).
fn base_problems(
    base: &Found<Base>,
    first: &Edge,
    upgrading: bool,
    problems: &mut Vec<String>,
) -> bool {
    let b = match base {
        Found::Authentic(b) => Some(b),
        Found::Old(b) if upgrading => Some(b),
        Found::Missing => None,
        Found::Old(b) | Found::Forged(b) => {
            problems.push(format!(
                "the base record (entries up to {} removed) does not authenticate",
                b.seq
            ));
            return true;
        }
        Found::Unreadable => {
            problems.push("the base record is unreadable".into());
            return true;
        }
    };
    let (start, link) = b.map_or((1, [0u8; 32]), |b| (b.seq + 1, b.mac));
    match first {
        Some((seq, _)) if *seq > start => {
            problems.push(format!(
                "the log starts at entry {seq}: entries {start} to {} are missing",
                seq - 1
            ));
            true
        }
        Some((_, Some((e, _)))) if e.seq == start && e.prev != link => {
            problems.push(format!(
                "entry {} does not link to where the log starts",
                e.seq
            ));
            true
        }
        _ => false,
    }
}

/// The base written when the old one is replaced: up to the entry before the first one
/// present, noting why the entries before were removed. None: the log starts at entry 1.
fn new_base(found: &Found<Base>, first: &Edge, why: Removal, time: i64) -> Option<Base> {
    let mut removed = match found {
        Found::Authentic(b) => b.removed.clone(),
        _ => Vec::new(),
    };
    let (seq, mac) = match first {
        Some((_, Some((e, _)))) => (e.seq.checked_sub(1)?, e.prev),
        _ => {
            let b = found.value()?;
            (b.seq, b.mac)
        }
    };
    if seq == 0 {
        return None;
    }
    if why == Removal::Upgrade {
        // The old base said how far retention had gone, not when.
        removed.push(Removed {
            up_to: found.value().map_or(seq, |b| b.seq),
            time,
            why,
        });
    } else {
        removed.push(Removed {
            up_to: seq,
            time,
            why,
        });
    }
    Some(Base { seq, mac, removed })
}
