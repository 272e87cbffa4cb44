use super::*;

/// UTC seconds of a Brussels wall-clock time.
fn brussels(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> i64 {
    jiff::civil::date(y, mo, d)
        .at(h, mi, 0, 0)
        .to_zoned(TimeZone::get("Europe/Brussels").unwrap())
        .unwrap()
        .timestamp()
        .as_second()
}

fn schedule(holidays: &[&str]) -> Schedule {
    let cfg = HoursConfig {
        holidays: holidays.iter().map(|h| h.to_string()).collect(),
        ..HoursConfig::default()
    };
    Schedule::new(&cfg, Some("Europe/Brussels")).unwrap()
}

#[test]
fn the_target_runs_over_a_weekend_and_a_holiday() {
    // Friday 5 December 2025, 16:00: one hour that day, Monday 8 a holiday, eight hours on
    // Tuesday 9, seven more on Wednesday 10.
    let s = schedule(&["2025-12-08"]);
    let at = brussels(2025, 12, 5, 16, 0);
    assert_eq!(
        s.add_working(at, 16 * 3600),
        Some(brussels(2025, 12, 10, 16, 0))
    );
    assert_eq!(
        s.promise(at, 16, Language::Fr),
        "d'ici le mercredi 10 décembre"
    );
    assert_eq!(
        s.promise(at, 16, Language::Nl),
        "uiterlijk op woensdag 10 december"
    );
    assert_eq!(s.promise(at, 16, Language::En), "by Wednesday 10 December");
    // Without the holiday the answer is due a day earlier.
    let plain = schedule(&[]);
    assert_eq!(
        plain.promise(at, 16, Language::Fr),
        "d'ici le mardi 9 décembre"
    );
}

#[test]
fn outside_the_hours_the_promise_says_so_and_when_we_reopen() {
    let s = schedule(&["2025-12-08..2025-12-08"]);
    let saturday = brussels(2025, 12, 6, 10, 0);
    assert!(!s.is_open(saturday));
    assert_eq!(s.next_opening(saturday), Some(brussels(2025, 12, 9, 9, 0)));
    assert_eq!(
        s.promise(saturday, 16, Language::Fr),
        "d'ici le mercredi 10 décembre. Votre message est arrivé en dehors des heures où nous \
         répondons aux messages ; nous le lirons dès le mardi 9 décembre à 9 h 00"
    );
    assert!(
        s.promise(saturday, 16, Language::Nl)
            .ends_with("we lezen het vanaf dinsdag 9 december om 9.00 uur")
    );
    assert!(
        s.promise(saturday, 16, Language::En)
            .ends_with("we will read it from Tuesday 9 December at 9:00")
    );
    // Within the hours, nothing about them.
    let tuesday = brussels(2025, 12, 9, 11, 0);
    assert!(s.is_open(tuesday));
    assert_eq!(s.next_opening(tuesday), Some(brussels(2025, 12, 10, 9, 0)));
    assert_eq!(
        s.promise(tuesday, 16, Language::En),
        "by Thursday 11 December"
    );
}

#[test]
fn waiting_counts_working_hours_only_and_stops_at_the_cap() {
    let s = schedule(&["2025-12-08"]);
    let from = brussels(2025, 12, 5, 16, 0);
    assert_eq!(
        s.working_seconds(from, brussels(2025, 12, 9, 10, 30), i64::MAX),
        2 * 3600 + 1800
    );
    assert_eq!(s.working_seconds(from, from - 5, i64::MAX), 0);
    assert_eq!(
        s.working_seconds(from, brussels(2026, 12, 9, 10, 30), 20 * 3600),
        20 * 3600
    );
}

#[test]
fn split_days_midnight_and_mistakes() {
    let cfg = HoursConfig {
        saturday: "10:00-12:00, 20:00-24:00".into(),
        ..HoursConfig::default()
    };
    let s = Schedule::new(&cfg, Some("Europe/Brussels")).unwrap();
    let sat = brussels(2025, 12, 6, 11, 0);
    assert_eq!(
        s.working_seconds(sat, brussels(2025, 12, 7, 12, 0), i64::MAX),
        3600 + 4 * 3600
    );
    for (day, problem) in [
        ("9-17", "is not a period"),
        ("17:00-09:00", "ends before it starts"),
        ("09:00-12:00, 11:00-13:00", "overlaps"),
        ("09:00-25:00", "is not a period"),
    ] {
        let cfg = HoursConfig {
            monday: day.into(),
            ..HoursConfig::default()
        };
        let e = Schedule::new(&cfg, None).unwrap_err();
        assert_eq!(e.key, "monday");
        assert!(e.problem.contains(problem), "{day}: {e}");
    }
    let cfg = HoursConfig {
        holidays: vec!["2025-12-31..2025-12-24".into()],
        ..HoursConfig::default()
    };
    assert_eq!(Schedule::new(&cfg, None).unwrap_err().key, "holidays");
    assert_eq!(
        Schedule::new(&HoursConfig::default(), Some("Mars/Olympus"))
            .unwrap_err()
            .key,
        "timezone"
    );
}

#[test]
fn a_schedule_with_no_hours_promises_no_date() {
    let closed = HoursConfig {
        monday: String::new(),
        tuesday: String::new(),
        wednesday: String::new(),
        thursday: String::new(),
        friday: String::new(),
        ..HoursConfig::default()
    };
    let s = Schedule::new(&closed, Some("UTC")).unwrap();
    assert_eq!(s.add_working(0, 3600), None);
    assert_eq!(s.promise(0, 16, Language::Nl), "zo snel mogelijk");
    assert_eq!(s.next_opening(0), None);
}

#[test]
fn french_says_the_first_of_the_month_as_1er() {
    let s = schedule(&[]);
    assert_eq!(
        s.day_words(brussels(2025, 12, 1, 12, 0), Language::Fr),
        "lundi 1er décembre"
    );
}
