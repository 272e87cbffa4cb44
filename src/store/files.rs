//! Sealed payload files under `data_dir/files/`, kept out of sled so that large values are
//! written and fsync'd by us (sled never syncs its blob files).

use std::fs::{self, File, FileTimes, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime};

use super::error::{StoreError, io_at};
use crate::time::Precision;

/// fsync a directory.
pub(crate) fn fsync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_at(dir))
}

/// The payload file directory.
#[derive(Debug)]
pub(crate) struct Files {
    dir: PathBuf,
    precision: Precision,
    /// Files written since the last [`Files::sync_written`]: each is written and fsync'd by a
    /// writer thread, off the thread that seals the next one.
    writes: Arc<Writes>,
    /// The writer threads' queue, started at the first file written.
    queue: Mutex<Option<SyncSender<Job>>>,
}

/// Threads writing and fsyncing payload files, and files queued at most: a commit's sealing
/// goes on while earlier files are copied to the page cache and synced, and no more than
/// `WRITERS + QUEUED` sealed files wait in memory.
const WRITERS: usize = 4;
const QUEUED: usize = 2;

/// One file to write.
struct Job {
    path: PathBuf,
    bytes: Vec<u8>,
    times: FileTimes,
}

/// The files queued or being written, and the first failure since the last settling.
#[derive(Debug, Default)]
struct Writes {
    state: Mutex<WriteState>,
    done: Condvar,
}

#[derive(Debug, Default)]
struct WriteState {
    outstanding: usize,
    failed: Option<(String, std::io::Error)>,
}

impl Writes {
    /// Writes and fsyncs one file, then counts it done (a failure is kept for the commit).
    fn run(&self, job: Job, scratch: &mut Scratch) {
        let Job { path, bytes, times } = job;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            write_synced(&path, bytes, times, scratch)
        }))
        .unwrap_or_else(|_| {
            Err((
                format!("writing {}", path.display()),
                std::io::Error::other("the writer failed"),
            ))
        });
        let mut state = self.state.lock().expect("payload writes");
        state.outstanding -= 1;
        if let Err(e) = result {
            state.failed.get_or_insert(e);
        }
        self.done.notify_all();
    }

    /// Waits until every file queued is written and fsync'd; the first failure, if any.
    fn settle(&self) -> Option<(String, std::io::Error)> {
        let mut state = self.state.lock().expect("payload writes");
        while state.outstanding > 0 {
            state = self.done.wait(state).expect("payload writes");
        }
        state.failed.take()
    }
}

/// Creates `path` (0600, never over an existing file) with `bytes` and `times`, and fsyncs it
/// (the bytes are freed before the fsync). The bytes go to the disk by direct I/O through
/// `scratch` when the file system takes it (see [`write_direct`]), else through the page cache.
fn write_synced(
    path: &Path,
    bytes: Vec<u8>,
    times: FileTimes,
    scratch: &mut Scratch,
) -> Result<(), (String, std::io::Error)> {
    let written = || -> std::io::Result<File> {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)?;
        let done = write_direct(&f, &bytes, scratch)?;
        f.write_all(&bytes[done..])?;
        drop(bytes);
        f.set_times(times)?;
        Ok(f)
    };
    let f = written().map_err(|e| (format!("writing {}", path.display()), e))?;
    f.sync_all()
        .map_err(|e| (format!("syncing {}", path.display()), e))
}

/// The alignment direct I/O asks of memory, file offsets and lengths: 4096 bytes satisfies
/// every logical block size a Linux disk has.
const DIRECT_ALIGN: usize = 4096;
/// The most bytes one direct write takes (and the size of each writer's aligned buffer).
const DIRECT_CHUNK: usize = 256 * 1024;

/// A writer's buffer for direct I/O, allocated at its first use and kept: its pages are not
/// fresh for every file. It only ever holds sealed bytes.
#[derive(Default)]
struct Scratch(Vec<u8>);

impl Scratch {
    /// The aligned window of the buffer, [`DIRECT_CHUNK`] bytes.
    fn window(&mut self) -> &mut [u8] {
        if self.0.is_empty() {
            self.0 = vec![0; DIRECT_CHUNK + DIRECT_ALIGN];
        }
        let start = self.0.as_ptr().align_offset(DIRECT_ALIGN);
        &mut self.0[start..start + DIRECT_CHUNK]
    }
}

/// Writes the whole blocks of `bytes` to the new file `f` by direct I/O (from `bytes` itself
/// when they start on a block boundary, else copied through `scratch`), and returns how many
/// bytes it wrote; the caller writes the rest through the page cache.
/// A sealed payload is written once and seldom read, and the copy into fresh page-cache pages
/// was the payload writers' largest cost (half of their time on a virtual machine, whose
/// fresh pages come from its host). A file system that refuses direct I/O, or a write it
/// refuses, leaves the rest to the page cache.
fn write_direct(f: &File, bytes: &[u8], scratch: &mut Scratch) -> std::io::Result<usize> {
    use nix::fcntl::{FcntlArg, OFlag, fcntl};
    let whole = bytes.len() / DIRECT_ALIGN * DIRECT_ALIGN;
    if whole == 0 {
        return Ok(0);
    }
    let Ok(flags) = fcntl(f, FcntlArg::F_GETFL) else {
        return Ok(0);
    };
    let buffered = OFlag::from_bits_truncate(flags);
    if fcntl(f, FcntlArg::F_SETFL(buffered | OFlag::O_DIRECT)).is_err() {
        return Ok(0);
    }
    let mut done = 0;
    let mut out = f;
    // Bytes that start on a block boundary (the allocator gives a large block whole pages)
    // go to the disk as they are, in one request; any others through the aligned window.
    let aligned = bytes.as_ptr().align_offset(DIRECT_ALIGN) == 0;
    while done < whole {
        let written = if aligned {
            out.write(&bytes[done..whole])
        } else {
            let n = (whole - done).min(DIRECT_CHUNK);
            let window = scratch.window();
            window[..n].copy_from_slice(&bytes[done..done + n]);
            out.write(&window[..n])
        };
        match written {
            Ok(w) => {
                done += w;
                // A short write that leaves the file off a block boundary: the page cache
                // takes the rest.
                if w == 0 || w % DIRECT_ALIGN != 0 {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    fcntl(f, FcntlArg::F_SETFL(buffered)).map_err(std::io::Error::from)?;
    Ok(done)
}

impl Files {
    pub(crate) fn open(dir: PathBuf, precision: Precision) -> Result<Files, StoreError> {
        if !dir.is_dir() {
            fs::create_dir_all(&dir).map_err(|e| StoreError::io(dir.display().to_string(), e))?;
        }
        Ok(Files {
            dir,
            precision,
            writes: Arc::default(),
            queue: Mutex::new(None),
        })
    }

    /// A fresh random file name.
    pub(crate) fn new_name() -> String {
        crate::ids::random_hex(16)
    }

    /// Writes a new file (0600); its modification time is set to `now` rounded to the
    /// configured precision, so the file system tells no more than the records do. The file
    /// is written and fsync'd by a writer thread; [`Files::sync_written`] waits for it, reports
    /// its failure, and fsyncs the directory, once per commit.
    pub(crate) fn write(&self, name: &str, bytes: Vec<u8>, now: i64) -> Result<(), StoreError> {
        let rounded =
            SystemTime::UNIX_EPOCH + Duration::from_secs(self.precision.round(now).max(0) as u64);
        let job = Job {
            path: self.dir.join(name),
            bytes,
            times: FileTimes::new().set_modified(rounded).set_accessed(rounded),
        };
        self.writes
            .state
            .lock()
            .expect("payload writes")
            .outstanding += 1;
        let mut queue = self.queue.lock().expect("payload queue");
        if queue.is_none() {
            *queue = self.start_writers();
        }
        // Without writer threads (none could start, or they are gone), written here.
        let job = match queue.as_ref() {
            Some(q) => match q.send(job) {
                Ok(()) => return Ok(()),
                Err(std::sync::mpsc::SendError(job)) => job,
            },
            None => job,
        };
        drop(queue);
        self.writes.run(job, &mut Scratch::default());
        Ok(())
    }

    /// Starts the writer threads; None when none could start.
    fn start_writers(&self) -> Option<SyncSender<Job>> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Job>(QUEUED);
        let rx = Arc::new(Mutex::new(rx));
        let mut started = 0;
        for _ in 0..WRITERS {
            let (rx, writes) = (Arc::clone(&rx), Arc::clone(&self.writes));
            let spawned = std::thread::Builder::new()
                .name("payload-files".into())
                .spawn(move || {
                    let mut scratch = Scratch::default();
                    loop {
                        let next = rx.lock().expect("payload queue").recv();
                        let Ok(job) = next else { break };
                        writes.run(job, &mut scratch);
                    }
                });
            started += usize::from(spawned.is_ok());
        }
        (started > 0).then_some(tx)
    }

    /// Forgets what files written since the last [`Files::sync_written`] became, once
    /// written: they belong to a change dropped without a commit (orphans, removed at the next
    /// open). Only under the store's write lock.
    pub(crate) fn forget_unsynced(&self) {
        let _ = self.writes.settle();
    }

    /// Waits until every file written since the last call is written and fsync'd (by the
    /// writer threads, as each was queued), then fsyncs the directory, making the new files
    /// and their names durable. Only a transaction's commit calls it, under the store's write
    /// lock: the files' failures are the transaction's.
    pub(crate) fn sync_written(&self) -> Result<(), StoreError> {
        if let Some((what, e)) = self.writes.settle() {
            return Err(StoreError::io(what, e));
        }
        fsync_dir(&self.dir)
    }

    /// fsyncs the directory, making removals durable. Files written are fsync'd by their
    /// writer, and waited for by their transaction's commit ([`Files::sync_written`]).
    pub(crate) fn sync_dir(&self) -> Result<(), StoreError> {
        fsync_dir(&self.dir)
    }

    pub(crate) fn read(&self, name: &str) -> Result<Vec<u8>, StoreError> {
        let path = self.dir.join(name);
        fs::read(&path).map_err(|e| StoreError::io(format!("reading {}", path.display()), e))
    }

    /// Removes a file; a missing file is not an error.
    pub(crate) fn remove(&self, name: &str) -> Result<(), StoreError> {
        let path = self.dir.join(name);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::io(format!("removing {}", path.display()), e)),
        }
    }

    /// Names of every file present (to find orphans after a crash).
    pub(crate) fn list(&self) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for e in fs::read_dir(&self.dir)
            .map_err(|e| StoreError::io(self.dir.display().to_string(), e))?
        {
            let e = e.map_err(|e| StoreError::io(self.dir.display().to_string(), e))?;
            if let Some(n) = e.file_name().to_str() {
                out.push(n.to_string());
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes that differ from block to block, so that a block written twice or at the wrong
    /// offset shows.
    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 4093) as u8).collect()
    }

    #[test]
    fn payload_files_of_every_length_read_back_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let files = Files::open(tmp.path().join("files"), Precision::default()).unwrap();
        let lengths = [
            0,
            1,
            DIRECT_ALIGN - 1,
            DIRECT_ALIGN,
            DIRECT_ALIGN + 1,
            DIRECT_CHUNK - 1,
            DIRECT_CHUNK,
            DIRECT_CHUNK + DIRECT_ALIGN + 7,
            3 * DIRECT_CHUNK + 5,
        ];
        for (i, len) in lengths.iter().enumerate() {
            files.write(&format!("f{i}"), pattern(*len), 0).unwrap();
        }
        files.sync_written().unwrap();
        for (i, len) in lengths.iter().enumerate() {
            let back = files.read(&format!("f{i}")).unwrap();
            assert!(back == pattern(*len), "length {len} read back changed");
        }
    }

    #[test]
    fn direct_io_writes_whole_blocks_and_leaves_the_tail() {
        let tmp = tempfile::tempdir().unwrap();
        let len = 2 * DIRECT_CHUNK + 3 * DIRECT_ALIGN + 100;
        let room = pattern(len + 2 * DIRECT_ALIGN);
        let aligned = room.as_ptr().align_offset(DIRECT_ALIGN);
        // Bytes on a block boundary, and bytes one past it (through the scratch window).
        for (i, at) in [aligned, aligned + 1].into_iter().enumerate() {
            let bytes = &room[at..at + len];
            let path = tmp.path().join(format!("p{i}"));
            let mut f = File::create_new(&path).unwrap();
            let mut scratch = Scratch::default();
            let done = write_direct(&f, bytes, &mut scratch).unwrap();
            // Every file system this runs on takes direct I/O, or refuses it whole.
            assert!(done == 0 || done == len - 100, "wrote {done}");
            if done > 0 {
                assert_eq!(scratch.0.is_empty(), i == 0, "copied only when not aligned");
            }
            f.write_all(&bytes[done..]).unwrap();
            let flags = nix::fcntl::fcntl(&f, nix::fcntl::FcntlArg::F_GETFL).unwrap();
            assert_eq!(
                flags & nix::fcntl::OFlag::O_DIRECT.bits(),
                0,
                "the tail goes through the page cache"
            );
            drop(f);
            assert!(fs::read(&path).unwrap() == bytes);
        }
    }

    #[test]
    fn a_file_that_refuses_direct_io_is_left_to_the_page_cache() {
        // A character device has no direct I/O: nothing is written the direct way.
        let null = OpenOptions::new().write(true).open("/dev/null").unwrap();
        let done = write_direct(&null, &pattern(3 * DIRECT_ALIGN), &mut Scratch::default());
        assert_eq!(done.unwrap(), 0);
    }

    #[test]
    fn a_failed_write_is_reported_by_the_commit_that_wrote_it_only() {
        let tmp = tempfile::tempdir().unwrap();
        let files = Files::open(tmp.path().join("files"), Precision::default()).unwrap();
        files.write("a", b"sealed".to_vec(), 0).unwrap();
        // The same name again: create_new fails, in a writer thread.
        files.write("a", b"other".to_vec(), 0).unwrap();
        files
            .sync_dir()
            .expect("a removal's sync is not the writer's commit");
        let e = files.sync_written().unwrap_err();
        assert!(e.to_string().contains("writing"), "{e}");
        assert_eq!(fs::read(tmp.path().join("files/a")).unwrap(), b"sealed");
        files.write("b", b"sealed".to_vec(), 0).unwrap();
        files.sync_written().expect("the failure was reported once");
        files.write("a", b"again".to_vec(), 0).unwrap();
        files.forget_unsynced();
        files
            .sync_written()
            .expect("a dropped change's failure is forgotten");
    }
}
