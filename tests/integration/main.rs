//! Integration tests: the real binaries, a real sled store, real files. One test binary, one
//! module per area.

mod attachments;
mod audit;
mod budget;
mod chaos;
mod claims;
mod common;
mod confirm;
mod crash;
mod daemon;
mod demo;
mod deploy;
mod display;
mod doctor;
mod doors;
mod drafts;
mod durability;
mod faults;
mod fuzz_replay;
mod imap;
mod inbox;
mod ingest;
mod mailstack;
mod mistakes;
mod properties;
mod proxy;
mod quarantine;
mod replies;
mod retention;
mod roles;
mod sandbox;
mod senders;
mod spam;
mod stats;
mod timing;
mod words;
