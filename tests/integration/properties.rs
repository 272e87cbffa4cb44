//! Property tests of two promises, on the library with a real store:
//!
//! * no header value that `anonymise::headers::KEPT` does not name reaches a stored ticket
//!   (through the real intake pipeline and a real store commit), nor the store's files in clear;
//! * a sealed reply envelope opens to what was sealed, and any single flipped bit is refused.

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};

use sourdine::anonymise::headers::KEPT;
use sourdine::config::Config;
use sourdine::intake::pipeline::{Arrival, Pipeline};
use sourdine::seal::{Envelope, Key};
use sourdine::store::{ListFilter, Outcome, Store};
use sourdine::time::Clock;

/// Header names that are never kept: the ones the anonymiser reads for its own use, and
/// common ones it never reads.
const UNKEPT_NAMES: &[&str] = &[
    "From",
    "Reply-To",
    "To",
    "Cc",
    "Bcc",
    "Sender",
    "Delivered-To",
    "X-Original-To",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Return-Path",
    "Received",
    "Authentication-Results",
    "ARC-Seal",
    "DKIM-Signature",
    "User-Agent",
    "X-Mailer",
    "X-Originating-IP",
    "Organization",
    "Thread-Topic",
    "Content-Language",
    "Content-Description",
    "Content-ID",
    "Content-Type",
    "Content-Disposition",
    "Content-Transfer-Encoding",
    "MIME-Version",
    "Comments",
    "Keywords",
    "Autocrypt",
    "List-Id",
    "List-Unsubscribe",
    "Auto-Submitted",
    "Precedence",
    "X-Auto-Response-Suppress",
];

/// One header of the generated message: its name, and the shape its token is put in.
#[derive(Debug, Clone)]
struct Field {
    name: String,
    shape: usize,
}

/// The shapes a token takes in a header value (`{t}` is the token).
const SHAPES: &[&str] = &[
    "{t}",
    "\"{t} Name\" <{t}@{t}.example>",
    "{t}@example.org, other <{t}x@example.org>",
    "<{t}@example.org>",
    "<a@example.org> <{t}@example.org>",
    "=?utf-8?q?{t}?=",
    "=?utf-8?b?{b64}?=",
    "text/plain; charset=utf-8; name=\"{t}.txt\"",
    "attachment; filename=\"{t}.txt\"; filename*=utf-8''{t}.txt",
    "from {t}.example ([192.0.2.1]) by mx.example; Mon, 3 Jun 2024 12:00:00 +0200",
    "mx.helpline.example; dkim=pass header.d={t}.example; dmarc=pass header.from={t}.example",
    "folded\r\n\t{t}\r\n more",
    "({t}) comment",
    "<mailto:{t}@example.org>",
];

fn field() -> impl Strategy<Value = Field> {
    let name = prop_oneof![
        3 => proptest::sample::select(UNKEPT_NAMES).prop_map(str::to_string),
        1 => "X-[A-Za-z0-9-]{1,16}",
    ];
    (name, 0..SHAPES.len()).prop_map(|(name, shape)| Field { name, shape })
}

/// A generated message: its fields, one token each, a subject token, and a body that cannot
/// contain a token (tokens have digits, bodies have none).
#[derive(Debug, Clone)]
struct Generated {
    fields: Vec<(Field, String)>,
    subject: String,
    body: String,
}

fn generated() -> impl Strategy<Value = Generated> {
    proptest::collection::vec(field(), 1..12).prop_flat_map(|fields| {
        let n = fields.len();
        (
            Just(fields),
            proptest::collection::hash_set("[a-z]{4}[0-9]{4}[a-z]{4}", n + 1),
            "[A-Za-z ,.!?\n]{0,300}",
        )
            .prop_map(|(fields, tokens, body)| {
                let mut tokens: Vec<String> = tokens.into_iter().collect();
                let subject = tokens.pop().expect("n + 1 tokens");
                Generated {
                    fields: fields.into_iter().zip(tokens).collect(),
                    subject,
                    body,
                }
            })
    })
}

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

impl Generated {
    fn raw(&self) -> Vec<u8> {
        let mut m = String::new();
        for (f, t) in &self.fields {
            let value = SHAPES[f.shape].replace("{t}", t).replace("{b64}", &b64(t));
            m.push_str(&format!("{}: {value}\r\n", f.name));
        }
        m.push_str(&format!(
            "Subject: {}\r\nDate: Mon, 3 Jun 2024 12:00:00 +0200\r\n\r\n{}\r\n",
            self.subject,
            self.body.replace('\n', "\r\n")
        ));
        m.into_bytes()
    }
}

fn config(dir: &Path) -> Config {
    Config::parse(
        &format!(
            "data_dir = \"{}/data\"\ncontact_address = \"contact@helpline.example\"\ncontrol_socket = \"{}/run/control.sock\"\n",
            dir.display(),
            dir.display()
        ),
        &dir.join("etc/sourdine.toml"),
    )
    .unwrap()
}

/// Every file under `dir`, read whole.
fn files_under(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.push((p, bytes));
            }
        }
    }
    out
}

fn contains_ci(hay: &[u8], needle: &str) -> bool {
    let needle = needle.to_ascii_lowercase().into_bytes();
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(&needle))
}

#[test]
fn no_unkept_header_value_reaches_a_stored_ticket() {
    assert_eq!(
        KEPT,
        ["Subject", "Date"],
        "the generator keeps only these two"
    );
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(tmp.path());
    Store::init(&cfg).unwrap();
    let store = Store::open(&cfg).unwrap();
    let pipeline = Pipeline::new(cfg.anonymise_options(), Clock::system());
    let ticketed = std::cell::Cell::new(0);
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 32,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(&generated(), |g| {
            let prepared = pipeline.prepare(&g.raw(), Arrival::Now, &store.dedupe_keys());
            let outcome = store
                .commit_intake(vec![prepared])
                .map_err(|e| TestCaseError::fail(format!("commit: {e}")))?;
            let mut seen = Vec::new();
            match &outcome[..] {
                [Outcome::Ticketed { ticket }] => {
                    ticketed.set(ticketed.get() + 1);
                    let view = store.show_ticket(ticket).unwrap();
                    let json = serde_json::to_string(&view).unwrap();
                    prop_assert!(
                        json.contains(&g.subject),
                        "the kept subject is missing: {json}"
                    );
                    seen.push(("show_ticket", json));
                    let list = store.list_tickets(&ListFilter::default()).unwrap();
                    seen.push(("list_tickets", serde_json::to_string(&list).unwrap()));
                    seen.push(("ticket_text", store.ticket_text(ticket).unwrap()));
                }
                [Outcome::Quarantined { .. }] => {
                    let q = store.quarantine_list().unwrap();
                    seen.push(("quarantine_list", serde_json::to_string(&q).unwrap()));
                }
                other => prop_assert!(false, "unexpected outcome {other:?}"),
            }
            for (f, token) in &g.fields {
                for (place, text) in &seen {
                    prop_assert!(
                        !contains_ci(text.as_bytes(), token),
                        "the value of {} ({token}) reached {place}: {text}",
                        f.name
                    );
                }
            }
            // Nothing of the writer's is in the store's files in clear either.
            for (path, bytes) in files_under(store.data_dir()) {
                for (f, token) in &g.fields {
                    prop_assert!(
                        !contains_ci(&bytes, token),
                        "the value of {} ({token}) is in clear in {}",
                        f.name,
                        path.display()
                    );
                }
            }
            Ok(())
        })
        .unwrap();
    let ticketed = ticketed.get();
    assert!(
        ticketed > 16,
        "only {ticketed} of 32 messages were ticketed"
    );
}

fn envelope() -> impl Strategy<Value = Envelope> {
    (
        prop_oneof!["[a-z0-9.+_-]{1,20}@[a-z0-9.-]{1,20}", ".{0,40}"],
        proptest::option::of(".{0,60}"),
        proptest::collection::vec("[!-~]{1,40}", 0..4),
    )
        .prop_map(|(address, message_id, references)| Envelope {
            address,
            message_id,
            references,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_sealed_envelope_opens_to_itself_and_refuses_any_flipped_bit(
        env in envelope(),
        aad in proptest::collection::vec(any::<u8>(), 0..40),
        bit in any::<proptest::sample::Index>(),
    ) {
        let key = Key::random();
        let sealed = env.seal(&key, &aad);
        let opened = Envelope::open(&key, &aad, &sealed).expect("opens");
        prop_assert!(opened == env, "the envelope changed through sealing");
        let i = bit.index(sealed.len() * 8);
        let mut tampered = sealed.clone();
        tampered[i / 8] ^= 1 << (i % 8);
        match Envelope::open(&key, &aad, &tampered) {
            Ok(_) => prop_assert!(false, "bit {i} of {} flipped, yet it opened", sealed.len() * 8),
            Err(e) => prop_assert!(e.is_tampered(), "bit {i}: {e}"),
        }
        // Another key, or another place, is refused too.
        prop_assert!(Envelope::open(&Key::random(), &aad, &sealed).is_err());
        let mut elsewhere = aad.clone();
        elsewhere.push(0);
        prop_assert!(Envelope::open(&key, &elsewhere, &sealed).is_err());
    }
}
