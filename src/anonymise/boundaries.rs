//! New names for a message's boundaries (for [`super::export`]): nothing of a boundary is kept
//! (it may be derived from a Message-ID or a host name), but the relations a MIME parser
//! depends on are: the same boundary gets the same name, and one boundary (or boundary line)
//! that begins with another still begins with the other's name, because a parser takes any
//! line that begins with `--` and a boundary as that boundary's line. So a message whose
//! structure broke on such a prefix breaks the same way once renamed.
//!
//! The names come from the compressed trie of every token (declared boundaries and the tokens
//! of boundary lines): each edge is named by its rank among its siblings, in digits of one
//! width per parent, so distinct siblings never begin with one another. Built from the sorted
//! tokens in O(n log n); each name is at most a few times as long as its token.

use std::collections::{HashMap, HashSet};

/// What every new name begins with.
pub const PREFIX: &str = "sourdine-boundary-";

/// The tokens seen, then their new names.
#[derive(Debug, Default)]
pub(crate) struct Renaming {
    declared: HashSet<Vec<u8>>,
    /// (length, hash) of each declared boundary, to find one at the start of a line in time
    /// linear in the line.
    declared_prefixes: HashSet<(usize, u64)>,
    tokens: HashSet<Vec<u8>>,
    names: HashMap<Vec<u8>, String>,
}

/// A polynomial hash of each prefix of `s`, in one pass.
fn prefix_hashes(s: &[u8]) -> impl Iterator<Item = (usize, u64)> + '_ {
    let mut h = 0xcbf2_9ce4_8422_2325_u64;
    s.iter().enumerate().map(move |(i, &b)| {
        h = h
            .wrapping_mul(0x0100_0000_01b3)
            .wrapping_add(u64::from(b) + 1);
        (i + 1, h)
    })
}

impl Renaming {
    /// A boundary declared by a `Content-Type`.
    pub fn declare(&mut self, b: &[u8]) {
        if let Some(h) = prefix_hashes(b).last() {
            self.declared_prefixes.insert(h);
        }
        self.declared.insert(b.to_vec());
    }

    /// Whether a declared boundary begins `token` (so a parser may take its line for that
    /// boundary's).
    pub fn has_declared_prefix(&self, token: &[u8]) -> bool {
        prefix_hashes(token)
            .any(|p| self.declared_prefixes.contains(&p) && self.declared.contains(&token[..p.0]))
    }

    /// A token that will be renamed (a declared boundary, or the token of a boundary line).
    pub fn note(&mut self, token: &[u8]) {
        if !token.is_empty() {
            self.tokens.insert(token.to_vec());
        }
    }

    /// Distinct tokens noted.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// The new name of a noted token (after [`Renaming::build`]).
    pub fn name(&self, token: &[u8]) -> String {
        self.names
            .get(token)
            .cloned()
            .unwrap_or_else(|| format!("{PREFIX}x"))
    }

    /// Names every noted token.
    pub fn build(&mut self) {
        struct Node {
            depth: usize,
            children: Vec<usize>,
        }
        let mut sorted: Vec<&Vec<u8>> = self.tokens.iter().collect();
        sorted.sort_unstable();
        let mut nodes = vec![Node {
            depth: 0,
            children: Vec::new(),
        }];
        // The path to the last token, root first.
        let mut stack = vec![0usize];
        let mut node_of = Vec::with_capacity(sorted.len());
        let mut prev: &[u8] = &[];
        for t in &sorted {
            let common = prev
                .iter()
                .zip(t.iter())
                .take_while(|(a, b)| a == b)
                .count();
            let mut popped = None;
            while stack.len() > 1 && nodes[stack[stack.len() - 1]].depth > common {
                popped = stack.pop();
            }
            let top = stack[stack.len() - 1];
            if let Some(child) = popped.filter(|_| nodes[top].depth < common) {
                // The new token branches off inside an edge: a node where it branches.
                let mid = nodes.len();
                nodes.push(Node {
                    depth: common,
                    children: vec![child],
                });
                if let Some(last) = nodes[top].children.last_mut() {
                    *last = mid;
                }
                stack.push(mid);
            }
            let top = stack[stack.len() - 1];
            let leaf = nodes.len();
            nodes.push(Node {
                depth: t.len(),
                children: Vec::new(),
            });
            nodes[top].children.push(leaf);
            stack.push(leaf);
            node_of.push(leaf);
            prev = t;
        }
        let mut names = vec![String::new(); nodes.len()];
        names[0] = PREFIX.to_string();
        let mut todo = vec![0usize];
        while let Some(n) = todo.pop() {
            let count = nodes[n].children.len();
            let width = digits(count.saturating_sub(1));
            for (rank, &c) in nodes[n].children.iter().enumerate() {
                names[c] = format!("{}{}", names[n], base36(rank, width));
                todo.push(c);
            }
        }
        self.names = sorted
            .into_iter()
            .zip(node_of)
            .map(|(t, n)| (t.clone(), std::mem::take(&mut names[n])))
            .collect();
    }
}

/// Base-36 digits needed to write `n` (at least one).
fn digits(mut n: usize) -> usize {
    let mut d = 1;
    while n >= 36 {
        n /= 36;
        d += 1;
    }
    d
}

/// `n` in base 36, padded with zeros to `width` digits.
fn base36(mut n: usize, width: usize) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[n % 36];
        n /= 36;
    }
    String::from_utf8(out).expect("ASCII digits")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renamed(tokens: &[&str]) -> Vec<String> {
        let mut r = Renaming::default();
        for t in tokens {
            r.note(t.as_bytes());
        }
        r.build();
        tokens.iter().map(|t| r.name(t.as_bytes())).collect()
    }

    #[test]
    fn equality_and_prefixes_are_kept_and_nothing_else() {
        let tokens = [
            "a",
            "ab",
            "abc",
            "abd",
            "b",
            "ba",
            "PLANTHOST.example",
            "PLANTHOST.example2",
            "zz",
        ];
        let names = renamed(&tokens);
        for (i, x) in tokens.iter().enumerate() {
            for (j, y) in tokens.iter().enumerate() {
                assert_eq!(
                    y.starts_with(x),
                    names[j].starts_with(&names[i]),
                    "{x} / {y} -> {} / {}",
                    names[i],
                    names[j]
                );
            }
            assert!(!names[i].to_ascii_lowercase().contains("plant"));
        }
        assert_eq!(renamed(&["only"]), ["sourdine-boundary-0"]);
    }

    #[test]
    fn many_siblings_get_names_of_one_width() {
        let tokens: Vec<String> = (0..100).map(|i| format!("t{i:03}")).collect();
        let refs: Vec<&str> = tokens.iter().map(String::as_str).collect();
        let names = renamed(&refs);
        let distinct: HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), 100);
        for (i, a) in names.iter().enumerate() {
            for (j, b) in names.iter().enumerate() {
                assert!(i == j || !b.starts_with(a.as_str()), "{a} begins {b}");
            }
        }
    }

    #[test]
    fn a_declared_boundary_is_found_at_the_start_of_a_token() {
        let mut r = Renaming::default();
        r.declare(b"abc");
        assert!(r.has_declared_prefix(b"abc"));
        assert!(r.has_declared_prefix(b"abcdef"));
        assert!(!r.has_declared_prefix(b"ab"));
        assert!(!r.has_declared_prefix(b"xabc"));
    }
}
