//! Time as sourdine stores it: UTC seconds, rounded to the configured precision.

use serde::{Deserialize, Serialize};

/// How precisely times about writers are kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// To the minute.
    Minute,
    /// To the hour (default).
    #[default]
    Hour,
    /// To the day.
    Day,
}

impl Precision {
    /// The length of one step, in seconds.
    pub fn seconds(self) -> i64 {
        match self {
            Precision::Minute => 60,
            Precision::Hour => 3600,
            Precision::Day => 86_400,
        }
    }

    /// `secs` rounded down to this precision.
    pub fn round(self, secs: i64) -> i64 {
        secs - secs.rem_euclid(self.seconds())
    }

    /// A UTC timestamp at this precision, e.g. `2024-06-03 10:00Z` or `2024-06-03`.
    pub fn format(self, secs: i64) -> String {
        let secs = self.round(secs);
        let Ok(ts) = jiff::Timestamp::from_second(secs) else {
            return "?".into();
        };
        match self {
            Precision::Day => ts.strftime("%Y-%m-%d").to_string(),
            _ => ts.strftime("%Y-%m-%d %H:%MZ").to_string(),
        }
    }
}

/// The source of "now". The real clock, shifted by an offset that tests set through
/// `$SOURDINE_CLOCK_OFFSET` (seconds) to advance time without sleeping.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    offset: i64,
}

impl Clock {
    /// The system clock, shifted by `$SOURDINE_CLOCK_OFFSET` when set.
    pub fn from_env() -> Clock {
        let offset = std::env::var("SOURDINE_CLOCK_OFFSET")
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(0);
        Clock { offset }
    }

    /// The system clock, unshifted.
    pub fn system() -> Clock {
        Clock { offset: 0 }
    }

    /// A clock shifted by `offset` seconds.
    pub fn shifted(offset: i64) -> Clock {
        Clock { offset }
    }

    /// Now, in UTC seconds since the epoch.
    pub fn now(&self) -> i64 {
        jiff::Timestamp::now().as_second() + self.offset
    }
}

/// A UTC timestamp to the second, for records that are not about writers (audit of actions).
pub fn format_precise(secs: i64) -> String {
    match jiff::Timestamp::from_second(secs) {
        Ok(ts) => ts.strftime("%Y-%m-%d %H:%M:%SZ").to_string(),
        Err(_) => "?".into(),
    }
}

/// How long ago `then` (a time rounded to `precision`) was, for people, never claiming
/// more precision than the stored time has: "this hour", "3 h ago", "today", "2 d ago".
pub fn relative(now: i64, then: i64, precision: Precision) -> String {
    // Both to the stored step: "this hour" while now is in the step `then` began.
    let (now, then) = match precision {
        Precision::Minute => (now, then),
        p => (p.round(now), p.round(then)),
    };
    let d = now - then;
    if d < 0 {
        return "in the future".into();
    }
    match precision {
        Precision::Day if d == 0 => return "today".into(),
        Precision::Day if d < 5_184_000 => return format!("{} d ago", d / 86_400),
        Precision::Hour if d == 0 => return "this hour".into(),
        _ => {}
    }
    match d {
        0..60 => "just now".into(),
        60..3600 => format!("{} min ago", d / 60),
        3600..86_400 => format!("{} h ago", d / 3600),
        86_400..5_184_000 => format!("{} d ago", d / 86_400),
        _ => format!("{} mo ago", d / 2_592_000),
    }
}

/// A UTC time that serialises as RFC 3339 (`2024-06-03T10:00:00Z`); already rounded by
/// whoever made it. A time outside the years 0001 to 9999, which RFC 3339 cannot write (a
/// damaged record, a clock far off), serialises as its seconds in a string (`"-62135596801"`),
/// so that every stamp reads back, in self-describing formats and in postcard alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp(pub i64);

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match jiff::Timestamp::from_second(self.0) {
            Ok(ts) if (1..=9999).contains(&ts.to_zoned(jiff::tz::TimeZone::UTC).year()) => {
                s.serialize_str(&ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
            }
            _ => s.serialize_str(&self.0.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Stamp, D::Error> {
        use serde::de::Error;
        let s = String::deserialize(d)?;
        if let Ok(secs) = s.parse::<i64>() {
            return Ok(Stamp(secs));
        }
        let ts: jiff::Timestamp = s.parse().map_err(D::Error::custom)?;
        Ok(Stamp(ts.as_second()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding() {
        assert_eq!(Precision::Hour.round(3600 * 5 + 1799), 3600 * 5);
        assert_eq!(Precision::Day.round(86_400 * 3 + 86_399), 86_400 * 3);
        assert_eq!(Precision::Minute.round(61), 60);
        assert_eq!(Precision::Hour.round(-1), -3600);
    }

    #[test]
    fn formatting_hides_below_precision() {
        let t = 1_717_408_799; // 2024-06-03 09:59:59Z
        assert_eq!(Precision::Hour.format(t), "2024-06-03 09:00Z");
        assert_eq!(Precision::Day.format(t), "2024-06-03");
        assert_eq!(Precision::Minute.format(t), "2024-06-03 09:59Z");
    }

    #[test]
    fn stamps_are_rfc3339() {
        let j = serde_json::to_string(&Stamp(1_717_408_800)).unwrap();
        assert_eq!(j, "\"2024-06-03T10:00:00Z\"");
        assert_eq!(
            serde_json::from_str::<Stamp>(&j).unwrap(),
            Stamp(1_717_408_800)
        );
    }

    proptest::proptest! {
        /// Every stamp reads back as itself, in JSON (the control socket, `--json`) and in
        /// postcard (the catalog's frames), also outside the calendar's years.
        #[test]
        fn stamps_read_back_as_written(secs in proptest::prelude::any::<i64>()) {
            let j = serde_json::to_string(&Stamp(secs)).unwrap();
            proptest::prop_assert_eq!(serde_json::from_str::<Stamp>(&j).unwrap(), Stamp(secs));
            let p = postcard::to_allocvec(&Stamp(secs)).unwrap();
            proptest::prop_assert_eq!(postcard::from_bytes::<Stamp>(&p).unwrap(), Stamp(secs));
        }
    }

    #[test]
    fn relative_times() {
        assert_eq!(relative(100, 100, Precision::Minute), "just now");
        assert_eq!(relative(4000, 100, Precision::Minute), "1 h ago");
        assert_eq!(relative(3000, 0, Precision::Hour), "this hour");
        assert_eq!(relative(7300, 0, Precision::Hour), "2 h ago");
        assert_eq!(relative(86_400 * 3, 0, Precision::Hour), "3 d ago");
        assert_eq!(relative(80_000, 0, Precision::Day), "today");
        // Seconds into the next hour, a time rounded to the hour before is not "this hour".
        assert_eq!(relative(3605, 0, Precision::Hour), "1 h ago");
        assert_eq!(relative(86_405, 0, Precision::Day), "1 d ago");
    }
}
