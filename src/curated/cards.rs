//! Curated answer cards: short, reviewed answers to the questions users ask again and again,
//! shown above the search hits when they really answer the query. One TOML file per card under
//! `corpus/kort/`. This module reads and validates them; which cards a query shows is decided
//! next to the search (`search::cards`).

use super::common::{AUDIENCES, STALE_AFTER_DAYS, Severity, TOPICS, days_between, parse_date};
use serde::{Deserialize, Serialize};
use time::Date;

/// Folder of the cards under the corpus root.
pub const DIR: &str = "kort";
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
    /// What changed, and when, one line each.
    #[serde(default)]
    pub changes: Vec<crate::document::ChangeNote>,
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

/// Checks one card for `vagvisare check`; `doc_exists(path, anchor)` answers link questions.
pub fn validate(
    card: &Card,
    file_stem: &str,
    today: Date,
    doc_exists: &dyn Fn(&str, Option<&str>) -> bool,
) -> Vec<(Severity, String)> {
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
        let (path, anchor) = crate::document::split_link(link);
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
        Some((r, Some(d))) if days_between(d, today) > STALE_AFTER_DAYS => out.push((
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
