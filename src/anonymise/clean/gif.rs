//! GIF cleaner: walks the blocks and keeps, by allow-list, only those a viewer needs to show
//! the picture or its animation. Never re-encodes: image data is copied byte for byte.
//!
//! Kept: the header (GIF87a/GIF89a), the logical screen descriptor and global colour table,
//! every image descriptor with its local colour table and LZW data sub-blocks, graphic control
//! extensions (rewritten to their one 4-byte block, reserved bits cleared), the looping
//! application extensions `NETSCAPE2.0` and `ANIMEXTS1.0` (rewritten to their loop-count
//! sub-block alone), and the trailer. Dropped: comment extensions (0xFE), plain-text extensions
//! (0x01), every other application extension (XMP is `XMP DataXMP`, ICC is `ICCRGBG1012`),
//! unknown extensions, and anything after the trailer.

use super::{CleanError, CleanLimits};

const TRAILER: u8 = 0x3B;
const IMAGE: u8 = 0x2C;
const EXTENSION: u8 = 0x21;
const GRAPHIC_CONTROL: u8 = 0xF9;
const APPLICATION: u8 = 0xFF;

fn malformed(what: &'static str) -> CleanError {
    CleanError::Malformed(what)
}

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn check_size(width: u16, height: u16, limits: &CleanLimits) -> Result<(), CleanError> {
    if u64::from(width) * u64::from(height) > limits.max_image_pixels {
        return Err(CleanError::Limit("image dimensions"));
    }
    Ok(())
}

/// Size in bytes of the colour table a packed field announces (bit 7 set, size in bits 0–2).
fn table_len(packed: u8) -> usize {
    if packed & 0x80 != 0 {
        3 << ((packed & 0x07) + 1)
    } else {
        0
    }
}

/// Reads the data sub-blocks starting at `pos` up to their zero terminator. Returns each
/// block's content and the position after the terminator.
fn sub_blocks(bytes: &[u8], mut pos: usize) -> Result<(Vec<&[u8]>, usize), CleanError> {
    let mut blocks = Vec::new();
    loop {
        let size = usize::from(*bytes.get(pos).ok_or(malformed("GIF sub-block cut short"))?);
        if size == 0 {
            return Ok((blocks, pos + 1));
        }
        let block = bytes
            .get(pos + 1..pos + 1 + size)
            .ok_or(malformed("GIF sub-block cut short"))?;
        blocks.push(block);
        pos += 1 + size;
    }
}

/// Skips the data sub-blocks starting at `pos`; returns the position after the terminator.
fn skip_sub_blocks(bytes: &[u8], mut pos: usize) -> Result<usize, CleanError> {
    loop {
        let size = usize::from(*bytes.get(pos).ok_or(malformed("GIF sub-block cut short"))?);
        pos += 1 + size;
        if size == 0 {
            return Ok(pos);
        }
        if pos > bytes.len() {
            return Err(malformed("GIF sub-block cut short"));
        }
    }
}

/// Cleans one GIF file.
pub(super) fn clean(bytes: &[u8], limits: &CleanLimits) -> Result<Vec<u8>, CleanError> {
    match bytes.get(..6) {
        Some(b"GIF87a" | b"GIF89a") => {}
        _ => return Err(malformed("GIF header")),
    }
    let screen = bytes
        .get(6..13)
        .ok_or(malformed("GIF screen descriptor cut short"))?;
    check_size(le16(screen, 0), le16(screen, 2), limits)?;
    let mut pos = 13 + table_len(screen[4]);
    let head = bytes
        .get(..pos)
        .ok_or(malformed("GIF colour table cut short"))?;
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(head);
    loop {
        match bytes.get(pos) {
            None => return Err(malformed("GIF ends without trailer")),
            Some(&TRAILER) => {
                out.push(TRAILER);
                return Ok(out);
            }
            Some(&IMAGE) => {
                let desc = bytes
                    .get(pos..pos + 10)
                    .ok_or(malformed("GIF image descriptor cut short"))?;
                check_size(le16(desc, 5), le16(desc, 7), limits)?;
                // Local colour table, then the LZW minimum code size, then data sub-blocks.
                let code_size_at = pos + 10 + table_len(desc[9]);
                if bytes.get(code_size_at).is_none() {
                    return Err(malformed("GIF image data cut short"));
                }
                let end = skip_sub_blocks(bytes, code_size_at + 1)?;
                out.extend_from_slice(&bytes[pos..end]);
                pos = end;
            }
            Some(&EXTENSION) => {
                let label = *bytes
                    .get(pos + 1)
                    .ok_or(malformed("GIF extension cut short"))?;
                let (blocks, end) = sub_blocks(bytes, pos + 2)?;
                match label {
                    GRAPHIC_CONTROL => {
                        if let Some(&[packed, d0, d1, transparent]) = blocks.first().copied() {
                            out.extend_from_slice(&[EXTENSION, GRAPHIC_CONTROL, 4]);
                            out.extend_from_slice(&[packed & 0x1F, d0, d1, transparent, 0]);
                        }
                    }
                    APPLICATION => {
                        if let Some(&id @ (b"NETSCAPE2.0" | b"ANIMEXTS1.0")) = blocks.first()
                            && let Some(&[1, lo, hi]) = blocks[1..]
                                .iter()
                                .copied()
                                .find(|b| b.first() == Some(&1) && b.len() == 3)
                        {
                            out.extend_from_slice(&[EXTENSION, APPLICATION, 11]);
                            out.extend_from_slice(id);
                            out.extend_from_slice(&[3, 1, lo, hi, 0]);
                        }
                    }
                    // Comments, plain text, unknown extensions.
                    _ => {}
                }
                pos = end;
            }
            Some(_) => return Err(malformed("GIF unknown block")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::jpeg::test_support::{fuzz, icc_profile, tokens_in, xmp_packet};
    use super::super::{CleanError, CleanLimits};
    use super::clean;
    use gif::{AnyExtension, ColorOutput, DecodeOptions, DisposalMethod, Encoder, Frame, Repeat};
    use std::io::Write;

    const W: u16 = 17;
    const H: u16 = 11;

    const PALETTE: [u8; 12] = [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255];

    fn indexed(shift: usize) -> Vec<u8> {
        (0..usize::from(W) * usize::from(H))
            .map(|i| ((i / 3 + shift) % 4) as u8)
            .collect()
    }

    /// The XMP application extension as Adobe writes it: the packet raw (its bytes read as
    /// sub-block sizes) followed by the 257-byte "magic trailer" ramp and a terminator.
    fn xmp_extension() -> Vec<u8> {
        let mut e = vec![0x21, 0xFF, 11];
        e.extend_from_slice(b"XMP DataXMP");
        e.extend(xmp_packet());
        e.push(1);
        e.extend((0..=255u8).rev());
        e.push(0);
        e
    }

    /// An animated GIF: a looping extension, a comment, a plain-text extension, XMP, ICC and a
    /// private application extension, an unknown extension, one frame in the global palette and
    /// one with its own, and trailing data after the trailer.
    fn dirty(with_loop: bool) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = Encoder::new(&mut out, W, H, &PALETTE).unwrap();
            if with_loop {
                enc.set_repeat(Repeat::Infinite).unwrap();
            }
            enc.write_raw_extension(AnyExtension(0xFE), &[b"PLANTIMGCOMMENT"])
                .unwrap();
            enc.get_mut().write_all(&xmp_extension()).unwrap();
            let icc = icc_profile();
            enc.write_raw_extension(AnyExtension(0xFF), &[b"ICCRGBG1012", &icc])
                .unwrap();
            let mut f1 = Frame::from_indexed_pixels(W, H, indexed(0), Some(3));
            f1.delay = 10;
            f1.dispose = DisposalMethod::Background;
            enc.write_frame(&f1).unwrap();
            enc.write_raw_extension(
                AnyExtension(0x01),
                &[&[0, 0, 0, 0, 17, 0, 11, 0, 8, 8, 1, 0], b"PLANTIMGTEXT"],
            )
            .unwrap();
            enc.write_raw_extension(AnyExtension(0xFF), &[b"PRIVATE01.0", b"PLANTIMGPRIV"])
                .unwrap();
            enc.write_raw_extension(AnyExtension(0x7A), &[b"PLANTIMGPRIV unknown"])
                .unwrap();
            let pal2 = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120];
            let mut f2 = Frame::from_palette_pixels(7, 5, indexed(1)[..35].to_vec(), pal2, None);
            f2.left = 3;
            f2.top = 2;
            f2.delay = 20;
            f2.interlaced = true;
            enc.write_frame(&f2).unwrap();
        }
        out.extend_from_slice(b"PLANTIMGTRAIL appended file");
        out
    }

    /// What the gif crate (independent of the cleaner) reads: screen, loop, XMP and ICC found,
    /// and each frame's position, timing and RGBA pixels.
    struct Decoded {
        size: (u16, u16),
        repeat: Repeat,
        xmp: bool,
        icc: bool,
        frames: Vec<(u16, u16, u16, u16, u16, Vec<u8>)>,
    }

    fn decode(bytes: &[u8]) -> Decoded {
        let mut options = DecodeOptions::new();
        options.set_color_output(ColorOutput::RGBA);
        options.check_lzw_end_code(true);
        // The dirty files hold an unknown extension; the clean ones have none left.
        options.allow_unknown_blocks(true);
        let mut d = options.read_info(bytes).expect("reads the header");
        let mut frames = Vec::new();
        while let Some(f) = d.read_next_frame().expect("decodes a frame") {
            frames.push((f.left, f.top, f.width, f.height, f.delay, f.buffer.to_vec()));
        }
        Decoded {
            size: (d.width(), d.height()),
            repeat: d.repeat(),
            xmp: d.xmp_metadata().is_some(),
            icc: d.icc_profile().is_some(),
            frames,
        }
    }

    #[test]
    fn gif_loses_comments_text_xmp_icc_and_private_extensions() {
        let limits = CleanLimits::default();
        let dirty = dirty(true);
        assert_eq!(tokens_in(&dirty).len(), 6, "{:?}", tokens_in(&dirty));
        let before = decode(&dirty);
        assert!(before.xmp && before.icc);

        let cleaned = clean(&dirty, &limits).expect("cleans");
        assert_eq!(tokens_in(&cleaned), Vec::<&str>::new());
        let after = decode(&cleaned);
        assert!(!after.xmp && !after.icc);
        assert_eq!(after.size, (W, H));
        assert_eq!(after.size, before.size);
        assert_eq!(after.repeat, Repeat::Infinite);
        assert_eq!(after.frames.len(), 2);
        assert!(after.frames == before.frames, "pixels or timing changed");
        let (left, top, width, height, delay, _) = &after.frames[1];
        assert_eq!((*left, *top, *width, *height, *delay), (3, 2, 7, 5, 20));
        assert_eq!(cleaned.last(), Some(&0x3B), "nothing after the trailer");
        assert_eq!(
            clean(&cleaned, &limits).as_ref(),
            Ok(&cleaned),
            "idempotent"
        );
    }

    #[test]
    fn clean_gif_passes_through_byte_identical() {
        let limits = CleanLimits::default();
        for with_loop in [true, false] {
            let mut out = Vec::new();
            {
                let mut enc = Encoder::new(&mut out, W, H, &PALETTE).unwrap();
                if with_loop {
                    enc.set_repeat(Repeat::Finite(3)).unwrap();
                }
                let mut f = Frame::from_indexed_pixels(W, H, indexed(2), Some(0));
                f.delay = 5;
                enc.write_frame(&f).unwrap();
                enc.write_frame(&Frame::from_indexed_pixels(W, H, indexed(1), None))
                    .unwrap();
            }
            assert_eq!(clean(&out, &limits).unwrap(), out);
        }
        // A GIF87a without any extension.
        let mut out = Vec::new();
        {
            let mut enc = Encoder::new(&mut out, W, H, &PALETTE).unwrap();
            enc.write_frame(&Frame::from_indexed_pixels(W, H, indexed(0), None))
                .unwrap();
        }
        out[..6].copy_from_slice(b"GIF87a");
        assert_eq!(clean(&out, &limits).unwrap(), out);
        assert_eq!(decode(&out).frames.len(), 1);
    }

    #[test]
    fn looping_extension_keeps_only_its_loop_count() {
        let limits = CleanLimits::default();
        let mut out = Vec::new();
        {
            let mut enc = Encoder::new(&mut out, W, H, &PALETTE).unwrap();
            // ANIMEXTS1.0 with a buffering sub-block and the loop count, and an
            // extra block that carries a token.
            enc.write_raw_extension(
                AnyExtension(0xFF),
                &[
                    b"ANIMEXTS1.0",
                    &[2, 0, 16, 0, 0],
                    &[1, 7, 0],
                    b"PLANTIMGPRIV",
                ],
            )
            .unwrap();
            enc.write_frame(&Frame::from_indexed_pixels(W, H, indexed(0), None))
                .unwrap();
        }
        let cleaned = clean(&out, &limits).unwrap();
        assert_eq!(tokens_in(&cleaned), Vec::<&str>::new());
        let mut expected = b"\x21\xFF\x0BANIMEXTS1.0\x03\x01\x07\x00\x00".to_vec();
        let at = cleaned
            .windows(expected.len())
            .position(|w| w == expected.as_slice());
        assert!(at.is_some());
        // NETSCAPE2.0 without a loop sub-block is dropped.
        expected = out.clone();
        let mut d = out[..13 + 12].to_vec();
        d.extend_from_slice(b"\x21\xFF\x0BNETSCAPE2.0\x05\x02PLAN\x00");
        d.extend_from_slice(&out[13 + 12..]);
        let cleaned_d = clean(&d, &limits).unwrap();
        assert_eq!(cleaned_d, clean(&expected, &limits).unwrap());
    }

    #[test]
    fn graphic_control_keeps_its_one_block() {
        let limits = CleanLimits::default();
        let plain = {
            let mut out = Vec::new();
            let mut enc = Encoder::new(&mut out, W, H, &PALETTE).unwrap();
            let mut f = Frame::from_indexed_pixels(W, H, indexed(0), Some(2));
            f.delay = 9;
            enc.write_frame(&f).unwrap();
            drop(enc);
            out
        };
        let gce = plain
            .windows(3)
            .position(|w| w == [0x21, 0xF9, 0x04])
            .unwrap();
        // A second sub-block after the four bytes, and reserved bits set.
        let mut d = plain[..gce + 3].to_vec();
        d.push(plain[gce + 3] | 0xE0);
        d.extend_from_slice(&plain[gce + 4..gce + 7]);
        d.extend_from_slice(b"\x0CPLANTIMGPRIV\x00");
        d.extend_from_slice(&plain[gce + 8..]);
        // The gif crate refuses such a block; the cleaner brings it back to the standard form.
        assert!(DecodeOptions::new().read_info(d.as_slice()).is_err());
        let cleaned = clean(&d, &limits).unwrap();
        assert_eq!(cleaned, plain);
        assert_eq!(decode(&cleaned).frames[0].4, 9);
    }

    #[test]
    fn truncated_gif_is_malformed() {
        let limits = CleanLimits::default();
        let full = clean(&dirty(true), &limits).unwrap();
        for cut in 0..full.len() {
            let r = clean(&full[..cut], &limits);
            assert!(
                matches!(r, Err(CleanError::Malformed(_))),
                "cut {cut}: {r:?}"
            );
        }
        let mut odd = full.clone();
        odd.insert(odd.len() - 1, 0x42);
        assert!(matches!(
            clean(&odd, &limits),
            Err(CleanError::Malformed(_))
        ));
    }

    #[test]
    fn screen_and_frame_sizes_are_checked_against_the_limit() {
        let exact = CleanLimits {
            max_image_pixels: u64::from(W) * u64::from(H),
            ..CleanLimits::default()
        };
        let tight = CleanLimits {
            max_image_pixels: u64::from(W) * u64::from(H) - 1,
            ..CleanLimits::default()
        };
        let d = dirty(true);
        assert!(clean(&d, &exact).is_ok());
        assert_eq!(
            clean(&d, &tight),
            Err(CleanError::Limit("image dimensions"))
        );
        // A frame larger than the screen.
        let mut big = clean(&d, &exact).unwrap();
        let at = big.iter().position(|&b| b == 0x2C).unwrap();
        big[at + 5..at + 9].fill(0xFF);
        assert!(matches!(clean(&big, &exact), Err(CleanError::Limit(_))));
    }

    #[test]
    fn never_panics_on_random_or_mutated_input() {
        fuzz(b"GIF89a", vec![dirty(true), dirty(false)], clean, 0);
    }
}
