//! The indexer: corpus → tantivy. The only writer of the index directory.
//!
//! A run walks the corpus, decides per file (via the [`manifest`]) whether it is new, changed,
//! unchanged or gone, extracts the new and changed ones in parallel (HTML and PDF in isolated
//! worker processes), replaces each file's sections (delete by path, then add), commits, and
//! records the manifest. When the live generation was built by another analyzer or schema
//! version, or cannot be opened, it builds a fresh generation and flips `CURRENT` only after
//! that build has committed. Killing a run at any moment leaves the last commit usable.

pub mod manifest;
mod sections;

pub use sections::{card_doc, document_facets, to_tantivy};

use crate::curated::Curated;
use crate::curated::cards::Card;
use crate::document::RelPath;
use crate::index::schema::{self, Fields};
use crate::index::store::{self, StoreError};
use crate::ingest::worker::{Extractor, WorkerSpec};
use crate::ingest::{self, IngestError, Limits, SourceFile};
use manifest::{Entry, Manifest};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;
use std::time::Instant;
use tantivy::{Index, IndexWriter, TantivyDocument, Term, indexer::UserOperation};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum IndexError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("corpus folder {0} does not exist or is not a folder")]
    NoCorpus(PathBuf),
    #[error("index error in {path}: {source}")]
    Tantivy {
        path: PathBuf,
        source: tantivy::TantivyError,
    },
}

/// What to index and how.
#[derive(Debug, Clone)]
pub struct Options {
    pub corpus: PathBuf,
    pub index: PathBuf,
    pub limits: Limits,
    /// The executable that serves `extract-worker` (normally this binary).
    pub worker_exe: PathBuf,
    /// Extraction threads (each with its own worker process).
    pub threads: usize,
    /// Show a progress bar on stderr (only drawn on a terminal).
    pub progress: bool,
    /// Build a new generation even if the live one is current.
    pub force_rebuild: bool,
}

impl Options {
    pub fn new(corpus: impl Into<PathBuf>, index: impl Into<PathBuf>) -> std::io::Result<Options> {
        Ok(Options {
            corpus: corpus.into(),
            index: index.into(),
            limits: Limits::default(),
            worker_exe: std::env::current_exe()?,
            threads: std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .clamp(1, 4),
            progress: false,
            force_rebuild: false,
        })
    }
}

/// A file that was not indexed, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub path: RelPath,
    pub reason: String,
}

/// The outcome of one run; its `Display` is the one-line summary.
#[derive(Debug, Default, Clone)]
pub struct IndexReport {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub skipped: Vec<Skipped>,
    pub seconds: f64,
    pub rebuilt: bool,
    pub generation: String,
    pub sections: u64,
    /// Cards (re)indexed in this run (0 when unchanged).
    pub cards: usize,
}

impl std::fmt::Display for IndexReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "indexed {} files: {} added, {} updated, {} removed, {} unchanged, {} skipped in {:.2} s",
            self.added + self.updated + self.unchanged,
            self.added,
            self.updated,
            self.removed,
            self.unchanged,
            self.skipped.len(),
            self.seconds
        )
    }
}

/// Whether the index needs a run: missing, outdated, or the corpus differs from the manifest.
/// Compares file metadata only (no hashing), so it is cheap enough to run at server start.
pub fn is_stale(corpus: &Path, index_dir: &Path) -> bool {
    let Ok(opened) = store::open_current(index_dir, store::Access::Write) else {
        return true;
    };
    // Every file's size and modification time, against the digest the last run recorded (a
    // server's start waits for this; the manifest itself is only read when indexing).
    let Ok(recorded) = std::fs::read_to_string(opened.dir.join(manifest::STAMPS_FILE)) else {
        return true;
    };
    if Curated::load(corpus).0.fingerprint() != Curated::read_stored(&opened.dir).fingerprint() {
        return true;
    }
    let (files, _) = ingest::walk_with_stamps(corpus);
    let mut stamps = Vec::with_capacity(files.len());
    for (f, stamp) in &files {
        match stamp {
            Ok(s) => stamps.push((f.rel.as_str(), *s)),
            Err(_) => return true,
        }
    }
    manifest::stamps_digest(stamps.into_iter()) != recorded.trim()
}

/// A file's sections as tantivy documents, made on an extraction thread (the analysis that
/// happens outside tantivy, compounds and legal references, is a quarter of a build's work and
/// would otherwise run on the writing thread alone), with the notes extraction left.
struct Prepared {
    sections: Vec<TantivyDocument>,
    notes: Vec<String>,
}

/// A file to extract: new, or changed since the last run.
struct Plan {
    file: SourceFile,
    size: u64,
    mtime: i128,
    /// Known when the file changed since the last run (hashed to tell); a new file is
    /// hashed on its extraction thread, so a first build reads the corpus in parallel
    /// rather than hashing every file on one thread before extraction starts.
    hash: Option<String>,
    existed: bool,
}

/// What an extraction thread made of a file.
enum Extracted {
    /// The file could not be read to hash it.
    Unreadable(std::io::Error),
    Read {
        hash: String,
        result: Result<Prepared, IngestError>,
    },
}

/// Incremental runs commit after this many files, so a kill loses at most one batch of work.
const COMMIT_EVERY: usize = 500;

/// Files extracted waiting for the writer (extraction outruns it, and they are memory).
const QUEUE: usize = 64;

/// The generation a run writes: the live one, or a fresh one that goes live once committed.
struct Target {
    index: Index,
    fields: Fields,
    dir: PathBuf,
    generation: String,
    /// A fresh generation (everything is extracted again).
    rebuilt: bool,
    /// The live generation before the run, kept beside a fresh one.
    previous: Option<String>,
}

/// The run's report as it fills, and where skipped files are told as they happen.
struct Log<'a> {
    report: IndexReport,
    on_skip: &'a mut dyn FnMut(&Skipped),
    /// The extraction progress bar, out of the way while a skip is told.
    bar: indicatif::ProgressBar,
}

impl Log<'_> {
    fn skip(&mut self, path: &RelPath, reason: String) {
        let s = Skipped {
            path: path.clone(),
            reason,
        };
        self.bar.suspend(|| (self.on_skip)(&s));
        self.report.skipped.push(s);
    }
}

/// Files the last index run in this process skipped (for `/metrics`).
static LAST_RUN_SKIPPED: AtomicUsize = AtomicUsize::new(0);

/// How many files the last index run in this process skipped.
pub fn last_run_skipped() -> usize {
    LAST_RUN_SKIPPED.load(Ordering::Relaxed)
}

/// Runs the indexer. `report_skip` is called for each skipped file as it happens.
///
/// The phases: open the [`Target`] generation; [`plan`] what to extract from the manifest;
/// [`remove_gone`] files; [`extract_and_apply`] the planned files; [`finish`] with the
/// curated data, the last commit and, for a fresh generation, the switch of `CURRENT`.
pub fn run(
    opts: &Options,
    mut report_skip: impl FnMut(&Skipped),
) -> Result<IndexReport, IndexError> {
    let started = Instant::now();
    if !opts.corpus.is_dir() {
        return Err(IndexError::NoCorpus(opts.corpus.clone()));
    }
    let _lock = store::lock_writer(&opts.index)?;
    // The stemmed word list for the readers that come after (they only read it).
    crate::analysis::compound::save_cache(&opts.index.join(store::DICTIONARY_CACHE));
    let target = Target::open(opts)?;
    let mut manifest = if target.rebuilt {
        Manifest::default()
    } else {
        Manifest::load(&target.dir)
    };
    let mut log = Log {
        report: IndexReport {
            rebuilt: target.rebuilt,
            generation: target.generation.clone(),
            ..Default::default()
        },
        on_skip: &mut report_skip,
        bar: indicatif::ProgressBar::hidden(),
    };
    let (plans, on_disk) = plan(&opts.corpus, &mut manifest, &mut log);
    let mut writer = target.writer(&opts.index)?;
    remove_gone(
        &target,
        &mut writer,
        &mut manifest,
        &on_disk,
        &mut log.report,
    );
    extract_and_apply(opts, &target, &plans, &mut writer, &mut manifest, &mut log)?;
    finish(opts, &target, writer, &manifest, &mut log)?;
    let mut report = log.report;
    report.seconds = started.elapsed().as_secs_f64();
    LAST_RUN_SKIPPED.store(report.skipped.len(), Ordering::Relaxed);
    Ok(report)
}

impl Target {
    /// The live generation when it opens with this version's schema and analysis (and no
    /// rebuild is asked for), else a fresh, empty one.
    fn open(opts: &Options) -> Result<Target, IndexError> {
        let previous = store::current_generation(&opts.index);
        if !opts.force_rebuild
            && let Ok(o) = store::open_current(&opts.index, store::Access::Write)
        {
            return Ok(Target {
                index: o.index,
                fields: o.fields,
                dir: o.dir,
                generation: o.generation,
                rebuilt: false,
                previous,
            });
        }
        let generation = store::next_generation(&opts.index);
        let dir = opts.index.join(&generation);
        std::fs::create_dir_all(&dir).map_err(|source| StoreError::Io {
            context: format!("creating {}", dir.display()),
            source,
        })?;
        let (schema, fields) = schema::build();
        let index = create_index(&dir, schema)?;
        crate::analysis::register(&index);
        Ok(Target {
            index,
            fields,
            dir,
            generation,
            rebuilt: true,
            previous,
        })
    }

    fn writer(&self, index_dir: &Path) -> Result<IndexWriter, IndexError> {
        let writer: IndexWriter = self.index.writer(100_000_000).map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => {
                IndexError::Store(StoreError::Locked(index_dir.to_path_buf()))
            }
            other => IndexError::Tantivy {
                path: self.dir.clone(),
                source: other,
            },
        })?;
        // A run killed before its commit leaves files no commit refers to, such as a segment's
        // `<segment>.<opstamp>.del`. This run counts opstamps up from the same last commit, so
        // it would try to create the same file name and fail on every run after the kill. Clear
        // them first (no reader uses a file that no commit refers to).
        if let Err(e) = writer.garbage_collect_files().wait() {
            tracing::warn!(
                "{}: clearing files of an interrupted run: {e}",
                self.dir.display()
            );
        }
        Ok(writer)
    }
}

/// Walks the corpus and decides per file: unchanged (counted, or its earlier skip repeated) or
/// to extract. Returns the plans and every path on disk.
fn plan(corpus: &Path, manifest: &mut Manifest, log: &mut Log) -> (Vec<Plan>, BTreeSet<RelPath>) {
    let (files, walk_problems) = ingest::walk_with_stamps(corpus);
    for (path, reason) in walk_problems {
        tracing::warn!("{}: {reason}", path.display());
    }
    let on_disk: BTreeSet<RelPath> = files.iter().map(|(f, _)| f.rel.clone()).collect();
    let mut plans = Vec::new();
    for (file, stamp) in files {
        let (size, mtime) = match stamp {
            Ok(x) => x,
            Err(e) => {
                log.skip(&file.rel, format!("could not read the file: {e}"));
                continue;
            }
        };
        let old = manifest.files.get(&file.rel).cloned();
        let mut hash = None;
        if let Some(e) = &old {
            let same = if e.size == size && e.mtime_ns == mtime {
                true
            } else {
                match manifest::hash_file(&file.abs) {
                    // Touched but not changed: only the stamp is new.
                    Ok(h) if h == e.hash => {
                        manifest.files.insert(
                            file.rel.clone(),
                            Entry {
                                mtime_ns: mtime,
                                size,
                                ..e.clone()
                            },
                        );
                        true
                    }
                    Ok(h) => {
                        hash = Some(h);
                        false
                    }
                    Err(_) => false,
                }
            };
            if same {
                match &e.skipped {
                    None => log.report.unchanged += 1,
                    Some(reason) => {
                        log.skip(&file.rel, format!("{reason} (unchanged since last run)"))
                    }
                }
                continue;
            }
        }
        plans.push(Plan {
            file,
            size,
            mtime,
            hash,
            existed: old.is_some(),
        });
    }
    (plans, on_disk)
}

/// Deletes the sections of files that are gone: in the manifest or in the index, not on disk.
fn remove_gone(
    target: &Target,
    writer: &mut IndexWriter,
    manifest: &mut Manifest,
    on_disk: &BTreeSet<RelPath>,
    report: &mut IndexReport,
) {
    let mut gone: BTreeSet<RelPath> = manifest
        .files
        .keys()
        .filter(|p| !on_disk.contains(*p))
        .cloned()
        .collect();
    if !target.rebuilt {
        gone.extend(
            indexed_paths(&target.index, &target.fields)
                .into_iter()
                .filter(|p| !on_disk.contains(p)),
        );
    }
    for p in &gone {
        writer.delete_term(Term::from_field_text(target.fields.path, p.as_str()));
        if manifest
            .files
            .remove(p)
            .is_some_and(|e| e.skipped.is_none())
        {
            report.removed += 1;
        }
    }
}

/// Extracts and analyses the planned files on `opts.threads` threads (each with its own
/// extraction worker) and writes them on this one, in the order they finish.
fn extract_and_apply(
    opts: &Options,
    target: &Target,
    plans: &[Plan],
    writer: &mut IndexWriter,
    manifest: &mut Manifest,
    log: &mut Log,
) -> Result<(), IndexError> {
    log.bar = progress_bar(opts.progress, plans.len() as u64);
    let next = AtomicUsize::new(0);
    let (tx, rx) = sync_channel::<(usize, Extracted)>(QUEUE);
    let spec = WorkerSpec {
        exe: opts.worker_exe.clone(),
        limits: opts.limits.clone(),
    };
    let threads = opts.threads.max(1).min(plans.len().max(1));
    let mut commit_error = None;
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, spec, fields) = (&next, &spec, &target.fields);
            scope.spawn(move || extract_planned(next, plans, spec, fields, tx));
        }
        drop(tx);
        let mut since_commit = 0usize;
        for (i, extracted) in rx {
            log.bar.inc(1);
            apply(&plans[i], extracted, writer, &target.fields, manifest, log);
            since_commit += 1;
            if !target.rebuilt && since_commit >= COMMIT_EVERY && commit_error.is_none() {
                since_commit = 0;
                if let Err(e) = commit(writer, manifest, &target.dir) {
                    commit_error = Some(e);
                }
            }
        }
    });
    log.bar.finish_and_clear();
    commit_error.map_or(Ok(()), Err)
}

/// One extraction thread: takes the next plan until none is left, hashes the file if needed,
/// extracts it and turns it into tantivy documents, and sends the result to the writer.
fn extract_planned(
    next: &AtomicUsize,
    plans: &[Plan],
    spec: &WorkerSpec,
    fields: &Fields,
    tx: std::sync::mpsc::SyncSender<(usize, Extracted)>,
) {
    let mut extractor = Extractor::new(spec.clone());
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(Plan { file, hash, .. }) = plans.get(i) else {
            break;
        };
        let hashed = match hash {
            Some(h) => Ok(h.clone()),
            None => manifest::hash_file(&file.abs),
        };
        let extracted = match hashed {
            Err(e) => Extracted::Unreadable(e),
            Ok(hash) => Extracted::Read {
                hash,
                result: extractor.extract(file).map(|doc| Prepared {
                    sections: to_tantivy(&doc, fields),
                    notes: doc.notes,
                }),
            },
        };
        if tx.send((i, extracted)).is_err() {
            break;
        }
    }
}

/// Replaces a file's sections with what extraction made of it (none when it failed) and
/// records the file in the manifest.
fn apply(
    plan: &Plan,
    extracted: Extracted,
    writer: &mut IndexWriter,
    fields: &Fields,
    manifest: &mut Manifest,
    log: &mut Log,
) {
    let Plan {
        file,
        size,
        mtime,
        existed,
        ..
    } = plan;
    let (hash, result) = match extracted {
        Extracted::Read { hash, result } => (hash, result),
        Extracted::Unreadable(e) => {
            log.skip(&file.rel, format!("could not read the file: {e}"));
            return;
        }
    };
    writer.delete_term(Term::from_field_text(fields.path, file.rel.as_str()));
    let skipped = match result {
        Ok(Prepared { sections, notes }) => {
            for note in &notes {
                log.bar
                    .suspend(|| eprintln!("vagvisare: {}: note: {note}", file.rel));
            }
            log.report.sections += sections.len() as u64;
            // One batch per file: all its sections land in the same segment, so a segment and
            // a path ordinal name a document (see `search::table`).
            if let Err(e) = writer.run(sections.into_iter().map(UserOperation::Add)) {
                tracing::error!("{}: could not add to the index: {e}", file.rel);
            }
            if *existed {
                log.report.updated += 1
            } else {
                log.report.added += 1
            }
            None
        }
        Err(e) => {
            log.skip(&file.rel, e.to_string());
            if *existed {
                log.report.removed += 1;
            }
            Some(e.to_string())
        }
    };
    manifest.files.insert(
        file.rel.clone(),
        Entry {
            size: *size,
            mtime_ns: *mtime,
            hash,
            skipped,
        },
    );
}

/// The last phase: the curated data (cards get their own small index beside the corpus's,
/// rewritten when they changed, so a query's card lookup reads 80 documents, not every
/// section's postings), the commit, and for a fresh generation the switch of `CURRENT` and
/// the removal of older generations.
fn finish(
    opts: &Options,
    target: &Target,
    mut writer: IndexWriter,
    manifest: &Manifest,
    log: &mut Log,
) -> Result<(), IndexError> {
    let (curated, problems) = Curated::load(&opts.corpus);
    for (file, reason) in problems {
        if let Some(path) = RelPath::parse(&file) {
            log.skip(&path, format!("curated data not loaded: {reason}"));
        }
    }
    let stored = Curated::read_stored(&target.dir);
    let curated_changed = target.rebuilt
        || stored.fingerprint() != curated.fingerprint()
        || !target.dir.join(crate::curated::FILE_NAME).exists();
    commit(&mut writer, manifest, &target.dir)?;
    if curated_changed || store::open_cards(&target.dir).is_none() {
        write_card_index(&target.dir, &curated.cards)?;
        log.report.cards = curated.cards.len();
        curated.store(&target.dir)?;
    }
    writer
        .wait_merging_threads()
        .map_err(tantivy_err(&target.dir))?;
    if target.rebuilt {
        store::set_current(&opts.index, &target.generation)?;
        let mut keep = vec![target.generation.as_str()];
        if let Some(p) = target.previous.as_deref() {
            keep.push(p);
        }
        store::prune_generations(&opts.index, &keep);
    }
    Ok(())
}

/// A new, empty index in `dir` with the project's settings (the corpus's and the cards' alike).
fn create_index(dir: &Path, schema: tantivy::schema::Schema) -> Result<Index, IndexError> {
    Index::builder()
        .schema(schema)
        .settings(schema::settings())
        .create_in_dir(dir)
        .map_err(tantivy_err(dir))
}

/// Wraps a tantivy error with the folder it concerns.
fn tantivy_err(path: &Path) -> impl FnOnce(tantivy::TantivyError) -> IndexError {
    let path = path.to_path_buf();
    move |source| IndexError::Tantivy { path, source }
}

/// Writes the cards' index into `gen_dir/cards` (built beside it, then swapped in: a reader
/// keeps the files it has open).
fn write_card_index(gen_dir: &Path, cards: &[Card]) -> Result<(), IndexError> {
    let live = gen_dir.join(store::CARDS_DIR);
    let fresh = gen_dir.join(format!("{}.new", store::CARDS_DIR));
    let old = gen_dir.join(format!("{}.old", store::CARDS_DIR));
    let io = |context: String| move |source| StoreError::Io { context, source };
    for dir in [&fresh, &old] {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(io(format!("removing {}", dir.display())))?;
        }
    }
    std::fs::create_dir_all(&fresh).map_err(io(format!("creating {}", fresh.display())))?;
    let (schema, fields) = schema::build();
    let index = create_index(&fresh, schema)?;
    crate::analysis::register(&index);
    let mut writer: IndexWriter = index
        .writer_with_num_threads(1, 15_000_000)
        .map_err(tantivy_err(&fresh))?;
    for card in cards {
        if let Err(e) = writer.add_document(card_doc(card, &fields)) {
            tracing::error!("{}: could not add the card: {e}", card.file);
        }
    }
    writer.commit().map_err(tantivy_err(&fresh))?;
    writer.wait_merging_threads().map_err(tantivy_err(&fresh))?;
    if live.exists() {
        std::fs::rename(&live, &old).map_err(io(format!("replacing {}", live.display())))?;
    }
    std::fs::rename(&fresh, &live).map_err(io(format!("replacing {}", live.display())))?;
    if old.exists() {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

fn commit(writer: &mut IndexWriter, manifest: &Manifest, gen_dir: &Path) -> Result<(), IndexError> {
    let payload = serde_json::to_string(&store::Payload::current()).expect("payload serialises");
    let mut prepared = writer
        .prepare_commit()
        .map_err(|source| IndexError::Tantivy {
            path: gen_dir.into(),
            source,
        })?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(|source| IndexError::Tantivy {
        path: gen_dir.into(),
        source,
    })?;
    manifest.save(gen_dir)?;
    Ok(())
}

/// Every path that has sections in the index (read from the `path` term dictionary).
fn indexed_paths(index: &Index, fields: &Fields) -> BTreeSet<RelPath> {
    let mut out = BTreeSet::new();
    let Ok(reader) = index.reader() else {
        return out;
    };
    let searcher = reader.searcher();
    for seg in searcher.segment_readers() {
        let Ok(inv) = seg.inverted_index(fields.path) else {
            continue;
        };
        let Ok(mut stream) = inv.terms().stream() else {
            continue;
        };
        while stream.advance() {
            if let Some(p) = std::str::from_utf8(stream.key())
                .ok()
                .and_then(RelPath::parse)
            {
                out.insert(p);
            }
        }
    }
    out
}

fn progress_bar(enabled: bool, len: u64) -> indicatif::ProgressBar {
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    if !enabled || ci {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} extraherar {pos}/{len} filer [{bar:30}] {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}
