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

fn change(s: &Store) {
    s.audit_action(&Actor::service(), "test.action", None, None)
        .unwrap();
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
    let mut r = s.take_snapshot(FORMAT).unwrap()?;
    let mut out = Vec::new();
    r.read_to_end(&mut out)
        .map_err(|_| SnapshotRefusal::Malformed)?;
    Ok(out)
}

#[test]
fn a_current_snapshot_reads_back_once_and_holds_nothing_in_clear() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    write(&s, &plain());
    let on_disk = fs::read(s.snapshot_path()).unwrap();
    assert!(!on_disk.windows(12).any(|w| w == b"SNAPSHOTWORD"));
    assert_eq!(read_all(&s).unwrap(), plain());
    assert!(!s.snapshot_path().exists(), "taken when read");
    assert_eq!(read_all(&s), Err(SnapshotRefusal::Missing));
}

#[test]
fn a_commit_after_the_snapshot_removes_it_and_a_copy_put_back_is_stale() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    write(&s, b"catalog");
    let copy = fs::read(s.snapshot_path()).unwrap();
    change(&s);
    assert!(!s.snapshot_path().exists(), "removed by the change");
    fs::write(s.snapshot_path(), &copy).unwrap();
    assert_eq!(read_all(&s), Err(SnapshotRefusal::Stale));
    assert!(!s.snapshot_path().exists(), "a refused snapshot is removed");
    // Read once: a copy of a snapshot already read is stale too.
    write(&s, b"catalog");
    let copy = fs::read(s.snapshot_path()).unwrap();
    assert_eq!(read_all(&s).unwrap(), b"catalog");
    fs::write(s.snapshot_path(), &copy).unwrap();
    assert_eq!(read_all(&s), Err(SnapshotRefusal::Stale));
}

#[test]
fn a_snapshot_survives_reopening_the_store_and_a_later_change_removes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    write(&s, b"catalog");
    let cfg_dir = tmp.path().to_path_buf();
    drop(s);
    let s = store(&cfg_dir);
    assert!(s.snapshot_path().exists());
    change(&s);
    assert!(!s.snapshot_path().exists());
    drop(s);
    let s = store(&cfg_dir);
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
fn a_purge_destroys_the_snapshot_and_a_dry_run_keeps_it() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    let policy = crate::config::RetentionConfig::default();
    write(&s, b"catalog");
    s.purge(&policy, &Actor::service(), true).unwrap();
    assert!(s.snapshot_path().exists());
    s.purge(&policy, &Actor::service(), false).unwrap();
    assert!(!s.snapshot_path().exists());
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
