use super::*;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// Every planted identity token; none may survive cleaning, in any stream.
const PLANTED: [&str; 16] = [
    "PLANTPDFAUTHOR",
    "PLANTCREATOR",
    "PLANTPRODUCER",
    "PLANTTITLE",
    "PLANTXMPAUTHOR",
    "PLANTPAGEXMP",
    "PLANTEMBEDDED",
    "PLANTFILENAME",
    "PLANTJS",
    "PLANTPIECEINFO",
    "PLANTANNOTAUTHOR",
    "PLANTNOTEAUTHOR",
    "PLANTHEADERCOMMENT",
    "PLANTUSER",
    "PLANTTHREADAUTHOR",
    "PLANTSIGNER",
];
/// The trailer /ID of the dirty file, as written (hex).
const PLANTED_ID_HEX: &str = "504C414E544944303030303030303031";

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A stream object body: the dictionary entries (without `/Length`) and the data.
fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut v = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    v.extend_from_slice(data);
    v.extend_from_slice(b"\nendstream");
    v
}

/// Writes a classic PDF by hand: header (with a producer comment), objects, xref, trailer.
/// An entry numbered 0 is written as raw bytes between the objects.
fn build_pdf(objects: &[(u32, Vec<u8>)], trailer: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n% PLANTHEADERCOMMENT producer 1.0\n".to_vec();
    let mut offsets = Vec::new();
    for (id, body) in objects {
        if *id == 0 {
            // Raw bytes between objects, outside any object.
            out.extend_from_slice(body);
            continue;
        }
        offsets.push((*id, out.len()));
        out.extend_from_slice(format!("{id} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let size = objects.iter().map(|(id, _)| *id).max().unwrap_or(0) + 1;
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
    for id in 1..size {
        match offsets.iter().find(|(i, _)| *i == id) {
            Some((_, off)) => out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes()),
            None => out.extend_from_slice(b"0000000000 65535 f \n"),
        }
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} {trailer} >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

/// A PDF with every kind of identifying metadata planted, and one page saying KEEPPDFTEXT.
fn dirty_pdf() -> Vec<u8> {
    let content = b"BT /F1 24 Tf 72 700 Td (KEEPPDFTEXT) Tj ET";
    let xmp = b"<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?><x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:creator><rdf:Seq><rdf:li>PLANTXMPAUTHOR</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>";
    let objects: Vec<(u32, Vec<u8>)> = vec![
            (
                1,
                b"<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R /Lang (fr-FR) \
                  /Names << /EmbeddedFiles << /Names [(PLANTFILENAME.txt) 7 0 R] >> \
                            /JavaScript << /Names [(init) 9 0 R] >> >> \
                  /OpenAction 9 0 R /AA << /WC 9 0 R >> \
                  /PieceInfo << /PLANTAPP << /Private (PLANTPIECEINFO) /LastModified (D:20240101000000+02'00') >> >> \
                  /Threads [14 0 R] /AF [7 0 R] /Perms << /DocMDP 16 0 R >> \
                  /AcroForm << /Fields [15 0 R] /SigFlags 3 >> /Collection << /View /D >> >>"
                    .to_vec(),
            ),
            (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec()),
            (
                3,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
                  /Resources << /Font << /F1 6 0 R >> >> /Annots [10 0 R 11 0 R 17 0 R 15 0 R 19 0 R] \
                  /Metadata 12 0 R /AA << /O 9 0 R >> /B [18 0 R] \
                  /PieceInfo << /PLANTAPP << /Private (PLANTPIECEINFO) >> >> \
                  /LastModified (D:20240101000000+02'00') >>"
                    .to_vec(),
            ),
            (4, stream("/Filter /FlateDecode", &deflate(content))),
            (5, stream("/Type /Metadata /Subtype /XML", xmp)),
            (
                6,
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
            ),
            (
                7,
                b"<< /Type /Filespec /F (PLANTFILENAME.txt) /UF (PLANTFILENAME.txt) /EF << /F 8 0 R >> >>"
                    .to_vec(),
            ),
            (
                8,
                stream(
                    "/Type /EmbeddedFile /Filter /FlateDecode /Params << /ModDate (D:20240101000000+02'00') >>",
                    &deflate(b"PLANTEMBEDDED secret contents"),
                ),
            ),
            (
                9,
                b"<< /Type /Action /S /JavaScript /JS (app.alert('PLANTJS');) >>".to_vec(),
            ),
            (
                10,
                b"<< /Type /Annot /Subtype /FileAttachment /Rect [10 10 30 30] /FS 7 0 R \
                  /T (PLANTANNOTAUTHOR) /Contents (attached) >>"
                    .to_vec(),
            ),
            (
                11,
                b"<< /Type /Annot /Subtype /Text /Rect [40 40 60 60] /T (PLANTNOTEAUTHOR) \
                  /M (D:20240101000000+02'00') /CreationDate (D:20240101000000+02'00') \
                  /Contents (KEEPNOTE) >>"
                    .to_vec(),
            ),
            (
                12,
                stream("/Type /Metadata /Subtype /XML /Filter /FlateDecode", &deflate(b"<x>PLANTPAGEXMP</x>")),
            ),
            (
                13,
                b"<< /Author (PLANTPDFAUTHOR) /Creator (PLANTCREATOR) /Producer (PLANTPRODUCER) \
                  /Title (PLANTTITLE) /CreationDate (D:20240102030405+02'00') >>"
                    .to_vec(),
            ),
            (
                14,
                b"<< /Type /Thread /F 18 0 R /I << /Author (PLANTTHREADAUTHOR) >> >>".to_vec(),
            ),
            (
                15,
                b"<< /FT /Sig /T (Signature1) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /V 16 0 R >>"
                    .to_vec(),
            ),
            (
                16,
                b"<< /Type /Sig /Filter /Adobe.PPKLite /Name (PLANTSIGNER) /M (D:20240101000000+02'00') \
                  /Contents <00> /ByteRange [0 0 0 0] >>"
                    .to_vec(),
            ),
            (
                17,
                b"<< /Type /Annot /Subtype /Link /Rect [70 70 90 90] \
                  /A << /S /GoToR /F (C:\\\\Users\\\\PLANTUSER\\\\doc.pdf) /D [0 /Fit] >> \
                  /Next 9 0 R >>"
                    .to_vec(),
            ),
            (
                18,
                b"<< /Type /Bead /T 14 0 R /P 3 0 R /R [0 0 612 792] >>".to_vec(),
            ),
            (
                19,
                b"<< /Type /Annot /Subtype /Link /Rect [100 100 120 120] \
                  /A << /S /URI /URI (https://example.org/KEEPLINK) >> >>"
                    .to_vec(),
            ),
        ];
    build_pdf(
        &objects,
        &format!("/Root 1 0 R /Info 13 0 R /ID [<{PLANTED_ID_HEX}> <{PLANTED_ID_HEX}>]"),
    )
}

/// The raw bytes followed by every stream found between `stream` and `endstream`,
/// inflated with flate2 (not with the cleaner's parser) where it inflates.
fn bytes_with_streams_inflated(pdf: &[u8]) -> Vec<u8> {
    let mut all = pdf.to_vec();
    let mut from = 0;
    while let Some(p) = memchr::memmem::find(&pdf[from..], b"stream") {
        let mut start = from + p + b"stream".len();
        if pdf[..from + p].ends_with(b"end") {
            from = start;
            continue;
        }
        while start < pdf.len() && (pdf[start] == b'\r' || pdf[start] == b'\n') {
            start += 1;
        }
        let Some(len) = memchr::memmem::find(&pdf[start..], b"endstream") else {
            break;
        };
        let data = &pdf[start..start + len];
        let mut inflated = Vec::new();
        if flate2::read::ZlibDecoder::new(data)
            .read_to_end(&mut inflated)
            .is_ok()
        {
            all.extend_from_slice(&inflated);
        }
        from = start + len;
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    memchr::memmem::find(hay, needle.as_bytes()).is_some()
}

/// What must hold for any cleaned version of [`dirty_pdf`], checked by reparsing.
fn assert_clean(cleaned: &[u8]) {
    let all = bytes_with_streams_inflated(cleaned);
    for token in PLANTED.iter().copied().chain([PLANTED_ID_HEX]) {
        assert!(!contains(&all, token), "{token} survived cleaning");
    }
    assert!(cleaned.starts_with(b"%PDF-1.7\n"));

    let doc = Document::load_mem(cleaned).expect("cleaned PDF reparses");
    assert!(doc.trailer.get(b"Info").is_err(), "trailer /Info");
    assert!(doc.trailer.get(b"ID").is_err(), "trailer /ID");
    assert_eq!(doc.get_pages().len(), 1);
    let text = doc.extract_text(&[1]).unwrap();
    assert!(text.contains("KEEPPDFTEXT"), "text lost: {text:?}");
    for (id, object) in &doc.objects {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        for key in [
            b"Metadata".as_slice(),
            b"PieceInfo",
            b"EmbeddedFiles",
            b"JavaScript",
            b"JS",
            b"AA",
            b"AF",
            b"EF",
            b"OpenAction",
            b"Perms",
            b"Threads",
            b"Collection",
            b"LastModified",
        ] {
            assert!(
                !dict.has(key),
                "{id:?} keeps /{}",
                String::from_utf8_lossy(key)
            );
        }
        for t in [
            b"Metadata".as_slice(),
            b"EmbeddedFile",
            b"Sig",
            b"Thread",
            b"Bead",
        ] {
            assert_ne!(name_of(dict, b"Type"), Some(t), "{id:?}");
        }
        assert_ne!(
            name_of(dict, b"Subtype"),
            Some(b"FileAttachment".as_slice())
        );
        assert_ne!(name_of(dict, b"S"), Some(b"JavaScript".as_slice()));
    }
    let catalog = doc.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"fr-FR");
    // The note and the web link stay; the note's author and dates do not.
    assert!(contains(&all, "KEEPNOTE"));
    assert!(contains(&all, "https://example.org/KEEPLINK"));
}

#[test]
fn dirty_pdf_loses_every_planted_identity_and_keeps_its_page() {
    let dirty = dirty_pdf();
    let all = bytes_with_streams_inflated(&dirty);
    for token in PLANTED {
        assert!(contains(&all, token), "{token} not planted");
    }
    let before = Document::load_mem(&dirty).unwrap();
    assert_eq!(before.get_pages().len(), 1);
    assert!(before.trailer.has(b"Info") && before.trailer.has(b"ID"));

    let cleaned = clean(&dirty, &CleanLimits::default()).unwrap();
    assert_clean(&cleaned);
    // Cleaning is deterministic and idempotent.
    assert_eq!(clean(&dirty, &CleanLimits::default()).unwrap(), cleaned);
    let again = clean(&cleaned, &CleanLimits::default()).unwrap();
    assert_clean(&again);
}

#[test]
fn metadata_inside_compressed_object_streams_is_removed_too() {
    // Re-save the dirty file with object and cross-reference streams: the Info dictionary,
    // the actions and the annotations now live inside deflated object streams.
    let mut doc = Document::load_mem(&dirty_pdf()).unwrap();
    let mut modern = Vec::new();
    doc.save_modern(&mut modern).unwrap();
    assert!(!contains(&modern, "PLANTPDFAUTHOR"), "should be compressed");
    assert!(contains(
        &bytes_with_streams_inflated(&modern),
        "PLANTPDFAUTHOR"
    ));
    let cleaned = clean(&modern, &CleanLimits::default()).unwrap();
    assert_clean(&cleaned);
}

/// Runs `f` on a thread with a 2 MiB stack: a parser recursing once per nesting level
/// would overflow it long before 10,000 levels.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> (T, Duration) {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let t = Instant::now();
            let r = f();
            (r, t.elapsed())
        })
        .unwrap()
        .join()
        .expect("no stack overflow, no panic")
}

fn nested_pdf(garbage: &[u8], depth: usize) -> Vec<u8> {
    let mut deep = Vec::new();
    for i in 0..depth {
        deep.extend_from_slice(if i % 2 == 0 { b"[" } else { b"<< /K " });
    }
    for i in (0..depth).rev() {
        deep.extend_from_slice(if i % 2 == 0 { b"]" } else { b" >>" });
    }
    build_pdf(
        &[
            (1, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()),
            (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec()),
            (
                3,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /X 4 0 R >>".to_vec(),
            ),
            (0, garbage.to_vec()),
            (4, deep),
        ],
        "/Root 1 0 R",
    )
}

#[test]
fn nesting_10000_deep_is_refused_by_the_pre_scan_on_a_small_stack() {
    let pdf = nested_pdf(b"", 10_000);
    let (r, took) = on_small_stack(move || clean(&pdf, &CleanLimits::default()));
    assert_eq!(r, Err(CleanError::Limit("pdf nesting")));
    eprintln!("10,000-deep PDF refused in {took:?}");
    assert!(took < Duration::from_secs(1), "{took:?}");
    // Just within the limit is accepted; one more level is not.
    let limits = CleanLimits::default();
    let ok = nested_pdf(b"", limits.max_pdf_depth);
    assert!(clean(&ok, &limits).is_ok());
    let over = nested_pdf(b"", limits.max_pdf_depth + 1);
    assert_eq!(clean(&over, &limits), Err(CleanError::Limit("pdf nesting")));
}

#[test]
fn nesting_hidden_from_the_pre_scan_meets_the_parsers_own_bound() {
    // A stray "(" between objects makes the scan read the rest of the file as a string,
    // while the cross-reference table sends the parser straight to the deep object.
    // lopdf's own nesting bound (the second line) stops it; the small stack shows that it
    // does not recurse without bound.
    let pdf = nested_pdf(b"(\n", 10_000);
    assert!(pre_scan(&pdf, 64).is_ok(), "hidden from the scan");
    let (r, took) = on_small_stack(move || clean(&pdf, &CleanLimits::default()));
    eprintln!(
        "10,000-deep object hidden from the scan: {:?} in {took:?}",
        r.as_ref().map(Vec::len)
    );
    assert!(
        r.is_err() || r.as_ref().is_ok_and(|out| out.len() < 10_000),
        "{:?}",
        r.map(|o| o.len())
    );
}

#[test]
fn pre_scan_skips_strings_comments_hex_and_streams() {
    let deep = "[".repeat(100);
    let cases = [
        format!("({deep})"),
        format!("(a\\) ( {deep} ) \\( )"),
        format!("% {deep}\n"),
        format!("<{}>", "5B".repeat(100)),
        format!("<< /Length 100 >>\nstream\n{deep}\nendstream"),
    ];
    for c in cases {
        assert!(pre_scan(c.as_bytes(), 64).is_ok(), "{c}");
    }
    assert!(pre_scan(deep.as_bytes(), 64).is_err());
    assert!(pre_scan(b"<< /Encrypt 5 0 R >>", 64).unwrap().saw_encrypt);
    assert!(!pre_scan(b"(/Encrypt)", 64).unwrap().saw_encrypt);
    assert_eq!(
        pre_scan(b"1 0 obj null endobj 2 0 obj null endobj", 64)
            .unwrap()
            .objects,
        2
    );
}

#[test]
fn absurd_object_counts_are_refused_before_parsing() {
    let mut pdf = b"%PDF-1.4\n".to_vec();
    for i in 1..=MAX_PDF_OBJECTS + 1 {
        pdf.extend_from_slice(format!("{i} 0 obj null endobj\n").as_bytes());
    }
    let t = Instant::now();
    assert_eq!(
        clean(&pdf, &CleanLimits::default()),
        Err(CleanError::Limit("pdf objects"))
    );
    eprintln!(
        "{} objects refused in {:?}",
        MAX_PDF_OBJECTS + 1,
        t.elapsed()
    );
}

fn encrypted_pdf(user_password: &str) -> Vec<u8> {
    let mut doc = Document::load_mem(&dirty_pdf()).unwrap();
    let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password,
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    })
    .unwrap();
    doc.encrypt(&state).unwrap();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn encrypted_pdfs_are_refused() {
    // With a password, and without one (which readers open silently).
    for password in ["secret", ""] {
        assert_eq!(
            clean(&encrypted_pdf(password), &CleanLimits::default()),
            Err(CleanError::Encrypted),
            "user password {password:?}"
        );
    }
    // A bogus encryption dictionary is still an encrypted file, not a damaged one.
    let bogus = build_pdf(
        &[
            (1, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()),
            (2, b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec()),
            (
                3,
                b"<< /Filter /Standard /V 9 /R 9 /O <00> /U <00> /P -4 >>".to_vec(),
            ),
        ],
        "/Root 1 0 R /Encrypt 3 0 R /ID [<00> <00>]",
    );
    assert_eq!(
        clean(&bogus, &CleanLimits::default()),
        Err(CleanError::Encrypted)
    );
}

#[test]
fn truncated_and_garbage_pdfs_are_malformed_or_repaired_clean() {
    let dirty = dirty_pdf();
    for cut in [0, 5, 9, 100, 400] {
        let r = clean(&dirty[..cut], &CleanLimits::default());
        assert!(
            matches!(r, Err(CleanError::Malformed(_))),
            "cut at {cut}: {r:?}"
        );
    }
    // Cut later, lopdf rebuilds the cross-reference table from the objects it finds: what
    // comes out must be as clean as ever.
    for cut in [dirty.len() / 3, dirty.len() / 2, dirty.len() - 40] {
        match clean(&dirty[..cut], &CleanLimits::default()) {
            Err(e) => assert!(matches!(e, CleanError::Malformed(_)), "{e:?}"),
            Ok(out) => {
                let all = bytes_with_streams_inflated(&out);
                for token in PLANTED {
                    assert!(!contains(&all, token), "cut at {cut}: {token}");
                }
            }
        }
    }
    for junk in [
        &b"%PDF-"[..],
        b"%PDF-1.4\n\xff\xfe\x00garbage",
        b"not a pdf",
    ] {
        assert!(matches!(
            clean(junk, &CleanLimits::default()),
            Err(CleanError::Malformed(_))
        ));
    }
}

#[test]
fn jpeg_images_go_through_the_jpeg_cleaner() {
    let jpeg = b"\xFF\xD8\xFF\xE1\x00\x12Exif\x00\x00PLANTGPS00\xFF\xD9".to_vec();
    let content = b"q 10 0 0 10 0 0 cm /Im1 Do Q";
    let pdf = build_pdf(
        &[
            (1, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()),
            (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec()),
            (
                3,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 4 0 R \
                      /Resources << /XObject << /Im1 5 0 R >> >> >>"
                    .to_vec(),
            ),
            (4, stream("", content)),
            (
                5,
                stream(
                    "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray \
                         /BitsPerComponent 8 /Filter /DCTDecode",
                    &jpeg,
                ),
            ),
        ],
        "/Root 1 0 R",
    );
    let limits = CleanLimits::default();
    match super::super::clean(AttachmentKind::Jpeg, &jpeg, &limits) {
        Err(e) => assert_eq!(clean(&pdf, &limits), Err(e)),
        Ok(cleaned_jpeg) => {
            let out = clean(&pdf, &limits).unwrap();
            assert!(memchr::memmem::find(&out, &cleaned_jpeg).is_some());
            assert!(!contains(&out, "PLANTGPS") || contains(&cleaned_jpeg, "PLANTGPS"));
        }
    }
}

/// Runs an installed command on a file holding `pdf`, if the command exists.
fn run_tool(tool: &str, args: &[&str], pdf: &[u8]) -> Option<std::process::Output> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cleaned.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut cmd = std::process::Command::new(tool);
    cmd.args(args).arg(&path);
    if tool == "pdftotext" {
        cmd.arg("-");
    }
    match cmd.output() {
        Ok(out) => Some(out),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("SKIPPED: {tool} is not installed (poppler-utils / qpdf)");
            None
        }
        Err(e) => panic!("{tool}: {e}"),
    }
}

#[test]
fn poppler_and_qpdf_read_the_cleaned_pdf_if_installed() {
    let cleaned = clean(&dirty_pdf(), &CleanLimits::default()).unwrap();
    if let Some(out) = run_tool("pdftotext", &[], &cleaned) {
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("KEEPPDFTEXT"));
    }
    if let Some(out) = run_tool("pdfinfo", &[], &cleaned) {
        assert!(out.status.success());
        let info = String::from_utf8_lossy(&out.stdout);
        assert!(info.contains("Pages:") && info.contains(" 1\n"), "{info}");
        for field in [
            "Author:",
            "Creator:",
            "Producer:",
            "Title:",
            "CreationDate:",
        ] {
            assert!(!info.contains(field), "pdfinfo shows {field}: {info}");
        }
    }
    if let Some(out) = run_tool("qpdf", &["--check"], &cleaned) {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn dangling_page_reference_is_not_renumbered_onto_another_page() {
    // Found by fuzzing (fuzz/artifacts/clean_pdf/crash-4e15…): a page tree whose `/Kids`
    // named an object the file lacks; renumbering pointed it at the other page, so cleaning
    // the cleaned file changed it. Such a reference is now written as `null`.
    let page = |n: u32| {
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents {} 0 R >>",
            n + 2
        )
        .into_bytes()
    };
    let text = |n: u32| {
        stream(
            "",
            format!("BT /F1 24 Tf 72 700 Td (PAGE{n}) Tj ET").as_bytes(),
        )
    };
    let broken = build_pdf(
        &[
            (1, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()),
            (
                2,
                b"<< /Type /Pages /Kids [9 0 R 3 0 R 4 0 R] /Count 3 >>".to_vec(),
            ),
            (3, page(3)),
            (4, page(4)),
            (5, text(3)),
            (6, text(4)),
        ],
        "/Root 1 0 R",
    );
    let once = clean(&broken, &CleanLimits::default()).unwrap();
    assert!(
        contains(&once, "/Kids[null 3 0 R 4 0 R]"),
        "{}",
        String::from_utf8_lossy(&once)
    );
    let twice = clean(&once, &CleanLimits::default()).unwrap();
    assert_eq!(once, twice);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    #[test]
    fn mutated_pdfs_never_panic(
        edits in proptest::collection::vec((0usize..4096, proptest::prelude::any::<u8>()), 1..8),
        cut in 0usize..4096,
    ) {
        let mut pdf = dirty_pdf();
        for (at, byte) in edits {
            let at = at % pdf.len();
            pdf[at] = byte;
        }
        let cut = pdf.len() - cut % pdf.len().min(256);
        let _ = clean(&pdf[..cut], &CleanLimits::default());
    }
}
