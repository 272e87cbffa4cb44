use super::*;
use crate::store::records::Status;

const ME: u32 = 1000;

pub(crate) fn summary(id: &str, urgent: bool, claimed: Option<(&str, u32)>) -> TicketSummary {
    TicketSummary {
        id: id.into(),
        status: Status::Open,
        received: Stamp(1_717_408_800),
        last_in: Stamp(1_717_408_800),
        subject: format!("subject of {id}").into(),
        messages: 1,
        urgent,
        tags: Vec::new(),
        language: Language::Fr,
        answered: false,
        claimed_by: claimed.map(|(n, _)| n.to_string()),
        claimed_by_uid: claimed.map(|(_, u)| u),
        classification: None,
    }
}

pub(crate) fn attachment(id: u32, withheld: bool) -> AttachmentView {
    AttachmentView {
        id,
        name: format!("attachment-{id}.jpg"),
        content_type: "image/jpeg".into(),
        kind: crate::anonymise::AttachmentKind::Jpeg,
        size: 26_000,
        withheld,
        reason: None,
        cleaned: !withheld,
    }
}

pub(crate) fn view(id: &str, claimed_by: Option<&str>) -> TicketView {
    TicketView {
        id: id.into(),
        status: Status::Open,
        received: Stamp(1_717_408_800),
        subject: format!("subject of {id}"),
        writer: "writer".into(),
        sender_verified: false,
        sender: Verification::Unknown,
        can_reply: true,
        urgent: false,
        tags: Vec::new(),
        language: Language::Fr,
        urgent_reason: None,
        claimed_by: claimed_by.map(str::to_string),
        classification: None,
        messages: vec![MessageView {
            direction: Direction::In,
            from: "writer".into(),
            received: Stamp(1_717_408_800),
            subject: format!("subject of {id}"),
            body: "Bonjour".into(),
            attachments: vec![attachment(1, false), attachment(2, true)],
            different_sender: false,
            automatic: false,
            delivery: None,
        }],
        notes: Vec::new(),
    }
}

fn inbox(role: Role) -> State {
    let mut s = State::new(Language::En, "alice", ME, role);
    s.taxonomy = Some(Taxonomy::builtin());
    s.set_list(vec![
        summary("AAAA1111", true, None).into(),
        summary("BBBB2222", false, Some(("alice", ME))).into(),
        summary("CCCC3333", false, Some(("bob", 1001))).into(),
    ]);
    s
}

fn keys(s: &mut State, ks: &[Key]) -> Vec<Effect> {
    ks.iter().flat_map(|k| s.key(*k)).collect()
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        assert!(s.key(Key::Char(c)).is_empty());
    }
}

#[test]
fn moving_stays_within_the_list() {
    let mut s = inbox(Role::Counsellor);
    assert_eq!(s.selected, 0);
    keys(&mut s, &[Key::Up, Key::Char('k')]);
    assert_eq!(s.selected, 0);
    keys(&mut s, &[Key::Down, Key::Char('j'), Key::Char('j')]);
    assert_eq!(s.selected, 2);
    keys(&mut s, &[Key::Home]);
    assert_eq!(s.selected, 0);
    keys(&mut s, &[Key::End]);
    assert_eq!(s.selected, 2);
    keys(&mut s, &[Key::PageUp]);
    assert_eq!(s.selected, 0);
}

#[test]
fn enter_opens_the_ticket_and_q_goes_back_then_quits() {
    let mut s = inbox(Role::Counsellor);
    s.key(Key::Down);
    assert_eq!(
        s.key(Key::Enter),
        [Effect::Open {
            id: "BBBB2222".into(),
            then: None
        }]
    );
    assert!(s.opened(view("BBBB2222", None), None).is_empty());
    assert_eq!(s.screen, Screen::Thread);
    // In a thread the arrows scroll; `g` reads it again (a new audited read).
    keys(&mut s, &[Key::Down, Key::Down]);
    assert_eq!(s.thread.as_ref().unwrap().scroll, 2);
    assert_eq!(
        s.key(Key::Char('g')),
        [Effect::Open {
            id: "BBBB2222".into(),
            then: None
        }]
    );
    assert_eq!(s.key(Key::Char('q')), [Effect::List]);
    assert_eq!(s.screen, Screen::List);
    assert!(s.thread.is_none());
    assert_eq!(s.key(Key::Esc), [Effect::Quit]);
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    let mut s = inbox(Role::Counsellor);
    s.key(Key::Char('/'));
    assert!(s.overlay.is_some());
    assert_eq!(s.key(Key::Interrupt), [Effect::Quit]);
    s.opened(view("AAAA1111", None), None);
    assert_eq!(s.key(Key::Interrupt), [Effect::Quit]);
}

#[test]
fn a_refreshed_list_keeps_the_selection_on_the_same_ticket() {
    let mut s = inbox(Role::Counsellor);
    s.key(Key::Down);
    assert_eq!(&*s.tickets[s.selected].id, "BBBB2222");
    // A new urgent ticket arrives first: the selection follows BBBB2222 down.
    s.set_list(vec![
        summary("NEWW0000", true, None).into(),
        summary("AAAA1111", true, None).into(),
        summary("BBBB2222", false, None).into(),
        summary("CCCC3333", false, None).into(),
    ]);
    assert_eq!(&*s.tickets[s.selected].id, "BBBB2222");
    // The selected ticket leaves the list: the selection stays where it was, within the list.
    s.key(Key::End);
    s.set_list(vec![summary("AAAA1111", true, None).into()]);
    assert_eq!(s.selected, 0);
    s.set_list(Vec::new());
    assert_eq!(s.selected, 0);
    assert!(s.target().is_none());
    assert!(s.key(Key::Enter).is_empty(), "nothing to open");
}

#[test]
fn a_reply_asks_before_overriding_a_claim_offers_saved_replies_and_asks_before_sending() {
    let mut s = inbox(Role::Counsellor);
    s.opened(view("CCCC3333", Some("bob")), None);
    assert!(s.key(Key::Char('r')).is_empty());
    assert!(matches!(
        &s.overlay,
        Some(Overlay::Confirm(Ask::ForceReply { holder, .. })) if holder == "bob"
    ));
    assert_eq!(
        s.key(Key::Char('y')),
        [Effect::Templates {
            id: "CCCC3333".into(),
            force: true
        }]
    );
    assert!(
        s.templates(
            "CCCC3333".into(),
            true,
            vec!["referral".into(), "welcome".into()]
        )
        .is_empty()
    );
    // The first option is an empty reply; the second the first saved reply.
    assert_eq!(
        keys(&mut s, &[Key::Down, Key::Down, Key::Enter]),
        [Effect::Compose {
            id: "CCCC3333".into(),
            template: Some("welcome".into()),
            force: true
        }]
    );
    let draft = Draft {
        id: "CCCC3333".into(),
        subject: "Re: subject".into(),
        text: "Bonjour".into(),
        template: Some("welcome".into()),
        unedited: false,
        gaps: 0,
        sender: Verification::Unknown,
        force: true,
    };
    s.composed(draft.clone());
    assert_eq!(s.key(Key::Char('x')), [], "only yes or no answers");
    assert!(s.overlay.is_some());
    assert!(s.key(Key::Char('n')).is_empty());
    // The runner kept it as a draft before asking: the "no" says where it is.
    assert_eq!(
        s.flash,
        Some(Flash::Info(
            "Not sent. Kept as your draft: `ticket reply CCCC3333` resumes it.".into()
        ))
    );
    s.composed(draft.clone());
    assert_eq!(s.key(Key::Char('y')), [Effect::Send(draft)]);
}

#[test]
fn a_reply_from_the_list_reads_the_thread_first() {
    let mut s = inbox(Role::Counsellor);
    assert_eq!(
        s.key(Key::Char('r')),
        [Effect::Open {
            id: "AAAA1111".into(),
            then: Some(Then::Reply)
        }]
    );
    assert_eq!(
        s.opened(view("AAAA1111", None), Some(Then::Reply)),
        [Effect::Templates {
            id: "AAAA1111".into(),
            force: false
        }]
    );
    // No saved reply: the editor opens at once.
    assert_eq!(
        s.templates("AAAA1111".into(), false, Vec::new()),
        [Effect::Compose {
            id: "AAAA1111".into(),
            template: None,
            force: false
        }]
    );
    let mut no_address = view("AAAA1111", None);
    no_address.can_reply = false;
    assert!(s.opened(no_address, Some(Then::Reply)).is_empty());
    assert!(matches!(s.flash, Some(Flash::Error(_))));
}

#[test]
fn closing_walks_the_classification_then_asks() {
    let mut s = inbox(Role::Counsellor);
    assert!(s.key(Key::Char('x')).is_empty());
    let Some(Overlay::Pick(p)) = &s.overlay else {
        panic!("{:?}", s.overlay)
    };
    assert_eq!(p.options[0], "Counselling");
    // Counselling; two categories; the second role.
    keys(&mut s, &[Key::Enter]);
    assert!(matches!(&s.overlay, Some(Overlay::Pick(p)) if p.multi));
    keys(
        &mut s,
        &[
            Key::Char(' '),
            Key::Down,
            Key::Down,
            Key::Char(' '),
            Key::Enter,
        ],
    );
    assert!(
        matches!(&s.overlay, Some(Overlay::Pick(p)) if !p.multi && p.options[0] == "(not said)")
    );
    keys(&mut s, &[Key::Down, Key::Enter]);
    let Some(Overlay::Confirm(Ask::Close { classification, .. })) = &s.overlay else {
        panic!("{:?}", s.overlay)
    };
    let c = classification.clone().unwrap();
    assert_eq!(c.kind, "counselling");
    assert_eq!(c.categories.len(), 2);
    assert_eq!(c.role.as_deref(), Some("own"));
    assert_eq!(
        s.key(Key::Char('y')),
        [Effect::Close {
            id: "AAAA1111".into(),
            classification: Some(c),
            force: false
        }]
    );
    // Escape at any step closes nothing.
    s.key(Key::Char('x'));
    assert!(s.key(Key::Esc).is_empty());
    assert_eq!(s.flash, Some(Flash::Info("Not closed.".into())));
}

#[test]
fn closing_a_ticket_someone_else_claimed_says_so_and_overrides() {
    let mut s = inbox(Role::Counsellor);
    s.key(Key::End);
    s.classification_required = false;
    s.key(Key::Char('x'));
    // Optional classification: the first option closes without one.
    keys(&mut s, &[Key::Enter]);
    assert!(matches!(
        &s.overlay,
        Some(Overlay::Confirm(Ask::Close { classification: None, holder: Some(h), .. })) if h == "bob"
    ));
    assert_eq!(
        s.key(Key::Char('y')),
        [Effect::Close {
            id: "CCCC3333".into(),
            classification: None,
            force: true
        }]
    );
}

#[test]
fn claiming_releasing_and_someone_else_s_claim() {
    let mut s = inbox(Role::Counsellor);
    let claim = |id: &str, release, force| Effect::Claim {
        id: id.into(),
        release,
        force,
    };
    assert_eq!(s.key(Key::Char('c')), [claim("AAAA1111", false, false)]);
    s.key(Key::Down);
    assert_eq!(s.key(Key::Char('c')), [claim("BBBB2222", true, false)]);
    s.key(Key::Down);
    assert!(s.key(Key::Char('c')).is_empty());
    assert!(matches!(&s.flash, Some(Flash::Error(t)) if t.contains("bob")));
    let mut sup = inbox(Role::Supervisor);
    sup.key(Key::End);
    assert!(sup.key(Key::Char('c')).is_empty());
    assert_eq!(sup.key(Key::Char('y')), [claim("CCCC3333", false, true)]);
}

#[test]
fn tags_and_urgent_reasons_are_typed() {
    let mut s = inbox(Role::Counsellor);
    s.key(Key::Char('t'));
    typed(&mut s, "école q");
    assert_eq!(
        s.key(Key::Enter),
        [Effect::Tag {
            id: "AAAA1111".into(),
            tag: "école q".into(),
            remove: false
        }]
    );
    s.key(Key::Char('t'));
    typed(&mut s, "-x");
    assert_eq!(
        s.key(Key::Enter),
        [Effect::Tag {
            id: "AAAA1111".into(),
            tag: "x".into(),
            remove: true
        }]
    );
    s.key(Key::Char('t'));
    typed(&mut s, "ab");
    s.key(Key::Backspace);
    assert!(s.key(Key::Esc).is_empty(), "Escape cancels");
    assert!(s.overlay.is_none());
    // AAAA1111 is urgent: `u` asks to clear the mark.
    s.key(Key::Char('u'));
    assert_eq!(
        s.key(Key::Char('y')),
        [Effect::Urgent {
            id: "AAAA1111".into(),
            reason: None
        }]
    );
    s.key(Key::Down);
    s.key(Key::Char('u'));
    assert!(s.key(Key::Enter).is_empty(), "an empty reason does nothing");
    s.key(Key::Char('u'));
    typed(&mut s, "threat tonight");
    assert_eq!(
        s.key(Key::Enter),
        [Effect::Urgent {
            id: "BBBB2222".into(),
            reason: Some("threat tonight".into())
        }]
    );
}

#[test]
fn yes_is_y_or_the_language_s_own_letter() {
    let mut s = inbox(Role::Counsellor);
    assert!(s.is_yes('y') && s.is_yes('Y'));
    assert!(!s.is_yes('j') && !s.is_yes('o') && !s.is_yes('n'));
    s.lang = Language::Fr;
    assert!(s.is_yes('o') && s.is_yes('y') && !s.is_yes('j'));
    s.lang = Language::Nl;
    assert!(s.is_yes('j') && !s.is_yes('o'));
}

#[test]
fn saving_an_attachment_asks_where_then_for_a_yes() {
    let mut s = inbox(Role::Counsellor);
    assert_eq!(
        s.key(Key::Char('a')),
        [Effect::Open {
            id: "AAAA1111".into(),
            then: Some(Then::Save)
        }]
    );
    // One attachment can be saved (the other was withheld): the path is asked at once,
    // starting from its generic name.
    assert!(
        s.opened(view("AAAA1111", None), Some(Then::Save))
            .is_empty()
    );
    assert!(matches!(
        &s.overlay,
        Some(Overlay::Prompt { input, .. }) if input == "attachment-1.jpg"
    ));
    typed(&mut s, "x");
    assert!(s.key(Key::Enter).is_empty());
    assert!(
        matches!(&s.overlay, Some(Overlay::Confirm(Ask::Save { path, .. })) if path == "attachment-1.jpgx")
    );
    assert_eq!(
        s.key(Key::Char('y')),
        [Effect::Save {
            id: "AAAA1111".into(),
            attachment: 1,
            path: "attachment-1.jpgx".into()
        }]
    );
    let mut none = view("AAAA1111", None);
    none.messages[0].attachments.clear();
    s.opened(none, None);
    assert!(s.key(Key::Char('a')).is_empty());
    assert!(matches!(s.flash, Some(Flash::Error(_))));
}

#[test]
fn search_results_open_threads_and_q_walks_back() {
    let mut s = inbox(Role::Counsellor);
    s.key(Key::Char('/'));
    typed(&mut s, "dormir");
    assert_eq!(s.key(Key::Enter), [Effect::Search("dormir".into())]);
    let hit = |id: &str| SearchHit {
        id: id.into(),
        status: Status::Open,
        urgent: false,
        subject: "s".into(),
        excerpt: "…dormir…".into(),
    };
    s.found("dormir".into(), vec![hit("CCCC3333"), hit("ZZZZ9999")]);
    assert_eq!(s.screen, Screen::Search);
    // A result the list does not hold still acts on its own reference.
    s.key(Key::Down);
    assert_eq!(
        s.key(Key::Char('c')),
        [Effect::Claim {
            id: "ZZZZ9999".into(),
            release: false,
            force: false
        }]
    );
    s.key(Key::Up);
    // A result the list holds knows its claim.
    assert!(s.key(Key::Char('c')).is_empty());
    assert_eq!(
        s.key(Key::Enter),
        [Effect::Open {
            id: "CCCC3333".into(),
            then: None
        }]
    );
    s.opened(view("CCCC3333", Some("bob")), None);
    assert!(s.key(Key::Char('q')).is_empty(), "back to the results");
    assert_eq!(s.screen, Screen::Search);
    assert_eq!(s.key(Key::Char('g')), [Effect::Search("dormir".into())]);
    assert_eq!(s.key(Key::Char('q')), [Effect::List]);
    assert_eq!(s.screen, Screen::List);
    s.found("nothing".into(), Vec::new());
    assert_eq!(s.screen, Screen::List, "no results: the list stays");
    assert!(matches!(&s.flash, Some(Flash::Info(t)) if t.contains("nothing")));
}

#[test]
fn the_list_view_cycles_through_the_states() {
    let mut s = inbox(Role::Counsellor);
    s.key(Key::End);
    assert_eq!(s.key(Key::Char('s')), [Effect::List]);
    assert_eq!(s.view, StatusFilter::Waiting);
    assert_eq!(s.selected, 0);
    for v in [StatusFilter::Closed, StatusFilter::All, StatusFilter::Open] {
        s.key(Key::Char('s'));
        assert_eq!(s.view, v);
    }
}

#[test]
fn what_was_done_shows_in_the_open_thread_without_reading_it_again() {
    let mut s = inbox(Role::Counsellor);
    s.opened(view("AAAA1111", None), None);
    s.noted("AAAA1111", "called back".into(), 1_717_410_000);
    s.tagged("AAAA1111", "school", false);
    s.tagged("OTHER000", "x", false);
    s.claimed("AAAA1111", false);
    s.marked("AAAA1111", Some("danger".into()));
    s.sent("AAAA1111", "Re: s".into(), "Bonjour".into(), 1_717_410_000);
    let v = &s.thread.as_ref().unwrap().view;
    assert_eq!(v.notes[0].author, "alice");
    assert_eq!(v.tags, ["school"]);
    assert_eq!(v.claimed_by.as_deref(), Some("alice"));
    assert!(v.urgent && v.urgent_reason.as_deref() == Some("danger"));
    assert_eq!(v.messages.len(), 2);
    assert_eq!(v.messages[1].direction, Direction::Out);
    s.tagged("AAAA1111", "SCHOOL", true);
    assert!(s.thread.as_ref().unwrap().view.tags.is_empty());
    s.closed("AAAA1111");
    assert_eq!(s.screen, Screen::List);
}

#[test]
fn the_help_closes_with_any_key() {
    let mut s = inbox(Role::Counsellor);
    s.key(Key::Char('?'));
    assert_eq!(s.overlay, Some(Overlay::Help));
    assert!(
        s.key(Key::Char('q')).is_empty(),
        "q closes the help, not the inbox"
    );
    assert!(s.overlay.is_none());
}
