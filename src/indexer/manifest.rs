//! The manifest: for every corpus file the indexer has seen, its size, modification time and
//! blake3 hash, and whether it was indexed or skipped (with the reason). It lives beside the
//! generation it describes and is written (atomically) after each commit. Deciding what
//! changed compares size and mtime first and hashes only files whose metadata moved.

use crate::document::RelPath;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub size: u64,
    pub mtime_ns: i128,
    pub hash: String,
    /// `None` when indexed; the reason when skipped.
    pub skipped: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub files: BTreeMap<RelPath, Entry>,
}

pub const FILE_NAME: &str = "manifest.json";

impl Manifest {
    /// Loads the manifest of a generation; a missing or unreadable one is empty (everything
    /// then counts as new, and re-adding is idempotent).
    pub fn load(gen_dir: &Path) -> Manifest {
        std::fs::read(gen_dir.join(FILE_NAME))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Writes the manifest and, beside it, the digest of its files' stamps ([`STAMPS_FILE`]).
    pub fn save(&self, gen_dir: &Path) -> Result<(), crate::index::store::StoreError> {
        let bytes = serde_json::to_vec(self).expect("manifest serialises");
        crate::index::store::write_atomic(&gen_dir.join(FILE_NAME), &bytes)?;
        let digest = stamps_digest(
            self.files
                .iter()
                .map(|(rel, e)| (rel.as_str(), (e.size, e.mtime_ns))),
        );
        crate::index::store::write_atomic(&gen_dir.join(STAMPS_FILE), digest.as_bytes())
    }
}

/// One hash over every file's path, size and modification time: the staleness check compares
/// it with the corpus as walked, without reading the (much larger) manifest.
pub const STAMPS_FILE: &str = "stamps.b3";

/// The digest of (path, stamp) pairs; the caller gives them sorted by path.
pub fn stamps_digest<'a>(files: impl Iterator<Item = (&'a str, (u64, i128))>) -> String {
    let mut h = blake3::Hasher::new();
    for (rel, (size, mtime)) in files {
        h.update(rel.as_bytes());
        h.update(&[0]);
        h.update(&size.to_le_bytes());
        h.update(&mtime.to_le_bytes());
    }
    h.finalize().to_hex().to_string()
}

pub fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut h = blake3::Hasher::new();
    h.update_reader(std::fs::File::open(path)?)?;
    Ok(h.finalize().to_hex().to_string())
}
