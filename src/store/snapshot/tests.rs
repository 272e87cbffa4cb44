use std::io::Read;
use std::path::Path;

use super::*;
use crate::config::Config;
use crate::model::Actor;

const FORMAT: &str = "test catalog 1";

fn store(dir: &Path) -> Store {
    let cfg = Config::parse(
        &format!(
            "data_dir = \"{}/data\"\ncontact_address = \"contact@helpline.example\"\n",
            dir.display()
        ),
        &dir.join("etc/sourdine.toml"),
    )
    .unwrap();
    Store::init(&cfg).unwrap();
    Store::open(&cfg).unwrap()
}

/// A change that names no ticket.
fn change(s: &Store) {
    s.audit_action(&Actor::service(), "test.action", None, None)
        .unwrap();
}

/// A change to one of ticket `id`'s records.
fn change_ticket(s: &Store, id: &str) {
    let mut t = s.begin();
    t.insert(keys::of(keys::CLASSIFICATION, id), &b"record"[..]);
    t.commit().unwrap();
}

/// A change that removes ticket `id`'s record (an erasure).
fn erase_ticket(s: &Store, id: &str) {
    let mut t = s.begin();
    t.remove(keys::of(keys::TICKET, id));
    t.commit().unwrap();
}

fn changed(s: &Store) -> Vec<String> {
    s.snapshot_changed_tickets().unwrap()
}

/// Plaintext of more than one chunk, with a recognisable word in it.
fn plain() -> Vec<u8> {
    let mut p = b"SNAPSHOTWORD ".repeat(CHUNK / 13 + 100);
    p.extend_from_slice(b"end");
    p
}

fn write(s: &Store, bytes: &[u8]) {
    s.write_snapshot(FORMAT, |w| w.write_all(bytes)).unwrap();
}

fn read_all(s: &Store) -> Result<Vec<u8>, SnapshotRefusal> {
    read_with_changes(s).map(|(b, _)| b)
}

fn read_with_changes(s: &Store) -> Result<(Vec<u8>, Vec<String>), SnapshotRefusal> {
    let (mut r, changed) = s.take_snapshot(FORMAT).unwrap()?;
    let mut out = Vec::new();
    r.read_to_end(&mut out)
        .map_err(|_| SnapshotRefusal::Malformed)?;
    Ok((out, changed))
}

#[test]
fn a_current_snapshot_reads_back_and_holds_nothing_in_clear() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    assert_eq!(s.snapshot_changes().unwrap(), None);
    write(&s, &plain());
    assert_eq!(s.snapshot_changes().unwrap(), Some(0));
    let on_disk = fs::read(s.snapshot_path()).unwrap();
    assert!(!on_disk.windows(12).any(|w| w == b"SNAPSHOTWORD"));
    assert!(!s.snapshot_path().with_extension("sealed.tmp").exists());
    assert_eq!(read_all(&s).unwrap(), plain());
    // Kept after it is read: a crash later costs only the changes since.
    assert_eq!(read_all(&s).unwrap(), plain());
}

#[test]
fn changes_to_tickets_are_recorded_beside_the_snapshot_until_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    // No snapshot: nothing recorded.
    change_ticket(&s, "AAAA");
    assert!(changed(&s).is_empty());
    write(&s, b"catalog");
    change(&s);
    change_ticket(&s, "BBBB");
    change_ticket(&s, "CCCC");
    change_ticket(&s, "BBBB");
    assert_eq!(s.snapshot_changes().unwrap(), Some(2));
    assert_eq!(
        read_with_changes(&s).unwrap(),
        (
            b"catalog".to_vec(),
            vec!["BBBB".to_string(), "CCCC".to_string()]
        )
    );
    // The next snapshot clears them, and an older copy put back is stale.
    let copy = fs::read(s.snapshot_path()).unwrap();
    write(&s, b"catalog 2");
    assert!(changed(&s).is_empty());
    assert_eq!(
        read_with_changes(&s).unwrap(),
        (b"catalog 2".to_vec(), vec![])
    );
    fs::write(s.snapshot_path(), &copy).unwrap();
    assert_eq!(read_all(&s), Err(SnapshotRefusal::Stale));
    assert!(!s.snapshot_path().exists(), "a refused snapshot is removed");
    assert_eq!(s.snapshot_changes().unwrap(), None);
}

#[test]
fn an_erasure_removes_the_snapshot_its_generation_and_changed_set() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    write(&s, b"catalog");
    change_ticket(&s, "BBBB");
    let copy = fs::read(s.snapshot_path()).unwrap();
    erase_ticket(&s, "BBBB");
    assert!(!s.snapshot_path().exists(), "removed by the erasure");
    assert!(changed(&s).is_empty(), "no trace of the ticket left");
    assert_eq!(s.snapshot_changes().unwrap(), None);
    fs::write(s.snapshot_path(), &copy).unwrap();
    assert_eq!(read_all(&s), Err(SnapshotRefusal::Stale));
    // And the explicit destruction (before a forget, a purge, a rotation).
    write(&s, b"catalog");
    change_ticket(&s, "CCCC");
    s.discard_snapshot().unwrap();
    assert!(!s.snapshot_path().exists());
    assert!(changed(&s).is_empty());
    assert_eq!(read_all(&s), Err(SnapshotRefusal::Missing));
}

#[test]
fn a_snapshot_and_its_changes_survive_reopening_the_store() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    write(&s, b"catalog");
    let cfg_dir = tmp.path().to_path_buf();
    drop(s);
    let s = store(&cfg_dir);
    assert!(s.snapshot_path().exists());
    change_ticket(&s, "DDDD");
    drop(s);
    let s = store(&cfg_dir);
    assert_eq!(
        read_with_changes(&s).unwrap(),
        (b"catalog".to_vec(), vec!["DDDD".to_string()])
    );
    erase_ticket(&s, "DDDD");
    drop(s);
    let s = store(&cfg_dir);
    assert_eq!(s.snapshot_changes().unwrap(), None);
    write(&s, b"again");
    drop(s);
    let s = store(&cfg_dir);
    assert_eq!(read_all(&s).unwrap(), b"again");
}

#[test]
fn an_altered_or_cut_snapshot_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    // Each case on a freshly written (current) snapshot, so that only the damage refuses it.
    let fresh = |s: &Store| {
        write(s, &plain());
        fs::read(s.snapshot_path()).unwrap()
    };
    let header = 8 + 4 + GENERATION_LEN + 1 + FORMAT.len();
    let len = fresh(&s).len();
    for cut in [3, header, header + 10, len / 2, len - 1] {
        let good = fresh(&s);
        fs::write(s.snapshot_path(), &good[..cut]).unwrap();
        assert!(read_all(&s).is_err(), "cut at {cut}");
    }
    for at in [20, header + 30, len - 5] {
        let mut bad = fresh(&s);
        bad[at] ^= 1;
        fs::write(s.snapshot_path(), &bad).unwrap();
        assert!(read_all(&s).is_err(), "altered at {at}");
    }
    let mut longer = fresh(&s);
    longer.push(0);
    fs::write(s.snapshot_path(), &longer).unwrap();
    assert!(read_all(&s).is_err(), "trailing bytes");
    let good = fresh(&s);
    fs::write(s.snapshot_path(), &good).unwrap();
    assert_eq!(read_all(&s).unwrap(), plain());
}

#[test]
fn a_rotation_destroys_the_snapshot_and_an_old_epochs_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    write(&s, b"catalog");
    let old = fs::read(s.snapshot_path()).unwrap();
    s.rekey(&Actor::service()).unwrap();
    assert!(!s.snapshot_path().exists(), "destroyed by the rotation");
    // Put back (a copy kept elsewhere): its epoch's key is gone.
    fs::write(s.snapshot_path(), &old).unwrap();
    assert_eq!(read_all(&s), Err(SnapshotRefusal::OtherEpoch));
}

#[test]
fn a_purge_that_erases_nothing_keeps_the_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    let policy = crate::config::RetentionConfig::default();
    write(&s, b"catalog");
    s.purge(&policy, &Actor::service(), true).unwrap();
    assert!(s.snapshot_path().exists());
    s.purge(&policy, &Actor::service(), false).unwrap();
    assert!(s.snapshot_path().exists());
    assert_eq!(read_all(&s).unwrap(), b"catalog");
}

#[test]
fn a_snapshot_in_another_format_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    write(&s, b"catalog");
    assert_eq!(
        s.take_snapshot("test catalog 2").unwrap().err(),
        Some(SnapshotRefusal::OtherFormat)
    );
    assert!(!s.snapshot_path().exists());
}
