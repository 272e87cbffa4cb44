//! WebP cleaner: walks the RIFF chunks and keeps, by allow-list, only those a viewer needs to
//! show the picture, copied byte for byte. Never re-encodes.
//!
//! Kept: VP8 (lossy), VP8L (lossless), ALPH, ANIM and ANMF (whose own sub-chunks are cleaned
//! the same way: ALPH, VP8 and VP8L only, and whose reserved flag bits are cleared), and VP8X,
//! rewritten with its ICC, EXIF and XMP flags and reserved bits cleared. Dropped: EXIF, XMP,
//! ICCP and every other chunk, and anything after the RIFF's declared size. The RIFF size is
//! set to what is written; an odd-sized chunk is followed by a zero padding byte.
//!
//! The orientation in a WebP's EXIF is dropped with the rest of the EXIF.

use super::{CleanError, CleanLimits};

/// VP8X flag bits kept: alpha (0x10) and animation (0x02). ICC (0x20), EXIF (0x08), XMP (0x04)
/// and the reserved bits are cleared.
const VP8X_KEEP: u8 = 0x10 | 0x02;
/// ANMF flag bits kept: blending (0x02) and disposal (0x01).
const ANMF_KEEP: u8 = 0x03;

fn malformed(what: &'static str) -> CleanError {
    CleanError::Malformed(what)
}

fn le24(b: &[u8]) -> u32 {
    u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn check_size(width: u32, height: u32, limits: &CleanLimits) -> Result<(), CleanError> {
    if width == 0 || height == 0 {
        return Err(malformed("WebP image size"));
    }
    if u64::from(width) * u64::from(height) > limits.max_image_pixels {
        return Err(CleanError::Limit("image dimensions"));
    }
    Ok(())
}

/// One chunk: its FourCC and payload.
type Chunk<'a> = ([u8; 4], &'a [u8]);

/// Splits a chunk list into (FourCC, payload) pairs. A chunk running past the end is
/// malformed; a missing padding byte at the very end is tolerated.
fn chunks(mut body: &[u8]) -> Result<Vec<Chunk<'_>>, CleanError> {
    let mut list = Vec::new();
    while !body.is_empty() {
        let (Some(fourcc), Some(size)) = (body.get(..4), le32(body, 4)) else {
            return Err(malformed("WebP chunk header cut short"));
        };
        let fourcc: [u8; 4] = [fourcc[0], fourcc[1], fourcc[2], fourcc[3]];
        let size = usize::try_from(size).map_err(|_| malformed("WebP chunk size"))?;
        let end = size
            .checked_add(8)
            .ok_or(malformed("WebP chunk runs past the end"))?;
        let payload = body
            .get(8..end)
            .ok_or(malformed("WebP chunk runs past the end"))?;
        list.push((fourcc, payload));
        body = &body[(end + (size & 1)).min(body.len())..];
    }
    Ok(list)
}

/// Appends a chunk with its size and, when odd, a zero padding byte.
fn put_chunk(out: &mut Vec<u8>, fourcc: &[u8; 4], payload: &[u8]) -> Result<(), CleanError> {
    let size = u32::try_from(payload.len()).map_err(|_| CleanError::Limit("WebP chunk size"))?;
    out.extend_from_slice(fourcc);
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(payload);
    if payload.len() % 2 == 1 {
        out.push(0);
    }
    Ok(())
}

/// Checks the size a VP8 key frame or a VP8L header declares.
fn check_bitstream(fourcc: &[u8; 4], p: &[u8], limits: &CleanLimits) -> Result<(), CleanError> {
    match fourcc {
        b"VP8 " => {
            // Frame tag (3 bytes, bit 0 clear for a key frame), start code, 14-bit sizes.
            if p.len() < 10 || p[0] & 1 != 0 || p[3..6] != [0x9D, 0x01, 0x2A] {
                return Err(malformed("WebP lossy header"));
            }
            let w = u32::from(u16::from_le_bytes([p[6], p[7]]) & 0x3FFF);
            let h = u32::from(u16::from_le_bytes([p[8], p[9]]) & 0x3FFF);
            check_size(w, h, limits)
        }
        b"VP8L" => {
            // Signature 0x2F, then width-1 and height-1 on 14 bits each, alpha, version 0.
            let bits = le32(p, 1).ok_or(malformed("WebP lossless header"))?;
            if p[0] != 0x2F || bits >> 29 != 0 {
                return Err(malformed("WebP lossless header"));
            }
            check_size((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, limits)
        }
        _ => Ok(()),
    }
}

/// Cleans one animation frame: its header (position, size, duration, flags) and its image
/// sub-chunks.
fn clean_anmf(p: &[u8], limits: &CleanLimits) -> Result<Vec<u8>, CleanError> {
    let header = p.get(..16).ok_or(malformed("WebP animation frame"))?;
    check_size(le24(&header[6..9]) + 1, le24(&header[9..12]) + 1, limits)?;
    let mut out = header.to_vec();
    out[15] &= ANMF_KEEP;
    let mut has_image = false;
    for (fourcc, payload) in chunks(&p[16..])? {
        match &fourcc {
            b"VP8 " | b"VP8L" => {
                check_bitstream(&fourcc, payload, limits)?;
                has_image = true;
                put_chunk(&mut out, &fourcc, payload)?;
            }
            b"ALPH" => put_chunk(&mut out, &fourcc, payload)?,
            _ => {}
        }
    }
    if !has_image {
        return Err(malformed("WebP animation frame without image"));
    }
    Ok(out)
}

/// Cleans one WebP file.
pub(super) fn clean(bytes: &[u8], limits: &CleanLimits) -> Result<Vec<u8>, CleanError> {
    if bytes.get(..4) != Some(b"RIFF") || bytes.get(8..12) != Some(b"WEBP") {
        return Err(malformed("WebP header"));
    }
    let riff_size = le32(bytes, 4).ok_or(malformed("WebP header"))?;
    let end = usize::try_from(riff_size)
        .ok()
        .and_then(|s| s.checked_add(8))
        .ok_or(malformed("WebP size"))?;
    if riff_size < 4 {
        return Err(malformed("WebP size"));
    }
    let body = bytes
        .get(12..end)
        .ok_or(malformed("WebP shorter than its RIFF size"))?;
    let list = chunks(body)?;
    let mut out = Vec::with_capacity(bytes.len());
    let mut has_image = false;
    match list.first().map(|(f, p)| (f, *p)) {
        Some((fourcc @ (b"VP8 " | b"VP8L"), payload)) => {
            // Simple format: the one bitstream chunk is the whole picture.
            check_bitstream(fourcc, payload, limits)?;
            put_chunk(&mut out, fourcc, payload)?;
            has_image = true;
        }
        Some((b"VP8X", payload)) => {
            if payload.len() != 10 {
                return Err(malformed("WebP extended header"));
            }
            check_size(le24(&payload[4..7]) + 1, le24(&payload[7..10]) + 1, limits)?;
            let mut vp8x = [0u8; 10];
            vp8x[0] = payload[0] & VP8X_KEEP;
            vp8x[4..].copy_from_slice(&payload[4..]);
            put_chunk(&mut out, b"VP8X", &vp8x)?;
            for (fourcc, payload) in &list[1..] {
                match fourcc {
                    b"VP8 " | b"VP8L" => {
                        check_bitstream(fourcc, payload, limits)?;
                        has_image = true;
                        put_chunk(&mut out, fourcc, payload)?;
                    }
                    b"ALPH" => put_chunk(&mut out, fourcc, payload)?,
                    b"ANIM" => {
                        if payload.len() != 6 {
                            return Err(malformed("WebP animation header"));
                        }
                        put_chunk(&mut out, fourcc, payload)?;
                    }
                    b"ANMF" => {
                        let frame = clean_anmf(payload, limits)?;
                        has_image = true;
                        put_chunk(&mut out, fourcc, &frame)?;
                    }
                    // EXIF, XMP, ICCP, unknown chunks.
                    _ => {}
                }
            }
        }
        _ => return Err(malformed("WebP without a known first chunk")),
    }
    if !has_image {
        return Err(malformed("WebP without image data"));
    }
    let size = u32::try_from(out.len() + 4).map_err(|_| CleanError::Limit("WebP size"))?;
    let mut file = Vec::with_capacity(out.len() + 12);
    file.extend_from_slice(b"RIFF");
    file.extend_from_slice(&size.to_le_bytes());
    file.extend_from_slice(b"WEBP");
    file.extend_from_slice(&out);
    Ok(file)
}

#[cfg(test)]
mod tests;
