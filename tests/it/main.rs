//! Vägvisare's integration tests: one test binary, small temp-dir helpers.
//!
//! 1. `ingest`: each format's extraction (å/ä/ö, windows-1252 without a charset, broken PDF,
//!    empty file, file names with å/ä/ö).
//! 2. `cli`: the `search --json` contract (snapshot), lenient queries, incremental re-index,
//!    locked index, `check`.
//! 3. `server`: `/api/search` equals the CLI's JSON, status codes, pages, new commits served
//!    without restart.
//! 4. `realdata`: everything under `../shared/realdata` is indexed or reported, and statute
//!    sections rank for the procurers' queries.
//! 5. `corpus`: the shipped corpus passes `check`.
//! 6. `architecture`: the boundaries of ARCHITECTURE.md, as absences in the source.
//! 7. `openapi`: `/api/openapi.json` is valid OpenAPI 3.1, describes every JSON route, and real
//!    answers match its schemas.
//! 8. `operators`: the settings file, the search analytics (personal-data guard, retention,
//!    restart and re-index, off), the card vote and the editors' report with its access rules.

mod architecture;
mod cli;
mod corpus;
mod curated;
mod ingest;
mod iop;
mod openapi;
mod operators;
mod properties;
mod realdata;
mod relevance;
mod reliability;
mod server;
mod statutes;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_vagvisare")
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Swedish word list every test uses, so that no result depends on what the host has
/// installed: Debian's hunspell-sv, which `.ci/run` installs. Chosen once for this process (the
/// in-process engines) and passed to every spawned `vagvisare`.
pub fn pin_word_list() -> &'static str {
    const PINNED: &str = "/usr/share/hunspell/sv_SE.dic";
    static CHECKED: std::sync::Once = std::sync::Once::new();
    CHECKED.call_once(|| {
        assert!(
            Path::new(PINNED).is_file(),
            "the tests pin the word list {PINNED} (Debian's hunspell-sv); install it with `apt-get install hunspell-sv`, as .ci/run does"
        );
        assert!(
            vagvisare::analysis::compound::choose(vagvisare::analysis::compound::WordList::File(
                PINNED.into()
            )),
            "the word list was chosen before it was pinned"
        );
    });
    PINNED
}

/// Runs the binary with `args` and returns its output.
pub fn run(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env("VAGVISARE_DICTIONARY", pin_word_list())
        .env("RUST_LOG", "warn")
        .output()
        .expect("run vagvisare")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A temporary corpus made of the fixtures plus generated files, and an index path beside it.
#[allow(clippy::new_without_default)]
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

#[allow(clippy::new_without_default)]
impl Sandbox {
    pub fn new() -> Sandbox {
        pin_word_list();
        let dir = tempfile::tempdir().expect("tempdir");
        copy_dir(
            &repo().join("tests/fixtures/corpus"),
            &dir.path().join("corpus"),
        );
        let s = Sandbox { dir };
        // An undeclared windows-1252 page, as old Swedish sites serve them.
        let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(
            "<html><head><title>Gammal sida om överprövning</title></head><body><nav>Meny</nav><h1>Överprövning</h1>\
             <p>Leverantören kan begära överprövning hos förvaltningsrätten – även för äldreomsorg i Åre.</p>\
             <script>var hemlig = 'skriptord';</script></body></html>",
        );
        s.write("gammal-sida.htm", &cp1252);
        s.write(
            "trasig.pdf",
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer garbage",
        );
        s.write("tom.md", b"");
        let pdf = std::fs::read(repo().join("corpus/workshop/rakneexempel-30-procent.pdf"))
            .expect("shipped PDF");
        s.write("arbetsblad.pdf", &pdf);
        s
    }

    pub fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) {
        let p = self.corpus().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.corpus().join(rel)).unwrap();
    }

    /// `vagvisare index` on this sandbox; panics unless it exits 0.
    pub fn index_run(&self) -> Output {
        let o = self.index_with(&[]);
        assert!(o.status.success(), "index failed: {}", stderr(&o));
        o
    }

    /// `vagvisare index` on this sandbox with extra arguments; the caller judges the outcome.
    pub fn index_with(&self, extra: &[&str]) -> Output {
        let corpus = self.corpus();
        let index = self.index();
        let mut args = vec!["index", "--corpus", s(&corpus), "--index", s(&index)];
        args.extend_from_slice(extra);
        run(&args)
    }

    pub fn search_json(&self, query: &str) -> serde_json::Value {
        let o = run(&[
            "search",
            "--index",
            s(&self.index()),
            "--json",
            "--limit",
            "10",
            query,
        ]);
        assert!(o.status.success(), "search failed: {}", stderr(&o));
        serde_json::from_slice(&o.stdout).expect("search --json prints JSON")
    }
}

/// A CSS selector for `scraper` (the tests' selectors are all valid).
pub fn sel(css: &str) -> scraper::Selector {
    scraper::Selector::parse(css).expect("valid selector")
}

pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Paths of the hits of a `search --json` answer.
pub fn hit_paths(v: &serde_json::Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap().to_string())
        .collect()
}

/// An engine over the shipped corpus, built once per test binary run.
pub fn shipped_engine() -> &'static vagvisare::search::Engine {
    static ENGINE: std::sync::OnceLock<(tempfile::TempDir, vagvisare::search::Engine)> =
        std::sync::OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            pin_word_list();
            let dir = tempfile::tempdir().unwrap();
            let mut opts =
                vagvisare::indexer::Options::new(repo().join("corpus"), dir.path().join("i"))
                    .unwrap();
            opts.worker_exe = bin().into();
            vagvisare::indexer::run(&opts, |_| {}).unwrap();
            let engine = vagvisare::search::Engine::open(&dir.path().join("i")).unwrap();
            (dir, engine)
        })
        .1
}
