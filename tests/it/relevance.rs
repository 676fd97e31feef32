//! Search quality: graded judgments (`tests/relevance/judgments.toml`, 104 queries in eight kinds)
//! over the shipped corpus plus the statutes in `../shared/realdata/statutes_markdown` (placed
//! under `lagar/` in a temporary corpus). Prints nDCG@10, MRR@10 and recall@10 per kind for
//! Vägvisare and for plain tantivy (default tokenizer, no Swedish features) on the same
//! extracted text, and fails below floors set just under what the engine reaches.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{STORED, STRING, Schema, TEXT, Value};
use tantivy::{Index, TantivyDocument, doc};

#[derive(serde::Deserialize)]
struct Judgments {
    query: Vec<Judged>,
}

#[derive(serde::Deserialize)]
struct Judged {
    kind: String,
    query: String,
    judgments: Vec<Judgment>,
}

#[derive(serde::Deserialize)]
struct Judgment {
    path: String,
    grade: u32,
}

/// Floors: overall nDCG@10 and the lowest per-kind nDCG@10 allowed, the targets of issue 20
/// (reached on 2026-12-07: 0.852 overall, 0.807 for the weakest kind).
const FLOOR_OVERALL: f64 = 0.85;
const FLOOR_KIND: f64 = 0.75;

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = e.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[derive(Default, Clone, Copy)]
struct Scores {
    ndcg: f64,
    mrr: f64,
    recall: f64,
    n: usize,
}

fn evaluate(ranked: &[String], judged: &[Judgment]) -> (f64, f64, f64) {
    let grade: HashMap<&str, u32> = judged.iter().map(|j| (j.path.as_str(), j.grade)).collect();
    let gain = |g: u32| 2f64.powi(g as i32) - 1.0;
    let dcg: f64 = ranked
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, p)| gain(*grade.get(&p[..]).unwrap_or(&0)) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<u32> = judged.iter().map(|j| j.grade).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, g)| gain(*g) / ((i + 2) as f64).log2())
        .sum();
    let mrr = ranked
        .iter()
        .take(10)
        .position(|p| grade.get(&p[..]).is_some_and(|g| *g >= 2))
        .map_or(0.0, |i| 1.0 / (i + 1) as f64);
    let relevant = judged.iter().filter(|j| j.grade >= 2).count().max(1);
    let found = ranked
        .iter()
        .take(10)
        .filter(|p| grade.get(&p[..]).is_some_and(|g| *g >= 2))
        .count();
    (
        if idcg == 0.0 { 0.0 } else { dcg / idcg },
        mrr,
        found as f64 / relevant as f64,
    )
}

/// Unique document paths in hit order.
fn documents(paths: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    paths
        .into_iter()
        .filter(|p| seen.insert(p.clone()))
        .take(10)
        .collect()
}

/// The peer: plain tantivy, default tokenizer, title^2 + body, lenient query parser.
struct Plain {
    index: Index,
    parser: QueryParser,
    path: tantivy::schema::Field,
}

impl Plain {
    fn build(corpus: &Path) -> Plain {
        let mut sb = Schema::builder();
        let path = sb.add_text_field("path", STRING | STORED);
        let title = sb.add_text_field("title", TEXT);
        let body = sb.add_text_field("body", TEXT);
        let index = Index::create_in_ram(sb.build());
        let mut w = index.writer(50_000_000).unwrap();
        let (files, _) = vagvisare::ingest::walk(corpus);
        let limits = vagvisare::ingest::Limits::default();
        for f in files {
            let Ok(d) = vagvisare::ingest::extract_in_process(&f, &limits) else {
                continue;
            };
            for s in &d.sections {
                let t = format!("{} {}", d.title, s.trail.join(" "));
                w.add_document(doc!(path => d.path.as_str(), title => t, body => s.text.as_str()))
                    .unwrap();
            }
        }
        w.commit().unwrap();
        let mut parser = QueryParser::for_index(&index, vec![title, body]);
        parser.set_field_boost(title, 2.0);
        Plain {
            index,
            parser,
            path,
        }
    }

    fn search(&self, q: &str) -> Vec<String> {
        let (query, _) = self.parser.parse_query_lenient(q);
        let searcher = self.index.reader().unwrap().searcher();
        let top = searcher
            .search(&query, &TopDocs::with_limit(50).order_by_score())
            .unwrap();
        documents(top.into_iter().filter_map(|(_, a)| {
            let d: TantivyDocument = searcher.doc(a).ok()?;
            d.get_first(self.path)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        }))
    }
}

/// Per kind: (our scores, plain tantivy's), and the weakest queries.
struct Report {
    ours: BTreeMap<String, Scores>,
    base: BTreeMap<String, Scores>,
    worst: Vec<(f64, String, String, Vec<String>)>,
}

fn run_suite(judgments: &Judgments, engine: &vagvisare::search::Engine, plain: &Plain) -> Report {
    let mut ours: BTreeMap<String, Scores> = BTreeMap::new();
    let mut base: BTreeMap<String, Scores> = BTreeMap::new();
    let mut worst = Vec::new();
    for j in &judgments.query {
        let res = engine.search(&vagvisare::search::SearchRequest::new(j.query.clone(), 40));
        let ranked = documents(res.hits.into_iter().map(|h| h.path));
        let (n, m, r) = evaluate(&ranked, &j.judgments);
        let (pn, pm, pr) = evaluate(&plain.search(&j.query), &j.judgments);
        for (map, (a, b, c)) in [(&mut ours, (n, m, r)), (&mut base, (pn, pm, pr))] {
            for key in [j.kind.clone(), "all".to_string()] {
                let e = map.entry(key).or_default();
                e.ndcg += a;
                e.mrr += b;
                e.recall += c;
                e.n += 1;
            }
        }
        worst.push((
            n,
            j.kind.clone(),
            j.query.clone(),
            ranked.into_iter().take(3).collect::<Vec<_>>(),
        ));
    }
    worst.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    Report { ours, base, worst }
}

fn print_report(title: &str, r: &Report) {
    eprintln!("\n{title}");
    eprintln!(
        "{:<13} {:>4} | {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7}",
        "kind", "n", "nDCG", "MRR", "R@10", "plain", "MRR", "R@10"
    );
    for (kind, s) in &r.ours {
        let b = r.base[kind];
        let d = s.n as f64;
        eprintln!(
            "{kind:<13} {:>4} | {:>7.3} {:>7.3} {:>7.3} | {:>7.3} {:>7.3} {:>7.3}",
            s.n,
            s.ndcg / d,
            s.mrr / d,
            s.recall / d,
            b.ndcg / d,
            b.mrr / d,
            b.recall / d
        );
    }
    // `VAGVISARE_RELEVANCE_WEAK=N` lists the N weakest queries (12 by default).
    let shown = std::env::var("VAGVISARE_RELEVANCE_WEAK")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    for (n, kind, q, top) in r.worst.iter().take(shown) {
        eprintln!("  weak: {n:.2} [{kind}] {q:?} -> {top:?}");
    }
}

fn load(file: &str) -> Judgments {
    toml::from_str(&std::fs::read_to_string(crate::repo().join(file)).unwrap()).unwrap()
}

/// Both suites over one index: the tuning suite (with floors) and the independent one (only
/// reported: it measures, it is never tuned to).
#[test]
fn relevance_by_kind() {
    let statutes = crate::repo().join("../shared/realdata/statutes_markdown");
    if !statutes.is_dir() {
        eprintln!("SKIPPED: ../shared/realdata is absent; the relevance suite did not run");
        return;
    }
    let judgments = load("tests/relevance/judgments.toml");
    assert!(judgments.query.len() >= 80);
    let independent = load("tests/relevance/independent.toml");
    assert!(independent.query.len() >= 80);
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    copy_tree(&crate::repo().join("corpus"), &corpus);
    copy_tree(&statutes, &corpus.join("lagar"));
    let mut opts = vagvisare::indexer::Options::new(&corpus, dir.path().join("i")).unwrap();
    opts.worker_exe = crate::bin().into();
    crate::pin_word_list();
    vagvisare::indexer::run(&opts, |_| {}).unwrap();
    let engine = vagvisare::search::Engine::open(&dir.path().join("i")).unwrap();
    let plain = Plain::build(&corpus);
    let tuning = run_suite(&judgments, &engine, &plain);
    print_report("tuning suite (tests/relevance/judgments.toml)", &tuning);
    let measured = run_suite(&independent, &engine, &plain);
    print_report(
        "independent suite (tests/relevance/independent.toml, never tuned to)",
        &measured,
    );
    // A query for one paragraph finds the statute's own paragraph first, in LOU, LUF and LUK:
    // before the guidance texts about it (whose titles name it) and before the same numbers
    // in the other laws.
    for (query, law, anchor) in [
        ("4 kap. 18 § LOU", "LOU", "K4P18"),
        ("19 kap. 25 a § LOU", "LOU", "K19P25a"),
        ("LOU 17 kap. 4 §", "LOU", "K17P4"),
        ("4:18 LOU", "LOU", "K4P18"),
        ("LUF 4 kap. 16 §", "LUF", "K4P16"),
        ("19 kap. 3 § LUF", "LUF", "K19P3"),
        ("4 kap. 8 § LUK", "LUK", "K4P8"),
        ("LUK 1 kap. 13 §", "LUK", "K1P13"),
    ] {
        let res = engine.search(&vagvisare::search::SearchRequest::new(query, 5));
        let first = res
            .hits
            .first()
            .map(|h| (h.path.as_str(), h.anchor.as_str()));
        assert!(
            first.is_some_and(|(p, a)| p.ends_with(&format!("_{law}.md")) && a == anchor),
            "{query}: first hit {first:?}"
        );
    }
    let all = tuning.ours["all"];
    assert!(all.ndcg / all.n as f64 >= FLOOR_OVERALL);
    for (kind, s) in &tuning.ours {
        assert!(s.ndcg / s.n as f64 >= FLOOR_KIND, "{kind}");
    }
}
