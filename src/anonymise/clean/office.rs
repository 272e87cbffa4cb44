//! Cleaners for Office Open XML (docx, xlsx, pptx) and OpenDocument (odt, ods, odp).
//!
//! Both are zip archives of XML parts. The archive is read with zip-bomb limits (member count
//! checked from the end-of-central-directory record before anything else, declared sizes
//! summed, and every member read through a bound that ignores what it declares), the parts
//! that only carry identities are dropped, the references to them are fixed so that Office and
//! LibreOffice still open the file, and the remaining XML parts are rewritten event by event
//! (quick-xml, namespace-aware): only the named elements and attributes change, every other
//! byte of every part is copied as it was. The new archive has every timestamp at 1980-01-01
//! 00:00:00, no comments, no extra fields, and the members in their original order.
//!
//! **OOXML, removed**: `docProps/core.xml`, `app.xml`, `custom.xml` and thumbnails;
//! `customXml/*`; comments and their people (`word/comments*.xml`, `word/people.xml`,
//! `xl/comments*.xml`, `xl/threadedComments/*`, `xl/persons/*`, `ppt/comments/*`,
//! `ppt/commentAuthors.xml`, `ppt/authors.xml`) and the legacy drawings that only frame
//! spreadsheet notes; printer settings (they name the printer, often the workplace's);
//! `ppt/revisionInfo.xml`, `ppt/changesInfos/*`, `xl/revisions/*` (editing sessions and their
//! users); the relationships and content-type overrides that point at any of these, and the
//! elements that point at a removed relationship (`w:commentRangeStart`/`End`,
//! `w:commentReference`, `legacyDrawing`, modern comment links…); `w:rsid*` attributes and
//! `w:rsids`, `w:docVars`, `w14:docId`/`w15:docId`, `w15:person`; revision authors become
//! `Author` and revision dates and initials go (`w:ins`, `w:del`, `w:moveFrom`, `w:moveTo`,
//! `w:*PrChange`…); `Company`, `Manager`, `Application`, `AppVersion` elements wherever they
//! appear; Excel's `x15ac:absPath` (the folder the workbook was saved in), `xr:revisionPtr` and
//! the build numbers of `fileVersion`; targets of external relationships other than web and
//! mail links (local paths such as the `Normal.dotm` template under the user's profile)
//! become `file:///`; XML comments.
//!
//! **OpenDocument, removed**: `meta.xml` (also in embedded objects), `Thumbnails/*` and their
//! manifest entries; `office:annotation` and `office:annotation-end`; `dc:creator` and
//! `dc:date` (tracked-change and annotation authors and dates); LibreOffice's
//! `officeooo:*rsid` attributes; the printer's name and setup in `settings.xml`. The
//! `mimetype` member is written first and stored, as ODF requires.
//!
//! **Both**: pictures (JPEG, PNG, GIF, WebP by their bytes) go through the image cleaners, and
//! embedded OOXML or OpenDocument files (a chart's workbook inside a document) are cleaned in
//! turn, one level deep. A member the image cleaner refuses makes the document refused.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read, Write};

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{QName, ResolveResult};
use quick_xml::reader::NsReader;
use zip::result::ZipError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::{CleanError, CleanLimits};
use crate::anonymise::AttachmentKind;
use crate::anonymise::attachments::sniff;

/// Namespaces of WordprocessingML (transitional and strict).
const NS_W: [&[u8]; 2] = [
    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    b"http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const NS_W14: &[u8] = b"http://schemas.microsoft.com/office/word/2010/wordml";
const NS_W15: &[u8] = b"http://schemas.microsoft.com/office/word/2012/wordml";
/// Namespaces of relationship references inside parts (transitional and strict).
const NS_R: [&[u8]; 2] = [
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    b"http://purl.oclc.org/ooxml/officeDocument/relationships",
];
const NS_X15AC: &[u8] = b"http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac";
const NS_XR: &[u8] = b"http://schemas.microsoft.com/office/spreadsheetml/2014/revision";
const NS_OFFICE: &[u8] = b"urn:oasis:names:tc:opendocument:xmlns:office:1.0";
const NS_CONFIG: &[u8] = b"urn:oasis:names:tc:opendocument:xmlns:config:1.0";
const NS_MANIFEST: &[u8] = b"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0";
const NS_DC: &[u8] = b"http://purl.org/dc/elements/1.1/";
const NS_OFFICEOOO: &[u8] = b"http://openoffice.org/2009/office";
const NS_TEXT: &[u8] = b"urn:oasis:names:tc:opendocument:xmlns:text:1.0";

/// Element names removed wherever they appear, in any namespace (application properties).
const APP_PROPERTY_ELEMENTS: [&[u8]; 5] = [
    b"Company",
    b"Manager",
    b"Application",
    b"AppVersion",
    b"HyperlinkBase",
];

/// URL schemes an external relationship may keep as its target.
const KEPT_SCHEMES: [&str; 5] = ["http:", "https:", "mailto:", "tel:", "ftp:"];

/// Most levels of documents embedded in documents that are cleaned (a chart's workbook).
const MAX_EMBEDDING_DEPTH: usize = 1;

/// One member of the archive.
struct Member {
    name: String,
    is_dir: bool,
    data: Vec<u8>,
}

/// Cleans a docx/xlsx/pptx.
pub(super) fn clean_ooxml(bytes: &[u8], limits: &CleanLimits) -> Result<Vec<u8>, CleanError> {
    clean_ooxml_at(bytes, limits, 0).map(|(out, _)| out)
}

/// Cleans an odt/ods/odp.
pub(super) fn clean_odf(bytes: &[u8], limits: &CleanLimits) -> Result<Vec<u8>, CleanError> {
    clean_odf_at(bytes, limits, 0).map(|(out, _)| out)
}

/// Cleans an OOXML package found `depth` documents deep; also returns the bytes expanded.
fn clean_ooxml_at(
    bytes: &[u8],
    limits: &CleanLimits,
    depth: usize,
) -> Result<(Vec<u8>, u64), CleanError> {
    let (members, used) = read_zip(bytes, limits)?;
    if !members.iter().any(|m| m.name == "[Content_Types].xml") {
        return Err(CleanError::Malformed("ooxml without content types"));
    }
    let mut removed: HashSet<String> = HashSet::new();
    for m in &members {
        let lc = m.name.to_ascii_lowercase();
        if is_removed_ooxml_part(&lc) || is_notes_only_vml(&lc, &m.data) {
            removed.insert(lc);
        }
    }
    // The relationships of a removed part go with it.
    for m in &members {
        let lc = m.name.to_ascii_lowercase();
        if let Some(source) = rels_source(&lc)
            && removed.contains(&source)
        {
            removed.insert(lc);
        }
    }

    // Relationships first: what they drop tells which references to remove from their part.
    let mut dropped_ids: HashMap<String, HashSet<String>> = HashMap::new();
    let mut out: Vec<Member> = Vec::with_capacity(members.len());
    for m in &members {
        let lc = m.name.to_ascii_lowercase();
        if removed.contains(&lc) {
            continue;
        }
        if let Some(source) = rels_source(&lc) {
            let base = match source.rfind('/') {
                Some(i) => source[..=i].to_owned(),
                None => String::new(),
            };
            let mut rules = RelsRules {
                base,
                removed: &removed,
                dropped: HashSet::new(),
            };
            let data = rewrite_xml(&m.data, &mut rules)?;
            dropped_ids.insert(source, rules.dropped);
            out.push(Member {
                name: m.name.clone(),
                is_dir: m.is_dir,
                data,
            });
        } else {
            out.push(Member {
                name: m.name.clone(),
                is_dir: m.is_dir,
                data: Vec::new(),
            });
        }
    }
    let empty = HashSet::new();
    let mut budget = limits.max_expanded_bytes - used;
    for (m, o) in members
        .iter()
        .filter(|m| !removed.contains(&m.name.to_ascii_lowercase()))
        .zip(out.iter_mut())
    {
        let lc = m.name.to_ascii_lowercase();
        if m.is_dir || rels_source(&lc).is_some() {
            continue;
        }
        o.data = if lc == "[content_types].xml" {
            rewrite_xml(&m.data, &mut ContentTypesRules { removed: &removed })?
        } else if lc.ends_with(".xml") {
            let mut rules = OoxmlRules {
                dropped_ids: dropped_ids.get(&lc).unwrap_or(&empty),
            };
            rewrite_xml(&m.data, &mut rules)?
        } else {
            clean_embedded(&m.data, limits, depth, &mut budget)?
        };
    }
    let inner = limits.max_expanded_bytes - used - budget;
    Ok((write_zip(&out, None)?, used + inner))
}

/// Cleans an OpenDocument package found `depth` documents deep; also returns the bytes
/// expanded.
fn clean_odf_at(
    bytes: &[u8],
    limits: &CleanLimits,
    depth: usize,
) -> Result<(Vec<u8>, u64), CleanError> {
    let (members, used) = read_zip(bytes, limits)?;
    if !members.iter().any(|m| m.name == "mimetype") {
        return Err(CleanError::Malformed("odf without mimetype"));
    }
    let removed: HashSet<String> = members
        .iter()
        .map(|m| m.name.clone())
        .filter(|n| is_removed_odf_part(n))
        .collect();
    let mut budget = limits.max_expanded_bytes - used;
    let mut out = Vec::with_capacity(members.len());
    for m in members {
        if removed.contains(&m.name) {
            continue;
        }
        let data = if m.is_dir || m.name == "mimetype" {
            m.data
        } else if m.name == "META-INF/manifest.xml" {
            rewrite_xml(&m.data, &mut ManifestRules { removed: &removed })?
        } else if m.name.ends_with(".xml") {
            rewrite_xml(&m.data, &mut OdfRules)?
        } else {
            clean_embedded(&m.data, limits, depth, &mut budget)?
        };
        out.push(Member { data, ..m });
    }
    let inner = limits.max_expanded_bytes - used - budget;
    Ok((write_zip(&out, Some("mimetype"))?, used + inner))
}

/// Pictures go through the image cleaners and embedded documents through these cleaners;
/// other members are kept as they are. `budget` is what the whole document may still expand
/// to; embedded documents spend it.
fn clean_embedded(
    data: &[u8],
    limits: &CleanLimits,
    depth: usize,
    budget: &mut u64,
) -> Result<Vec<u8>, CleanError> {
    use AttachmentKind as K;
    let kind = sniff(data, None);
    match kind {
        K::Jpeg | K::Png | K::Gif | K::Webp | K::Rtf => super::clean(kind, data, limits),
        K::Docx | K::Xlsx | K::Pptx | K::Odt | K::Ods | K::Odp => {
            if depth >= MAX_EMBEDDING_DEPTH {
                return Err(CleanError::Limit("documents nested in documents"));
            }
            // Embedded documents share the outer document's expansion budget.
            let inner = CleanLimits {
                max_expanded_bytes: *budget,
                ..limits.clone()
            };
            let (cleaned, used) = if matches!(kind, K::Docx | K::Xlsx | K::Pptx) {
                clean_ooxml_at(data, &inner, depth + 1)?
            } else {
                clean_odf_at(data, &inner, depth + 1)?
            };
            *budget = budget.saturating_sub(used);
            Ok(cleaned)
        }
        _ => Ok(data.to_vec()),
    }
}

/// Parts of an OOXML package that carry identities (names in lower case).
fn is_removed_ooxml_part(lc: &str) -> bool {
    const EXACT: [&str; 8] = [
        "docprops/core.xml",
        "docprops/app.xml",
        "docprops/custom.xml",
        "word/people.xml",
        "ppt/commentauthors.xml",
        "ppt/authors.xml",
        "ppt/revisioninfo.xml",
        "xl/revisions/usernames.xml",
    ];
    const PREFIXES: [&str; 8] = [
        "docprops/thumbnail",
        "customxml/",
        "xl/threadedcomments/",
        "xl/persons/",
        "ppt/comments/",
        "ppt/changesinfos/",
        "xl/revisions/",
        "word/comments",
    ];
    EXACT.contains(&lc)
        || PREFIXES.iter().any(|p| lc.starts_with(p))
        || (lc.starts_with("xl/comments") && lc.ends_with(".xml"))
        || lc.contains("/printersettings/")
}

/// A spreadsheet's legacy VML drawing that holds nothing but comment (note) frames.
fn is_notes_only_vml(lc: &str, data: &[u8]) -> bool {
    if !lc.ends_with(".vml") {
        return false;
    }
    let count = |needle: &[u8]| memchr::memmem::find_iter(data, needle).count();
    let all = count(b"ObjectType=\"") + count(b"ObjectType='");
    let notes = count(b"ObjectType=\"Note\"") + count(b"ObjectType='Note'");
    all > 0 && all == notes
}

/// Parts of an OpenDocument package that carry identities.
fn is_removed_odf_part(name: &str) -> bool {
    name == "meta.xml" || name.ends_with("/meta.xml") || name.starts_with("Thumbnails/")
}

/// The part a relationships part describes (`word/_rels/document.xml.rels` →
/// `word/document.xml`; `_rels/.rels` → the package, ``).
fn rels_source(lc: &str) -> Option<String> {
    let stem = lc.strip_suffix(".rels")?;
    let (dir, file) = match stem.rfind("_rels/") {
        Some(i) if i == 0 || stem.as_bytes()[i - 1] == b'/' => (&stem[..i], &stem[i + 6..]),
        _ => return None,
    };
    if file.contains('/') {
        return None;
    }
    if file == "." {
        // `_rels/.rels`: the package itself.
        return Some(dir.to_owned());
    }
    Some(format!("{dir}{file}"))
}

/// Decodes `%XX` escapes of a part name (lossy on invalid UTF-8).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = b.get(i + 1..i + 3)
            && let Ok(h) = std::str::from_utf8(h)
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Resolves an internal relationship target against the source part's folder, to a part
/// name in lower case without a leading slash.
fn resolve_target(base: &str, target: &str) -> String {
    let target = percent_decode(target)
        .to_ascii_lowercase()
        .replace('\\', "/");
    let joined = match target.strip_prefix('/') {
        Some(abs) => abs.to_owned(),
        None => format!("{base}{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Whether an external target may stay: a web or mail link, or an anchor.
fn is_kept_external_target(target: &str) -> bool {
    let t = target.trim_start().to_ascii_lowercase();
    t.starts_with('#') || KEPT_SCHEMES.iter().any(|s| t.starts_with(s))
}

// ---------------------------------------------------------------------------------------------
// Zip reading and writing.

/// The member count from the end-of-central-directory record (zip64 too), before the zip
/// reader builds its index.
fn declared_member_count(b: &[u8]) -> Option<u64> {
    let tail = b.len().saturating_sub(65_557);
    let eocd = tail + memchr::memmem::rfind(&b[tail..], b"PK\x05\x06")?;
    let le16 = |i: usize| b.get(i..i + 2).map(|s| u16::from_le_bytes([s[0], s[1]]));
    let count = le16(eocd + 10)?;
    if count != 0xFFFF {
        return Some(u64::from(count));
    }
    // Zip64: the locator just before the record gives the zip64 record's offset.
    let loc = eocd.checked_sub(20)?;
    if b.get(loc..loc + 4)? != b"PK\x06\x07" {
        return Some(u64::from(count));
    }
    let le64 = |i: usize| {
        b.get(i..i + 8)
            .and_then(|s| s.try_into().ok())
            .map(u64::from_le_bytes)
    };
    let rec = usize::try_from(le64(loc + 8)?).ok()?;
    if b.get(rec..rec + 4)? != b"PK\x06\x06" {
        return None;
    }
    le64(rec + 32)
}

fn zip_error(e: ZipError) -> CleanError {
    match e {
        ZipError::UnsupportedArchive(m) if m == ZipError::PASSWORD_REQUIRED => {
            CleanError::Encrypted
        }
        ZipError::InvalidPassword => CleanError::Encrypted,
        ZipError::CompressionMethodNotSupported(_) => CleanError::Unsupported,
        _ => CleanError::Malformed("zip could not be read"),
    }
}

/// Reads every member, within the limits; also returns the bytes expanded.
fn read_zip(bytes: &[u8], limits: &CleanLimits) -> Result<(Vec<Member>, u64), CleanError> {
    let max_members = limits.max_zip_members as u64;
    match declared_member_count(bytes) {
        None => return Err(CleanError::Malformed("zip without central directory")),
        Some(n) if n > max_members => return Err(CleanError::Limit("zip members")),
        Some(_) => {}
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
    if archive.len() as u64 > max_members {
        return Err(CleanError::Limit("zip members"));
    }
    if archive.is_empty() {
        return Err(CleanError::Malformed("empty zip"));
    }
    // Declared sizes first: an honest bomb is refused without inflating anything.
    let budget = limits.max_expanded_bytes;
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let f = archive.by_index_raw(i).map_err(zip_error)?;
        if f.encrypted() {
            return Err(CleanError::Encrypted);
        }
        declared = declared.saturating_add(f.size());
        if declared > budget {
            return Err(CleanError::Limit("zip expands too far"));
        }
    }
    // Then the real sizes, never trusting what was declared.
    let mut members = Vec::with_capacity(archive.len());
    let mut names = HashSet::new();
    let mut used: u64 = 0;
    for i in 0..archive.len() {
        let f = archive.by_index(i).map_err(zip_error)?;
        let name = f
            .name()
            .map_err(|_| CleanError::Malformed("zip member name"))?
            .into_owned();
        if !names.insert(name.clone()) {
            return Err(CleanError::Malformed("zip member names repeat"));
        }
        let is_dir = f.is_dir();
        let remaining = budget - used;
        let mut data = Vec::new();
        f.take(remaining.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|_| CleanError::Malformed("zip member could not be read"))?;
        if data.len() as u64 > remaining {
            return Err(CleanError::Limit("zip expands too far"));
        }
        used += data.len() as u64;
        members.push(Member { name, is_dir, data });
    }
    Ok((members, used))
}

/// Writes a fresh archive: fixed timestamps, no comments, no extra fields, members in order;
/// `stored_first` (ODF's `mimetype`) goes first and uncompressed.
fn write_zip(members: &[Member], stored_first: Option<&str>) -> Result<Vec<u8>, CleanError> {
    let write_err = |_| CleanError::Malformed("zip could not be written");
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        .large_file(false);
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let first = stored_first.and_then(|n| members.iter().find(|m| m.name == n));
    if let Some(m) = first {
        w.start_file(
            m.name.as_str(),
            options.compression_method(CompressionMethod::Stored),
        )
        .map_err(write_err)?;
        w.write_all(&m.data)
            .map_err(|_| CleanError::Malformed("zip could not be written"))?;
    }
    for m in members {
        if first.is_some_and(|f| f.name == m.name) {
            continue;
        }
        if m.is_dir {
            w.add_directory(m.name.as_str(), options.unix_permissions(0o755))
                .map_err(write_err)?;
        } else {
            w.start_file(m.name.as_str(), options).map_err(write_err)?;
            w.write_all(&m.data)
                .map_err(|_| CleanError::Malformed("zip could not be written"))?;
        }
    }
    Ok(w.finish().map_err(write_err)?.into_inner())
}

// ---------------------------------------------------------------------------------------------
// Event-based XML rewriting.

/// One attribute of an element, as the rules see it.
struct Attr {
    /// Resolved namespace, if the attribute is prefixed.
    ns: Option<Vec<u8>>,
    /// Local name.
    local: Vec<u8>,
    /// Qualified name as written.
    qname: String,
    /// Value as written (still escaped).
    value: String,
}

/// What becomes of one element.
enum Decision {
    /// Written as it was.
    Keep,
    /// Written with the (edited) attributes.
    Rewrite,
    /// Dropped with everything inside it.
    Drop,
}

/// Per-part rules for the XML rewriter.
trait XmlRules {
    /// Decides on a start or empty element; may edit `attrs` (then returns `Rewrite`).
    fn element(
        &mut self,
        ns: Option<&[u8]>,
        local: &[u8],
        attrs: &mut Vec<Attr>,
    ) -> Result<Decision, CleanError>;
}

fn ns_of(r: &ResolveResult<'_>) -> Option<Vec<u8>> {
    match r {
        ResolveResult::Bound(n) => Some(n.as_ref().as_bytes().to_vec()),
        _ => None,
    }
}

/// Rewrites one XML part through `rules`. Comments are dropped; everything else the rules do
/// not touch is written back as it was read.
fn rewrite_xml(data: &[u8], rules: &mut dyn XmlRules) -> Result<Vec<u8>, CleanError> {
    let malformed = |_| CleanError::Malformed("xml part");
    let text =
        std::str::from_utf8(data).map_err(|_| CleanError::Malformed("xml part is not utf-8"))?;
    let (bom, text) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let mut reader = NsReader::from_str(text);
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(bom.as_bytes());
    let mut writer = quick_xml::Writer::new(out);
    let mut skipping = 0usize;
    loop {
        let (resolved, event) = reader.read_resolved_event().map_err(malformed)?;
        let ns = ns_of(&resolved);
        match event {
            Event::Eof => break,
            Event::Start(_) if skipping > 0 => skipping += 1,
            Event::End(_) if skipping > 0 => skipping -= 1,
            _ if skipping > 0 => {}
            Event::Comment(_) => {}
            Event::Start(e) => match decide(&reader, &e, ns.as_deref(), rules)? {
                (Decision::Keep, _) => writer.write_event(Event::Start(e)).map_err(io)?,
                (Decision::Rewrite, attrs) => writer
                    .write_event(Event::Start(rebuild(&e, &attrs)?))
                    .map_err(io)?,
                (Decision::Drop, _) => skipping = 1,
            },
            Event::Empty(e) => match decide(&reader, &e, ns.as_deref(), rules)? {
                (Decision::Keep, _) => writer.write_event(Event::Empty(e)).map_err(io)?,
                (Decision::Rewrite, attrs) => writer
                    .write_event(Event::Empty(rebuild(&e, &attrs)?))
                    .map_err(io)?,
                (Decision::Drop, _) => {}
            },
            other => writer.write_event(other).map_err(io)?,
        }
    }
    if skipping > 0 {
        return Err(CleanError::Malformed("xml part ends inside an element"));
    }
    Ok(writer.into_inner())
}

fn io(_: std::io::Error) -> CleanError {
    CleanError::Malformed("xml part could not be written")
}

/// Resolves the element's attributes and asks the rules.
fn decide(
    reader: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
    ns: Option<&[u8]>,
    rules: &mut dyn XmlRules,
) -> Result<(Decision, Vec<Attr>), CleanError> {
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|_| CleanError::Malformed("xml attribute"))?;
        let (resolved, local) = reader.resolver().resolve_attribute(a.key);
        attrs.push(Attr {
            ns: ns_of(&resolved),
            local: local.as_ref().as_bytes().to_vec(),
            qname: a.key.as_ref().to_owned(),
            value: a.value.into_owned(),
        });
    }
    let local = e.local_name();
    let decision = rules.element(ns, local.as_ref().as_bytes(), &mut attrs)?;
    Ok((decision, attrs))
}

/// A start tag with the same name and the given attributes (values kept escaped; a double
/// quote from a single-quoted value is escaped, as values are written in double quotes).
fn rebuild(e: &BytesStart<'_>, attrs: &[Attr]) -> Result<BytesStart<'static>, CleanError> {
    let name = e.name().as_ref().to_owned();
    let mut s = BytesStart::new(name);
    for a in attrs {
        let value = if a.value.contains('"') {
            Cow::Owned(a.value.replace('"', "&quot;"))
        } else {
            Cow::Borrowed(a.value.as_str())
        };
        s.push_attribute(Attribute {
            key: QName(a.qname.as_str()),
            value,
        });
    }
    Ok(s)
}

fn is_w(ns: Option<&[u8]>) -> bool {
    ns.is_some_and(|n| NS_W.contains(&n))
}

/// Rules for the XML parts of an OOXML package (not relationships, not content types).
struct OoxmlRules<'a> {
    /// Relationship ids that this part's relationships lost.
    dropped_ids: &'a HashSet<String>,
}

impl XmlRules for OoxmlRules<'_> {
    fn element(
        &mut self,
        ns: Option<&[u8]>,
        local: &[u8],
        attrs: &mut Vec<Attr>,
    ) -> Result<Decision, CleanError> {
        // Tracked changes are accepted: deleted and moved-away text goes (it is what the
        // writer chose to remove, and often names someone); insertions stay.
        let dropped_element = (is_w(ns)
            && matches!(
                local,
                b"commentRangeStart"
                    | b"commentRangeEnd"
                    | b"commentReference"
                    | b"rsids"
                    | b"docVars"
                    | b"del"
                    | b"moveFrom"
                    | b"moveFromRangeStart"
                    | b"moveFromRangeEnd"
            ))
            || (matches!(ns, Some(n) if n == NS_W14 || n == NS_W15) && local == b"docId")
            || (ns == Some(NS_W15) && local == b"person")
            || (ns == Some(NS_X15AC) && local == b"absPath")
            || (ns == Some(NS_XR) && local == b"revisionPtr")
            || local == b"commentRel"
            || APP_PROPERTY_ELEMENTS.contains(&local);
        if dropped_element {
            return Ok(Decision::Drop);
        }
        // An element that points at a removed relationship goes (a page setup only loses the
        // pointer: it holds the page layout too).
        let points_at_dropped = |a: &Attr| {
            a.ns.as_deref().is_some_and(|n| NS_R.contains(&n))
                && self.dropped_ids.contains(&a.value)
        };
        if attrs.iter().any(points_at_dropped) {
            if local == b"pageSetup" {
                attrs.retain(|a| !points_at_dropped(a));
                return Ok(Decision::Rewrite);
            }
            return Ok(Decision::Drop);
        }
        let before = attrs.len();
        let mut changed = false;
        attrs.retain(|a| {
            let w = is_w(a.ns.as_deref());
            !(w && (a.local.starts_with(b"rsid") || a.local == b"date" || a.local == b"initials"))
        });
        for a in attrs.iter_mut() {
            if is_w(a.ns.as_deref()) && a.local == b"author" && a.value != "Author" {
                a.value = "Author".to_owned();
                changed = true;
            }
        }
        if local == b"fileVersion" {
            attrs.retain(|a| {
                !(a.ns.is_none()
                    && matches!(
                        a.local.as_slice(),
                        b"lastEdited" | b"lowestEdited" | b"rupBuild"
                    ))
            });
        }
        Ok(if changed || attrs.len() != before {
            Decision::Rewrite
        } else {
            Decision::Keep
        })
    }
}

/// Rules for `*.rels` parts: drop relationships to removed parts, neutralise local targets.
struct RelsRules<'a> {
    /// Folder of the source part, with a trailing slash (or empty for the package).
    base: String,
    removed: &'a HashSet<String>,
    /// Ids of the relationships dropped.
    dropped: HashSet<String>,
}

impl XmlRules for RelsRules<'_> {
    fn element(
        &mut self,
        _ns: Option<&[u8]>,
        local: &[u8],
        attrs: &mut Vec<Attr>,
    ) -> Result<Decision, CleanError> {
        if local != b"Relationship" {
            return Ok(Decision::Keep);
        }
        let get = |attrs: &[Attr], n: &[u8]| {
            attrs
                .iter()
                .find(|a| a.ns.is_none() && a.local == n)
                .map(|a| a.value.clone())
        };
        let external = get(attrs, b"TargetMode").is_some_and(|m| m == "External");
        let Some(target) = get(attrs, b"Target") else {
            return Ok(Decision::Keep);
        };
        if external {
            if is_kept_external_target(&target) {
                return Ok(Decision::Keep);
            }
            for a in attrs.iter_mut() {
                if a.ns.is_none() && a.local == b"Target" {
                    a.value = "file:///".to_owned();
                }
            }
            return Ok(Decision::Rewrite);
        }
        if self.removed.contains(&resolve_target(&self.base, &target)) {
            if let Some(id) = get(attrs, b"Id") {
                self.dropped.insert(id);
            }
            return Ok(Decision::Drop);
        }
        Ok(Decision::Keep)
    }
}

/// Rules for `[Content_Types].xml`: drop the overrides of removed parts.
struct ContentTypesRules<'a> {
    removed: &'a HashSet<String>,
}

impl XmlRules for ContentTypesRules<'_> {
    fn element(
        &mut self,
        _ns: Option<&[u8]>,
        local: &[u8],
        attrs: &mut Vec<Attr>,
    ) -> Result<Decision, CleanError> {
        if local == b"Override"
            && let Some(part) = attrs
                .iter()
                .find(|a| a.ns.is_none() && a.local == b"PartName")
            && self.removed.contains(&resolve_target("", &part.value))
        {
            return Ok(Decision::Drop);
        }
        Ok(Decision::Keep)
    }
}

/// Rules for the XML parts of an OpenDocument package.
struct OdfRules;

impl XmlRules for OdfRules {
    fn element(
        &mut self,
        ns: Option<&[u8]>,
        local: &[u8],
        attrs: &mut Vec<Attr>,
    ) -> Result<Decision, CleanError> {
        // Annotations (LibreOffice writes them in its own namespace in presentations), and
        // tracked changes, accepted: the changes list holds deleted text and its authors.
        if (matches!(ns, Some(n) if n == NS_OFFICE || n == NS_OFFICEOOO)
            && matches!(local, b"annotation" | b"annotation-end"))
            || (ns == Some(NS_DC) && matches!(local, b"creator" | b"date"))
            || (ns == Some(NS_TEXT)
                && matches!(
                    local,
                    b"tracked-changes" | b"change" | b"change-start" | b"change-end"
                ))
        {
            return Ok(Decision::Drop);
        }
        if ns == Some(NS_CONFIG)
            && local == b"config-item"
            && attrs.iter().any(|a| {
                a.ns.as_deref() == Some(NS_CONFIG)
                    && a.local == b"name"
                    && matches!(a.value.as_str(), "PrinterName" | "PrinterSetup")
            })
        {
            return Ok(Decision::Drop);
        }
        let before = attrs.len();
        attrs.retain(|a| {
            !(a.ns.as_deref() == Some(NS_OFFICEOOO)
                && memchr::memmem::find(&a.local, b"rsid").is_some())
        });
        Ok(if attrs.len() != before {
            Decision::Rewrite
        } else {
            Decision::Keep
        })
    }
}

/// Rules for `META-INF/manifest.xml`: drop entries of removed members; refuse encryption.
struct ManifestRules<'a> {
    removed: &'a HashSet<String>,
}

impl XmlRules for ManifestRules<'_> {
    fn element(
        &mut self,
        ns: Option<&[u8]>,
        local: &[u8],
        attrs: &mut Vec<Attr>,
    ) -> Result<Decision, CleanError> {
        if ns != Some(NS_MANIFEST) {
            return Ok(Decision::Keep);
        }
        if local == b"encryption-data" {
            return Err(CleanError::Encrypted);
        }
        if local == b"file-entry"
            && attrs.iter().any(|a| {
                a.ns.as_deref() == Some(NS_MANIFEST)
                    && a.local == b"full-path"
                    && (self.removed.contains(&a.value) || a.value == "Thumbnails/")
            })
        {
            return Ok(Decision::Drop);
        }
        Ok(Decision::Keep)
    }
}

#[cfg(test)]
mod tests;
