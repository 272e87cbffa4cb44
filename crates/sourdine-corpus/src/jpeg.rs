//! Photos: generated pixels encoded as a real JPEG, with a hand-built Exif segment that carries
//! what a phone or camera leaks (GPS position, make, model, serial number, owner, time).
//!
//! The encoder, the `jpeg-encoder` crate, is based in part on the work of the Independent
//! JPEG Group (its licence is "(MIT OR Apache-2.0) AND IJG").

use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

use super::rng::Rng;

/// What the Exif segment says about the photo and its taker.
#[derive(Debug, Clone)]
pub(crate) struct PhotoMeta {
    pub make: &'static str,
    pub model: &'static str,
    pub software: &'static str,
    pub lens: &'static str,
    pub serial: String,
    /// The Artist tag (IFD0).
    pub artist: String,
    /// The CameraOwnerName tag (Exif IFD).
    pub owner: String,
    /// `YYYY:MM:DD HH:MM:SS`, local time.
    pub datetime: String,
    /// `+02:00`.
    pub offset: String,
    /// GPS time, UTC: `YYYY:MM:DD` and (h, m, s).
    pub gps_date: String,
    pub gps_time: (u32, u32, u32),
    /// Latitude and longitude in millionths of a degree (negative: south, west).
    pub lat_micro: i64,
    pub lon_micro: i64,
    /// Altitude in centimetres above sea level.
    pub altitude_cm: u32,
}

/// Compressed bytes per thousand pixels for our pixels at each quality (94 to 97), measured
/// in release; used to pick the dimensions. Phones save at such qualities, and the higher
/// the quality, the fewer pixels to encode for a given size.
fn bytes_per_kilopixel(quality: u8) -> u64 {
    match quality {
        ..=94 => 625,
        95 => 679,
        96 => 759,
        _ => 856,
    }
}

/// Encodes a photo of about `target` bytes (the Exif segment included).
pub(crate) fn photo(rng: &mut Rng, meta: &PhotoMeta, target: usize) -> Vec<u8> {
    let quality = 94 + rng.below(4) as u8;
    let portrait = rng.chance(1, 3);
    let mut pixels = (target as u64 * 1000 / bytes_per_kilopixel(quality)).max(64 * 48);
    // Two tries at most: a miss by more than a fifth is corrected once, by area.
    let mut best: Option<Vec<u8>> = None;
    let scene = Scene::new(rng);
    for _ in 0..2 {
        let (w, h) = dimensions(pixels, portrait);
        let photo = encode(&scene, meta, w, h, quality);
        let got = photo.len() as u64;
        let close = got * 10 >= target as u64 * 9 && got * 10 <= target as u64 * 11;
        pixels = (pixels as u128 * target as u128 / u128::from(got.max(1))) as u64;
        best = Some(photo);
        if close {
            break;
        }
    }
    best.expect("at least one encoding")
}

/// 4:3 dimensions, multiples of 16, with about `pixels` pixels.
fn dimensions(pixels: u64, portrait: bool) -> (u16, u16) {
    // w = 4k, h = 3k, w*h = 12k² → k = sqrt(pixels / 12).
    let k = isqrt(pixels / 12).max(16);
    let w = ((4 * k / 16).max(1) * 16).min(8000) as u16;
    let h = ((3 * k / 16).max(1) * 16).min(6000) as u16;
    if portrait { (h, w) } else { (w, h) }
}

fn isqrt(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    let mut x = n;
    let mut y = x.div_ceil(2);
    while y < x {
        x = y;
        y = (x + n / x) / 2;
    }
    x
}

/// What the pixels look like: a gradient between four corner colours, soft texture from
/// random walks along the rows and columns, and sensor-like noise.
#[derive(Debug, Clone)]
struct Scene {
    corners: [[i32; 3]; 4],
    noise_seed: u64,
    walk_seed: u64,
    /// Luma noise amplitude (peak to peak, in 1/256 units of 8-bit levels).
    amp: i32,
}

impl Scene {
    fn new(rng: &mut Rng) -> Self {
        let mut corners = [[0i32; 3]; 4];
        for c in &mut corners {
            for v in c.iter_mut() {
                *v = 40 + rng.below(176) as i32;
            }
        }
        Scene {
            corners,
            noise_seed: rng.next_u64() | 1,
            walk_seed: rng.next_u64() | 1,
            amp: 72,
        }
    }

    fn render(&self, w: usize, h: usize) -> Vec<u8> {
        let mut out = vec![0u8; w * h * 3];
        let walk = |seed: u64, n: usize| -> Vec<i32> {
            let mut s = seed;
            let mut v = 0i32;
            (0..n)
                .map(|_| {
                    s ^= s << 13;
                    s ^= s >> 7;
                    s ^= s << 17;
                    v += (s & 3) as i32 - 1 - v.signum() * i32::from(v.abs() > 24);
                    v
                })
                .collect()
        };
        let rows = walk(self.walk_seed, h);
        let cols = walk(self.walk_seed.rotate_left(29), w);
        let [c00, c10, c01, c11] = self.corners;
        let mut s = self.noise_seed;
        for (y, line) in out.chunks_exact_mut(w * 3).enumerate() {
            // Left and right colours of this row, in 16.16 fixed point.
            let t = ((y as i64) << 16) / h.max(1) as i64;
            let mut left = [0i64; 3];
            let mut step = [0i64; 3];
            for ch in 0..3 {
                let l = (i64::from(c00[ch]) << 16) + i64::from(c01[ch] - c00[ch]) * t;
                let r = (i64::from(c10[ch]) << 16) + i64::from(c11[ch] - c10[ch]) * t;
                left[ch] = l;
                step[ch] = (r - l) / w.max(1) as i64;
            }
            let row = rows[y];
            for (x, px) in line.chunks_exact_mut(3).enumerate() {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let luma = (((s & 0xff) as i32 - 128) * self.amp) >> 8;
                let cr = ((((s >> 8) & 0xff) as i32 - 128) * 12) >> 8;
                let cb = ((((s >> 16) & 0xff) as i32 - 128) * 12) >> 8;
                let texture = row + cols[x];
                let base = |ch: usize| ((left[ch] + step[ch] * x as i64) >> 16) as i32;
                px[0] = (base(0) + texture + luma + cr).clamp(0, 255) as u8;
                px[1] = (base(1) + texture + luma).clamp(0, 255) as u8;
                px[2] = (base(2) + texture + luma + cb).clamp(0, 255) as u8;
            }
        }
        out
    }
}

fn encode(scene: &Scene, meta: &PhotoMeta, w: u16, h: u16, quality: u8) -> Vec<u8> {
    let pixels = scene.render(usize::from(w), usize::from(h));
    let mut jfif = Vec::with_capacity(pixels.len() / 3);
    let mut enc = Encoder::new(&mut jfif, quality);
    enc.set_sampling_factor(SamplingFactor::F_2_2);
    enc.encode(&pixels, w, h, ColorType::Rgb)
        .expect("in-memory JPEG encoding of valid dimensions cannot fail");
    let exif = exif(meta, w, h);
    splice_exif(&jfif, &exif)
}

/// Replaces the encoder's JFIF APP0 segment by an APP1 Exif segment, as cameras write it.
fn splice_exif(jfif: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut rest = &jfif[2..];
    if rest.len() >= 4 && rest[0] == 0xFF && rest[1] == 0xE0 {
        let len = usize::from(u16::from_be_bytes([rest[2], rest[3]]));
        rest = &rest[2 + len..];
    }
    let mut out = Vec::with_capacity(jfif.len() + tiff.len() + 16);
    out.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xE1]);
    let len = u16::try_from(2 + 6 + tiff.len()).expect("Exif segment under 64 KiB");
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(tiff);
    out.extend_from_slice(rest);
    out
}

/// A TIFF field value.
#[derive(Debug, Clone)]
enum Val {
    Ascii(String),
    Byte(Vec<u8>),
    Short(u16),
    Long(u32),
    Rational(Vec<(u32, u32)>),
    Undefined(Vec<u8>),
}

/// Big- or little-endian TIFF ("MM" as Apple writes, "II" as most others do).
#[derive(Debug, Clone, Copy)]
struct Tiff {
    big: bool,
}

impl Tiff {
    fn u16(self, v: u16) -> [u8; 2] {
        if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn u32(self, v: u32) -> [u8; 4] {
        if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    /// Type code, count, and the value's bytes.
    fn encode(self, v: &Val) -> (u16, u32, Vec<u8>) {
        match v {
            Val::Ascii(s) => {
                let mut b = s.as_bytes().to_vec();
                b.push(0);
                (2, b.len() as u32, b)
            }
            Val::Byte(b) => (1, b.len() as u32, b.clone()),
            Val::Short(n) => (3, 1, self.u16(*n).to_vec()),
            Val::Long(n) => (4, 1, self.u32(*n).to_vec()),
            Val::Rational(rs) => {
                let mut b = Vec::with_capacity(rs.len() * 8);
                for (n, d) in rs {
                    b.extend_from_slice(&self.u32(*n));
                    b.extend_from_slice(&self.u32(*d));
                }
                (5, rs.len() as u32, b)
            }
            Val::Undefined(b) => (7, b.len() as u32, b.clone()),
        }
    }

    /// Bytes an IFD takes, its out-of-line values included.
    fn ifd_len(self, entries: &[(u16, Val)]) -> usize {
        let data: usize = entries
            .iter()
            .map(|(_, v)| {
                let n = self.encode(v).2.len();
                if n > 4 { n + (n & 1) } else { 0 }
            })
            .sum();
        2 + 12 * entries.len() + 4 + data
    }

    /// Writes an IFD that starts at `out.len()` (offsets count from the TIFF header, which
    /// is at the start of `out`). Entries must be sorted by tag.
    fn write_ifd(self, out: &mut Vec<u8>, entries: &[(u16, Val)]) {
        let start = out.len();
        let mut data_at = start + 2 + 12 * entries.len() + 4;
        let mut data = Vec::new();
        out.extend_from_slice(&self.u16(entries.len() as u16));
        for (tag, v) in entries {
            let (ty, count, bytes) = self.encode(v);
            out.extend_from_slice(&self.u16(*tag));
            out.extend_from_slice(&self.u16(ty));
            out.extend_from_slice(&self.u32(count));
            if bytes.len() <= 4 {
                let mut inline = [0u8; 4];
                inline[..bytes.len()].copy_from_slice(&bytes);
                out.extend_from_slice(&inline);
            } else {
                out.extend_from_slice(&self.u32(data_at as u32));
                data.extend_from_slice(&bytes);
                data_at += bytes.len();
                if bytes.len() & 1 == 1 {
                    data.push(0);
                    data_at += 1;
                }
            }
        }
        out.extend_from_slice(&self.u32(0)); // no next IFD (no thumbnail)
        out.extend_from_slice(&data);
    }
}

/// Degrees, minutes, seconds (in hundredths) as three TIFF rationals.
fn dms(micro: i64) -> Vec<(u32, u32)> {
    let m = micro.unsigned_abs();
    let deg = m / 1_000_000;
    let rem = (m % 1_000_000) * 60; // minutes, in millionths
    let min = rem / 1_000_000;
    let sec_hundredths = (rem % 1_000_000) * 60 / 10_000;
    vec![
        (deg as u32, 1),
        (min as u32, 1),
        (sec_hundredths as u32, 100),
    ]
}

/// The TIFF structure of the Exif segment: IFD0, Exif IFD, GPS IFD.
pub(crate) fn exif(meta: &PhotoMeta, w: u16, h: u16) -> Vec<u8> {
    let t = Tiff {
        big: meta.make == "Apple",
    };
    let exif_ifd = vec![
        (
            0x829A,
            Val::Rational(vec![(1, 60 + (u32::from(w) % 7) * 20)]),
        ), // ExposureTime
        (0x829D, Val::Rational(vec![(18, 10)])),    // FNumber
        (0x8827, Val::Short(50 + (h % 8) * 25)),    // ISO
        (0x9000, Val::Undefined(b"0232".to_vec())), // ExifVersion
        (0x9003, Val::Ascii(meta.datetime.clone())), // DateTimeOriginal
        (0x9004, Val::Ascii(meta.datetime.clone())), // DateTimeDigitized
        (0x9010, Val::Ascii(meta.offset.clone())),  // OffsetTime
        (0x9011, Val::Ascii(meta.offset.clone())),  // OffsetTimeOriginal
        (0x9101, Val::Undefined(vec![1, 2, 3, 0])), // ComponentsConfiguration
        (0x920A, Val::Rational(vec![(524, 100)])),  // FocalLength
        (0xA000, Val::Undefined(b"0100".to_vec())), // FlashpixVersion
        (0xA001, Val::Short(1)),                    // ColorSpace sRGB
        (0xA002, Val::Long(u32::from(w))),          // PixelXDimension
        (0xA003, Val::Long(u32::from(h))),          // PixelYDimension
        (0xA430, Val::Ascii(meta.owner.clone())),   // CameraOwnerName
        (0xA431, Val::Ascii(meta.serial.clone())),  // BodySerialNumber
        (0xA434, Val::Ascii(meta.lens.to_owned())), // LensModel
    ];
    let (gh, gm, gs) = meta.gps_time;
    let gps_ifd = vec![
        (0x0000, Val::Byte(vec![2, 3, 0, 0])), // GPSVersionID
        (
            0x0001,
            Val::Ascii(if meta.lat_micro < 0 { "S" } else { "N" }.into()),
        ),
        (0x0002, Val::Rational(dms(meta.lat_micro))),
        (
            0x0003,
            Val::Ascii(if meta.lon_micro < 0 { "W" } else { "E" }.into()),
        ),
        (0x0004, Val::Rational(dms(meta.lon_micro))),
        (0x0005, Val::Byte(vec![0])), // above sea level
        (0x0006, Val::Rational(vec![(meta.altitude_cm, 100)])),
        (0x0007, Val::Rational(vec![(gh, 1), (gm, 1), (gs, 1)])),
        (0x001D, Val::Ascii(meta.gps_date.clone())),
    ];
    // IFD0 with placeholder pointers, to learn its length (pointer values change no length).
    let ifd0 = |exif_at: u32, gps_at: u32| {
        vec![
            (0x010F, Val::Ascii(meta.make.to_owned())),
            (0x0110, Val::Ascii(meta.model.to_owned())),
            (0x0112, Val::Short(1)), // Orientation: top-left
            (0x011A, Val::Rational(vec![(72, 1)])),
            (0x011B, Val::Rational(vec![(72, 1)])),
            (0x0128, Val::Short(2)), // inches
            (0x0131, Val::Ascii(meta.software.to_owned())),
            (0x0132, Val::Ascii(meta.datetime.clone())),
            (0x013B, Val::Ascii(meta.artist.clone())),
            (0x0213, Val::Short(1)), // YCbCrPositioning: centred
            (0x8298, Val::Ascii(format!("Copyright {}", meta.owner))),
            (0x8769, Val::Long(exif_at)),
            (0x8825, Val::Long(gps_at)),
        ]
    };
    let ifd0_len = t.ifd_len(&ifd0(0, 0));
    let exif_at = 8 + ifd0_len;
    let gps_at = exif_at + t.ifd_len(&exif_ifd);
    let mut out = Vec::with_capacity(gps_at + t.ifd_len(&gps_ifd));
    out.extend_from_slice(if t.big { b"MM" } else { b"II" });
    out.extend_from_slice(&t.u16(42));
    out.extend_from_slice(&t.u32(8));
    t.write_ifd(&mut out, &ifd0(exif_at as u32, gps_at as u32));
    debug_assert_eq!(out.len(), exif_at);
    t.write_ifd(&mut out, &exif_ifd);
    debug_assert_eq!(out.len(), gps_at);
    t.write_ifd(&mut out, &gps_ifd);
    out
}
