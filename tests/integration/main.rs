//! Integration tests: the real binaries, a real sled store, real files. One test binary, one
//! module per area.

mod common;
mod durability;
mod ingest;
