//! Tests of the corpus: determinism, structure, metadata, proportions, sizes.

use std::collections::{BTreeMap, HashSet};

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

use super::*;

/// The default mix with small attachments, so debug-build tests stay quick.
fn small() -> Mix {
    Mix {
        jpeg_bytes: 30_000..=60_000,
        pdf_bytes: 20_000..=40_000,
        ..Mix::default()
    }
}

/// The first indices of each kind for a seed.
fn indices_of(seed: u64, mix: &Mix, kind: MessageKind, n: usize) -> Vec<u64> {
    (0..)
        .filter(|i| kind_of(seed, *i, mix) == kind)
        .take(n)
        .collect()
}

fn parse(bytes: &[u8]) -> Message<'_> {
    MessageParser::default()
        .parse(bytes)
        .expect("every generated message parses")
}

#[test]
fn same_seed_and_index_give_the_same_bytes() {
    let mix = small();
    for kind in MessageKind::ALL {
        for i in indices_of(7, &mix, kind, 2) {
            assert_eq!(generate(7, i, &mix), generate(7, i, &mix), "{kind:?} {i}");
        }
    }
}

#[test]
fn different_indices_and_seeds_give_different_messages() {
    let mix = small();
    let a = generate(1, 10, &mix);
    assert_ne!(a, generate(1, 11, &mix));
    assert_ne!(a, generate(2, 10, &mix));
}

/// BLAKE3 of messages of corpus 1: a plain, a quoting and an HTML message (default mix), a
/// photo and a document ([`small`] mix). They pin the corpus across machines and releases;
/// when the generator is changed on purpose, update them and the figures in the module
/// documentation.
const PINNED: &[(u64, bool, &str)] = &[
    (
        0,
        false,
        "a7eff20628f3f0736d859fb26ea47c8ae5e0eb9d9b63ac4e952b6f9cfb109d13",
    ),
    (
        3,
        false,
        "fe4e76b89aa64b0b5e0a9f6c381a1d5284427819e4a4177adb8aea536d01c6b5",
    ),
    (
        6,
        false,
        "a5a27c8c61ee85da71a7d587d1fab3b0b141ec3eac42976cba2c8c4ecc1fa5b7",
    ),
    (
        1,
        true,
        "57e630afe8dbd54bedf4a13c8ad97e90742dd73c6140c9e3eb0d611b173a9953",
    ),
    (
        102,
        true,
        "825b9c5b4c2e520852b66e5a8f8adba12f53bdcb7eb3eb70d3a47a3ad82a13bb",
    ),
];

#[test]
fn pinned_messages_never_change() {
    for (i, small_mix, want) in PINNED {
        let mix = if *small_mix { small() } else { Mix::default() };
        let got = blake3::hash(&generate(1, *i, &mix)).to_hex();
        assert_eq!(got.as_str(), *want, "message {i} of seed 1 changed");
    }
    assert_eq!(kind_of(1, 1, &small()), MessageKind::WithJpeg);
    assert_eq!(kind_of(1, 102, &small()), MessageKind::WithPdf);
}

#[test]
fn proportions_over_a_thousand_messages() {
    let mix = Mix::default();
    let mut counts: BTreeMap<MessageKind, usize> = BTreeMap::new();
    for i in 0..1000 {
        *counts.entry(kind_of(1, i, &mix)).or_default() += 1;
    }
    let get = |k| counts.get(&k).copied().unwrap_or(0) as i64;
    let plain = get(MessageKind::Plain) + get(MessageKind::PlainWithQuote);
    let html = get(MessageKind::Html);
    let att = get(MessageKind::WithJpeg) + get(MessageKind::WithPdf);
    assert!((plain - 700).abs() <= 40, "{counts:?}");
    assert!((html - 200).abs() <= 30, "{counts:?}");
    assert!((att - 100).abs() <= 25, "{counts:?}");
    let quoted = get(MessageKind::PlainWithQuote);
    assert!(
        (quoted * 3 - plain).abs() <= 120,
        "a third quote: {counts:?}"
    );
    assert!(get(MessageKind::WithJpeg) > 0 && get(MessageKind::WithPdf) > 0);
}

#[test]
fn zero_weights_make_plain_messages() {
    let mix = Mix {
        plain: 0,
        plain_with_quote: 0,
        html: 0,
        jpeg: 0,
        pdf: 0,
        ..Mix::default()
    };
    assert_eq!(kind_of(3, 3, &mix), MessageKind::Plain);
    let only_pdf = Mix {
        plain: 0,
        plain_with_quote: 0,
        html: 0,
        jpeg: 0,
        pdf: 1,
        ..small()
    };
    assert_eq!(kind_of(3, 3, &only_pdf), MessageKind::WithPdf);
}

/// Lines end in CRLF, headers are folded at 78, no line passes 998.
fn check_lines(bytes: &[u8]) {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header/body separator");
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            assert!(i > 0 && bytes[i - 1] == b'\r', "bare LF at {i}");
        }
    }
    for line in bytes[..end].split(|b| *b == b'\n') {
        assert!(line.len() <= 79, "{}", String::from_utf8_lossy(line));
    }
    for line in bytes.split(|b| *b == b'\n') {
        assert!(line.len() <= 999);
    }
}

#[test]
fn every_message_parses_with_the_structure_of_its_kind() {
    let mix = small();
    let mut addresses = HashSet::new();
    let mut clients = HashSet::new();
    for i in 0..150 {
        let bytes = generate(5, i, &mix);
        check_lines(&bytes);
        let m = parse(&bytes);
        let kind = kind_of(5, i, &mix);
        let from = m.from().and_then(|a| a.first()).expect("From");
        assert!(from.name().is_some_and(|n| n.contains(' ')), "display name");
        let addr = from.address().expect("address").to_owned();
        assert!(addresses.insert(addr), "a distinct writer per message");
        assert_eq!(
            m.to().and_then(|a| a.first()).and_then(|a| a.address()),
            Some("contact@helpline.example")
        );
        assert!(m.subject().is_some_and(|s| !s.is_empty()));
        assert!(m.message_id().is_some());
        assert!(m.date().is_some());
        assert!(m.received_all().count() >= 2, "Received chain");
        assert!(m.header_raw("Authentication-Results").is_some());
        let ua = m
            .header_raw("User-Agent")
            .or(m.header_raw("X-Mailer"))
            .map(str::to_owned);
        let dkim = m.header_raw("DKIM-Signature").is_some();
        let mid = m.message_id().unwrap_or_default().to_owned();
        clients.insert(if mid.ends_with("mail.gmail.com") {
            assert!(dkim, "Gmail signs");
            "gmail"
        } else if mid.contains("outlook.com") {
            assert!(dkim, "Outlook signs");
            "outlook"
        } else if mid.ends_with("email.android.com") {
            assert!(ua.is_some());
            "k9"
        } else if ua.as_deref().is_some_and(|u| u.contains("Mail")) {
            "apple"
        } else {
            assert!(ua.is_some_and(|u| u.contains("Thunderbird")), "{mid}");
            "thunderbird"
        });
        let text = m.body_text(0).expect("a text body").into_owned();
        match kind {
            MessageKind::Plain | MessageKind::PlainWithQuote => {
                assert_eq!(
                    m.root_part().content_type().map(|c| c.ctype()),
                    Some("text")
                );
                assert_eq!(m.attachment_count(), 0);
                assert!(
                    m.html_body_count() == 0 || m.body_html(0).is_none_or(|h| !h.contains("<div"))
                );
                let quoted = text.lines().any(|l| l.starts_with("> "));
                let attributed = text.lines().any(|l| {
                    (l.starts_with("Le ") && l.ends_with("a écrit :"))
                        || (l.starts_with("Op ") && l.contains(" schreef "))
                        || (l.starts_with("On ") && l.ends_with("wrote:"))
                });
                assert_eq!(quoted, kind == MessageKind::PlainWithQuote, "{text}");
                assert_eq!(attributed, quoted);
            }
            MessageKind::Html => {
                let root = m.root_part().content_type().expect("Content-Type");
                assert_eq!(
                    (root.ctype(), root.subtype()),
                    ("multipart", Some("alternative"))
                );
                let html = m.body_html(0).expect("HTML");
                assert!(html.contains("<blockquote"));
                // Inline styles everywhere but in Thunderbird's plain markup.
                assert!(html.contains("style=\"") || html.contains("moz-cite-prefix"));
                assert!(text.lines().any(|l| l.starts_with('>')));
                assert_eq!(m.attachment_count(), 0);
            }
            MessageKind::WithJpeg | MessageKind::WithPdf => {
                let root = m.root_part().content_type().expect("Content-Type");
                assert_eq!((root.ctype(), root.subtype()), ("multipart", Some("mixed")));
                assert_eq!(m.attachment_count(), 1);
                let att = m.attachment(0).expect("attachment");
                let ct = att.content_type().expect("attachment type");
                let name = att.attachment_name().expect("file name");
                let data = att.contents();
                if kind == MessageKind::WithJpeg {
                    assert_eq!(ct.subtype(), Some("jpeg"));
                    assert!(name.to_ascii_lowercase().ends_with(".jpg"), "{name}");
                    check_jpeg(data);
                } else {
                    assert_eq!(ct.subtype(), Some("pdf"));
                    assert!(name.ends_with(".pdf"));
                    check_pdf(data);
                }
            }
        }
    }
    assert_eq!(clients.len(), 5, "{clients:?}");
}

#[test]
fn text_sizes_are_within_their_ranges() {
    let mix = Mix::default();
    for kind in [MessageKind::Plain, MessageKind::PlainWithQuote] {
        for i in indices_of(9, &mix, kind, 25) {
            let bytes = generate(9, i, &mix);
            let m = parse(&bytes);
            let n = m.body_text(0).expect("text").len();
            assert!(mix.plain_bytes.contains(&n), "{kind:?} {i}: {n}");
        }
    }
    for i in indices_of(9, &mix, MessageKind::Html, 25) {
        let bytes = generate(9, i, &mix);
        let m = parse(&bytes);
        let n = m.body_html(0).expect("html").len();
        assert!(mix.html_bytes.contains(&n), "html {i}: {n}");
    }
}

#[test]
fn attachment_sizes_are_within_their_ranges() {
    let mix = Mix {
        jpeg_bytes: 200_000..=400_000,
        ..Mix::default()
    };
    for kind in [MessageKind::WithJpeg, MessageKind::WithPdf] {
        for i in indices_of(3, &mix, kind, 2) {
            let bytes = generate(3, i, &mix);
            let m = parse(&bytes);
            let n = m.attachment(0).expect("attachment").contents().len();
            let r = if kind == MessageKind::WithJpeg {
                &mix.jpeg_bytes
            } else {
                &mix.pdf_bytes
            };
            let (lo, hi) = (*r.start() * 9 / 10, *r.end() * 11 / 10);
            assert!((lo..=hi).contains(&n), "{kind:?} {i}: {n}");
        }
    }
}

/// Walks the JPEG's segments, reads the Exif TIFF, and decodes the image.
fn check_jpeg(data: &[u8]) {
    assert_eq!(&data[..4], &[0xFF, 0xD8, 0xFF, 0xE1], "SOI then APP1");
    let len = usize::from(u16::from_be_bytes([data[4], data[5]]));
    assert_eq!(&data[6..12], b"Exif\0\0");
    let tiff = &data[12..4 + len];
    let exif = read_tiff(tiff);
    for tag in [0x010F, 0x0110, 0x013B, 0x0112] {
        assert!(exif.ifd0.contains_key(&tag), "IFD0 tag {tag:#x}");
    }
    assert!(exif.exif.contains_key(&0x9003), "DateTimeOriginal");
    assert!(exif.exif.contains_key(&0xA431), "BodySerialNumber");
    for tag in [1, 2, 3, 4] {
        assert!(exif.gps.contains_key(&tag), "GPS tag {tag}");
    }
    let lat = &exif.gps[&2];
    assert_eq!(lat.len(), 24, "three rationals");
    // Every segment up to the scan, then the image decodes to its stated size.
    let mut at = 2;
    let mut sof = None;
    loop {
        assert_eq!(data[at], 0xFF);
        let marker = data[at + 1];
        let seg = usize::from(u16::from_be_bytes([data[at + 2], data[at + 3]]));
        if marker == 0xC0 {
            let h = u16::from_be_bytes([data[at + 5], data[at + 6]]);
            let w = u16::from_be_bytes([data[at + 7], data[at + 8]]);
            sof = Some((w, h));
        }
        if marker == 0xDA {
            break;
        }
        at += 2 + seg;
    }
    assert_eq!(&data[data.len() - 2..], &[0xFF, 0xD9], "EOI");
    let (w, h) = sof.expect("baseline SOF0");
    assert_eq!(exif.exif.get(&0xA002).map(|v| v.len()), Some(4));
    let mut dec = zune_jpeg::JpegDecoder::new(zune_jpeg::zune_core::bytestream::ZCursor::new(data));
    let pixels = dec.decode().expect("the JPEG decodes");
    assert_eq!(pixels.len(), usize::from(w) * usize::from(h) * 3);
}

struct Exif {
    ifd0: BTreeMap<u16, Vec<u8>>,
    exif: BTreeMap<u16, Vec<u8>>,
    gps: BTreeMap<u16, Vec<u8>>,
}

/// A minimal TIFF reader: tag → value bytes, following the Exif and GPS pointers.
fn read_tiff(t: &[u8]) -> Exif {
    let big = match &t[..2] {
        b"MM" => true,
        b"II" => false,
        other => panic!("byte order {other:?}"),
    };
    let u16_at = |o: usize| {
        let b = [t[o], t[o + 1]];
        if big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    };
    let u32_at = |o: usize| {
        let b = [t[o], t[o + 1], t[o + 2], t[o + 3]];
        if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    };
    assert_eq!(u16_at(2), 42);
    let ifd = |at: usize| {
        let n = usize::from(u16_at(at));
        let mut m = BTreeMap::new();
        let mut last = 0;
        for k in 0..n {
            let e = at + 2 + 12 * k;
            let tag = u16_at(e);
            assert!(k == 0 || tag > last, "tags sorted");
            last = tag;
            let size = match u16_at(e + 2) {
                1 | 2 | 7 => 1,
                3 => 2,
                4 => 4,
                5 => 8,
                other => panic!("type {other}"),
            } * u32_at(e + 4) as usize;
            let v = if size <= 4 {
                t[e + 8..e + 8 + size].to_vec()
            } else {
                let off = u32_at(e + 8) as usize;
                t[off..off + size].to_vec()
            };
            m.insert(tag, v);
        }
        m
    };
    let ifd0 = ifd(u32_at(4) as usize);
    let ptr = |m: &BTreeMap<u16, Vec<u8>>, tag| {
        let v = &m[&tag];
        let b = [v[0], v[1], v[2], v[3]];
        (if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }) as usize
    };
    let exif = ifd(ptr(&ifd0, 0x8769));
    let gps = ifd(ptr(&ifd0, 0x8825));
    Exif { ifd0, exif, gps }
}

/// Follows startxref to the xref table, checks every offset lands on its object, and reads
/// the trailer's Info dictionary and the XMP stream.
fn check_pdf(data: &[u8]) {
    // One character per byte, so offsets in the text are offsets in the file.
    let text: String = data
        .iter()
        .map(|&b| if b.is_ascii() { char::from(b) } else { '?' })
        .collect();
    assert!(text.starts_with("%PDF-1.7"));
    assert!(text.trim_end().ends_with("%%EOF"));
    let sx = text.rfind("startxref").expect("startxref");
    let xref_at: usize = text[sx + 9..]
        .split_whitespace()
        .next()
        .and_then(|s| s.parse().ok())
        .expect("xref offset");
    assert!(data[xref_at..].starts_with(b"xref"));
    let mut lines = text[xref_at..].split("\r\n");
    assert_eq!(lines.next(), Some("xref"));
    let header = lines.next().expect("subsection");
    let count: usize = header
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("count");
    assert_eq!(lines.next(), Some("0000000000 65535 f"));
    for n in 1..count {
        let e = lines.next().expect("entry");
        assert_eq!(e.len(), 18, "{e:?}");
        let off: usize = e[..10].parse().expect("offset");
        assert!(
            data[off..].starts_with(format!("{n} 0 obj").as_bytes()),
            "object {n} at {off}"
        );
    }
    let trailer = &text[text.rfind("trailer").expect("trailer")..];
    assert!(trailer.contains(&format!("/Size {count}")));
    assert!(trailer.contains("/Info 6 0 R") && trailer.contains("/Root 1 0 R"));
    assert!(trailer.contains("/ID[<"));
    let info_at = text.find("6 0 obj").expect("Info");
    let info = &text[info_at..info_at + text[info_at..].find("endobj").expect("end")];
    for key in ["/Author", "/Creator", "/Producer", "/CreationDate"] {
        assert!(info.contains(key), "{key} in {info}");
    }
    assert!(text.contains("<dc:creator><rdf:Seq><rdf:li>"));
    // Stream lengths are exact.
    let mut from = 0;
    while let Some(p) = text[from..].find("/Length ") {
        let at = from + p + 8;
        let len: usize = text[at..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|s| s.parse().ok())
            .expect("length");
        let s = at + text[at..].find("stream\r\n").expect("stream") + 8;
        assert!(data[s + len..].starts_with(b"\r\nendstream"));
        from = s + len;
    }
    let pages = text.matches("/Type/Page/").count();
    assert!(pages >= 2, "several pages");
}

#[test]
fn the_photo_metadata_names_the_writer() {
    let mix = small();
    let i = indices_of(11, &mix, MessageKind::WithJpeg, 1)[0];
    let bytes = generate(11, i, &mix);
    let m = parse(&bytes);
    let name = m
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.name())
        .expect("name")
        .to_owned();
    let att = m.attachment(0).expect("photo");
    let data = att.contents();
    let exif = read_tiff(&data[12..]);
    let artist = String::from_utf8_lossy(&exif.ifd0[&0x013B])
        .trim_end_matches('\0')
        .to_owned();
    assert_eq!(artist, name);
    assert!(matches!(
        att.body,
        PartType::Binary(_) | PartType::InlineBinary(_)
    ));
}

#[test]
fn the_document_metadata_names_the_writer() {
    let mix = small();
    let i = indices_of(11, &mix, MessageKind::WithPdf, 1)[0];
    let bytes = generate(11, i, &mix);
    let m = parse(&bytes);
    let name = m
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.name())
        .expect("name")
        .to_owned();
    let data = m.attachment(0).expect("pdf").contents();
    let text = String::from_utf8_lossy(data);
    assert!(text.contains(&format!("<rdf:li>{name}</rdf:li>")));
    let utf16: String = name.encode_utf16().map(|u| format!("{u:04X}")).collect();
    assert!(
        text.contains(&format!("/Author ({name})"))
            || text.contains(&format!("/Author <FEFF{utf16}>")),
        "Info /Author"
    );
}
