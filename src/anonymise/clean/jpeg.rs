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
mod tests;
