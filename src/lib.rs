//! Vägvisare: a Swedish knowledge assistant for public procurement, idea-based public
//! partnerships (IOP) and reserved contracts. See ARCHITECTURE.md for the map.
//!
//! Pipeline: `ingest` (files → documents) → `indexer` (documents → tantivy, the only writer)
//! → `search` (queries → hits, read-only) → `server` (HTTP) / `cli` (terminal).

pub mod analysis;
pub mod analytics;
pub mod check;
pub mod cli;
pub mod config;
pub mod curated;
pub mod document;
pub mod fetch;
pub mod index;
pub mod indexer;
pub mod ingest;
pub mod law;
pub mod markup;
pub mod search;
pub mod server;
pub mod urls;
pub mod wire;
