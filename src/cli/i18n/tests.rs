use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

use super::*;

/// Each message of a file: its id, with the variables it uses (`$name`) and its attributes.
type Messages = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

fn inline_vars(e: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match e {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
            for a in &arguments.named {
                inline_vars(&a.value, out);
            }
        }
        InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
        }
        InlineExpression::Placeable { expression } => expression_vars(expression, out),
        _ => {}
    }
}

fn expression_vars(e: &Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        Expression::Inline(i) => inline_vars(i, out),
        Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for v in variants {
                pattern_vars(&v.value, out);
            }
        }
    }
}

fn pattern_vars(p: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for e in &p.elements {
        if let PatternElement::Placeable { expression } = e {
            expression_vars(expression, out);
        }
    }
}

fn messages(name: &str, text: &str) -> Messages {
    let resource = fluent_syntax::parser::parse(text)
        .unwrap_or_else(|(_, errors)| panic!("{name} does not parse: {errors:?}"));
    let mut out = Messages::new();
    for entry in &resource.body {
        match entry {
            Entry::Message(m) => {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern_vars(p, &mut vars);
                }
                let mut attributes = BTreeSet::new();
                for a in &m.attributes {
                    attributes.insert(a.id.name.to_string());
                    pattern_vars(&a.value, &mut vars);
                }
                let old = out.insert(m.id.name.to_string(), (vars, attributes));
                assert!(old.is_none(), "{name}: {} is there twice", m.id.name);
            }
            Entry::Junk { content } => panic!("{name}: unreadable text: {content:?}"),
            _ => {}
        }
    }
    out
}

/// A message in one language is in every language, with the same variables: a helpline
/// never sees an English line in a French screen, nor a word left unfilled.
#[test]
fn every_message_is_in_every_language_with_the_same_variables() {
    let all: Vec<(&str, Messages)> = FILES
        .iter()
        .map(|(_, name, text)| (*name, messages(name, text)))
        .collect();
    let (first, reference) = &all[0];
    assert!(reference.len() > 100, "{first} holds the inbox's messages");
    for (name, msgs) in &all[1..] {
        for (id, (vars, attrs)) in reference {
            let Some((their_vars, their_attrs)) = msgs.get(id) else {
                panic!("{id} is in {first} but not in {name}");
            };
            assert_eq!(vars, their_vars, "{id}: variables in {first} and {name}");
            assert_eq!(attrs, their_attrs, "{id}: attributes in {first} and {name}");
        }
        for id in msgs.keys() {
            assert!(
                reference.contains_key(id),
                "{id} is in {name} but not in {first}"
            );
        }
    }
}

/// The files the test reads are the ones built in, and the languages are the three of
/// `--lang`.
#[test]
fn the_three_languages_are_built_in() {
    let langs: Vec<Language> = FILES.iter().map(|(l, _, _)| *l).collect();
    assert_eq!(langs, [Language::En, Language::Fr, Language::Nl]);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (_, name, text) in FILES {
        assert_eq!(std::fs::read_to_string(root.join(name)).unwrap(), *text);
    }
}

fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every message id the code names exists, and every message in the files is used: no
/// screen shows a bare id, and no translator works on a line nobody reads.
#[test]
fn the_code_and_the_files_name_the_same_messages() {
    let english = messages("en", FILES[0].2);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let literal = regex::Regex::new(r#""([a-z]+(?:-[a-z0-9]+)+)""#).unwrap();
    let mut named = BTreeSet::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for c in literal.captures_iter(&text) {
            named.insert(c[1].to_string());
        }
        let in_inbox = f.components().any(|c| c.as_os_str() == "inbox");
        if in_inbox && !f.ends_with("tests.rs") {
            // A failpoint's name is a switch for tests, not a text for a person.
            let shown = text.lines().filter(|l| !l.contains("failpoint"));
            for c in shown.flat_map(|l| literal.captures_iter(l)) {
                assert!(
                    english.contains_key(&c[1]),
                    "{}: {:?} is not a message of locales/en/ticket.ftl",
                    f.display(),
                    &c[1]
                );
            }
        }
    }
    // The help texts of the command line are named from the commands and options
    // (`cli-ticket-list--status`): the `ticket` binary's tests check those both ways.
    for id in english.keys().filter(|id| !id.starts_with("cli-")) {
        assert!(
            named.contains(id),
            "{id} is in the message files but no code uses it"
        );
    }
}

#[test]
fn messages_fill_their_variables_and_choose_plurals() {
    assert_eq!(tr!(Language::En, "inbox-count", count = 1), "1 ticket");
    assert_eq!(tr!(Language::En, "inbox-count", count = 3), "3 tickets");
    assert_eq!(tr!(Language::Fr, "inbox-count", count = 0), "0 ticket");
    assert_eq!(tr!(Language::Nl, "inbox-count", count = 2), "2 tickets");
    assert_eq!(
        tr!(Language::Fr, "done-tagged", tag = "école"),
        "Étiquette « école » ajoutée."
    );
    assert_eq!(tr!(Language::Unknown, "key-quit"), "quit");
    assert_eq!(tr!(Language::Nl, "no-such-message"), "no-such-message");
}

/// Fluent's bidi isolation marks would reach the display filter, which shows them as `�`.
#[test]
fn no_isolation_marks_around_variables() {
    for (lang, _, _) in FILES {
        let s = tr!(*lang, "confirm-close", id = "K7QH2M4X");
        assert!(!s.contains(['\u{2068}', '\u{2069}']), "{s:?}");
        assert!(s.contains("K7QH2M4X"), "{s}");
    }
}
