//! Markdown + front matter (YAML/TOML) ingest, then what the indexer does with the document:
//! `ingest::finish` (normalisation, language) and `indexer::to_tantivy` (legal keys, compound
//! parts). Nothing here may panic on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use vagvisare::document::RelPath;
use vagvisare::index::schema;
use vagvisare::indexer;
use vagvisare::ingest::{self, Limits, markdown};

static PATH: LazyLock<RelPath> = LazyLock::new(|| RelPath::parse("fuzz/a.md").unwrap());
static FIELDS: LazyLock<schema::Fields> = LazyLock::new(|| schema::build().1);
static LIMITS: LazyLock<Limits> = LazyLock::new(Limits::default);

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = markdown::parse(&PATH, data) {
        let doc = ingest::finish(doc, &LIMITS);
        let _ = indexer::to_tantivy(&doc, &FIELDS);
    }
});
