//! The search index: in memory only, built when the service starts, never written to disk,
//! so destroying a ticket's key leaves no searchable trace of it anywhere.
//!
//! Words are lowercased and stripped of accents ("Écrire" finds "ecrire"); a query finds the
//! tickets that contain every one of its words, each word matching as a prefix.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use roaring::RoaringBitmap;

/// Longest word indexed, in characters (longer runs are rarely words: base64, URLs).
const MAX_WORD: usize = 40;

/// Folds a character for searching: lowercase, Latin accents removed.
fn fold(c: char) -> char {
    let c = c.to_lowercase().next().unwrap_or(c);
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ñ' | 'ń' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
        'ý' | 'ÿ' => 'y',
        'ś' | 'š' => 's',
        'ź' | 'ż' | 'ž' => 'z',
        'ł' => 'l',
        c => c,
    }
}

/// The searchable words of a text, folded.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().count() <= MAX_WORD)
        .map(|w| w.chars().map(fold).collect())
}

/// An inverted index from folded words to tickets.
#[derive(Debug, Default)]
pub struct SearchIndex {
    vocab: BTreeMap<Box<str>, RoaringBitmap>,
    ids: Vec<Arc<str>>,
    ordinal: HashMap<Arc<str>, u32>,
    removed: RoaringBitmap,
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> SearchIndex {
        SearchIndex::default()
    }

    fn ordinal_of(&mut self, ticket: &Arc<str>) -> u32 {
        if let Some(&o) = self.ordinal.get(&**ticket) {
            return o;
        }
        let o = self.ids.len() as u32;
        self.ids.push(ticket.clone());
        self.ordinal.insert(ticket.clone(), o);
        o
    }

    /// Adds the words of `text` to a ticket's entries (the reference is shared, not copied).
    pub fn add(&mut self, ticket: &Arc<str>, text: &str) {
        let o = self.ordinal_of(ticket);
        self.removed.remove(o);
        for w in words(text) {
            match self.vocab.get_mut(w.as_str()) {
                Some(b) => {
                    b.insert(o);
                }
                None => {
                    let mut b = RoaringBitmap::new();
                    b.insert(o);
                    self.vocab.insert(w.into_boxed_str(), b);
                }
            }
        }
    }

    /// Drops a ticket from every result.
    pub fn remove(&mut self, ticket: &str) {
        if let Some(&o) = self.ordinal.get(ticket) {
            self.removed.insert(o);
        }
    }

    /// Tickets containing every word of `query` (each as a prefix), in no particular order.
    pub fn search(&self, query: &str) -> Vec<Arc<str>> {
        let mut result: Option<RoaringBitmap> = None;
        for w in words(query) {
            let mut matches = RoaringBitmap::new();
            for (_, b) in self
                .vocab
                .range::<str, _>((
                    std::ops::Bound::Included(w.as_str()),
                    std::ops::Bound::Unbounded,
                ))
                .take_while(|(k, _)| k.starts_with(w.as_str()))
            {
                matches |= b;
            }
            result = Some(match result {
                Some(r) => r & matches,
                None => matches,
            });
            if result.as_ref().is_some_and(RoaringBitmap::is_empty) {
                break;
            }
        }
        let Some(mut r) = result else {
            return Vec::new();
        };
        r -= &self.removed;
        r.iter().map(|o| self.ids[o as usize].clone()).collect()
    }

    /// Ticket references by ordinal, in the order they were first indexed.
    pub fn ids(&self) -> &[Arc<str>] {
        &self.ids
    }

    /// Every word and the ordinals of the tickets holding it, in word order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &RoaringBitmap)> {
        self.vocab.iter().map(|(w, b)| (&**w, b))
    }

    /// Ordinals of tickets dropped from every result.
    pub fn removed(&self) -> &RoaringBitmap {
        &self.removed
    }

    /// Appends a ticket reference as the next ordinal (rebuilding an index from
    /// [`SearchIndex::ids`]).
    pub fn push_id(&mut self, ticket: Arc<str>) {
        self.ordinal_of(&ticket);
    }

    /// Sets a word's tickets (rebuilding an index from [`SearchIndex::entries`]).
    pub fn set_entry(&mut self, word: Box<str>, tickets: RoaringBitmap) {
        self.vocab.insert(word, tickets);
    }

    /// Sets the dropped ordinals (rebuilding an index from [`SearchIndex::removed`]).
    pub fn set_removed(&mut self, removed: RoaringBitmap) {
        self.removed = removed;
    }

    /// Distinct words indexed.
    pub fn words(&self) -> usize {
        self.vocab.len()
    }

    /// An estimate of the memory the index holds, in bytes.
    pub fn memory_bytes(&self) -> usize {
        self.vocab
            .iter()
            .map(|(k, b)| k.len() + b.serialized_size() + 64)
            .sum::<usize>()
            + self.ids.len() * 48
    }
}

/// A short excerpt of `text` around the first word of `query` found in it, on one line.
pub fn excerpt(text: &str, query: &str, width: usize) -> Option<String> {
    let folded: Vec<char> = text.chars().map(fold).collect();
    let lower: String = folded.iter().collect();
    let pos = words(query)
        .filter_map(|w| {
            // A match at the start of a word.
            lower.match_indices(w.as_str()).find_map(|(i, _)| {
                let before = lower[..i].chars().next_back();
                (before.is_none_or(|c| !c.is_alphanumeric())).then_some(i)
            })
        })
        .min()?;
    let char_pos = lower[..pos].chars().count();
    let chars: Vec<char> = text.chars().collect();
    let start = char_pos.saturating_sub(width / 3);
    let end = (start + width).min(chars.len());
    let mut s: String = chars[start..end]
        .iter()
        .map(|&c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    while s.contains("  ") {
        s = s.replace("  ", " ");
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(s.trim());
    if end < chars.len() {
        out.push('…');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_word_as_a_prefix_without_accents() {
        let mut ix = SearchIndex::new();
        let (a, b): (Arc<str>, Arc<str>) = ("A".into(), "B".into());
        ix.add(&a, "Je n'arrive plus à écrire à l'école");
        ix.add(&b, "I cannot sleep since my stepfather moved in");
        ix.add(&b, "note: follow up on Tuesday");
        assert_eq!(ix.search("ecole"), vec![a.clone()]);
        assert_eq!(ix.search("ÉCRI"), vec![a]);
        assert_eq!(ix.search("sleep stepfa"), vec![b.clone()]);
        assert_eq!(ix.search("tuesday"), vec![b], "notes are indexed too");
        assert!(ix.search("sleep ecole").is_empty());
        assert!(ix.search("").is_empty());
        ix.remove("A");
        assert!(ix.search("ecole").is_empty());
    }

    #[test]
    fn excerpt_centres_on_the_match() {
        let text =
            "Bonjour,\n\nJe vous écris parce que je n'arrive plus à dormir depuis des semaines.";
        let e = excerpt(text, "dormir", 30).unwrap();
        assert!(e.contains("dormir"), "{e}");
        assert!(e.starts_with('…'));
        assert!(!e.contains('\n'));
        assert_eq!(excerpt(text, "absent", 30), None);
        assert!(excerpt("École", "ecole", 30).unwrap().contains("École"));
    }
}
