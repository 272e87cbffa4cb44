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
mod tests;
