//! The query path on arbitrary UTF-8: clipping, the four analyzers, compound splitting, the
//! lexicon's phrase spans, legal references and the edit distance used by spelling correction,
//! then the whole of `Engine::search` (correction, `search::query::build`, ranking, snippets,
//! cards) against a small index built once per process from the repository's Markdown and
//! curated TOML files (or, when `corpus/` is missing, from a built-in statute excerpt).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use tantivy::tokenizer::TextAnalyzer;
use vagvisare::analysis::{self, compound, legal, lexicon::Lexicon};
use vagvisare::indexer;
use vagvisare::search::{self, Engine, SearchRequest, spelling};

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::with(None));
static ENGINE: LazyLock<Engine> = LazyLock::new(build_engine);

thread_local! {
    static ANALYZERS: RefCell<[TextAnalyzer; 4]> =
        RefCell::new([analysis::sv(), analysis::en(), analysis::exact(), analysis::folded()]);
}

const FALLBACK: &str = "---\ntitle: Lag (2016:1145) om offentlig upphandling\n---\n\
# Lag (2016:1145) om offentlig upphandling\n\n## 4 kap. Allmänna bestämmelser\n\n\
### 18 §\n\nEn upphandlande myndighet får reservera rätten att delta i upphandlingen \
för sociala företag (se 19 a § och 19 kap. 2 § LOU).\n";

/// Copies the Markdown and TOML files of `src` (recursively) into `dst`.
fn copy_corpus(src: &Path, dst: &Path) -> usize {
    let mut n = 0;
    let Ok(entries) = std::fs::read_dir(src) else {
        return 0;
    };
    for e in entries.flatten() {
        let p = e.path();
        let to = dst.join(e.file_name());
        if p.is_dir() {
            std::fs::create_dir_all(&to).unwrap();
            n += copy_corpus(&p, &to);
        } else if p.extension().is_some_and(|x| x == "md" || x == "toml") {
            std::fs::copy(&p, &to).unwrap();
            n += 1;
        }
    }
    n
}

/// Removes the index copies of earlier fuzz processes that are gone (libFuzzer's fork mode
/// starts a new process per job).
fn remove_stale(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("vagvisare-fuzz-query-"))
        else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

fn build_engine() -> Engine {
    remove_stale(&std::env::temp_dir());
    let base: PathBuf =
        std::env::temp_dir().join(format!("vagvisare-fuzz-query-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let corpus = base.join("corpus");
    let index = base.join("index");
    std::fs::create_dir_all(&corpus).unwrap();
    let repo_corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    if copy_corpus(&repo_corpus, &corpus) == 0 {
        std::fs::write(corpus.join("lou.md"), FALLBACK).unwrap();
    }
    let mut opts = indexer::Options::new(&corpus, &index).unwrap();
    opts.threads = 1;
    opts.worker_exe = PathBuf::from("/nonexistent-vagvisare-fuzz");
    indexer::run(&opts, |_| {}).expect("the fuzz index builds");
    Engine::open(&index).expect("the fuzz index opens")
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let text = search::clip(raw);
    let exact: Vec<String> = ANALYZERS.with(|a| {
        let mut a = a.borrow_mut();
        let _ = analysis::tokens(&mut a[0], text);
        let _ = analysis::tokens(&mut a[1], text);
        let _ = analysis::tokens(&mut a[3], text);
        analysis::tokens(&mut a[2], text)
            .into_iter()
            .take(search::MAX_QUERY_WORDS)
            .map(|(_, w)| w)
            .collect()
    });
    let dict = compound::dictionary();
    for w in &exact {
        let _ = dict.split(w);
    }
    let _ = dict.expand_text(text);
    let _ = LEXICON.spans(&exact);
    let _ = LEXICON.expansions(&exact);
    let _ = LEXICON.is_english_term(&exact);
    let _ = legal::references(text);
    // Edit distance between the two halves of the query (split on a character boundary).
    let mid = text.floor_char_boundary(text.len() / 2);
    let _ = spelling::levenshtein(&text[..mid], &text[mid..]);
    if let Some(w) = exact.first() {
        let _ = spelling::levenshtein(w, text);
    }
    // The whole request path, on the unclipped text as the server receives it.
    let _ = ENGINE.search(&SearchRequest::new(raw, 10));
});
