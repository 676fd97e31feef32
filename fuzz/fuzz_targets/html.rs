//! HTML ingest: charset sniffing/decoding (`html::decode`, `decode_plain`), parsing into a
//! document, then `ingest::finish` and `indexer::to_tantivy` as the indexer does. The production
//! size cap (`Limits::max_html_bytes`, 5 MiB) is far above libFuzzer's input sizes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use vagvisare::document::RelPath;
use vagvisare::index::schema;
use vagvisare::indexer;
use vagvisare::ingest::{self, Limits, html};

static PATH: LazyLock<RelPath> = LazyLock::new(|| RelPath::parse("fuzz/a.html").unwrap());
static FIELDS: LazyLock<schema::Fields> = LazyLock::new(|| schema::build().1);
static LIMITS: LazyLock<Limits> = LazyLock::new(Limits::default);

fuzz_target!(|data: &[u8]| {
    let _ = html::decode(data);
    let _ = html::decode_plain(data);
    if let Ok(doc) = html::parse(&PATH, data) {
        let doc = ingest::finish(doc, &LIMITS);
        let _ = indexer::to_tantivy(&doc, &FIELDS);
    }
});
