//! A small cache of search results. People ask the same questions ("reserverade kontrakt",
//! "direktupphandlingsgräns"), and a workshop room asks them at once; a repeated query is
//! answered from memory instead of scoring the index again.
//!
//! An entry is only valid for the index it came from: the key holds the engine's epoch (bumped
//! whenever the server swaps engines, e.g. a new generation or new curated data) and the
//! searcher's generation (bumped when the reader picks up a commit), so stale results are never
//! served. Least recently used entries are dropped beyond the capacity: `[server] cache_entries`
//! or `VAGVISARE_CACHE_ENTRIES` (see `config.rs`), by default [`CAPACITY`]; 0 turns the cache
//! off, which the benchmarks use to measure uncached throughput.

use crate::search::{Engine, SearchRequest, SearchResults};
use crate::wire::SearchResponse;
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, OnceLock};

/// Most results kept.
pub const CAPACITY: usize = crate::config::DEFAULT_CACHE_ENTRIES;

/// One search's results, and their JSON contract shape made the first time it is asked for
/// (the API answers a repeated query without marking its snippets again).
pub struct Entry {
    pub results: SearchResults,
    wire: OnceLock<SearchResponse>,
}

impl Entry {
    pub fn new(results: SearchResults) -> Entry {
        Entry {
            results,
            wire: OnceLock::new(),
        }
    }

    /// The results in the contract's shape.
    pub fn response(&self) -> &SearchResponse {
        self.wire
            .get_or_init(|| SearchResponse::from(&self.results))
    }
}

pub struct ResultCache {
    /// `None` when caching is off.
    entries: Option<Mutex<LruCache<String, Arc<Entry>>>>,
}

impl Default for ResultCache {
    fn default() -> Self {
        ResultCache::with_capacity(CAPACITY)
    }
}

impl ResultCache {
    /// A cache of `capacity` results; 0 turns caching off.
    pub fn with_capacity(capacity: usize) -> ResultCache {
        ResultCache {
            entries: NonZeroUsize::new(capacity).map(|n| Mutex::new(LruCache::new(n))),
        }
    }

    /// The key of a request against an engine in a given epoch.
    pub fn key(epoch: u64, engine: &Engine, req: &SearchRequest) -> String {
        let commit = engine.commit_seen();
        let today = req
            .today
            .clone()
            .unwrap_or_else(crate::curated::common::today_string);
        let filters: Vec<String> = req
            .filters
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!(
            "{epoch}\u{1}{}\u{1}{commit}\u{1}{today}\u{1}{}\u{1}{}\u{1}{}\u{1}{}",
            engine.generation(),
            req.limit,
            req.offset,
            filters.join("&"),
            req.query
        )
    }

    pub fn get(&self, key: &str) -> Option<Arc<Entry>> {
        self.entries.as_ref()?.lock().ok()?.get(key).cloned()
    }

    pub fn put(&self, key: String, response: Arc<Entry>) {
        if let Some(Ok(mut entries)) = self.entries.as_ref().map(|e| e.lock()) {
            entries.put(key, response);
        }
    }

    pub fn len(&self) -> usize {
        match self.entries.as_ref().map(|e| e.lock()) {
            Some(Ok(entries)) => entries.len(),
            _ => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
