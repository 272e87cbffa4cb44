//! The ticket references an audit entry names (what a list or a search showed), kept compact:
//! each reference is 40 bits (8 Crockford base32 characters), sorted, and stored as the
//! differences between neighbours in LEB128 varints, about 4 bytes a ticket at 100,000
//! tickets. JSON shows them as a list of references.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ids::{ALPHABET, TicketId};

/// Ticket references, sorted, each named once.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct TicketRefs(Vec<u8>);

impl std::fmt::Debug for TicketRefs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

fn value_of(id: &str) -> Option<u64> {
    if id.len() != TicketId::LEN {
        return None;
    }
    id.bytes().try_fold(0u64, |v, c| {
        let digit = ALPHABET.iter().position(|&a| a == c)?;
        Some(v << 5 | digit as u64)
    })
}

fn text_of(mut v: u64) -> String {
    let mut out = [0u8; TicketId::LEN];
    for c in out.iter_mut().rev() {
        *c = ALPHABET[(v & 31) as usize];
        v >>= 5;
    }
    out.iter().map(|&c| c as char).collect()
}

impl TicketRefs {
    /// The references `ids`, in any order; None if one is not a ticket reference.
    pub fn from_ids<'a>(ids: impl IntoIterator<Item = &'a str>) -> Option<TicketRefs> {
        let mut values = ids
            .into_iter()
            .map(value_of)
            .collect::<Option<Vec<u64>>>()?;
        values.sort_unstable();
        values.dedup();
        let mut out = Vec::with_capacity(values.len() * 4);
        let mut last = 0;
        for v in values {
            let mut d = v - last;
            last = v;
            loop {
                let byte = (d & 0x7f) as u8;
                d >>= 7;
                if d == 0 {
                    out.push(byte);
                    break;
                }
                out.push(byte | 0x80);
            }
        }
        Some(TicketRefs(out))
    }

    fn values(&self) -> impl Iterator<Item = u64> + '_ {
        let mut bytes = self.0.iter();
        let mut last = 0u64;
        std::iter::from_fn(move || {
            let mut d = 0u64;
            for shift in (0..64).step_by(7) {
                let b = *bytes.next()?;
                d |= u64::from(b & 0x7f) << shift;
                if b & 0x80 == 0 {
                    last = last.checked_add(d)?;
                    return Some(last);
                }
            }
            None
        })
    }

    /// The references, in order.
    pub fn iter(&self) -> impl Iterator<Item = String> + '_ {
        self.values().map(text_of)
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.values().count()
    }

    /// Whether it names no ticket.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether ticket `id` is among them.
    pub fn contains(&self, id: &str) -> bool {
        value_of(id).is_some_and(|v| self.values().take_while(|&x| x <= v).any(|x| x == v))
    }

    /// The compact form (what the entry's MAC covers).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Serialize for TicketRefs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_seq(self.iter())
        } else {
            s.serialize_bytes(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for TicketRefs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TicketRefs, D::Error> {
        use serde::de::Error;
        if d.is_human_readable() {
            let ids = Vec::<String>::deserialize(d)?;
            TicketRefs::from_ids(ids.iter().map(String::as_str))
                .ok_or_else(|| D::Error::custom("not a ticket reference"))
        } else {
            Ok(TicketRefs(serde_bytes::ByteBuf::deserialize(d)?.into_vec()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_come_back_sorted_and_once() {
        let ids = ["ZZZZZZZZ", "00000000", "K7F3QX9M", "K7F3QX9M", "0000000Z"];
        let r = TicketRefs::from_ids(ids).unwrap();
        assert_eq!(
            r.iter().collect::<Vec<_>>(),
            ["00000000", "0000000Z", "K7F3QX9M", "ZZZZZZZZ"]
        );
        assert_eq!(r.len(), 4);
        assert!(r.contains("K7F3QX9M") && r.contains("00000000") && r.contains("ZZZZZZZZ"));
        assert!(!r.contains("K7F3QX9N") && !r.contains("nonsense"));
        assert!(TicketRefs::from_ids(["K7F3QX9"]).is_none());
        assert!(
            TicketRefs::from_ids(["k7f3qx9m"]).is_none(),
            "references as stored"
        );
        assert!(TicketRefs::from_ids([]).unwrap().is_empty());
    }

    #[test]
    fn many_references_take_about_four_bytes_each() {
        let ids: Vec<String> = (0..100_000)
            .map(|_| TicketId::random().to_string())
            .collect();
        let r = TicketRefs::from_ids(ids.iter().map(String::as_str)).unwrap();
        assert_eq!(r.len(), 100_000);
        assert!(r.as_bytes().len() < 100_000 * 4, "{}", r.as_bytes().len());
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(r.iter().collect::<Vec<_>>(), sorted);
    }

    #[test]
    fn json_shows_references_and_binary_stays_compact() {
        let r = TicketRefs::from_ids(["K7F3QX9M", "A0000001"]).unwrap();
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"["A0000001","K7F3QX9M"]"#
        );
        let back: TicketRefs = serde_json::from_str(r#"["K7F3QX9M","A0000001"]"#).unwrap();
        assert_eq!(back, r);
        let bin = postcard::to_stdvec(&r).unwrap();
        assert_eq!(bin.len(), 1 + r.as_bytes().len());
        assert_eq!(postcard::from_bytes::<TicketRefs>(&bin).unwrap(), r);
    }

    #[test]
    fn damaged_bytes_end_the_list_instead_of_panicking() {
        let r = TicketRefs(vec![0xff; 20]);
        assert_eq!(r.len(), 0);
        let r = TicketRefs(vec![0x05, 0xff]);
        assert_eq!(r.iter().collect::<Vec<_>>(), [text_of(5)]);
    }
}
