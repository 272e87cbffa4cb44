//! Opening hours: when counsellors answer mail, the holidays when they do not, and what
//! follows from them (how long a writer has waited in working hours, when an answer is due,
//! when the helpline opens next), with the words an acknowledgement uses for it in French,
//! Dutch and English. Pure computation on the clock values it is given.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::anonymise::Language;

/// `[hours]` as written in the configuration: one line of times per weekday
/// (`"09:00-12:30, 13:30-17:00"`; empty: closed), holidays (`"2026-12-25"` or a range
/// `"2026-12-24..2026-12-31"`, both ends included) and the time zone (default: the
/// configuration's `timezone`, else the system's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HoursConfig {
    /// Monday's times.
    pub monday: String,
    /// Tuesday's times.
    pub tuesday: String,
    /// Wednesday's times.
    pub wednesday: String,
    /// Thursday's times.
    pub thursday: String,
    /// Friday's times.
    pub friday: String,
    /// Saturday's times (default: closed).
    pub saturday: String,
    /// Sunday's times (default: closed).
    pub sunday: String,
    /// Days without answers: dates and ranges of dates.
    pub holidays: Vec<String>,
    /// The time zone of these times (an IANA name such as `Europe/Brussels`).
    pub timezone: Option<String>,
}

impl Default for HoursConfig {
    fn default() -> Self {
        let day = || "09:00-17:00".to_string();
        HoursConfig {
            monday: day(),
            tuesday: day(),
            wednesday: day(),
            thursday: day(),
            friday: day(),
            saturday: String::new(),
            sunday: String::new(),
            holidays: Vec::new(),
            timezone: None,
        }
    }
}

/// How far ahead (in days) a computation looks before it gives up: a schedule with no
/// working time in two years answers "never".
const HORIZON_DAYS: i32 = 732;

/// The opening hours, checked and ready to compute with.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// Working periods per weekday (Monday first), in minutes after midnight, [start, end).
    week: [Vec<(u16, u16)>; 7],
    /// Holidays, both ends included.
    holidays: Vec<(Date, Date)>,
    tz: TimeZone,
}

/// A mistake in `[hours]`: which key, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {problem}")]
pub struct HoursError {
    /// The key (`monday`, `holidays`, `timezone`).
    pub key: String,
    /// What is wrong with it.
    pub problem: String,
}

fn bad(key: &str, problem: impl Into<String>) -> HoursError {
    HoursError {
        key: key.to_string(),
        problem: problem.into(),
    }
}

/// The time zone named `name` (an IANA name), or the system's when None.
pub fn time_zone(name: Option<&str>) -> Result<TimeZone, HoursError> {
    match name {
        Some(n) => TimeZone::get(n).map_err(|_| {
            bad(
                "timezone",
                format!(
                    "`{n}` is not a known time zone (write an IANA name such as Europe/Brussels)"
                ),
            )
        }),
        None => Ok(TimeZone::system()),
    }
}

/// One day's periods: `"09:00-12:30, 13:30-17:00"`.
fn parse_day(key: &str, text: &str) -> Result<Vec<(u16, u16)>, HoursError> {
    let minutes = |t: &str| -> Option<u16> {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
    };
    let mut out: Vec<(u16, u16)> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (s, e) = part
            .split_once('-')
            .and_then(|(s, e)| Some((minutes(s)?, minutes(e)?)))
            .ok_or_else(|| bad(key, format!("`{part}` is not a period such as 09:00-17:00")))?;
        if s >= e {
            return Err(bad(key, format!("`{part}` ends before it starts")));
        }
        if out.last().is_some_and(|&(_, last)| s < last) {
            return Err(bad(
                key,
                format!("`{part}` overlaps or precedes the period before it"),
            ));
        }
        out.push((s, e));
    }
    Ok(out)
}

/// One holiday: `"2026-12-25"` or `"2026-12-24..2026-12-31"`.
fn parse_holiday(text: &str) -> Result<(Date, Date), HoursError> {
    let date = |t: &str| {
        t.trim().parse::<Date>().map_err(|_| {
            bad(
                "holidays",
                format!("`{t}` is not a date such as 2026-12-25 or a range such as 2026-12-24..2026-12-31"),
            )
        })
    };
    let (a, b) = match text.split_once("..") {
        Some((a, b)) => (date(a)?, date(b)?),
        None => (date(text)?, date(text)?),
    };
    if b < a {
        return Err(bad("holidays", format!("`{text}` ends before it starts")));
    }
    Ok((a, b))
}

impl Schedule {
    /// Checks `[hours]`; `default_tz` is the configuration's `timezone` (None: the system's).
    pub fn new(cfg: &HoursConfig, default_tz: Option<&str>) -> Result<Schedule, HoursError> {
        let days = [
            ("monday", &cfg.monday),
            ("tuesday", &cfg.tuesday),
            ("wednesday", &cfg.wednesday),
            ("thursday", &cfg.thursday),
            ("friday", &cfg.friday),
            ("saturday", &cfg.saturday),
            ("sunday", &cfg.sunday),
        ];
        let mut week: [Vec<(u16, u16)>; 7] = Default::default();
        for (i, (key, text)) in days.iter().enumerate() {
            week[i] = parse_day(key, text)?;
        }
        let holidays = cfg
            .holidays
            .iter()
            .map(|h| parse_holiday(h))
            .collect::<Result<Vec<_>, _>>()?;
        let tz = time_zone(cfg.timezone.as_deref().or(default_tz))?;
        Ok(Schedule { week, holidays, tz })
    }

    /// The time zone the hours are in.
    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }

    fn is_holiday(&self, d: Date) -> bool {
        self.holidays.iter().any(|&(a, b)| a <= d && d <= b)
    }

    /// The working periods of day `d`, as UTC seconds.
    fn periods(&self, d: Date) -> Vec<(i64, i64)> {
        if self.is_holiday(d) {
            return Vec::new();
        }
        let at = |min: u16| -> Option<i64> {
            let dt: DateTime = if min == 24 * 60 {
                d.tomorrow().ok()?.at(0, 0, 0, 0)
            } else {
                d.at((min / 60) as i8, (min % 60) as i8, 0, 0)
            };
            Some(dt.to_zoned(self.tz.clone()).ok()?.timestamp().as_second())
        };
        let wd = d.weekday().to_monday_zero_offset() as usize;
        self.week[wd]
            .iter()
            .filter_map(|&(s, e)| Some((at(s)?, at(e)?)))
            .collect()
    }

    /// The day (in the schedule's time zone) of `secs`.
    fn date_of(&self, secs: i64) -> Option<Date> {
        let ts = jiff::Timestamp::from_second(secs).ok()?;
        Some(ts.to_zoned(self.tz.clone()).date())
    }

    /// Calls `f` with each working period that ends after `from`, clipped to start no
    /// earlier than it, in order, until `f` returns false or the horizon is reached.
    fn each_period_from(&self, from: i64, mut f: impl FnMut(i64, i64) -> bool) {
        let Some(mut day) = self.date_of(from) else {
            return;
        };
        for _ in 0..HORIZON_DAYS {
            for (s, e) in self.periods(day) {
                if e > from && !f(s.max(from), e) {
                    return;
                }
            }
            match day.tomorrow() {
                Ok(d) => day = d,
                Err(_) => return,
            }
        }
    }

    /// Working seconds between `from` and `to`, counting no further than `cap` seconds.
    pub fn working_seconds(&self, from: i64, to: i64, cap: i64) -> i64 {
        let mut total = 0;
        if to <= from {
            return 0;
        }
        self.each_period_from(from, |s, e| {
            if s >= to {
                return false;
            }
            total += e.min(to) - s;
            total < cap
        });
        total.min(cap)
    }

    /// The moment when `secs` working seconds have passed after `from` (None: the hours
    /// leave no such moment within two years).
    pub fn add_working(&self, from: i64, secs: i64) -> Option<i64> {
        let mut left = secs;
        let mut due = None;
        if left <= 0 {
            return Some(from);
        }
        self.each_period_from(from, |s, e| {
            if e - s >= left {
                due = Some(s + left);
                return false;
            }
            left -= e - s;
            true
        });
        due
    }

    /// Whether counsellors answer mail at `at`.
    pub fn is_open(&self, at: i64) -> bool {
        let mut open = false;
        self.each_period_from(at, |s, _| {
            open = s <= at;
            false
        });
        open
    }

    /// When the next working period starts after `at` (if `at` is within one, the one after).
    pub fn next_opening(&self, at: i64) -> Option<i64> {
        let mut next = None;
        self.each_period_from(at, |s, _| {
            if s > at {
                next = Some(s);
                return false;
            }
            true
        });
        next
    }

    /// A day and month in `lang`: "mardi 9 décembre", "dinsdag 9 december", "Tuesday 9
    /// December".
    pub fn day_words(&self, secs: i64, lang: Language) -> String {
        self.date_of(secs)
            .map(|d| day_words(d, lang))
            .unwrap_or_default()
    }

    /// A day and time in `lang`: "lundi 8 décembre à 9 h 00", "maandag 8 december om
    /// 9.00 uur", "Monday 8 December at 9:00".
    pub fn moment_words(&self, secs: i64, lang: Language) -> String {
        let Ok(ts) = jiff::Timestamp::from_second(secs) else {
            return String::new();
        };
        let z = ts.to_zoned(self.tz.clone());
        let (d, h, m) = (z.date(), z.hour(), z.minute());
        match lang {
            Language::Nl => format!("{} om {h}.{m:02} uur", day_words(d, lang)),
            Language::En => format!("{} at {h}:{m:02}", day_words(d, lang)),
            _ => format!("{} à {h} h {m:02}", day_words(d, lang)),
        }
    }

    /// When an answer can be expected, in the words of the acknowledgement's sentence
    /// ("… vous répondra {answer_within}."), for a message that arrived at `at`: the day the
    /// reply target falls on, and, outside the hours, that the message arrived outside them
    /// and when the helpline reopens.
    pub fn promise(&self, at: i64, target_hours: u32, lang: Language) -> String {
        let Some(due) = self.add_working(at, target_hours as i64 * 3600) else {
            return fallback_promise(lang).to_string();
        };
        let day = self.day_words(due, lang);
        let mut out = match lang {
            Language::Nl => format!("uiterlijk op {day}"),
            Language::En => format!("by {day}"),
            _ => format!("d'ici le {day}"),
        };
        if !self.is_open(at)
            && let Some(next) = self.next_opening(at)
        {
            let when = self.moment_words(next, lang);
            out.push_str(&match lang {
                Language::Nl => format!(
                    ". Je bericht kwam binnen buiten de uren waarop we berichten beantwoorden; we lezen het vanaf {when}"
                ),
                Language::En => format!(
                    ". Your message arrived outside the hours when we answer messages; we will read it from {when}"
                ),
                _ => format!(
                    ". Votre message est arrivé en dehors des heures où nous répondons aux messages ; nous le lirons dès le {when}"
                ),
            });
        }
        out
    }
}

/// The longest wait counted, in seconds (999 working hours): a listing shows more as "999+".
pub const WAIT_CAP: i64 = 999 * 3600;

/// Judges how long writers have waited against the reply target, at one moment.
#[derive(Debug, Clone)]
pub struct Overdue {
    schedule: Schedule,
    target: i64,
    now: i64,
}

impl Overdue {
    /// The judge for `target_hours` working hours at `now`.
    pub fn new(schedule: Schedule, target_hours: u32, now: i64) -> Overdue {
        Overdue {
            schedule,
            target: target_hours as i64 * 3600,
            now,
        }
    }

    /// Working seconds waited since `since` (at most [`WAIT_CAP`], or just past the target
    /// when that is longer).
    pub fn waited(&self, since: i64) -> i64 {
        self.schedule
            .working_seconds(since, self.now, WAIT_CAP.max(self.target + 1))
    }

    /// Whether a writer waiting since `since` has waited past the target.
    pub fn is_late(&self, since: i64) -> bool {
        self.schedule
            .working_seconds(since, self.now, self.target + 1)
            > self.target
    }
}

/// What the acknowledgement says when the hours give no date.
pub fn fallback_promise(lang: Language) -> &'static str {
    match lang {
        Language::Nl => "zo snel mogelijk",
        Language::En => "as soon as we can",
        _ => "dans les meilleurs délais",
    }
}

fn day_words(d: Date, lang: Language) -> String {
    const FR_DAYS: [&str; 7] = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    const NL_DAYS: [&str; 7] = [
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
    ];
    const EN_DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let wd = d.weekday().to_monday_zero_offset() as usize;
    let days = match lang {
        Language::Nl => NL_DAYS,
        Language::En => EN_DAYS,
        _ => FR_DAYS,
    };
    let day = if lang == Language::Fr && d.day() == 1 {
        "1er".to_string()
    } else {
        d.day().to_string()
    };
    format!("{} {day} {}", days[wd], month_name(lang, d.month()))
}

const FR_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const NL_MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The name of `month` (1 to 12) in `lang`, as a sentence writes it (French when the
/// language is unknown, the helpline's default).
pub fn month_name(lang: Language, month: i8) -> &'static str {
    let months = match lang {
        Language::Nl => &NL_MONTHS,
        Language::En => &EN_MONTHS,
        _ => &FR_MONTHS,
    };
    months[(month.clamp(1, 12) - 1) as usize]
}

#[cfg(test)]
mod tests;
