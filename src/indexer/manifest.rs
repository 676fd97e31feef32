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

    pub fn save(&self, gen_dir: &Path) -> Result<(), crate::store::StoreError> {
        let bytes = serde_json::to_vec(self).expect("manifest serialises");
        crate::store::write_atomic(&gen_dir.join(FILE_NAME), &bytes)
    }
}

/// Size and modification time of a file, as the manifest records them.
pub fn stat(path: &Path) -> std::io::Result<(u64, i128)> {
    let md = std::fs::metadata(path)?;
    let mtime = md
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    Ok((md.len(), mtime))
}

pub fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut h = blake3::Hasher::new();
    h.update_reader(std::fs::File::open(path)?)?;
    Ok(h.finalize().to_hex().to_string())
}
