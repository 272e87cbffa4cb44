//! The ticket store: one sled tree with prefixed keys, plus sealed files for large payloads.
//!
//! * Every record that says anything about a writer is sealed under the ticket's data key.
//! * A change is durable when its transaction's commit (`Txn::commit`) returns: payload
//!   files are written and fsync'd with their directory first, then the sled batch is
//!   applied, flushed, and every sled file (and its directory) is fsync'd, because sled's own
//!   `flush()` stops at `sync_file_range` and never syncs its blob files.
//! * One process owns the store at a time (`data_dir/lock`, naming the owner's pid).

mod audit;
mod chain;
mod classification;
mod codec;
mod drafts;
mod durable;
mod error;
mod files;
mod filing;
mod maintenance;
mod open;
mod outbox;
mod quarantine;
mod read;
pub mod records;
mod retention;
mod snapshot;
mod stats;
mod txn;
mod workflow;

pub use error::StoreError;
pub use open::{InitReport, Store, StoreLock};
pub use outbox::Outgoing;
pub use quarantine::QuarantinedMessage;
pub use read::{sort_summaries, summary_order};
pub use records::SCHEMA_VERSION;
pub use snapshot::{SnapshotReader, SnapshotRefusal, TakenSnapshot};
pub use stats::{Fact, StatsInput, open_facts_file};
pub use workflow::Change;

pub use crate::model::{
    Actor, AttachmentView, AuditEntry, AuditVerification, BaseView, DraftSummary, DraftView,
    ExpectedHead, HeadCheck, HeadVerdict, ListFilter, MessageView, Month, NoteView, OutboxView,
    Outcome, PurgeReport, QuarantineView, RekeyReport, Removal, RevealView, ReviewView,
    StatusFilter, TicketRefs, TicketSummary, TicketView,
};

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    use super::*;
    use crate::anonymise::{
        Anonymised, Attachment, AttachmentContent, AttachmentKind, Language, Secrets, Signals,
    };
    use crate::config::Config;
    use crate::model::{Prepared, PreparedItem};

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

    fn message(subject: &str, body: &str) -> Prepared {
        Prepared {
            size: 100,
            digests: vec![*blake3::hash(subject.as_bytes()).as_bytes()],
            received: 1_717_408_799,
            item: PreparedItem::Message(Box::new(Anonymised {
                subject: subject.into(),
                body: body.into(),
                language: Language::En,
                attachments: vec![Attachment {
                    kind: AttachmentKind::Text,
                    size: 5,
                    content: AttachmentContent::Kept(b"notes".to_vec()),
                }],
                date_utc: None,
                signals: Signals::default(),
                secrets: Secrets {
                    from_address: Some("writer@example.org".into()),
                    message_id: Some("m1@example.org".into()),
                    references: vec![],
                    ancestry: vec![],
                    recipient_tokens: vec![],
                },
            })),
        }
    }

    #[test]
    fn a_commit_survives_reopening() {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = config(tmp.path());
        Store::init(&cfg).unwrap();
        let id = {
            let store = Store::open(&cfg).unwrap();
            let out = store
                .commit_intake(vec![message("subject one", &"long body ".repeat(2000))])
                .unwrap();
            match &out[0] {
                Outcome::Ticketed { ticket } => ticket.clone(),
                other => panic!("{other:?}"),
            }
        };
        let store = Store::open(&cfg).unwrap();
        let t = store.show_ticket(&id).unwrap();
        assert_eq!(t.subject, "subject one");
        assert!(t.messages[0].body.starts_with("long body"));
        assert_eq!(t.received.0, 1_717_405_200, "rounded to the hour");
        assert!(t.can_reply);
        let (_, bytes) = store.attachment(&id, "1").unwrap();
        assert_eq!(&bytes[..], b"notes");
        assert!(store.audit_verify().unwrap().ok);
        // Dedupe: the same digest again is already seen.
        assert_eq!(
            store
                .commit_intake(vec![message("subject one", "x")])
                .unwrap(),
            vec![Outcome::AlreadySeen]
        );
    }

    #[test]
    fn a_second_process_is_refused_with_the_owner_named() {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = config(tmp.path());
        Store::init(&cfg).unwrap();
        let _first = Store::open(&cfg).unwrap();
        // flock is per open file description: a second open in the same process conflicts too.
        let e = Store::open(&cfg).unwrap_err();
        assert!(e.is_locked());
        assert_eq!(e.owner_pid(), Some(std::process::id()));
        assert!(e.to_string().contains(&std::process::id().to_string()));
    }

    #[test]
    fn nothing_in_clear_on_disk() {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = config(tmp.path());
        Store::init(&cfg).unwrap();
        let store = Store::open(&cfg).unwrap();
        store
            .commit_intake(vec![message("SECRETSUBJECT", "SECRETBODY")])
            .unwrap();
        drop(store);
        let mut stack = vec![cfg.data_dir.clone()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap().flatten() {
                if e.path().is_dir() {
                    stack.push(e.path());
                    continue;
                }
                let bytes = fs::read(e.path()).unwrap();
                for needle in [
                    &b"SECRETSUBJECT"[..],
                    b"SECRETBODY",
                    b"writer@example.org",
                    b"m1@example.org",
                ] {
                    assert!(
                        !bytes.windows(needle.len()).any(|w| w == needle),
                        "{} holds clear text",
                        e.path().display()
                    );
                }
            }
        }
    }

    #[test]
    fn corrupt_store_is_refused_and_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = config(tmp.path());
        Store::init(&cfg).unwrap();
        {
            let store = Store::open(&cfg).unwrap();
            store.commit_intake(vec![message("a", "b")]).unwrap();
        }
        let conf = cfg.data_dir.join("db/conf");
        fs::write(&conf, b"garbage that is not a sled configuration").unwrap();
        let before = fs::read(cfg.data_dir.join("db/db")).unwrap();
        assert!(Store::open(&cfg).is_err());
        assert_eq!(
            fs::read(cfg.data_dir.join("db/db")).unwrap(),
            before,
            "never overwritten"
        );
    }
}
