//! The catalog snapshot: the daemon's in-memory catalog, written at a clean stop so that the
//! next start need not read every ticket again. The store only seals and keeps the bytes; what
//! they mean is the service's.
//!
//! * Sealed (XChaCha20-Poly1305, in chunks of 1 MiB) under a key derived from the current key
//!   epoch's key: a rotation destroys the old epoch's key, and with it every older snapshot.
//! * Bound to a random generation written in the store (durably) just before the file: while
//!   it is there the snapshot is *armed*. The first change committed after it removes the file
//!   (durably, before the change is applied) and the generation (in the change's own batch);
//!   taking the snapshot at start removes both too. So a snapshot is used only when no change
//!   at all was committed since it was written, and a copy of it put back later finds no
//!   generation to match. A crash at any point leaves no file, or a file whose generation is
//!   gone, or a file still exactly current.
//! * Destroyed before every erasure (forget, purge, rotation) as well: it exists only while the
//!   service is stopped, and never outlives a destroyed ticket.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

use zeroize::{Zeroize, Zeroizing};

use super::error::{StoreError, io_at};
use super::files::fsync_dir;
use super::open::Store;
use super::records::keys;
use crate::seal::{self, Key};

/// The snapshot's file in the data directory.
pub(crate) const SNAPSHOT_FILE: &str = "catalog.sealed";
const MAGIC: &[u8; 8] = b"sdcat\x00\x00\x01";
const CONTEXT: &str = "sourdine 2026 catalog snapshot v1";
const CHUNK: usize = 1 << 20;
/// Length of the generation (random bytes).
pub(crate) const GENERATION_LEN: usize = 16;

/// A new random generation.
fn new_generation() -> [u8; GENERATION_LEN] {
    let mut g = [0u8; GENERATION_LEN];
    g.copy_from_slice(&Key::random().as_bytes()[..GENERATION_LEN]);
    g
}

/// Why a snapshot was not used (never names anything it holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotRefusal {
    /// There is none.
    Missing,
    /// Not a snapshot, or cut short.
    Malformed,
    /// Written under a key epoch that is not the current one.
    OtherEpoch,
    /// Written by another version of the program (or in another format).
    OtherFormat,
    /// The store changed since it was written.
    Stale,
}

/// The snapshot's header: what its chunks are bound to.
struct Header {
    epoch: u32,
    generation: [u8; GENERATION_LEN],
    /// The writer's name for its format (its version): a snapshot is read only by the same.
    format: Vec<u8>,
}

impl Header {
    fn bytes(&self) -> Vec<u8> {
        let mut h = MAGIC.to_vec();
        h.extend_from_slice(&self.epoch.to_le_bytes());
        h.extend_from_slice(&self.generation);
        h.push(self.format.len() as u8);
        h.extend_from_slice(&self.format);
        h
    }

    fn read(r: &mut impl Read) -> Option<Header> {
        let mut h = [0u8; 8 + 4 + GENERATION_LEN + 1];
        r.read_exact(&mut h).ok()?;
        if &h[..8] != MAGIC {
            return None;
        }
        let mut format = vec![0u8; usize::from(h[8 + 4 + GENERATION_LEN])];
        r.read_exact(&mut format).ok()?;
        Some(Header {
            epoch: u32::from_le_bytes(h[8..12].try_into().ok()?),
            generation: h[12..12 + GENERATION_LEN].try_into().ok()?,
            format,
        })
    }

    /// The additional data of chunk `index` (`last`: the final chunk).
    fn aad(&self, index: u64, last: bool) -> Vec<u8> {
        let mut a = self.bytes();
        a.extend_from_slice(&index.to_le_bytes());
        a.push(u8::from(last));
        a
    }
}

/// Seals what is written into chunks; [`ChunkWriter::finish`] writes the final one.
struct ChunkWriter<W: Write> {
    out: W,
    key: Key,
    header: Header,
    index: u64,
    buf: Zeroizing<Vec<u8>>,
}

impl<W: Write> ChunkWriter<W> {
    fn emit(&mut self, last: bool) -> io::Result<()> {
        let sealed = seal::seal(&self.key, &self.header.aad(self.index, last), &self.buf);
        self.buf.zeroize();
        self.index += 1;
        self.out.write_all(&(sealed.len() as u32).to_le_bytes())?;
        self.out.write_all(&sealed)
    }

    fn finish(mut self) -> io::Result<W> {
        self.emit(true)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Write for ChunkWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = data.len().min(CHUNK - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == CHUNK {
            self.emit(false)?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reads a snapshot's plaintext, chunk by chunk, each authenticated before any of it is
/// returned; a snapshot cut short, reordered or altered is an error.
pub struct SnapshotReader {
    file: BufReader<File>,
    key: Key,
    header: Header,
    index: u64,
    buf: Zeroizing<Vec<u8>>,
    pos: usize,
    done: bool,
}

impl SnapshotReader {
    fn next_chunk(&mut self) -> io::Result<()> {
        let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
        let mut len = [0u8; 4];
        self.file.read_exact(&mut len)?;
        let len = u32::from_le_bytes(len) as usize;
        if len > CHUNK + seal::OVERHEAD {
            return Err(bad("a catalog snapshot chunk is too large"));
        }
        let mut sealed = vec![0u8; len];
        self.file.read_exact(&mut sealed)?;
        let (plain, last) =
            match seal::open(&self.key, &self.header.aad(self.index, false), &sealed) {
                Ok(p) => (p, false),
                Err(_) => (
                    seal::open(&self.key, &self.header.aad(self.index, true), &sealed)
                        .map_err(|_| bad("a catalog snapshot chunk does not authenticate"))?,
                    true,
                ),
            };
        self.index += 1;
        self.buf = plain;
        self.pos = 0;
        if last {
            self.done = true;
            if self.file.read(&mut [0u8; 1])? != 0 {
                return Err(bad("bytes after the end of a catalog snapshot"));
            }
        }
        Ok(())
    }
}

impl Read for SnapshotReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.buf.len() {
            if self.done {
                return Ok(0);
            }
            self.next_chunk()?;
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl Store {
    fn snapshot_path(&self) -> PathBuf {
        self.data_dir.join(SNAPSHOT_FILE)
    }

    /// The generation of the snapshot outstanding (None: none is).
    fn generation(&self) -> Result<Option<[u8; GENERATION_LEN]>, StoreError> {
        Ok(self
            .db
            .get(keys::GENERATION)?
            .and_then(|v| v.as_ref().try_into().ok()))
    }

    /// At opening: whether a snapshot is outstanding.
    pub(super) fn load_snapshot_state(&self) -> Result<(), StoreError> {
        let armed = self.db.contains_key(keys::GENERATION)?;
        self.snapshot_armed.store(armed, Ordering::SeqCst);
        Ok(())
    }

    /// Whether a snapshot is outstanding (the next change removes it).
    pub(super) fn snapshot_is_armed(&self) -> bool {
        self.snapshot_armed.load(Ordering::SeqCst)
    }

    /// A change removed the snapshot's generation.
    pub(super) fn disarm_snapshot(&self) {
        self.snapshot_armed.store(false, Ordering::SeqCst);
    }

    /// Writes (`Some`) or removes (`None`) the snapshot's generation, durably. The caller
    /// holds the write lock.
    fn set_generation(&self, g: Option<[u8; GENERATION_LEN]>) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        match g {
            Some(g) => batch.insert(keys::GENERATION, &g[..]),
            None => batch.remove(keys::GENERATION),
        }
        self.apply_durably(batch)?;
        self.snapshot_armed.store(g.is_some(), Ordering::SeqCst);
        Ok(())
    }

    fn snapshot_key(&self, epoch: u32) -> Option<Key> {
        self.keyring().kek(epoch).map(|k| k.derive(CONTEXT))
    }

    /// Writes the catalog snapshot: `write` gives its plaintext, `format` names its format
    /// (at most 255 bytes; [`Store::take_snapshot`] refuses another). Holds the write lock
    /// throughout, so that no change is committed between the generation read and the file
    /// put in place (a new generation, durably; then the file: temporary file, fsync, rename,
    /// fsync of the directory). Returns whether it wrote one.
    pub fn write_snapshot(
        &self,
        format: &str,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<bool, StoreError> {
        let _w = self.write.lock().expect("write lock");
        let generation = new_generation();
        let epoch = self.keyring().current_epoch();
        let key = self.snapshot_key(epoch).ok_or_else(|| {
            StoreError::invalid("the current key epoch has no key file; no catalog snapshot")
        })?;
        let header = Header {
            epoch,
            generation,
            format: format.as_bytes()[..format.len().min(255)].to_vec(),
        };
        self.destroy_snapshot()?;
        self.set_generation(Some(generation))?;
        let path = self.snapshot_path();
        let tmp = path.with_extension("sealed.tmp");
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io_at(&tmp))?;
        let mut out = BufWriter::with_capacity(1 << 16, file);
        out.write_all(&header.bytes()).map_err(io_at(&tmp))?;
        let mut chunks = ChunkWriter {
            out,
            key,
            header,
            index: 0,
            buf: Zeroizing::new(Vec::with_capacity(CHUNK)),
        };
        let written = write(&mut chunks)
            .and_then(|()| chunks.finish())
            .and_then(|out| out.into_inner().map_err(io::IntoInnerError::into_error))
            .and_then(|f| f.sync_all());
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(StoreError::io(tmp.display().to_string(), e));
        }
        fs::rename(&tmp, &path).map_err(io_at(&path))?;
        fsync_dir(&self.data_dir)?;
        // Its time, and the folder's, tell no more than the configured precision.
        self.blur_times();
        Ok(true)
    }

    /// Takes the catalog snapshot when it is exactly current: written under the current epoch,
    /// with no change committed since. The file and the generation are removed whatever the
    /// file holds (a snapshot is read at most once); the reader authenticates each chunk as it
    /// goes.
    pub fn take_snapshot(
        &self,
        format: &str,
    ) -> Result<Result<SnapshotReader, SnapshotRefusal>, StoreError> {
        let _w = self.write.lock().expect("write lock");
        let path = self.snapshot_path();
        let generation = self.generation()?;
        let opened = File::open(&path);
        self.destroy_snapshot()?;
        if generation.is_some() {
            self.set_generation(None)?;
        }
        let file = match opened {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(Err(SnapshotRefusal::Missing));
            }
            Err(e) => return Err(StoreError::io(path.display().to_string(), e)),
        };
        let mut file = BufReader::with_capacity(1 << 16, file);
        let Some(header) = Header::read(&mut file) else {
            return Ok(Err(SnapshotRefusal::Malformed));
        };
        if header.format != format.as_bytes()[..format.len().min(255)] {
            return Ok(Err(SnapshotRefusal::OtherFormat));
        }
        let current = self.keyring().current_epoch();
        let key = match self.snapshot_key(header.epoch) {
            Some(k) if header.epoch == current => k,
            _ => return Ok(Err(SnapshotRefusal::OtherEpoch)),
        };
        if generation != Some(header.generation) {
            return Ok(Err(SnapshotRefusal::Stale));
        }
        Ok(Ok(SnapshotReader {
            file,
            key,
            header,
            index: 0,
            buf: Zeroizing::new(Vec::new()),
            pos: 0,
            done: false,
        }))
    }

    /// Removes the catalog snapshot (and one a crash left half written), if there is one,
    /// durably: before an erasure goes on.
    pub fn destroy_snapshot(&self) -> Result<(), StoreError> {
        let path = self.snapshot_path();
        let mut removed = false;
        for p in [path.with_extension("sealed.tmp"), path] {
            match fs::remove_file(&p) {
                Ok(()) => removed = true,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::io(p.display().to_string(), e)),
            }
        }
        if removed {
            fsync_dir(&self.data_dir)?;
            self.blur_times();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
