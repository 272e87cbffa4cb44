use super::super::jpeg::test_support::{
    exif_tags, exif_tiff, fuzz, icc_profile, tokens_in, xmp_packet,
};
use super::super::{CleanError, CleanLimits};
use super::{SIGNATURE, clean, crc32};
use png::{
    BitDepth, ColorType, Encoder, Info, PixelDimensions, ScaledFloat, SourceChromaticities,
    SrgbRenderingIntent, Transformations, Unit, chunk,
};
use std::borrow::Cow;
use std::io::Cursor;

const W: u32 = 19;
const H: u32 = 13;

fn rgba(frame: u32) -> Vec<u8> {
    let mut p = Vec::new();
    for y in 0..H {
        for x in 0..W {
            p.extend_from_slice(&[
                (x * 13 + frame * 40) as u8,
                (y * 17) as u8,
                ((x ^ y) * 9) as u8,
                (255 - x * 3) as u8,
            ]);
        }
    }
    p
}

/// What an independent decoder (the `png` crate) sees in a file: the header fields and
/// metadata it parsed, and each frame's pixels.
struct Decoded {
    info: Info<'static>,
    frames: Vec<Vec<u8>>,
}

fn decode(bytes: &[u8]) -> Decoded {
    let mut d = png::Decoder::new(Cursor::new(bytes));
    d.set_transformations(Transformations::IDENTITY);
    let mut reader = d.read_info().expect("reads the header");
    let n = reader.info().animation_control.map_or(1, |a| a.num_frames);
    let mut frames = Vec::new();
    for _ in 0..n {
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let out = reader.next_frame(&mut buf).expect("decodes a frame");
        buf.truncate(out.buffer_size());
        frames.push(buf);
    }
    reader.finish().expect("reads to IEND");
    Decoded {
        info: reader.info().clone(),
        frames,
    }
}

/// An RGBA PNG (or a two-frame APNG) carrying every kind of metadata, before and after the
/// image data, then trailing data after IEND.
fn dirty(animated: bool) -> Vec<u8> {
    let mut info = Info::with_size(W, H);
    info.color_type = ColorType::Rgba;
    info.bit_depth = BitDepth::Eight;
    info.source_gamma = Some(ScaledFloat::new(0.45455));
    info.source_chromaticities = Some(SourceChromaticities::new(
        (0.3127, 0.3290),
        (0.64, 0.33),
        (0.30, 0.60),
        (0.15, 0.06),
    ));
    info.pixel_dims = Some(PixelDimensions {
        xppu: 2835,
        yppu: 2835,
        unit: Unit::Meter,
    });
    info.icc_profile = Some(Cow::Owned(icc_profile()));
    info.exif_metadata = Some(Cow::Owned(exif_tiff(6, false)));
    let mut out = Vec::new();
    let mut enc = Encoder::with_info(&mut out, info).unwrap();
    enc.add_text_chunk("Author".into(), "PLANTIMGTEXT".into())
        .unwrap();
    enc.add_ztxt_chunk("Comment".into(), "PLANTIMGZTXT".into())
        .unwrap();
    enc.add_itxt_chunk(
        "XML:com.adobe.xmp".into(),
        String::from_utf8(xmp_packet()).unwrap(),
    )
    .unwrap();
    if animated {
        enc.set_animated(2, 0).unwrap();
    }
    let mut w = enc.write_header().unwrap();
    w.write_chunk(chunk::tIME, &[0x07, 0xE8, 5, 6, 7, 8, 9])
        .unwrap();
    w.write_chunk(
        chunk::ChunkType(*b"sPLT"),
        b"PLANTIMGPRIV\0\x08\x01\x02\x03\x04\x00\x05",
    )
    .unwrap();
    w.write_chunk(chunk::ChunkType(*b"prVt"), b"PLANTIMGPRIV private")
        .unwrap();
    w.write_chunk(chunk::cICP, &[1, 13, 0, 1]).unwrap();
    w.write_chunk(chunk::sBIT, &[8, 8, 8, 8]).unwrap();
    w.write_chunk(chunk::bKGD, &[0, 1, 0, 2, 0, 3]).unwrap();
    w.write_image_data(&rgba(0)).unwrap();
    if animated {
        w.write_image_data(&rgba(1)).unwrap();
    }
    w.write_chunk(chunk::tEXt, b"Comment\0PLANTIMGTEXT after the image")
        .unwrap();
    w.finish().unwrap();
    out.extend_from_slice(b"PLANTIMGTRAIL appended file");
    out
}

fn chunk_types(png: &[u8]) -> Vec<String> {
    let mut pos = 8;
    let mut types = Vec::new();
    while pos + 8 <= png.len() {
        let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
        types.push(String::from_utf8_lossy(&png[pos + 4..pos + 8]).into_owned());
        pos += 12 + len;
    }
    types
}

fn check_clean(animated: bool) {
    let limits = CleanLimits::default();
    let dirty = dirty(animated);
    // All but the zTXt token (compressed) are visible in the bytes.
    assert_eq!(tokens_in(&dirty).len(), 9, "{:?}", tokens_in(&dirty));
    let before = decode(&dirty);
    assert!(before.info.icc_profile.is_some());
    assert!(before.info.exif_metadata.is_some());
    assert_eq!(before.info.uncompressed_latin1_text.len(), 2);
    assert_eq!(
        before.info.compressed_latin1_text[0].get_text().unwrap(),
        "PLANTIMGZTXT"
    );
    assert_eq!(before.info.utf8_text.len(), 1);
    assert!(
        exif_tags(&dirty)
            .iter()
            .any(|t| t.0 == exif::Tag::GPSLatitude)
    );

    let cleaned = clean(&dirty, &limits).expect("cleans");
    assert_eq!(tokens_in(&cleaned), Vec::<&str>::new());
    assert!(
        exif_tags(&cleaned).is_empty(),
        "no EXIF at all, not even orientation"
    );
    let after = decode(&cleaned);
    assert!(after.info.icc_profile.is_none());
    assert!(after.info.exif_metadata.is_none());
    assert!(after.info.uncompressed_latin1_text.is_empty());
    assert!(after.info.compressed_latin1_text.is_empty());
    assert!(after.info.utf8_text.is_empty());
    // What is needed to show the picture stays.
    assert_eq!((after.info.width, after.info.height), (W, H));
    assert_eq!(after.info.gama_chunk, before.info.gama_chunk);
    assert_eq!(after.info.chrm_chunk, before.info.chrm_chunk);
    let dims = |i: &Info| {
        i.pixel_dims
            .map(|d| (d.xppu, d.yppu, d.unit == Unit::Meter))
    };
    assert_eq!(dims(&after.info), Some((2835, 2835, true)));
    assert_eq!(
        after.info.coding_independent_code_points,
        before.info.coding_independent_code_points
    );
    assert_eq!(after.info.sbit.as_deref(), Some(&[8, 8, 8, 8][..]));
    assert_eq!(after.info.bkgd, before.info.bkgd);
    assert_eq!(
        after.info.animation_control.map(|a| a.num_frames),
        animated.then_some(2)
    );
    assert_eq!(after.frames.len(), before.frames.len());
    assert!(after.frames == before.frames, "pixels changed by cleaning");
    assert_eq!(after.frames[0], rgba(0));
    assert!(
        cleaned.ends_with(b"IEND\xAE\x42\x60\x82"),
        "nothing after IEND"
    );

    let mut expected = vec!["IHDR", "pHYs", "gAMA", "cHRM"];
    if animated {
        expected.push("acTL");
    }
    expected.extend(["cICP", "sBIT", "bKGD"]);
    if animated {
        expected.extend(["fcTL", "IDAT", "fcTL", "fdAT"]);
    } else {
        expected.push("IDAT");
    }
    expected.push("IEND");
    assert_eq!(chunk_types(&cleaned), expected);
    assert_eq!(
        clean(&cleaned, &limits).as_ref(),
        Ok(&cleaned),
        "idempotent"
    );
}

#[test]
fn png_loses_text_exif_time_icc_and_private_chunks() {
    check_clean(false);
}

#[test]
fn apng_keeps_its_frames() {
    check_clean(true);
}

/// A palette image with tRNS, sRGB and bKGD, which are all kept.
fn palette_png() -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = Encoder::new(&mut out, 4, 3);
    enc.set_color(ColorType::Indexed);
    enc.set_depth(BitDepth::Eight);
    enc.set_palette(vec![0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]);
    enc.set_trns(vec![0, 128, 255]);
    enc.set_source_srgb(SrgbRenderingIntent::Perceptual);
    let mut w = enc.write_header().unwrap();
    w.write_chunk(chunk::bKGD, &[2]).unwrap();
    w.write_image_data(&[0, 1, 2, 3, 3, 2, 1, 0, 1, 1, 2, 2])
        .unwrap();
    w.finish().unwrap();
    out
}

#[test]
fn clean_png_passes_through_byte_identical() {
    let limits = CleanLimits::default();
    let mut plain = Vec::new();
    let mut enc = Encoder::new(&mut plain, W, H);
    enc.set_color(ColorType::Rgba);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&rgba(0)).unwrap();
    w.finish().unwrap();
    assert_eq!(clean(&plain, &limits).unwrap(), plain);

    let pal = palette_png();
    let cleaned = clean(&pal, &limits).unwrap();
    assert_eq!(cleaned, pal);
    let d = decode(&cleaned);
    assert!(d.info.srgb.is_some());
    assert_eq!(d.info.trns.as_deref(), Some(&[0, 128, 255][..]));
    assert_eq!(d.info.bkgd.as_deref(), Some(&[2][..]));
}

/// Builds a chunk with the standard CRC (checked against the png crate below).
fn raw_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    c.extend_from_slice(&crc32(&[kind, data]).to_be_bytes());
    c
}

#[test]
fn crc_matches_the_png_crate() {
    let pal = palette_png();
    // The IEND chunk the png crate wrote, and the CRC of the standard's check value.
    assert!(pal.ends_with(&raw_chunk(b"IEND", &[])));
    assert_eq!(crc32(&[b"123456789"]), 0xCBF4_3926);
}

#[test]
fn giant_declared_size_is_over_the_limit() {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut giant = SIGNATURE.to_vec();
    giant.extend(raw_chunk(b"IHDR", &ihdr));
    giant.extend(raw_chunk(
        b"IDAT",
        &[0x78, 0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    giant.extend(raw_chunk(b"IEND", &[]));
    assert_eq!(
        clean(&giant, &CleanLimits::default()),
        Err(CleanError::Limit("image dimensions"))
    );
    // The same through a frame control chunk of an APNG.
    let dirty = dirty(true);
    let tight = CleanLimits {
        max_image_pixels: u64::from(W * H),
        ..CleanLimits::default()
    };
    assert!(clean(&dirty, &tight).is_ok());
    let at = dirty.windows(4).position(|w| w == b"fcTL").unwrap();
    let mut fctl: Vec<u8> = dirty[at + 4..at + 30].to_vec();
    fctl[4..8].copy_from_slice(&100_000u32.to_be_bytes());
    let mut big_frame = dirty[..at - 4].to_vec();
    big_frame.extend(raw_chunk(b"fcTL", &fctl));
    big_frame.extend_from_slice(&dirty[at + 34..]);
    assert!(matches!(
        clean(&big_frame, &tight),
        Err(CleanError::Limit(_))
    ));
}

#[test]
fn bad_crc_on_critical_chunk_is_malformed_on_ancillary_dropped() {
    let limits = CleanLimits::default();
    let dirty = dirty(false);
    let idat = dirty.windows(4).position(|w| w == b"IDAT").unwrap();
    let mut bad = dirty.clone();
    bad[idat + 5] ^= 0x40;
    assert!(matches!(
        clean(&bad, &limits),
        Err(CleanError::Malformed(_))
    ));

    let gama = dirty.windows(4).position(|w| w == b"gAMA").unwrap();
    let mut bad = dirty.clone();
    bad[gama + 5] ^= 0x40;
    let cleaned = clean(&bad, &limits).unwrap();
    assert!(!chunk_types(&cleaned).contains(&"gAMA".to_string()));
    assert!(decode(&cleaned).frames == decode(&dirty).frames);
}

#[test]
fn truncated_png_is_malformed() {
    let limits = CleanLimits::default();
    let pal = palette_png();
    for cut in 0..pal.len() {
        let r = clean(&pal[..cut], &limits);
        assert!(
            matches!(r, Err(CleanError::Malformed(_))),
            "cut {cut}: {r:?}"
        );
    }
    // A chunk length far past the end.
    let mut long = pal.clone();
    long[8..12].copy_from_slice(&0x7000_0000u32.to_be_bytes());
    assert!(matches!(
        clean(&long, &limits),
        Err(CleanError::Malformed(_))
    ));
}

#[test]
fn unknown_critical_chunk_and_misplaced_header_are_malformed() {
    let limits = CleanLimits::default();
    let pal = palette_png();
    let mut odd = pal[..33].to_vec(); // signature and IHDR
    odd.extend(raw_chunk(b"CgBI", &[0, 0, 0, 0]));
    odd.extend_from_slice(&pal[33..]);
    assert!(matches!(
        clean(&odd, &limits),
        Err(CleanError::Malformed(_))
    ));
    let mut late = SIGNATURE.to_vec();
    late.extend(raw_chunk(b"gAMA", &[0, 0, 0xB1, 0x8F]));
    late.extend_from_slice(&pal[8..]);
    assert!(matches!(
        clean(&late, &limits),
        Err(CleanError::Malformed(_))
    ));
}

#[test]
fn wrongly_sized_allowed_chunk_is_dropped() {
    let pal = palette_png();
    let mut d = pal[..33].to_vec();
    d.extend(raw_chunk(b"pHYs", b"PLANTIMGPRIV and more"));
    d.extend_from_slice(&pal[33..]);
    assert_eq!(clean(&d, &CleanLimits::default()).unwrap(), pal);
}

#[test]
fn never_panics_on_random_or_mutated_input() {
    fuzz(
        SIGNATURE,
        vec![dirty(false), dirty(true), palette_png()],
        clean,
        0,
    );
}
