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
/// The length, the head and the parts go in one vectored write when the writer takes them all
/// (a pipe does): the reader is woken once per frame, not once per piece.
pub(crate) fn write_parts(
    w: &mut impl Write,
    head: &impl Serialize,
    parts: &[&[u8]],
) -> io::Result<()> {
    let mut start = vec![0u8; 8];
    let encoded = postcard::to_io(head, &mut start)
        .map(|_| ())
        .map_err(io::Error::other);
    let written = encoded.and_then(|()| {
        let len = start.len() - 8 + parts.iter().map(|p| p.len()).sum::<usize>();
        start[..8].copy_from_slice(&(len as u64).to_le_bytes());
        let mut slices: Vec<io::IoSlice<'_>> = std::iter::once(&start[..])
            .chain(parts.iter().copied())
            .filter(|p| !p.is_empty())
            .map(io::IoSlice::new)
            .collect();
        write_all_vectored(w, &mut slices)
    });
    // A head may carry writer data (a prepared message's text and reply address).
    zeroize::Zeroize::zeroize(&mut start);
    written
}

/// Writes every byte of `slices`, as few calls as the writer allows.
fn write_all_vectored(w: &mut impl Write, mut slices: &mut [io::IoSlice<'_>]) -> io::Result<()> {
    while !slices.is_empty() {
        // At most IOV_MAX (1024 on Linux) slices a call.
        match w.write_vectored(&slices[..slices.len().min(1024)]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => io::IoSlice::advance_slices(&mut slices, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
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

    /// A writer that counts its calls and takes at most `chunk` bytes a call.
    struct Counting {
        bytes: Vec<u8>,
        calls: usize,
        chunk: usize,
    }

    impl Write for Counting {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.write_vectored(&[io::IoSlice::new(buf)])
        }

        fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
            assert!(bufs.len() <= 1024, "more slices than IOV_MAX");
            self.calls += 1;
            let mut n = 0;
            for b in bufs {
                let take = b.len().min(self.chunk - n);
                self.bytes.extend_from_slice(&b[..take]);
                n += take;
            }
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_frame_leaves_in_one_vectored_write_when_the_writer_takes_it() {
        let parts: Vec<Vec<u8>> = (0..1500u32)
            .map(|i| vec![i as u8; i as usize % 7])
            .collect();
        let refs: Vec<&[u8]> = parts.iter().map(|p| &p[..]).collect();
        let mut joined = Vec::new();
        write(&mut joined, &"head", &refs.concat()).unwrap();
        for chunk in [usize::MAX, 5, 1] {
            let mut w = Counting {
                bytes: Vec::new(),
                calls: 0,
                chunk,
            };
            write_parts(&mut w, &"head", &refs[..3]).unwrap();
            if chunk == usize::MAX {
                assert_eq!(w.calls, 1, "length, head and parts in one call");
            }
            w.bytes.clear();
            write_parts(&mut w, &"head", &refs).unwrap();
            assert_eq!(w.bytes, joined, "chunk {chunk}");
        }
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
