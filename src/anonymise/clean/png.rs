//! PNG (and APNG) cleaner: walks the chunks, checks each CRC, and keeps by allow-list only
//! those a viewer needs to show the picture, copied byte for byte. Never re-encodes.
//!
//! Kept: IHDR, PLTE, IDAT, IEND, tRNS, gAMA, cHRM, sRGB, sBIT, bKGD, pHYs (pixel dimensions
//! only), cICP (four code points for HDR colour), and APNG's acTL, fcTL and fdAT. Each kept
//! ancillary chunk must have the size its definition gives, or it is dropped. Dropped: tEXt,
//! zTXt, iTXt (XMP lives there), eXIf, tIME, iCCP (its profile can carry names; the slight
//! colour shift is accepted), sPLT, hIST, every other ancillary chunk, ancillary chunks with a
//! bad CRC, and anything after IEND. An unknown critical chunk, or a critical chunk with a bad
//! CRC, makes the file malformed: no viewer could show it.

use super::{CleanError, CleanLimits};

const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";
/// The largest value a PNG length or dimension may have.
const MAX_U31: u32 = 0x7FFF_FFFF;

/// The CRC-32 of PNG (ISO 3309) over the parts, one after the other.
fn crc32(parts: &[&[u8]]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    for part in parts {
        h.update(part);
    }
    h.finalize()
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn malformed(what: &'static str) -> CleanError {
    CleanError::Malformed(what)
}

/// Checks a declared width and height: not zero, within PNG's 31 bits, and under the limit.
fn check_size(width: u32, height: u32, limits: &CleanLimits) -> Result<(), CleanError> {
    if width == 0 || height == 0 || width > MAX_U31 || height > MAX_U31 {
        return Err(malformed("PNG image size"));
    }
    if u64::from(width) * u64::from(height) > limits.max_image_pixels {
        return Err(CleanError::Limit("image dimensions"));
    }
    Ok(())
}

/// Whether an allowed ancillary chunk has the size its definition gives.
fn ancillary_size_ok(kind: &[u8; 4], len: usize) -> Option<bool> {
    Some(match kind {
        b"tRNS" => (1..=256).contains(&len),
        b"gAMA" => len == 4,
        b"cHRM" => len == 32,
        b"sRGB" => len == 1,
        b"sBIT" => (1..=4).contains(&len),
        b"bKGD" => matches!(len, 1 | 2 | 6),
        b"pHYs" => len == 9,
        b"cICP" => len == 4,
        b"acTL" => len == 8,
        b"fcTL" => len == 26,
        b"fdAT" => len >= 4,
        _ => return None,
    })
}

/// Cleans one PNG file.
pub(super) fn clean(bytes: &[u8], limits: &CleanLimits) -> Result<Vec<u8>, CleanError> {
    if !bytes.starts_with(SIGNATURE) {
        return Err(malformed("PNG signature"));
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(SIGNATURE);
    let mut pos = SIGNATURE.len();
    let mut first = true;
    let mut seen_idat = false;
    loop {
        let len = be32(bytes, pos).ok_or(malformed("PNG ends without IEND"))?;
        if len > MAX_U31 {
            return Err(malformed("PNG chunk length"));
        }
        let len = len as usize;
        let kind: [u8; 4] = bytes
            .get(pos + 4..pos + 8)
            .and_then(|k| k.try_into().ok())
            .ok_or(malformed("PNG ends without IEND"))?;
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(malformed("PNG chunk type"));
        }
        let data_end = pos
            .checked_add(8 + len)
            .ok_or(malformed("PNG chunk runs past the end"))?;
        let data = bytes
            .get(pos + 8..data_end)
            .ok_or(malformed("PNG chunk runs past the end"))?;
        let crc = be32(bytes, data_end).ok_or(malformed("PNG chunk runs past the end"))?;
        let chunk = &bytes[pos..data_end + 4];
        pos = data_end + 4;
        if first != (&kind == b"IHDR") {
            return Err(malformed("PNG header chunk out of place"));
        }
        first = false;
        let critical = kind[0].is_ascii_uppercase();
        if crc32(&[&kind, data]) != crc {
            if critical {
                return Err(malformed("PNG critical chunk with a bad CRC"));
            }
            continue;
        }
        match &kind {
            b"IHDR" => {
                if len != 13 {
                    return Err(malformed("PNG header chunk"));
                }
                check_size(
                    be32(data, 0).unwrap_or(0),
                    be32(data, 4).unwrap_or(0),
                    limits,
                )?;
                out.extend_from_slice(chunk);
            }
            b"PLTE" => {
                if len == 0 || len > 768 || !len.is_multiple_of(3) {
                    return Err(malformed("PNG palette"));
                }
                out.extend_from_slice(chunk);
            }
            b"IDAT" => {
                seen_idat = true;
                out.extend_from_slice(chunk);
            }
            b"IEND" => {
                if !seen_idat {
                    return Err(malformed("PNG without image data"));
                }
                if len != 0 {
                    return Err(malformed("PNG end chunk"));
                }
                out.extend_from_slice(chunk);
                return Ok(out);
            }
            _ if critical => return Err(malformed("PNG unknown critical chunk")),
            _ => {
                if ancillary_size_ok(&kind, len) != Some(true) {
                    continue;
                }
                if &kind == b"fcTL" {
                    check_size(
                        be32(data, 4).unwrap_or(0),
                        be32(data, 8).unwrap_or(0),
                        limits,
                    )?;
                }
                out.extend_from_slice(chunk);
            }
        }
    }
}

#[cfg(test)]
mod tests;
