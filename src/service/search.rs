//! The search index: in memory only, built when the service starts, never written to disk,
//! so destroying a ticket's key leaves no searchable trace of it anywhere.
//!
//! Words are folded: full Unicode case folding ("Straße" finds "strasse"), compatibility
//! decomposition without the accents ("Écrire" finds "ecrire", also when written decomposed),
//! and the ligatures and letters that have no decomposition spelled out ("cœur" finds "coeur",
//! "Cæsar" "caesar", "Łódź" "lodz"). A query finds the tickets that contain every one of its
//! words, each word matching as a prefix.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use icu_casemap::CaseMapper;
use roaring::RoaringBitmap;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longest word indexed, in characters (longer runs are rarely words: base64, URLs).
const MAX_WORD: usize = 40;

/// Appends `c` folded for searching to `out` (nothing for a combining mark).
fn fold_into(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let mut buf = [0; 4];
    // Decomposed before and after folding: a compatibility character can decompose to
    // capitals (U+210C BLACK-LETTER CAPITAL H), a folded one to a letter and a mark.
    let bare: String = c
        .encode_utf8(&mut buf)
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .collect();
    let folded = CaseMapper::new().fold_string(&bare);
    for c in folded.nfkd().filter(|c| !is_combining_mark(*c)) {
        match c {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' => out.push('d'),
            c => out.push(c),
        }
    }
}

/// A word (or any text) folded for searching.
fn fold(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        fold_into(c, &mut out);
    }
    out
}

/// Whether `c` belongs to a word (a combining accent does, when the text is decomposed).
fn in_word(c: char) -> bool {
    if c.is_ascii() {
        // The same answer without the tables' lookups, for most characters of most texts.
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_combining_mark(c)
}

/// The searchable words of a text, folded.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    written_words(text).map(fold).filter(|w| !w.is_empty())
}

/// The words of a text as written, before folding (too long ones left out).
fn written_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !in_word(c))
        .filter(|w| !w.is_empty() && w.chars().count() <= MAX_WORD)
}

/// The searchable words of a text, folded, each once (in the order they first appear): a
/// word repeated as written is folded once, not at each occurrence.
fn distinct_words(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut written = std::collections::HashSet::new();
    let mut folded = std::collections::HashSet::new();
    written_words(text)
        .filter(move |w| written.insert(*w))
        .map(fold)
        .filter(move |w| !w.is_empty() && folded.insert(w.clone()))
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
        // Each distinct word once: a word repeated in the text costs a hash lookup, not a
        // search of the vocabulary and a bitmap insertion.
        for w in distinct_words(text) {
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
    // The folded text, and where in it each character of `text` starts.
    let mut lower = String::with_capacity(text.len());
    let mut starts = Vec::with_capacity(text.len());
    for c in text.chars() {
        starts.push(lower.len());
        fold_into(c, &mut lower);
    }
    let pos = words(query)
        .filter_map(|w| {
            // A match at the start of a word.
            lower.match_indices(w.as_str()).find_map(|(i, _)| {
                let before = lower[..i].chars().next_back();
                (before.is_none_or(|c| !in_word(c))).then_some(i)
            })
        })
        .min()?;
    let char_pos = starts.partition_point(|&s| s < pos);
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
    fn distinct_words_are_the_words_each_once_in_order() {
        let text = "Bonjour bonjour BONJOUR, l'été été ÉTÉ Straße strasse œuvre OEUVRE \
                    e\u{301}te\u{301} x1 x1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \
                    ﬁn fin a-b a_b 42 ٣ ";
        let mut expected: Vec<String> = Vec::new();
        for w in words(text) {
            if !expected.contains(&w) {
                expected.push(w);
            }
        }
        assert_eq!(distinct_words(text).collect::<Vec<_>>(), expected);
        assert!(expected.len() >= 10, "{expected:?}");
        for c in (0u8..128).map(char::from) {
            assert_eq!(
                in_word(c),
                c.is_alphanumeric() || is_combining_mark(c),
                "{c:?}"
            );
        }
    }

    #[test]
    fn a_word_repeated_in_a_text_is_indexed_once_and_found() {
        let mut ix = SearchIndex::new();
        let (a, b): (Arc<str>, Arc<str>) = ("A".into(), "B".into());
        ix.add(&a, "nuit NUIT nuit, peur; nuit peur");
        ix.add(&b, "peur");
        assert_eq!(ix.words(), 2);
        assert_eq!(ix.search("nuit"), vec![a.clone()]);
        let mut both = ix.search("peur");
        both.sort();
        assert_eq!(both, vec![a, b]);
    }

    #[test]
    fn ligatures_sharp_s_and_decomposed_accents_fold_like_their_letters() {
        let mut ix = SearchIndex::new();
        let t: Vec<Arc<str>> = (0..6).map(|i| i.to_string().into()).collect();
        ix.add(&t[0], "J'ai le cœur brisé, ŒUVRE d'une vie");
        ix.add(&t[1], "Ich wohne in der Hauptstraße");
        ix.add(&t[2], "Cæsar et l'ex æquo");
        ix.add(
            &t[3],
            "l'e\u{301}cole (written decomposed, as some clients do)",
        );
        ix.add(&t[4], "la \u{fb01}n du mois");
        ix.add(&t[5], "ΟΔΟΣ");
        assert_eq!(ix.search("coeur"), vec![t[0].clone()]);
        assert_eq!(ix.search("Cœur"), vec![t[0].clone()]);
        assert_eq!(ix.search("oeuvre"), vec![t[0].clone()]);
        assert_eq!(ix.search("hauptstrasse"), vec![t[1].clone()]);
        assert_eq!(ix.search("HAUPTSTRASSE"), vec![t[1].clone()]);
        assert_eq!(ix.search("caesar aequo"), vec![t[2].clone()]);
        assert_eq!(ix.search("ecole"), vec![t[3].clone()]);
        assert_eq!(ix.search("école"), vec![t[3].clone()]);
        assert_eq!(ix.search("fin"), vec![t[4].clone()]);
        assert_eq!(
            ix.search("οδος"),
            vec![t[5].clone()],
            "final sigma folds to sigma"
        );
        let e = excerpt(
            "Bonjour, mon cœur bat trop vite depuis hier soir.",
            "coeur",
            20,
        )
        .unwrap();
        assert!(e.contains("cœur bat"), "{e}");
        let e = excerpt("In der Hauptstraße wohnt er.", "hauptstrasse", 40).unwrap();
        assert_eq!(e, "In der Hauptstraße wohnt er.");
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
