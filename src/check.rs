//! `vagvisare check`: validates the editorial metadata of the corpus without indexing it —
//! front matter of Markdown files, meta tags of HTML pages and `.meta.yaml` sidecars of PDFs.
//! Problems name the file (and line where known). Errors make the command fail; warnings
//! (stale review dates, missing summaries, unknown keys) do not.

use crate::document::{Kind, Lang, Meta};
use crate::ingest::{self, frontmatter};
use std::fmt;
use std::path::{Path, PathBuf};

/// The fixed topic list documents are tagged with.
pub const TOPICS: &[&str] = &[
    "upphandling",
    "direktupphandling",
    "troskelvarden",
    "sociala-hansyn",
    "reserverade-kontrakt",
    "iop",
    "ideburna",
    "register",
    "sociala-foretag",
    "statsstod",
    "lov",
    "bidrag",
    "innovation",
    "overprovning",
    "workshop",
    "ordlista",
    "regionalt",
    "eu",
];
pub const AUDIENCES: &[&str] = &["procurer", "organisation", "facilitator"];
const KNOWN_KEYS: &[&str] = &[
    "title",
    "summary",
    "topics",
    "audience",
    "language",
    "legal_refs",
    "reviewed",
    "sources",
    "description",
    "lang",
];
/// A review older than this many days is reported.
pub const STALE_AFTER_DAYS: i64 = 365;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub severity: Severity,
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.line {
            Some(l) => write!(f, "{sev}: {}:{l}: {}", self.file.display(), self.message),
            None => write!(f, "{sev}: {}: {}", self.file.display(), self.message),
        }
    }
}

/// Checks every document's metadata under `corpus`. `today` is days since 1970-01-01.
pub fn check(corpus: &Path, today: i64) -> Vec<Problem> {
    let mut problems = Vec::new();
    let (files, walk_problems) = ingest::walk(corpus);
    for (path, reason) in walk_problems {
        problems.push(Problem {
            severity: Severity::Error,
            file: path,
            line: None,
            message: reason,
        });
    }
    for file in &files {
        let mut push = |severity, line, message: String| {
            problems.push(Problem {
                severity,
                file: file.abs.clone(),
                line,
                message,
            })
        };
        match file.kind {
            Kind::Markdown => match std::fs::read_to_string(&file.abs) {
                Err(e) => push(
                    Severity::Error,
                    None,
                    format!("cannot read as UTF-8 text: {e}"),
                ),
                Ok(text) => {
                    let split = frontmatter::split(&text);
                    if let Some((block, format)) = split.block {
                        match frontmatter::parse(block, format) {
                            Err(e) => push(
                                Severity::Error,
                                Some(1),
                                format!("front matter does not parse: {e}"),
                            ),
                            Ok((meta, raw)) => {
                                for key in raw.keys().filter(|k| !KNOWN_KEYS.contains(&k.as_str()))
                                {
                                    let line = block
                                        .lines()
                                        .position(|l| l.trim_start().starts_with(key.as_str()))
                                        .map(|i| i + 2);
                                    push(
                                        Severity::Warning,
                                        line,
                                        format!("unknown front matter key `{key}`"),
                                    );
                                }
                                for (sev, msg) in validate(&meta, today) {
                                    push(sev, Some(1), msg);
                                }
                            }
                        }
                    }
                }
            },
            Kind::Html => {
                let Ok(bytes) = std::fs::read(&file.abs) else {
                    push(Severity::Error, None, "cannot read the file".into());
                    continue;
                };
                let head_end = find(&bytes, b"</head>")
                    .unwrap_or(bytes.len())
                    .min(256 * 1024);
                let head = ingest::html::decode(&bytes[..head_end]);
                let meta = ingest::html::meta_of_head(&head);
                if meta != Meta::default() {
                    for (sev, msg) in validate(&meta, today) {
                        push(sev, None, msg);
                    }
                }
            }
            Kind::Pdf | Kind::Text => {}
        }
    }
    // Sidecars: valid, and next to an existing file.
    for entry in walkdir::WalkDir::new(corpus).into_iter().flatten() {
        let name = entry.file_name().to_string_lossy();
        let Some(target) = name.strip_suffix(".meta.yaml") else {
            continue;
        };
        let file = entry.path().to_path_buf();
        let mut push = |severity, message: String| {
            problems.push(Problem {
                severity,
                file: file.clone(),
                line: None,
                message,
            })
        };
        if !entry.path().with_file_name(target).is_file() {
            push(
                Severity::Error,
                format!("sidecar for `{target}`, which does not exist"),
            );
        }
        match std::fs::read_to_string(entry.path())
            .map_err(|e| e.to_string())
            .and_then(|t| frontmatter::parse_yaml(&t))
        {
            Err(e) => push(Severity::Error, format!("does not parse: {e}")),
            Ok((meta, _)) => {
                for (sev, msg) in validate(&meta, today) {
                    push(sev, msg);
                }
            }
        }
    }
    problems
}

/// Checks the curated data (cards, IOP rules, thresholds): parse errors, duplicate ids, links to
/// documents and section anchors, expired and stale cards. Documents are extracted to learn
/// their anchors (HTML and PDF in the isolated worker `spec`).
pub fn check_curated(
    corpus: &Path,
    today: i64,
    spec: &crate::ingest::worker::WorkerSpec,
) -> Vec<Problem> {
    use std::collections::{HashMap, HashSet};
    let mut problems = Vec::new();
    let (files, _) = ingest::walk(corpus);
    let mut anchors: HashMap<String, HashSet<String>> = HashMap::new();
    let mut worker = crate::ingest::worker::Worker::new(spec.clone());
    for f in &files {
        let doc = if crate::ingest::worker::isolated(f.kind) {
            worker.extract(f)
        } else {
            ingest::extract_in_process(f, &spec.limits)
        };
        if let Ok(d) = doc {
            anchors.insert(
                f.rel.to_string(),
                d.sections.iter().map(|s| s.anchor.clone()).collect(),
            );
        }
    }
    let doc_exists = |path: &str, anchor: Option<&str>| match anchors.get(path) {
        Some(a) => anchor.is_none_or(|x| a.contains(x)),
        None => false,
    };
    let (curated, bad) = crate::curated::Curated::load(corpus);
    for (file, reason) in bad {
        problems.push(Problem {
            severity: Severity::Error,
            file: corpus.join(file),
            line: None,
            message: format!("does not parse: {reason}"),
        });
    }
    let mut ids = HashSet::new();
    for card in &curated.cards {
        let file = corpus.join(&card.file);
        if !ids.insert(card.id.clone()) {
            problems.push(Problem {
                severity: Severity::Error,
                file: file.clone(),
                line: None,
                message: format!("duplicate card id `{}`", card.id),
            });
        }
        let stem = card
            .file
            .rsplit('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".toml");
        for (severity, message) in crate::cards::validate(card, stem, today, &doc_exists) {
            problems.push(Problem {
                severity,
                file: file.clone(),
                line: None,
                message,
            });
        }
    }
    if let Some(rules) = &curated.iop {
        let card_exists = |id: &str| curated.card(id).is_some();
        for message in rules.validate(&doc_exists, &card_exists) {
            problems.push(Problem {
                severity: Severity::Error,
                file: corpus.join(crate::iop::FILE),
                line: None,
                message,
            });
        }
    }
    if let Some(table) = &curated.thresholds {
        let card_exists = |id: &str| curated.card(id).is_some();
        for message in crate::thresholds::validate(table, &doc_exists, &card_exists) {
            problems.push(Problem {
                severity: Severity::Error,
                file: corpus.join(crate::thresholds::FILE),
                line: None,
                message,
            });
        }
        if let Some(d) = parse_date(&table.reviewed)
            && today - d > STALE_AFTER_DAYS
        {
            problems.push(Problem {
                severity: Severity::Warning,
                file: corpus.join(crate::thresholds::FILE),
                line: None,
                message: format!("last reviewed {}, more than 12 months ago", table.reviewed),
            });
        }
    }
    problems
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Rules for one document's metadata.
pub fn validate(meta: &Meta, today: i64) -> Vec<(Severity, String)> {
    let mut out = Vec::new();
    if meta.title.is_none() {
        out.push((Severity::Error, "missing `title`".into()));
    }
    if meta.summary.is_none() {
        out.push((Severity::Warning, "missing `summary`".into()));
    }
    for t in meta.topics.iter().filter(|t| !TOPICS.contains(&t.as_str())) {
        out.push((
            Severity::Error,
            format!("unknown topic `{t}` (allowed: {})", TOPICS.join(", ")),
        ));
    }
    for a in meta
        .audience
        .iter()
        .filter(|a| !AUDIENCES.contains(&a.as_str()))
    {
        out.push((
            Severity::Error,
            format!("unknown audience `{a}` (allowed: {})", AUDIENCES.join(", ")),
        ));
    }
    if let Some(l) = &meta.language
        && Lang::parse(l).is_none()
    {
        out.push((
            Severity::Error,
            format!("unknown language `{l}` (use sv or en)"),
        ));
    }
    match meta.reviewed.as_deref().map(|r| (r, parse_date(r))) {
        None => out.push((Severity::Warning, "missing `reviewed` date".into())),
        Some((r, None)) => out.push((
            Severity::Error,
            format!("`reviewed` is not a date (YYYY-MM-DD): {r}"),
        )),
        Some((r, Some(d))) if today - d > STALE_AFTER_DAYS => out.push((
            Severity::Warning,
            format!("last reviewed {r}, more than 12 months ago"),
        )),
        Some((r, Some(d))) if d > today + 1 => out.push((
            Severity::Error,
            format!("`reviewed` date {r} is in the future"),
        )),
        _ => {}
    }
    out
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let s = s
        .get(..10)
        .filter(|_| s.len() == 10 || s.as_bytes().get(10) == Some(&b'T'))?;
    let mut parts = s.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// Howard Hinnant's days-from-civil algorithm.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The `YYYY-MM-DD` date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Today as `YYYY-MM-DD` (UTC).
pub fn today_string() -> String {
    civil_from_days(today())
}

/// Today, in days since 1970-01-01 (UTC).
pub fn today() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    (secs / 86_400) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(
            parse_date("2026-11-27"),
            Some(days_from_civil(2026, 11, 27))
        );
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("igår"), None);
        for d in ["2026-11-27", "2024-02-29", "1999-12-31", "2027-01-01"] {
            assert_eq!(civil_from_days(parse_date(d).unwrap()), d);
        }
    }

    #[test]
    fn rules() {
        let today = parse_date("2026-11-27").unwrap();
        let good = Meta {
            title: Some("T".into()),
            summary: Some("S".into()),
            topics: vec!["iop".into()],
            audience: vec!["procurer".into()],
            language: Some("sv".into()),
            reviewed: Some("2026-10-01".into()),
            ..Meta::default()
        };
        assert!(validate(&good, today).is_empty());
        let stale = Meta {
            reviewed: Some("2025-01-01".into()),
            ..good.clone()
        };
        assert_eq!(validate(&stale, today)[0].0, Severity::Warning);
        let bad = Meta {
            topics: vec!["gissning".into()],
            ..good
        };
        assert_eq!(validate(&bad, today)[0].0, Severity::Error);
    }
}
