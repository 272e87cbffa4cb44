//! How records are written in sled: postcard, the same for every record.

use serde::{Deserialize, Serialize};

use super::error::StoreError;

/// Serialises a record (postcard).
pub(crate) fn encode<T: Serialize>(v: &T) -> Vec<u8> {
    postcard::to_stdvec(v).expect("records serialise")
}

/// Deserialises a record.
pub(crate) fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8], what: &str) -> Result<T, StoreError> {
    postcard::from_bytes(bytes)
        .map_err(|_| StoreError::invalid(format!("unreadable {what} record")))
}
