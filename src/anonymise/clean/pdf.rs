//! PDF cleaner.
//!
//! **Removed**: the trailer's `/Info` dictionary (and its object) and `/ID` (the trailer is
//! rebuilt by allow-list: only `/Root` is carried over); every `/Metadata` stream (XMP, on the
//! catalog, pages, images, fonts…) and every object typed `/Metadata`; every `/PieceInfo`
//! (private application data), `/AF` (associated files), `/EF` (embedded file streams) and
//! `/LastModified`; the name trees other than `/Dests` and `/AP` (so `/EmbeddedFiles` and
//! `/JavaScript` go); `/AA` (additional actions) everywhere; `/JS` everywhere; `/A`,
//! `/OpenAction` and `/Next` actions whose type is not a harmless in-document one (`GoTo`, `URI`,
//! `Named`, `ResetForm`, `Hide`, `SetOCGState`, `Trans`), so JavaScript, `Launch`, `GoToR`
//! (which names local paths), `SubmitForm`, `ImportData`… go; annotations that carry files or
//! media (`FileAttachment`, `Sound`, `Movie`, `Screen`, `RichMedia`); the author (`/T`), and the
//! dates (`/M`, `/CreationDate`) of annotations (a widget's `/T` is its field name and stays);
//! digital signatures (`/V` of signature fields, `/Perms`, `/Legal`, signature objects: they
//! hold the signer's certificate and name); article threads (`/Threads`, page `/B`: their
//! information dictionaries carry an author); `/Collection` (portfolios); `/SpiderInfo` (web
//! capture); XFA forms (`/XFA`, `/NeedsRendering`: free XML packets); `/Creator`, `/Producer`,
//! `/Author`, `/CreatorInfo` keys wherever they appear; page thumbnails (`/Thumb`). Objects no
//! longer referenced are pruned and the rest renumbered. Header comments are not copied: the
//! writer puts its own header and a fixed binary mark. JPEG images (`/DCTDecode`) go through
//! the JPEG cleaner (their EXIF may hold GPS positions and camera serials).
//!
//! **Kept**: the pages and their content streams (text, images, fonts), outlines, named
//! destinations, links, form fields, structure tree and marked content, optional content, and
//! `/Lang`: the content's language says nothing about the writer that the text does not.
//!
//! **What protects the parser.** lopdf parses nested dictionaries and arrays recursively, so a
//! deeply nested object could overflow the stack. [`pre_scan`] runs first: one linear pass
//! over the bytes, without recursion or allocation, that refuses a file nested deeper than
//! [`CleanLimits::max_pdf_depth`] or holding absurdly many objects, before lopdf sees it. It
//! skips strings, comments and stream data, which the parser does not read as objects either.
//! Objects hidden where the scan does not look (inside compressed object streams, or where a
//! hostile cross-reference table points into stream data) meet lopdf's own nesting bound; and
//! the isolated worker process the cleaners run in is the last line: a crash there loses the
//! attachment, never the mail.

use std::collections::BTreeSet;

use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId, xref::XrefType};

use super::{CleanError, CleanLimits};
use crate::anonymise::AttachmentKind;

/// Most indirect objects accepted in one PDF (a thousand-page book has some tens of thousands).
const MAX_PDF_OBJECTS: usize = 250_000;

/// Action types that stay inside the document and run no code.
const SAFE_ACTIONS: [&[u8]; 7] = [
    b"GoTo",
    b"URI",
    b"Named",
    b"ResetForm",
    b"Hide",
    b"SetOCGState",
    b"Trans",
];

/// Every action type of PDF 2.0 (ISO 32000-2, table 201), to tell an action dictionary.
const ACTION_TYPES: [&[u8]; 20] = [
    b"GoTo",
    b"GoToR",
    b"GoToE",
    b"GoToDp",
    b"Launch",
    b"Thread",
    b"URI",
    b"Sound",
    b"Movie",
    b"Hide",
    b"Named",
    b"SubmitForm",
    b"ResetForm",
    b"ImportData",
    b"JavaScript",
    b"SetOCGState",
    b"Rendition",
    b"Trans",
    b"GoTo3DView",
    b"RichMediaExecute",
];

/// Annotation subtypes that carry files, media or scripts.
const CARRIER_ANNOTATIONS: [&[u8]; 5] = [
    b"FileAttachment",
    b"Sound",
    b"Movie",
    b"Screen",
    b"RichMedia",
];

/// Object types removed whole.
const REMOVED_TYPES: [&[u8]; 6] = [
    b"Metadata",
    b"EmbeddedFile",
    b"Sig",
    b"DocTimeStamp",
    b"Thread",
    b"Bead",
];

/// Keys removed from every dictionary.
const REMOVED_KEYS: [&[u8]; 11] = [
    b"Metadata",
    b"PieceInfo",
    b"AF",
    b"AA",
    b"JS",
    b"EF",
    b"LastModified",
    b"Creator",
    b"Producer",
    b"Author",
    b"CreatorInfo",
];

/// Keys removed from the document catalog.
const REMOVED_CATALOG_KEYS: [&[u8]; 7] = [
    b"Perms",
    b"Legal",
    b"Threads",
    b"Collection",
    b"SpiderInfo",
    b"NeedsRendering",
    b"URI",
];

/// Name trees kept in the catalog's `/Names`.
const KEPT_NAME_TREES: [&[u8]; 2] = [b"Dests", b"AP"];

/// A fixed binary mark for the second line of the output.
const BINARY_MARK: [u8; 4] = [0xE2, 0xE3, 0xCF, 0xD3];

/// What the pre-scan saw.
#[derive(Debug, Default, PartialEq, Eq)]
struct Scan {
    /// A `/Encrypt` name outside strings and streams.
    saw_encrypt: bool,
    /// Indirect objects (`obj` keywords) outside strings and streams.
    objects: usize,
}

/// Cleans one PDF.
pub(super) fn clean(bytes: &[u8], limits: &CleanLimits) -> Result<Vec<u8>, CleanError> {
    let scan = pre_scan(bytes, limits.max_pdf_depth)?;
    let options = LoadOptions {
        max_decompressed_size: Some(
            usize::try_from(limits.max_expanded_bytes).unwrap_or(usize::MAX),
        ),
        ..LoadOptions::default()
    };
    let mut doc = Document::load_mem_with_options(bytes, options)
        .map_err(|e| load_error(&e, scan.saw_encrypt))?;
    if doc.encryption_state.is_some() || doc.trailer.has(b"Encrypt") {
        return Err(CleanError::Encrypted);
    }
    if doc.objects.len() > MAX_PDF_OBJECTS {
        return Err(CleanError::Limit("pdf objects"));
    }
    null_dangling(&mut doc);
    let pages = doc.get_pages().len();
    if pages == 0 {
        return Err(CleanError::Malformed("pdf without pages"));
    }

    strip(&mut doc)?;
    doc.prune_objects();
    doc.renumber_objects();
    clean_images(&mut doc, limits)?;
    if doc.get_pages().len() != pages {
        return Err(CleanError::Malformed("pdf page tree"));
    }

    doc.binary_mark = BINARY_MARK.to_vec();
    if !is_plain_version(&doc.version) {
        doc.version = "1.7".to_owned();
    }
    doc.reference_table.cross_reference_type = XrefType::CrossReferenceTable;
    let mut out = Vec::with_capacity(bytes.len());
    doc.save_to(&mut out)
        .map_err(|_| CleanError::Malformed("pdf could not be written"))?;
    Ok(out)
}

/// Maps a load failure to the cleaner's errors.
fn load_error(e: &lopdf::Error, saw_encrypt: bool) -> CleanError {
    match e {
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            CleanError::Limit("pdf stream expands too far")
        }
        lopdf::Error::InvalidPassword
        | lopdf::Error::Decryption(_)
        | lopdf::Error::AlreadyEncrypted => CleanError::Encrypted,
        _ if saw_encrypt => CleanError::Encrypted,
        _ => CleanError::Malformed("pdf could not be parsed"),
    }
}

/// A version such as `1.4` or `2.0`; anything else in the header is not copied.
fn is_plain_version(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 3 && b[0].is_ascii_digit() && b[1] == b'.' && b[2].is_ascii_digit()
}

/// PDF whitespace (ISO 32000-1, 7.2.2).
fn is_pdf_space(c: u8) -> bool {
    matches!(c, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

/// PDF delimiters (ISO 32000-1, 7.2.2).
fn is_pdf_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// One linear pass over the raw bytes, before any parser: the nesting depth of dictionaries
/// (`<<`) and arrays (`[`) must stay within `max_depth`, and the count of indirect objects
/// within [`MAX_PDF_OBJECTS`]. Literal strings (with escapes and balanced parentheses), hex
/// strings, comments and stream data are skipped, as the parser does not read them as objects.
/// No recursion, no allocation: a hostile file cannot make this pass overflow or grow.
fn pre_scan(b: &[u8], max_depth: usize) -> Result<Scan, CleanError> {
    let mut scan = Scan::default();
    let mut depth: usize = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            }
            b'(' => i = skip_literal_string(b, i),
            b'<' if b.get(i + 1) == Some(&b'<') => {
                depth += 1;
                if depth > max_depth {
                    return Err(CleanError::Limit("pdf nesting"));
                }
                i += 2;
            }
            b'<' => {
                i = memchr::memchr(b'>', &b[i + 1..]).map_or(b.len(), |p| i + 1 + p + 1);
            }
            b'>' if b.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 2;
            }
            b'[' => {
                depth += 1;
                if depth > max_depth {
                    return Err(CleanError::Limit("pdf nesting"));
                }
                i += 1;
            }
            b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'/' => {
                let start = i + 1;
                i = start;
                while i < b.len() && !is_pdf_space(b[i]) && !is_pdf_delimiter(b[i]) {
                    i += 1;
                }
                if &b[start..i] == b"Encrypt" {
                    scan.saw_encrypt = true;
                }
            }
            c if is_pdf_space(c) || is_pdf_delimiter(c) => i += 1,
            _ => {
                let start = i;
                while i < b.len() && !is_pdf_space(b[i]) && !is_pdf_delimiter(b[i]) {
                    i += 1;
                }
                match &b[start..i] {
                    b"stream" => {
                        i = memchr::memmem::find(&b[i..], b"endstream")
                            .map_or(b.len(), |p| i + p + b"endstream".len());
                    }
                    b"obj" => {
                        scan.objects += 1;
                        if scan.objects > MAX_PDF_OBJECTS {
                            return Err(CleanError::Limit("pdf objects"));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(scan)
}

/// The index just past the literal string that opens at `open` (or the end of the input).
fn skip_literal_string(b: &[u8], open: usize) -> usize {
    let mut parens = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'(' => parens += 1,
            b')' => {
                parens -= 1;
                if parens == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Removes everything listed in the module documentation (before pruning).
fn strip(doc: &mut Document) -> Result<(), CleanError> {
    let root = doc
        .trailer
        .get(b"Root")
        .cloned()
        .map_err(|_| CleanError::Malformed("pdf without catalog"))?;
    let Object::Reference(root_id) = root else {
        return Err(CleanError::Malformed("pdf catalog is not indirect"));
    };
    let mut removed = removed_objects(doc);
    if let Ok(Object::Reference(info)) = doc.trailer.get(b"Info") {
        removed.insert(*info);
    }
    removed.remove(&root_id);
    // The trailer is rebuilt by allow-list; the writer adds /Size.
    doc.trailer = Dictionary::new();
    doc.trailer.set("Root", Object::Reference(root_id));

    for id in &removed {
        doc.objects.remove(id);
    }
    for object in doc.objects.values_mut() {
        sanitize(object, &removed);
    }

    let catalog = doc
        .get_object_mut(root_id)
        .and_then(Object::as_dict_mut)
        .map_err(|_| CleanError::Malformed("pdf catalog is not a dictionary"))?;
    for key in REMOVED_CATALOG_KEYS {
        catalog.remove(key);
    }
    if catalog
        .get(b"OpenAction")
        .is_ok_and(|open| !is_safe_action(open))
    {
        catalog.remove(b"OpenAction");
    }
    let names = catalog.get(b"Names").ok().cloned();
    let acro_form = catalog.get(b"AcroForm").ok().cloned();
    if let Some(names) = names {
        keep_name_trees(doc, root_id, names);
    }
    if let Some(form) = acro_form {
        with_dict(doc, root_id, b"AcroForm", form, |d| {
            d.remove(b"XFA");
        });
    }
    Ok(())
}

/// Applies `f` to the dictionary under `key` of the object `owner`, direct or referenced.
fn with_dict(
    doc: &mut Document,
    owner: ObjectId,
    key: &[u8],
    value: Object,
    f: impl FnOnce(&mut Dictionary),
) {
    match value {
        Object::Reference(id) => {
            if let Ok(d) = doc.get_object_mut(id).and_then(Object::as_dict_mut) {
                f(d);
            }
        }
        Object::Dictionary(_) => {
            if let Ok(d) = doc
                .get_object_mut(owner)
                .and_then(Object::as_dict_mut)
                .and_then(|c| c.get_mut(key))
                .and_then(Object::as_dict_mut)
            {
                f(d);
            }
        }
        _ => {}
    }
}

/// Keeps only the [`KEPT_NAME_TREES`] in the catalog's `/Names`.
fn keep_name_trees(doc: &mut Document, root: ObjectId, names: Object) {
    with_dict(doc, root, b"Names", names, |d| {
        let drop: Vec<Vec<u8>> = d
            .iter()
            .map(|(k, _)| k.clone())
            .filter(|k| !KEPT_NAME_TREES.contains(&k.as_slice()))
            .collect();
        for k in drop {
            d.remove(&k);
        }
    });
}

/// The name under `key`, if any.
fn name_of<'a>(d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    d.get(key).ok().and_then(|o| o.as_name().ok())
}

/// An action dictionary: its `/S` names an action type.
fn action_type(d: &Dictionary) -> Option<&[u8]> {
    name_of(d, b"S").filter(|s| ACTION_TYPES.contains(s))
}

/// Whether an action value may stay: a destination (array, name or string), a reference
/// (an unsafe referenced action is removed whole, and the reference with it), or an action of
/// one of the [`SAFE_ACTIONS`] types.
fn is_safe_action(o: &Object) -> bool {
    match o {
        Object::Dictionary(d) => action_type(d).is_some_and(|s| SAFE_ACTIONS.contains(&s)),
        Object::Array(_) | Object::Reference(_) | Object::Name(_) | Object::String(..) => true,
        _ => false,
    }
}

/// An annotation dictionary whose subtype carries files, media or scripts.
fn is_carrier_annotation(d: &Dictionary) -> bool {
    d.has(b"Rect") && name_of(d, b"Subtype").is_some_and(|s| CARRIER_ANNOTATIONS.contains(&s))
}

/// Indirect objects removed whole: typed metadata, embedded files, signatures, threads,
/// unsafe actions and carrier annotations.
fn removed_objects(doc: &Document) -> BTreeSet<ObjectId> {
    let mut removed = BTreeSet::new();
    for (id, object) in &doc.objects {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        let typed = name_of(dict, b"Type").is_some_and(|t| REMOVED_TYPES.contains(&t));
        let xml_metadata = matches!(object, Object::Stream(_))
            && name_of(dict, b"Subtype") == Some(b"XML".as_slice())
            && name_of(dict, b"Type").is_none_or(|t| t == b"Metadata");
        let unsafe_action = action_type(dict).is_some_and(|s| !SAFE_ACTIONS.contains(&s));
        if typed || xml_metadata || unsafe_action || is_carrier_annotation(dict) {
            removed.insert(*id);
        }
    }
    removed
}

/// Writes every reference to an object the file does not have as `null`, which is how a reader
/// takes it (ISO 32000-1, 7.3.10): renumbering would otherwise point it at another object.
fn null_dangling(doc: &mut Document) {
    let present: BTreeSet<ObjectId> = doc.objects.keys().copied().collect();
    for object in doc.objects.values_mut() {
        null_references(object, &present);
    }
    for (_, value) in doc.trailer.iter_mut() {
        null_references(value, &present);
    }
}

fn null_references(object: &mut Object, present: &BTreeSet<ObjectId>) {
    match object {
        Object::Reference(id) if !present.contains(id) => *object = Object::Null,
        Object::Array(items) => items.iter_mut().for_each(|o| null_references(o, present)),
        Object::Dictionary(d) => d.iter_mut().for_each(|(_, o)| null_references(o, present)),
        Object::Stream(s) => s
            .dict
            .iter_mut()
            .for_each(|(_, o)| null_references(o, present)),
        _ => {}
    }
}

/// Cleans one object in place, without following references: drops [`REMOVED_KEYS`], unsafe
/// direct actions and carrier annotations, annotation authors and dates, signature values, and
/// every reference to a removed object.
fn sanitize(object: &mut Object, removed: &BTreeSet<ObjectId>) {
    match object {
        Object::Dictionary(d) => sanitize_dict(d, removed),
        Object::Stream(s) => sanitize_dict(&mut s.dict, removed),
        Object::Array(items) => sanitize_array(items, removed),
        _ => {}
    }
}

fn sanitize_array(items: &mut Vec<Object>, removed: &BTreeSet<ObjectId>) {
    items.retain(|item| match item {
        Object::Reference(id) => !removed.contains(id),
        Object::Dictionary(d) => {
            !is_carrier_annotation(d) && action_type(d).is_none_or(|s| SAFE_ACTIONS.contains(&s))
        }
        _ => true,
    });
    for item in items.iter_mut() {
        sanitize(item, removed);
    }
}

fn sanitize_dict(d: &mut Dictionary, removed: &BTreeSet<ObjectId>) {
    for key in REMOVED_KEYS {
        d.remove(key);
    }
    let is_page = name_of(d, b"Type") == Some(b"Page".as_slice());
    if is_page {
        d.remove(b"B");
        d.remove(b"Thumb");
    }
    let is_annotation = d.has(b"Rect") && d.has(b"Subtype");
    if is_annotation {
        d.remove(b"M");
        d.remove(b"CreationDate");
        let is_field = d.has(b"FT") || name_of(d, b"Subtype") == Some(b"Widget".as_slice());
        if !is_field {
            d.remove(b"T");
        }
    }
    if name_of(d, b"FT") == Some(b"Sig".as_slice()) {
        d.remove(b"V");
        d.remove(b"Lock");
        d.remove(b"SV");
    }
    if action_type(d) == Some(b"Launch".as_slice()) {
        for key in [b"F".as_slice(), b"Win", b"Mac", b"Unix"] {
            d.remove(key);
        }
    }
    for key in [b"A".as_slice(), b"Next"] {
        if d.get(key).is_ok_and(|action| !is_safe_action(action)) {
            d.remove(key);
        }
    }
    let dangling: Vec<Vec<u8>> = d
        .iter()
        .filter(|(_, v)| matches!(v, Object::Reference(id) if removed.contains(id)))
        .map(|(k, _)| k.clone())
        .collect();
    for key in dangling {
        d.remove(&key);
    }
    for (_, value) in d.iter_mut() {
        sanitize(value, removed);
    }
}

/// JPEG images go through the JPEG cleaner (EXIF, GPS, camera serials, thumbnails).
fn clean_images(doc: &mut Document, limits: &CleanLimits) -> Result<(), CleanError> {
    for object in doc.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        let filters = match stream.dict.get(b"Filter") {
            Ok(Object::Name(n)) => vec![n.as_slice()],
            Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_name().ok()).collect(),
            _ => continue,
        };
        if !filters.contains(&b"DCTDecode".as_slice()) {
            continue;
        }
        if filters.len() != 1 {
            // A JPEG wrapped in another filter: not decoded here, so not cleaned; refused.
            return Err(CleanError::Unsupported);
        }
        let cleaned = super::clean(AttachmentKind::Jpeg, &stream.content, limits)?;
        stream.set_content(cleaned);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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
}
