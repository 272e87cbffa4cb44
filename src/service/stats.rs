//! `ticket stats`: counts over the contacts' coded facts, with small counts suppressed (see
//! [`super::suppress`]). Only the suppressed figures ever leave the service.

use super::suppress::{self, Mark, Relation};
use crate::anonymise::Language;
use crate::model::Month;
pub use crate::model::{Cell, Cells, Percentiles, Stats, StatsReport};
use crate::store::{Fact, StatsInput};
use crate::taxonomy::{Dimension, Taxonomy, UNCLASSIFIED};

/// The cell that shows `value` as `mark` says, with threshold `t`.
fn cell_of(value: u64, mark: Mark, t: u32) -> Cell {
    match mark {
        Mark::Shown => Cell::Count(value),
        Mark::Small => Cell::Small(t),
        Mark::Withheld => Cell::Withheld,
    }
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
            .map(|((k, n), m)| (k, cell_of(n, m, t)))
            .collect(),
    )
}

fn single(value: u64, t: u32) -> Cell {
    cell_of(value, suppress::mark(value, u64::from(t)), t)
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
