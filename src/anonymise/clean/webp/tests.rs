use super::super::jpeg::test_support::{
    exif_tags, exif_tiff, fuzz, icc_profile, tokens_in, xmp_packet,
};
use super::super::{CleanError, CleanLimits};
use super::clean;
use image_webp::{ColorType, WebPDecoder, WebPEncoder};
use std::io::Cursor;

const W: u32 = 21;
const H: u32 = 14;

/// A lossy WebP with alpha (VP8X, ALPH, VP8), 12×10, made once with libwebp's cwebp 1.2.4
/// (`-q 10 -alpha_q 30 -m 6 -metadata none`) from a generated gradient: image-webp has no
/// lossy encoder.
const LOSSY_ALPHA: &str = concat!(
    "524946467a00000057454250565038580a000000100000000b0000090000414c",
    "50481c000000110ff09eff8888a020920dea3d7f3d94514f691522fadf8395e9",
    "b30f56503820380000007001009d012a0c000a0007409625b00274008b0000fe",
    "da6c0151f9f0c8852b798b0e4ab12ee4401cc801dffe201a331ce79564bedc54",
    "0000",
);
/// The same picture without alpha, in the simple lossy format (one VP8 chunk).
const LOSSY: &str = concat!(
    "52494646440000005745425056503820380000009001009d012a0c000a000740",
    "9625b00274008bfe0000feda6c0151f9f0c8852b798b0e4ab12ee4401cc801cf",
    "f6f893e73e44adf737000000",
);

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn rgba(frame: u32) -> Vec<u8> {
    let mut p = Vec::new();
    for y in 0..H {
        for x in 0..W {
            p.extend_from_slice(&[
                (x * 11 + frame * 50) as u8,
                (y * 19) as u8,
                ((x + y) * 7) as u8,
                if (x + y) % 4 == 0 { 90 } else { 255 },
            ]);
        }
    }
    p
}

fn chunk(fourcc: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut c = fourcc.to_vec();
    c.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    c.extend_from_slice(payload);
    if payload.len() % 2 == 1 {
        c.push(0);
    }
    c
}

fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = chunks.concat();
    let mut f = b"RIFF".to_vec();
    f.extend_from_slice(&(body.len() as u32 + 4).to_le_bytes());
    f.extend_from_slice(b"WEBP");
    f.extend(body);
    f
}

/// The chunks of a file, read by the test itself.
fn chunk_list(f: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut pos = 12;
    let mut list = Vec::new();
    while pos + 8 <= f.len() {
        let size = u32::from_le_bytes(f[pos + 4..pos + 8].try_into().unwrap()) as usize;
        list.push((
            String::from_utf8_lossy(&f[pos..pos + 4]).into_owned(),
            f[pos + 8..pos + 8 + size].to_vec(),
        ));
        pos += 8 + size + size % 2;
    }
    list
}

/// A lossless frame as image-webp encodes it (simple format), and its VP8L payload.
fn lossless(frame: u32) -> (Vec<u8>, Vec<u8>) {
    let mut f = Vec::new();
    WebPEncoder::new(&mut f)
        .encode(&rgba(frame), W, H, ColorType::Rgba8)
        .unwrap();
    let vp8l = chunk_list(&f).remove(0);
    assert_eq!(vp8l.0, "VP8L");
    (f, vp8l.1)
}

/// image-webp's own extended file with ICC, EXIF (orientation 6, GPS, serial) and XMP, plus
/// a private chunk, and trailing data after the RIFF.
fn dirty_still() -> Vec<u8> {
    let mut f = Vec::new();
    let mut enc = WebPEncoder::new(&mut f);
    enc.set_icc_profile(icc_profile());
    enc.set_exif_metadata(exif_tiff(6, false));
    enc.set_xmp_metadata(xmp_packet());
    enc.encode(&rgba(0), W, H, ColorType::Rgba8).unwrap();
    let mut chunks: Vec<Vec<u8>> = chunk_list(&f)
        .iter()
        .map(|(n, p)| chunk(n.as_bytes().try_into().unwrap(), p))
        .collect();
    chunks.push(chunk(b"PRIV", b"PLANTIMGPRIV odd"));
    let mut d = riff(&chunks);
    d.extend_from_slice(b"PLANTIMGTRAIL appended file");
    d
}

/// An animated WebP of two lossless frames, with metadata at the top level and a private
/// chunk inside a frame.
fn dirty_animated() -> Vec<u8> {
    let mut vp8x = vec![0x10 | 0x08 | 0x04 | 0x02 | 0x20 | 0xC1, 0xAA, 0xBB, 0xCC];
    vp8x.extend_from_slice(&(W - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(H - 1).to_le_bytes()[..3]);
    let mut frames = Vec::new();
    for n in 0..2 {
        let mut anmf = vec![0, 0, 0, 0, 0, 0];
        anmf.extend_from_slice(&(W - 1).to_le_bytes()[..3]);
        anmf.extend_from_slice(&(H - 1).to_le_bytes()[..3]);
        anmf.extend_from_slice(&[100, 0, 0]); // 100 ms
        anmf.push(0xFC | 0x02); // reserved bits set, no blending
        anmf.extend(chunk(b"VP8L", &lossless(n).1));
        anmf.extend(chunk(b"PRIV", b"PLANTIMGANIM in a frame"));
        frames.push(chunk(b"ANMF", &anmf));
    }
    let mut chunks = vec![
        chunk(b"VP8X", &vp8x),
        chunk(b"ICCP", &icc_profile()),
        chunk(b"ANIM", &[255, 255, 255, 255, 0, 0]),
    ];
    chunks.extend(frames);
    chunks.push(chunk(b"EXIF", &exif_tiff(6, true)));
    chunks.push(chunk(b"XMP ", &xmp_packet()));
    riff(&chunks)
}

/// What image-webp (independent of the cleaner) reads: size, metadata found, and the
/// pixels of each frame.
struct Decoded {
    size: (u32, u32),
    icc: bool,
    exif: bool,
    xmp: bool,
    frames: Vec<Vec<u8>>,
}

fn decode(bytes: &[u8]) -> Decoded {
    let mut d = WebPDecoder::new(Cursor::new(bytes)).expect("reads the header");
    let icc = d.icc_profile().unwrap().is_some();
    let exif = d.exif_metadata().unwrap().is_some();
    let xmp = d.xmp_metadata().unwrap().is_some();
    let mut frames = Vec::new();
    let len = d.output_buffer_size().unwrap();
    if d.is_animated() {
        for _ in 0..d.num_frames() {
            let mut buf = vec![0; len];
            d.read_frame(&mut buf).expect("decodes a frame");
            frames.push(buf);
        }
    } else {
        let mut buf = vec![0; len];
        d.read_image(&mut buf).expect("decodes");
        frames.push(buf);
    }
    Decoded {
        size: d.dimensions(),
        icc,
        exif,
        xmp,
        frames,
    }
}

fn check_clean(dirty: &[u8], tokens: usize) {
    let limits = CleanLimits::default();
    assert_eq!(tokens_in(dirty).len(), tokens, "{:?}", tokens_in(dirty));
    assert!(
        exif_tags(dirty)
            .iter()
            .any(|t| t.0 == exif::Tag::GPSLatitude)
    );
    let before = decode(dirty);
    assert!(before.icc && before.exif && before.xmp);

    let cleaned = clean(dirty, &limits).expect("cleans");
    assert_eq!(tokens_in(&cleaned), Vec::<&str>::new());
    assert!(exif_tags(&cleaned).is_empty());
    let after = decode(&cleaned);
    assert!(!after.icc && !after.exif && !after.xmp);
    assert_eq!(after.size, (W, H));
    assert_eq!(after.size, before.size);
    assert_eq!(after.frames.len(), before.frames.len());
    assert!(after.frames == before.frames, "pixels changed by cleaning");
    let declared = u32::from_le_bytes(cleaned[4..8].try_into().unwrap()) as usize;
    assert_eq!(declared + 8, cleaned.len(), "RIFF size fixed");
    assert_eq!(
        clean(&cleaned, &limits).as_ref(),
        Ok(&cleaned),
        "idempotent"
    );
}

#[test]
fn still_webp_loses_exif_xmp_icc_and_private_chunks() {
    let d = dirty_still();
    check_clean(&d, 9);
    let cleaned = clean(&d, &CleanLimits::default()).unwrap();
    let list = chunk_list(&cleaned);
    let names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["VP8X", "VP8L"]);
    assert_eq!(list[0].1[0], 0x10, "only the alpha flag is left");
    assert_eq!(decode(&cleaned).frames[0], rgba(0));
}

#[test]
fn animated_webp_keeps_frames_and_cleans_inside_them() {
    let d = dirty_animated();
    check_clean(&d, 8);
    let cleaned = clean(&d, &CleanLimits::default()).unwrap();
    let list = chunk_list(&cleaned);
    let names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["VP8X", "ANIM", "ANMF", "ANMF"]);
    assert_eq!(
        &list[0].1[..4],
        &[0x12, 0, 0, 0],
        "flags and reserved bytes"
    );
    for (_, anmf) in &list[2..] {
        assert_eq!(anmf[15], 0x02, "reserved frame flags cleared");
        assert_eq!(&anmf[16..20], b"VP8L");
    }
    let frames = decode(&cleaned).frames;
    assert_eq!(frames.len(), 2);
    assert_ne!(frames[0], frames[1]);
}

#[test]
fn lossy_webp_with_alpha_keeps_alph_and_vp8() {
    let limits = CleanLimits::default();
    let original = unhex(LOSSY_ALPHA);
    // The same file with metadata chunks added after the image.
    let mut chunks: Vec<Vec<u8>> = chunk_list(&original)
        .iter()
        .map(|(n, p)| chunk(n.as_bytes().try_into().unwrap(), p))
        .collect();
    chunks[0][8] |= 0x08 | 0x04;
    chunks.push(chunk(b"EXIF", &exif_tiff(6, false)));
    chunks.push(chunk(b"XMP ", &xmp_packet()));
    let dirty = riff(&chunks);
    let cleaned = clean(&dirty, &limits).unwrap();
    assert_eq!(cleaned, original, "back to the encoder's output");
    assert_eq!(
        clean(&original, &limits).unwrap(),
        original,
        "passes through"
    );
    let (a, b) = (decode(&dirty), decode(&cleaned));
    assert_eq!(a.size, (12, 10));
    assert!(a.frames == b.frames);
    let simple = unhex(LOSSY);
    assert_eq!(clean(&simple, &limits).unwrap(), simple, "passes through");
    assert_eq!(decode(&simple).size, (12, 10));
}

#[test]
fn clean_lossless_passes_through_byte_identical() {
    let (simple, _) = lossless(0);
    assert_eq!(clean(&simple, &CleanLimits::default()).unwrap(), simple);
}

#[test]
fn trailing_data_is_dropped() {
    let (mut simple, _) = lossless(0);
    let original = simple.clone();
    simple.extend_from_slice(b"PLANTIMGTRAIL");
    assert_eq!(clean(&simple, &CleanLimits::default()).unwrap(), original);
}

#[test]
fn truncated_webp_is_malformed() {
    let limits = CleanLimits::default();
    for f in [dirty_animated(), unhex(LOSSY_ALPHA)] {
        // Every cut but the last byte, whose padding loss is tolerated.
        for cut in 0..f.len() - 1 {
            let r = clean(&f[..cut], &limits);
            assert!(
                matches!(r, Err(CleanError::Malformed(_))),
                "cut {cut}: {r:?}"
            );
        }
    }
    // A chunk size past the end of the RIFF.
    let mut f = unhex(LOSSY);
    f[16..20].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    assert!(matches!(clean(&f, &limits), Err(CleanError::Malformed(_))));
    // Metadata only, no picture.
    let d = riff(&[
        chunk(b"VP8X", &[0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        chunk(b"EXIF", &exif_tiff(1, false)),
    ]);
    assert!(matches!(clean(&d, &limits), Err(CleanError::Malformed(_))));
}

#[test]
fn missing_final_padding_is_tolerated_and_written() {
    let limits = CleanLimits::default();
    let mut vp8x = vec![0x10, 0, 0, 0];
    vp8x.extend_from_slice(&(W - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(H - 1).to_le_bytes()[..3]);
    // A kept chunk of odd size last, so that the file ends with its padding byte.
    let odd = riff(&[
        chunk(b"VP8X", &vp8x),
        chunk(b"VP8L", &lossless(0).1),
        chunk(b"ALPH", &[0, 1, 2]),
    ]);
    assert_eq!(odd.last(), Some(&0));
    assert_eq!(clean(&odd, &limits).unwrap(), odd);
    let mut cut = odd[..odd.len() - 1].to_vec();
    let size = u32::from_le_bytes(cut[4..8].try_into().unwrap()) - 1;
    cut[4..8].copy_from_slice(&size.to_le_bytes());
    assert_eq!(clean(&cut, &limits).unwrap(), odd);
    // A non-zero padding byte is written as zero.
    let mut dirty_pad = odd.clone();
    *dirty_pad.last_mut().unwrap() = b'P';
    assert_eq!(clean(&dirty_pad, &limits).unwrap(), odd);
}

#[test]
fn canvas_frame_and_bitstream_sizes_are_checked_against_the_limit() {
    let tight = CleanLimits {
        max_image_pixels: u64::from(W * H) - 1,
        ..CleanLimits::default()
    };
    let exact = CleanLimits {
        max_image_pixels: u64::from(W * H),
        ..CleanLimits::default()
    };
    for f in [dirty_still(), dirty_animated(), lossless(0).0] {
        assert!(clean(&f, &exact).is_ok());
        assert_eq!(
            clean(&f, &tight),
            Err(CleanError::Limit("image dimensions"))
        );
    }
    let lossy_tight = CleanLimits {
        max_image_pixels: 119,
        ..CleanLimits::default()
    };
    assert!(matches!(
        clean(&unhex(LOSSY), &lossy_tight),
        Err(CleanError::Limit(_))
    ));
    // A 16777216×16777216 canvas with a small bitstream.
    let mut giant = unhex(LOSSY_ALPHA);
    giant[24..30].fill(0xFF);
    assert!(matches!(
        clean(&giant, &CleanLimits::default()),
        Err(CleanError::Limit(_))
    ));
    // A frame larger than its canvas's limit inside an animation.
    let d = dirty_animated();
    let at = d.windows(4).position(|w| w == b"ANMF").unwrap();
    let mut big = d.clone();
    big[at + 8 + 6..at + 8 + 12].fill(0xFF);
    assert!(matches!(
        clean(&big, &CleanLimits::default()),
        Err(CleanError::Limit(_))
    ));
}

#[test]
fn never_panics_on_random_or_mutated_input() {
    fuzz(
        b"RIFF\x00\x01\x00\x00WEBPVP8X",
        vec![
            dirty_still(),
            dirty_animated(),
            unhex(LOSSY_ALPHA),
            unhex(LOSSY),
        ],
        clean,
        16,
    );
}
