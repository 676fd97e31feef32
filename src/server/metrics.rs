//! `GET /metrics`: the server's counters in the Prometheus text format (version 0.0.4):
//! requests by route and status, request latency as a histogram per route, searches, searches
//! without hits, result-cache hits, and the index being served (generation, sections, last
//! commit) with the extraction worker's restarts and the files the last index run skipped.
//!
//! Counters are plain atomics updated on the request path (a handful of relaxed adds); the text
//! is built only when scraped.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The routes requests are counted under; anything else is `other`.
const ROUTES: &[&str] = &[
    "/",
    "/dok",
    "/fil",
    "/kort",
    "/iop",
    "/iop/resultat",
    "/troskelvarden",
    "/jamforelse",
    "/workshop",
    "/workshop/visa",
    "/workshop/utskrift",
    "/nytt",
    "/nytt.atom",
    "/tillganglighet",
    "/redaktion",
    "/static",
    "/api/search",
    "/api/suggest",
    "/api/iop",
    "/api/troskelvarden",
    "/api/openapi.json",
    "/healthz",
    "/readyz",
    "/status",
    "/metrics",
];

/// The route a request path is counted under (`/dok/iop/vad-ar-iop.md` → `/dok`).
pub fn route_of(path: &str) -> &'static str {
    if let Some(r) = ROUTES.iter().find(|r| **r == path) {
        return r;
    }
    ROUTES
        .iter()
        .filter(|r| r.len() > 1 && path.starts_with(&format!("{r}/")))
        .max_by_key(|r| r.len())
        .copied()
        .unwrap_or("other")
}

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Everything counted.
#[derive(Default)]
pub struct Metrics {
    /// (route, status) → requests.
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    latency: Mutex<BTreeMap<&'static str, Histogram>>,
    pub searches: AtomicU64,
    pub zero_hit_searches: AtomicU64,
    pub cache_hits: AtomicU64,
}

/// What `/metrics` reports about the index being served.
pub struct IndexFacts {
    pub generation: u64,
    pub sections: u64,
    pub last_commit_unix: Option<u64>,
}

impl Metrics {
    /// Counts a finished request.
    pub fn request(&self, path: &str, status: u16, seconds: f64) {
        let route = route_of(path);
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((route, status)).or_insert(0) += 1;
        }
        if let Ok(mut l) = self.latency.lock() {
            let h = l.entry(route).or_default();
            h.count += 1;
            h.sum += seconds;
            for (i, upper) in BUCKETS.iter().enumerate() {
                if seconds <= *upper {
                    h.buckets[i] += 1;
                }
            }
        }
    }

    /// Counts a search and whether it found anything.
    pub fn search(&self, hits: u64, cached: bool) {
        self.searches.fetch_add(1, Ordering::Relaxed);
        if hits == 0 {
            self.zero_hit_searches.fetch_add(1, Ordering::Relaxed);
        }
        if cached {
            self.cache_hits.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The text format.
    pub fn render(&self, index: &IndexFacts) -> String {
        let mut out = String::new();
        let counter = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        };
        let gauge = |out: &mut String, name: &str, help: &str, value: f64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        };
        out.push_str("# HELP vagvisare_requests_total Requests answered, by route and status.\n# TYPE vagvisare_requests_total counter\n");
        if let Ok(r) = self.requests.lock() {
            for ((route, status), n) in r.iter() {
                let _ = writeln!(
                    out,
                    "vagvisare_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP vagvisare_request_duration_seconds Time to answer a request, by route.\n# TYPE vagvisare_request_duration_seconds histogram\n");
        if let Ok(l) = self.latency.lock() {
            for (route, h) in l.iter() {
                for (i, upper) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "vagvisare_request_duration_seconds_bucket{{route=\"{route}\",le=\"{upper}\"}} {}",
                        h.buckets[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "vagvisare_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\nvagvisare_request_duration_seconds_sum{{route=\"{route}\"}} {}\nvagvisare_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    h.count, h.sum, h.count
                );
            }
        }
        counter(
            &mut out,
            "vagvisare_searches_total",
            "Searches run (pages, API and suggestions).",
            self.searches.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "vagvisare_zero_hit_searches_total",
            "Searches that found nothing.",
            self.zero_hit_searches.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "vagvisare_cache_hits_total",
            "Searches answered from the result cache.",
            self.cache_hits.load(Ordering::Relaxed),
        );
        gauge(
            &mut out,
            "vagvisare_index_generation",
            "The index generation being served.",
            index.generation as f64,
        );
        gauge(
            &mut out,
            "vagvisare_index_sections",
            "Sections in the index being served.",
            index.sections as f64,
        );
        if let Some(t) = index.last_commit_unix {
            gauge(
                &mut out,
                "vagvisare_index_last_commit_timestamp_seconds",
                "When the index being served was last committed (Unix time).",
                t as f64,
            );
        }
        counter(
            &mut out,
            "vagvisare_extraction_worker_restarts_total",
            "Extraction worker processes that died or timed out and were started again.",
            crate::ingest::worker::restarts(),
        );
        gauge(
            &mut out,
            "vagvisare_index_run_skipped_files",
            "Files the last index run in this process skipped.",
            crate::indexer::last_run_skipped() as f64,
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route_of("/"), "/");
        assert_eq!(
            route_of(&crate::urls::document("iop/vad-ar-iop.md")),
            "/dok"
        );
        assert_eq!(route_of("/iop/resultat"), "/iop/resultat");
        assert_eq!(route_of("/workshop/visa"), "/workshop/visa");
        assert_eq!(route_of("/static/style.css"), "/static");
        assert_eq!(route_of("/finns-inte"), "other");
    }
}
