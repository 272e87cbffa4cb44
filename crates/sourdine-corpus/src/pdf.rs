//! Documents: a hand-written PDF 1.7 (catalog, page tree, text pages, Info dictionary, XMP
//! metadata stream, exact cross-reference table) of about the wanted size.

use std::fmt::Write as _;

use super::mime::When;
use super::rng::Rng;
use super::text::Lang;

/// What the document says about itself and its author.
#[derive(Debug, Clone)]
pub(crate) struct DocMeta {
    pub title: String,
    pub author: String,
    pub creator: &'static str,
    pub producer: &'static str,
    pub created: When,
    pub lang: Lang,
}

/// The applications that made the documents people send (Creator, Producer); Word's name
/// is in the language of its installation.
pub(crate) fn producers(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::Fr => &[
            (
                "Microsoft® Word pour Microsoft 365",
                "Microsoft® Word pour Microsoft 365",
            ),
            ("Microsoft® Word 2016", "Microsoft® Word 2016"),
            ("Writer", "LibreOffice 7.6"),
            (
                "Pages",
                "macOS Version 14.5 (Build 23F79) Quartz PDFContext",
            ),
        ],
        Lang::Nl => &[
            (
                "Microsoft® Word voor Microsoft 365",
                "Microsoft® Word voor Microsoft 365",
            ),
            ("Microsoft® Word 2019", "Microsoft® Word 2019"),
            ("Writer", "LibreOffice 24.2"),
            ("Google Docs", "Skia/PDF m126 Google Docs Renderer"),
        ],
        Lang::En => &[
            (
                "Microsoft® Word for Microsoft 365",
                "Microsoft® Word for Microsoft 365",
            ),
            ("Microsoft® Word 2016", "Microsoft® Word 2016"),
            (
                "Pages",
                "macOS Version 15.1 (Build 24B83) Quartz PDFContext",
            ),
            ("Google Docs", "Skia/PDF m126 Google Docs Renderer"),
        ],
    }
}

/// Text encoded for a PDF string in WinAnsiEncoding, with `(`, `)` and `\` escaped.
fn win_ansi(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let b = match c {
            '(' | ')' | '\\' => {
                out.push(b'\\');
                c as u8
            }
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '…' => 0x85,
            'Œ' => 0x8C,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '–' => 0x96,
            '—' => 0x97,
            'œ' => 0x9C,
            _ => b'?',
        };
        out.push(b);
    }
    out
}

/// A text string for the Info dictionary: literal when ASCII, else UTF-16BE with a BOM.
fn info_string(s: &str) -> String {
    if s.is_ascii() {
        let esc = s
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)");
        format!("({esc})")
    } else {
        let mut h = String::from("<FEFF");
        for u in s.encode_utf16() {
            let _ = write!(h, "{u:04X}");
        }
        h.push('>');
        h
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn uuid(rng: &mut Rng) -> String {
    let h = rng.hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// The XMP packet naming the author, as Acrobat and Word write it.
fn xmp(meta: &DocMeta, rng: &mut Rng) -> String {
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"Adobe XMP Core 5.6-c015 84.159810, 2016/09/10-02:41:30\">\n\
  <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
    <rdf:Description rdf:about=\"\"\n\
        xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n\
        xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n\
        xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n\
        xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\">\n\
      <pdf:Producer>{producer}</pdf:Producer>\n\
      <xmp:CreatorTool>{creator}</xmp:CreatorTool>\n\
      <xmp:CreateDate>{date}</xmp:CreateDate>\n\
      <xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
      <xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
      <dc:format>application/pdf</dc:format>\n\
      <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
      <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>\n\
      <xmpMM:DocumentID>uuid:{doc}</xmpMM:DocumentID>\n\
      <xmpMM:InstanceID>uuid:{inst}</xmpMM:InstanceID>\n\
    </rdf:Description>\n\
  </rdf:RDF>\n\
</x:xmpmeta>\n\
<?xpacket end=\"w\"?>",
        producer = xml_escape(meta.producer),
        creator = xml_escape(meta.creator),
        date = meta.created.iso(),
        title = xml_escape(&meta.title),
        author = xml_escape(&meta.author),
        doc = uuid(rng),
        inst = uuid(rng),
    )
}

/// Page geometry (A4, points) and type.
const PAGE_W: u32 = 595;
const PAGE_H: u32 = 842;
const MARGIN: u32 = 72;
const LEADING: u32 = 14;
const FONT_SIZE: &str = "11.04";
/// Characters per line for 11 pt Helvetica in the text width, roughly.
const LINE_CHARS: usize = 88;

/// Lays out lines on pages as Word does: one BT/ET block per line, an absolute text
/// matrix, and a TJ array with small kerning adjustments between words.
fn page_streams(lines: &[(bool, String)], rng: &mut Rng) -> Vec<Vec<u8>> {
    let per_page = ((PAGE_H - 2 * MARGIN) / LEADING) as usize;
    let mut pages = Vec::new();
    for chunk in lines.chunks(per_page) {
        let mut s = Vec::with_capacity(chunk.len() * 140);
        s.extend_from_slice(b"q\n0.000008871 0 595.32 841.92 re\nW* n\n");
        for (i, (bold, text)) in chunk.iter().enumerate() {
            let y = PAGE_H - MARGIN - (i as u32) * LEADING;
            let font = if *bold { "F2" } else { "F1" };
            s.extend_from_slice(
                format!("BT\n/{font} {FONT_SIZE} Tf\n1 0 0 1 {MARGIN}.024 {y}.83 Tm\n0 g\n0 G\n[")
                    .as_bytes(),
            );
            for (k, word) in text.split(' ').enumerate() {
                if k > 0 {
                    // A space, sometimes with a kerning adjustment before the next word.
                    if rng.chance(1, 3) {
                        let kern = rng.below(9) as i32 - 4;
                        s.extend_from_slice(format!("( ){kern}").as_bytes());
                    } else {
                        s.extend_from_slice(b"( )");
                    }
                }
                s.push(b'(');
                s.extend_from_slice(&win_ansi(word));
                s.push(b')');
            }
            s.extend_from_slice(b"] TJ\nET\n");
        }
        s.extend_from_slice(b"Q\n");
        pages.push(s);
    }
    if pages.is_empty() {
        pages.push(b"q\nQ\n".to_vec());
    }
    pages
}

/// Builds a PDF of about `target` bytes from `body` lines (title first, bold).
pub(crate) fn document(
    meta: &DocMeta,
    mut next_line: impl FnMut(&mut Rng) -> (bool, String),
    target: usize,
    rng: &mut Rng,
) -> Vec<u8> {
    // Lines until the page streams reach the size left after the fixed parts (~3 KB).
    let mut lines: Vec<(bool, String)> = vec![(true, meta.title.clone()), (false, String::new())];
    let per_page = ((PAGE_H - 2 * MARGIN) / LEADING) as usize;
    let mut text_bytes = 0usize;
    // Fixed parts (header, fonts, Info, XMP, xref) ~3.5 KB; each page ~420 bytes of
    // objects and stream wrapping; each line ~70 bytes of operators plus its kerning.
    let estimate =
        |lines: usize, text: usize| 3_500 + text + lines * 70 + (lines / per_page + 1) * 420;
    while estimate(lines.len(), text_bytes) < target {
        let (bold, text) = next_line(rng);
        for l in super::mime::wrap(&text, LINE_CHARS) {
            text_bytes += l.len() + l.matches(' ').count() * 3;
            lines.push((bold, l));
        }
    }
    let pages = page_streams(&lines, rng);

    // Object numbers: 1 catalog, 2 pages, 3 metadata, 4 font, 5 bold font, 6 info,
    // then a page object and its content stream per page.
    let n_pages = pages.len();
    let total = 6 + 2 * n_pages;
    let mut out: Vec<u8> = Vec::with_capacity(target + 8_192);
    let mut offsets = vec![0usize; total + 1];
    out.extend_from_slice(b"%PDF-1.7\r\n%\xB5\xB5\xB5\xB5\r\n");

    let kids: Vec<String> = (0..n_pages).map(|i| format!("{} 0 R", 7 + 2 * i)).collect();
    let mut obj = |out: &mut Vec<u8>, n: usize, body: &[u8]| {
        offsets[n] = out.len();
        out.extend_from_slice(format!("{n} 0 obj\r\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\r\nendobj\r\n");
    };
    let lang = match meta.lang {
        Lang::Fr => "fr-FR",
        Lang::Nl => "nl-BE",
        Lang::En => "en-GB",
    };
    obj(
        &mut out,
        1,
        format!(
            "<</Type/Catalog/Pages 2 0 R/Lang({lang})/Metadata 3 0 R/ViewerPreferences<</DisplayDocTitle true>>>>"
        )
        .as_bytes(),
    );
    obj(
        &mut out,
        2,
        format!(
            "<</Type/Pages/Count {n_pages}/Kids[ {} ] >>",
            kids.join(" ")
        )
        .as_bytes(),
    );
    let x = xmp(meta, rng);
    let mut m = format!(
        "<</Type/Metadata/Subtype/XML/Length {}>>\r\nstream\r\n",
        x.len()
    )
    .into_bytes();
    m.extend_from_slice(x.as_bytes());
    m.extend_from_slice(b"\r\nendstream");
    obj(&mut out, 3, &m);
    obj(
        &mut out,
        4,
        b"<</Type/Font/Subtype/Type1/Name/F1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>",
    );
    obj(
        &mut out,
        5,
        b"<</Type/Font/Subtype/Type1/Name/F2/BaseFont/Helvetica-Bold/Encoding/WinAnsiEncoding>>",
    );
    let date = meta.created.pdf();
    obj(
        &mut out,
        6,
        format!(
            "<</Title {}/Author {}/Creator {}/Producer {}/CreationDate({date})/ModDate({date})>>",
            info_string(&meta.title),
            info_string(&meta.author),
            info_string(meta.creator),
            info_string(meta.producer),
        )
        .as_bytes(),
    );
    for (i, stream) in pages.iter().enumerate() {
        let page = 7 + 2 * i;
        obj(
            &mut out,
            page,
            format!(
                "<</Type/Page/Parent 2 0 R/Resources<</Font<</F1 4 0 R/F2 5 0 R>>/ProcSet[/PDF/Text]>>/MediaBox[ 0 0 {PAGE_W} {PAGE_H}] /Contents {} 0 R/Group<</Type/Group/S/Transparency/CS/DeviceRGB>>/Tabs/S/StructParents {i}>>",
                page + 1
            )
            .as_bytes(),
        );
        let mut body = format!("<</Length {}>>\r\nstream\r\n", stream.len()).into_bytes();
        body.extend_from_slice(stream);
        body.extend_from_slice(b"\r\nendstream");
        obj(&mut out, page + 1, &body);
    }

    let xref_at = out.len();
    let mut x = format!("xref\r\n0 {}\r\n0000000000 65535 f\r\n", total + 1);
    for off in &offsets[1..] {
        let _ = write!(x, "{off:010} 00000 n\r\n");
    }
    let id = rng.hex(16).to_uppercase();
    let _ = write!(
        x,
        "trailer\r\n<</Size {}/Root 1 0 R/Info 6 0 R/ID[<{id}><{id}>] >>\r\nstartxref\r\n{xref_at}\r\n%%EOF\r\n",
        total + 1
    );
    out.extend_from_slice(x.as_bytes());
    out
}
