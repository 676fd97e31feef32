//! Curated answer cards: short, reviewed answers to the questions users ask again and again,
//! shown above the search hits when they really answer the query. One TOML file per card under
//! `corpus/kort/`. This module loads and validates them and decides which cards a query shows:
//! candidates come from the index (cards are indexed with the same analyzers as documents,
//! title ×3, triggers ×2, answer ×1), and a card is shown only when its title and triggers cover
//! enough of the query's words ([`MIN_COVERAGE`]), or its whole text covers most of them and its
//! title and triggers some ([`MIN_FULL_COVERAGE`]), and it scores close to the best card. The
//! thresholds were tuned on `tests/relevance/cards.toml` (82 queries).

use crate::analysis;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Folder of the cards under the corpus root.
pub const DIR: &str = "kort";
/// Share of the query's content words a card's title and triggers must contain.
pub const MIN_COVERAGE: f32 = 0.6;
/// Share of the query's content words the card's whole text (answer and details included) must
/// contain when its title and triggers cover at least [`MIN_COVERAGE_WITH_FULL`].
pub const MIN_FULL_COVERAGE: f32 = 0.7;
pub const MIN_COVERAGE_WITH_FULL: f32 = 0.3;
/// A card must score at least this share of the best card's score (a second card shows only
/// when it is nearly as good as the first).
pub const MIN_RELATIVE_SCORE: f32 = 0.92;
/// Most cards shown for one query.
pub const MAX_CARDS: usize = 3;

/// The file and the section a `see` link (`path#anchor`, or `path` for the whole file) names.
pub fn link_target(link: &str) -> (&str, Option<&str>) {
    match link.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (link, None),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Card {
    pub id: String,
    pub title: String,
    pub answer: String,
    #[serde(default)]
    pub details: String,
    #[serde(default)]
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub see: Vec<String>,
    #[serde(default)]
    pub audience: Vec<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub triggers: Vec<String>,
    #[serde(default)]
    pub reviewed: Option<String>,
    #[serde(default)]
    pub valid_from: Option<String>,
    #[serde(default)]
    pub valid_until: Option<String>,
    /// The card's file, relative to the corpus root.
    #[serde(default)]
    pub file: String,
}

impl Card {
    /// Whether the card may be shown on `today` (YYYY-MM-DD).
    pub fn is_current(&self, today: &str) -> bool {
        self.valid_from.as_deref().is_none_or(|f| f <= today)
            && self.valid_until.as_deref().is_none_or(|u| today <= u)
    }

    /// The text whose words decide whether a card answers a query.
    pub fn match_text(&self) -> String {
        let mut s = self.title.clone();
        for t in &self.triggers {
            s.push_str(" \n ");
            s.push_str(t);
        }
        s
    }
}

/// Parses one card file.
pub fn parse(text: &str, file: &str) -> Result<Card, String> {
    let v = crate::ingest::frontmatter::parse_toml_value(text)?;
    let mut card: Card = serde_json::from_value(v).map_err(|e| e.to_string())?;
    card.file = file.to_string();
    Ok(card)
}

/// Loads every `corpus/kort/*.toml`. Files that do not parse come back as (file, reason).
pub fn load(corpus: &std::path::Path) -> (Vec<Card>, Vec<(String, String)>) {
    let mut cards = Vec::new();
    let mut bad = Vec::new();
    let dir = corpus.join(DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (cards, bad);
    };
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    for p in paths {
        let rel = format!(
            "{DIR}/{}",
            p.file_name().and_then(|n| n.to_str()).unwrap_or("")
        );
        match std::fs::read_to_string(&p)
            .map_err(|e| e.to_string())
            .and_then(|t| parse(&t, &rel))
        {
            Ok(c) => cards.push(c),
            Err(e) => bad.push((rel, e)),
        }
    }
    (cards, bad)
}

/// The stems of a text under both analyzers and its exact forms, for coverage checks.
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    words: HashSet<String>,
}

impl Vocabulary {
    pub fn of(text: &str) -> Vocabulary {
        let mut words = HashSet::new();
        for (_, t) in analysis::tokens(analysis::Analyzer::Sv, text) {
            words.insert(format!("sv:{t}"));
        }
        for (_, t) in analysis::tokens(analysis::Analyzer::En, text) {
            words.insert(format!("en:{t}"));
        }
        for (_, t) in analysis::tokens(analysis::Analyzer::Exact, text) {
            words.insert(format!("x:{t}"));
        }
        for r in analysis::legal::references(text) {
            words.insert(format!("ref:{r}"));
        }
        Vocabulary { words }
    }

    /// Share of the query's content words (not stop words) found in this vocabulary.
    pub fn coverage(&self, query: &str) -> f32 {
        let sv: std::collections::HashMap<usize, String> =
            analysis::tokens(analysis::Analyzer::Sv, query)
                .into_iter()
                .collect();
        let en: std::collections::HashMap<usize, String> =
            analysis::tokens(analysis::Analyzer::En, query)
                .into_iter()
                .collect();
        let refs = analysis::legal::references(query);
        let mut total = 0usize;
        let mut hit = 0usize;
        for (pos, word) in analysis::tokens(analysis::Analyzer::Exact, query) {
            let (s, e) = (sv.get(&pos), en.get(&pos));
            // A stop word in either language carries no meaning for matching.
            if s.is_none() || e.is_none() {
                continue;
            }
            let part_of_ref = word.chars().all(|c| c.is_ascii_digit())
                || word.len() == 1
                || word.starts_with("kap");
            if !refs.is_empty() && part_of_ref {
                continue;
            }
            total += 1;
            let found = s.is_some_and(|s| self.words.contains(&format!("sv:{s}")))
                || e.is_some_and(|e| self.words.contains(&format!("en:{e}")))
                || self.words.contains(&format!("x:{word}"));
            if found {
                hit += 1;
            }
        }
        for r in &refs {
            total += 1;
            if self.words.contains(&format!("ref:{r}")) {
                hit += 1;
            }
        }
        if total == 0 {
            0.0
        } else {
            hit as f32 / total as f32
        }
    }
}

/// Checks one card for `vagvisare check`; `doc_exists(path, anchor)` answers link questions.
pub fn validate(
    card: &Card,
    file_stem: &str,
    today: i64,
    doc_exists: &dyn Fn(&str, Option<&str>) -> bool,
) -> Vec<(crate::check::Severity, String)> {
    use crate::check::{AUDIENCES, Severity, TOPICS, parse_date};
    let mut out = Vec::new();
    let mut err = |m: String| out.push((Severity::Error, m));
    if card.id.is_empty()
        || !card
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        err(format!(
            "`id` must be lower-case letters, digits and hyphens: {:?}",
            card.id
        ));
    }
    if card.id != file_stem {
        err(format!(
            "`id` {:?} differs from the file name {file_stem:?}",
            card.id
        ));
    }
    for (name, value) in [
        ("title", &card.title),
        ("answer", &card.answer),
        ("details", &card.details),
    ] {
        if value.trim().is_empty() {
            err(format!("missing `{name}`"));
        }
    }
    if card.legal_basis.is_empty() {
        err("missing `legal_basis`".into());
    }
    if card.triggers.is_empty() {
        err("missing `triggers`".into());
    }
    if card.see.is_empty() {
        err("missing `see` (links to corpus documents)".into());
    }
    for link in &card.see {
        let (path, anchor) = link_target(link);
        if !doc_exists(path, anchor) {
            err(format!("`see` link {link} points to no document section"));
        }
    }
    for t in card.topics.iter().filter(|t| !TOPICS.contains(&t.as_str())) {
        err(format!("unknown topic `{t}`"));
    }
    for a in card
        .audience
        .iter()
        .filter(|a| !AUDIENCES.contains(&a.as_str()))
    {
        err(format!("unknown audience `{a}`"));
    }
    if card.audience.is_empty() {
        err("missing `audience`".into());
    }
    let words = card.answer.split_whitespace().count();
    if words > 100 {
        out.push((
            Severity::Warning,
            format!("`answer` has {words} words; keep it to about 80"),
        ));
    }
    match card.reviewed.as_deref().map(|r| (r, parse_date(r))) {
        None => out.push((Severity::Error, "missing `reviewed`".into())),
        Some((r, None)) => out.push((Severity::Error, format!("`reviewed` is not a date: {r}"))),
        Some((r, Some(d))) if today - d > crate::check::STALE_AFTER_DAYS => out.push((
            Severity::Warning,
            format!("last reviewed {r}, more than 12 months ago"),
        )),
        _ => {}
    }
    for (name, v) in [
        ("valid_from", &card.valid_from),
        ("valid_until", &card.valid_until),
    ] {
        if let Some(v) = v
            && parse_date(v).is_none()
        {
            out.push((Severity::Error, format!("`{name}` is not a date: {v}")));
        }
    }
    if let Some(until) = card.valid_until.as_deref().and_then(parse_date)
        && until < today
    {
        out.push((
            Severity::Error,
            format!(
                "expired: valid until {}; the card is not shown",
                card.valid_until.as_deref().unwrap_or("")
            ),
        ));
    }
    out
}
