#![forbid(unsafe_code)]
//! sourdine: privacy-preserving e-mail intake for anonymous helplines.

pub mod anonymise;
