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
pub fn policy(kind: AttachmentKind, bytes: &[u8]) -> Option<AttachmentContent> {
    use AttachmentKind as K;
    match kind {
        K::Text | K::Csv => Some(AttachmentContent::Kept(bytes.to_vec())),
        K::PgpKey | K::PgpSignature | K::Certificate => None,
        K::Pkcs7 if is_cms_enveloped(bytes) => {
            Some(AttachmentContent::Withheld(WithheldReason::Encrypted))
        }
        K::Pkcs7 => None,
        K::PgpEncrypted if is_pgp_mime_version(bytes) => None,
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
        | K::Rtf => Some(AttachmentContent::NeedsCleaning(bytes.to_vec())),
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
mod tests {
    use super::*;
    use AttachmentKind as K;

    fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
        // A minimal stored zip with a central directory.
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in members {
            let offset = out.len() as u32;
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&(members.len() as u16).to_le_bytes());
        out.extend_from_slice(&(members.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn image_magics() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], None), K::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", None), K::Png);
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0", None), K::Gif);
        assert_eq!(sniff(b"GIF87a\x01\0\x01\0", None), K::Gif);
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 ", None), K::Webp);
        assert_eq!(sniff(b"RIFF\x24\0\0\0WAVEfmt ", None), K::Other);
        assert_eq!(sniff(b"II*\0\x08\0\0\0", None), K::Tiff);
        assert_eq!(sniff(b"MM\0*\0\0\0\x08", None), K::Tiff);
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", None), K::Heic);
        assert_eq!(sniff(b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic", None), K::Heic);
        assert_eq!(
            sniff(b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf", None),
            K::Other
        );
        assert_eq!(sniff(b"\0\0\0\x18ftypisom\0\0\0\0isomiso2", None), K::Other);
    }

    #[test]
    fn pdf_with_and_without_leading_junk() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", None), K::Pdf);
        let mut junk = vec![b'x'; 500];
        junk.extend_from_slice(b"%PDF-1.4\n\xff\xfe");
        assert_eq!(sniff(&junk, None), K::Pdf);
        let mut far = vec![b'x'; 2000];
        far.extend_from_slice(b"%PDF-1.4\n");
        assert_eq!(sniff(&far, None), K::Text);
    }

    #[test]
    fn zip_family() {
        let ct: (&str, &[u8]) = ("[Content_Types].xml", b"<Types/>");
        assert_eq!(
            sniff(&zip(&[ct, ("word/document.xml", b"<w/>")]), None),
            K::Docx
        );
        assert_eq!(
            sniff(&zip(&[ct, ("xl/workbook.xml", b"<x/>")]), None),
            K::Xlsx
        );
        assert_eq!(
            sniff(&zip(&[ct, ("ppt/presentation.xml", b"<p/>")]), None),
            K::Pptx
        );
        let odf = |t: &str| {
            zip(&[
                (
                    "mimetype",
                    format!("application/vnd.oasis.opendocument.{t}").as_bytes(),
                ),
                ("content.xml", b"<c/>"),
            ])
        };
        assert_eq!(sniff(&odf("text"), None), K::Odt);
        assert_eq!(sniff(&odf("spreadsheet"), None), K::Ods);
        assert_eq!(sniff(&odf("presentation"), None), K::Odp);
        assert_eq!(sniff(&odf("text-template"), None), K::Zip);
        assert_eq!(sniff(&zip(&[("a.txt", b"hello")]), None), K::Zip);
        // A member merely named like a marker in a plain archive is not enough.
        assert_eq!(sniff(&zip(&[("word/document.xml", b"x")]), None), K::Zip);
        // Declared types do not change a zip into a document.
        assert_eq!(
            sniff(
                &zip(&[("a.txt", b"hello")]),
                Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            ),
            K::Zip
        );
        // Truncated central directory: the local headers still tell.
        let mut z = zip(&[ct, ("word/document.xml", b"<w/>")]);
        z.truncate(z.len() - 22);
        assert_eq!(sniff(&z, None), K::Docx);
    }

    #[test]
    fn identity_formats() {
        assert_eq!(
            sniff(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:J\r\nEND:VCARD\r\n", None),
            K::VCard
        );
        assert_eq!(
            sniff(b"\xEF\xBB\xBF  begin:vcard\n", Some("text/plain")),
            K::VCard
        );
        assert_eq!(
            sniff(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", None),
            K::Calendar
        );
        assert_eq!(sniff(&[0x78, 0x9F, 0x3E, 0x22, 0x01, 0x00], None), K::Tnef);
    }

    #[test]
    fn pgp_and_smime() {
        assert_eq!(
            sniff(b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQIN\n", None),
            K::PgpKey
        );
        assert_eq!(
            sniff(b"\n-----BEGIN PGP SIGNATURE-----\n\niQIz\n", None),
            K::PgpSignature
        );
        assert_eq!(
            sniff(b"-----BEGIN PGP MESSAGE-----\n\nhQIM\n", None),
            K::PgpEncrypted
        );
        // Binary packets: old-format public key (0x99), signature (0x89), PKESK (0x85), and
        // new-format SEIPD.
        assert_eq!(sniff(&[0x99, 0x01, 0x0D, 0x04, 0x5A], None), K::PgpKey);
        assert_eq!(
            sniff(&[0x89, 0x02, 0x33, 0x04, 0x00], None),
            K::PgpSignature
        );
        assert_eq!(
            sniff(&[0x85, 0x02, 0x0C, 0x03, 0x11], None),
            K::PgpEncrypted
        );
        assert_eq!(sniff(&[0xD2, 0x40, 0x01, 0x09], None), K::PgpEncrypted);
        assert_eq!(sniff(&[0x99, 0x01, 0x0D, 0x77, 0x5A], None), K::Other);
        // Declared types name ambiguous bytes only.
        assert_eq!(
            sniff(b"iQIzBAEBCAAdFiEE", Some("application/pgp-signature")),
            K::PgpSignature
        );
        assert_eq!(
            sniff(b"Version: 1\r\n", Some("application/pgp-encrypted")),
            K::PgpEncrypted
        );
        assert_eq!(
            sniff(b"<html>x", Some("application/autocrypt-setup")),
            K::PgpKey
        );
        assert_eq!(sniff(b"<html>x", Some("image/png")), K::Html);
        assert_eq!(
            sniff(b"binary\x00stuff", Some("application/autocrypt-setup")),
            K::PgpKey
        );
        assert_eq!(
            sniff(
                b"MIAGCSqGSIb3DQEHAqCAMIACAQEx",
                Some("application/pkcs7-signature")
            ),
            K::Pkcs7
        );
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0], Some("application/pgp-signature")),
            K::Jpeg
        );
        // DER CMS and certificate; PEM.
        let cms = [
            0x30, 0x80, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02, 0xA0,
        ];
        assert_eq!(sniff(&cms, None), K::Pkcs7);
        let cert = [
            0x30, 0x82, 0x03, 0x00, 0x30, 0x82, 0x02, 0x00, 0xA0, 0x03, 0x02, 0x01, 0x02, 0x02,
        ];
        assert_eq!(sniff(&cert, None), K::Certificate);
        assert_eq!(
            sniff(b"-----BEGIN CERTIFICATE-----\nMIIB\n", None),
            K::Certificate
        );
    }

    #[test]
    fn text_html_csv() {
        assert_eq!(sniff("Bonjour, ça va ?\n".as_bytes(), None), K::Text);
        assert_eq!(sniff(b"caf\xe9 au lait, tr\xe8s bien\n", None), K::Text);
        assert_eq!(sniff(b"a\0b", Some("text/plain")), K::Other);
        assert_eq!(sniff(b"  <!DOCTYPE html><html><body>x", None), K::Html);
        assert_eq!(sniff(b"<HTML><body>x", Some("text/plain")), K::Html);
        assert_eq!(sniff(b"a,b,c\n1,2,3\n4,5,6\n", None), K::Csv);
        assert_eq!(sniff(b"a;b\n\"x;y\";2\n", None), K::Csv);
        assert_eq!(sniff(b"just one line, with a comma\n", None), K::Text);
        assert_eq!(
            sniff(b"just one line, with a comma\n", Some("text/csv")),
            K::Csv
        );
        assert_eq!(sniff(b"Hello, world.\nHow are you today?\n", None), K::Text);
        // A declared text type never makes binary bytes text.
        assert_eq!(
            sniff(&[0x00, 0x01, 0x02, 0xFE], Some("text/plain")),
            K::Other
        );
        assert_eq!(sniff(&[0x00, 0x01, 0x02, 0xFE], Some("text/csv")), K::Other);
    }

    #[test]
    fn rtf_is_sniffed_by_its_bytes_whatever_its_declared_type() {
        for declared in [None, Some("application/msword"), Some("text/plain")] {
            assert_eq!(sniff(b"{\\rtf1\\ansi Hello}", declared), K::Rtf);
        }
        assert_eq!(sniff(b"\xEF\xBB\xBF \r\n{\\rtf1 x}", None), K::Rtf);
        assert_eq!(sniff(b"about {\\rtf1 x}", None), K::Text);
        assert!(matches!(
            policy(K::Rtf, b"{\\rtf1}"),
            Some(AttachmentContent::NeedsCleaning(_))
        ));
    }

    #[test]
    fn a_message_is_sniffed_by_its_bytes_whatever_its_declared_type() {
        let eml =
            b"Received: from x by y; Mon, 3 Jun 2024\r\nFrom: a@x.example\r\nSubject: s\r\n\r\nhi";
        for declared in [None, Some("application/octet-stream"), Some("text/plain")] {
            assert_eq!(sniff(eml, declared), K::Message);
        }
        assert_eq!(
            sniff(b"Subject: my story\n\nOnce upon a time", None),
            K::Text
        );
    }

    #[test]
    fn policy_per_kind() {
        let b = b"bytes";
        assert_eq!(
            policy(K::Text, b),
            Some(AttachmentContent::Kept(b.to_vec()))
        );
        assert_eq!(policy(K::Csv, b), Some(AttachmentContent::Kept(b.to_vec())));
        for k in [K::PgpKey, K::PgpSignature, K::Certificate, K::Pkcs7] {
            assert_eq!(policy(k, b), None, "{k:?}");
        }
        assert_eq!(policy(K::PgpEncrypted, b"Version: 1\r\n"), None);
        assert_eq!(
            policy(K::PgpEncrypted, b"-----BEGIN PGP MESSAGE-----\n\nhQIM...\n"),
            Some(AttachmentContent::Withheld(WithheldReason::Encrypted))
        );
        let enveloped = [
            0x30, 0x80, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x03, 0xA0,
        ];
        assert_eq!(
            policy(K::Pkcs7, &enveloped),
            Some(AttachmentContent::Withheld(WithheldReason::Encrypted))
        );
        for k in [K::VCard, K::Calendar, K::Tnef] {
            assert_eq!(
                policy(k, b),
                Some(AttachmentContent::Withheld(WithheldReason::CarriesIdentity))
            );
        }
        for k in [
            K::Jpeg,
            K::Png,
            K::Gif,
            K::Webp,
            K::Pdf,
            K::Docx,
            K::Xlsx,
            K::Pptx,
            K::Odt,
            K::Ods,
            K::Odp,
        ] {
            assert_eq!(
                policy(k, b),
                Some(AttachmentContent::NeedsCleaning(b.to_vec())),
                "{k:?}"
            );
        }
        for k in [K::Zip, K::Html, K::Other, K::Message] {
            assert_eq!(
                policy(k, b),
                Some(AttachmentContent::Withheld(WithheldReason::Unsupported))
            );
        }
        for k in [K::Tiff, K::Heic] {
            assert_eq!(
                policy(k, b),
                Some(AttachmentContent::Withheld(WithheldReason::NotCleaned))
            );
        }
    }

    #[test]
    fn names_and_types_are_generic() {
        for k in [K::Text, K::Jpeg, K::Docx, K::Other, K::Tnef] {
            assert!(!k.extension().is_empty() && !k.extension().contains('.'));
            assert!(k.content_type().contains('/'));
        }
        assert_eq!(K::Jpeg.extension(), "jpg");
        assert_eq!(
            K::Docx.content_type(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
    }

    #[test]
    fn sniff_never_panics_on_short_or_odd_input() {
        for len in 0..64 {
            for fill in [0u8, 0x30, 0x50, 0x89, 0x99, 0xC6, 0xFF] {
                let v = vec![fill; len];
                let _ = sniff(&v, Some("application/pkcs7-mime"));
            }
        }
        let _ = sniff(b"PK\x03\x04", None);
        let _ = sniff(b"PK\x03\x04\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", None);
        let _ = sniff(b"\0\0\0\xffftyp", None);
    }
}
