//! The Unix-socket link between the commands and the running service.

pub mod client;
pub mod protocol;
pub mod server;
