//! Random identifiers: ticket references, reply tokens, file names. Never sequential.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Crockford's base32 alphabet (no I, L, O, U).
pub(crate) const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Fills `buf` from the operating system's CSPRNG.
pub fn random_bytes(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system's random source failed");
}

/// `len` random Crockford base32 characters (5 bits of entropy each).
pub fn random_base32(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    random_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[(b & 31) as usize] as char)
        .collect()
}

/// `n` random bytes as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    random_bytes(&mut bytes);
    hex(&bytes)
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads what a person typed as a Crockford base32 reference: case-insensitive, `I`/`L` read
/// as 1, `O` as 0, hyphens and spaces ignored. None if a character does not belong.
pub fn normalise_base32(input: &str) -> Option<String> {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        let c = c.to_ascii_uppercase();
        let c = match c {
            '-' | ' ' => continue,
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
            return None;
        }
        out.push(c);
    }
    Some(out)
}

/// A ticket reference: 8 Crockford base32 characters (40 bits) from a CSPRNG, short enough to
/// read aloud.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TicketId(String);

impl TicketId {
    /// Length in characters.
    pub const LEN: usize = 8;

    /// A fresh random reference.
    pub fn random() -> TicketId {
        TicketId(random_base32(Self::LEN))
    }

    /// Parses what a person typed; None if it cannot be a reference.
    pub fn parse(input: &str) -> Option<TicketId> {
        let s = normalise_base32(input)?;
        (s.len() == Self::LEN).then_some(TicketId(s))
    }

    /// The reference as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_ids_are_random_and_parse_back() {
        let a = TicketId::random();
        let b = TicketId::random();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 8);
        assert_eq!(TicketId::parse(&a.as_str().to_lowercase()), Some(a));
    }

    #[test]
    fn typing_mistakes_are_forgiven() {
        assert_eq!(
            TicketId::parse("k7f3-qx9o").map(|t| t.to_string()),
            Some("K7F3QX90".into())
        );
        assert_eq!(TicketId::parse("ABCD"), None);
        assert_eq!(TicketId::parse("ABCDEFGU"), None);
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(hex(&[0, 255, 16]), "00ff10");
        assert_eq!(random_hex(16).len(), 32);
    }
}
