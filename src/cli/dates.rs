//! Times for people: in the counsellor's language, in the helpline's time zone (`timezone`),
//! and never more precise than they are stored (`received_precision`).
//!
//! A time kept to the hour is shown as the hour it fell in ("3 juin 2024, entre 10:00 et
//! 11:00 CEST"), never as a minute it did not have. A time kept to the day is the day as
//! stored (a UTC day), without a time zone: converting it would move it to another date.

use jiff::tz::TimeZone;

use crate::anonymise::Language;
use crate::time::Precision;
use crate::tr;

/// How one counsellor's screen shows times.
#[derive(Debug, Clone)]
pub struct Dates {
    /// The counsellor's language.
    pub lang: Language,
    /// The helpline's time zone.
    pub tz: TimeZone,
    /// How precisely times about writers are stored.
    pub precision: Precision,
}

/// The time zone named `name` (an IANA name), else this system's.
pub fn zone(name: Option<&str>) -> TimeZone {
    name.and_then(|n| TimeZone::get(n).ok())
        .unwrap_or_else(TimeZone::system)
}

impl Dates {
    /// Times in `lang`, in the zone named `timezone` (else the system's), at `precision`.
    pub fn new(lang: Language, timezone: Option<&str>, precision: Precision) -> Dates {
        Dates {
            lang,
            tz: zone(timezone),
            precision,
        }
    }

    fn zoned(&self, secs: i64) -> Option<jiff::Zoned> {
        jiff::Timestamp::from_second(secs)
            .ok()
            .map(|t| t.to_zoned(self.tz.clone()))
    }

    /// The date of `z` in figures, as the language writes it (`2024-06-03`, `03/06/2024`).
    fn date_short(&self, z: &jiff::Zoned) -> String {
        tr!(
            self.lang,
            "date-short",
            year = format!("{:04}", z.year()),
            month = format!("{:02}", z.month()),
            day = format!("{:02}", z.day())
        )
    }

    /// The date of `z` in words (`3 June 2024`, `3 juin 2024`).
    fn date_long(&self, z: &jiff::Zoned) -> String {
        tr!(
            self.lang,
            "date-long",
            year = z.year().to_string(),
            month = month(self.lang, z.month()),
            day = z.day().to_string()
        )
    }

    /// A stored time, short, for tables: `2024-06-03 10h` at the hour, `03/06/2024` at the day.
    pub fn short(&self, secs: i64) -> String {
        let secs = self.precision.round(secs);
        let Some(z) = self.zoned(secs) else {
            return "?".into();
        };
        match self.precision {
            Precision::Day => self.date_short(&utc(&z)),
            Precision::Hour => {
                let hour = if z.minute() == 0 {
                    z.strftime("%H").to_string()
                } else {
                    z.strftime("%H:%M").to_string()
                };
                tr!(
                    self.lang,
                    "time-short-hour",
                    date = self.date_short(&z),
                    hour = hour
                )
            }
            Precision::Minute => tr!(
                self.lang,
                "time-short-minute",
                date = self.date_short(&z),
                time = z.strftime("%H:%M").to_string()
            ),
        }
    }

    /// A stored time in words, with its time zone: the hour it fell in, at the hour.
    pub fn long(&self, secs: i64) -> String {
        let secs = self.precision.round(secs);
        let (Some(z), Some(end)) = (
            self.zoned(secs),
            self.zoned(secs + self.precision.seconds()),
        ) else {
            return "?".into();
        };
        let zone = z.strftime("%Z").to_string();
        match self.precision {
            Precision::Day => self.date_long(&utc(&z)),
            Precision::Hour => format!(
                "{} {zone}",
                tr!(
                    self.lang,
                    "time-long-hour",
                    date = self.date_long(&z),
                    from = z.strftime("%H:%M").to_string(),
                    to = end.strftime("%H:%M").to_string()
                )
            ),
            Precision::Minute => format!(
                "{} {zone}",
                tr!(
                    self.lang,
                    "time-long-minute",
                    date = self.date_long(&z),
                    time = z.strftime("%H:%M").to_string()
                )
            ),
        }
    }

    /// A time kept to the second (an action's, never a writer's), in the time zone:
    /// `2024-06-03 12:42:13 CEST`.
    pub fn precise(&self, secs: i64) -> String {
        match self.zoned(secs) {
            Some(z) => format!("{} {}", self.date_short(&z), z.strftime("%H:%M:%S %Z")),
            None => "?".into(),
        }
    }

    /// How long ago `then` was, from `now` ([`crate::cli::inbox::text::waited`]).
    pub fn ago(&self, now: i64, then: i64) -> String {
        crate::cli::inbox::text::waited(self.lang, now, then, self.precision)
    }
}

/// `z` in UTC (a day as stored is a UTC day).
fn utc(z: &jiff::Zoned) -> jiff::Zoned {
    z.timestamp().to_zoned(TimeZone::UTC)
}

/// The name of month `m` (1 to 12) in `lang`.
pub fn month(lang: Language, m: i8) -> String {
    match m {
        1 => tr!(lang, "month-1"),
        2 => tr!(lang, "month-2"),
        3 => tr!(lang, "month-3"),
        4 => tr!(lang, "month-4"),
        5 => tr!(lang, "month-5"),
        6 => tr!(lang, "month-6"),
        7 => tr!(lang, "month-7"),
        8 => tr!(lang, "month-8"),
        9 => tr!(lang, "month-9"),
        10 => tr!(lang, "month-10"),
        11 => tr!(lang, "month-11"),
        _ => tr!(lang, "month-12"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-06-03 09:59:59Z.
    const T: i64 = 1_717_408_799;

    fn dates(lang: Language, tz: &str, p: Precision) -> Dates {
        Dates::new(lang, Some(tz), p)
    }

    #[test]
    fn an_hour_is_shown_as_the_hour_it_fell_in_in_the_helplines_zone() {
        let fr = dates(Language::Fr, "Europe/Brussels", Precision::Hour);
        assert_eq!(fr.long(T), "3 juin 2024, entre 11:00 et 12:00 CEST");
        assert_eq!(fr.short(T), "03/06/2024 11h");
        let en = dates(Language::En, "Europe/Brussels", Precision::Hour);
        assert_eq!(en.long(T), "3 June 2024, between 11:00 and 12:00 CEST");
        assert_eq!(en.short(T), "2024-06-03 11h");
        let nl = dates(Language::Nl, "Asia/Kolkata", Precision::Hour);
        assert_eq!(nl.long(T), "3 juni 2024, tussen 14:30 en 15:30 IST");
        assert_eq!(nl.short(T), "03-06-2024 14:30u");
    }

    #[test]
    fn minutes_and_days() {
        let fr = dates(Language::Fr, "Europe/Brussels", Precision::Minute);
        assert_eq!(fr.long(T), "3 juin 2024 à 11:59 CEST");
        assert_eq!(fr.short(T), "03/06/2024 11:59");
        // A day is the stored UTC day: New York would move it to the day before.
        let en = dates(Language::En, "America/New_York", Precision::Day);
        assert_eq!(en.long(T), "3 June 2024");
        assert_eq!(en.short(T), "2024-06-03");
        assert_eq!(
            dates(Language::Nl, "UTC", Precision::Hour).precise(T),
            "03-06-2024 09:59:59 UTC"
        );
    }

    #[test]
    fn an_unknown_zone_is_the_systems() {
        let d = Dates::new(Language::En, Some("Nowhere/Atlantis"), Precision::Hour);
        assert_eq!(d.tz, TimeZone::system());
    }
}
