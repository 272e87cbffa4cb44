//! Length-prefixed frames between sourdine and the child processes it starts (the attachment
//! cleaner, the catalog reader at start): a little-endian `u64` length, then a
//! postcard-encoded head, then raw bytes that are never re-encoded.

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

/// Writes one frame (the caller flushes).
pub(crate) fn write(w: &mut impl Write, head: &impl Serialize, bytes: &[u8]) -> io::Result<()> {
    write_parts(w, head, &[bytes])
}

/// Writes one frame whose bytes are `parts` one after the other, without joining them first.
pub(crate) fn write_parts(
    w: &mut impl Write,
    head: &impl Serialize,
    parts: &[&[u8]],
) -> io::Result<()> {
    let mut head = postcard::to_stdvec(head).map_err(io::Error::other)?;
    let len = head.len() + parts.iter().map(|p| p.len()).sum::<usize>();
    let mut written = w
        .write_all(&(len as u64).to_le_bytes())
        .and_then(|()| w.write_all(&head));
    for part in parts {
        written = written.and_then(|()| w.write_all(part));
    }
    // A head may carry writer data (a prepared message's text and reply address).
    zeroize::Zeroize::zeroize(&mut head);
    written
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
    // Read into the spare capacity: the bytes are not zeroed first.
    buf.clear();
    buf.reserve_exact(len as usize);
    r.take(len).read_to_end(buf)?;
    if buf.len() as u64 != len {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(())
}

/// Splits a frame into its head and the bytes after it, without copying them.
pub(crate) fn split<'a, H: Deserialize<'a>>(frame: &'a [u8]) -> io::Result<(H, &'a [u8])> {
    postcard::take_from_bytes(frame).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(r: &mut impl Read, max: u64) -> io::Result<Vec<u8>> {
        let mut buf = Vec::new();
        read_into(r, max, &mut buf)?;
        Ok(buf)
    }

    #[test]
    fn frames_round_trip_and_a_cut_one_is_refused() {
        let mut wire = Vec::new();
        write(&mut wire, &7u32, b"payload").unwrap();
        write(&mut wire, &8u32, b"").unwrap();
        let mut r = &wire[..];
        let mut buf = vec![1, 2, 3];
        read_into(&mut r, 1 << 20, &mut buf).unwrap();
        let (head, rest) = split::<u32>(&buf).unwrap();
        assert_eq!((head, rest), (7, &b"payload"[..]));
        assert_eq!(split::<u32>(&read(&mut r, 1 << 20).unwrap()).unwrap().0, 8);
        let e = read(&mut r, 1 << 20).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof, "end of stream");
        let cut = &wire[..wire.len() - 3];
        let mut r = cut;
        read(&mut r, 1 << 20).unwrap();
        let e = read(&mut r, 1 << 20).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof, "cut frame");
        let e = read(&mut &wire[..], 3).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData, "over the limit");
    }
}
