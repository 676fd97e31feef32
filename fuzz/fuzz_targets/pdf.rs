//! PDF extraction through our wrapper, `ingest::pdf::parse` (pdf-extract inside
//! `catch_unwind`, the "is this real text" judgement, one section per page, the title guess),
//! then `ingest::finish` and `indexer::to_tantivy` as the indexer does.
//!
//! pdf-extract/lopdf panic by design on many malformed files; our wrapper catches those and
//! turns them into `IngestError::Crashed`, so they are not crashes here. libfuzzer-sys installs
//! a panic hook that aborts on *every* panic (even a caught one), so this target replaces it
//! with one that only records each panic's location: a panic that escapes `pdf::parse` (one in
//! our code) still aborts, because libfuzzer-sys aborts when the fuzz closure unwinds. Aborts
//! that no `catch_unwind` can stop (stack overflow, out of memory, timeouts) are reported by
//! libFuzzer as usual; in production they only kill the isolated extraction worker.
//!
//! Caught panics are tallied per location in `$VAGVISARE_FUZZ_PANIC_DIR/panics.<pid>.tsv`
//! (count, location, first message), which `scripts/fuzz.sh` sums up.
//!
//! `PATH` is emptied so the `pdftotext` fallback is not spawned for every rejected input (it
//! would read the file at `abs`, which does not exist here, and fail anyway).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{LazyLock, Mutex, Once};
use std::time::Instant;
use vagvisare::document::RelPath;
use vagvisare::index::schema;
use vagvisare::indexer;
use vagvisare::ingest::{self, Limits, pdf};

/// Larger inputs are skipped: the target is about our wrapper, not pdf-extract's throughput.
const MAX_INPUT: usize = 64 * 1024;

static PATH: LazyLock<RelPath> = LazyLock::new(|| RelPath::parse("fuzz/a.pdf").unwrap());
static FIELDS: LazyLock<schema::Fields> = LazyLock::new(|| schema::build().1);
static LIMITS: LazyLock<Limits> = LazyLock::new(Limits::default);
static SETUP: Once = Once::new();

struct Tally {
    by_location: HashMap<String, (u64, String)>,
    last_flush: Option<Instant>,
}

static TALLY: LazyLock<Mutex<Tally>> = LazyLock::new(|| {
    Mutex::new(Tally {
        by_location: HashMap::new(),
        last_flush: None,
    })
});

fn record(location: String, message: String) {
    let Ok(mut t) = TALLY.try_lock() else {
        return; // a panic while recording one: never deadlock in the hook
    };
    let new = !t.by_location.contains_key(&location);
    let e = t.by_location.entry(location.clone()).or_insert((0, message.clone()));
    e.0 += 1;
    if new {
        eprintln!("PANIC (caught unless it escapes pdf::parse) at {location}: {message}");
    }
    let due = new || t.last_flush.is_none_or(|at| at.elapsed().as_secs() >= 1);
    if due {
        if let Some(dir) = std::env::var_os("VAGVISARE_FUZZ_PANIC_DIR") {
            let mut out = String::new();
            for (loc, (n, msg)) in &t.by_location {
                out.push_str(&format!("{n}\t{loc}\t{msg}\n"));
            }
            let file = Path::new(&dir).join(format!("panics.{}.tsv", std::process::id()));
            let _ = std::fs::write(file, out);
        }
        t.last_flush = Some(Instant::now());
    }
}

fn setup() {
    // SAFETY: runs once, before the first input, while the fuzzer has no other threads
    // touching the environment.
    unsafe { std::env::set_var("PATH", "/nonexistent-vagvisare-fuzz") };
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "unknown".into());
        let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
            s.to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "non-string payload".into()
        };
        let message: String = message
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(160)
            .collect();
        record(location, message);
    }));
}

fuzz_target!(|data: &[u8]| {
    SETUP.call_once(setup);
    if data.len() > MAX_INPUT {
        return;
    }
    let abs = Path::new("/nonexistent-vagvisare-fuzz/a.pdf");
    if let Ok(doc) = pdf::parse(&PATH, abs, data) {
        let doc = ingest::finish(doc, &LIMITS);
        let _ = indexer::to_tantivy(&doc, &FIELDS);
    }
});
