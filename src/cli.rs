//! The command line (clap): `index`, `search`, `serve`, `check`, and the hidden
//! `extract-worker`. stdout carries only command output (JSON or the result list); logs,
//! progress and the index summary go to stderr. Errors become a message and an exit code.

use crate::check;
use crate::config::{Flags, LogFormat, Settings};
use crate::curated::common::{Severity, today};
use crate::indexer::{self, IndexError, Options};
use crate::ingest::Limits;
use crate::search::{Engine, SearchRequest};
use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "vagvisare",
    version,
    about = "Vägvisare: sök i vägledning om upphandling, IOP och reserverade kontrakt"
)]
struct Cli {
    /// Log format on stderr: `text` (default) or `json` (one JSON object per line).
    #[arg(long, global = true, value_parser = ["text", "json"])]
    log_format: Option<String>,
    /// Settings file (TOML) for `serve`, `index` and `report`; flags and environment variables
    /// override it. See `deploy/vagvisare.toml`.
    #[arg(long, global = true, env = "VAGVISARE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// The Swedish word list the compound splitter uses besides its built-in one: a hunspell
    /// `.dic` file, or `none`. Default: `VAGVISARE_DICTIONARY`, else Debian's hunspell-sv. An
    /// index built with one list is rebuilt, not searched, with another.
    #[arg(long, global = true, value_name = "FILE|none")]
    words: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build or update the search index from the corpus.
    Index {
        #[command(flatten)]
        dirs: Dirs,
        #[command(flatten)]
        limits: LimitArgs,
        /// Build a fresh index even if the existing one is up to date.
        #[arg(long)]
        rebuild: bool,
    },
    /// Search the index.
    Search {
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Number of hits (at most 100).
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print one JSON object (the contract's shape).
        #[arg(long)]
        json: bool,
        /// The query; words are joined with spaces.
        #[arg(required = false, num_args = 0.., allow_hyphen_values = true)]
        query: Vec<String>,
    },
    /// Serve the web UI and the JSON API (builds the index first when missing or stale).
    Serve {
        #[command(flatten)]
        dirs: Dirs,
        #[command(flatten)]
        limits: LimitArgs,
        /// Address to listen on (default 127.0.0.1:8080; `VAGVISARE_ADDR`).
        #[arg(long)]
        addr: Option<String>,
        /// Re-index when files in the corpus change (checked every 2 s, debounced).
        #[arg(long)]
        watch: bool,
    },
    /// The editors' report from the search analytics: searches with no hits or no answer card,
    /// cards users found unhelpful, hits rarely opened.
    Report {
        /// Days counted (7, 30 and 90 are shown side by side; this picks the ranking).
        #[arg(long, default_value_t = 30)]
        days: u32,
        /// Print the report as one JSON object.
        #[arg(long)]
        json: bool,
        /// The index folder whose analytics are read (default `index`; `VAGVISARE_INDEX`).
        #[arg(long)]
        index: Option<PathBuf>,
    },
    /// Validate documents' metadata and the curated data.
    Check {
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to stdout: `vagvisare man > vagvisare.1`.
    Man,
    /// Statutes in the corpus: fetch the current text from the legal database.
    Statute {
        #[command(subcommand)]
        action: StatuteAction,
    },
    /// Internal: extracts HTML/PDF files for the indexer in an isolated process.
    #[command(hide = true)]
    ExtractWorker {
        /// The limits as JSON (the indexer passes its own); the defaults when absent.
        #[arg(long)]
        limits: Option<String>,
    },
}

#[derive(Subcommand)]
enum StatuteAction {
    /// Download the current consolidated text of statutes (e.g. 2016:1145 2022:900) into
    /// `<corpus>/lag/`, with the register's amendments, and report what changed.
    Fetch {
        /// SFS numbers.
        #[arg(required = true)]
        sfs: Vec<String>,
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
        /// The legal database's address.
        #[arg(long, env = "VAGVISARE_SFS_BASE", default_value = crate::law::OFFICIAL_BASE)]
        base: String,
    },
}

#[derive(Args)]
struct Dirs {
    /// The corpus folder (default `corpus`; `VAGVISARE_CORPUS`).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// The index folder (default `index`; `VAGVISARE_INDEX`).
    #[arg(long)]
    index: Option<PathBuf>,
}

/// Parser limits; each falls back to its environment variable, the settings file and then
/// [`Limits::DEFAULT`] (64 MB, 5120 KB, 30 s, 1536 MB, depth 1000, 8 MB).
#[derive(Args)]
struct LimitArgs {
    /// Largest file read, in MB (default 64).
    #[arg(long)]
    max_file_mb: Option<u64>,
    /// Largest HTML file parsed, in KB (default 5120).
    #[arg(long)]
    max_html_kb: Option<u64>,
    /// Time limit per HTML/PDF file, in seconds (default 30).
    #[arg(long)]
    timeout_secs: Option<u64>,
    /// Memory limit of the extraction process, in MB (default 1536).
    #[arg(long)]
    worker_memory_mb: Option<u64>,
    /// Deepest element nesting accepted in an HTML file (default 1000).
    #[arg(long)]
    max_html_depth: Option<usize>,
    /// Extracted text kept per file, in MB (default 8; the rest is cut, with a note).
    #[arg(long)]
    max_text_mb: Option<u64>,
    /// Extraction threads (default: number of cores, at most 4).
    #[arg(long)]
    jobs: Option<usize>,
}

/// The flags of a command that reads the settings, in the shape [`Settings`] resolves.
fn flags_of(cli: &Cli) -> Option<Flags> {
    let mut flags = Flags {
        words: cli.words.clone(),
        log_format: cli.log_format.as_deref().and_then(|f| f.parse().ok()),
        ..Flags::default()
    };
    let (dirs, limits) = match &cli.command {
        Command::Index { dirs, limits, .. } => (Some(dirs), Some(limits)),
        Command::Serve {
            dirs,
            limits,
            addr,
            watch,
        } => {
            flags.addr = addr.clone();
            flags.watch = *watch;
            (Some(dirs), Some(limits))
        }
        Command::Report { index, .. } => {
            flags.index = index.clone();
            (None, None)
        }
        _ => return None,
    };
    if let Some(d) = dirs {
        flags.corpus = d.corpus.clone();
        flags.index = d.index.clone();
    }
    if let Some(l) = limits {
        flags.max_file_mb = l.max_file_mb;
        flags.max_html_kb = l.max_html_kb;
        flags.timeout_secs = l.timeout_secs;
        flags.worker_memory_mb = l.worker_memory_mb;
        flags.max_html_depth = l.max_html_depth;
        flags.max_text_mb = l.max_text_mb;
        flags.jobs = l.jobs;
    }
    Some(flags)
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse_from(search_args_first(std::env::args_os().collect()));
    // `serve`, `index` and `report` read the settings (file, environment, flags) first.
    let settings = match flags_of(&cli) {
        Some(flags) => match Settings::load(&flags, cli.config.as_deref()) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("vagvisare: {e}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    if !matches!(cli.command, Command::ExtractWorker { .. }) {
        let json = match &settings {
            Some(s) => s.log_format == LogFormat::Json,
            None => {
                cli.log_format.as_deref() == Some("json")
                    || std::env::var("VAGVISARE_LOG_FORMAT").is_ok_and(|f| f.trim() == "json")
            }
        };
        init_logging(json);
    }
    match run(cli, settings) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("vagvisare: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `search` takes its flags anywhere on the line and every other word as the query, even words
/// that start with `-` (`vagvisare search -bygglov --json`): the flags are moved to the front
/// and the words placed after `--`, so clap never mistakes query text for an option.
fn search_args_first(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    if args.get(1).and_then(|a| a.to_str()) != Some("search") {
        return args;
    }
    let mut flags: Vec<std::ffi::OsString> = args[..2].to_vec();
    let mut words = Vec::new();
    let mut rest = args[2..].iter();
    while let Some(a) = rest.next() {
        match a.to_str() {
            Some("--") => {
                words.extend(rest.by_ref().cloned());
            }
            Some("--json" | "-h" | "--help") => flags.push(a.clone()),
            Some("--limit" | "--index") => {
                flags.push(a.clone());
                if let Some(v) = rest.next() {
                    flags.push(v.clone());
                }
            }
            Some(s) if s.starts_with("--limit=") || s.starts_with("--index=") => {
                flags.push(a.clone())
            }
            _ => words.push(a.clone()),
        }
    }
    flags.push("--".into());
    flags.extend(words);
    flags
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("vagvisare=info,warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

fn run(cli: Cli, settings: Option<Settings>) -> Result<ExitCode> {
    use crate::analysis::compound::{self, WordList};
    let words = settings
        .as_ref()
        .map_or(cli.words.as_deref(), |s| s.words.as_deref());
    compound::choose(words.map_or_else(WordList::from_environment, WordList::parse));
    // `main` read the settings for exactly the commands that use them (`flags_of`).
    let settings = || settings.as_ref().context("the settings were not read");
    match cli.command {
        Command::Index { rebuild, .. } => {
            let mut opts = index_options(settings()?)?;
            opts.force_rebuild = rebuild;
            keep_word_list_in(&opts.index);
            run_index(&opts)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            index,
            limit,
            json,
            query,
        } => {
            keep_word_list_in(&index);
            match search(&index, limit, json, &query.join(" ")) {
                Err(e)
                    if e.downcast_ref::<std::io::Error>()
                        .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
                {
                    Ok(ExitCode::SUCCESS)
                }
                other => other,
            }
        }
        Command::Serve { .. } => {
            let opts = index_options(settings()?)?;
            keep_word_list_in(&opts.index);
            serve(&opts, settings()?)
        }
        Command::Report { days, json, .. } => report(settings()?, days, json),
        Command::Check { corpus } => check(&corpus),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "vagvisare", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd).render(&mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Statute {
            action: StatuteAction::Fetch { sfs, corpus, base },
        } => fetch_statutes(&sfs, &corpus, &base),
        Command::ExtractWorker { limits } => {
            let limits = match limits {
                Some(json) => serde_json::from_str(&json).context("--limits is not valid")?,
                None => Limits::DEFAULT,
            };
            crate::ingest::worker::serve_requests(limits).context("extraction worker")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Fetches each statute; one that fails is reported and leaves its file as it was.
fn fetch_statutes(numbers: &[String], corpus: &std::path::Path, base: &str) -> Result<ExitCode> {
    if !corpus.is_dir() {
        eprintln!(
            "vagvisare: corpus folder {} does not exist",
            corpus.display()
        );
        return Ok(ExitCode::from(2));
    }
    let client = crate::fetch::Client::new(base);
    let today = crate::curated::common::today_string();
    let mut failed = 0;
    let mut out = std::io::stdout().lock();
    for sfs in numbers {
        match client.fetch(corpus, sfs.trim(), &today) {
            Ok(f) => writeln!(out, "{f}")?,
            Err(e) => {
                failed += 1;
                eprintln!("vagvisare: SFS {sfs}: {e}; nothing written");
            }
        }
    }
    if failed > 0 {
        eprintln!(
            "vagvisare: {failed} of {} statutes not fetched",
            numbers.len()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn index_options(settings: &Settings) -> Result<Options> {
    let mut opts = Options::new(&settings.corpus, &settings.index)
        .context("cannot find the vagvisare executable")?;
    opts.limits = settings.limits.clone();
    if let Some(j) = settings.jobs {
        opts.threads = j.max(1);
    }
    opts.progress = std::io::stderr().is_terminal();
    Ok(opts)
}

/// The indexer keeps the stemmed Swedish word list in the index directory, so a process start
/// reads it instead of stemming 152 000 words (see `analysis::compound`).
fn keep_word_list_in(index: &std::path::Path) {
    crate::analysis::compound::read_cache_from(index.join(crate::index::store::DICTIONARY_CACHE));
}

fn run_index(opts: &Options) -> Result<indexer::IndexReport, IndexError> {
    let report = indexer::run(opts, |s| {
        eprintln!("vagvisare: {}: skipped: {}", s.path, s.reason)
    })?;
    eprintln!("{report}");
    Ok(report)
}

fn search(index: &std::path::Path, limit: usize, json: bool, query: &str) -> Result<ExitCode> {
    let engine = match Engine::open(index) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("vagvisare: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let res = engine.search(&SearchRequest::new(query, limit));
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, &crate::wire::SearchResponse::from(&res))?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if res.hits.is_empty() {
        writeln!(out, "Inga träffar för \"{query}\".")?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{} träffar för \"{query}\" ({:.1} ms)\n",
        res.total, res.took_ms
    )?;
    for (i, h) in res.hits.iter().enumerate() {
        writeln!(out, "{:>2}. {}", i + 1, h.title)?;
        if let Some(s) = &h.section {
            writeln!(out, "    {s}")?;
        }
        let anchor = if h.anchor.is_empty() {
            String::new()
        } else {
            format!("#{}", h.anchor)
        };
        writeln!(out, "    {}{anchor}  (poäng {:.2})", h.path, h.score)?;
        writeln!(out, "    {}\n", h.snippet.to_plain("«", "»"))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn serve(opts: &Options, settings: &Settings) -> Result<ExitCode> {
    limit_allocator_arenas();
    crate::analysis::compound::preload();
    // Open the index (and prepare it for the first query) while checking whether it is stale;
    // usually it is not.
    let opening = {
        let dir = opts.index.clone();
        std::thread::spawn(move || Engine::open(&dir).inspect(|engine| engine.warm()))
    };
    let stale = indexer::is_stale(&opts.corpus, &opts.index);
    if stale {
        eprintln!(
            "vagvisare: building the index from {} …",
            opts.corpus.display()
        );
        match run_index(opts) {
            Ok(_) => {}
            // Another process is writing: serve what is there if anything usable is.
            Err(IndexError::Store(crate::index::store::StoreError::Locked(dir)))
                if Engine::open(&opts.index).is_ok() =>
            {
                eprintln!(
                    "vagvisare: {} is being updated by another process; serving the current index",
                    dir.display()
                );
            }
            Err(e) => return Err(e.into()),
        }
    }
    let opened = opening.join().ok().and_then(Result::ok);
    let engine = match opened {
        Some(engine) if !stale => engine,
        _ => Engine::open(&opts.index)?,
    };
    let analytics = crate::analytics::Analytics::start(&settings.analytics)
        .context("starting the search analytics")?;
    let state = crate::server::AppState::with_settings(
        engine,
        opts.index.clone(),
        opts.corpus.clone(),
        settings,
        analytics,
    );
    if settings.watch {
        watch_corpus(opts.clone());
    }
    // Searches run on the blocking pool and are CPU-bound: more of them at once than a few per
    // core only adds threads, each with its own allocator cache and word tables (at 64
    // connections the default pool grew to 64 threads and 94 MB of anonymous memory).
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(4 * cores)
        .build()
        .context("starting the async runtime")?;
    let timeouts = (settings.header_timeout, settings.idle_timeout);
    rt.block_on(crate::server::serve(state, &settings.addr, timeouts))?;
    Ok(ExitCode::SUCCESS)
}

/// Caps glibc's malloc at two arenas per core. By default every thread that allocates may get
/// its own arena, and under many concurrent searches those arenas kept freed memory: 71 MB
/// anonymous after uncached runs at 1, 8 and 64 connections on 20 000 documents, 51 MB with
/// the cap, at the same requests per second (one arena per core saved no more and was slower).
fn limit_allocator_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        // SAFETY: mallopt only changes allocator tuning; it is called before the server's
        // threads start.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, (2 * cores) as libc::c_int);
        }
    }
}

/// `serve --watch`: a background thread that re-indexes when the corpus changes. A change must
/// hold still for one more check (2 s) before the run starts, so a file being copied is read whole.
fn watch_corpus(opts: Options) {
    std::thread::spawn(move || {
        let mut previous = None;
        loop {
            std::thread::sleep(std::time::Duration::from_secs(2));
            let snapshot = corpus_snapshot(&opts.corpus);
            let settled = previous.as_ref() == Some(&snapshot);
            previous = Some(snapshot);
            if settled && indexer::is_stale(&opts.corpus, &opts.index) {
                match indexer::run(&opts, |s| {
                    tracing::warn!("{}: skipped: {}", s.path, s.reason)
                }) {
                    Ok(report) => tracing::info!("watch: {report}"),
                    Err(e) => tracing::warn!("watch: indexing failed: {e}"),
                }
            }
        }
    });
}

/// Every corpus file with its size and modification time: equal snapshots two checks apart mean
/// nothing is being written.
fn corpus_snapshot(corpus: &std::path::Path) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    walkdir::WalkDir::new(corpus)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            Some((e.path().to_path_buf(), m.len(), m.modified().ok()))
        })
        .collect()
}

/// `vagvisare report`: the editors' report from the analytics folder, as text or JSON.
fn report(settings: &Settings, days: u32, json: bool) -> Result<ExitCode> {
    use crate::analytics::{Store, report::Report};
    let dir = &settings.analytics.dir;
    if !dir.is_dir() {
        eprintln!(
            "vagvisare: no analytics in {} yet (the server writes them while it runs)",
            dir.display()
        );
    }
    // Card titles from the index when there is one; the ids otherwise.
    let engine = Engine::open(&settings.index).ok();
    let title = |id: &str| {
        engine
            .as_ref()
            .and_then(|e| e.curated().card(id).map(|c| c.title.clone()))
    };
    let report = Report::build(&Store::new(dir), today(), days, &title)
        .with_context(|| format!("reading the analytics in {}", dir.display()))?;
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", report.to_text())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn check(corpus: &std::path::Path) -> Result<ExitCode> {
    if !corpus.is_dir() {
        anyhow::bail!("corpus folder {} does not exist", corpus.display());
    }
    let mut problems = check::check(corpus, today());
    let spec = crate::ingest::worker::WorkerSpec::current(Limits::default())
        .context("cannot find the vagvisare executable")?;
    problems.extend(check::check_curated(corpus, today(), &spec));
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    for p in &problems {
        println!("{p}");
    }
    println!("{errors} errors, {warnings} warnings");
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
