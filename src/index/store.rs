//! The index directory's layout, shared by the writer (`indexer`) and the readers (`search`,
//! `server`):
//!
//! ```text
//! index/README.md          committed; says what the folder is
//! index/CURRENT            name of the live generation, replaced atomically (temp + rename)
//! index/gen-000007/        a tantivy index plus manifest.json (the files it was built from),
//!                          curated.json (cards, IOP rules, thresholds) and cards/ (the
//!                          answer cards' own small tantivy index, same schema)
//! index/dictionary.cache   the compound splitter's stemmed word list, written by the indexer
//! index/.writer.lock       held (flock) by the one process writing
//! ```
//!
//! Incremental updates commit into the live generation; a full rebuild (new analyzer or schema,
//! or a damaged index) builds a new generation beside it and then flips `CURRENT`, so readers
//! always have a complete index to open.
//!
//! Searches open an index through [`SearchDirectory`]: postings and the other small, hot files
//! are memory-mapped, and the document store is read with `pread`, one block per request.

use crate::analysis;
use crate::index::schema::{self, Fields, SCHEMA_VERSION};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use tantivy::Index;
use tantivy::directory::error::OpenReadError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error(
        "no index at {0}; build it with `vagvisare index` (or start `vagvisare serve`, which builds it)"
    )]
    Missing(PathBuf),
    #[error("the index at {path} cannot be opened: {reason}; rebuild it with `vagvisare index`")]
    Broken { path: PathBuf, reason: String },
    #[error(
        "the index at {0} was built by another version of vagvisare or with another word list; rebuild it with `vagvisare index`"
    )]
    Outdated(PathBuf),
    #[error(
        "the index at {0} is locked by another `vagvisare index` or `serve` run; wait for it to finish"
    )]
    Locked(PathBuf),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> StoreError {
    let context = context.into();
    move |source| StoreError::Io { context, source }
}

/// What the indexer writes into each commit's payload, to tell whether an index fits this binary.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Payload {
    pub schema: u32,
    pub analyzer: u32,
    /// The compound splitter's word list ([`analysis::compound::Dictionary::fingerprint`]): a
    /// different list splits words differently, so it asks for a rebuild like a new analyzer.
    pub words: String,
}

impl Payload {
    pub fn current() -> Payload {
        Payload {
            schema: SCHEMA_VERSION,
            analyzer: analysis::ANALYZER_VERSION,
            words: analysis::compound::dictionary().fingerprint.clone(),
        }
    }
}

/// An opened generation with its analyzers registered.
pub struct Opened {
    pub index: Index,
    pub fields: Fields,
    pub dir: PathBuf,
    pub generation: String,
}

/// The name of the live generation, if any.
pub fn current_generation(index_dir: &Path) -> Option<String> {
    let s = std::fs::read_to_string(index_dir.join("CURRENT")).ok()?;
    let name = s.trim().to_string();
    let valid = name.starts_with("gen-") && name[4..].chars().all(|c| c.is_ascii_digit());
    valid.then_some(name)
}

/// What an index is opened for, which decides how its files are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Indexing and merging: every file memory-mapped (a merge reads whole stores).
    Write,
    /// Searching: the document store read block by block ([`SearchDirectory`]).
    Search,
}

/// When the generation's last commit was written, in seconds since 1970 (tantivy rewrites
/// `meta.json` on every commit).
pub fn last_commit(index_dir: &Path, generation: &str) -> Option<u64> {
    std::fs::metadata(index_dir.join(generation).join("meta.json"))
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
}

/// Opens the live generation, checking that it was built by this version.
pub fn open_current(index_dir: &Path, access: Access) -> Result<Opened, StoreError> {
    let generation = current_generation(index_dir)
        .ok_or_else(|| StoreError::Missing(index_dir.to_path_buf()))?;
    open_generation(index_dir, &generation, access)
}

/// Opens one generation and checks its payload and schema.
pub fn open_generation(
    index_dir: &Path,
    generation: &str,
    access: Access,
) -> Result<Opened, StoreError> {
    let dir = index_dir.join(generation);
    let broken = |reason: String| StoreError::Broken {
        path: dir.clone(),
        reason,
    };
    let index = match access {
        Access::Write => Index::open_in_dir(&dir),
        Access::Search => SearchDirectory::open(&dir).and_then(Index::open),
    }
    .map_err(|e| broken(e.to_string()))?;
    let metas = index.load_metas().map_err(|e| broken(e.to_string()))?;
    let payload: Option<Payload> = metas
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok());
    if payload != Some(Payload::current()) {
        return Err(StoreError::Outdated(dir));
    }
    let (expected, _) = schema::build();
    if index.schema() != expected {
        return Err(StoreError::Outdated(dir));
    }
    analysis::register(&index);
    let fields = Fields::from_schema(&index.schema()).map_err(|e| broken(e.to_string()))?;
    Ok(Opened {
        index,
        fields,
        dir,
        generation: generation.to_string(),
    })
}

/// The compound splitter's stemmed word list, beside the generations (written by the indexer).
pub const DICTIONARY_CACHE: &str = "dictionary.cache";

/// Folder of the cards' index inside a generation.
pub const CARDS_DIR: &str = "cards";

/// Opens the cards' index of a generation, if it has a usable one.
pub fn open_cards(gen_dir: &Path) -> Option<Index> {
    let index = Index::open_in_dir(gen_dir.join(CARDS_DIR)).ok()?;
    if index.schema() != schema::build().0 {
        return None;
    }
    analysis::register(&index);
    Some(index)
}

/// The next unused generation name.
pub fn next_generation(index_dir: &Path) -> String {
    let max = std::fs::read_dir(index_dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_prefix("gen-")?
                .parse::<u64>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    format!("gen-{:06}", max + 1)
}

/// Points `CURRENT` at `generation`: temp file, fsync, rename, fsync of the directory.
pub fn set_current(index_dir: &Path, generation: &str) -> Result<(), StoreError> {
    write_atomic(
        &index_dir.join("CURRENT"),
        format!("{generation}\n").as_bytes(),
    )
}

/// Writes a file so that readers see either the old or the new content, never a torn one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    let mut f = File::create(&tmp).map_err(io(format!("writing {}", tmp.display())))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(io(format!("writing {}", tmp.display())))?;
    std::fs::rename(&tmp, path).map_err(io(format!("replacing {}", path.display())))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Removes generations other than the live one and the one before it (a reader may still be
/// finishing on that one).
pub fn prune_generations(index_dir: &Path, keep: &[&str]) {
    let Ok(entries) = std::fs::read_dir(index_dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with("gen-") && !keep.contains(&name.as_str()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// The exclusive writer lock on an index directory; released when dropped or when the
/// process dies (it is an OS file lock, never a marker file to clean up).
pub struct WriterLock {
    _file: File,
}

pub fn lock_writer(index_dir: &Path) -> Result<WriterLock, StoreError> {
    std::fs::create_dir_all(index_dir).map_err(io(format!(
        "creating index directory {}",
        index_dir.display()
    )))?;
    let path = index_dir.join(".writer.lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(format!("opening {}", path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(WriterLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked(index_dir.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Io {
            context: format!("locking {}", path.display()),
            source: e,
        }),
    }
}

/// The directory searches read an index through. Everything is memory-mapped as tantivy does by
/// default, except the document store (`.store`), which is read with `pread`, one compressed
/// block per request.
///
/// Why: a result page reads ten sections, each from its own 4 KB block scattered over a store
/// of tens of megabytes, and every page fault on a mapped file maps the pages around it too
/// (the kernel's fault-around, 64 KB; `MADV_RANDOM` does not turn it off). Over a few thousand
/// queries that left 60 of the 150 MB of `serve`'s resident memory (20 000 documents) in store
/// pages it had touched once. Read with `pread`, the blocks stay in the kernel's page cache and
/// only the decompressed block cache lives in the process. A block read costs one system call,
/// about a microsecond, ten or so per query.
#[derive(Clone, Debug)]
pub struct SearchDirectory {
    root: PathBuf,
    mapped: tantivy::directory::MmapDirectory,
}

impl SearchDirectory {
    pub fn open(root: &Path) -> tantivy::Result<SearchDirectory> {
        Ok(SearchDirectory {
            root: root.to_path_buf(),
            mapped: tantivy::directory::MmapDirectory::open(root)?,
        })
    }
}

/// A file read with `pread` (positioned reads, no shared cursor: safe from many threads).
#[derive(Debug)]
struct ReadFile {
    file: File,
    len: usize,
}

impl tantivy::HasLen for ReadFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl tantivy::directory::FileHandle for ReadFile {
    fn read_bytes(
        &self,
        range: std::ops::Range<usize>,
    ) -> std::io::Result<tantivy::directory::OwnedBytes> {
        use std::os::unix::fs::FileExt;
        if range.start > range.end || range.start > self.len {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("read of bytes {range:?} of a {}-byte file", self.len),
            ));
        }
        let end = range.end.min(self.len);
        let mut buf = vec![0; end - range.start];
        self.file.read_exact_at(&mut buf, range.start as u64)?;
        Ok(tantivy::directory::OwnedBytes::new(buf))
    }
}

impl tantivy::Directory for SearchDirectory {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> Result<std::sync::Arc<dyn tantivy::directory::FileHandle>, OpenReadError> {
        if path.extension().is_none_or(|e| e != "store") {
            return self.mapped.get_file_handle(path);
        }
        let full = self.root.join(path);
        let file = File::open(&full).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(path.to_path_buf()),
            _ => OpenReadError::wrap_io_error(e, full.clone()),
        })?;
        let len = file
            .metadata()
            .map_err(|e| OpenReadError::wrap_io_error(e, full.clone()))?
            .len() as usize;
        Ok(std::sync::Arc::new(ReadFile { file, len }))
    }

    fn delete(&self, path: &Path) -> Result<(), tantivy::directory::error::DeleteError> {
        self.mapped.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mapped.exists(path)
    }

    fn open_write(
        &self,
        path: &Path,
    ) -> Result<tantivy::directory::WritePtr, tantivy::directory::error::OpenWriteError> {
        self.mapped.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mapped.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.mapped.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.mapped.sync_directory()
    }

    fn acquire_lock(
        &self,
        lock: &tantivy::directory::Lock,
    ) -> Result<tantivy::directory::DirectoryLock, tantivy::directory::error::LockError> {
        self.mapped.acquire_lock(lock)
    }

    fn watch(
        &self,
        callback: tantivy::directory::WatchCallback,
    ) -> tantivy::Result<tantivy::directory::WatchHandle> {
        self.mapped.watch(callback)
    }
}
