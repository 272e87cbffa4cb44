#![forbid(unsafe_code)]
//! The fuzz targets' checks. `checks.rs` is also compiled into the main crate's integration
//! tests (`tests/integration/fuzz_replay.rs`), which replay the seeds and saved crashes
//! through exactly the same functions without libFuzzer.

pub mod checks;
