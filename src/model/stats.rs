//! The statistics as they leave the service: months, suppressed figures, and the report.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::taxonomy::Taxonomy;

/// A calendar month (UTC), counted from year 0: `year * 12 + month - 1`. Written `YYYY-MM`
/// in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub u32);

impl Month {
    /// The month holding `secs` (UTC).
    pub fn of(secs: i64) -> Month {
        let date = jiff::Timestamp::from_second(secs)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date();
        Month::new(date.year() as i32, date.month() as u32)
    }

    fn new(year: i32, month: u32) -> Month {
        Month((year.max(0) as u32) * 12 + month.clamp(1, 12) - 1)
    }

    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
        ((1970..=9999).contains(&y) && (1..=12).contains(&m)).then(|| Month::new(y, m))
    }

    pub fn year(self) -> i32 {
        (self.0 / 12) as i32
    }

    /// The month of the year, 1 to 12.
    pub fn number(self) -> u32 {
        self.0 % 12 + 1
    }

    /// The first second of the month (UTC).
    pub fn start(self) -> i64 {
        jiff::civil::date(self.year() as i16, self.number() as i8, 1)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp().as_second())
            .unwrap_or(0)
    }

    /// `n` months later.
    pub fn plus(self, n: u32) -> Month {
        Month(self.0.saturating_add(n))
    }

    /// `n` months earlier.
    pub fn minus(self, n: u32) -> Month {
        Month(self.0.saturating_sub(n))
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.number())
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            s.serialize_u32(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        if d.is_human_readable() {
            let s = String::deserialize(d)?;
            Month::parse(&s).ok_or_else(|| serde::de::Error::custom("expected YYYY-MM"))
        } else {
            u32::deserialize(d).map(Month)
        }
    }
}

/// One figure as shown: a count, `<t` (1 to t-1), or `x` (hidden so that a small count
/// cannot be worked out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Count(u64),
    /// From 1 to under the threshold.
    Small(u32),
    /// Hidden.
    Withheld,
}

impl Cell {
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
