//! `vagvisare check`: validates the editorial metadata of the corpus without indexing it —
//! front matter of Markdown files, meta tags of HTML pages and `.meta.yaml` sidecars of PDFs.
//! Problems name the file (and line where known). Errors make the command fail; warnings
//! (stale review dates, missing summaries, unknown keys) do not.

use crate::curated::common::{
    AUDIENCES, STALE_AFTER_DAYS, Severity, TOPICS, days_between, parse_date,
};
use crate::document::{Kind, Lang, Meta};
use crate::ingest::{self, frontmatter};
use std::fmt;
use std::path::{Path, PathBuf};
use time::Date;

const KNOWN_KEYS: &[&str] = &[
    "title",
    "summary",
    "topics",
    "audience",
    "language",
    "legal_refs",
    "reviewed",
    "sources",
    "statute",
    "changes",
    // The se-lex export's keys (a statute dropped into the corpus as exported).
    "beteckning",
    "rubrik",
    "departement",
    "utfardad_datum",
    "ikraft_datum",
    "publicerad_datum",
    "forarbeten",
    "pdf_url",
    "description",
    "lang",
];
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

/// Checks every document's metadata under `corpus` as of `today`.
pub fn check(corpus: &Path, today: Date) -> Vec<Problem> {
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
    today: Date,
    spec: &crate::ingest::worker::WorkerSpec,
) -> Vec<Problem> {
    use std::collections::{HashMap, HashSet};
    let mut problems = Vec::new();
    let (files, _) = ingest::walk(corpus);
    let mut anchors: HashMap<String, HashSet<String>> = HashMap::new();
    let mut extractor = crate::ingest::worker::Extractor::new(spec.clone());
    let mut docs = Vec::new();
    for f in &files {
        if let Ok(d) = extractor.extract(f) {
            anchors.insert(
                f.rel.to_string(),
                d.sections.iter().map(|s| s.anchor.clone()).collect(),
            );
            docs.push(d);
        }
    }
    let book = crate::law::book::StatuteBook::from_documents(docs.iter());
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
    if !book.is_empty() {
        problems.extend(amended_after_review(corpus, &book, &docs, &curated.cards));
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
        for (severity, message) in crate::curated::cards::validate(card, stem, today, &doc_exists) {
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
                file: corpus.join(crate::curated::iop::FILE),
                line: None,
                message,
            });
        }
    }
    if let Some(table) = &curated.thresholds {
        let card_exists = |id: &str| curated.card(id).is_some();
        for message in crate::curated::thresholds::validate(table, &doc_exists, &card_exists) {
            problems.push(Problem {
                severity: Severity::Error,
                file: corpus.join(crate::curated::thresholds::FILE),
                line: None,
                message,
            });
        }
        if let Some(d) = parse_date(&table.reviewed)
            && days_between(d, today) > STALE_AFTER_DAYS
        {
            problems.push(Problem {
                severity: Severity::Warning,
                file: corpus.join(crate::curated::thresholds::FILE),
                line: None,
                message: format!("last reviewed {}, more than 12 months ago", table.reviewed),
            });
        }
    }
    problems
}

/// Warnings for documents and cards that cite a paragraph amended by an act that came into force
/// after their review ("4 kap. 18 § LOU ändrad genom SFS 2026:50 (i kraft 2026-07-01) efter
/// granskningen 2026-01-10").
fn amended_after_review(
    corpus: &Path,
    book: &crate::law::book::StatuteBook,
    docs: &[crate::document::Document],
    cards: &[crate::curated::cards::Card],
) -> Vec<Problem> {
    use crate::law::cite::{Context, citations, main_law};
    let warn = |file: std::path::PathBuf, a: crate::law::book::Amended, reviewed: &str| Problem {
        severity: Severity::Warning,
        file,
        line: None,
        message: format!(
            "{} ändrad genom SFS {} (i kraft {}) efter granskningen {}",
            a.provision,
            a.act,
            a.in_force,
            reviewed.get(..10).unwrap_or(reviewed)
        ),
    };
    let mut out = Vec::new();
    for d in docs.iter().filter(|d| d.meta.statute.is_none()) {
        let Some(reviewed) = &d.meta.reviewed else {
            continue;
        };
        let context = Context {
            law: main_law(&d.meta.legal_refs),
            chapter: None,
        };
        let cited: Vec<_> = d
            .sections
            .iter()
            .map(|s| s.text.as_str())
            .chain(d.meta.legal_refs.iter().map(String::as_str))
            .flat_map(|t| citations(t, context))
            .collect();
        for a in book.amended_since(&cited, reviewed) {
            out.push(warn(corpus.join(d.path.as_str()), a, reviewed));
        }
    }
    for card in cards {
        let Some(reviewed) = &card.reviewed else {
            continue;
        };
        let context = Context {
            law: main_law(&card.legal_basis),
            chapter: None,
        };
        let cited: Vec<_> = [card.answer.as_str(), card.details.as_str()]
            .into_iter()
            .chain(card.legal_basis.iter().map(String::as_str))
            .flat_map(|t| citations(t, context))
            .collect();
        for a in book.amended_since(&cited, reviewed) {
            out.push(warn(corpus.join(&card.file), a, reviewed));
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Longest summary without a warning. Search weighs the summary like the title in every section
/// of its document (`indexer::sections`), so a long one pulls the whole document into searches
/// it only touches. (The shipped corpus's longest has 49 words.)
const SUMMARY_MAX_WORDS: usize = 60;

/// Rules for one document's metadata.
pub fn validate(meta: &Meta, today: Date) -> Vec<(Severity, String)> {
    let mut out = Vec::new();
    if meta.title.is_none() {
        out.push((Severity::Error, "missing `title`".into()));
    }
    match meta
        .summary
        .as_deref()
        .map(|s| s.split_whitespace().count())
    {
        None => out.push((Severity::Warning, "missing `summary`".into())),
        Some(n) if n > SUMMARY_MAX_WORDS => out.push((
            Severity::Warning,
            format!(
                "`summary` has {n} words: search weighs it like the title in every section, so \
                 keep it to one or two sentences (at most {SUMMARY_MAX_WORDS} words)"
            ),
        )),
        Some(_) => {}
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
        Some((r, Some(d))) if days_between(d, today) > STALE_AFTER_DAYS => out.push((
            Severity::Warning,
            format!("last reviewed {r}, more than 12 months ago"),
        )),
        Some((r, Some(d))) if days_between(today, d) > 1 => out.push((
            Severity::Error,
            format!("`reviewed` date {r} is in the future"),
        )),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
            ..good.clone()
        };
        assert_eq!(validate(&bad, today)[0].0, Severity::Error);
        let long = Meta {
            summary: Some("ord ".repeat(SUMMARY_MAX_WORDS + 1)),
            ..good.clone()
        };
        let problems = validate(&long, today);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, Severity::Warning);
        assert!(problems[0].1.contains("61 words"), "{}", problems[0].1);
        let just_right = Meta {
            summary: Some("ord ".repeat(SUMMARY_MAX_WORDS)),
            ..good
        };
        assert!(validate(&just_right, today).is_empty());
    }
}
