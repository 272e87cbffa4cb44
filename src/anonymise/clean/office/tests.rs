use super::*;
use std::time::{Duration, Instant};

// ---- An independent zip reader (central directory walked by hand, flate2 to inflate) ----

/// One member as read back by hand.
struct Entry {
    name: String,
    method: u16,
    flags: u16,
    time: u16,
    date: u16,
    local_extra: usize,
    central_extra: usize,
    comment: usize,
    data: Vec<u8>,
}

fn le16(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}
fn le32(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

/// Reads the archive without the zip crate: (members, archive comment length).
fn read_by_hand(z: &[u8]) -> (Vec<Entry>, usize) {
    let eocd = memchr::memmem::rfind(z, b"PK\x05\x06").expect("end of central directory");
    let count = le16(z, eocd + 10) as usize;
    let mut p = le32(z, eocd + 16) as usize;
    let archive_comment = le16(z, eocd + 20) as usize;
    let mut entries = Vec::new();
    for _ in 0..count {
        assert_eq!(&z[p..p + 4], b"PK\x01\x02");
        let (flags, method, time, date) = (
            le16(z, p + 8),
            le16(z, p + 10),
            le16(z, p + 12),
            le16(z, p + 14),
        );
        let csize = le32(z, p + 20) as usize;
        let (n, e, c) = (
            le16(z, p + 28) as usize,
            le16(z, p + 30) as usize,
            le16(z, p + 32) as usize,
        );
        let local = le32(z, p + 42) as usize;
        let name = String::from_utf8(z[p + 46..p + 46 + n].to_vec()).unwrap();
        assert_eq!(&z[local..local + 4], b"PK\x03\x04");
        let (ln, le) = (le16(z, local + 26) as usize, le16(z, local + 28) as usize);
        let start = local + 30 + ln + le;
        let raw = &z[start..start + csize];
        let data = match method {
            0 => raw.to_vec(),
            8 => {
                let mut v = Vec::new();
                flate2::read::DeflateDecoder::new(raw)
                    .read_to_end(&mut v)
                    .unwrap();
                v
            }
            m => panic!("method {m}"),
        };
        entries.push(Entry {
            name,
            method,
            flags,
            time,
            date,
            local_extra: le,
            central_extra: e,
            comment: c,
            data,
        });
        p += 46 + n + e + c;
    }
    (entries, archive_comment)
}

/// Builds a dirty archive with the zip crate: dated 2024, with an archive comment, a
/// member comment and an extended-timestamp extra field on every member.
fn dirty_zip(members: &[(&str, &[u8])], stored: &[&str]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    w.set_comment("PLANTZIPCOMMENT").unwrap();
    for (name, data) in members {
        let mut o = zip::write::FullFileOptions::default()
            .last_modified_time(DateTime::from_date_and_time(2024, 5, 6, 7, 8, 10).unwrap())
            .with_file_comment("PLANTMEMBERCOMMENT");
        o = o
            .with_extended_timestamp(Some(1_900_000_000), Some(1_900_000_001), None)
            .unwrap();
        if stored.contains(name) {
            o = o.compression_method(CompressionMethod::Stored);
        }
        w.start_file(*name, o).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn has(hay: &[u8], needle: &str) -> bool {
    memchr::memmem::find(hay, needle.as_bytes()).is_some()
}

/// Checks that hold for every cleaned archive; returns its members.
fn assert_clean_zip(cleaned: &[u8], planted: &[&str], kept: &[&str]) -> Vec<Entry> {
    let (entries, archive_comment) = read_by_hand(cleaned);
    assert_eq!(archive_comment, 0);
    let mut everything = cleaned.to_vec();
    for e in &entries {
        assert_eq!((e.time, e.date), (0, (1 << 5) | 1), "{} timestamp", e.name);
        assert_eq!(
            (e.local_extra, e.central_extra, e.comment),
            (0, 0, 0),
            "{} extra fields or comment",
            e.name
        );
        assert_eq!(e.flags & 1, 0, "{} encrypted", e.name);
        everything.extend_from_slice(&e.data);
        if e.name.ends_with(".xml") || e.name.ends_with(".rels") {
            // Well-formed still.
            let text = std::str::from_utf8(&e.data).unwrap();
            let mut r = quick_xml::Reader::from_str(text);
            loop {
                match r.read_event() {
                    Ok(Event::Eof) => break,
                    Ok(_) => {}
                    Err(err) => panic!("{}: {err}", e.name),
                }
            }
        }
    }
    for token in planted {
        assert!(!has(&everything, token), "{token} survived");
    }
    for token in kept {
        assert!(has(&everything, token), "{token} lost");
    }
    entries
}

/// Every internal target of every relationship and every content-type override names a
/// member that exists.
fn assert_references_resolve(entries: &[Entry]) {
    let names: HashSet<String> = entries
        .iter()
        .map(|e| e.name.to_ascii_lowercase())
        .collect();
    for e in entries {
        let lc = e.name.to_ascii_lowercase();
        let text = String::from_utf8_lossy(&e.data);
        if let Some(source) = rels_source(&lc) {
            let base = source.rfind('/').map_or("", |i| &source[..=i]).to_owned();
            for rel in text.split("<Relationship ").skip(1) {
                if rel.contains("TargetMode=\"External\"") {
                    continue;
                }
                let target = rel
                    .split("Target=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap();
                let part = resolve_target(&base, target);
                assert!(names.contains(&part), "{}: dangling {target}", e.name);
            }
        }
        if lc == "[content_types].xml" {
            for o in text.split("PartName=\"").skip(1) {
                let part = resolve_target("", o.split('"').next().unwrap());
                assert!(names.contains(&part), "override of missing {part}");
            }
        }
    }
}

const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
                     xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" \
                     xmlns:w15=\"http://schemas.microsoft.com/office/word/2012/wordml\"";
const RELS: &str = "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"";
const RT: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn core_and_app() -> Vec<(&'static str, String)> {
    vec![
            (
                "docProps/core.xml",
                "<?xml version=\"1.0\"?><cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:creator>PLANTAUTHOR</dc:creator><cp:lastModifiedBy>PLANTLASTMODIFIED</cp:lastModifiedBy></cp:coreProperties>".into(),
            ),
            (
                "docProps/app.xml",
                "<?xml version=\"1.0\"?><Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>PLANTAPP</Application><Company>PLANTCOMPANY</Company><Manager>PLANTMANAGER</Manager></Properties>".into(),
            ),
            (
                "docProps/custom.xml",
                "<?xml version=\"1.0\"?><Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\"><property name=\"PLANTCUSTOMPROP\"/></Properties>".into(),
            ),
            ("docProps/thumbnail.jpeg", "PLANTTHUMB".into()),
        ]
}

fn package_rels(main: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><Relationships {RELS}>\
             <Relationship Id=\"rId1\" Type=\"{RT}/officeDocument\" Target=\"{main}\"/>\
             <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
             <Relationship Id=\"rId3\" Type=\"{RT}/extended-properties\" Target=\"docProps/app.xml\"/>\
             <Relationship Id=\"rId4\" Type=\"{RT}/custom-properties\" Target=\"/docProps/custom.xml\"/>\
             <Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail\" Target=\"docProps/thumbnail.jpeg\"/>\
             </Relationships>"
    )
}

fn content_types(overrides: &[&str]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>",
    );
    for part in overrides {
        s.push_str(&format!(
            "<Override PartName=\"/{part}\" ContentType=\"application/x-test+xml\"/>"
        ));
    }
    s.push_str("</Types>");
    s
}

const OOXML_PLANTED: [&str; 9] = [
    "PLANTAUTHOR",
    "PLANTLASTMODIFIED",
    "PLANTAPP",
    "PLANTCOMPANY",
    "PLANTMANAGER",
    "PLANTCUSTOMPROP",
    "PLANTTHUMB",
    "PLANTZIPCOMMENT",
    "PLANTMEMBERCOMMENT",
];

fn dirty_docx() -> Vec<u8> {
    let mut parts = core_and_app();
    parts.extend([
            (
                "[Content_Types].xml",
                content_types(&[
                    "word/document.xml",
                    "docProps/core.xml",
                    "docProps/app.xml",
                    "docProps/custom.xml",
                    "word/comments.xml",
                    "word/commentsExtended.xml",
                    "word/commentsIds.xml",
                    "word/people.xml",
                    "word/settings.xml",
                    "customXml/itemProps1.xml",
                ]),
            ),
            ("_rels/.rels", package_rels("word/document.xml")),
            (
                "word/document.xml",
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<!-- PLANTXMLCOMMENT -->\
                     <w:document {W}><w:body>\
                     <w:p w:rsidR=\"00PLANTRSIDR\" w:rsidRDefault=\"00PLANTRSIDDEFAULT\" w:rsidP='00PLANTRSIDP'>\
                     <w:commentRangeStart w:id=\"0\"/>\
                     <w:r w:rsidRPr=\"00PLANTRSIDRPR\"><w:t xml:space=\"preserve\">KEEPDOCXBODY &amp; more</w:t></w:r>\
                     <w:commentRangeEnd w:id=\"0\"/>\
                     <w:r><w:rPr><w:rStyle w:val=\"CommentReference\"/></w:rPr><w:commentReference w:id=\"0\"/></w:r>\
                     <w:ins w:id=\"1\" w:author=\"PLANTREVAUTHOR\" w:date=\"2031-02-03T04:05:06Z\"><w:r><w:t>KEEPINSERTED</w:t></w:r></w:ins>\
                     <w:del w:id=\"2\" w:author=\"PLANTDELAUTHOR\" w:date=\"2031-02-03T04:05:06Z\"><w:r><w:delText>KEEPDELETED</w:delText></w:r></w:del>\
                     <w:hyperlink r:id=\"rId8\"><w:r><w:t>KEEPLINKTEXT</w:t></w:r></w:hyperlink>\
                     </w:p>\
                     <w:p><w:pPr><w:pPrChange w:id=\"3\" w:author=\"PLANTPPRAUTHOR\" w:date=\"2031-02-03T04:05:06Z\"><w:pPr/></w:pPrChange></w:pPr></w:p>\
                     <w:sectPr w:rsidR=\"00PLANTRSIDSECT\"/></w:body></w:document>"
                ),
            ),
            (
                "word/_rels/document.xml.rels",
                format!(
                    "<?xml version=\"1.0\"?><Relationships {RELS}>\
                     <Relationship Id=\"rId1\" Type=\"{RT}/comments\" Target=\"comments.xml\"/>\
                     <Relationship Id=\"rId2\" Type=\"http://schemas.microsoft.com/office/2011/relationships/commentsExtended\" Target=\"commentsExtended.xml\"/>\
                     <Relationship Id=\"rId3\" Type=\"http://schemas.microsoft.com/office/2016/09/relationships/commentsIds\" Target=\"commentsIds.xml\"/>\
                     <Relationship Id=\"rId4\" Type=\"http://schemas.microsoft.com/office/2011/relationships/people\" Target=\"people.xml\"/>\
                     <Relationship Id=\"rId5\" Type=\"{RT}/settings\" Target=\"settings.xml\"/>\
                     <Relationship Id=\"rId6\" Type=\"{RT}/customXml\" Target=\"../customXml/item1.xml\"/>\
                     <Relationship Id=\"rId7\" Type=\"{RT}/printerSettings\" Target=\"printerSettings/printerSettings1.bin\"/>\
                     <Relationship Id=\"rId8\" Type=\"{RT}/hyperlink\" Target=\"https://example.org/KEEPLINK\" TargetMode=\"External\"/>\
                     <Relationship Id=\"rId9\" Type=\"{RT}/hyperlink\" Target=\"file:///C:/Users/PLANTUSER/secret.docx\" TargetMode=\"External\"/>\
                     </Relationships>"
                ),
            ),
            (
                "word/settings.xml",
                format!(
                    "<?xml version=\"1.0\"?><w:settings {W} xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\">\
                     <w:attachedTemplate r:id=\"rId1\"/><w:zoom w:percent=\"100\"/>\
                     <w:docVars><w:docVar w:name=\"PLANTDOCVAR\" w:val=\"x\"/></w:docVars>\
                     <w:rsids><w:rsidRoot w:val=\"00PLANTRSIDROOT\"/><w:rsid w:val=\"00PLANTRSIDLIST\"/></w:rsids>\
                     <w14:docId w14:val=\"PLANTDOCID14\"/><w15:docId w15:val=\"{{PLANTDOCID15}}\"/>\
                     </w:settings>"
                ),
            ),
            (
                "word/_rels/settings.xml.rels",
                format!(
                    "<?xml version=\"1.0\"?><Relationships {RELS}>\
                     <Relationship Id=\"rId1\" Type=\"{RT}/attachedTemplate\" Target=\"file:///C:\\Users\\PLANTUSER\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm\" TargetMode=\"External\"/>\
                     </Relationships>"
                ),
            ),
            (
                "word/comments.xml",
                format!("<?xml version=\"1.0\"?><w:comments {W}><w:comment w:id=\"0\" w:author=\"PLANTCOMMENTAUTHOR\" w:initials=\"PLANTINITIALS\"><w:p><w:r><w:t>PLANTCOMMENTTEXT</w:t></w:r></w:p></w:comment></w:comments>"),
            ),
            ("word/commentsExtended.xml", format!("<?xml version=\"1.0\"?><w15:commentsEx {W}><w15:commentEx w15:paraId=\"PLANTCOMMENTEX\"/></w15:commentsEx>")),
            ("word/commentsIds.xml", "<?xml version=\"1.0\"?><w16cid:commentsIds xmlns:w16cid=\"http://schemas.microsoft.com/office/word/2016/wordml/cid\"><w16cid:commentId w16cid:durableId=\"PLANTDURABLE\"/></w16cid:commentsIds>".into()),
            ("word/people.xml", format!("<?xml version=\"1.0\"?><w15:people {W}><w15:person w15:author=\"PLANTPERSON\"><w15:presenceInfo w15:providerId=\"AD\" w15:userId=\"PLANTUSERID\"/></w15:person></w15:people>")),
            ("word/printerSettings/printerSettings1.bin", "PLANTPRINTER".into()),
            ("customXml/item1.xml", "<?xml version=\"1.0\"?><root>PLANTCUSTOMXML</root>".into()),
            ("customXml/itemProps1.xml", "<?xml version=\"1.0\"?><ds:datastoreItem xmlns:ds=\"http://schemas.openxmlformats.org/officeDocument/2006/customXml\" ds:itemID=\"{PLANTITEMID}\"/>".into()),
            ("customXml/_rels/item1.xml.rels", format!("<?xml version=\"1.0\"?><Relationships {RELS}><Relationship Id=\"rId1\" Type=\"{RT}/customXmlProps\" Target=\"itemProps1.xml\"/></Relationships>")),
        ]);
    let members: Vec<(&str, &[u8])> = parts.iter().map(|(n, d)| (*n, d.as_bytes())).collect();
    dirty_zip(&members, &[])
}

#[test]
fn dirty_docx_loses_properties_comments_revision_identities_and_custom_xml() {
    let dirty = dirty_docx();
    let mut planted: Vec<&str> = OOXML_PLANTED.to_vec();
    planted.extend([
        "PLANTXMLCOMMENT",
        "PLANTRSID",
        "PLANTREVAUTHOR",
        "PLANTDELAUTHOR",
        "PLANTPPRAUTHOR",
        "2031-02-03",
        "PLANTUSER",
        "PLANTDOCVAR",
        "PLANTDOCID",
        "PLANTCOMMENTAUTHOR",
        "PLANTINITIALS",
        "PLANTCOMMENTTEXT",
        "PLANTCOMMENTEX",
        "PLANTDURABLE",
        "PLANTPERSON",
        "PLANTPRINTER",
        "PLANTCUSTOMXML",
        "PLANTITEMID",
    ]);
    let (before, _) = read_by_hand(&dirty);
    let all_before: Vec<u8> = before
        .iter()
        .flat_map(|e| e.data.clone())
        .chain(dirty.clone())
        .collect();
    for t in &planted {
        assert!(has(&all_before, t), "{t} not planted");
    }
    let t = Instant::now();
    let cleaned = clean_ooxml(&dirty, &CleanLimits::default()).unwrap();
    eprintln!("docx cleaned in {:?}", t.elapsed());
    let entries = assert_clean_zip(
        &cleaned,
        &planted,
        &[
            "KEEPDOCXBODY &amp; more",
            "KEEPINSERTED",
            "KEEPLINKTEXT",
            "https://example.org/KEEPLINK",
        ],
    );
    assert_references_resolve(&entries);
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/_rels/document.xml.rels",
            "word/settings.xml",
            "word/_rels/settings.xml.rels",
        ],
        "original order, removed parts gone"
    );
    let doc = String::from_utf8(
        entries
            .iter()
            .find(|e| e.name == "word/document.xml")
            .unwrap()
            .data
            .clone(),
    )
    .unwrap();
    for gone in [
        "commentRangeStart",
        "commentRangeEnd",
        "commentReference",
        "rsid",
        "w:date",
    ] {
        assert!(!doc.contains(gone), "{gone} in {doc}");
    }
    // The insertion and the paragraph change keep an anonymous author; the deletion is
    // accepted (gone, with its text).
    assert_eq!(doc.matches("w:author=\"Author\"").count(), 2, "{doc}");
    assert!(
        !doc.contains("KEEPDELETED") && !doc.contains("w:del "),
        "{doc}"
    );
    assert!(doc.contains("<w:hyperlink r:id=\"rId8\">"));
    let settings = String::from_utf8(
        entries
            .iter()
            .find(|e| e.name == "word/settings.xml")
            .unwrap()
            .data
            .clone(),
    )
    .unwrap();
    assert!(
        settings.contains("<w:zoom w:percent=\"100\"/>") && settings.contains("attachedTemplate")
    );
    let rels = String::from_utf8(
        entries
            .iter()
            .find(|e| e.name == "word/_rels/settings.xml.rels")
            .unwrap()
            .data
            .clone(),
    )
    .unwrap();
    assert!(rels.contains("Target=\"file:///\""), "{rels}");
    // Deterministic.
    assert_eq!(
        clean_ooxml(&dirty, &CleanLimits::default()).unwrap(),
        cleaned
    );
    if let Some(ok) = unzip_test(&cleaned) {
        assert!(ok, "unzip -t failed");
    }
}

fn dirty_xlsx() -> Vec<u8> {
    let x = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
                 xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
    let mut parts = core_and_app();
    parts.extend([
            (
                "[Content_Types].xml",
                content_types(&[
                    "xl/workbook.xml",
                    "xl/worksheets/sheet1.xml",
                    "xl/comments1.xml",
                    "xl/threadedComments/threadedComment1.xml",
                    "xl/persons/person.xml",
                    "docProps/core.xml",
                    "docProps/app.xml",
                    "docProps/custom.xml",
                ]),
            ),
            ("_rels/.rels", package_rels("xl/workbook.xml")),
            (
                "xl/workbook.xml",
                format!(
                    "<?xml version=\"1.0\"?><workbook {x} xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" \
                     xmlns:x15ac=\"http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac\" \
                     xmlns:xr=\"http://schemas.microsoft.com/office/spreadsheetml/2014/revision\">\
                     <fileVersion appName=\"xl\" lastEdited=\"7\" lowestEdited=\"7\" rupBuild=\"PLANTBUILD\"/>\
                     <mc:AlternateContent><mc:Choice Requires=\"x15\"><x15ac:absPath url=\"C:\\Users\\PLANTUSER\\Documents\\\"/></mc:Choice></mc:AlternateContent>\
                     <xr:revisionPtr revIDLastSave=\"0\" documentId=\"13_ncr:1_{{PLANTDOCGUID}}\"/>\
                     <sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
                ),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                format!(
                    "<?xml version=\"1.0\"?><Relationships {RELS}>\
                     <Relationship Id=\"rId1\" Type=\"{RT}/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
                     <Relationship Id=\"rId2\" Type=\"http://schemas.microsoft.com/office/2017/10/relationships/person\" Target=\"persons/person.xml\"/>\
                     </Relationships>"
                ),
            ),
            (
                "xl/worksheets/sheet1.xml",
                format!(
                    "<?xml version=\"1.0\"?><worksheet {x}><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>KEEPXLSXBODY</t></is></c></row></sheetData>\
                     <pageSetup orientation=\"landscape\" r:id=\"rId4\"/><legacyDrawing r:id=\"rId2\"/></worksheet>"
                ),
            ),
            (
                "xl/worksheets/_rels/sheet1.xml.rels",
                format!(
                    "<?xml version=\"1.0\"?><Relationships {RELS}>\
                     <Relationship Id=\"rId1\" Type=\"{RT}/comments\" Target=\"../comments1.xml\"/>\
                     <Relationship Id=\"rId2\" Type=\"{RT}/vmlDrawing\" Target=\"../drawings/vmlDrawing1.vml\"/>\
                     <Relationship Id=\"rId3\" Type=\"http://schemas.microsoft.com/office/2017/10/relationships/threadedComment\" Target=\"../threadedComments/threadedComment1.xml\"/>\
                     <Relationship Id=\"rId4\" Type=\"{RT}/printerSettings\" Target=\"../printerSettings/printerSettings1.bin\"/>\
                     </Relationships>"
                ),
            ),
            ("xl/comments1.xml", format!("<?xml version=\"1.0\"?><comments {x}><authors><author>PLANTXLAUTHOR</author></authors><commentList><comment ref=\"A1\" authorId=\"0\"><text><t>PLANTXLCOMMENT</t></text></comment></commentList></comments>")),
            ("xl/threadedComments/threadedComment1.xml", "<?xml version=\"1.0\"?><ThreadedComments xmlns=\"http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments\"><threadedComment ref=\"A1\"><text>PLANTTHREADED</text></threadedComment></ThreadedComments>".into()),
            ("xl/persons/person.xml", "<?xml version=\"1.0\"?><personList xmlns=\"http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments\"><person displayName=\"PLANTPERSONXL\"/></personList>".into()),
            ("xl/drawings/vmlDrawing1.vml", "<xml xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><v:shape><x:ClientData ObjectType=\"Note\"><x:Row>0</x:Row></x:ClientData></v:shape><!-- PLANTVML --></xml>".into()),
            ("xl/printerSettings/printerSettings1.bin", "PLANTXLPRINTER".into()),
        ]);
    let members: Vec<(&str, &[u8])> = parts.iter().map(|(n, d)| (*n, d.as_bytes())).collect();
    dirty_zip(&members, &[])
}

#[test]
fn dirty_xlsx_loses_comments_people_paths_and_notes_drawing() {
    let cleaned = clean_ooxml(&dirty_xlsx(), &CleanLimits::default()).unwrap();
    let mut planted = OOXML_PLANTED.to_vec();
    planted.extend([
        "PLANTBUILD",
        "PLANTUSER",
        "PLANTDOCGUID",
        "PLANTXLAUTHOR",
        "PLANTXLCOMMENT",
        "PLANTTHREADED",
        "PLANTPERSONXL",
        "PLANTVML",
        "PLANTXLPRINTER",
    ]);
    let entries = assert_clean_zip(&cleaned, &planted, &["KEEPXLSXBODY", "appName=\"xl\""]);
    assert_references_resolve(&entries);
    let sheet = String::from_utf8(
        entries
            .iter()
            .find(|e| e.name == "xl/worksheets/sheet1.xml")
            .unwrap()
            .data
            .clone(),
    )
    .unwrap();
    assert!(!sheet.contains("legacyDrawing"), "{sheet}");
    assert!(
        sheet.contains("<pageSetup orientation=\"landscape\"/>"),
        "{sheet}"
    );
}

fn dirty_pptx() -> Vec<u8> {
    let p = "xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" \
                 xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" \
                 xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
    let mut parts = core_and_app();
    parts.extend([
            (
                "[Content_Types].xml",
                content_types(&[
                    "ppt/presentation.xml",
                    "ppt/slides/slide1.xml",
                    "ppt/commentAuthors.xml",
                    "ppt/authors.xml",
                    "ppt/comments/comment1.xml",
                    "ppt/comments/modernComment_1.xml",
                    "ppt/revisionInfo.xml",
                    "docProps/core.xml",
                    "docProps/app.xml",
                    "docProps/custom.xml",
                ]),
            ),
            ("_rels/.rels", package_rels("ppt/presentation.xml")),
            ("ppt/presentation.xml", format!("<?xml version=\"1.0\"?><p:presentation {p}><p:sldIdLst><p:sldId id=\"256\" r:id=\"rId1\"/></p:sldIdLst></p:presentation>")),
            (
                "ppt/_rels/presentation.xml.rels",
                format!(
                    "<?xml version=\"1.0\"?><Relationships {RELS}>\
                     <Relationship Id=\"rId1\" Type=\"{RT}/slide\" Target=\"slides/slide1.xml\"/>\
                     <Relationship Id=\"rId2\" Type=\"{RT}/commentAuthors\" Target=\"commentAuthors.xml\"/>\
                     <Relationship Id=\"rId3\" Type=\"http://schemas.microsoft.com/office/2018/10/relationships/authors\" Target=\"authors.xml\"/>\
                     <Relationship Id=\"rId4\" Type=\"http://schemas.microsoft.com/office/2015/10/relationships/revisionInfo\" Target=\"revisionInfo.xml\"/>\
                     </Relationships>"
                ),
            ),
            (
                "ppt/slides/slide1.xml",
                format!(
                    "<?xml version=\"1.0\"?><p:sld {p}><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>KEEPPPTXBODY</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld>\
                     <p:extLst><p:ext uri=\"{{6950BFC3-D8DA-4A85-94F7-54DA5524770B}}\"><p188:commentRel xmlns:p188=\"http://schemas.microsoft.com/office/powerpoint/2018/8/main\" r:id=\"rId3\"/></p:ext></p:extLst></p:sld>"
                ),
            ),
            (
                "ppt/slides/_rels/slide1.xml.rels",
                format!(
                    "<?xml version=\"1.0\"?><Relationships {RELS}>\
                     <Relationship Id=\"rId2\" Type=\"{RT}/comments\" Target=\"../comments/comment1.xml\"/>\
                     <Relationship Id=\"rId3\" Type=\"http://schemas.microsoft.com/office/2018/10/relationships/comments\" Target=\"../comments/modernComment_1.xml\"/>\
                     </Relationships>"
                ),
            ),
            ("ppt/commentAuthors.xml", format!("<?xml version=\"1.0\"?><p:cmAuthorLst {p}><p:cmAuthor id=\"0\" name=\"PLANTPPTAUTHOR\" initials=\"PP\"/></p:cmAuthorLst>")),
            ("ppt/authors.xml", "<?xml version=\"1.0\"?><p188:authorLst xmlns:p188=\"http://schemas.microsoft.com/office/powerpoint/2018/8/main\"><p188:author name=\"PLANTMODERNAUTHOR\"/></p188:authorLst>".into()),
            ("ppt/comments/comment1.xml", format!("<?xml version=\"1.0\"?><p:cmLst {p}><p:cm authorId=\"0\"><p:text>PLANTPPTCOMMENT</p:text></p:cm></p:cmLst>")),
            ("ppt/comments/modernComment_1.xml", "<?xml version=\"1.0\"?><p188:cmLst xmlns:p188=\"http://schemas.microsoft.com/office/powerpoint/2018/8/main\"><p188:cm>PLANTMODERNCOMMENT</p188:cm></p188:cmLst>".into()),
            ("ppt/revisionInfo.xml", "<?xml version=\"1.0\"?><p1510:revInfo xmlns:p1510=\"http://schemas.microsoft.com/office/powerpoint/2015/10/main\"><p1510:client id=\"{PLANTCLIENT}\"/></p1510:revInfo>".into()),
        ]);
    let members: Vec<(&str, &[u8])> = parts.iter().map(|(n, d)| (*n, d.as_bytes())).collect();
    dirty_zip(&members, &[])
}

#[test]
fn dirty_pptx_loses_comments_authors_and_revision_info() {
    let cleaned = clean_ooxml(&dirty_pptx(), &CleanLimits::default()).unwrap();
    let mut planted = OOXML_PLANTED.to_vec();
    planted.extend([
        "PLANTPPTAUTHOR",
        "PLANTMODERNAUTHOR",
        "PLANTPPTCOMMENT",
        "PLANTMODERNCOMMENT",
        "PLANTCLIENT",
        "commentRel",
    ]);
    let entries = assert_clean_zip(&cleaned, &planted, &["KEEPPPTXBODY"]);
    assert_references_resolve(&entries);
}

const ODF_NS: &str = "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
                          xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" \
                          xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
                          xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\" \
                          xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" \
                          xmlns:officeooo=\"http://openoffice.org/2009/office\" \
                          xmlns:config=\"urn:oasis:names:tc:opendocument:xmlns:config:1.0\"";

fn dirty_odt() -> Vec<u8> {
    let m = "xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"";
    let parts: Vec<(&str, String)> = vec![
        // Deflated and not first: the cleaner must put it first and store it.
        (
            "META-INF/manifest.xml",
            format!(
                "<?xml version=\"1.0\"?><manifest:manifest {m} manifest:version=\"1.3\">\
                     <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>\
                     <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
                     <manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>\
                     <manifest:file-entry manifest:full-path=\"settings.xml\" manifest:media-type=\"text/xml\"/>\
                     <manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>\
                     <manifest:file-entry manifest:full-path=\"Thumbnails/thumbnail.png\" manifest:media-type=\"image/png\"/>\
                     </manifest:manifest>"
            ),
        ),
        ("mimetype", "application/vnd.oasis.opendocument.text".into()),
        (
            "meta.xml",
            format!(
                "<?xml version=\"1.0\"?><office:document-meta {ODF_NS}><office:meta><meta:initial-creator>PLANTODTAUTHOR</meta:initial-creator><dc:creator>PLANTODTLASTMOD</dc:creator><meta:generator>PLANTGENERATOR</meta:generator></office:meta></office:document-meta>"
            ),
        ),
        ("Thumbnails/thumbnail.png", "PLANTODTTHUMB".into()),
        (
            "content.xml",
            format!(
                "<?xml version=\"1.0\"?><office:document-content {ODF_NS}><office:body><office:text>\
                     <text:tracked-changes><text:changed-region text:id=\"ct1\"><text:insertion><office:change-info>\
                     <dc:creator>PLANTCHANGEAUTHOR</dc:creator><dc:date>2031-02-03T04:05:06</dc:date>\
                     </office:change-info></text:insertion></text:changed-region></text:tracked-changes>\
                     <text:p text:style-name=\"P1\">KEEPODTBODY<office:annotation office:name=\"a1\"><dc:creator>PLANTODTANNOTAUTHOR</dc:creator>\
                     <dc:date>2031-02-03T04:05:06</dc:date><text:p>PLANTODTANNOTTEXT</text:p></office:annotation>annotated\
                     <office:annotation-end office:name=\"a1\"/> and <text:change-start text:change-id=\"ct1\"/>KEEPODTINSERT<text:change-end text:change-id=\"ct1\"/></text:p>\
                     </office:text></office:body></office:document-content>"
            ),
        ),
        (
            "styles.xml",
            format!(
                "<?xml version=\"1.0\"?><office:document-styles {ODF_NS}><office:styles><style:style style:name=\"P1\"><style:text-properties officeooo:rsid=\"PLANTODTRSID\" officeooo:paragraph-rsid=\"PLANTODTPRSID\" style:font-name=\"KEEPFONT\"/></style:style></office:styles></office:document-styles>"
            ),
        ),
        (
            "settings.xml",
            format!(
                "<?xml version=\"1.0\"?><office:document-settings {ODF_NS}><office:settings><config:config-item-set config:name=\"ooo:configuration-settings\">\
                         <config:config-item config:name=\"PrinterName\" config:type=\"string\">PLANTODTPRINTER</config:config-item>\
                         <config:config-item config:name=\"PrinterSetup\" config:type=\"base64Binary\">PLANTODTSETUP</config:config-item>\
                         <config:config-item config:name=\"KEEPSETTING\" config:type=\"boolean\">true</config:config-item>\
                         </config:config-item-set></office:settings></office:document-settings>"
            ),
        ),
    ];
    let members: Vec<(&str, &[u8])> = parts.iter().map(|(n, d)| (*n, d.as_bytes())).collect();
    dirty_zip(&members, &[])
}

#[test]
fn dirty_odt_loses_meta_thumbnail_annotations_change_authors_and_printer() {
    let dirty = dirty_odt();
    let cleaned = clean_odf(&dirty, &CleanLimits::default()).unwrap();
    let planted = [
        "PLANTODTAUTHOR",
        "PLANTODTLASTMOD",
        "PLANTGENERATOR",
        "PLANTODTTHUMB",
        "PLANTCHANGEAUTHOR",
        "2031-02-03",
        "PLANTODTANNOTAUTHOR",
        "PLANTODTANNOTTEXT",
        "PLANTODTRSID",
        "PLANTODTPRSID",
        "PLANTODTPRINTER",
        "PLANTODTSETUP",
        "PLANTZIPCOMMENT",
        "PLANTMEMBERCOMMENT",
        "meta.xml",
        "Thumbnails",
    ];
    let entries = assert_clean_zip(
        &cleaned,
        &planted,
        &[
            "KEEPODTBODY",
            "annotated",
            "KEEPODTINSERT",
            "KEEPFONT",
            "KEEPSETTING",
        ],
    );
    assert_eq!(entries[0].name, "mimetype");
    assert_eq!(entries[0].method, 0, "mimetype stored");
    assert_eq!(entries[0].data, b"application/vnd.oasis.opendocument.text");
    assert_eq!(&cleaned[30..38], b"mimetype");
    assert_eq!(
        sniff(&cleaned, None),
        AttachmentKind::Odt,
        "still an OpenDocument text"
    );
    let names: HashSet<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    let manifest = String::from_utf8(
        entries
            .iter()
            .find(|e| e.name == "META-INF/manifest.xml")
            .unwrap()
            .data
            .clone(),
    )
    .unwrap();
    for path in manifest.split("manifest:full-path=\"").skip(1) {
        let path = path.split('"').next().unwrap();
        assert!(
            path == "/" || names.contains(path),
            "manifest names missing {path}"
        );
    }
    assert!(manifest.contains("content.xml"));
    if let Some(ok) = unzip_test(&cleaned) {
        assert!(ok, "unzip -t failed");
    }
}

#[test]
fn encrypted_odf_and_zip_encryption_are_refused() {
    let m = "xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"";
    let manifest = format!(
        "<?xml version=\"1.0\"?><manifest:manifest {m}><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"><manifest:encryption-data manifest:checksum-type=\"SHA1/1K\"/></manifest:file-entry></manifest:manifest>"
    );
    let odt = dirty_zip(
        &[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("META-INF/manifest.xml", manifest.as_bytes()),
            ("content.xml", b"\x01\x02 encrypted bytes"),
        ],
        &["mimetype"],
    );
    assert_eq!(
        clean_odf(&odt, &CleanLimits::default()),
        Err(CleanError::Encrypted)
    );
    // The traditional zip encryption flag on a member.
    let z = raw_zip(&[raw_entry("[Content_Types].xml", b"<Types/>", 1)], false);
    assert_eq!(
        clean_ooxml(&z, &CleanLimits::default()),
        Err(CleanError::Encrypted)
    );
}

#[test]
fn pictures_go_through_the_image_cleaners_and_embedded_documents_are_cleaned() {
    let jpeg = b"\xFF\xD8\xFF\xE1\x00\x12Exif\x00\x00PLANTGPS00\xFF\xD9".to_vec();
    let limits = CleanLimits::default();
    let with_picture = |picture: &[u8]| {
        let ct = content_types(&["word/document.xml"]);
        let doc = format!(
            "<?xml version=\"1.0\"?><w:document {W}><w:body><w:p><w:r><w:t>KEEPDOCXBODY</w:t></w:r></w:p></w:body></w:document>"
        );
        dirty_zip(
            &[
                ("[Content_Types].xml", ct.as_bytes()),
                ("word/document.xml", doc.as_bytes()),
                ("word/media/image1.jpeg", picture),
            ],
            &[],
        )
    };
    match super::super::clean(AttachmentKind::Jpeg, &jpeg, &limits) {
        Err(e) => assert_eq!(clean_ooxml(&with_picture(&jpeg), &limits), Err(e)),
        Ok(cleaned) => {
            let out = clean_ooxml(&with_picture(&jpeg), &limits).unwrap();
            let (entries, _) = read_by_hand(&out);
            assert_eq!(
                entries
                    .iter()
                    .find(|e| e.name == "word/media/image1.jpeg")
                    .unwrap()
                    .data,
                cleaned
            );
        }
    }
    // A chart's workbook embedded in a document is cleaned too.
    let outer = with_picture(&dirty_xlsx());
    let out = clean_ooxml(&outer, &limits).unwrap();
    let (entries, _) = read_by_hand(&out);
    let inner = &entries
        .iter()
        .find(|e| e.name == "word/media/image1.jpeg")
        .unwrap()
        .data;
    assert_clean_zip(
        inner,
        &["PLANTAUTHOR", "PLANTXLAUTHOR", "PLANTUSER"],
        &["KEEPXLSXBODY"],
    );
    // Two levels deep is refused.
    let twice = with_picture(&outer);
    assert_eq!(
        clean_ooxml(&twice, &limits),
        Err(CleanError::Limit("documents nested in documents"))
    );
}

// ---- Hostile archives, written by hand ----

struct RawEntry {
    name: Vec<u8>,
    method: u16,
    flags: u16,
    crc: u32,
    size: u32,
    data: Vec<u8>,
}

fn raw_entry(name: &str, data: &[u8], flags: u16) -> RawEntry {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    RawEntry {
        name: name.as_bytes().to_vec(),
        method: 0,
        flags,
        crc: crc.sum(),
        size: data.len() as u32,
        data: data.to_vec(),
    }
}

/// A zip written byte by byte (zip64 end records when `zip64`), so that sizes can lie.
fn raw_zip(entries: &[RawEntry], zip64: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        for (buf, sig) in [(&mut out, 0x0403_4b50u32), (&mut central, 0x0201_4b50)] {
            buf.extend_from_slice(&sig.to_le_bytes());
            if sig == 0x0201_4b50 {
                buf.extend_from_slice(&20u16.to_le_bytes());
            }
            for v in [20u16, e.flags, e.method, 0, 0x21] {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            buf.extend_from_slice(&e.crc.to_le_bytes());
            buf.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
            buf.extend_from_slice(&e.size.to_le_bytes());
            buf.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes());
            if sig == 0x0201_4b50 {
                // Comment length, disk, internal and external attributes.
                buf.extend_from_slice(&[0; 10]);
                buf.extend_from_slice(&offset.to_le_bytes());
            }
            buf.extend_from_slice(&e.name);
        }
        out.extend_from_slice(&e.data);
    }
    let cd_offset = out.len() as u64;
    let cd_size = central.len() as u64;
    out.extend_from_slice(&central);
    let n = entries.len() as u64;
    if zip64 {
        let rec = out.len() as u64;
        out.extend_from_slice(&0x0606_4b50u32.to_le_bytes());
        out.extend_from_slice(&44u64.to_le_bytes());
        out.extend_from_slice(&45u16.to_le_bytes());
        out.extend_from_slice(&45u16.to_le_bytes());
        out.extend_from_slice(&[0; 8]);
        for v in [n, n, cd_size, cd_offset] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&0x0706_4b50u32.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&rec.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
    }
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    let count = if zip64 { 0xFFFF } else { n as u16 };
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(cd_size as u32).to_le_bytes());
    out.extend_from_slice(&(cd_offset as u32).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// Raw deflate data inflating to `mib` MiB of zeros, made cheaply by repeating a
/// sync-flushed block run that inflates to 1 MiB.
fn zeros_deflated(mib: usize) -> Vec<u8> {
    let mut c = flate2::Compress::new(flate2::Compression::best(), false);
    let mut chunk = Vec::with_capacity(8192);
    c.compress_vec(&vec![0u8; 1 << 20], &mut chunk, flate2::FlushCompress::Sync)
        .unwrap();
    let mut out = Vec::with_capacity(chunk.len() * mib + 16);
    for _ in 0..mib {
        out.extend_from_slice(&chunk);
    }
    let mut end = Vec::with_capacity(64);
    c.compress_vec(&[], &mut end, flate2::FlushCompress::Finish)
        .unwrap();
    out.extend_from_slice(&end);
    out
}

fn bomb(declared: u32) -> Vec<u8> {
    let data = zeros_deflated(1024);
    raw_zip(
        &[
            raw_entry("[Content_Types].xml", b"<Types/>", 0),
            RawEntry {
                name: b"word/media/zeros.bin".to_vec(),
                method: 8,
                flags: 0,
                crc: 0,
                size: declared,
                data,
            },
        ],
        false,
    )
}

#[test]
fn zip_bombs_are_refused_quickly_without_inflating() {
    // Sanity: the payload does inflate to 1 GiB (counted, not kept).
    let data = zeros_deflated(1024);
    let mut total = 0u64;
    let mut d = flate2::read::DeflateDecoder::new(&data[..]);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = d.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        total += n as u64;
    }
    assert_eq!(total, 1 << 30);
    eprintln!("1 GiB of zeros deflates to {} bytes", data.len());

    // Declared honestly: refused from the declared sizes, nothing inflated.
    let honest = bomb(1 << 30);
    let t = Instant::now();
    assert_eq!(
        clean_ooxml(&honest, &CleanLimits::default()),
        Err(CleanError::Limit("zip expands too far"))
    );
    let took = t.elapsed();
    eprintln!("1 GiB bomb (declared) refused in {took:?}");
    assert!(took < Duration::from_secs(1));

    // Declared small: the reader never produces more than the declared size, and the
    // short read then fails its check; never 1 GiB in memory.
    let liar = bomb(1000);
    let t = Instant::now();
    let r = clean_ooxml(&liar, &CleanLimits::default());
    let took = t.elapsed();
    eprintln!("1 GiB bomb (declared 1000 bytes): {r:?} in {took:?}");
    assert!(
        matches!(r, Err(CleanError::Malformed(_) | CleanError::Limit(_))),
        "{r:?}"
    );
    assert!(took < Duration::from_secs(1));

    // A budget smaller than what is declared.
    let small = CleanLimits {
        max_expanded_bytes: 4096,
        ..CleanLimits::default()
    };
    assert_eq!(
        clean_ooxml(&bomb(1 << 20), &small),
        Err(CleanError::Limit("zip expands too far"))
    );
}

#[test]
fn a_hundred_thousand_members_are_refused_before_indexing() {
    let entries: Vec<RawEntry> = (0..100_000)
        .map(|i| raw_entry(&format!("m{i}"), b"", 0))
        .collect();
    let z = raw_zip(&entries, true);
    let t = Instant::now();
    assert_eq!(
        clean_ooxml(&z, &CleanLimits::default()),
        Err(CleanError::Limit("zip members"))
    );
    let took = t.elapsed();
    eprintln!("100,000 members refused in {took:?}");
    assert!(took < Duration::from_millis(100));
    assert_eq!(declared_member_count(&z), Some(100_000));
    // Under the limit but past a smaller one.
    let few = raw_zip(&entries[..10], false);
    let limits = CleanLimits {
        max_zip_members: 9,
        ..CleanLimits::default()
    };
    assert_eq!(
        clean_ooxml(&few, &limits),
        Err(CleanError::Limit("zip members"))
    );
}

#[test]
fn truncated_and_garbage_archives_are_malformed() {
    let docx = dirty_docx();
    for cut in [0, 4, 30, docx.len() / 2, docx.len() - 10] {
        let r = clean_ooxml(&docx[..cut], &CleanLimits::default());
        assert!(
            matches!(r, Err(CleanError::Malformed(_))),
            "cut at {cut}: {r:?}"
        );
    }
    for junk in [&b"PK\x03\x04"[..], b"PK\x05\x06", b"not a zip at all"] {
        assert!(matches!(
            clean_odf(junk, &CleanLimits::default()),
            Err(CleanError::Malformed(_))
        ));
    }
    // A zip without the package's parts is not an office document.
    let bare = dirty_zip(&[("a.txt", b"x")], &[]);
    assert!(matches!(
        clean_ooxml(&bare, &CleanLimits::default()),
        Err(CleanError::Malformed(_))
    ));
    assert!(matches!(
        clean_odf(&bare, &CleanLimits::default()),
        Err(CleanError::Malformed(_))
    ));
    // Broken XML inside a valid archive.
    let broken = dirty_zip(
        &[("[Content_Types].xml", b"<Types><Override></Types>")],
        &[],
    );
    assert!(matches!(
        clean_ooxml(&broken, &CleanLimits::default()),
        Err(CleanError::Malformed(_))
    ));
}

#[test]
fn xml_rewrite_keeps_untouched_bytes_and_quotes_right() {
    let src = "<?xml version=\"1.0\"?>\n<w:p xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"  w:rsidR='00AB' w:x='say \"hi\"'>\n  <w:t xml:space=\"preserve\"> a &lt; b &#x41; </w:t><![CDATA[<raw>]]><?pi x?></w:p>";
    let out = rewrite_xml(
        src.as_bytes(),
        &mut OoxmlRules {
            dropped_ids: &HashSet::new(),
        },
    )
    .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(
        out,
        "<?xml version=\"1.0\"?>\n<w:p xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" w:x=\"say &quot;hi&quot;\">\n  <w:t xml:space=\"preserve\"> a &lt; b &#x41; </w:t><![CDATA[<raw>]]><?pi x?></w:p>"
    );
    // A prefix other than "w" bound to the same namespace is recognised.
    let other = "<x:r xmlns:x=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" x:rsidRPr=\"1\"/>";
    let out = rewrite_xml(
        other.as_bytes(),
        &mut OoxmlRules {
            dropped_ids: &HashSet::new(),
        },
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "<x:r xmlns:x=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>"
    );
    assert!(
        rewrite_xml(b"\xff\xfe<\x00a\x00", &mut OdfRules).is_err(),
        "utf-16 refused"
    );
}

/// `unzip -t` on the archive, if unzip is installed.
fn unzip_test(z: &[u8]) -> Option<bool> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cleaned.zip");
    std::fs::write(&path, z).unwrap();
    match std::process::Command::new("unzip")
        .arg("-tq")
        .arg(&path)
        .output()
    {
        Ok(out) => Some(out.status.success()),
        Err(_) => {
            eprintln!("SKIPPED: unzip is not installed");
            None
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    #[test]
    fn mutated_archives_never_panic(
        edits in proptest::collection::vec((0usize..1 << 16, proptest::prelude::any::<u8>()), 1..8),
        odf in proptest::prelude::any::<bool>(),
    ) {
        let mut z = if odf { dirty_odt() } else { dirty_docx() };
        for (at, byte) in edits {
            let at = at % z.len();
            z[at] = byte;
        }
        let _ = if odf {
            clean_odf(&z, &CleanLimits::default())
        } else {
            clean_ooxml(&z, &CleanLimits::default())
        };
    }
}
