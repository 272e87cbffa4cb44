//! JPEG cleaner: walks the marker segments and keeps, by allow-list, only what a decoder needs
//! to show the picture. Never re-encodes: the entropy-coded data is copied byte for byte.
//!
//! Kept: SOI, DQT, DHT, DAC, every SOFn, DRI, SOS with its entropy-coded data (restart markers
//! and byte stuffing included; progressive files have several scans), APP14 "Adobe" (rewritten
//! to its 12 bytes, needed for the colour transform of CMYK/YCCK) and EOI. Dropped: APP0 (JFIF,
//! may hold a thumbnail), APP1 (EXIF, XMP), APP2 (ICC profile, MPF), APP3–APP13 (APP13 holds
//! IPTC), APP15, COM, every other segment, and anything after EOI (trailing data, the further
//! pictures of a multi-picture file).
//!
//! The only thing carried over from the EXIF block is the orientation: when it says anything
//! other than "upright" (1), a minimal APP1 holding a TIFF header and an IFD0 with the single
//! Orientation entry is written right after SOI.

use super::{CleanError, CleanLimits};

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const DQT: u8 = 0xDB;
const DRI: u8 = 0xDD;
const DHT: u8 = 0xC4;
const DAC: u8 = 0xCC;
const DHP: u8 = 0xDE;
const APP1: u8 = 0xE1;
const APP14: u8 = 0xEE;
const TEM: u8 = 0x01;

/// TIFF tag of the orientation in IFD0.
const TAG_ORIENTATION: u16 = 0x0112;
/// TIFF type SHORT.
const TYPE_SHORT: u16 = 3;

fn malformed(what: &'static str) -> CleanError {
    CleanError::Malformed(what)
}

/// Start-of-frame markers: C0–CF except DHT (C4), JPG (C8) and DAC (CC).
fn is_sof(marker: u8) -> bool {
    (0xC0..=0xCF).contains(&marker) && !matches!(marker, DHT | 0xC8 | DAC)
}

fn is_rst(marker: u8) -> bool {
    (0xD0..=0xD7).contains(&marker)
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_be_bytes([s[0], s[1]]))
}

/// Cleans one JPEG file.
pub(super) fn clean(bytes: &[u8], limits: &CleanLimits) -> Result<Vec<u8>, CleanError> {
    if bytes.get(..2) != Some(&[0xFF, SOI][..]) {
        return Err(malformed("JPEG without start of image"));
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, SOI]);
    let mut orientation: Option<Orientation> = None;
    let mut seen_exif = false;
    let mut seen_sof = false;
    let mut seen_sos = false;
    let mut pos = 2;
    loop {
        let (marker, after) = read_marker(bytes, pos)?;
        pos = after;
        match marker {
            EOI => {
                if !seen_sos {
                    return Err(malformed("JPEG ends before any scan"));
                }
                out.extend_from_slice(&[0xFF, EOI]);
                break;
            }
            SOI => return Err(malformed("JPEG with a second start of image")),
            TEM => continue,
            m if is_rst(m) => continue,
            _ => {}
        }
        let len = usize::from(be16(bytes, pos).ok_or(malformed("JPEG segment cut short"))?);
        if len < 2 {
            return Err(malformed("JPEG segment length too small"));
        }
        let body = bytes
            .get(pos + 2..pos + len)
            .ok_or(malformed("JPEG segment runs past the end"))?;
        let segment = &bytes[pos - 2..pos + len];
        pos += len;
        match marker {
            DQT => {
                check_dqt(body)?;
                out.extend_from_slice(segment);
            }
            DHT => {
                check_dht(body)?;
                out.extend_from_slice(segment);
            }
            DAC => {
                if body.is_empty() || body.len() % 2 != 0 {
                    return Err(malformed("JPEG arithmetic conditioning table"));
                }
                out.extend_from_slice(segment);
            }
            DRI => {
                if body.len() != 2 {
                    return Err(malformed("JPEG restart interval"));
                }
                out.extend_from_slice(segment);
            }
            DHP => return Err(CleanError::Unsupported),
            m if is_sof(m) => {
                if seen_sof {
                    return Err(malformed("JPEG with several frames"));
                }
                check_sof(body, limits)?;
                seen_sof = true;
                out.extend_from_slice(segment);
            }
            SOS => {
                if !seen_sof {
                    return Err(malformed("JPEG scan before its frame header"));
                }
                check_sos(body)?;
                out.extend_from_slice(segment);
                let end = scan_end(bytes, pos)?;
                out.extend_from_slice(&bytes[pos..end]);
                pos = end;
                seen_sos = true;
            }
            APP14 => {
                if let Some(adobe) = adobe_segment(body) {
                    out.extend_from_slice(&adobe);
                }
            }
            APP1 => {
                if !seen_exif && let Some(tiff) = body.strip_prefix(b"Exif\0\0") {
                    seen_exif = true;
                    orientation = read_orientation(tiff);
                }
            }
            // Everything else (APP0, APP2–APP13, APP15, COM, DNL, EXP, JPGn, reserved).
            _ => {}
        }
    }
    if let Some(o) = orientation {
        let app1 = o.app1_segment();
        out.splice(2..2, app1);
    }
    Ok(out)
}

/// Reads the marker at `pos` (after any fill bytes 0xFF) and returns it with the position just
/// past it.
fn read_marker(bytes: &[u8], mut pos: usize) -> Result<(u8, usize), CleanError> {
    if bytes.get(pos) != Some(&0xFF) {
        return Err(if pos >= bytes.len() {
            malformed("JPEG ends without end of image")
        } else {
            malformed("JPEG data where a marker belongs")
        });
    }
    while bytes.get(pos) == Some(&0xFF) {
        pos += 1;
    }
    match bytes.get(pos) {
        None => Err(malformed("JPEG ends without end of image")),
        Some(0x00) => Err(malformed("JPEG stuffed byte outside a scan")),
        Some(&m) => Ok((m, pos + 1)),
    }
}

/// The end of the entropy-coded data starting at `pos`: the first 0xFF (or run of fill bytes)
/// that begins a marker other than a restart marker. Stuffed 0xFF00 and RSTn are data.
fn scan_end(bytes: &[u8], mut pos: usize) -> Result<usize, CleanError> {
    loop {
        let ff = memchr::memchr(0xFF, &bytes[pos..])
            .map(|i| pos + i)
            .ok_or(malformed("JPEG scan data runs to the end"))?;
        let mut next = ff;
        while bytes.get(next) == Some(&0xFF) {
            next += 1;
        }
        match bytes.get(next) {
            None => return Err(malformed("JPEG scan data runs to the end")),
            Some(&b) if b == 0x00 || is_rst(b) => pos = next + 1,
            Some(_) => return Ok(ff),
        }
    }
}

/// DQT: one or more tables, each a precision/destination byte and 64 entries of 8 or 16 bits,
/// filling the segment exactly.
fn check_dqt(mut body: &[u8]) -> Result<(), CleanError> {
    if body.is_empty() {
        return Err(malformed("JPEG quantisation table"));
    }
    while let Some((&pq_tq, rest)) = body.split_first() {
        let size = match pq_tq >> 4 {
            0 => 64,
            1 => 128,
            _ => return Err(malformed("JPEG quantisation table")),
        };
        if pq_tq & 0x0F > 3 || rest.len() < size {
            return Err(malformed("JPEG quantisation table"));
        }
        body = &rest[size..];
    }
    Ok(())
}

/// DHT: one or more tables, each a class/destination byte, 16 counts and as many symbols,
/// filling the segment exactly.
fn check_dht(mut body: &[u8]) -> Result<(), CleanError> {
    if body.is_empty() {
        return Err(malformed("JPEG Huffman table"));
    }
    while let Some((&tc_th, rest)) = body.split_first() {
        if tc_th >> 4 > 1 || tc_th & 0x0F > 3 || rest.len() < 16 {
            return Err(malformed("JPEG Huffman table"));
        }
        let symbols: usize = rest[..16].iter().map(|&n| usize::from(n)).sum();
        if symbols > 256 || rest.len() < 16 + symbols {
            return Err(malformed("JPEG Huffman table"));
        }
        body = &rest[16 + symbols..];
    }
    Ok(())
}

/// SOFn: precision, height, width, component count and three bytes per component. Checks the
/// declared size against the limit.
fn check_sof(body: &[u8], limits: &CleanLimits) -> Result<(), CleanError> {
    let (Some(height), Some(width), Some(&count)) = (be16(body, 1), be16(body, 3), body.get(5))
    else {
        return Err(malformed("JPEG frame header"));
    };
    if count == 0 || body.len() != 6 + 3 * usize::from(count) {
        return Err(malformed("JPEG frame header"));
    }
    if width == 0 || height == 0 {
        // A height of 0 defers the size to a DNL segment after the first scan; no decoder in
        // common use shows such a file, and its size could not be checked here.
        return Err(malformed("JPEG frame without dimensions"));
    }
    if u64::from(width) * u64::from(height) > limits.max_image_pixels {
        return Err(CleanError::Limit("image dimensions"));
    }
    Ok(())
}

/// SOS: component count, two bytes per component, then three bytes of spectral selection and
/// approximation.
fn check_sos(body: &[u8]) -> Result<(), CleanError> {
    match body.first() {
        Some(&n) if (1..=4).contains(&n) && body.len() == 4 + 2 * usize::from(n) => Ok(()),
        _ => Err(malformed("JPEG scan header")),
    }
}

/// APP14 "Adobe": rewritten to its canonical 12 bytes (version 100, flags cleared) keeping only
/// the colour transform byte. Any other APP14 is dropped.
fn adobe_segment(body: &[u8]) -> Option<Vec<u8>> {
    if body.len() < 12 || !body.starts_with(b"Adobe") {
        return None;
    }
    let transform = body[11];
    let mut seg = vec![0xFF, APP14, 0x00, 0x0E];
    seg.extend_from_slice(b"Adobe");
    seg.extend_from_slice(&[0x00, 0x64, 0x00, 0x00, 0x00, 0x00, transform]);
    Some(seg)
}

/// The orientation read from an EXIF TIFF block, with the block's byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Orientation {
    big_endian: bool,
    value: u16,
}

impl Orientation {
    /// A whole APP1 segment: `Exif\0\0`, a TIFF header in the original byte order, IFD0 with
    /// one entry (Orientation, SHORT, count 1) and a next-IFD offset of 0.
    fn app1_segment(self) -> Vec<u8> {
        let u16b = |v: u16| {
            if self.big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let u32b = |v: u32| {
            if self.big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut tiff = Vec::with_capacity(26);
        tiff.extend_from_slice(if self.big_endian { b"MM" } else { b"II" });
        tiff.extend_from_slice(&u16b(42));
        tiff.extend_from_slice(&u32b(8)); // IFD0 right after the header
        tiff.extend_from_slice(&u16b(1)); // one entry
        tiff.extend_from_slice(&u16b(TAG_ORIENTATION));
        tiff.extend_from_slice(&u16b(TYPE_SHORT));
        tiff.extend_from_slice(&u32b(1));
        tiff.extend_from_slice(&u16b(self.value));
        tiff.extend_from_slice(&[0, 0]); // the value field's unused half
        tiff.extend_from_slice(&u32b(0)); // no next IFD
        let len = 2 + 6 + tiff.len();
        let mut seg = vec![0xFF, APP1];
        seg.extend_from_slice(&u16::try_from(len).unwrap_or(u16::MAX).to_be_bytes());
        seg.extend_from_slice(b"Exif\0\0");
        seg.extend_from_slice(&tiff);
        seg
    }
}

/// Finds the Orientation entry of IFD0 in an EXIF TIFF block. `None` when the block cannot be
/// read, has no orientation, or says 1 (upright) or a value outside 1–8.
fn read_orientation(tiff: &[u8]) -> Option<Orientation> {
    let big_endian = match tiff.get(..4)? {
        b"MM\0*" => true,
        b"II*\0" => false,
        _ => return None,
    };
    let u16_at = |at: usize| {
        tiff.get(at..at.checked_add(2)?).map(|s| {
            if big_endian {
                u16::from_be_bytes([s[0], s[1]])
            } else {
                u16::from_le_bytes([s[0], s[1]])
            }
        })
    };
    let u32_at = |at: usize| {
        tiff.get(at..at.checked_add(4)?).map(|s| {
            let a = [s[0], s[1], s[2], s[3]];
            if big_endian {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            }
        })
    };
    let ifd0 = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd0)?);
    for i in 0..count {
        let entry = ifd0.checked_add(2 + 12 * i)?;
        if u16_at(entry)? != TAG_ORIENTATION {
            continue;
        }
        if u16_at(entry + 2)? != TYPE_SHORT || u32_at(entry + 4)? != 1 {
            return None;
        }
        let value = u16_at(entry + 8)?;
        return (2..=8)
            .contains(&value)
            .then_some(Orientation { big_endian, value });
    }
    None
}

/// Helpers shared by the image cleaners' tests: planted metadata, token search, and the
/// no-panic fuzz driver.
#[cfg(test)]
pub(super) mod test_support {
    use super::super::{CleanError, CleanLimits};
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    /// Every token planted in a test input; none may survive cleaning.
    pub const TOKENS: &[&str] = &[
        "PLANTIMGGPS",
        "PLANTIMGSERIAL",
        "PLANTIMGARTIST",
        "PLANTIMGMAKE",
        "PLANTIMGMODEL",
        "PLANTIMGXMP",
        "PLANTIMGIPTC",
        "PLANTIMGICC",
        "PLANTIMGCOMMENT",
        "PLANTIMGJFIF",
        "PLANTIMGAPP",
        "PLANTIMGMPF",
        "PLANTIMGTRAIL",
        "PLANTIMGTEXT",
        "PLANTIMGZTXT",
        "PLANTIMGITXT",
        "PLANTIMGPRIV",
        "PLANTIMGANIM",
    ];

    /// The planted tokens found in `bytes`, compared without regard to case.
    pub fn tokens_in(bytes: &[u8]) -> Vec<&'static str> {
        let lower = bytes.to_ascii_lowercase();
        TOKENS
            .iter()
            .copied()
            .filter(|t| memchr::memmem::find(&lower, t.to_ascii_lowercase().as_bytes()).is_some())
            .collect()
    }

    /// One IFD entry for [`tiff`]: tag, type, count and the value bytes (big-endian when
    /// numbers; the builder swaps them for little-endian).
    struct Entry {
        tag: u16,
        typ: u16,
        count: u32,
        /// Raw value bytes in big-endian order, unit size given by `unit`.
        value: Vec<u8>,
        unit: usize,
        /// Index of the IFD this entry points to (for sub-IFD pointers).
        points_to: Option<usize>,
    }

    fn ascii(tag: u16, s: &str) -> Entry {
        let mut value = s.as_bytes().to_vec();
        value.push(0);
        Entry {
            tag,
            typ: 2,
            count: value.len() as u32,
            value,
            unit: 1,
            points_to: None,
        }
    }

    fn undefined(tag: u16, v: &[u8]) -> Entry {
        Entry {
            tag,
            typ: 7,
            count: v.len() as u32,
            value: v.to_vec(),
            unit: 1,
            points_to: None,
        }
    }

    fn short(tag: u16, v: u16) -> Entry {
        Entry {
            tag,
            typ: 3,
            count: 1,
            value: v.to_be_bytes().to_vec(),
            unit: 2,
            points_to: None,
        }
    }

    fn rationals(tag: u16, v: &[(u32, u32)]) -> Entry {
        let mut value = Vec::new();
        for (n, d) in v {
            value.extend_from_slice(&n.to_be_bytes());
            value.extend_from_slice(&d.to_be_bytes());
        }
        Entry {
            tag,
            typ: 5,
            count: v.len() as u32,
            value,
            unit: 4,
            points_to: None,
        }
    }

    fn pointer(tag: u16, ifd: usize) -> Entry {
        Entry {
            tag,
            typ: 4,
            count: 1,
            value: vec![0; 4],
            unit: 4,
            points_to: Some(ifd),
        }
    }

    /// Lays out IFDs (IFD 0 first, linked only through pointer entries) as a TIFF block.
    fn layout(ifds: &[Vec<Entry>], big_endian: bool) -> Vec<u8> {
        let swap = |v: &[u8], unit: usize| -> Vec<u8> {
            if big_endian {
                v.to_vec()
            } else {
                v.chunks(unit)
                    .flat_map(|c| c.iter().rev().copied())
                    .collect()
            }
        };
        let u16b = |v: u16| swap(&v.to_be_bytes(), 2);
        let u32b = |v: u32| swap(&v.to_be_bytes(), 4);
        // Offsets: header (8), then each IFD followed by its out-of-line values.
        let mut offsets = Vec::new();
        let mut at = 8usize;
        for ifd in ifds {
            offsets.push(at);
            at += 2 + 12 * ifd.len() + 4;
            for e in ifd {
                if e.value.len() > 4 {
                    at += e.value.len() + e.value.len() % 2;
                }
            }
        }
        let mut out = Vec::new();
        out.extend_from_slice(if big_endian { b"MM" } else { b"II" });
        out.extend(u16b(42));
        out.extend(u32b(8));
        for (n, ifd) in ifds.iter().enumerate() {
            let mut data_at = offsets[n] + 2 + 12 * ifd.len() + 4;
            let mut data = Vec::new();
            out.extend(u16b(ifd.len() as u16));
            for e in ifd {
                out.extend(u16b(e.tag));
                out.extend(u16b(e.typ));
                out.extend(u32b(e.count));
                if let Some(target) = e.points_to {
                    out.extend(u32b(offsets[target] as u32));
                } else if e.value.len() > 4 {
                    out.extend(u32b(data_at as u32));
                    data.extend(swap(&e.value, e.unit));
                    if e.value.len() % 2 == 1 {
                        data.push(0);
                    }
                    data_at += e.value.len() + e.value.len() % 2;
                } else {
                    let mut v = swap(&e.value, e.unit);
                    v.resize(4, 0);
                    out.extend(v);
                }
            }
            out.extend(u32b(0));
            out.extend(data);
        }
        out
    }

    /// A TIFF block as found in EXIF: IFD0 with Make, Model, Artist, Orientation and pointers
    /// to an Exif IFD (DateTimeOriginal, BodySerialNumber) and a GPS IFD (latitude, longitude,
    /// processing method).
    pub fn exif_tiff(orientation: u16, big_endian: bool) -> Vec<u8> {
        let ifd0 = vec![
            ascii(0x010F, "PLANTIMGMAKE"),
            ascii(0x0110, "PLANTIMGMODEL"),
            short(0x0112, orientation),
            ascii(0x013B, "PLANTIMGARTIST"),
            pointer(0x8769, 1),
            pointer(0x8825, 2),
        ];
        let exif = vec![
            ascii(0x9003, "2024:05:06 07:08:09"),
            ascii(0xA431, "PLANTIMGSERIAL"),
        ];
        let gps = vec![
            ascii(0x0001, "N"),
            rationals(0x0002, &[(48, 1), (51, 1), (2956, 100)]),
            ascii(0x0003, "E"),
            rationals(0x0004, &[(2, 1), (17, 1), (4008, 100)]),
            undefined(0x001B, b"ASCII\0\0\0PLANTIMGGPS"),
        ];
        layout(&[ifd0, exif, gps], big_endian)
    }

    /// An XMP packet naming a creator.
    pub fn xmp_packet() -> Vec<u8> {
        concat!(
            "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>",
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF ",
            "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">",
            "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">",
            "<dc:creator><rdf:Seq><rdf:li>PLANTIMGXMP</rdf:li></rdf:Seq></dc:creator>",
            "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>"
        )
        .as_bytes()
        .to_vec()
    }

    /// A small ICC profile whose description tag holds a token.
    pub fn icc_profile() -> Vec<u8> {
        let desc = b"PLANTIMGICC";
        let mut tag = b"desc\0\0\0\0".to_vec();
        tag.extend_from_slice(&(desc.len() as u32 + 1).to_be_bytes());
        tag.extend_from_slice(desc);
        tag.push(0);
        let mut p = vec![0u8; 128];
        p[4..8].copy_from_slice(b"none");
        p[8] = 2;
        p[12..16].copy_from_slice(b"mntr");
        p[16..20].copy_from_slice(b"RGB ");
        p[20..24].copy_from_slice(b"XYZ ");
        p[36..40].copy_from_slice(b"acsp");
        p.extend_from_slice(&1u32.to_be_bytes());
        p.extend_from_slice(b"desc");
        p.extend_from_slice(&(128u32 + 4 + 12).to_be_bytes());
        p.extend_from_slice(&(tag.len() as u32).to_be_bytes());
        p.extend_from_slice(&tag);
        let len = p.len() as u32;
        p[..4].copy_from_slice(&len.to_be_bytes());
        p
    }

    /// Reads the EXIF in `bytes` (any container kamadak-exif knows) and returns the tags found,
    /// or an empty list when there is no EXIF.
    pub fn exif_tags(bytes: &[u8]) -> Vec<(exif::Tag, exif::In, Option<u32>)> {
        match exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)) {
            Ok(e) => e
                .fields()
                .map(|f| (f.tag, f.ifd_num, f.value.get_uint(0)))
                .collect(),
            Err(exif::Error::NotFound(_)) => Vec::new(),
            Err(e) => panic!("EXIF reader failed: {e}"),
        }
    }

    /// One mutation of a seed file.
    #[derive(Debug, Clone)]
    enum Mutation {
        Truncate(usize),
        Flip(usize, u8),
        Insert(usize, Vec<u8>),
        Remove(usize, usize),
        /// Writes 0xFF bytes (huge lengths, bogus markers) at a position.
        Max(usize, usize),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            any::<usize>().prop_map(Mutation::Truncate),
            (any::<usize>(), 1..=255u8).prop_map(|(p, x)| Mutation::Flip(p, x)),
            (
                any::<usize>(),
                proptest::collection::vec(any::<u8>(), 1..16)
            )
                .prop_map(|(p, v)| Mutation::Insert(p, v)),
            (any::<usize>(), 1..64usize).prop_map(|(p, n)| Mutation::Remove(p, n)),
            (any::<usize>(), 1..5usize).prop_map(|(p, n)| Mutation::Max(p, n)),
        ]
    }

    fn apply(seed: &[u8], mutations: &[Mutation]) -> Vec<u8> {
        let mut b = seed.to_vec();
        for m in mutations {
            let at = |p: usize, len: usize| if len == 0 { 0 } else { p % len };
            match m {
                Mutation::Truncate(p) => {
                    let n = at(*p, b.len() + 1);
                    b.truncate(n);
                }
                Mutation::Flip(p, x) => {
                    if !b.is_empty() {
                        let i = at(*p, b.len());
                        b[i] ^= x;
                    }
                }
                Mutation::Insert(p, v) => {
                    let i = at(*p, b.len() + 1);
                    b.splice(i..i, v.iter().copied());
                }
                Mutation::Remove(p, n) => {
                    if !b.is_empty() {
                        let i = at(*p, b.len());
                        let j = (i + n).min(b.len());
                        b.drain(i..j);
                    }
                }
                Mutation::Max(p, n) => {
                    if !b.is_empty() {
                        let i = at(*p, b.len());
                        let j = (i + n).min(b.len());
                        b[i..j].fill(0xFF);
                    }
                }
            }
        }
        b
    }

    /// Feeds `clean` random bytes (after `magic`) and mutated copies of `seeds` (truncations,
    /// flipped, inserted and removed bytes), under default and tiny pixel limits, on a thread
    /// with a 2 MiB stack. Asserts that it never panics, that what it accepts it accepts again
    /// unchanged (cleaning is idempotent), and that the output never grows by more than `slack`
    /// bytes.
    pub fn fuzz(
        magic: &'static [u8],
        seeds: Vec<Vec<u8>>,
        clean: fn(&[u8], &CleanLimits) -> Result<Vec<u8>, CleanError>,
        slack: usize,
    ) {
        assert!(!seeds.is_empty());
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let mut runner = TestRunner::new(Config {
                    cases: 600,
                    failure_persistence: None,
                    ..Config::default()
                });
                let n = seeds.len();
                let strategy = (
                    0..n + 1,
                    proptest::collection::vec(mutation(), 0..6),
                    proptest::collection::vec(any::<u8>(), 0..512),
                    any::<bool>(),
                );
                runner
                    .run(&strategy, |(which, mutations, random, tiny)| {
                        let input = if which == n {
                            let mut b = magic.to_vec();
                            b.extend_from_slice(&random);
                            apply(&b, &mutations)
                        } else {
                            apply(&seeds[which], &mutations)
                        };
                        let limits = CleanLimits {
                            max_image_pixels: if tiny { 16 } else { 100_000_000 },
                            ..CleanLimits::default()
                        };
                        if let Ok(out) = clean(&input, &limits) {
                            prop_assert!(out.len() <= input.len() + slack);
                            let again = clean(&out, &limits);
                            prop_assert_eq!(again.as_ref(), Ok(&out));
                        }
                        Ok(())
                    })
                    .map_err(|e| e.to_string())
            })
            .expect("spawn fuzz thread");
        match handle.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("fuzz property failed: {e}"),
            Err(_) => panic!("cleaner panicked on fuzzed input"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{CleanError, CleanLimits};
    use super::clean;
    use super::test_support::{exif_tags, exif_tiff, fuzz, icc_profile, tokens_in, xmp_packet};
    use jpeg_encoder::{ColorType, Encoder};
    use zune_jpeg::JpegDecoder;
    use zune_jpeg::zune_core::bytestream::ZCursor;
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;

    const W: u16 = 37;
    const H: u16 = 23;

    /// A test picture with gradients and an edge, so that every block has content.
    fn pixels(channels: usize) -> Vec<u8> {
        let mut p = Vec::new();
        for y in 0..usize::from(H) {
            for x in 0..usize::from(W) {
                for c in 0..channels {
                    let v = (x * 7 + y * 11 + c * 60) % 256;
                    p.push(if (x + y) % 9 < 3 {
                        255 - v as u8
                    } else {
                        v as u8
                    });
                }
            }
        }
        p
    }

    /// Encodes the test picture. `extra` are APPn segments the encoder writes after its own
    /// APP0 (JFIF) and, for YCCK, APP14.
    fn encode(
        color: ColorType,
        progressive: bool,
        restart: Option<u16>,
        extra: &[(u8, Vec<u8>)],
    ) -> Vec<u8> {
        let channels = match color {
            ColorType::Luma => 1,
            ColorType::Rgb => 3,
            _ => 4,
        };
        let mut out = Vec::new();
        let mut enc = Encoder::new(&mut out, 85);
        enc.set_progressive(progressive);
        if let Some(r) = restart {
            enc.set_restart_interval(r);
        }
        for (nr, data) in extra {
            enc.add_app_segment(*nr, data.clone()).unwrap();
        }
        enc.encode(&pixels(channels), W, H, color).unwrap();
        out
    }

    /// A segment `FF marker len data`.
    fn segment(marker: u8, data: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((data.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(data);
        s
    }

    /// Inserts `segments` right after SOI.
    fn after_soi(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        for s in segments {
            out.extend_from_slice(s);
        }
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    /// Inserts `segment` right before the first SOS.
    fn before_sos(jpeg: &[u8], segment: &[u8]) -> Vec<u8> {
        let at = jpeg
            .windows(2)
            .position(|w| w == [0xFF, 0xDA])
            .expect("a scan");
        let mut out = jpeg[..at].to_vec();
        out.extend_from_slice(segment);
        out.extend_from_slice(&jpeg[at..]);
        out
    }

    /// The encoder's output without its APP0 (JFIF) segment, cut out by its fixed layout.
    fn bare(jpeg: &[u8]) -> Vec<u8> {
        assert_eq!(&jpeg[2..4], &[0xFF, 0xE0], "the encoder writes APP0 first");
        let len = usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&jpeg[4 + len..]);
        out
    }

    /// Decodes with zune-jpeg (independent of the cleaner): width, height, pixels.
    fn decode(jpeg: &[u8], out: ColorSpace) -> (usize, usize, Vec<u8>) {
        let options = DecoderOptions::default().jpeg_set_out_colorspace(out);
        let mut d = JpegDecoder::new_with_options(ZCursor::new(jpeg), options);
        let pixels = d.decode().expect("decodes");
        let info = d.info().expect("info");
        (usize::from(info.width), usize::from(info.height), pixels)
    }

    /// Every kind of metadata a camera, an editor or a phone leaves, planted with tokens.
    fn metadata_segments(orientation: u16, big_endian: bool) -> Vec<Vec<u8>> {
        let mut jfif = b"JFIF\0\x01\x02\x01\x00\x48\x00\x48\x05\x01".to_vec();
        jfif.extend_from_slice(b"PLANTIMGJFIF123"); // a 5×1 RGB thumbnail
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend(exif_tiff(orientation, big_endian));
        let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
        xmp.extend(xmp_packet());
        let mut icc = b"ICC_PROFILE\0\x01\x01".to_vec();
        icc.extend(icc_profile());
        let mut iptc = b"Photoshop 3.0\08BIM\x04\x04\0\0".to_vec();
        let record = b"\x1c\x02\x50\x00\x0cPLANTIMGIPTC";
        iptc.extend_from_slice(&(record.len() as u32).to_be_bytes());
        iptc.extend_from_slice(record);
        let mpf = b"MPF\0MM\0*\0\0\0\x08\0\0\0\0\0\0PLANTIMGMPF".to_vec();
        vec![
            segment(0xE0, &jfif),
            segment(0xE1, &exif),
            segment(0xE1, &xmp),
            segment(0xE2, &icc),
            segment(0xE2, &mpf),
            segment(0xE3, b"PLANTIMGAPP3"),
            segment(0xED, &iptc),
            segment(0xEF, b"PLANTIMGAPP15"),
            segment(0xFE, b"PLANTIMGCOMMENT"),
        ]
    }

    /// A JPEG with every kind of metadata, a COM between the tables and the scan, a second
    /// (multi-picture) image and trailing data after EOI.
    fn dirty(original: &[u8], orientation: u16, big_endian: bool) -> Vec<u8> {
        let mut d = after_soi(original, &metadata_segments(orientation, big_endian));
        d = before_sos(&d, &segment(0xFE, b"PLANTIMGCOMMENT again"));
        // The secondary picture of a multi-picture file, then trailing data.
        let second = after_soi(original, &[segment(0xFE, b"PLANTIMGMPF second")]);
        d.extend_from_slice(&second);
        d.extend_from_slice(b"PLANTIMGTRAIL appended file");
        d
    }

    fn check_clean(original: &[u8], out_color: ColorSpace, orientation: u16, big_endian: bool) {
        let limits = CleanLimits::default();
        let dirty = dirty(original, orientation, big_endian);
        assert_eq!(tokens_in(&dirty).len(), 13, "all tokens planted");
        let before = exif_tags(&dirty);
        assert!(before.iter().any(|(t, _, _)| *t == exif::Tag::GPSLatitude));
        assert!(
            before
                .iter()
                .any(|(t, _, _)| *t == exif::Tag::BodySerialNumber)
        );

        let cleaned = clean(&dirty, &limits).expect("cleans");
        assert_eq!(tokens_in(&cleaned), Vec::<&str>::new());
        let tags = exif_tags(&cleaned);
        if orientation == 1 {
            assert!(tags.is_empty(), "{tags:?}");
        } else {
            assert_eq!(tags.len(), 1, "{tags:?}");
            assert_eq!(tags[0].0, exif::Tag::Orientation);
            assert_eq!(tags[0].1, exif::In::PRIMARY);
            assert_eq!(tags[0].2, Some(u32::from(orientation)));
        }
        // Nothing after EOI: it ends with the first EOI the original's scan ends with.
        assert!(cleaned.ends_with(&[0xFF, 0xD9]));
        assert!(cleaned.len() < original.len() + 40);

        let (w, h, px) = decode(original, out_color);
        let (cw, ch, cpx) = decode(&cleaned, out_color);
        assert_eq!((cw, ch), (usize::from(W), usize::from(H)));
        assert_eq!((w, h), (cw, ch));
        assert!(px == cpx, "pixels changed by cleaning");
        let (dw, dh, dpx) = decode(&dirty, out_color);
        assert_eq!((dw, dh), (cw, ch));
        assert!(dpx == cpx, "pixels differ from the dirty file's");

        assert_eq!(
            clean(&cleaned, &limits).as_ref(),
            Ok(&cleaned),
            "idempotent"
        );
    }

    #[test]
    fn baseline_rgb_loses_all_metadata_keeps_orientation_and_pixels() {
        let original = encode(ColorType::Rgb, false, None, &[]);
        check_clean(&original, ColorSpace::RGB, 6, false);
    }

    #[test]
    fn big_endian_exif_orientation_is_kept_in_big_endian() {
        let original = encode(ColorType::Rgb, false, None, &[]);
        check_clean(&original, ColorSpace::RGB, 8, true);
        let dirty = dirty(&original, 3, true);
        let cleaned = clean(&dirty, &CleanLimits::default()).unwrap();
        assert_eq!(&cleaned[2..4], &[0xFF, 0xE1]);
        assert_eq!(&cleaned[6..16], b"Exif\0\0MM\0*");
    }

    #[test]
    fn upright_orientation_writes_no_exif() {
        let original = encode(ColorType::Rgb, false, None, &[]);
        check_clean(&original, ColorSpace::RGB, 1, false);
        let cleaned = clean(&dirty(&original, 1, false), &CleanLimits::default()).unwrap();
        assert_eq!(
            cleaned,
            clean(&bare(&original), &CleanLimits::default()).unwrap()
        );
    }

    #[test]
    fn progressive_with_restart_markers_keeps_every_scan() {
        let original = encode(ColorType::Rgb, true, Some(2), &[]);
        let scans = original.windows(2).filter(|w| *w == [0xFF, 0xDA]).count();
        assert!(scans > 1, "progressive file has several scans");
        check_clean(&original, ColorSpace::RGB, 6, false);
        let cleaned = clean(&dirty(&original, 6, false), &CleanLimits::default()).unwrap();
        let kept = cleaned.windows(2).filter(|w| *w == [0xFF, 0xDA]).count();
        assert_eq!(scans, kept);
    }

    #[test]
    fn baseline_with_restart_markers() {
        let original = encode(ColorType::Rgb, false, Some(1), &[]);
        assert!(original.windows(2).any(|w| w == [0xFF, 0xD3]), "has RST3");
        check_clean(&original, ColorSpace::RGB, 6, false);
    }

    #[test]
    fn greyscale() {
        let original = encode(ColorType::Luma, false, None, &[]);
        check_clean(&original, ColorSpace::Luma, 6, false);
    }

    #[test]
    fn ycck_keeps_the_adobe_segment() {
        let original = encode(ColorType::CmykAsYcck, false, None, &[]);
        check_clean(&original, ColorSpace::RGB, 6, false);
        let cleaned = clean(&dirty(&original, 1, false), &CleanLimits::default()).unwrap();
        let at = cleaned
            .windows(9)
            .position(|w| w == b"\xFF\xEE\x00\x0EAdobe")
            .expect("APP14 Adobe kept");
        assert_eq!(cleaned[at + 15], 2, "colour transform YCCK");
        // The segment matters: without it the same scan shows other colours.
        let mut without = cleaned[..at].to_vec();
        without.extend_from_slice(&cleaned[at + 16..]);
        assert!(decode(&without, ColorSpace::RGB).2 != decode(&cleaned, ColorSpace::RGB).2);
    }

    #[test]
    fn adobe_segment_is_cut_to_its_fields() {
        let original = encode(ColorType::CmykAsYcck, false, None, &[]);
        // An APP14 "Adobe" carrying more than its 12 bytes, and another APP14.
        let mut long = b"Adobe\x00\x65\x12\x34\x56\x78\x02".to_vec();
        long.extend_from_slice(b"PLANTIMGAPP14");
        let at = original
            .windows(4)
            .position(|w| w == b"\xFF\xEE\x00\x0E")
            .unwrap();
        let mut d = original[..at].to_vec();
        d.extend(segment(0xEE, &long));
        d.extend(segment(0xEE, b"PLANTIMGAPP other"));
        d.extend_from_slice(&original[at + 16..]);
        let cleaned = clean(&d, &CleanLimits::default()).unwrap();
        assert_eq!(tokens_in(&cleaned), Vec::<&str>::new());
        assert!(
            cleaned
                .windows(16)
                .any(|w| w == b"\xFF\xEE\x00\x0EAdobe\x00\x64\0\0\0\0\x02")
        );
        let (_, _, a) = decode(&original, ColorSpace::RGB);
        let (_, _, b) = decode(&cleaned, ColorSpace::RGB);
        assert!(a == b);
    }

    #[test]
    fn bare_baseline_passes_through_byte_identical() {
        for original in [
            encode(ColorType::Rgb, false, None, &[]),
            encode(ColorType::Rgb, true, Some(3), &[]),
            encode(ColorType::Luma, false, Some(1), &[]),
        ] {
            let b = bare(&original);
            assert!(
                !b.windows(2)
                    .any(|w| w[0] == 0xFF && (0xE0..=0xEF).contains(&w[1]))
            );
            assert_eq!(clean(&b, &CleanLimits::default()).unwrap(), b);
        }
    }

    #[test]
    fn encoder_output_only_loses_its_jfif_segment() {
        let original = encode(ColorType::Rgb, false, None, &[]);
        assert_eq!(
            clean(&original, &CleanLimits::default()).unwrap(),
            bare(&original)
        );
    }

    #[test]
    fn truncated_jpeg_is_malformed() {
        let original = encode(ColorType::Rgb, false, None, &[]);
        let limits = CleanLimits::default();
        // Every cut, in the headers, in the scan, and just before EOI.
        for cut in 0..original.len() {
            let r = clean(&original[..cut], &limits);
            assert!(
                matches!(r, Err(CleanError::Malformed(_))),
                "cut {cut}: {r:?}"
            );
        }
        // A segment whose length runs past the end.
        let mut long = original.clone();
        let at = long.windows(2).position(|w| w == [0xFF, 0xDB]).unwrap();
        long[at + 2] = 0xFF;
        assert!(matches!(
            clean(&long, &limits),
            Err(CleanError::Malformed(_))
        ));
        // No scan at all.
        let sos = original.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        let mut no_scan = original[..sos].to_vec();
        no_scan.extend_from_slice(&[0xFF, 0xD9]);
        assert!(matches!(
            clean(&no_scan, &limits),
            Err(CleanError::Malformed(_))
        ));
    }

    #[test]
    fn giant_frame_is_over_the_limit() {
        let original = encode(ColorType::Rgb, false, None, &[]);
        let limits = CleanLimits {
            max_image_pixels: u64::from(W) * u64::from(H) - 1,
            ..CleanLimits::default()
        };
        assert!(matches!(
            clean(&original, &limits),
            Err(CleanError::Limit(_))
        ));
        let exact = CleanLimits {
            max_image_pixels: u64::from(W) * u64::from(H),
            ..CleanLimits::default()
        };
        assert!(clean(&original, &exact).is_ok());
        // 65535×65535 declared in the frame header.
        let mut giant = original.clone();
        let sof = giant.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        giant[sof + 5..sof + 9].fill(0xFF);
        assert!(matches!(
            clean(&giant, &CleanLimits::default()),
            Err(CleanError::Limit(_))
        ));
    }

    #[test]
    fn fill_bytes_and_standalone_markers_between_segments() {
        let original = bare(&encode(ColorType::Rgb, false, None, &[]));
        let mut d = original[..2].to_vec();
        d.extend_from_slice(&[0xFF, 0xFF, 0xFF]); // fill before the next marker
        d.extend_from_slice(&[0xFF, 0x01, 0xFF, 0xD3]); // TEM and a stray RST3: no length
        d.extend_from_slice(&original[2..]);
        let cleaned = clean(&d, &CleanLimits::default()).unwrap();
        assert_eq!(cleaned, original);
    }

    #[test]
    fn orientation_values_outside_the_table_are_dropped() {
        let original = encode(ColorType::Rgb, false, None, &[]);
        for value in [0u16, 9, 0xFFFF] {
            let cleaned = clean(&dirty(&original, value, false), &CleanLimits::default()).unwrap();
            assert!(exif_tags(&cleaned).is_empty());
        }
    }

    #[test]
    fn only_the_first_exif_block_gives_the_orientation() {
        let original = encode(ColorType::Rgb, false, None, &[]);
        let mut first = b"Exif\0\0".to_vec();
        first.extend(exif_tiff(3, false));
        let mut second = b"Exif\0\0".to_vec();
        second.extend(exif_tiff(6, false));
        let d = after_soi(&original, &[segment(0xE1, &first), segment(0xE1, &second)]);
        let cleaned = clean(&d, &CleanLimits::default()).unwrap();
        let tags = exif_tags(&cleaned);
        assert_eq!(tags.len(), 1);
        assert_eq!(tags[0].2, Some(3));
    }

    #[test]
    fn hierarchical_jpeg_is_unsupported() {
        let original = bare(&encode(ColorType::Rgb, false, None, &[]));
        let d = after_soi(
            &original,
            &[segment(0xDE, &[8, 0, 23, 0, 37, 1, 1, 0x11, 0])],
        );
        assert_eq!(
            clean(&d, &CleanLimits::default()),
            Err(CleanError::Unsupported)
        );
    }

    #[test]
    fn never_panics_on_random_or_mutated_input() {
        let rgb = encode(ColorType::Rgb, false, Some(2), &[]);
        let prog = encode(ColorType::Rgb, true, None, &[]);
        let ycck = encode(ColorType::CmykAsYcck, false, None, &[]);
        let seeds = vec![
            dirty(&rgb, 6, false),
            dirty(&prog, 8, true),
            dirty(&ycck, 1, false),
            bare(&rgb),
        ];
        // The orientation APP1 is the only thing the cleaner may add (36 bytes).
        fuzz(b"\xFF\xD8\xFF", seeds, clean, 36);
    }
}
