use super::*;
use crate::anonymise::Language;
use crate::store::records::Status;
use crate::time::{Precision, Stamp};

/// 2024-06-03 10:00Z.
const NOW: i64 = 1_717_408_800;

fn ticket(id: &str, subject: &str, tags: &[&str], claimed: Option<&str>) -> Arc<TicketSummary> {
    Arc::new(TicketSummary {
        id: id.into(),
        status: Status::Open,
        received: Stamp(NOW - 86_400 * 2),
        last_in: Stamp(NOW - 7200),
        subject: subject.into(),
        messages: 3,
        urgent: id.starts_with('U'),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        language: Language::Fr,
        answered: false,
        claimed_by: claimed.map(str::to_string),
        claimed_by_uid: None,
        classification: None,
    })
}

/// The text as a terminal shows it (colours removed).
fn plain(s: &str) -> String {
    regex::Regex::new("\x1b\\[[0-9;]*m")
        .unwrap()
        .replace_all(s, "")
        .into_owned()
}

/// No working hours counted (the table leaves the column empty).
fn no_work_hours(_: &TicketSummary) -> Option<(String, bool)> {
    None
}

fn tickets() -> Vec<Arc<TicketSummary>> {
    vec![
        ticket(
            "UK7QH2M4",
            "Je n'arrive plus à dormir depuis que mon beau-père est revenu à la maison",
            &["école"],
            Some("amelie"),
        ),
        ticket(
            "K7F3QX9M",
            "日本語のテキストがとても長い件名です、続きがあります",
            &[],
            None,
        ),
        ticket("M2PA8RTW", "court", &[], Some("jan")),
    ]
}

/// At 80 columns the subject keeps at least 36 cells (the least needed columns go), every
/// line fits, and a cut subject ends with an ellipsis instead of wrapping.
#[test]
fn at_80_columns_columns_are_dropped_and_subjects_cut_with_an_ellipsis() {
    for lang in [Language::En, Language::Fr, Language::Nl] {
        let dates = Dates::new(lang, Some("Europe/Brussels"), Precision::Hour);
        let out = plain(&table(&tickets(), &dates, NOW, Some(80), &no_work_hours));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4, "{out}");
        for l in &lines {
            assert!(width(l) <= 80, "{} cells: {l}", width(l));
        }
        let header = lines[0];
        let subject_at = header.find(&title(lang, Column::Subject)).unwrap();
        let subject_cells = 80 - width(&header[..subject_at]);
        assert!(subject_cells >= 36, "{lang:?}: {subject_cells}\n{out}");
        assert!(!header.contains(&title(lang, Column::Received)), "{out}");
        assert!(header.contains(&title(lang, Column::Waiting)), "{out}");
        assert!(
            lines[1].contains('…') && lines[1].contains("[école]"),
            "{out}"
        );
        assert!(lines[2].ends_with('…'), "{out}");
        assert!(lines[3].ends_with("court"), "{out}");
        assert!(lines[1].starts_with('!'), "{out}");
    }
}

/// With working hours counted, an 80-column table keeps them (marked past the target); a
/// 70-column one drops the calendar wait before the subject falls under 36 cells.
#[test]
fn at_80_columns_the_working_hours_stay_and_the_subject_keeps_36_cells() {
    let work = |t: &TicketSummary| -> Option<(String, bool)> {
        Some(if t.urgent {
            ("18 h late".to_string(), true)
        } else {
            ("2 h".to_string(), false)
        })
    };
    let dates = Dates::new(Language::En, Some("Europe/Brussels"), Precision::Hour);
    let coloured = table(&tickets(), &dates, NOW, Some(80), &work);
    let out = plain(&coloured);
    let lines: Vec<&str> = out.lines().collect();
    let header = lines[0];
    assert!(
        header.contains(&title(Language::En, Column::WorkHours)),
        "{out}"
    );
    let subject_at = header.find(&title(Language::En, Column::Subject)).unwrap();
    assert!(80 - width(&header[..subject_at]) >= 36, "{out}");
    assert!(
        lines[1].contains("18 h late") && lines[2].contains("2 h"),
        "{out}"
    );
    assert!(lines.iter().all(|l| width(l) <= 80), "{out}");
    // Only the late one is painted as an alert.
    assert!(coloured.contains(&paint(ALERT, "18 h late")), "{coloured}");
    assert!(!coloured.contains(&paint(ALERT, "2 h")), "{coloured}");
    let narrow = plain(&table(&tickets(), &dates, NOW, Some(70), &work));
    let header = narrow.lines().next().unwrap();
    assert!(
        header.contains(&title(Language::En, Column::WorkHours)),
        "{narrow}"
    );
    assert!(
        !header.contains(&title(Language::En, Column::Waiting)),
        "{narrow}"
    );
    let subject_at = header.find(&title(Language::En, Column::Subject)).unwrap();
    assert!(70 - width(&header[..subject_at]) >= 36, "{narrow}");
}

/// A wide terminal shows every column and whole subjects, with no trailing padding; no
/// limit (output read by a program) keeps whole subjects too.
#[test]
fn wide_and_unlimited_tables_keep_every_column_and_whole_subjects() {
    let dates = Dates::new(Language::Fr, Some("Europe/Brussels"), Precision::Hour);
    for columns in [Some(200), None] {
        let out = plain(&table(&tickets(), &dates, NOW, columns, &no_work_hours));
        let lines: Vec<&str> = out.lines().collect();
        for c in [Column::Received, Column::Messages, Column::Status] {
            assert!(lines[0].contains(&title(Language::Fr, c)), "{out}");
        }
        assert!(lines[1].contains("revenu à la maison [école]"), "{out}");
        assert!(lines[2].ends_with("続きがあります"), "{out}");
        assert!(lines[3].contains("01/06/2024 12h"), "{out}");
        assert!(lines[3].contains("il y a 2 h"), "{out}");
        assert!(lines.iter().all(|l| !l.ends_with(' ')), "{out}");
    }
}

/// Below the narrowest useful width, the subject still gets a cell and nothing panics.
#[test]
fn a_very_narrow_terminal_still_prints_every_ticket() {
    let dates = Dates::new(Language::Nl, Some("UTC"), Precision::Day);
    let out = plain(&table(&tickets(), &dates, NOW, Some(20), &no_work_hours));
    assert_eq!(out.lines().count(), 4, "{out}");
    assert!(out.contains("K7F3QX9M"), "{out}");
}
