//! Attachment policy: sniff the type from the bytes, give a generic name, decide what is kept.

pub use super::types::{AttachmentContent, AttachmentKind, WithheldReason};

/// Tells an attachment's type from its bytes.
///
/// Magic numbers and structure decide. `declared_mime` (`type/subtype`, any case) is used only
/// where bytes cannot tell: text versus CSV, and OpenPGP / S/MIME / Autocrypt parts whose bytes
/// look like text or unknown data. A declared type never turns bytes into a kind that is kept
/// or cleaned.
pub fn sniff(bytes: &[u8], declared_mime: Option<&str>) -> AttachmentKind {
    let declared = declared_mime
        .map(|d| {
            d.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let kind = sniff_magic(bytes);
    match kind {
        AttachmentKind::Text | AttachmentKind::Html | AttachmentKind::Other => {}
        _ => return kind,
    }
    // Bytes are ambiguous (text, HTML such as the Autocrypt setup message, or unknown data): a
    // declared security type may name them. Those kinds are dropped or withheld, never kept.
    match declared.as_str() {
        "application/pgp-signature" => return AttachmentKind::PgpSignature,
        "application/pgp-keys" | "application/autocrypt-setup" => return AttachmentKind::PgpKey,
        "application/pgp-encrypted" => return AttachmentKind::PgpEncrypted,
        "application/pkcs7-signature"
        | "application/x-pkcs7-signature"
        | "application/pkcs7-mime"
        | "application/x-pkcs7-mime" => return AttachmentKind::Pkcs7,
        _ => {}
    }
    if kind == AttachmentKind::Text
        && (matches!(
            declared.as_str(),
            "text/csv" | "text/comma-separated-values" | "application/csv"
        ) || looks_like_csv(bytes))
    {
        return AttachmentKind::Csv;
    }
    kind
}

/// The kind told by the bytes alone (`Text` or `Other` when nothing more specific matches).
fn sniff_magic(b: &[u8]) -> AttachmentKind {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return AttachmentKind::Jpeg;
    }
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return AttachmentKind::Png;
    }
    if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        return AttachmentKind::Gif;
    }
    if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        return AttachmentKind::Webp;
    }
    if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        return AttachmentKind::Tiff;
    }
    if let Some(kind) = sniff_ftyp(b) {
        return kind;
    }
    if b.starts_with(b"%PDF-") {
        return AttachmentKind::Pdf;
    }
    if b.starts_with(b"PK\x03\x04") {
        return sniff_zip(b);
    }
    if b.starts_with(&[0x78, 0x9F, 0x3E, 0x22]) {
        return AttachmentKind::Tnef;
    }
    if let Some(kind) = sniff_der(b) {
        return kind;
    }
    if let Some(kind) = sniff_openpgp_binary(b) {
        return kind;
    }
    // Text-like formats.
    let head = &b[..b.len().min(1024)];
    if memchr::memmem::find(head, b"%PDF-").is_some() {
        return AttachmentKind::Pdf;
    }
    let start = skip_bom_and_space(b);
    let lead = &b[start..b.len().min(start + 64)];
    let lead_upper: Vec<u8> = lead.to_ascii_uppercase();
    if lead_upper.starts_with(b"BEGIN:VCARD") {
        return AttachmentKind::VCard;
    }
    if lead_upper.starts_with(b"BEGIN:VCALENDAR") {
        return AttachmentKind::Calendar;
    }
    if let Some(kind) = sniff_armour(&b[start..b.len().min(start + 4096)]) {
        return kind;
    }
    if lead.starts_with(b"{\\rtf") {
        return AttachmentKind::Rtf;
    }
    if super::headerblock::looks_like_message(b) {
        return AttachmentKind::Message;
    }
    if !is_text(b) {
        return AttachmentKind::Other;
    }
    let head_lower: Vec<u8> = head.to_ascii_lowercase();
    if memchr::memmem::find(&head_lower, b"<!doctype html").is_some()
        || memchr::memmem::find(&head_lower, b"<html").is_some()
    {
        return AttachmentKind::Html;
    }
    AttachmentKind::Text
}

fn skip_bom_and_space(b: &[u8]) -> usize {
    let mut i = if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// ISO base media file type box: HEIC/HEIF brands.
fn sniff_ftyp(b: &[u8]) -> Option<AttachmentKind> {
    if b.len() < 16 || &b[4..8] != b"ftyp" {
        return None;
    }
    let size = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let end = size.clamp(16, b.len().min(256));
    let major = &b[8..12];
    let compatible: Vec<&[u8]> = b[16..end].chunks_exact(4).collect();
    let brands = || std::iter::once(major).chain(compatible.iter().copied());
    if brands().any(|x| x == b"avif" || x == b"avis") {
        return None;
    }
    const HEIF: [&[u8]; 8] = [
        b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
    ];
    brands()
        .any(|x| HEIF.contains(&x))
        .then_some(AttachmentKind::Heic)
}

/// Tells Office Open XML and OpenDocument files from other zip archives by their member names,
/// read from the central directory (or, failing that, the local headers). No decompression.
fn sniff_zip(b: &[u8]) -> AttachmentKind {
    let names = zip_member_names(b);
    let has = |n: &[u8]| names.iter().any(|m| m.as_slice() == n);
    if has(b"[Content_Types].xml") {
        if has(b"word/document.xml") {
            return AttachmentKind::Docx;
        }
        if has(b"xl/workbook.xml") {
            return AttachmentKind::Xlsx;
        }
        if has(b"ppt/presentation.xml") {
            return AttachmentKind::Pptx;
        }
    }
    // OpenDocument: a first member "mimetype", stored, holding the type.
    if b.len() > 38 && &b[30..38] == b"mimetype" {
        let method = u16::from_le_bytes([b[8], b[9]]);
        let size = u32::from_le_bytes([b[18], b[19], b[20], b[21]]) as usize;
        let name_len = u16::from_le_bytes([b[26], b[27]]) as usize;
        let extra_len = u16::from_le_bytes([b[28], b[29]]) as usize;
        let data = 30 + name_len + extra_len;
        if method == 0 && name_len == 8 && size <= 128 {
            match b.get(data..data + size) {
                Some(b"application/vnd.oasis.opendocument.text") => return AttachmentKind::Odt,
                Some(b"application/vnd.oasis.opendocument.spreadsheet") => {
                    return AttachmentKind::Ods;
                }
                Some(b"application/vnd.oasis.opendocument.presentation") => {
                    return AttachmentKind::Odp;
                }
                _ => {}
            }
        }
    }
    AttachmentKind::Zip
}

/// Member names of a zip archive, at most a few thousand.
fn zip_member_names(b: &[u8]) -> Vec<Vec<u8>> {
    const MAX_ENTRIES: usize = 4096;
    let le16 = |i: usize| {
        b.get(i..i + 2)
            .map(|s| u16::from_le_bytes([s[0], s[1]]) as usize)
    };
    let le32 = |i: usize| {
        b.get(i..i + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
    };
    let mut names = Vec::new();
    // End of central directory: within the last 64 KiB + 22 bytes.
    let tail_start = b.len().saturating_sub(65_557);
    if let Some(eocd) =
        memchr::memmem::rfind(&b[tail_start..], b"PK\x05\x06").map(|i| tail_start + i)
        && let (Some(count), Some(cd_offset)) = (le16(eocd + 10), le32(eocd + 16))
    {
        let mut p = cd_offset;
        for _ in 0..count.min(MAX_ENTRIES) {
            if b.get(p..p + 4) != Some(b"PK\x01\x02") {
                break;
            }
            let (Some(n), Some(e), Some(c)) = (le16(p + 28), le16(p + 30), le16(p + 32)) else {
                break;
            };
            let Some(name) = b.get(p + 46..p + 46 + n) else {
                break;
            };
            names.push(name.to_vec());
            p += 46 + n + e + c;
        }
        if !names.is_empty() {
            return names;
        }
    }
    // Fall back to walking the local headers while sizes are known.
    let mut p = 0;
    while names.len() < MAX_ENTRIES && b.get(p..p + 4) == Some(b"PK\x03\x04") {
        let (Some(flags), Some(csize), Some(n), Some(e)) =
            (le16(p + 6), le32(p + 18), le16(p + 26), le16(p + 28))
        else {
            break;
        };
        let Some(name) = b.get(p + 30..p + 30 + n) else {
            break;
        };
        names.push(name.to_vec());
        if flags & 0x08 != 0 {
            break; // sizes follow the data: cannot skip without decompressing
        }
        p += 30 + n + e + csize;
    }
    names
}

/// DER-encoded CMS (PKCS #7) and X.509 certificates.
fn sniff_der(b: &[u8]) -> Option<AttachmentKind> {
    if b.first() != Some(&0x30) {
        return None;
    }
    // Skip the outer SEQUENCE header (definite or indefinite length).
    let inner = der_content_start(b, 0)?;
    const PKCS7_OID: &[u8] = &[0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07];
    if b[inner..].starts_with(PKCS7_OID) {
        return Some(AttachmentKind::Pkcs7);
    }
    // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] EXPLICIT version INTEGER ... } }
    if b.get(inner) == Some(&0x30) {
        let tbs = der_content_start(b, inner)?;
        if b.get(tbs..tbs + 5)
            .is_some_and(|v| v[..4] == [0xA0, 0x03, 0x02, 0x01] && v[4] <= 2)
        {
            return Some(AttachmentKind::Certificate);
        }
    }
    None
}

/// Offset of the content of the DER/BER value whose tag is at `at`.
fn der_content_start(b: &[u8], at: usize) -> Option<usize> {
    let len = *b.get(at + 1)?;
    let start = match len {
        0x00..=0x80 => at + 2,
        0x81..=0x84 => at + 2 + (len as usize - 0x80),
        _ => return None,
    };
    (start < b.len()).then_some(start)
}

/// Binary OpenPGP: a packet header whose tag and first body byte (a version) are consistent.
fn sniff_openpgp_binary(b: &[u8]) -> Option<AttachmentKind> {
    let first = *b.first()?;
    if first & 0x80 == 0 {
        return None;
    }
    let (tag, body) = if first & 0x40 != 0 {
        // New format: tag in the low six bits; one-, two- or five-octet length.
        let l0 = *b.get(1)?;
        let hdr = match l0 {
            0..=191 => 2,
            192..=223 => 3,
            255 => 6,
            _ => return None,
        };
        (first & 0x3F, hdr)
    } else {
        let hdr = match first & 0x03 {
            0 => 2,
            1 => 3,
            2 => 5,
            _ => return None,
        };
        ((first >> 2) & 0x0F, hdr)
    };
    let version = *b.get(body)?;
    match (tag, version) {
        (1, 3 | 6) | (3, 4..=6) | (18, 1 | 2) => Some(AttachmentKind::PgpEncrypted),
        (2, 3..=6) => Some(AttachmentKind::PgpSignature),
        (5 | 6, 3..=6) => Some(AttachmentKind::PgpKey),
        _ => None,
    }
}

/// ASCII-armoured OpenPGP blocks and PEM objects at the start of the data.
fn sniff_armour(b: &[u8]) -> Option<AttachmentKind> {
    const ARMOURS: [(&[u8], AttachmentKind); 9] = [
        (
            b"-----BEGIN PGP PUBLIC KEY BLOCK-----",
            AttachmentKind::PgpKey,
        ),
        (
            b"-----BEGIN PGP PRIVATE KEY BLOCK-----",
            AttachmentKind::PgpKey,
        ),
        (
            b"-----BEGIN PGP SIGNATURE-----",
            AttachmentKind::PgpSignature,
        ),
        (b"-----BEGIN PGP MESSAGE-----", AttachmentKind::PgpEncrypted),
        (b"-----BEGIN CERTIFICATE-----", AttachmentKind::Certificate),
        (
            b"-----BEGIN X509 CERTIFICATE-----",
            AttachmentKind::Certificate,
        ),
        (
            b"-----BEGIN TRUSTED CERTIFICATE-----",
            AttachmentKind::Certificate,
        ),
        (b"-----BEGIN PKCS7-----", AttachmentKind::Pkcs7),
        (b"-----BEGIN CMS-----", AttachmentKind::Pkcs7),
    ];
    ARMOURS
        .iter()
        .find(|(marker, _)| b.starts_with(marker))
        .map(|(_, kind)| *kind)
}

/// Text: no NUL, and valid UTF-8 or almost only printable bytes.
fn is_text(b: &[u8]) -> bool {
    if b.contains(&0) {
        return false;
    }
    let printable = |c: u8| matches!(c, b'\t' | b'\n' | b'\r' | 0x0c | 0x20..=0x7E | 0x80..=0xFF);
    let controls = b.iter().filter(|&&c| !printable(c)).count();
    let few_controls = controls * 100 <= b.len();
    if std::str::from_utf8(b).is_ok() {
        return few_controls;
    }
    // Legacy 8-bit text: only printable bytes, few of them high.
    let high = b.iter().filter(|&&c| c >= 0x80).count();
    controls == 0 && high * 10 <= b.len()
}

/// A consistent delimiter structure: at least two lines, each with the same number (≥ 1) of
/// the same delimiter outside quotes.
fn looks_like_csv(b: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&b[..b.len().min(16 * 1024)]);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    // The last sampled line may be cut short.
    let lines = if b.len() > 16 * 1024 && lines.len() > 2 {
        &lines[..lines.len() - 1]
    } else {
        &lines[..]
    };
    if lines.len() < 2 {
        return false;
    }
    [',', ';', '\t'].iter().any(|&d| {
        let count = |l: &str| {
            let mut in_quotes = false;
            l.chars()
                .filter(|&c| {
                    if c == '"' {
                        in_quotes = !in_quotes;
                    }
                    c == d && !in_quotes
                })
                .count()
        };
        let n = count(lines[0]);
        n >= 1 && lines.iter().all(|l| count(l) == n)
    })
}

/// What happens to an attachment of this kind. `None`: dropped without a trace (signatures,
/// keys, certificates, and the `Version: 1` part of PGP/MIME, which carry no content).
/// Bytes given owned are kept without a copy.
pub fn policy<'a>(
    kind: AttachmentKind,
    bytes: impl Into<std::borrow::Cow<'a, [u8]>>,
) -> Option<AttachmentContent> {
    use AttachmentKind as K;
    let bytes = bytes.into();
    match kind {
        K::Text | K::Csv => Some(AttachmentContent::Kept(bytes.into_owned())),
        K::PgpKey | K::PgpSignature | K::Certificate => None,
        K::Pkcs7 if is_cms_enveloped(&bytes) => {
            Some(AttachmentContent::Withheld(WithheldReason::Encrypted))
        }
        K::Pkcs7 => None,
        K::PgpEncrypted if is_pgp_mime_version(&bytes) => None,
        K::PgpEncrypted => Some(AttachmentContent::Withheld(WithheldReason::Encrypted)),
        K::VCard | K::Calendar | K::Tnef => {
            Some(AttachmentContent::Withheld(WithheldReason::CarriesIdentity))
        }
        K::Jpeg
        | K::Png
        | K::Gif
        | K::Webp
        | K::Pdf
        | K::Docx
        | K::Xlsx
        | K::Pptx
        | K::Odt
        | K::Ods
        | K::Odp
        | K::Rtf => Some(AttachmentContent::NeedsCleaning(bytes.into_owned())),
        K::Tiff | K::Heic => Some(AttachmentContent::Withheld(WithheldReason::NotCleaned)),
        K::Zip | K::Html | K::Message | K::Other => {
            Some(AttachmentContent::Withheld(WithheldReason::Unsupported))
        }
    }
}

/// The control part of PGP/MIME encryption (`application/pgp-encrypted`, `Version: 1`).
fn is_pgp_mime_version(bytes: &[u8]) -> bool {
    bytes.len() < 64
        && String::from_utf8_lossy(bytes)
            .trim()
            .to_ascii_lowercase()
            .starts_with("version:")
}

/// CMS enveloped or authenticated-enveloped data (an S/MIME encrypted message), DER or PEM.
fn is_cms_enveloped(bytes: &[u8]) -> bool {
    const ENVELOPED: &[u8] = &[
        0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x03,
    ];
    const AUTH_ENVELOPED: &[u8] = &[
        0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x01, 0x17,
    ];
    let der: Vec<u8>;
    let b = if sniff_der(bytes).is_some() {
        bytes
    } else {
        // Base64 text (PEM or bare): decode the start.
        let text: Vec<u8> = bytes
            .split(|&c| c == b'\n')
            .filter(|l| !l.starts_with(b"-----"))
            .flat_map(|l| l.iter().copied().filter(|c| !c.is_ascii_whitespace()))
            .take(64)
            .collect();
        der = mail_parser::decoders::base64::base64_decode(&text[..text.len() / 4 * 4])
            .unwrap_or_default();
        &der
    };
    let head = &b[..b.len().min(32)];
    memchr::memmem::find(head, ENVELOPED).is_some()
        || memchr::memmem::find(head, AUTH_ENVELOPED).is_some()
}

#[cfg(test)]
mod tests;
