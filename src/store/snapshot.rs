//! The catalog snapshot: the daemon's in-memory catalog, written while it runs and at a clean
//! stop, so that the next start (also after a crash) need not read every ticket again. The
//! store only seals and keeps the bytes; what they mean is the service's.
//!
//! * Sealed (XChaCha20-Poly1305, in chunks of 1 MiB) under a key derived from the current key
//!   epoch's key: a rotation destroys the old epoch's key, and with it every older snapshot.
//! * Bound to a random generation written in the store (durably, with an empty *changed set*)
//!   once the file is written and before it is put in place: while the generation is there
//!   the snapshot is *armed*. Every change committed after it records the tickets it wrote in
//!   the changed set, in the change's own batch; the next start reads the snapshot and then
//!   only those tickets. A crash at any point leaves no file, or a file whose generation is
//!   gone or replaced (refused: every ticket is read), or a file current up to the changed
//!   set.
//! * Destroyed before every erasure (forget, purge, rotation, any change that removes a
//!   ticket's records): the file first, durably, then its generation and changed set. It is
//!   written again later from the catalog in memory, which no longer holds what was erased.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
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

/// A snapshot opened: its reader, and the tickets changed since it was written.
pub type TakenSnapshot = (SnapshotReader, Vec<String>);

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
    /// Its generation is not the store's (replaced, or removed by an erasure).
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

    /// Whether a snapshot is outstanding (changes to tickets are recorded beside it).
    pub(super) fn snapshot_is_armed(&self) -> bool {
        self.snapshot_armed.load(Ordering::SeqCst)
    }

    /// An erasure removed the snapshot's generation.
    pub(super) fn disarm_snapshot(&self) {
        self.snapshot_armed.store(false, Ordering::SeqCst);
    }

    /// The tickets changed since the snapshot was written (its changed set).
    pub fn snapshot_changed_tickets(&self) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.scan_prefix(keys::CHANGED) {
            let (k, _) = item?;
            out.push(String::from_utf8_lossy(&k[keys::CHANGED.len()..]).into_owned());
        }
        Ok(out)
    }

    /// How many tickets changed since the snapshot was written; None when there is no
    /// snapshot outstanding (never written, or destroyed by an erasure).
    pub fn snapshot_changes(&self) -> Result<Option<usize>, StoreError> {
        self.snapshot_changes_up_to(usize::MAX)
    }

    /// [`Store::snapshot_changes`], counting no further than `at_most`: the service asks
    /// every few seconds whether a snapshot is due, and a set grown large (an import while
    /// it was stopped, or writes put off while it was busy) need not be read whole each time.
    pub fn snapshot_changes_up_to(&self, at_most: usize) -> Result<Option<usize>, StoreError> {
        if !self.snapshot_is_armed() {
            return Ok(None);
        }
        let mut n = 0;
        for item in self.db.scan_prefix(keys::CHANGED).keys().take(at_most) {
            item?;
            n += 1;
        }
        Ok(Some(n))
    }

    /// Adds to `batch` the removal of the snapshot's generation and changed set.
    pub(super) fn forget_snapshot_into(&self, batch: &mut sled::Batch) -> Result<(), StoreError> {
        batch.remove(keys::GENERATION);
        for item in self.db.scan_prefix(keys::CHANGED).keys() {
            batch.remove(item?);
        }
        Ok(())
    }

    fn snapshot_key(&self, epoch: u32) -> Option<Key> {
        self.keyring().kek(epoch).map(|k| k.derive(CONTEXT))
    }

    /// Writes the catalog snapshot: `write` gives its plaintext, `format` names its format
    /// (at most 255 bytes; [`Store::take_snapshot`] refuses another). Holds the write lock
    /// throughout, so that no change is committed between what `write` gives and the new
    /// generation: a temporary file, fsync'd; then the new generation and an empty changed
    /// set, durably; then the file put in place (rename, fsync of the directory). Returns
    /// whether it wrote one.
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
        let path = self.snapshot_path();
        let tmp = path.with_extension("sealed.tmp");
        self.write_sealed(&tmp, key, header, write)?;
        let mut batch = sled::Batch::default();
        self.forget_snapshot_into(&mut batch)?;
        batch.insert(keys::GENERATION, &generation[..]);
        if let Err(e) = self.apply_durably(batch) {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        self.snapshot_armed.store(true, Ordering::SeqCst);
        fs::rename(&tmp, &path).map_err(io_at(&path))?;
        fsync_dir(&self.data_dir)?;
        // Its time, and the folder's, tell no more than the configured precision.
        self.blur_times();
        Ok(true)
    }

    /// Writes the sealed snapshot to `tmp` and fsyncs it (removed again on failure).
    fn write_sealed(
        &self,
        tmp: &Path,
        key: Key,
        header: Header,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), StoreError> {
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(tmp)
            .map_err(io_at(tmp))?;
        let mut out = BufWriter::with_capacity(1 << 16, file);
        out.write_all(&header.bytes()).map_err(io_at(tmp))?;
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
            let _ = fs::remove_file(tmp);
            return Err(StoreError::io(tmp.display().to_string(), e));
        }
        Ok(())
    }

    /// Opens the catalog snapshot when it is current: written under the current epoch, bound
    /// to the store's generation. Returns its reader and the tickets changed since it was
    /// written (to be read again). A snapshot refused is destroyed (file, generation, changed
    /// set); one used stays, with its changed set, until the next is written. The reader
    /// authenticates each chunk as it goes.
    pub fn take_snapshot(
        &self,
        format: &str,
    ) -> Result<Result<TakenSnapshot, SnapshotRefusal>, StoreError> {
        let _w = self.write.lock().expect("write lock");
        // One a crash left half written goes whatever happens.
        let tmp = self.snapshot_path().with_extension("sealed.tmp");
        match fs::remove_file(&tmp) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(StoreError::io(tmp.display().to_string(), e));
            }
            _ => {}
        }
        let checked = self.check_snapshot(format)?;
        if checked.is_err() {
            self.destroy_snapshot()?;
        }
        Ok(checked)
    }

    fn check_snapshot(
        &self,
        format: &str,
    ) -> Result<Result<TakenSnapshot, SnapshotRefusal>, StoreError> {
        let path = self.snapshot_path();
        let file = match File::open(&path) {
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
        if self.generation()? != Some(header.generation) {
            return Ok(Err(SnapshotRefusal::Stale));
        }
        let changed = self.snapshot_changed_tickets()?;
        Ok(Ok((
            SnapshotReader {
                file,
                key,
                header,
                index: 0,
                buf: Zeroizing::new(Vec::new()),
                pos: 0,
                done: false,
            },
            changed,
        )))
    }

    /// Destroys the catalog snapshot: the file (and one a crash left half written), durably,
    /// then its generation and changed set. Called before an erasure goes on, with the write
    /// lock held.
    pub fn destroy_snapshot(&self) -> Result<(), StoreError> {
        self.remove_snapshot_files()?;
        let recorded = self.db.contains_key(keys::GENERATION)?
            || self.db.scan_prefix(keys::CHANGED).next().is_some();
        if recorded {
            let mut batch = sled::Batch::default();
            self.forget_snapshot_into(&mut batch)?;
            self.apply_durably(batch)?;
        }
        self.disarm_snapshot();
        Ok(())
    }

    /// [`Store::destroy_snapshot`], taking the write lock (no change under way).
    pub fn discard_snapshot(&self) -> Result<(), StoreError> {
        let _w = self.write.lock().expect("write lock");
        self.destroy_snapshot()
    }

    /// Removes the snapshot's file (and one a crash left half written), if there is one,
    /// durably.
    pub(super) fn remove_snapshot_files(&self) -> Result<(), StoreError> {
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
