//! Length-prefixed frames between sourdine and the child processes it starts (the attachment
//! cleaner, the catalog reader at start): a little-endian `u64` length, then a
//! postcard-encoded head, then raw bytes that are never re-encoded.

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

/// Writes one frame (the caller flushes).
pub(crate) fn write(w: &mut impl Write, head: &impl Serialize, bytes: &[u8]) -> io::Result<()> {
    let head = postcard::to_stdvec(head).map_err(io::Error::other)?;
    w.write_all(&((head.len() + bytes.len()) as u64).to_le_bytes())?;
    w.write_all(&head)?;
    w.write_all(bytes)
}

/// Reads one frame of at most `max` bytes into `buf` (reused from frame to frame).
pub(crate) fn read_into(r: &mut impl Read, max: u64, buf: &mut Vec<u8>) -> io::Result<()> {
    let mut len = [0u8; 8];
    r.read_exact(&mut len)?;
    let len = u64::from_le_bytes(len);
    if len > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "frame too large",
        ));
    }
    buf.clear();
    buf.resize(len as usize, 0);
    r.read_exact(buf)
}

/// Reads one frame of at most `max` bytes.
pub(crate) fn read(r: &mut impl Read, max: u64) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    read_into(r, max, &mut buf)?;
    Ok(buf)
}

/// Splits a frame into its head and the bytes after it, without copying them.
pub(crate) fn split<'a, H: Deserialize<'a>>(frame: &'a [u8]) -> io::Result<(H, &'a [u8])> {
    postcard::take_from_bytes(frame).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}
