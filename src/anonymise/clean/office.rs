//! Cleaners for Office Open XML and OpenDocument (being written).

use super::{CleanError, CleanLimits};

/// Cleans a docx/xlsx/pptx.
pub(super) fn clean_ooxml(_bytes: &[u8], _limits: &CleanLimits) -> Result<Vec<u8>, CleanError> {
    Err(CleanError::Unsupported)
}

/// Cleans an odt/ods/odp.
pub(super) fn clean_odf(_bytes: &[u8], _limits: &CleanLimits) -> Result<Vec<u8>, CleanError> {
    Err(CleanError::Unsupported)
}
