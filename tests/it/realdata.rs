//! Real public documents nobody here wrote (`../shared/realdata`): statutes, agency PDFs and
//! HTML, legacy encodings and deliberately broken PDFs. Read in place, never copied.

use crate::{run, s, stderr};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn realdata() -> Option<PathBuf> {
    let p = crate::repo().join("../shared/realdata");
    p.is_dir().then_some(p)
}

#[test]
fn everything_is_indexed_or_reported_and_statutes_rank() {
    let Some(corpus) = realdata() else {
        eprintln!(
            "SKIPPED: ../shared/realdata is absent; the real-world robustness test did not run"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let started = Instant::now();
    let o = run(&[
        "index",
        "--corpus",
        s(&corpus),
        "--index",
        s(&index),
        "--timeout-secs",
        "20",
    ]);
    let elapsed = started.elapsed();
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(elapsed < Duration::from_secs(240), "took {elapsed:?}");
    assert!(!err.contains("panicked"), "{err}");

    // Every ingestible file is either counted as indexed or reported with its path.
    let (files, _) = vagvisare::ingest::walk(&corpus);
    let summary = err.lines().last().unwrap();
    let skipped_lines: Vec<&str> = err.lines().filter(|l| l.contains(": skipped: ")).collect();
    let indexed: usize = summary.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert_eq!(
        indexed + skipped_lines.len(),
        files.len(),
        "{summary}\n{err}"
    );
    for f in &files {
        let reported = skipped_lines.iter().any(|l| l.contains(f.rel.as_str()));
        assert!(indexed > 0 && (reported || !err.contains(&format!("{}: skipped", f.rel))));
    }
    eprintln!("realdata: {summary}");

    let search = |q: &str| -> serde_json::Value {
        let o = run(&["search", "--index", s(&index), "--json", "--limit", "5", q]);
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let v = search("reserverade kontrakt");
    let statute = v["hits"].as_array().unwrap().iter().any(|h| {
        let path = h["path"].as_str().unwrap();
        let section = h["section"].as_str().unwrap_or("");
        path.contains("sfs-2016-114")
            && section.starts_with("4 kap.")
            && section.contains("Reserverad")
    });
    assert!(
        statute,
        "no reserved-procurement statute section in the top 5: {v:#}"
    );

    let v = search("direktupphandling");
    let lou_19a = v["hits"].as_array().unwrap().iter().any(|h| {
        h["path"].as_str().unwrap().contains("sfs-2016-1145_LOU")
            && h["section"].as_str().unwrap_or("").starts_with("19 a kap.")
    });
    assert!(lou_19a, "no LOU 19 a kap. section in the top 5: {v:#}");

    // Legacy windows-1252 / ISO-8859-1 pages keep their å, ä, ö.
    let v = search("förordning");
    assert!(v["total"].as_u64().unwrap() > 0);
    let o = run(&[
        "search",
        "--index",
        s(&index),
        "--json",
        "--limit",
        "50",
        "lag",
    ]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains('\u{fffd}'));
}
