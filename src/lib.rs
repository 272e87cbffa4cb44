#![forbid(unsafe_code)]
//! sourdine: privacy-preserving e-mail intake for anonymous helplines.
//!
//! The modules follow the data's path: [`intake`] (where mail comes from) feeds
//! [`anonymise`] (pure functions: what may be kept), whose output is sealed ([`seal`]) and
//! filed in the [`store`].

pub mod anonymise;
pub mod cli;
pub mod config;
pub mod control;
pub mod daemon;
pub mod doctor;
pub mod failpoint;
mod frame;
pub mod hardening;
pub mod hours;
pub mod ids;
pub mod intake;
pub mod model;
pub mod outbox;
pub mod reply_tokens;
pub mod seal;
pub mod service;
pub mod store;
pub mod taxonomy;
pub mod text;
pub mod time;
pub mod users;

/// The old name of [`reply_tokens`], kept while `ticket reply` is rewritten (issue 20).
#[doc(hidden)]
#[cfg(test)]
mod architecture_tests;
