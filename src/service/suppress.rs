//! Small-count suppression for the statistics, as statistical offices do it.
//!
//! * Primary: a count from 1 to under the threshold `t` is shown as `<t`. Zero is shown (it
//!   says nothing about a person).
//! * Secondary: a table whose cells add up to a published total (contacts by month, type,
//!   role or language: every contact is in exactly one cell, "unclassified" included) could
//!   give a hidden count away: with the total and every other cell, a lone `<t` cell is
//!   known. Worse, since a reader knows that a `<t` cell is 1 to `t-1`, two hidden cells can
//!   give each other away (hidden cells adding up to 2 are both 1). So for each table, the
//!   reader's knowledge is worked out exactly (the total, or 1 to `t-1` when the total is
//!   itself hidden; shown cells; 1 to `t-1` for a `<t` cell; at least `t` for a cell hidden
//!   as `x`), and while some `<t` cell has only one possible value, a further cell of at least
//!   `t` is hidden as `x`, the smallest one that is enough first. When no cell is left to hide,
//!   the whole table is hidden (`x` in every cell, zeros included).
//! * Categories are not a partition: a contact may have several, or none ("unclassified").
//!   Their cells do not add up to the total, but they are bounded by it: each category counts
//!   at most the contacts that have a category (the total minus "unclassified"), and together
//!   at least that many. Those bounds can give a hidden cell away too (one contact with two
//!   categories: both are 1), so the same rule is applied with them.
//! * The other figures (follow-ups, replies, waiting) stand alone: primary suppression only.

/// How a cell is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Its count.
    Shown,
    /// `<t`: a count from 1 to `t - 1`.
    Small,
    /// `x`: hidden so that a small count cannot be worked out.
    Withheld,
}

/// How a table's cells relate to the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Every contact is in exactly one cell: the cells add up to the total.
    Partition,
    /// A contact is in any number of cells but `unclassified`, or in that one alone.
    Cover {
        /// The index of the cell of contacts in no other cell.
        unclassified: usize,
    },
}

/// How one count is shown on its own.
pub fn mark(value: u64, t: u64) -> Mark {
    if (1..t).contains(&value) {
        Mark::Small
    } else {
        Mark::Shown
    }
}

/// The reader's bounds on a value.
type Bounds = (u64, u64);

/// What a reader knows of the total.
fn total_bounds(total: u64, t: u64) -> Bounds {
    match mark(total, t) {
        Mark::Small => (1, t - 1),
        _ => (total, total),
    }
}

/// What a reader knows of cell `i`.
fn cell_bounds(values: &[u64], marks: &[Mark], i: usize, t: u64, total_hi: u64) -> Bounds {
    match marks[i] {
        Mark::Shown => (values[i], values[i]),
        Mark::Small => (1, t - 1),
        Mark::Withheld => (t, total_hi.max(t)),
    }
}

/// Whether no `<t` cell of a partition has a single possible value.
fn partition_safe(values: &[u64], marks: &[Mark], total: u64, t: u64) -> bool {
    let (tlo, thi) = total_bounds(total, t);
    let b: Vec<Bounds> = (0..values.len())
        .map(|i| cell_bounds(values, marks, i, t, thi))
        .collect();
    let shown: u64 = (0..values.len())
        .filter(|&i| marks[i] == Mark::Shown)
        .map(|i| values[i])
        .sum();
    let hidden: Vec<usize> = (0..values.len())
        .filter(|&i| marks[i] != Mark::Shown)
        .collect();
    let (rlo, rhi) = (tlo.saturating_sub(shown), thi.saturating_sub(shown));
    hidden.iter().all(|&i| {
        if marks[i] != Mark::Small {
            return true;
        }
        let others_hi: u64 = hidden.iter().filter(|&&j| j != i).map(|&j| b[j].1).sum();
        let others_lo: u64 = hidden.iter().filter(|&&j| j != i).map(|&j| b[j].0).sum();
        let lo = b[i].0.max(rlo.saturating_sub(others_hi));
        let hi = b[i].1.min(rhi.saturating_sub(others_lo));
        lo < hi
    })
}

/// Whether no `<t` cell of a cover has a single possible value (see the module's notes).
fn cover_safe(values: &[u64], marks: &[Mark], u: usize, total: u64, t: u64) -> bool {
    let (tlo, thi) = total_bounds(total, t);
    let b: Vec<Bounds> = (0..values.len())
        .map(|i| cell_bounds(values, marks, i, t, thi))
        .collect();
    let codes: Vec<usize> = (0..values.len()).filter(|&i| i != u).collect();
    let shown: u64 = codes
        .iter()
        .filter(|&&i| marks[i] == Mark::Shown)
        .map(|&i| values[i])
        .sum();
    let hidden: Vec<usize> = codes
        .iter()
        .copied()
        .filter(|&i| marks[i] != Mark::Shown)
        .collect();
    // N, the contacts with a category: at least every code cell's lower bound, at most the
    // code cells together; and N = total - unclassified.
    let a0 = codes.iter().map(|&i| b[i].0).max().unwrap_or(0);
    let b0 = shown + hidden.iter().map(|&j| b[j].1).sum::<u64>();
    let n_lo = a0.max(tlo.saturating_sub(b[u].1));
    let n_hi = b0.min(thi.saturating_sub(b[u].0));
    if n_lo > n_hi {
        // Not reachable with true counts; nothing to learn.
        return true;
    }
    if marks[u] == Mark::Small {
        let lo = b[u].0.max(tlo.saturating_sub(n_hi));
        let hi = b[u].1.min(thi.saturating_sub(n_lo));
        if lo >= hi {
            return false;
        }
    }
    hidden.iter().all(|&i| {
        if marks[i] != Mark::Small {
            return true;
        }
        let hi = b[i].1.min(n_hi);
        // c_i >= N - shown - sum of the other hidden cells' most (each at most N): convex in
        // N, so its least value is at an end of N's range or where a bound starts to bind.
        let g = |n: u64| -> u64 {
            let others: u64 = hidden
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| b[j].1.min(n))
                .sum();
            n.saturating_sub(shown + others)
        };
        let least = std::iter::once(n_lo)
            .chain(std::iter::once(n_hi))
            .chain(hidden.iter().map(|&j| b[j].1))
            .filter(|n| (n_lo..=n_hi).contains(n))
            .map(g)
            .min()
            .unwrap_or(0);
        let lo = b[i].0.max(least);
        lo < hi
    })
}

fn safe(values: &[u64], marks: &[Mark], total: u64, t: u64, relation: Relation) -> bool {
    match relation {
        Relation::Partition => partition_safe(values, marks, total, t),
        Relation::Cover { unclassified } => cover_safe(values, marks, unclassified, total, t),
    }
}

/// How each cell of a table is shown: `<t` for small counts, then `x` for the further cells
/// hidden so that no small count can be worked out from the total and the other cells.
pub fn protect(values: &[u64], total: u64, t: u64, relation: Relation) -> Vec<Mark> {
    let mut marks: Vec<Mark> = values.iter().map(|&v| mark(v, t)).collect();
    while !safe(values, &marks, total, t, relation) {
        let mut candidates: Vec<usize> = (0..values.len())
            .filter(|&i| marks[i] == Mark::Shown && values[i] >= t)
            .collect();
        if candidates.is_empty() {
            return vec![Mark::Withheld; values.len()];
        }
        candidates.sort_by_key(|&i| (values[i], i));
        let enough = candidates.iter().copied().find(|&c| {
            let mut m = marks.clone();
            m[c] = Mark::Withheld;
            safe(values, &m, total, t, relation)
        });
        let pick = enough.unwrap_or(*candidates.last().expect("not empty"));
        marks[pick] = Mark::Withheld;
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::Mark::{Shown as S, Small as L, Withheld as X};
    use super::*;

    fn p(values: &[u64], total: u64) -> Vec<Mark> {
        protect(values, total, 5, Relation::Partition)
    }

    fn c(values: &[u64], total: u64) -> Vec<Mark> {
        let u = values.len() - 1;
        protect(values, total, 5, Relation::Cover { unclassified: u })
    }

    #[test]
    fn nothing_small_shows_everything() {
        assert_eq!(p(&[10, 0, 7], 17), [S, S, S]);
        assert_eq!(p(&[0, 0], 0), [S, S]);
    }

    #[test]
    fn a_lone_small_cell_takes_a_second_one_with_it() {
        // 13 - 10 = 3 would give the small cell away: the smallest large cell goes too.
        assert_eq!(p(&[10, 3, 0, 40], 53), [X, L, S, S]);
    }

    #[test]
    fn the_second_cell_must_leave_room() {
        // Hiding 5 is not enough: 6 - 5 = 1 and a hidden cell is at least 5.
        assert_eq!(p(&[1, 5, 9, 0], 15), [L, S, X, S]);
        // Nothing can protect it: the whole table goes.
        assert_eq!(p(&[1, 5, 0], 6), [X, X, X]);
    }

    #[test]
    fn two_small_cells_can_give_each_other_away() {
        // 3 + 4: either could be 3 or 4: safe.
        assert_eq!(p(&[3, 4, 20], 27), [L, L, S]);
        // 1 + 1 = 2: both are 1.
        assert_eq!(p(&[1, 1, 20], 22), [L, L, X]);
        // 4 + 4 = 8: both are 4.
        assert_eq!(p(&[4, 4, 20], 28), [L, L, X]);
    }

    #[test]
    fn a_hidden_total_still_bounds_the_cells() {
        // Four contacts, one in each cell: each must be 1.
        assert_eq!(p(&[1, 1, 1, 1, 0], 4), [X; 5]);
        // Two contacts in two cells: 1 or... each is 1 to 3 once the total is hidden.
        assert_eq!(p(&[1, 1, 0], 2), [L, L, S]);
    }

    #[test]
    fn categories_are_bounded_by_the_contacts_that_have_one() {
        // 20 contacts, 19 without a category, one with two: both are 1 (at most 20 - 19).
        assert_eq!(c(&[1, 1, 0, 19], 20), [L, L, S, X]);
        // Every categorised contact has at least one: 20 - 2 unclassified... 16 + a small
        // cell must reach 18 here, so it is 2 or more; not a single value: safe.
        assert_eq!(c(&[16, 3, 30], 48), [S, L, S]);
        // 16 + hidden >= 20 means the hidden cell is 4: hide another.
        assert_eq!(c(&[16, 4, 0, 0], 20), [X, L, S, S]);
    }

    #[test]
    fn an_unclassified_cell_can_be_given_away_too() {
        // One category, 7 contacts in it, 10 in all: unclassified is exactly 3.
        assert_eq!(c(&[7, 0, 3], 10), [X, S, L]);
    }

    #[test]
    fn protected_tables_leave_every_small_cell_ambiguous() {
        // Brute force: every table of up to four cells with values up to 12 is protected so
        // that each `<5` cell has at least two values consistent with what is shown.
        let t = 5u64;
        let mut stack = vec![vec![]];
        while let Some(v) = stack.pop() {
            if v.len() < 4 {
                for x in [0u64, 1, 2, 3, 4, 5, 6, 8, 12] {
                    let mut w = v.clone();
                    w.push(x);
                    stack.push(w);
                }
            }
            if v.len() < 2 {
                continue;
            }
            let total: u64 = v.iter().sum();
            let marks = protect(&v, total, t, Relation::Partition);
            for (i, m) in marks.iter().enumerate() {
                if *m != L {
                    continue;
                }
                let alternatives = brute_alternatives(&v, &marks, total, t, i);
                assert!(alternatives >= 2, "{v:?} {marks:?}: cell {i} has one value");
            }
        }
    }

    /// The values cell `i` can take in a table consistent with what a reader sees.
    fn brute_alternatives(v: &[u64], marks: &[Mark], total: u64, t: u64, i: usize) -> usize {
        let (tlo, thi) = total_bounds(total, t);
        let ranges: Vec<Vec<u64>> = (0..v.len())
            .map(|j| match marks[j] {
                S => vec![v[j]],
                L => (1..t).collect(),
                X => (t..=thi.max(t)).collect(),
            })
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        let mut idx = vec![0usize; v.len()];
        loop {
            let cells: Vec<u64> = idx.iter().zip(&ranges).map(|(&k, r)| r[k]).collect();
            let sum: u64 = cells.iter().sum();
            if (tlo..=thi).contains(&sum) {
                seen.insert(cells[i]);
            }
            let mut k = 0;
            loop {
                if k == v.len() {
                    return seen.len();
                }
                idx[k] += 1;
                if idx[k] < ranges[k].len() {
                    break;
                }
                idx[k] = 0;
                k += 1;
            }
        }
    }
}
