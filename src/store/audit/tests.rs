//! The chain's records against the store's own view: upgrades from the older format, damage
//! found at opening, heads recorded earlier, tickets named by lists. The attacks themselves
//! (on a store written by the real binaries) are in `tests/integration/audit.rs`.

use std::path::Path;

use super::*;
use crate::config::{Config, RetentionConfig};
use crate::model::{ExpectedHead, HeadCheck, HeadVerdict, Removal};
use crate::store::chain::*;
use crate::time::Clock;

fn config(dir: &Path) -> Config {
    Config::parse(
        &format!(
            "data_dir = \"{}/data\"\ncontact_address = \"contact@helpline.example\"\n",
            dir.display()
        ),
        &dir.join("etc/sourdine.toml"),
    )
    .unwrap()
}

fn store(cfg: &Config) -> Store {
    Store::open(cfg).unwrap()
}

fn act(s: &Store, n: usize) {
    for i in 0..n {
        s.audit_action(&Actor::service(), "test.action", None, Some(format!("{i}")))
            .unwrap();
    }
}

fn expect(s: &Store, seq: u64, mac: [u8; 32]) -> HeadCheck {
    s.audit_verify_expecting(Some(ExpectedHead { seq, mac }))
        .unwrap()
        .expected
        .unwrap()
}

/// Writes, under the audit key, what a version before the head and base were authenticated
/// wrote: entries without `tickets`, MACed without a domain, a bare head and a bare base.
fn write_old_format(s: &Store, first: u64, last: u64) -> Head {
    let key = s.keyring().audit_key().clone();
    let mut prev = [0u8; 32];
    if first > 1 {
        prev = [7u8; 32];
        s.db.insert(
            AUDIT_BASE,
            postcard::to_stdvec(&Head {
                seq: first - 1,
                mac: prev,
            })
            .unwrap(),
        )
        .unwrap();
    }
    for seq in first..=last {
        let mut e = AuditEntry {
            seq,
            time: 1_700_000_000,
            actor: Actor::service(),
            action: "ticket.read".into(),
            ticket: None,
            detail: None,
            prev,
            mac: [0; 32],
            tickets: TicketRefs::default(),
        };
        e.mac = mac_of(&key, &e, Format::V1);
        let old = EntryV1 {
            seq,
            time: e.time,
            actor: e.actor.clone(),
            action: e.action.clone(),
            ticket: None,
            detail: None,
            prev,
            mac: e.mac,
        };
        s.db.insert(entry_key(seq), postcard::to_stdvec(&old).unwrap())
            .unwrap();
        prev = e.mac;
    }
    let head = Head {
        seq: last,
        mac: prev,
    };
    s.db.insert(keys::AUDIT_HEAD, postcard::to_stdvec(&head).unwrap())
        .unwrap();
    s.db.flush().unwrap();
    head
}

fn actions(s: &Store) -> Vec<String> {
    s.audit_entries(None)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[test]
fn records_of_an_older_version_are_authenticated_once_at_opening() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(tmp.path());
    Store::init(&cfg).unwrap();
    let old_head = {
        let s = store(&cfg);
        write_old_format(&s, 41, 60)
    };
    let s = store(&cfg);
    let v = s.audit_verify().unwrap();
    assert!(v.ok, "{v:?}");
    assert_eq!(v.head_seq, 61, "one entry says the log was upgraded");
    assert_eq!(v.base.as_ref().unwrap().seq, 40);
    assert!(matches!(s.audit_head_found().unwrap(), Found::Authentic(_)));
    match s.audit_base_found().unwrap() {
        Found::Authentic(b) => assert_eq!(b.removed[0].why, Removal::Upgrade),
        other => panic!("{other:?}"),
    }
    assert_eq!(actions(&s).last().unwrap(), "audit.upgraded");
    // The head the older version printed still holds; an entry it had removed cannot be
    // checked, and says why.
    assert_eq!(expect(&s, 60, old_head.mac).verdict, HeadVerdict::Holds);
    let c = expect(&s, 12, [1; 32]);
    assert_eq!(c.verdict, HeadVerdict::Removed);
    assert!(c.message.contains("upgraded"), "{}", c.message);
    drop(s);
    // Once only.
    let s = store(&cfg);
    act(&s, 1);
    assert_eq!(
        actions(&s)
            .iter()
            .filter(|a| *a == "audit.upgraded")
            .count(),
        1
    );
    assert!(s.audit_verify().unwrap().ok);
}

#[test]
fn old_format_records_put_back_after_the_upgrade_are_found() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(tmp.path());
    Store::init(&cfg).unwrap();
    {
        let s = store(&cfg);
        act(&s, 10);
        // A prefix removed by hand, with a base in the old, unauthenticated format that the
        // upgrade would have accepted.
        for seq in 1..=4 {
            s.db.remove(entry_key(seq)).unwrap();
        }
        let fifth = read_entry(&s.db.get(entry_key(5)).unwrap().unwrap()).unwrap();
        s.db.insert(
            AUDIT_BASE,
            postcard::to_stdvec(&Head {
                seq: 4,
                mac: fifth.prev,
            })
            .unwrap(),
        )
        .unwrap();
        s.db.flush().unwrap();
    }
    let s = store(&cfg);
    let v = s.audit_verify().unwrap();
    assert!(!v.ok);
    assert!(
        v.problem.as_deref().unwrap().contains("found damaged"),
        "{v:?}"
    );
    assert!(!actions(&s).contains(&"audit.upgraded".to_string()));
    // The entries cut are missing, not removed by retention.
    assert_eq!(expect(&s, 3, [0; 32]).verdict, HeadVerdict::Missing);
}

#[test]
fn damage_is_recorded_once_and_stays_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(tmp.path());
    Store::init(&cfg).unwrap();
    {
        let s = store(&cfg);
        act(&s, 5);
        s.db.remove(entry_key(5)).unwrap();
        s.db.flush().unwrap();
    }
    for _ in 0..3 {
        let s = store(&cfg);
        act(&s, 1);
        let v = s.audit_verify().unwrap();
        assert!(!v.ok);
        assert!(
            v.problem.as_deref().unwrap().contains("ends at entry 4"),
            "{v:?}"
        );
    }
    let s = store(&cfg);
    assert_eq!(actions(&s).iter().filter(|a| *a == DAMAGE_FOUND).count(), 1);
}

#[test]
fn heads_recorded_earlier() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(tmp.path());
    Store::init(&cfg).unwrap();
    let mut s = store(&cfg);
    act(&s, 3);
    let early = s.audit_head().unwrap();
    act(&s, 3);
    let c = expect(&s, early.seq, early.mac);
    assert_eq!(c.verdict, HeadVerdict::Holds, "{}", c.message);
    assert_eq!(expect(&s, early.seq, [9; 32]).verdict, HeadVerdict::Differs);
    assert_eq!(expect(&s, 99, early.mac).verdict, HeadVerdict::Missing);
    assert_eq!(expect(&s, 0, [0; 32]).verdict, HeadVerdict::Holds);
    assert!(
        !s.audit_verify_expecting(Some(ExpectedHead {
            seq: 99,
            mac: early.mac
        }))
        .unwrap()
        .ok
    );
    // Retention moves the base past the early head: it cannot be checked, and says when.
    s.set_clock(Clock::shifted(800 * 86_400));
    let policy = RetentionConfig::default();
    let r = s.purge(&policy, &Actor::service(), false).unwrap();
    assert_eq!(r.audit_entries, 6);
    let c = expect(&s, 2, early.mac);
    assert_eq!(c.verdict, HeadVerdict::Removed);
    assert!(
        c.message.contains("removed by retention on"),
        "{}",
        c.message
    );
    assert!(s.audit_verify().unwrap().ok);
    // The last entry removed is kept in the base: a head naming it is checked exactly.
    let at_base = s
        .audit_verify_expecting(Some(ExpectedHead {
            seq: 6,
            mac: s.audit_base_found().unwrap().value().unwrap().mac,
        }))
        .unwrap();
    assert_eq!(at_base.expected.unwrap().verdict, HeadVerdict::Holds);
    // Two purges on one day share one record of removal.
    act(&s, 2);
    s.set_clock(Clock::shifted(1600 * 86_400));
    s.purge(&policy, &Actor::service(), false).unwrap();
    s.set_clock(Clock::shifted(1600 * 86_400 + 3600));
    act(&s, 1);
    s.set_clock(Clock::shifted(2400 * 86_400));
    s.purge(&policy, &Actor::service(), false).unwrap();
    let Found::Authentic(b) = s.audit_base_found().unwrap() else {
        panic!("base not authentic")
    };
    assert!(b.removed.iter().all(|r| r.why == Removal::Retention));
    assert!(b.removed.windows(2).all(|w| w[0].up_to < w[1].up_to));
    assert!(s.audit_verify().unwrap().ok);
}

#[test]
fn lists_name_their_tickets_and_a_ticket_finds_its_readers() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(tmp.path());
    Store::init(&cfg).unwrap();
    let s = store(&cfg);
    let anna = Actor {
        uid: Some(5001),
        name: "anna".into(),
    };
    s.audit_shown(
        &anna,
        "ticket.list",
        TicketRefs::from_ids(["K7F3QX9M", "A0000001"]).unwrap(),
        Some("2 tickets".into()),
    )
    .unwrap();
    s.audit_action(&Actor::service(), "ticket.read", Some("A0000001"), None)
        .unwrap();
    s.audit_shown(
        &anna,
        "ticket.search",
        TicketRefs::default(),
        Some("0 results".into()),
    )
    .unwrap();
    let seen = s.audit_entries_naming("A0000001", None).unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].actor, anna);
    assert_eq!(seen[1].action, "ticket.read");
    assert_eq!(
        s.audit_entries_naming("A0000001", Some(1)).unwrap().len(),
        1
    );
    assert_eq!(s.audit_entries_naming("K7F3QX9M", None).unwrap().len(), 1);
    assert!(s.audit_entries_naming("ZZZZZZZZ", None).unwrap().is_empty());
    assert!(s.audit_verify().unwrap().ok);
    // The list is under the MAC.
    let (k, v) = s.db.scan_prefix(keys::AUDIT).next().unwrap().unwrap();
    let mut e = read_entry(&v).unwrap();
    e.tickets = TicketRefs::from_ids(["K7F3QX9M"]).unwrap();
    s.db.insert(k, postcard::to_stdvec(&e).unwrap()).unwrap();
    let v = s.audit_verify().unwrap();
    assert_eq!(v.first_bad, Some(1), "{v:?}");
}
