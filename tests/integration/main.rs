//! Integration tests: the real binaries, a real sled store, real files. One test binary, one
//! module per area.

mod attachments;
mod chaos;
mod common;
mod crash;
mod daemon;
mod demo;
mod deploy;
mod doctor;
mod durability;
mod faults;
mod fuzz_replay;
mod imap;
mod ingest;
mod mailstack;
mod mistakes;
mod properties;
mod proxy;
mod replies;
mod retention;
mod roles;
mod stats;
