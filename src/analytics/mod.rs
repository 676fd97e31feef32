//! Search analytics for the editors: per day, how often each normalised query was searched, how
//! often it found nothing or no answer card, how often a hit or card was opened from it, and the
//! answer cards' "Hjälpte svaret?" votes. Nothing that identifies a user is kept: no address,
//! user agent, cookie or request id, and a query that looks like personal data is counted
//! without its text (`privacy.rs`).
//!
//! Handlers hand an [`Event`] to [`Analytics::record`], which only puts it on a bounded channel;
//! a background thread adds it up and writes each changed day to `<dir>/YYYY-MM-DD.json` every
//! few seconds (a temporary file renamed over the old one, so a crash leaves the previous whole
//! file). Days older than the retention are deleted. The folder lives beside the index
//! generations and survives restarts and re-indexing. `report.rs` reads it back.

pub mod privacy;
pub mod report;

use crate::config::AnalyticsSettings;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::time::{Duration, Instant};
use time::Date;

/// Events waiting for the background thread; more are dropped (and counted) rather than slow a
/// request down.
const QUEUE: usize = 8192;
/// How often changed days are written.
const FLUSH_EVERY: Duration = Duration::from_secs(5);
/// Most distinct queries kept per day; searches for further new queries count in `other`.
pub const MAX_QUERIES_PER_DAY: usize = 20_000;

/// Something a user did that the editors' report counts.
#[derive(Debug, Clone)]
pub enum Event {
    /// A search (page or API, first page only) with its number of hits and answer cards.
    Search {
        query: String,
        hits: u64,
        cards: usize,
    },
    /// A hit's document opened from the results of `query`.
    HitOpened { query: String },
    /// An answer card opened from the results of `query`.
    CardOpened { query: String },
    /// "Hjälpte svaret?" answered on a card.
    Vote { card: String, helpful: bool },
}

/// The counts of one query on one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueryCounts {
    pub searches: u64,
    pub no_hits: u64,
    pub no_card: u64,
    pub hits_opened: u64,
    pub cards_opened: u64,
}

impl QueryCounts {
    fn add(&mut self, other: &QueryCounts) {
        self.searches += other.searches;
        self.no_hits += other.no_hits;
        self.no_card += other.no_card;
        self.hits_opened += other.hits_opened;
        self.cards_opened += other.cards_opened;
    }
}

/// A card's votes on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Votes {
    pub yes: u64,
    pub no: u64,
}

/// One day's counts: the content of one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Day {
    pub day: String,
    /// Queries by their normalised text.
    pub queries: BTreeMap<String, QueryCounts>,
    /// Queries that looked like personal data: counted, text not kept.
    pub personal: QueryCounts,
    /// Queries beyond [`MAX_QUERIES_PER_DAY`].
    pub other: QueryCounts,
    /// Answer-card votes by card id.
    pub votes: BTreeMap<String, Votes>,
}

impl Day {
    fn counts_for(&mut self, query: &str) -> Option<&mut QueryCounts> {
        let text = privacy::normalise(query)?;
        if privacy::looks_personal(&text) {
            return Some(&mut self.personal);
        }
        if !self.queries.contains_key(&text) && self.queries.len() >= MAX_QUERIES_PER_DAY {
            return Some(&mut self.other);
        }
        Some(self.queries.entry(text).or_default())
    }

    /// Adds one event.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::Search { query, hits, cards } => {
                if let Some(c) = self.counts_for(query) {
                    c.searches += 1;
                    c.no_hits += u64::from(*hits == 0);
                    c.no_card += u64::from(*cards == 0);
                }
            }
            Event::HitOpened { query } => {
                if let Some(c) = self.counts_for(query) {
                    c.hits_opened += 1;
                }
            }
            Event::CardOpened { query } => {
                if let Some(c) = self.counts_for(query) {
                    c.cards_opened += 1;
                }
            }
            Event::Vote { card, helpful } => {
                let v = self.votes.entry(card.clone()).or_default();
                if *helpful {
                    v.yes += 1;
                } else {
                    v.no += 1;
                }
            }
        }
    }
}

/// The daily files of one analytics folder.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn new(dir: impl Into<PathBuf>) -> Store {
        Store { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self, day: Date) -> PathBuf {
        self.dir.join(format!("{day}.json"))
    }

    /// The counts of one day; an empty day when there is no file or it cannot be read (which
    /// is logged: a damaged file is left in place, never overwritten silently by a fresh day).
    pub fn read(&self, day: Date) -> std::io::Result<Day> {
        match std::fs::read(self.file(day)) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}: {e}", self.file(day).display()),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Day {
                day: day.to_string(),
                ..Day::default()
            }),
            Err(e) => Err(e),
        }
    }

    /// Writes a day: a temporary file, synced, renamed over the old one.
    pub fn write(&self, day: Date, counts: &Day) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let tmp = self.dir.join(format!(".{day}.json.tmp"));
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&serde_json::to_vec(counts)?)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, self.file(day))?;
        if let Ok(d) = std::fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// The days that have a file, oldest first.
    pub fn days(&self) -> Vec<Date> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut days: Vec<Date> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                crate::curated::common::parse_date(name.strip_suffix(".json")?)
            })
            .collect();
        days.sort();
        days
    }

    /// Deletes the files of days more than `retention_days` before `today`; returns how many.
    pub fn prune(&self, today: Date, retention_days: u32) -> usize {
        let mut removed = 0;
        for day in self.days() {
            if crate::curated::common::days_between(day, today) >= i64::from(retention_days)
                && std::fs::remove_file(self.file(day)).is_ok()
            {
                removed += 1;
            }
        }
        removed
    }
}

enum Message {
    Event(Event),
    Flush(SyncSender<()>),
}

/// The server's handle: records events off the request path. Disabled, it records nothing.
pub struct Analytics {
    sender: Option<SyncSender<Message>>,
    writer: Option<std::thread::JoinHandle<()>>,
    dropped: AtomicU64,
}

impl Analytics {
    /// Analytics turned off.
    pub fn disabled() -> Analytics {
        Analytics {
            sender: None,
            writer: None,
            dropped: AtomicU64::new(0),
        }
    }

    /// Starts the background writer (after deleting days past the retention), or returns a
    /// disabled handle when the settings turn analytics off.
    pub fn start(settings: &AnalyticsSettings) -> std::io::Result<Analytics> {
        if !settings.enabled {
            return Ok(Analytics::disabled());
        }
        std::fs::create_dir_all(&settings.dir)?;
        let store = Store::new(&settings.dir);
        let retention = settings.retention_days;
        store.prune(crate::curated::common::today(), retention);
        let (sender, receiver) = sync_channel(QUEUE);
        let writer = std::thread::Builder::new()
            .name("analytics".into())
            .spawn(move || write_loop(&store, retention, &receiver))?;
        Ok(Analytics {
            sender: Some(sender),
            writer: Some(writer),
            dropped: AtomicU64::new(0),
        })
    }

    pub fn enabled(&self) -> bool {
        self.sender.is_some()
    }

    /// Hands an event to the background thread; never blocks.
    pub fn record(&self, event: Event) {
        if let Some(s) = &self.sender
            && let Err(TrySendError::Full(_)) = s.try_send(Message::Event(event))
        {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Events dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Writes everything recorded so far and waits (at most 5 s) until it is on disk.
    pub fn flush(&self) {
        if let Some(s) = &self.sender {
            let (done, wait) = sync_channel(1);
            if s.send(Message::Flush(done)).is_ok() {
                let _ = wait.recv_timeout(Duration::from_secs(5));
            }
        }
    }
}

impl Drop for Analytics {
    /// Writes what is left and waits for the writer to finish, so the process never ends in
    /// the middle of a write (which left an empty temporary file beside the day's).
    fn drop(&mut self) {
        self.sender.take();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// The background thread: adds events to today's counts and writes changed days.
fn write_loop(store: &Store, retention_days: u32, receiver: &Receiver<Message>) {
    let mut days: BTreeMap<Date, Day> = BTreeMap::new();
    let mut dirty = false;
    let mut last_flush = Instant::now();
    let mut pruned_on = crate::curated::common::today();
    loop {
        let message = receiver.recv_timeout(FLUSH_EVERY);
        let today = crate::curated::common::today();
        let mut reply = None;
        match message {
            Ok(Message::Event(event)) => {
                let day = days.entry(today).or_insert_with(|| {
                    store.read(today).unwrap_or_else(|e| {
                        tracing::warn!("analytics: {e}; counting today afresh in memory");
                        Day {
                            day: today.to_string(),
                            ..Day::default()
                        }
                    })
                });
                day.apply(&event);
                dirty = true;
            }
            Ok(Message::Flush(done)) => reply = Some(done),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                if dirty {
                    write_days(store, &days);
                }
                return;
            }
        }
        if dirty && (reply.is_some() || last_flush.elapsed() >= FLUSH_EVERY) {
            write_days(store, &days);
            days.retain(|d, _| *d >= today);
            dirty = false;
            last_flush = Instant::now();
        }
        if pruned_on != today {
            store.prune(today, retention_days);
            pruned_on = today;
        }
        if let Some(done) = reply {
            let _ = done.send(());
        }
    }
}

fn write_days(store: &Store, days: &BTreeMap<Date, Day>) {
    for (day, counts) in days {
        if let Err(e) = store.write(*day, counts) {
            tracing::warn!(
                "analytics: cannot write {} in {}: {e}",
                day,
                store.dir().display()
            );
        }
    }
}

/// Sums a query's counts over several days.
pub fn sum<'a>(counts: impl IntoIterator<Item = &'a QueryCounts>) -> QueryCounts {
    let mut total = QueryCounts::default();
    for c in counts {
        total.add(c);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_counts_searches_opens_and_votes() {
        let mut day = Day::default();
        for (q, hits, cards) in [("IOP", 3, 1), ("iop ", 0, 0), ("städning", 0, 0)] {
            day.apply(&Event::Search {
                query: q.into(),
                hits,
                cards,
            });
        }
        day.apply(&Event::HitOpened {
            query: "iop".into(),
        });
        day.apply(&Event::Vote {
            card: "vad-ar-iop".into(),
            helpful: false,
        });
        let iop = &day.queries["iop"];
        assert_eq!(
            (iop.searches, iop.no_hits, iop.no_card, iop.hits_opened),
            (2, 1, 1, 1)
        );
        assert_eq!(day.queries["städning"].no_hits, 1);
        assert_eq!(day.votes["vad-ar-iop"], Votes { yes: 0, no: 1 });
    }

    #[test]
    fn personal_queries_are_counted_without_their_text() {
        let mut day = Day::default();
        day.apply(&Event::Search {
            query: "bidrag 850312-1234".into(),
            hits: 0,
            cards: 0,
        });
        assert!(day.queries.is_empty());
        assert_eq!(day.personal.searches, 1);
        assert!(!serde_json::to_string(&day).unwrap().contains("850312"));
    }
}
