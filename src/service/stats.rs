//! `ticket stats`: counts over the contacts' coded facts, with small counts suppressed (see
//! [`super::suppress`]). Only the suppressed figures ever leave the service.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::suppress::{self, Mark, Relation};
use crate::anonymise::Language;
use crate::store::{Fact, Month, StatsInput};
use crate::taxonomy::{Dimension, Taxonomy, UNCLASSIFIED};

/// One figure as shown: a count, `<t` (1 to t-1), or `x` (hidden so that a small count
/// cannot be worked out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// The count.
    Count(u64),
    /// From 1 to under the threshold.
    Small(u32),
    /// Hidden.
    Withheld,
}

impl Cell {
    fn new(value: u64, mark: Mark, t: u32) -> Cell {
        match mark {
            Mark::Shown => Cell::Count(value),
            Mark::Small => Cell::Small(t),
            Mark::Withheld => Cell::Withheld,
        }
    }

    /// How people read it: `12`, `<5`, `x`.
    pub fn text(&self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Small(t) => format!("<{t}"),
            Cell::Withheld => "x".into(),
        }
    }

    /// The count, when shown.
    pub fn count(&self) -> Option<u64> {
        match self {
            Cell::Count(n) => Some(*n),
            _ => None,
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Count(n) => s.serialize_u64(*n),
            other => s.serialize_str(&other.text()),
        }
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Cell, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Cell;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a count, \"<N\" or \"x\"")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Cell, E> {
                Ok(Cell::Count(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Cell, E> {
                if v == "x" {
                    return Ok(Cell::Withheld);
                }
                v.strip_prefix('<')
                    .and_then(|t| t.parse().ok())
                    .map(Cell::Small)
                    .ok_or_else(|| E::custom("expected \"<N\" or \"x\""))
            }
        }
        d.deserialize_any(V)
    }
}

/// A table: keys in their order (months in time, codes in the classification's order),
/// written as a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cells(pub Vec<(String, Cell)>);

impl Serialize for Cells {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Cells {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Cells, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Cells;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of counts")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Cells, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = a.next_entry::<String, Cell>()? {
                    out.push((k, v));
                }
                Ok(Cells(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Time to the first reply, in hours; null when fewer contacts than the threshold had one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Percentiles {
    /// The median.
    pub median: Option<u32>,
    /// The 90th percentile.
    pub p90: Option<u32>,
}

/// The figures of `ticket stats --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// First month of the period.
    pub from: Month,
    /// Last month of the period (included).
    pub to: Month,
    /// Counts from 1 to under this are shown as `<threshold`.
    pub threshold: u32,
    /// Contacts received in the period (new tickets).
    pub contacts: Cell,
    /// Contacts by the month they were received.
    pub by_month: Cells,
    /// Contacts by type (`unclassified`: no type recorded yet).
    pub by_type: Cells,
    /// Contacts by category; a contact may have several (`unclassified`: none).
    pub by_category: Cells,
    /// Contacts by the writer's role (`unclassified`: none recorded).
    pub by_role: Cells,
    /// Contacts by the language of their first message.
    pub by_language: Cells,
    /// Hours from a contact's first message to the first reply a counsellor wrote.
    pub first_reply_hours: Percentiles,
    /// Messages writers sent after their first, in the period's contacts.
    pub follow_ups: Cell,
    /// Replies counsellors wrote to the period's contacts (acknowledgements not counted).
    pub replies: Cell,
    /// Tickets awaiting an answer at the end of the period (now, if it has not ended).
    pub waiting: Cell,
}

/// What `ticket stats` receives: the figures, and the classification to label them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsReport {
    /// The figures.
    pub stats: Stats,
    /// The classification (labels in three languages).
    pub taxonomy: Taxonomy,
}

/// The languages counted, in their order.
pub const LANGUAGES: [Language; 4] = [Language::Fr, Language::Nl, Language::En, Language::Unknown];

/// The key of a language in `by_language`.
pub fn language_key(l: Language) -> &'static str {
    match l {
        Language::Fr => "fr",
        Language::Nl => "nl",
        Language::En => "en",
        Language::Unknown => "unknown",
    }
}

/// Counts per key: every code of the list in order, then `unclassified`, then codes the
/// facts use that the list no longer has.
fn by_code(
    tax: &Taxonomy,
    dim: Dimension,
    facts: &[&Fact],
    codes_of: impl Fn(&Fact) -> Vec<&str>,
) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = tax
        .entries(dim)
        .iter()
        .map(|e| (e.code.clone(), 0))
        .collect();
    out.push((UNCLASSIFIED.to_string(), 0));
    let known = out.len();
    for f in facts {
        let codes = codes_of(f);
        if codes.is_empty() {
            out[known - 1].1 += 1;
        }
        for code in codes {
            match out.iter_mut().find(|(k, _)| k == code) {
                Some((_, n)) => *n += 1,
                None => out.push((code.to_string(), 1)),
            }
        }
    }
    out[known..].sort();
    out
}

fn table(rows: Vec<(String, u64)>, total: u64, t: u32, relation: Relation) -> Cells {
    let values: Vec<u64> = rows.iter().map(|(_, n)| *n).collect();
    let marks = suppress::protect(&values, total, u64::from(t), relation);
    Cells(
        rows.into_iter()
            .zip(marks)
            .map(|((k, n), m)| (k, Cell::new(n, m, t)))
            .collect(),
    )
}

fn single(value: u64, t: u32) -> Cell {
    Cell::new(value, suppress::mark(value, u64::from(t)), t)
}

/// The nearest-rank percentile `p` (0 to 100) of sorted values.
fn percentile(sorted: &[u32], p: usize) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// The figures for months `from` to `to`, suppressed with threshold `t`.
pub fn compute(input: &StatsInput, tax: &Taxonomy, from: Month, to: Month, t: u32) -> Stats {
    let facts: Vec<&Fact> = input
        .facts
        .iter()
        .filter(|f| (from..=to).contains(&f.month))
        .collect();
    let total = facts.len() as u64;
    let months: Vec<(String, u64)> = (from.0..=to.0)
        .map(|m| {
            let n = facts.iter().filter(|f| f.month.0 == m).count() as u64;
            (Month(m).to_string(), n)
        })
        .collect();
    let types = by_code(tax, Dimension::Type, &facts, |f| {
        f.classification.iter().map(|c| c.kind.as_str()).collect()
    });
    let categories = by_code(tax, Dimension::Category, &facts, |f| {
        f.classification
            .iter()
            .flat_map(|c| c.categories.iter().map(String::as_str))
            .collect()
    });
    let roles = by_code(tax, Dimension::Role, &facts, |f| {
        f.classification
            .iter()
            .filter_map(|c| c.role.as_deref())
            .collect()
    });
    let languages: Vec<(String, u64)> = LANGUAGES
        .iter()
        .map(|l| {
            let n = facts.iter().filter(|f| f.language == *l).count() as u64;
            (language_key(*l).to_string(), n)
        })
        .collect();
    let mut delays: Vec<u32> = facts.iter().filter_map(|f| f.first_reply_hours).collect();
    delays.sort_unstable();
    let shown = delays.len() >= t as usize;
    let unclassified = categories
        .iter()
        .position(|(k, _)| k == UNCLASSIFIED)
        .expect("listed");
    Stats {
        from,
        to,
        threshold: t,
        contacts: single(total, t),
        by_month: table(months, total, t, Relation::Partition),
        by_type: table(types, total, t, Relation::Partition),
        by_category: table(categories, total, t, Relation::Cover { unclassified }),
        by_role: table(roles, total, t, Relation::Partition),
        by_language: table(languages, total, t, Relation::Partition),
        first_reply_hours: Percentiles {
            median: percentile(&delays, 50).filter(|_| shown),
            p90: percentile(&delays, 90).filter(|_| shown),
        },
        follow_ups: single(facts.iter().map(|f| u64::from(f.follow_ups)).sum(), t),
        replies: single(facts.iter().map(|f| u64::from(f.replies)).sum(), t),
        waiting: single(input.waiting, t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::Classification;

    fn fact(month: u32, kind: Option<&str>, cats: &[&str], delay: Option<u32>) -> Fact {
        Fact {
            month: Month(month),
            language: Language::Fr,
            classification: kind.map(|k| Classification {
                kind: k.into(),
                categories: cats.iter().map(|c| c.to_string()).collect(),
                role: Some("own".into()),
            }),
            first_reply_hours: delay,
            follow_ups: 1,
            replies: 1,
        }
    }

    #[test]
    fn counts_are_grouped_listed_and_suppressed() {
        let m = Month::parse("2024-01").unwrap();
        let mut facts = Vec::new();
        for i in 0..12 {
            facts.push(fact(m.0, Some("counselling"), &["mental_health"], Some(i)));
        }
        facts.push(fact(m.0 + 1, Some("abusive"), &[], None));
        facts.push(fact(m.0 + 30, Some("abusive"), &[], None)); // outside the period
        let input = StatsInput { facts, waiting: 0 };
        let s = compute(&input, &Taxonomy::builtin(), m, m.plus(2), 5);
        assert_eq!(s.contacts, Cell::Count(13));
        // 12 and 1 in January and February: the 1 would follow from the total.
        assert_eq!(
            s.by_month.0,
            [
                ("2024-01".to_string(), Cell::Withheld),
                ("2024-02".to_string(), Cell::Small(5)),
                ("2024-03".to_string(), Cell::Count(0)),
            ]
        );
        let types: Vec<&str> = s.by_type.0.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            types,
            [
                "counselling",
                "information",
                "silent_or_test",
                "abusive",
                "misdirected",
                "unclassified"
            ]
        );
        assert_eq!(s.by_role.0[0], ("own".to_string(), Cell::Count(13)));
        assert_eq!(s.first_reply_hours.median, Some(5));
        assert_eq!(s.first_reply_hours.p90, Some(10));
        assert_eq!(s.follow_ups, Cell::Count(13));
        assert_eq!(s.waiting, Cell::Count(0));
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["by_month"]["2024-02"], "<5");
        assert_eq!(json["by_month"]["2024-01"], "x");
        assert_eq!(json["from"], "2024-01");
        // Keys keep their order through JSON text (a serde_json::Value would sort them).
        let back: Stats = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn percentiles_need_the_threshold() {
        let m = Month(24_300);
        let facts = (0..4).map(|i| fact(m.0, None, &[], Some(i))).collect();
        let s = compute(
            &StatsInput { facts, waiting: 3 },
            &Taxonomy::builtin(),
            m,
            m,
            5,
        );
        assert_eq!(s.first_reply_hours, Percentiles::default());
        assert_eq!(s.waiting, Cell::Small(5));
        assert_eq!(percentile(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), Some(9));
        assert_eq!(percentile(&[7], 50), Some(7));
    }

    #[test]
    fn codes_no_longer_in_the_file_are_still_counted() {
        let m = Month(24_300);
        let facts = (0..6)
            .map(|_| fact(m.0, Some("old_type"), &["old_cat"], None))
            .collect();
        let s = compute(
            &StatsInput { facts, waiting: 0 },
            &Taxonomy::builtin(),
            m,
            m,
            5,
        );
        assert_eq!(
            s.by_type.0.last().unwrap(),
            &("old_type".to_string(), Cell::Count(6))
        );
        assert_eq!(
            s.by_category.0.last().unwrap(),
            &("old_cat".to_string(), Cell::Count(6))
        );
    }
}
