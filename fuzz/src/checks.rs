//! What each fuzz target does with one input, and what it asserts.
//!
//! Shared, through `#[path]`, by the libFuzzer targets (`fuzz/fuzz_targets/*.rs`) and by the
//! replay test (`tests/integration/fuzz_replay.rs`), so a saved input is replayed through the
//! very code the fuzzer ran. Every function here must return normally on any input; a panic is
//! a finding.

use std::path::Path;
use std::sync::OnceLock;

use sourdine::anonymise::clean::{CleanLimits, clean};
use sourdine::anonymise::{self, AttachmentContent, AttachmentKind, Options};
use sourdine::config::Config;
use sourdine::control::protocol::{RequestFrame, VERSION, parse_request};
use sourdine::intake::pipeline::{Arrival, Pipeline, PreparedItem};
use sourdine::time::Clock;

/// Every target, by name (also the folder names under `fuzz/seeds/` and `fuzz/artifacts/`).
pub const TARGETS: &[&str] = &[
    "pipeline",
    "clean_jpeg",
    "clean_png",
    "clean_webp",
    "clean_gif",
    "clean_pdf",
    "clean_ooxml",
    "clean_odf",
    "clean_rtf",
    "control_protocol",
    "config",
];

/// Runs the check of `target` on `data`.
///
/// # Panics
///
/// On a finding, and on an unknown target name.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "pipeline" => pipeline(data),
        "clean_jpeg" => cleaner(AttachmentKind::Jpeg, data),
        "clean_png" => cleaner(AttachmentKind::Png, data),
        "clean_webp" => cleaner(AttachmentKind::Webp, data),
        "clean_gif" => cleaner(AttachmentKind::Gif, data),
        "clean_pdf" => cleaner(AttachmentKind::Pdf, data),
        "clean_ooxml" => cleaner(AttachmentKind::Docx, data),
        "clean_odf" => cleaner(AttachmentKind::Odt, data),
        "clean_rtf" => cleaner(AttachmentKind::Rtf, data),
        "control_protocol" => control_protocol(data),
        "config" => config(data),
        other => panic!("no fuzz target named {other}"),
    }
}

/// A minimal configuration: everything else at its default.
const MINIMAL_CONFIG: &str =
    "data_dir = \"/var/lib/sourdine\"\ncontact_address = \"contact@helpline.example\"\n";

/// The anonymiser's options of a default configuration.
fn default_options() -> &'static Options {
    static OPTS: OnceLock<Options> = OnceLock::new();
    OPTS.get_or_init(|| {
        Config::parse(MINIMAL_CONFIG, Path::new("/etc/sourdine/sourdine.toml"))
            .expect("the minimal configuration is valid")
            .anonymise_options()
    })
}

/// The whole anonymiser on raw bytes, then the intake pipeline (without a cleaner) on the
/// same bytes: both must agree, and no attachment that needs cleaning may come out as it came.
pub fn pipeline(data: &[u8]) {
    let opts = default_options();
    let direct = anonymise::anonymise(data, opts);
    let prepared =
        Pipeline::new(opts.clone(), Clock::system()).prepare(data, Arrival::FromDateHeader, &[]);
    assert_eq!(prepared.size, data.len());
    match (&direct, &prepared.item) {
        (Ok(a), PreparedItem::Message(b)) => {
            assert_eq!(a.subject, b.subject);
            assert_eq!(a.body, b.body);
            assert_eq!(a.attachments.len(), b.attachments.len());
            for att in &b.attachments {
                assert!(
                    !matches!(att.content, AttachmentContent::NeedsCleaning(_)),
                    "an attachment that needs cleaning left the pipeline uncleaned"
                );
            }
        }
        (Err(rejection), PreparedItem::Rejected { reason, raw }) => {
            assert_eq!(&rejection.to_string(), reason);
            assert_eq!(raw.as_slice(), data, "the quarantine keeps the raw bytes");
        }
        (Ok(_), PreparedItem::Rejected { reason, .. }) => {
            panic!("the anonymiser accepted what the pipeline rejected ({reason})")
        }
        (Err(rejection), PreparedItem::Message(_)) => {
            panic!("the pipeline accepted what the anonymiser rejected ({rejection})")
        }
    }
}

/// One attachment cleaner with the default limits; what it cleans, cleaned again, must come
/// out the same (the cleaner is idempotent, and accepts its own output).
pub fn cleaner(kind: AttachmentKind, data: &[u8]) {
    let limits = CleanLimits::default();
    if let Ok(once) = clean(kind, data, &limits) {
        match clean(kind, &once, &limits) {
            Ok(twice) => assert!(
                twice == once,
                "cleaning a cleaned {kind:?} changed it ({} bytes, then {} bytes)",
                once.len(),
                twice.len()
            ),
            Err(e) => panic!("the {kind:?} cleaner refused its own output: {e}"),
        }
    }
}

/// A control request line: parsing never panics, an error never echoes the input, and what
/// parses serialises to a line that parses to the same request.
pub fn control_protocol(data: &[u8]) {
    match parse_request(data) {
        Ok(request) => {
            let line = serde_json::to_vec(&RequestFrame {
                v: VERSION,
                request,
            })
            .expect("a request serialises");
            let again = parse_request(&line).expect("a serialised request parses");
            let line2 = serde_json::to_vec(&RequestFrame {
                v: VERSION,
                request: again,
            })
            .expect("a request serialises");
            assert_eq!(
                String::from_utf8_lossy(&line),
                String::from_utf8_lossy(&line2),
                "the request changed on a round trip"
            );
        }
        Err(e) => {
            let message = e.to_string();
            assert!(
                message.len() < 400,
                "an error message of {} bytes",
                message.len()
            );
            // The message names a line and column, or a version number, never the input.
            if data.len() >= 12
                && let Ok(text) = std::str::from_utf8(data)
            {
                assert!(!message.contains(text), "the error echoes the request");
            }
        }
    }
}

/// Configuration text: parsing never panics, and an error names a key or a line.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("/etc/sourdine/sourdine.toml");
    match Config::parse(text, path) {
        Ok(cfg) => {
            // What is accepted gives usable derived values.
            let _ = cfg.anonymise_options();
            assert!(cfg.key_dir().is_absolute());
        }
        Err(e) => {
            let message = e.to_string();
            assert!(
                message.contains("/etc/sourdine/sourdine.toml"),
                "the error does not name the file: {message}"
            );
            match e.key() {
                Some(key) => assert!(
                    !key.is_empty() && message.contains(&format!("`{key}`")),
                    "an invalid-value error without its key: {message}"
                ),
                None => assert!(
                    message.contains("line ") || message.contains('`'),
                    "a syntax error that names neither a line nor a key: {message}"
                ),
            }
        }
    }
}
