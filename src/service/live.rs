//! What a view that stays open (the inbox of `ticket`) asks of the service: a change counter,
//! to know when to fetch the list again, and a list recorded in the audit log as `ticket list`
//! is, except when it holds the very tickets the same view was last shown.
//!
//! The service records every ticket it sends. A list answer carries a proof of the set of
//! tickets it holds: a MAC, under a key that lives only in this process's memory, of the
//! caller's uid and the sorted references. A view sends back the proof of its last answer;
//! when the new list holds the same set, the proof matches and nothing is recorded again.
//! A proof cannot be made without the key, so no caller can fetch a set it was not recorded
//! seeing; the proofs die with the process.

use std::sync::OnceLock;

use super::{Caller, Service, ServiceError};
use crate::store::ListFilter;

pub use crate::model::LiveList;

/// The key of the proofs: random, in this process's memory only.
fn key() -> &'static [u8; 32] {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut k = [0u8; 32];
        // Without randomness a fixed key would let a caller forge proofs: stop instead.
        getrandom::fill(&mut k).expect("the system's random number generator");
        k
    })
}

/// The proof that `uid` was shown exactly the tickets `ids` (in any order).
fn proof<'a>(uid: u32, ids: impl Iterator<Item = &'a str>) -> blake3::Hash {
    let mut sorted: Vec<&str> = ids.collect();
    sorted.sort_unstable();
    let mut h = blake3::Hasher::new_keyed(key());
    h.update(b"sourdine live list v1\n");
    h.update(&uid.to_le_bytes());
    for id in sorted {
        h.update(id.as_bytes());
        h.update(b"\n");
    }
    h.finalize()
}

impl Service {
    /// The catalog's change counter ([`super::catalog::Catalog::changes`]).
    pub fn changes(&self) -> Result<u64, ServiceError> {
        self.with_catalog(|c| c.changes())
    }

    /// [`Service::list`] for a view that stays open: recorded in the audit log under `caller`
    /// (as `ticket list` is) unless `shown`, the proof of the view's last answer, proves that
    /// the same caller was already shown this very set of tickets.
    pub fn live_list(
        &self,
        caller: &Caller,
        mut filter: ListFilter,
        mine: bool,
        shown: Option<&str>,
    ) -> Result<LiveList, ServiceError> {
        if mine {
            filter.claimed_by = Some(caller.uid);
        }
        let tickets = self.list(&filter)?;
        let now = proof(caller.uid, tickets.iter().map(|t| &*t.id));
        // blake3's hashes compare in constant time.
        let same = shown
            .and_then(|s| blake3::Hash::from_hex(s).ok())
            .is_some_and(|before| before == now);
        if !same {
            self.record_shown(
                &caller.actor(),
                "ticket.list",
                tickets.iter().map(|t| &*t.id),
                format!("{} tickets", tickets.len()),
            )?;
        }
        Ok(LiveList {
            tickets,
            shown: now.to_hex().to_string(),
            recorded: !same,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::proof;

    #[test]
    fn a_proof_names_the_caller_and_the_set_not_the_order() {
        let a = proof(1000, ["K7QH2M4X", "B2B2B2B2"].into_iter());
        assert_eq!(a, proof(1000, ["B2B2B2B2", "K7QH2M4X"].into_iter()));
        assert_ne!(a, proof(1001, ["B2B2B2B2", "K7QH2M4X"].into_iter()));
        assert_ne!(a, proof(1000, ["B2B2B2B2"].into_iter()));
        assert_ne!(a, proof(1000, ["B2B2B2B2K7QH2M4X"].into_iter()));
        assert_ne!(proof(1000, [].into_iter()), a);
    }
}
