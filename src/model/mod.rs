//! The types that several layers share: what the pipeline hands the store, who acts, what a
//! message became. They hold data and the rules that belong to the data alone; no I/O.

mod actor;
mod incoming;

pub use actor::{Actor, Caller, Role};
pub use incoming::{Outcome, Prepared, PreparedItem};
