//! What the service keeps in memory to answer quickly: every ticket's summary and the search
//! index. Built from the store when first needed (at start for the daemon), kept up to date
//! after every change; the daemon keeps it, sealed, across a clean restart (a snapshot, see
//! [`crate::store::Store::write_snapshot`]).

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::sync::Arc;

use roaring::RoaringBitmap;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

use super::search::SearchIndex;
use crate::frame;
use crate::store::{Store, StoreError, TicketSummary};

/// What a catalog snapshot is written in: the program's version and the frames' format (a
/// snapshot written by another version is not read: its index may fold words differently).
pub const SNAPSHOT_FORMAT: &str = concat!("sourdine ", env!("CARGO_PKG_VERSION"), " catalog 1");

/// Largest frame accepted when a catalog is read from a pipe.
const MAX_FRAME: u64 = 64 << 20;

/// One frame of a catalog sent over a pipe ([`Catalog::write_to`]).
#[derive(Debug, Serialize, Deserialize)]
enum Part {
    /// How many summaries follow (to size the table once).
    Count(u64),
    /// One ticket's summary.
    Summary(Arc<TicketSummary>),
    /// The next ticket reference of the search index, by ordinal.
    Id(String),
    /// A word and its tickets (a serialised bitmap of ordinals).
    Word(String, ByteBuf),
    /// Ordinals dropped from the index (a serialised bitmap).
    Removed(ByteBuf),
    /// The catalog is complete.
    End,
}

fn write_part(w: &mut impl Write, part: &Part) -> io::Result<()> {
    frame::write(w, part, &[])
}

fn read_part(r: &mut impl Read, buf: &mut Vec<u8>) -> io::Result<Part> {
    frame::read_into(r, MAX_FRAME, buf)?;
    frame::split(buf).map(|(part, _)| part)
}

fn bitmap_bytes(b: &RoaringBitmap) -> io::Result<ByteBuf> {
    let mut out = Vec::with_capacity(b.serialized_size());
    b.serialize_into(&mut out)?;
    Ok(ByteBuf::from(out))
}

/// Summaries and search index.
#[derive(Debug, Default)]
pub struct Catalog {
    /// Keyed by the summary's own reference (shared with the search index, not copied). A
    /// summary is shared too: a list holds the summaries it answers with, not copies, and a
    /// change replaces a summary rather than altering the one a list may still hold.
    summaries: HashMap<Arc<str>, Arc<TicketSummary>>,
    index: SearchIndex,
    /// Counts the changes made since the catalog was built (see [`Catalog::changes`]).
    changes: u64,
    /// A ticket could not be read again after a change: this catalog may differ from the
    /// store, and is never kept as a snapshot.
    faulty: bool,
}

impl Catalog {
    /// Reads every ticket: summaries, and the text of every message and note for the index.
    pub fn build(store: &Store) -> Result<Catalog, StoreError> {
        let mut c = Catalog::default();
        for id in store.ticket_ids()? {
            c.refresh(store, &id)?;
        }
        Ok(c)
    }

    /// Re-reads one ticket after a change (or drops it when it no longer exists).
    pub fn refresh(&mut self, store: &Store, id: &str) -> Result<(), StoreError> {
        self.changes += 1;
        match store.ticket_summary_and_text(id) {
            Ok((mut s, text)) => {
                s.id = self.shared_id(id);
                self.index.add(&s.id, &text);
                self.summaries.insert(s.id.clone(), Arc::new(s));
                Ok(())
            }
            Err(e) if e.is_not_found() => {
                self.remove(id);
                Ok(())
            }
            Err(e) => {
                self.faulty = true;
                Err(e)
            }
        }
    }

    /// Re-reads one ticket's summary only (state, tags, claim changed; no new text).
    pub fn refresh_summary(&mut self, store: &Store, id: &str) -> Result<(), StoreError> {
        self.changes += 1;
        match store.ticket_summary(id) {
            Ok(mut s) => {
                s.id = self.shared_id(id);
                self.index.add(&s.id, &s.tags.join(" "));
                self.summaries.insert(s.id.clone(), Arc::new(s));
                Ok(())
            }
            Err(e) if e.is_not_found() => {
                self.remove(id);
                Ok(())
            }
            Err(e) => {
                self.faulty = true;
                Err(e)
            }
        }
    }

    /// The reference already held for a ticket, or a new one: a ticket's reference is kept
    /// once however often it is refreshed.
    fn shared_id(&self, id: &str) -> Arc<str> {
        match self.summaries.get_key_value(id) {
            Some((shared, _)) => shared.clone(),
            None => Arc::from(id),
        }
    }

    /// Adds text to a ticket's index entries (a new note).
    pub fn index_text(&mut self, id: &str, text: &str) {
        self.changes += 1;
        let id = self.shared_id(id);
        self.index.add(&id, text);
    }

    /// Forgets a ticket.
    pub fn remove(&mut self, id: &str) {
        self.changes += 1;
        self.summaries.remove(id);
        self.index.remove(id);
    }

    /// A counter that grows with every change to a ticket (new mail, a note, a tag, a claim,
    /// a state, a ticket destroyed): a view that stays open asks for it, and fetches the list
    /// again only when it moved.
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// Whether a change could not be applied (see the field): not to be kept.
    pub fn is_faulty(&self) -> bool {
        self.faulty
    }

    /// Every summary.
    pub fn summaries(&self) -> impl Iterator<Item = &Arc<TicketSummary>> {
        self.summaries.values()
    }

    /// One summary.
    pub fn summary(&self, id: &str) -> Option<&Arc<TicketSummary>> {
        self.summaries.get(id)
    }

    /// Tickets matching every word of `query`.
    pub fn search(&self, query: &str) -> Vec<Arc<str>> {
        self.index.search(query)
    }

    /// Number of tickets.
    pub fn len(&self) -> usize {
        self.summaries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.summaries.is_empty()
    }

    /// Writes the whole catalog as frames (summaries, then the search index), ending with an
    /// end mark so that a reader can tell a complete catalog from a cut one. Nothing of a
    /// ticket removed is written: not its reference (a placeholder keeps its ordinal), nor a
    /// word only it held.
    pub fn write_to(&self, w: &mut impl Write) -> io::Result<()> {
        write_part(w, &Part::Count(self.summaries.len() as u64))?;
        for s in self.summaries.values() {
            write_part(w, &Part::Summary(s.clone()))?;
        }
        let removed = self.index.removed();
        for (o, id) in self.index.ids().iter().enumerate() {
            // A placeholder is never a reference: `-` is not in their alphabet.
            let id = if removed.contains(o as u32) {
                format!("-{o}")
            } else {
                id.to_string()
            };
            write_part(w, &Part::Id(id))?;
        }
        for (word, tickets) in self.index.entries() {
            if !tickets.is_subset(removed) {
                let kept = tickets - removed;
                write_part(w, &Part::Word(word.to_string(), bitmap_bytes(&kept)?))?;
            }
        }
        write_part(w, &Part::Removed(bitmap_bytes(removed)?))?;
        write_part(w, &Part::End)?;
        w.flush()
    }

    /// Reads a catalog written by [`Catalog::write_to`], frame by frame. A stream cut before
    /// its end mark is an error.
    pub fn read_from(r: &mut impl Read) -> io::Result<Catalog> {
        let mut c = Catalog::default();
        let mut buf = Vec::new();
        loop {
            match read_part(r, &mut buf)? {
                Part::Count(n) => c
                    .summaries
                    .reserve(usize::try_from(n).unwrap_or(0).min(1 << 24)),
                Part::Summary(s) => {
                    c.summaries.insert(s.id.clone(), s);
                }
                Part::Id(id) => {
                    let id = c.shared_id(&id);
                    c.index.push_id(id);
                }
                Part::Word(word, bitmap) => c.index.set_entry(
                    word.into_boxed_str(),
                    RoaringBitmap::deserialize_from(&bitmap[..])?,
                ),
                Part::Removed(bitmap) => c
                    .index
                    .set_removed(RoaringBitmap::deserialize_from(&bitmap[..])?),
                Part::End => return Ok(c),
            }
        }
    }

    /// The search index's size, for status and benchmarks.
    pub fn index_stats(&self) -> (usize, usize) {
        (self.index.words(), self.index.memory_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anonymise::Language;
    use crate::store::records::Status;
    use crate::time::Stamp;

    fn summary(id: &str, subject: &str) -> TicketSummary {
        TicketSummary {
            id: id.into(),
            status: Status::Open,
            received: Stamp(1_717_408_800),
            last_in: Stamp(1_717_412_400),
            subject: subject.into(),
            messages: 2,
            urgent: id == "B",
            tags: vec!["école".into()],
            language: Language::Fr,
            answered: false,
            claimed_by: Some("alice".into()),
            claimed_by_uid: Some(1001),
            classification: None,
        }
    }

    fn sample() -> Catalog {
        let mut c = Catalog::default();
        for (id, text) in [
            ("A", "Je n'arrive plus à dormir"),
            ("B", "I cannot sleep"),
            ("C", "gone"),
        ] {
            let s = summary(id, text);
            c.index.add(&s.id, text);
            c.summaries.insert(s.id.clone(), Arc::new(s));
        }
        c.remove("C");
        c
    }

    #[test]
    fn a_catalog_read_back_from_its_frames_answers_the_same() {
        let c = sample();
        let mut bytes = Vec::new();
        c.write_to(&mut bytes).unwrap();
        assert!(
            !bytes.windows(4).any(|w| w == b"gone"),
            "nothing of a removed ticket is written"
        );
        let back = Catalog::read_from(&mut &bytes[..]).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back.summary("A"), c.summary("A"));
        assert_eq!(back.summary("B"), c.summary("B"));
        for q in ["dormir", "sleep", "gone", "arriv", "i cannot"] {
            assert_eq!(back.search(q), c.search(q), "{q}");
        }
        assert!(
            back.search("gone").is_empty(),
            "a removed ticket stays removed"
        );
        let mut again = back;
        again.index_text("A", "nouvelle note");
        assert_eq!(again.search("nouvelle"), vec![Arc::from("A")]);
    }

    #[test]
    fn a_cut_catalog_stream_is_refused() {
        let mut bytes = Vec::new();
        sample().write_to(&mut bytes).unwrap();
        for cut in [0, 3, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                Catalog::read_from(&mut &bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        let mut huge = (u32::MAX).to_le_bytes().to_vec();
        huge.extend_from_slice(&[0; 16]);
        assert!(Catalog::read_from(&mut &huge[..]).is_err());
    }
}
