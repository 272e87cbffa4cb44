//! Integration tests: the real binaries, a real sled store, real files. One test binary, one
//! module per area.

mod common;
mod daemon;
mod durability;
mod ingest;
mod roles;
