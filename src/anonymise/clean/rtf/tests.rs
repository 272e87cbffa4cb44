use super::*;

const JPEG: &[u8] = include_bytes!("../../../../fuzz/seeds/clean_jpeg/fixture-apple-mail.jpg");
const PNG: &[u8] = include_bytes!("../../../../fuzz/seeds/clean_png/meta-text-exif.png");

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn run(doc: &str) -> String {
    let out = clean(doc.as_bytes(), &CleanLimits::default()).expect("cleaned");
    // Cleaning is idempotent.
    assert_eq!(
        clean(&out, &CleanLimits::default()).expect("cleaned again"),
        out
    );
    String::from_utf8(out).expect("ASCII")
}

/// A Word-like document with every kind of metadata, planted.
fn word_document() -> String {
    format!(
        concat!(
            "{{\\rtf1\\adeflang1025\\ansi\\ansicpg1252\\uc1\\deff0\\deflang2060\\deflangfe2060",
            "{{\\fonttbl{{\\f0\\froman Times New Roman;}}}}",
            "{{\\*\\generator PLANTGENERATOR 16.0;}}",
            "{{\\info{{\\title PLANTTITLE}}{{\\author PLANTAUTHOR}}{{\\operator PLANTOPERATOR}}",
            "{{\\creatim\\yr2024\\mo6\\dy3\\hr10\\min0}}{{\\*\\company PLANTCOMPANY}}{{\\nofpages1}}}}",
            "{{\\*\\revtbl {{Unknown;}}{{PLANTREVAUTHOR;}}}}",
            "{{\\*\\rsidtbl \\rsid1234567\\rsid7654321}}",
            "{{\\*\\userprops {{\\propname PLANTPROPNAME}}\\proptype30{{\\staticval PLANTPROPVALUE}}}}",
            "{{\\*\\docvar {{PLANTVARNAME}}{{PLANTVARVALUE}}}}",
            "{{\\*\\template C:\\\\Users\\\\PLANTWINUSER\\\\Normal.dotm}}",
            "{{\\*\\xmlnstbl {{\\xmlns1 http://PLANTNS}}}}",
            "{{\\*\\datastore 0105PLANTDATASTORE}}",
            "{{\\*\\unknowndest PLANTUNKNOWN}}",
            "\\pard\\plain \\ltrpar\\s0\\insrsid1234567\\lang2060\\langfe2060 KEEPRTFBODY1 ",
            "{{\\deleted\\revauthdel1\\revdttmdel123 PLANTDELETEDTEXT}}",
            "{{\\revised\\revauth1\\revdttm456 KEEPRTFINSERTED}}",
            "{{\\*\\atnid PLANTINITIALS}}{{\\*\\atnauthor PLANTCOMMENTAUTHOR}}\\chatn ",
            "{{\\*\\annotation{{\\*\\atndate 123}}\\pard PLANTCOMMENTTEXT}}",
            "{{\\field{{\\*\\fldinst AUTHOR \\\\* MERGEFORMAT}}{{\\fldrslt PLANTFIELDAUTHOR}}}}",
            "{{\\field{{\\*\\fldinst INCLUDEPICTURE \"C:\\\\\\\\Users\\\\\\\\PLANTPATHUSER\\\\\\\\a.jpg\"}}",
            "{{\\fldrslt KEEPRTFFIELDRESULT}}}}",
            "{{\\field{{\\*\\fldinst HYPERLINK \"https://help.example/\"}}{{\\fldrslt KEEPRTFLINK}}}}",
            "\\par {{\\*\\shppict{{\\pict{{\\*\\picprop{{\\sp{{\\sn pibName}}{{\\sv PLANTPICNAME.jpg}}}}}}",
            "\\picw16\\pich8\\jpegblip\\bliptag-123{{\\*\\blipuid 0123PLANTUID}}\n{jpeg}}}}}",
            "{{\\nonshppict{{\\pict\\wmetafile8\\picw16 0100PLANTWMF}}}}",
            "{{\\pict\\pngblip\n{png}}}",
            "{{\\object\\objemb{{\\*\\objclass Word.Document.12}}{{\\*\\objdata 01050000PLANTOLE}}",
            "{{\\result KEEPRTFOBJECTRESULT}}}}",
            "\\par \\u8217\\'92 KEEPRTFBODY2\\par }}",
            "trailing PLANTTRAILING"
        ),
        jpeg = hex(JPEG),
        png = hex(PNG)
    )
}

#[test]
fn metadata_goes_and_the_text_stays() {
    let out = run(&word_document());
    for planted in [
        "PLANTGENERATOR",
        "PLANTTITLE",
        "PLANTAUTHOR",
        "PLANTOPERATOR",
        "PLANTCOMPANY",
        "creatim",
        "PLANTREVAUTHOR",
        "rsid",
        "PLANTPROPNAME",
        "PLANTPROPVALUE",
        "PLANTVARNAME",
        "PLANTWINUSER",
        "PLANTNS",
        "PLANTDATASTORE",
        "PLANTUNKNOWN",
        "lang2060",
        "PLANTDELETEDTEXT",
        "revauth",
        "PLANTINITIALS",
        "PLANTCOMMENTAUTHOR",
        "PLANTCOMMENTTEXT",
        "PLANTFIELDAUTHOR",
        "PLANTPATHUSER",
        "PLANTPICNAME",
        "PLANTUID",
        "bliptag",
        "PLANTWMF",
        "PLANTOLE",
        "PLANTTRAILING",
    ] {
        assert!(!out.contains(planted), "{planted} survived:\n{out}");
    }
    for kept in [
        "KEEPRTFBODY1",
        "KEEPRTFINSERTED",
        "KEEPRTFFIELDRESULT",
        "KEEPRTFLINK",
        "https://help.example/",
        "KEEPRTFOBJECTRESULT",
        "\\u8217\\'92 KEEPRTFBODY2",
        "\\ansicpg1252",
        "Times New Roman",
        "\\jpegblip",
        "\\pngblip",
    ] {
        assert!(out.contains(kept), "{kept} lost:\n{out}");
    }
    // The pictures were cleaned, not dropped: their Exif and text chunks are gone.
    for meta in ["PLANTAMEXIFHOST", "Somebody", "iPhone"] {
        assert!(!out.contains(&hex(meta.as_bytes())), "{meta} in a picture");
    }
}

#[test]
fn dropping_a_word_never_joins_the_next_text_to_a_control_word() {
    assert_eq!(run("{\\rtf1\\b\\lang1033 Hello}"), "{\\rtf1\\b Hello}");
    assert_eq!(
        run("{\\rtf1\\b\\insrsid5  2 apples}"),
        "{\\rtf1\\b  2 apples}"
    );
    assert_eq!(run("{\\rtf1\\i{\\*\\generator x}Text}"), "{\\rtf1\\i Text}");
    assert_eq!(
        run("{\\rtf1 \\b bold\\b0 plain}"),
        "{\\rtf1 \\b bold\\b0 plain}"
    );
}

#[test]
fn binary_data_is_skipped_as_binary() {
    // `\bin` data may hold braces and backslashes.
    let doc = b"{\\rtf1{\\*\\objdata\\bin5 }{\\}\\}KEEP\\bin3 a{b end}";
    let out = clean(doc, &CleanLimits::default()).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "{\\rtf1 KEEP\\bin3 a{b end}"
    );
}

#[test]
fn what_is_not_rtf_or_is_broken_is_refused() {
    let limits = CleanLimits::default();
    for bad in [
        &b"plain text"[..],
        b"{\\rtf1 unterminated",
        b"{\\rtf1 }}",
        b"{\\rtf1\\bin99 x}",
        b"{\\rtf1 ends in \\",
    ] {
        let r = clean(bad, &limits);
        // `{\rtf1 }}` closes the document at the first brace: the rest is not part of it.
        if bad == b"{\\rtf1 }}" {
            assert_eq!(r.unwrap(), b"{\\rtf1 }");
        } else {
            assert!(r.is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
    let deep = format!("{{\\rtf1{}x{}}}", "{".repeat(1000), "}".repeat(1000));
    assert_eq!(
        clean(deep.as_bytes(), &limits),
        Err(CleanError::Limit("RTF groups nested too deep"))
    );
}

#[test]
fn a_wordpad_document_is_cleaned() {
    let doc = "{\\rtf1\\ansi\\ansicpg1252\\deff0\\nouicompat\\deflang2067{\\fonttbl{\\f0\\fnil\\fcharset0 Calibri;}}\r\n{\\*\\generator Riched20 10.0.19041}\\viewkind4\\uc1 \r\n\\pard\\sa200\\sl276\\slmult1\\f0\\fs22\\lang19 Ik ben bang.\\par\r\n}\r\n\0";
    let out = run(doc);
    assert!(!out.contains("Riched20") && !out.contains("lang"), "{out}");
    assert!(out.contains("Ik ben bang.") && out.ends_with('}'), "{out}");
}

#[test]
fn work_is_linear_in_the_document() {
    let unit = "{\\*\\generator g}{\\b\\lang1 word}{\\field{\\*\\fldinst AUTHOR}{\\fldrslt x}}{\\deleted gone}\\par\n";
    let cost = |n: usize| {
        let doc = format!("{{\\rtf1 {}}}", unit.repeat(n));
        let mut work = 0;
        clean_counted(doc.as_bytes(), &CleanLimits::default(), &mut work).unwrap();
        work
    };
    let (small, large) = (cost(200), cost(1600));
    assert!(large <= small * 10, "{small} then {large}");
}

#[test]
fn mutated_documents_never_panic_and_clean_idempotently() {
    let seeds = [
        word_document().into_bytes(),
        include_bytes!("../../../../fuzz/seeds/clean_rtf/edges.rtf").to_vec(),
        include_bytes!("../../../../fuzz/seeds/clean_rtf/textedit.rtf").to_vec(),
    ];
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let limits = CleanLimits::default();
    for round in 0..1500 {
        let mut doc = seeds[round % seeds.len()].clone();
        for _ in 0..1 + next() % 6 {
            let at = (next() as usize) % doc.len().max(1);
            match next() % 5 {
                0 if !doc.is_empty() => doc[at] = next() as u8,
                1 => doc.insert(at, b"{}\\*'0 "[(next() % 7) as usize]),
                2 => {
                    let end = (at + (next() % 40) as usize).min(doc.len());
                    doc.drain(at..end);
                }
                3 => {
                    let word: &[u8] = [
                        &b"\\bin4 "[..],
                        b"\\deleted ",
                        b"\\pict",
                        b"\\*\\info",
                        b"\\u-5",
                    ][(next() % 5) as usize];
                    doc.splice(at..at, word.iter().copied());
                }
                _ => doc.truncate(at),
            }
        }
        if let Ok(once) = clean(&doc, &limits) {
            assert_eq!(
                clean(&once, &limits).as_ref(),
                Ok(&once),
                "round {round}: not idempotent: {:?}",
                String::from_utf8_lossy(&doc)
            );
        }
    }
}
