//! The screens drawn on ratatui's test backend: 80×24 and 120×40, with and without colour,
//! in the three languages, and hostile text from writers and colleagues drawn inert.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use super::draw::{Ctx, Theme, draw};
use super::state::tests::{summary, view};
use super::state::{Draft, Key, Overlay, State};
use crate::anonymise::{Language, Verification};
use crate::service::Role;
use crate::store::NoteView;
use crate::taxonomy::{Classification, Taxonomy};
use crate::time::{Precision, Stamp};

/// Every class of character that can take over a terminal, in one text.
const HOSTILE: &str =
    "a\x1b]52;c;ZXZpbA==\x07b\x1b[2Jc\x1b[1md\u{85}\u{9b}31me\u{202e}f\u{2066}g\rh\x08\x7f";

const NOW: i64 = 1_717_408_800 + 3 * 3600;

fn ctx(colour: bool) -> Ctx {
    Ctx {
        theme: Theme { colour },
        now: NOW,
        precision: Precision::Hour,
        tz: jiff::tz::TimeZone::UTC,
    }
}

fn state(lang: Language) -> State {
    let mut s = State::new(lang, "alice", 1000, Role::Counsellor);
    s.taxonomy = Some(Taxonomy::builtin());
    let mut long = summary("B2B2B2B2", false, Some(("bob", 1001)));
    long.subject = "Je n'arrive plus à dormir depuis que j'ai vu ces images, et je ne sais pas à qui en parler sans être jugé".into();
    long.tags = vec!["école".into(), "suivi".into()];
    let mut hostile = summary("C3C3C3C3", false, None);
    hostile.subject = HOSTILE.into();
    hostile.tags = vec![HOSTILE.into()];
    hostile.last_in = Stamp(NOW - 40 * 86_400);
    s.set_list(vec![
        summary("A1A1A1A1", true, None).into(),
        long.into(),
        hostile.into(),
    ]);
    s
}

fn render(s: &mut State, w: u16, h: u16, colour: bool) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(f, s, &ctx(colour))).unwrap();
    t.backend().buffer().clone()
}

fn rows(b: &Buffer) -> Vec<String> {
    (0..b.area.height)
        .map(|y| {
            (0..b.area.width)
                .map(|x| b[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

fn text(b: &Buffer) -> String {
    rows(b).join("\n")
}

/// Nothing on screen can drive the terminal: no control character, no bidi control, in
/// any cell.
fn assert_inert(b: &Buffer) {
    for c in b.content() {
        let sym = c.symbol();
        assert!(
            !sym.chars()
                .any(|ch| ch.is_control() || crate::text::is_unsafe(ch)),
            "cell {sym:?} in\n{}",
            text(b)
        );
    }
}

/// No colour: every cell in the terminal's own colours.
fn assert_no_colour(b: &Buffer) {
    for c in b.content() {
        assert_eq!((c.fg, c.bg), (Color::Reset, Color::Reset), "{c:?}");
    }
}

fn thread_view() -> crate::store::TicketView {
    let mut v = view("A1A1A1A1", Some("bob"));
    v.urgent = true;
    v.urgent_reason = Some("menace ce soir".into());
    v.tags = vec!["école".into()];
    v.classification = Some(Classification {
        kind: "counselling".into(),
        categories: vec!["mental_health".into()],
        role: Some("own".into()),
    });
    v.messages[0].body = format!("Bonjour,\n{HOSTILE}\nMerci.");
    v.notes.push(NoteView {
        author: "bob".into(),
        time: Stamp(1_717_410_000),
        text: format!("rappel {HOSTILE}"),
    });
    v
}

#[test]
fn the_list_at_80x24_keeps_the_marks_and_cuts_subjects() {
    let mut s = state(Language::En);
    let b = render(&mut s, 80, 24, true);
    let r = rows(&b);
    assert!(r[0].contains("Inbox") && r[0].contains("3 tickets") && r[0].contains("alice"));
    for title in ["TICKET", "WAITING", "CLAIMED", "SUBJECT"] {
        assert!(r[1].contains(title), "{title} in {:?}", r[1]);
    }
    assert!(
        !r[1].contains("RECEIVED"),
        "dropped at 80 columns: {:?}",
        r[1]
    );
    assert!(
        r[2].starts_with("› ! ") && r[2].contains("A1A1A1A1"),
        "{:?}",
        r[2]
    );
    assert!(r[3].contains("bob") && r[3].contains('…'), "{:?}", r[3]);
    assert!(r[3].contains("3 h ago"), "{:?}", r[3]);
    assert!(r[4].contains("40 d ago"), "{:?}", r[4]);
    assert!(r.iter().all(|l| super::text::width(l) <= 80));
    assert!(
        r[23].contains("? help") && r[23].contains("q quit"),
        "{:?}",
        r[23]
    );
    assert_inert(&b);
    // The selection moves; the highlight follows.
    s.key(Key::Down);
    let r = rows(&render(&mut s, 80, 24, true));
    assert!(r[3].starts_with("› ") && !r[2].starts_with("›"));
}

#[test]
fn the_list_at_120x40_shows_every_column() {
    let mut s = state(Language::En);
    let b = render(&mut s, 120, 40, true);
    let r = rows(&b);
    for title in [
        "STATUS", "WAITING", "RECEIVED", "MSGS", "CLAIMED", "SUBJECT",
    ] {
        assert!(r[1].contains(title), "{title} in {:?}", r[1]);
    }
    assert!(r[2].contains("2024-06-03 10h"), "{:?}", r[2]);
    assert!(
        r[3].contains("[école, suivi]"),
        "tags after the subject: {:?}",
        r[3]
    );
    assert_inert(&b);
}

#[test]
fn without_colour_only_bold_dim_and_reverse_remain() {
    let mut s = state(Language::En);
    let b = render(&mut s, 80, 24, false);
    assert_no_colour(&b);
    let selected = &b[(4, 2)];
    assert!(
        selected.modifier.contains(Modifier::REVERSED),
        "the selection still shows"
    );
    s.opened(thread_view(), None);
    assert_no_colour(&render(&mut s, 80, 24, false));
    s.key(Key::Char('?'));
    assert_no_colour(&render(&mut s, 80, 24, false));
    // With colour, urgent marks are red and references cyan.
    let mut s = state(Language::En);
    let b = render(&mut s, 80, 24, true);
    assert!(b.content().iter().any(|c| c.fg == Color::Red));
    assert!(b.content().iter().any(|c| c.fg == Color::Cyan));
}

#[test]
fn hostile_subjects_notes_and_messages_are_drawn_inert() {
    for lang in [Language::En, Language::Fr, Language::Nl] {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut s = state(lang);
            let b = render(&mut s, w, h, true);
            assert_inert(&b);
            assert!(text(&b).contains("a␛]52;c;ZXZpbA==␇b␛[2Jc"), "{}", text(&b));
            s.opened(thread_view(), None);
            let b = render(&mut s, w, h, true);
            assert_inert(&b);
            s.key(Key::End);
            let b = render(&mut s, w, h, true);
            assert_inert(&b);
            assert!(
                text(&b).contains("rappel a␛]52"),
                "the note, inert:\n{}",
                text(&b)
            );
        }
    }
}

#[test]
fn the_thread_shows_what_ticket_show_shows() {
    let mut s = state(Language::En);
    s.opened(thread_view(), None);
    let t = text(&render(&mut s, 120, 40, true));
    for part in [
        "Ticket A1A1A1A1 · open · URGENT",
        "Urgent:",
        "menace ce soir",
        "Claimed by:",
        "bob",
        "Counselling · Mental health, distress · Own thoughts or behaviour",
        "Tags:",
        "Sender not verified",
        "── the writer wrote · 3 June 2024, between 10:00 and 11:00 UTC ──",
        "[1] attachment-1.jpg (image/jpeg, 26.0 KB)",
        "cleaned of its metadata",
        "[2] attachment-2.jpg",
        "withheld",
        "── internal notes (never sent) ──",
        "bob · 2024-06-03 10:20:00 UTC",
    ] {
        assert!(t.contains(part), "{part:?} in\n{t}");
    }
    // The same in French, at 80 columns, wrapped within the screen.
    let mut s = state(Language::Fr);
    s.opened(thread_view(), None);
    let b = render(&mut s, 80, 24, true);
    let t = text(&b);
    assert!(t.contains("Expéditeur non vérifié"), "{t}");
    assert!(t.contains("Accompagnement"), "{t}");
    assert!(rows(&b).iter().all(|l| super::text::width(l) <= 80));
}

#[test]
fn every_language_fits_80x24_with_the_help_and_the_questions() {
    for lang in [Language::En, Language::Fr, Language::Nl] {
        let mut s = state(lang);
        s.key(Key::Char('?'));
        let b = render(&mut s, 80, 24, true);
        let t = text(&b);
        for (key, _, _) in super::help::KEYS {
            assert!(t.contains(key), "{lang:?}: {key} in the help\n{t}");
        }
        assert!(
            t.contains(&crate::cli::i18n::message(lang, "help-interrupt", &[])),
            "{lang:?}: the last key's help is on screen\n{t}"
        );
        s.key(Key::Esc);
        s.opened(thread_view(), None);
        s.composed(Draft {
            id: "A1A1A1A1".into(),
            subject: "Re: [A1A1A1A1] sujet".into(),
            text: (1..=20).map(|i| format!("line {i}\n")).collect(),
            template: Some("welcome".into()),
            unedited: true,
            gaps: 2,
            sender: Verification::Failed,
            force: true,
        });
        let b = render(&mut s, 80, 24, true);
        let t = text(&b);
        let question = crate::cli::i18n::message(lang, "confirm-send-question", &[]);
        assert!(
            t.contains(&question),
            "{lang:?}: the question is on screen\n{t}"
        );
        assert!(t.contains("line 1") && !t.contains("line 20"), "{t}");
        assert_inert(&b);
        assert!(matches!(s.overlay, Some(Overlay::Confirm(_))));
    }
}

#[test]
fn a_terminal_too_small_says_so() {
    let mut s = state(Language::Nl);
    let t = text(&render(&mut s, 30, 8, true));
    assert!(t.contains("te klein"), "{t}");
}
