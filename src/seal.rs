//! Authenticated encryption of everything about a writer, and the keys it needs.
//!
//! * Key-encryption keys (KEKs) live in `key_dir` (outside the data directory), one file per
//!   epoch (`kek-000001.key`, 0600). `sourdine keys rotate` starts a new epoch.
//! * Each ticket has random data keys (content, reply envelope), stored only wrapped by a KEK.
//!   Destroying a data key (and, for good, the epoch that wrapped it) destroys what it sealed.
//! * Sealed blobs are `version(1) || nonce(24) || XChaCha20-Poly1305 ciphertext+tag`, with
//!   associated data that binds each blob to its place (ticket, record kind), so blobs cannot
//!   be swapped between records.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, AeadInOut, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::ids::random_bytes;

const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Bytes a sealed blob adds to its plaintext.
pub const OVERHEAD: usize = 1 + NONCE_LEN + TAG_LEN;

/// A sealing or key-file error. Never carries plaintext.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// Authentication failed: wrong key, wrong place, or tampered data.
    #[error("sealed data failed authentication (wrong key or tampered)")]
    Tampered,
    /// The blob is too short or of an unknown version.
    #[error("sealed data is malformed")]
    Malformed,
    /// The key of the epoch that wrapped a data key is gone.
    #[error("key epoch {0} is no longer available (its data was destroyed)")]
    EpochGone(u32),
    /// A key file could not be read or written.
    #[error("key file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A key file is not what it should be.
    #[error("key file {path}: {problem}")]
    BadKeyFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// No key-encryption key exists yet.
    #[error("no key in {0}: run `sourdine init` first")]
    NoKeys(PathBuf),
}

impl SealError {
    /// Whether the data could not be authenticated (tampering, wrong key).
    pub fn is_tampered(&self) -> bool {
        matches!(self, SealError::Tampered | SealError::Malformed)
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SealError + '_ {
    move |source| SealError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A 256-bit key, wiped from memory when dropped.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(..)")
    }
}

impl Key {
    /// A fresh key from the operating system's CSPRNG.
    pub fn random() -> Key {
        let mut k = [0u8; 32];
        random_bytes(&mut k);
        Key(k)
    }

    /// The raw bytes (for deriving subkeys and MACs).
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A subkey for a named purpose (BLAKE3 key derivation).
    pub fn derive(&self, context: &str) -> Key {
        Key(blake3::derive_key(context, &self.0))
    }

    fn from_slice(bytes: &[u8]) -> Option<Key> {
        let arr: [u8; 32] = bytes.try_into().ok()?;
        Some(Key(arr))
    }
}

/// Seals `plaintext` under `key`, bound to `aad`.
pub fn seal(key: &Key, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(OVERHEAD + plaintext.len());
    out.push(VERSION);
    out.extend_from_slice(&[0; NONCE_LEN]);
    out.extend_from_slice(plaintext);
    seal_from(key, aad, out)
}

/// [`seal`], in the plaintext's own buffer: no copy of a large attachment is made, and the
/// buffer holds no plaintext afterwards.
pub fn seal_vec(key: &Key, aad: &[u8], mut plaintext: Vec<u8>) -> Vec<u8> {
    plaintext.reserve_exact(OVERHEAD);
    plaintext.splice(0..0, [VERSION].into_iter().chain([0; NONCE_LEN]));
    seal_from(key, aad, plaintext)
}

/// Seals `buf`, which holds the version, room for the nonce, then the plaintext.
fn seal_from(key: &Key, aad: &[u8], mut buf: Vec<u8>) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(&(*key.as_bytes()).into());
    let mut nonce = [0u8; NONCE_LEN];
    random_bytes(&mut nonce);
    buf[1..1 + NONCE_LEN].copy_from_slice(&nonce);
    let tag = cipher
        .encrypt_inout_detached(
            &XNonce::from(nonce),
            aad,
            (&mut buf[1 + NONCE_LEN..]).into(),
        )
        .expect("XChaCha20-Poly1305 cannot fail on in-memory sizes");
    buf.extend_from_slice(&tag);
    buf
}

/// Opens a blob made by [`seal`] with the same key and `aad`; the plaintext is wiped on drop.
pub fn open(key: &Key, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealError> {
    if sealed.len() < OVERHEAD || sealed[0] != VERSION {
        return Err(SealError::Malformed);
    }
    let nonce: [u8; NONCE_LEN] = sealed[1..1 + NONCE_LEN].try_into().expect("length checked");
    let cipher = XChaCha20Poly1305::new(&(*key.as_bytes()).into());
    cipher
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: &sealed[1 + NONCE_LEN..],
                aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| SealError::Tampered)
}

/// A data key wrapped by the key-encryption key of one epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    /// The KEK epoch that wrapped it.
    pub epoch: u32,
    /// The sealed key.
    pub sealed: Vec<u8>,
}

/// The address a reply goes to and the message it answers. Only ever stored sealed.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct Envelope {
    /// The writer's address: the From address of the first message, the one the helpline's
    /// mail server verified (never a Reply-To).
    pub address: String,
    /// The Message-ID of the latest message from that address in the thread, for our
    /// `In-Reply-To` (the first message's, until the writer writes again).
    pub message_id: Option<String>,
    /// That message's ancestors, oldest first: with `message_id` after them, our
    /// `References`. Empty in envelopes sealed before it was kept.
    #[serde(default)]
    pub references: Vec<String>,
}

impl std::fmt::Debug for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Envelope(sealed)")
    }
}

impl Envelope {
    /// Seals the envelope under `key`, bound to `aad`: the address and Message-ID as envelopes
    /// always had them, then the references (older envelopes end before them).
    pub fn seal(&self, key: &Key, aad: &[u8]) -> Vec<u8> {
        let plain = Zeroizing::new(
            postcard::to_stdvec(&(&self.address, &self.message_id, &self.references))
                .expect("envelope serialises"),
        );
        seal(key, aad, &plain)
    }

    /// Opens a sealed envelope (also one sealed before the references were kept).
    pub fn open(key: &Key, aad: &[u8], sealed: &[u8]) -> Result<Envelope, SealError> {
        let plain = open(key, aad, sealed)?;
        let ((address, message_id), rest): ((String, Option<String>), _) =
            postcard::take_from_bytes(&plain).map_err(|_| SealError::Malformed)?;
        let references = if rest.is_empty() {
            Vec::new()
        } else {
            postcard::from_bytes(rest).map_err(|_| SealError::Malformed)?
        };
        Ok(Envelope {
            address,
            message_id,
            references,
        })
    }
}

/// The key files: key-encryption keys by epoch, and the audit MAC key.
pub struct Keyring {
    dir: PathBuf,
    keks: BTreeMap<u32, Key>,
    audit: Key,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("dir", &self.dir)
            .field("epochs", &self.keks.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// What `Keyring::init` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysCreated {
    /// Files created (names only).
    pub created: Vec<String>,
}

const AUDIT_FILE: &str = "audit.key";

fn kek_file(epoch: u32) -> String {
    format!("kek-{epoch:06}.key")
}

fn parse_kek_file(name: &str) -> Option<u32> {
    name.strip_prefix("kek-")?
        .strip_suffix(".key")?
        .parse()
        .ok()
}

fn fsync_dir(dir: &Path) -> Result<(), SealError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(dir))
}

/// Writes a new key file (0600) that must not exist yet, and syncs it and its directory.
fn write_new_key(dir: &Path, name: &str, key: &Key) -> Result<(), SealError> {
    let path = dir.join(name);
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(io_err(&path))?;
    f.write_all(key.as_bytes()).map_err(io_err(&path))?;
    f.sync_all().map_err(io_err(&path))?;
    fsync_dir(dir)
}

fn read_key(path: &Path) -> Result<Key, SealError> {
    let meta = fs::metadata(path).map_err(io_err(path))?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(SealError::BadKeyFile {
            path: path.to_path_buf(),
            problem: format!(
                "mode {:04o} lets others read it; it must be 0600 (chmod 600)",
                meta.permissions().mode() & 0o7777
            ),
        });
    }
    let mut buf = Zeroizing::new(Vec::with_capacity(32));
    File::open(path)
        .and_then(|mut f| f.read_to_end(&mut buf))
        .map_err(io_err(path))?;
    Key::from_slice(&buf).ok_or_else(|| SealError::BadKeyFile {
        path: path.to_path_buf(),
        problem: format!("expected 32 bytes, found {}", buf.len()),
    })
}

impl Keyring {
    /// Creates the key directory (0700) and any missing key file (0600). Never overwrites a key.
    pub fn init(dir: &Path) -> Result<KeysCreated, SealError> {
        let mut created = Vec::new();
        if !dir.exists() {
            fs::create_dir_all(dir).map_err(io_err(dir))?;
            created.push(dir.display().to_string());
        }
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io_err(dir))?;
        let have_kek = Self::list_epochs(dir)?.into_iter().next().is_some();
        if !have_kek {
            write_new_key(dir, &kek_file(1), &Key::random())?;
            created.push(kek_file(1));
        }
        if !dir.join(AUDIT_FILE).exists() {
            write_new_key(dir, AUDIT_FILE, &Key::random())?;
            created.push(AUDIT_FILE.to_string());
        }
        Ok(KeysCreated { created })
    }

    fn list_epochs(dir: &Path) -> Result<Vec<u32>, SealError> {
        let mut epochs = Vec::new();
        for entry in fs::read_dir(dir).map_err(io_err(dir))? {
            let entry = entry.map_err(io_err(dir))?;
            if let Some(e) = entry.file_name().to_str().and_then(parse_kek_file) {
                epochs.push(e);
            }
        }
        epochs.sort_unstable();
        Ok(epochs)
    }

    /// Loads every key file from `dir`.
    pub fn load(dir: &Path) -> Result<Keyring, SealError> {
        if !dir.is_dir() {
            return Err(SealError::NoKeys(dir.to_path_buf()));
        }
        let mut keks = BTreeMap::new();
        for epoch in Self::list_epochs(dir)? {
            keks.insert(epoch, read_key(&dir.join(kek_file(epoch)))?);
        }
        if keks.is_empty() || !dir.join(AUDIT_FILE).exists() {
            return Err(SealError::NoKeys(dir.to_path_buf()));
        }
        let audit = read_key(&dir.join(AUDIT_FILE))?;
        Ok(Keyring {
            dir: dir.to_path_buf(),
            keks,
            audit,
        })
    }

    /// The key directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The newest epoch: new data keys are wrapped by it.
    pub fn current_epoch(&self) -> u32 {
        *self.keks.keys().next_back().expect("a keyring has a key")
    }

    /// Every epoch whose key file still exists.
    pub fn epochs(&self) -> Vec<u32> {
        self.keks.keys().copied().collect()
    }

    /// The KEK of an epoch.
    pub fn kek(&self, epoch: u32) -> Option<&Key> {
        self.keks.get(&epoch)
    }

    /// The key of the audit log's MAC chain.
    pub fn audit_key(&self) -> &Key {
        &self.audit
    }

    /// Wraps a data key under the current epoch, bound to `aad`.
    pub fn wrap(&self, dek: &Key, aad: &[u8]) -> WrappedKey {
        let epoch = self.current_epoch();
        WrappedKey {
            epoch,
            sealed: seal(&self.keks[&epoch], aad, dek.as_bytes()),
        }
    }

    /// Unwraps a data key.
    pub fn unwrap(&self, wrapped: &WrappedKey, aad: &[u8]) -> Result<Key, SealError> {
        let kek = self
            .keks
            .get(&wrapped.epoch)
            .ok_or(SealError::EpochGone(wrapped.epoch))?;
        let plain = open(kek, aad, &wrapped.sealed)?;
        Key::from_slice(&plain).ok_or(SealError::Malformed)
    }

    /// Starts a new epoch: writes a fresh KEK file and makes it current.
    pub fn rotate(&mut self) -> Result<u32, SealError> {
        let epoch = self.current_epoch() + 1;
        let key = Key::random();
        write_new_key(&self.dir, &kek_file(epoch), &key)?;
        self.keks.insert(epoch, key);
        Ok(epoch)
    }

    /// Destroys an epoch's key file (overwritten, synced, removed). Refuses the current epoch.
    pub fn destroy(&mut self, epoch: u32) -> Result<(), SealError> {
        if epoch == self.current_epoch() {
            return Err(SealError::BadKeyFile {
                path: self.dir.join(kek_file(epoch)),
                problem: "the current epoch cannot be destroyed".into(),
            });
        }
        let path = self.dir.join(kek_file(epoch));
        if path.exists() {
            let mut f = OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(io_err(&path))?;
            f.write_all(&[0u8; 32]).map_err(io_err(&path))?;
            f.sync_all().map_err(io_err(&path))?;
            drop(f);
            fs::remove_file(&path).map_err(io_err(&path))?;
            fsync_dir(&self.dir)?;
        }
        self.keks.remove(&epoch);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_then_open_returns_the_plaintext() {
        let k = Key::random();
        let s = seal(&k, b"ctx", b"hello");
        assert_eq!(&open(&k, b"ctx", &s).unwrap()[..], b"hello");
        assert_eq!(s.len(), 5 + OVERHEAD);
    }

    #[test]
    fn seal_vec_makes_the_same_blob_in_the_plaintexts_buffer() {
        let k = Key::random();
        for len in [0, 1, 4096, 300_000] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let s = seal_vec(&k, b"ctx", plain.clone());
            assert_eq!(s.len(), len + OVERHEAD);
            assert_eq!(s[0], VERSION);
            assert_eq!(&open(&k, b"ctx", &s).unwrap()[..], &plain[..]);
            assert!(open(&k, b"other", &s).is_err());
            if len >= 64 {
                assert!(
                    !s.windows(64).any(|w| w == &plain[..64]),
                    "no plaintext is left in the buffer"
                );
            }
        }
    }

    #[test]
    fn every_flipped_bit_is_refused() {
        let k = Key::random();
        let s = seal(&k, b"ctx", b"a reply address");
        for i in 0..s.len() * 8 {
            let mut t = s.clone();
            t[i / 8] ^= 1 << (i % 8);
            assert!(open(&k, b"ctx", &t).is_err(), "bit {i} accepted");
        }
    }

    #[test]
    fn wrong_key_or_place_is_refused() {
        let k = Key::random();
        let s = seal(&k, b"ticket A", b"x");
        assert!(
            open(&Key::random(), b"ticket A", &s)
                .unwrap_err()
                .is_tampered()
        );
        assert!(open(&k, b"ticket B", &s).unwrap_err().is_tampered());
        assert!(open(&k, b"ticket A", &s[..10]).is_err());
    }

    #[test]
    fn envelope_round_trip_and_tamper() {
        let k = Key::random();
        let e = Envelope {
            address: "w@example.org".into(),
            message_id: Some("id@x".into()),
            references: vec!["a@x".into(), "b@x".into()],
        };
        let s = e.seal(&k, b"env");
        assert_eq!(Envelope::open(&k, b"env", &s).unwrap(), e);
        let mut t = s.clone();
        let last = t.len() - 1;
        t[last] ^= 0x80;
        assert!(Envelope::open(&k, b"env", &t).is_err());
        assert!(!format!("{e:?}").contains("w@example.org"));
    }

    /// Envelopes sealed before the references were kept held only the address and the
    /// Message-ID; they still open, with no references.
    #[test]
    fn envelopes_sealed_without_references_still_open() {
        #[derive(Serialize)]
        struct Old {
            address: String,
            message_id: Option<String>,
        }
        let k = Key::random();
        for message_id in [Some("id@x".to_string()), None] {
            let plain = postcard::to_stdvec(&Old {
                address: "w@example.org".into(),
                message_id: message_id.clone(),
            })
            .unwrap();
            let e = Envelope::open(&k, b"env", &seal(&k, b"env", &plain)).unwrap();
            assert_eq!(e.address, "w@example.org");
            assert_eq!(e.message_id, message_id);
            assert!(e.references.is_empty());
        }
        let mut trailing = postcard::to_stdvec(&("w@example.org", Some("id@x"))).unwrap();
        trailing.push(0xff);
        assert!(Envelope::open(&k, b"env", &seal(&k, b"env", &trailing)).is_err());
    }

    #[test]
    fn keyring_init_is_idempotent_and_rotates() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("keys");
        let first = Keyring::init(&dir).unwrap();
        assert!(first.created.contains(&"kek-000001.key".to_string()));
        let before = fs::read(dir.join("kek-000001.key")).unwrap();
        let again = Keyring::init(&dir).unwrap();
        assert!(again.created.is_empty());
        assert_eq!(fs::read(dir.join("kek-000001.key")).unwrap(), before);
        let mode = fs::metadata(dir.join("kek-000001.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);

        let mut ring = Keyring::load(&dir).unwrap();
        let dek = Key::random();
        let w1 = ring.wrap(&dek, b"t1");
        assert_eq!(w1.epoch, 1);
        assert_eq!(ring.rotate().unwrap(), 2);
        let w2 = ring.wrap(&dek, b"t1");
        assert_eq!(w2.epoch, 2);
        assert_eq!(ring.unwrap(&w1, b"t1").unwrap(), dek);
        ring.destroy(1).unwrap();
        assert!(!dir.join("kek-000001.key").exists());
        assert!(matches!(
            ring.unwrap(&w1, b"t1"),
            Err(SealError::EpochGone(1))
        ));
        assert_eq!(ring.unwrap(&w2, b"t1").unwrap(), dek);
        assert!(ring.destroy(2).is_err());
        let reloaded = Keyring::load(&dir).unwrap();
        assert_eq!(reloaded.epochs(), vec![2]);
    }

    #[test]
    fn readable_key_file_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("keys");
        Keyring::init(&dir).unwrap();
        fs::set_permissions(dir.join("audit.key"), fs::Permissions::from_mode(0o644)).unwrap();
        let e = Keyring::load(&dir).unwrap_err();
        assert!(e.to_string().contains("chmod 600"), "{e}");
    }
}
