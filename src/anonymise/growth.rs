//! Growth tests: preparing each hostile shape (the corpus crate's `hostile` module, a
//! dev-dependency) at 8 times the size must cost about 8 times the CPU time, never the 64
//! times of quadratic work. No run is compared with a fixed time.

use sourdine_corpus::hostile::{SHAPES, hostile};

use super::{Limits, Options, anonymise};

/// Allowed ratio of CPU times between sizes N and 8N (linear: about 8; quadratic: 64).
const MAX_RATIO: f64 = 24.0;

fn opts() -> Options {
    Options {
        remove_signature: true,
        limits: Limits::default(),
        contact_address: "help@line.example".into(),
        trusted_authserv_id: None,
    }
}

/// CPU time of this thread, in seconds (other processes on the machine do not count).
fn cpu() -> f64 {
    let t = nix::time::clock_gettime(nix::time::ClockId::CLOCK_THREAD_CPUTIME_ID)
        .expect("thread CPU clock");
    t.tv_sec() as f64 + t.tv_nsec() as f64 / 1e9
}

/// The least CPU time of two runs of the anonymiser over `raw`.
fn cost(raw: &[u8]) -> f64 {
    let o = opts();
    (0..2)
        .map(|_| {
            let start = cpu();
            let out = anonymise(raw, &o);
            let spent = cpu() - start;
            drop(out);
            spent
        })
        .fold(f64::MAX, f64::min)
}

/// (size, cost at size, cost at 8 times the size) for a shape, from a size whose run is long
/// enough to be measured.
fn growth(shape: &str) -> (usize, f64, f64) {
    let mut n = 8 << 10;
    loop {
        let small = cost(&hostile(shape, n).expect("a known shape"));
        if small >= 0.01 || n >= 1 << 20 {
            let big = cost(&hostile(shape, 8 * n).expect("a known shape"));
            return (n, small, big);
        }
        n *= 2;
    }
}

#[test]
fn every_shape_grows_linearly() {
    let report = std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(|| {
            SHAPES
                .iter()
                .map(|&shape| {
                    let (n, small, big) = growth(shape);
                    (shape, n, small, big, big / small.max(1e-6))
                })
                .collect::<Vec<_>>()
        })
        .unwrap()
        .join()
        .unwrap();
    let lines: Vec<String> = report
        .iter()
        .map(|(shape, n, small, big, ratio)| {
            format!("{shape:24} {n:>8} B {small:8.4} s, x8: {big:8.4} s, ratio {ratio:5.1}")
        })
        .collect();
    eprintln!("{}", lines.join("\n"));
    let slow: Vec<&String> = report
        .iter()
        .zip(&lines)
        .filter(|((.., ratio), _)| *ratio > MAX_RATIO)
        .map(|(_, l)| l)
        .collect();
    assert!(slow.is_empty(), "super-linear growth:\n{slow:#?}");
}

#[test]
fn shapes_are_what_they_say() {
    for shape in SHAPES {
        let small = hostile(shape, 10_000).unwrap();
        let big = hostile(shape, 100_000).unwrap();
        // Header blocks are capped (256 KiB): that shape grows by its body only.
        assert!(
            big.len() >= 90_000 && big.len() > small.len(),
            "{shape} grows with the size asked"
        );
        assert!(
            anonymise(&small, &opts()).is_ok() || *shape == "missing-boundaries",
            "{shape} is a message sourdine reads"
        );
    }
    assert!(hostile("no-such-shape", 10).is_none());
}
