//! The indexer: corpus → tantivy. The only writer of the index directory.
//!
//! A run walks the corpus, decides per file (via the [`manifest`]) whether it is new, changed,
//! unchanged or gone, extracts the new and changed ones in parallel (HTML and PDF in isolated
//! worker processes), replaces each file's sections (delete by path, then add), commits, and
//! records the manifest. When the live generation was built by another analyzer or schema
//! version, or cannot be opened, it builds a fresh generation and flips `CURRENT` only after
//! that build has committed. Killing a run at any moment leaves the last commit usable.

pub mod manifest;

use crate::analysis::legal;
use crate::curated::Curated;
use crate::curated::cards::Card;
use crate::document::{Document, Kind, RelPath};
use crate::index::schema::{self, Fields};
use crate::index::store::{self, StoreError};
use crate::ingest::worker::{Worker, WorkerSpec};
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

enum Plan {
    Extract {
        file: SourceFile,
        size: u64,
        mtime: i128,
        /// Known when the file changed since the last run (hashed to tell); a new file is
        /// hashed on its extraction thread, so a first build reads the corpus in parallel
        /// rather than hashing every file on one thread before extraction starts.
        hash: Option<String>,
        existed: bool,
    },
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

/// Runs the indexer. `report_skip` is called for each skipped file as it happens.
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
    // Decide between updating the live generation and building a new one.
    let live = if opts.force_rebuild {
        None
    } else {
        store::open_current(&opts.index, store::Access::Write).ok()
    };
    let rebuilt = live.is_none();
    let previous_generation = store::current_generation(&opts.index);
    let (index, fields, gen_dir, generation) = match live {
        Some(o) => (o.index, o.fields, o.dir, o.generation),
        None => {
            let generation = store::next_generation(&opts.index);
            let dir = opts.index.join(&generation);
            std::fs::create_dir_all(&dir).map_err(|source| StoreError::Io {
                context: format!("creating {}", dir.display()),
                source,
            })?;
            let (schema, fields) = schema::build();
            let index = create_index(&dir, schema)?;
            crate::analysis::register(&index);
            (index, fields, dir, generation)
        }
    };
    let mut manifest = if rebuilt {
        Manifest::default()
    } else {
        Manifest::load(&gen_dir)
    };
    let mut report = IndexReport {
        rebuilt,
        generation: generation.clone(),
        ..Default::default()
    };

    let (files, walk_problems) = ingest::walk_with_stamps(&opts.corpus);
    for (path, reason) in walk_problems {
        tracing::warn!("{}: {reason}", path.display());
    }

    // Classify.
    let mut plans = Vec::new();
    let on_disk: BTreeSet<RelPath> = files.iter().map(|(f, _)| f.rel.clone()).collect();
    for (file, stamp) in files {
        let (size, mtime) = match stamp {
            Ok(x) => x,
            Err(e) => {
                let s = Skipped {
                    path: file.rel.clone(),
                    reason: format!("could not read the file: {e}"),
                };
                report_skip(&s);
                report.skipped.push(s);
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
                    None => report.unchanged += 1,
                    Some(reason) => {
                        let s = Skipped {
                            path: file.rel.clone(),
                            reason: format!("{reason} (unchanged since last run)"),
                        };
                        report_skip(&s);
                        report.skipped.push(s);
                    }
                }
                continue;
            }
        }
        plans.push(Plan::Extract {
            file,
            size,
            mtime,
            hash,
            existed: old.is_some(),
        });
    }

    let mut writer: IndexWriter = index.writer(100_000_000).map_err(|e| match e {
        tantivy::TantivyError::LockFailure(..) => {
            IndexError::Store(StoreError::Locked(opts.index.clone()))
        }
        other => IndexError::Tantivy {
            path: gen_dir.clone(),
            source: other,
        },
    })?;
    // A run killed before its commit leaves files no commit refers to, such as a segment's
    // `<segment>.<opstamp>.del`. This run counts opstamps up from the same last commit, so it
    // would try to create the same file name and fail on every run after the kill. Clear them
    // first (no reader uses a file that no commit refers to).
    if let Err(e) = writer.garbage_collect_files().wait() {
        tracing::warn!(
            "{}: clearing files of an interrupted run: {e}",
            gen_dir.display()
        );
    }

    // Remove what is gone: files in the manifest or in the index that are no longer on disk.
    let mut gone: BTreeSet<RelPath> = manifest
        .files
        .keys()
        .filter(|p| !on_disk.contains(*p))
        .cloned()
        .collect();
    if !rebuilt {
        gone.extend(
            indexed_paths(&index, &fields)
                .into_iter()
                .filter(|p| !on_disk.contains(p)),
        );
    }
    for p in &gone {
        writer.delete_term(Term::from_field_text(fields.path, p.as_str()));
        if manifest
            .files
            .remove(p)
            .is_some_and(|e| e.skipped.is_none())
        {
            report.removed += 1;
        }
    }

    // Extract and analyse in parallel; write on this thread.
    let bar = progress_bar(opts.progress, plans.len() as u64);
    let next = AtomicUsize::new(0);
    // Bounded: extraction outruns the writer, and documents waiting for it are memory.
    let (tx, rx) = sync_channel::<(usize, Extracted)>(64);
    let spec = WorkerSpec {
        exe: opts.worker_exe.clone(),
        limits: opts.limits.clone(),
    };
    let threads = opts.threads.max(1).min(plans.len().max(1));
    let mut commit_error = None;
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, plans, spec, fields) = (&next, &plans, &spec, &fields);
            scope.spawn(move || {
                let mut worker = Worker::new(spec.clone());
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(Plan::Extract { file, hash, .. }) = plans.get(i) else {
                        break;
                    };
                    let hash = match hash {
                        Some(h) => h.clone(),
                        None => match manifest::hash_file(&file.abs) {
                            Ok(h) => h,
                            Err(e) => {
                                if tx.send((i, Extracted::Unreadable(e))).is_err() {
                                    break;
                                }
                                continue;
                            }
                        },
                    };
                    let result = if ingest::worker::isolated(file.kind) {
                        worker.extract(file)
                    } else {
                        std::panic::catch_unwind(|| ingest::extract_in_process(file, &spec.limits))
                            .unwrap_or_else(|p| {
                                Err(IngestError::Crashed(format!(
                                    "parser panicked: {}",
                                    ingest::pdf::panic_message(&p)
                                )))
                            })
                    };
                    let result = result.map(|doc| Prepared {
                        sections: to_tantivy(&doc, fields),
                        notes: doc.notes,
                    });
                    if tx.send((i, Extracted::Read { hash, result })).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut since_commit = 0usize;
        for (i, extracted) in rx {
            let Plan::Extract {
                file,
                size,
                mtime,
                existed,
                ..
            } = &plans[i];
            bar.inc(1);
            let (hash, result) = match extracted {
                Extracted::Read { hash, result } => (hash, result),
                Extracted::Unreadable(e) => {
                    let s = Skipped {
                        path: file.rel.clone(),
                        reason: format!("could not read the file: {e}"),
                    };
                    bar.suspend(|| report_skip(&s));
                    report.skipped.push(s);
                    continue;
                }
            };
            writer.delete_term(Term::from_field_text(fields.path, file.rel.as_str()));
            match result {
                Ok(Prepared { sections, notes }) => {
                    for note in &notes {
                        bar.suspend(|| eprintln!("vagvisare: {}: note: {note}", file.rel));
                    }
                    report.sections += sections.len() as u64;
                    // One batch per file: all its sections land in the same segment, so a
                    // segment and a path ordinal name a document (see `search::table`).
                    if let Err(e) = writer.run(sections.into_iter().map(UserOperation::Add)) {
                        tracing::error!("{}: could not add to the index: {e}", file.rel);
                    }
                    if *existed {
                        report.updated += 1
                    } else {
                        report.added += 1
                    }
                    manifest.files.insert(
                        file.rel.clone(),
                        Entry {
                            size: *size,
                            mtime_ns: *mtime,
                            hash,
                            skipped: None,
                        },
                    );
                }
                Err(e) => {
                    let s = Skipped {
                        path: file.rel.clone(),
                        reason: e.to_string(),
                    };
                    bar.suspend(|| report_skip(&s));
                    report.skipped.push(s);
                    if *existed {
                        report.removed += 1;
                    }
                    manifest.files.insert(
                        file.rel.clone(),
                        Entry {
                            size: *size,
                            mtime_ns: *mtime,
                            hash,
                            skipped: Some(e.to_string()),
                        },
                    );
                }
            }
            since_commit += 1;
            // Incremental runs commit in batches, so a kill loses at most one batch of work.
            if !rebuilt && since_commit >= 500 && commit_error.is_none() {
                since_commit = 0;
                if let Err(e) = commit(&mut writer, &manifest, &gen_dir) {
                    commit_error = Some(e);
                }
            }
        }
    });
    bar.finish_and_clear();
    if let Some(e) = commit_error {
        return Err(e);
    }
    // Curated data: cards get their own small index beside the corpus's (rewritten when they
    // changed), so a query's card lookup reads 80 documents, not every section's postings.
    let (curated, problems) = Curated::load(&opts.corpus);
    for (file, reason) in problems {
        if let Some(path) = RelPath::parse(&file) {
            let s = Skipped {
                path,
                reason: format!("curated data not loaded: {reason}"),
            };
            report_skip(&s);
            report.skipped.push(s);
        }
    }
    let stored = Curated::read_stored(&gen_dir);
    let curated_changed = rebuilt
        || stored.fingerprint() != curated.fingerprint()
        || !gen_dir.join(crate::curated::FILE_NAME).exists();
    commit(&mut writer, &manifest, &gen_dir)?;
    if curated_changed || store::open_cards(&gen_dir).is_none() {
        write_card_index(&gen_dir, &curated.cards)?;
        report.cards = curated.cards.len();
        curated.store(&gen_dir)?;
    }
    writer
        .wait_merging_threads()
        .map_err(tantivy_err(&gen_dir))?;

    if rebuilt {
        store::set_current(&opts.index, &generation)?;
        let mut keep = vec![generation.as_str()];
        if let Some(p) = previous_generation.as_deref() {
            keep.push(p);
        }
        store::prune_generations(&opts.index, &keep);
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
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

/// Turns a document into one tantivy document per section.
pub fn to_tantivy(doc: &Document, f: &Fields) -> Vec<TantivyDocument> {
    let law = legal::law_of_title(&doc.title);
    let mut cited: BTreeSet<String> = BTreeSet::new();
    for r in &doc.meta.legal_refs {
        cited.extend(legal::references(r));
    }
    let title_refs = legal::references(&doc.title);
    let meta_json = serde_json::to_string(&doc.meta).expect("meta serialises");
    let facets = document_facets(doc);
    let (title_f, trail_f, body_f) = match doc.lang {
        crate::document::Lang::Sv => (f.title_sv, f.trail_sv, f.body_sv),
        crate::document::Lang::En => (f.title_en, f.trail_en, f.body_en),
    };
    let mut out = Vec::with_capacity(doc.sections.len());
    for (ord, s) in doc.sections.iter().enumerate() {
        let mut t = TantivyDocument::default();
        t.add_text(f.path, doc.path.as_str());
        t.add_text(f.kind, doc.kind.as_str());
        t.add_text(f.lang, doc.lang.as_str());
        t.add_text(f.title, &doc.title);
        t.add_text(title_f, &doc.title);
        match s.trail_label() {
            Some(label) => {
                t.add_text(f.section, &label);
                t.add_text(trail_f, &label);
            }
            // A document's lead (text before its first heading) is about its title.
            None => t.add_text(trail_f, &doc.title),
        }
        if let Some(h) = &s.heading {
            t.add_text(f.heading, h);
        }
        t.add_text(body_f, &s.text);
        t.add_text(f.body_exact, &s.text);
        let all = format!("{}\n{}\n{}", doc.title, s.trail.join(" "), s.text);
        let (fold, parts) = fold_and_parts(&all);
        t.add_text(f.fold, fold);
        t.add_text(f.parts, parts);
        t.add_text(f.anchor, &s.anchor);
        t.add_u64(f.level, s.level as u64);
        t.add_u64(f.ord, ord as u64);
        // The provisions a section is (statute ladder) or is about (a heading naming them).
        let mut about: BTreeSet<String> = BTreeSet::new();
        if doc.kind != Kind::Pdf {
            about.extend(legal::provision_of_trail(&s.trail, law));
            about.extend(legal::chapter_of_trail(&s.trail, law));
            // A statute's lead section is the law itself ("SFS 2016:1145").
            if ord == 0 {
                about.extend(law.and_then(legal::sfs_of_law));
            }
        }
        match s.trail_label() {
            Some(label) => about.extend(legal::references(&label)),
            // A document's lead is about its title, the provisions it names included
            // ("Reserverade kontrakt enligt LOU 4 kap. 18 §").
            None => about.extend(title_refs.iter().cloned()),
        }
        // A document whose title names a case, bill or law is about it in every section.
        about.extend(
            title_refs
                .iter()
                .filter(|r| {
                    !r.contains(':')
                        || r.starts_with("hfd")
                        || r.starts_with("ra")
                        || r.starts_with("sfs")
                        || r.starts_with("prop")
                })
                .cloned(),
        );
        for r in &about {
            t.add_text(f.refs_is, r);
        }
        let mut refs = cited.clone();
        refs.extend(legal::references(&s.text));
        for r in &refs {
            t.add_text(f.refs_cited, r);
        }
        // Document metadata is stored once, with the lead section (every page reads it there).
        if ord == 0 {
            t.add_text(f.meta, &meta_json);
        }
        // Filter values are the document's: written once, with the lead section. Counts and
        // filters read them from there through `search::table` (on every section they were
        // 3.3 % of a build's instructions).
        if ord == 0 {
            for facet in &facets {
                t.add_facet(f.facets, facet.clone());
            }
        }
        out.push(t);
    }
    out
}

/// The filter values of a document: topics, audiences, language, format, source folder, year.
pub fn document_facets(doc: &Document) -> Vec<tantivy::schema::Facet> {
    use tantivy::schema::Facet;
    let mut out = Vec::new();
    let mut push = |kind: &str, value: &str| {
        let value = value.trim();
        if !value.is_empty() && !value.contains('/') {
            out.push(Facet::from_path([kind, value]));
        }
    };
    for t in &doc.meta.topics {
        push("topic", t);
    }
    for a in &doc.meta.audience {
        push("audience", a);
    }
    push("lang", doc.lang.as_str());
    push("format", doc.kind.as_str());
    let source = doc
        .path
        .as_str()
        .split_once('/')
        .map_or("(rot)", |(first, _)| first);
    push("source", source);
    if let Some(year) = doc
        .meta
        .reviewed
        .as_deref()
        .and_then(|r| r.get(..4))
        .filter(|y| y.chars().all(|c| c.is_ascii_digit()))
    {
        push("year", year);
    }
    out
}

/// The inputs of the `fold` and `parts` fields, from one pass over the words of a text:
/// - `fold`: the words that have a letter beyond ASCII (å, ä, ö, é, ...); a word typed in
///   ASCII that is written in ASCII is found as it stands;
/// - `parts`: the parts of its compounds ([`crate::analysis::compound::Dictionary::parts_text`]).
fn fold_and_parts(text: &str) -> (String, String) {
    let mut fold = String::new();
    let words = crate::analysis::words::spans(text).map(|(_, word)| {
        if !word.is_ascii() {
            fold.push_str(word);
            fold.push(' ');
        }
        word
    });
    let parts = crate::analysis::compound::dictionary().parts_of_words(words);
    (fold, parts)
}

/// An answer card as a tantivy document: title, triggers (as the trail) and answer, analysed
/// like documents; triggers also go through the English analyzer for English phrasings.
pub fn card_doc(card: &Card, f: &Fields) -> TantivyDocument {
    let mut t = TantivyDocument::default();
    t.add_text(f.path, &card.file);
    t.add_text(f.kind, "card");
    t.add_text(f.lang, "sv");
    t.add_text(f.title, &card.title);
    t.add_text(f.title_sv, &card.title);
    let triggers = card.triggers.join("\n");
    t.add_text(f.trail_sv, &triggers);
    t.add_text(f.trail_en, &triggers);
    t.add_text(f.body_sv, &card.answer);
    t.add_text(f.body_exact, card.match_text());
    let (fold, parts) = fold_and_parts(&card.match_text());
    t.add_text(f.fold, fold);
    t.add_text(f.parts, parts);
    t.add_text(f.anchor, &card.id);
    for r in legal::references(&card.match_text()) {
        t.add_text(f.refs_is, &r);
    }
    t
}
