//! What the service keeps in memory to answer quickly: every ticket's summary and the search
//! index. Built from the store when first needed (at start for the daemon), kept up to date
//! after every change, never written to disk.

use std::collections::HashMap;

use super::search::SearchIndex;
use crate::store::{Store, StoreError, TicketSummary};

/// Summaries and search index.
#[derive(Debug, Default)]
pub struct Catalog {
    summaries: HashMap<String, TicketSummary>,
    index: SearchIndex,
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
        match store.ticket_summary(id) {
            Ok(s) => {
                let text = store.ticket_text(id)?;
                self.index.add(id, &text);
                self.summaries.insert(id.to_string(), s);
                Ok(())
            }
            Err(e) if e.is_not_found() => {
                self.remove(id);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Re-reads one ticket's summary only (state, tags, claim changed; no new text).
    pub fn refresh_summary(&mut self, store: &Store, id: &str) -> Result<(), StoreError> {
        match store.ticket_summary(id) {
            Ok(s) => {
                self.index.add(id, &s.tags.join(" "));
                self.summaries.insert(id.to_string(), s);
                Ok(())
            }
            Err(e) if e.is_not_found() => {
                self.remove(id);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Adds text to a ticket's index entries (a new note).
    pub fn index_text(&mut self, id: &str, text: &str) {
        self.index.add(id, text);
    }

    /// Forgets a ticket.
    pub fn remove(&mut self, id: &str) {
        self.summaries.remove(id);
        self.index.remove(id);
    }

    /// Every summary.
    pub fn summaries(&self) -> impl Iterator<Item = &TicketSummary> {
        self.summaries.values()
    }

    /// One summary.
    pub fn summary(&self, id: &str) -> Option<&TicketSummary> {
        self.summaries.get(id)
    }

    /// Tickets matching every word of `query`.
    pub fn search(&self, query: &str) -> Vec<String> {
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

    /// The search index's size, for status and benchmarks.
    pub fn index_stats(&self) -> (usize, usize) {
        (self.index.words(), self.index.memory_bytes())
    }
}
