//! Cleaner for this format (being written).

use super::{CleanError, CleanLimits};

/// Cleans one file.
pub(super) fn clean(_bytes: &[u8], _limits: &CleanLimits) -> Result<Vec<u8>, CleanError> {
    Err(CleanError::Unsupported)
}
