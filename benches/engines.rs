//! Vägvisare against plain tantivy, in one process and one run, on a corpus `vagvisare index`
//! has already indexed (`scripts/bench.sh` drives it and adds SQLite FTS5 and the whole-process
//! figures).
//!
//! 1. Query latency of Vägvisare's engine in-process over a query set (snippets, cards and
//!    spelling included: exactly what `/api/search` does).
//! 2. The extracted text, read back from Vägvisare's index (title, section heading, body per
//!    section), written as JSON lines for the FTS5 peer.
//! 3. Plain tantivy: the same sections indexed with its default tokenizer (no stemming, no
//!    compounds, no folding), same writer heap and threads; build time, size, and query latency
//!    (QueryParser over title/section/body, top 10, snippets of the body).
//!
//! Usage: `cargo bench --bench engines -- --index DIR --queries FILE --work DIR [--only-ours]
//! [--builds K]` (plain tantivy's index built K times, the median time reported).
//! Prints one JSON object per engine on stdout. `--only-ours` stops after step 1 (for profiling).

use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{STORED, STRING, Schema, TEXT, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, TantivyDocument, doc};
use vagvisare::search::{Engine, SearchRequest};

/// One indexed section's text.
struct Section {
    path: String,
    title: String,
    heading: String,
    body: String,
}

struct Args {
    index: PathBuf,
    queries: PathBuf,
    work: PathBuf,
    only_ours: bool,
    /// Plain tantivy's index is built this many times; the median time is reported.
    builds: usize,
}

fn args() -> Args {
    let mut index = None;
    let mut queries = None;
    let mut work = None;
    let mut only_ours = false;
    let mut builds = 1;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--index" => index = it.next().map(PathBuf::from),
            "--queries" => queries = it.next().map(PathBuf::from),
            "--work" => work = it.next().map(PathBuf::from),
            "--only-ours" => only_ours = true,
            "--builds" => {
                builds = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(1usize)
                    .max(1)
            }
            _ => {} // `cargo bench` adds `--bench`
        }
    }
    match (index, queries, work) {
        (Some(index), Some(queries), Some(work)) => Args {
            index,
            queries,
            work,
            only_ours,
            builds,
        },
        _ => {
            eprintln!(
                "usage: cargo bench --bench engines -- --index DIR --queries FILE --work DIR"
            );
            std::process::exit(2);
        }
    }
}

/// p50/p95/p99/mean in milliseconds over per-query times.
fn latency(mut times: Vec<f64>) -> serde_json::Value {
    times.sort_by(|a, b| a.total_cmp(b));
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    json!({
        "queries": times.len(),
        "p50_ms": round(at(0.50)),
        "p95_ms": round(at(0.95)),
        "p99_ms": round(at(0.99)),
        "mean_ms": round(mean),
    })
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Times `run` for every query: one warm-up pass over the first 20, then three passes.
fn time_queries(queries: &[String], mut run: impl FnMut(&str) -> usize) -> (Vec<f64>, usize) {
    for q in queries.iter().take(20) {
        run(q);
    }
    let mut times = Vec::new();
    let mut zero = 0;
    for pass in 0..3 {
        for q in queries {
            let t = Instant::now();
            let hits = run(q);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            if pass == 0 && hits == 0 {
                zero += 1;
            }
        }
    }
    (times, zero)
}

/// The sections stored in Vägvisare's index (cards left out: they are curated, not corpus text).
fn sections(index_dir: &std::path::Path) -> Vec<Section> {
    let opened =
        vagvisare::index::store::open_current(index_dir, vagvisare::index::store::Access::Search)
            .expect("open the index");
    let f = &opened.fields;
    let searcher = opened.index.reader().expect("reader").searcher();
    let mut out = Vec::new();
    for segment in searcher.segment_readers() {
        let store = segment.get_store_reader(64).expect("doc store");
        for d in store.iter::<TantivyDocument>(segment.alive_bitset()) {
            let d = d.expect("stored document");
            let text = |field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            if text(f.kind) == "card" {
                continue;
            }
            let body = if text(f.lang) == "en" {
                text(f.body_en)
            } else {
                text(f.body_sv)
            };
            out.push(Section {
                path: text(f.path),
                title: text(f.title),
                heading: text(f.heading),
                body,
            });
        }
    }
    out
}

fn main() {
    let args = args();
    std::fs::create_dir_all(&args.work).expect("work dir");
    let queries: Vec<String> = std::fs::read_to_string(&args.queries)
        .expect("query file")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();

    // 1. Vägvisare in-process.
    let engine = Engine::open(&args.index).expect("open the index built by `vagvisare index`");
    let (times, zero) = time_queries(&queries, |q| {
        let r = engine.search(&SearchRequest::new(q, 10));
        r.hits.len()
    });
    let mut ours = latency(times);
    ours["engine"] = "vagvisare".into();
    ours["sections"] = engine.num_sections().into();
    ours["zero_hit_queries"] = zero.into();
    println!("{ours}");
    if args.only_ours {
        return;
    }

    // 2. The extracted text, for the peers.
    let started = Instant::now();
    let sections = sections(&args.index);
    let text_bytes: usize = sections
        .iter()
        .map(|s| s.title.len() + s.heading.len() + s.body.len())
        .sum();
    let export = args.work.join("sections.jsonl");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&export).expect("export file"));
    for s in &sections {
        let line = json!({"path": s.path, "title": s.title, "section": s.heading, "body": s.body});
        writeln!(w, "{line}").expect("write export");
    }
    w.flush().expect("flush export");
    eprintln!(
        "exported {} sections ({:.1} MB of text) in {:.1} s",
        sections.len(),
        text_bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    drop(engine);

    // 3. Plain tantivy on the same text.
    let mut builder = Schema::builder();
    let path = builder.add_text_field("path", STRING | STORED);
    let title = builder.add_text_field("title", TEXT | STORED);
    let section = builder.add_text_field("section", TEXT | STORED);
    let body = builder.add_text_field("body", TEXT | STORED);
    let schema = builder.build();
    let dir = args.work.join("tantivy-plain");
    let mut build_all_s = Vec::new();
    let mut index = None;
    for _ in 0..args.builds {
        drop(index.take());
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("plain index dir");
        let started = Instant::now();
        let built = Index::create_in_dir(&dir, schema.clone()).expect("plain index");
        let mut writer: tantivy::IndexWriter = built.writer(100_000_000).expect("writer");
        for s in &sections {
            writer
                .add_document(doc!(path => s.path.as_str(), title => s.title.as_str(), section => s.heading.as_str(), body => s.body.as_str()))
                .expect("add");
        }
        writer.commit().expect("commit");
        drop(writer);
        build_all_s.push(started.elapsed().as_secs_f64());
        index = Some(built);
    }
    let index = index.expect("at least one build");
    let mut sorted = build_all_s.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let build_s = sorted[sorted.len() / 2];
    let index_bytes: u64 = walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    let reader = index.reader().expect("reader");
    let searcher = reader.searcher();
    let mut parser = QueryParser::for_index(&index, vec![title, section, body]);
    parser.set_field_boost(title, 3.0);
    parser.set_field_boost(section, 2.0);
    let (times, zero) = time_queries(&queries, |q| {
        let (query, _) = parser.parse_query_lenient(q);
        let top = searcher
            .search(&query, &TopDocs::with_limit(10).order_by_score())
            .unwrap_or_default();
        let Ok(snippets) = SnippetGenerator::create(&searcher, &*query, body) else {
            return top.len();
        };
        for (_, addr) in &top {
            if let Ok(d) = searcher.doc::<TantivyDocument>(*addr) {
                std::hint::black_box(snippets.snippet_from_doc(&d).to_html());
            }
        }
        top.len()
    });
    let mut plain = latency(times);
    plain["engine"] = "tantivy-plain".into();
    plain["build_s"] = round(build_s).into();
    plain["build_all_s"] = build_all_s
        .iter()
        .map(|s| round(*s))
        .collect::<Vec<_>>()
        .into();
    plain["index_bytes"] = index_bytes.into();
    plain["sections"] = sections.len().into();
    plain["text_bytes"] = text_bytes.into();
    plain["zero_hit_queries"] = zero.into();
    println!("{plain}");
}
