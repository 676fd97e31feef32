//! The boundaries ARCHITECTURE.md promises, checked on the source: each is an absence (a name
//! that must not appear in a part of the tree), so a change that crosses one fails here with
//! the file and line.

use std::path::Path;

/// `(file, line number, line)` of every line under `dirs` (files or folders of `src/`) that
/// contains `needle`, doc comments left out.
fn occurrences(dirs: &[&str], needle: &str) -> Vec<String> {
    let root = crate::repo().join("src");
    let mut out = Vec::new();
    for dir in dirs {
        for entry in walkdir::WalkDir::new(root.join(dir)) {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap();
            for (i, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") || !line.contains(needle) {
                    continue;
                }
                let rel = path.strip_prefix(&root).unwrap_or(Path::new(""));
                out.push(format!("src/{}:{}: {}", rel.display(), i + 1, code));
            }
        }
    }
    out
}

#[test]
fn the_front_ends_and_the_curated_data_never_touch_tantivy() {
    let found = occurrences(
        &[
            "server",
            "curated",
            "ingest",
            "law",
            "fetch.rs",
            "cli.rs",
            "check.rs",
            "urls.rs",
            "markup.rs",
            "wire.rs",
        ],
        "tantivy",
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn only_the_server_knows_the_web() {
    let lower = [
        "search", "curated", "index", "ingest", "indexer", "analysis",
    ];
    for needle in ["axum", "crate::server", "crate::urls", "askama"] {
        let found = occurrences(&lower, needle);
        assert!(found.is_empty(), "{needle}: {found:#?}");
    }
}

#[test]
fn no_user_text_reaches_the_query_parser() {
    let found = occurrences(&[""], "QueryParser");
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn addresses_are_built_in_one_place() {
    for needle in ["\"/dok/", "\"/kort/", "\"/fil/", "\"/iop/resultat?"] {
        let found: Vec<String> = occurrences(&[""], needle)
            .into_iter()
            .filter(|l| !l.starts_with("src/urls.rs") && !l.contains(".route("))
            .collect();
        assert!(found.is_empty(), "{needle}: {found:#?}");
    }
}

#[test]
fn only_the_indexer_writes_the_index() {
    for needle in [
        "save_cache(",
        "set_current(",
        "prune_generations(",
        "curated.store(",
    ] {
        let found: Vec<String> = occurrences(&[""], needle)
            .into_iter()
            .filter(|l| !l.starts_with("src/indexer/") && !l.contains("pub fn"))
            .collect();
        assert!(found.is_empty(), "{needle}: {found:#?}");
    }
}

/// The laws known by name are said once, in `law` (`law::LAWS`); the search keys in
/// `analysis::legal` read them from there, so the arrow runs one way.
#[test]
fn the_law_registry_is_below_the_search_keys() {
    let found = occurrences(&["law"], "analysis");
    assert!(found.is_empty(), "{found:#?}");
}
