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
