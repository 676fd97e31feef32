//! Query latency over the shipped corpus (plus the statutes in ../shared/realdata when present):
//! criterion timings per query kind, and p50/p99 over a set of typical queries printed first.
//! Run with `cargo bench --bench search`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::path::Path;
use std::time::Instant;
use vagvisare::search::{Engine, SearchRequest};

const QUERIES: &[&str] = &[
    "reserverade kontrakt",
    "får vi reservera upphandlingen för sociala företag",
    "direktupphandlingsgräns 2026",
    "4 kap. 18 § LOU",
    "IOP utan upphandling",
    "idéburet offentligt partnerskap",
    "overprovning",
    "upphandlnig av sociala tjänster",
    "sysselsättningskrav uppföljning",
    "reserved contracts social enterprises",
    "värdeöverföring närstående",
    "19 a kap. LOU",
    "HFD 2020 ref. 15",
    "partnerskapsavtal",
    "tröskelvärden bilaga 2",
];

fn engine() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for root in [
        repo.join("corpus"),
        repo.join("../shared/realdata/statutes_markdown"),
    ] {
        if !root.is_dir() {
            continue;
        }
        let target = if root.ends_with("corpus") {
            corpus.clone()
        } else {
            corpus.join("lagar")
        };
        for e in walkdir::WalkDir::new(&root).into_iter().flatten() {
            let to = target.join(e.path().strip_prefix(&root).expect("under root"));
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).expect("mkdir");
            } else {
                std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
                std::fs::copy(e.path(), &to).expect("copy");
            }
        }
    }
    let mut opts =
        vagvisare::indexer::Options::new(&corpus, dir.path().join("index")).expect("options");
    opts.worker_exe = env!("CARGO_BIN_EXE_vagvisare").into();
    vagvisare::indexer::run(&opts, |_| {}).expect("index");
    let engine = Engine::open(&dir.path().join("index")).expect("open");
    (dir, engine)
}

fn percentiles(engine: &Engine) {
    let mut times = Vec::new();
    for _ in 0..40 {
        for q in QUERIES {
            let t = Instant::now();
            let r = engine.search(&SearchRequest::new(*q, 10));
            std::hint::black_box(r);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    eprintln!(
        "search latency over {} queries ({} sections): p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        engine.num_sections(),
        at(0.50),
        at(0.95),
        at(0.99),
        times[times.len() - 1]
    );
}

fn bench(c: &mut Criterion) {
    let (_dir, engine) = engine();
    percentiles(&engine);
    c.bench_function("search/typical-mix", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % QUERIES.len();
            engine.search(&SearchRequest::new(QUERIES[i], 10))
        })
    });
    c.bench_function("search/typo-corrected", |b| {
        b.iter(|| engine.search(&SearchRequest::new("upphandlnig av sociala tjänster", 10)))
    });
    c.bench_function("search/legal-reference", |b| {
        b.iter(|| engine.search(&SearchRequest::new("4 kap. 18 § LOU", 10)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
