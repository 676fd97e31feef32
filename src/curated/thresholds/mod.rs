//! The threshold guide ("Vilka regler gäller för vårt köp?"): from an estimated value, the kind of
//! purchase and the kind of buyer to the procurement regime the law gives: direct procurement,
//! an advertised procurement under 19 kap. (15 kap. for concessions), or the EU-level rules.
//!
//! The figures, the legal references per law and every sentence the guide says are data
//! (`corpus/troskelvarden.toml`, Swedish and English). A SEK threshold that is not confirmed is
//! absent there; the guide then still decides whenever the value lies clearly below or above the
//! EUR threshold at any plausible exchange rate (the last confirmed rate ± `rate_margin`), and
//! answers "oklart" only in the band where the rate decides, naming the figure to check. A period
//! that has ended is never presented as current.

mod amount;
mod guide;

pub use amount::parse_amount;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// File name of the data under the corpus root.
pub const FILE: &str = "troskelvarden.toml";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    pub reviewed: String,
    /// How far (as a share) the exchange rate may plausibly move from the last confirmed one.
    #[serde(default = "half")]
    pub rate_margin: f64,
    #[serde(default)]
    pub period: Vec<Period>,
    #[serde(default)]
    pub direct_limit: Vec<DirectLimit>,
    #[serde(default)]
    pub law: Vec<Law>,
    #[serde(default)]
    pub next: Vec<Next>,
    /// Texts per language (`sv`, `en`).
    #[serde(default)]
    pub text: BTreeMap<String, Texts>,
}

fn half() -> f64 {
    0.5
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Period {
    pub id: String,
    pub from: String,
    pub until: String,
    pub source: String,
    pub values: Vec<Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Value {
    pub law: String,
    pub kind: String,
    #[serde(default)]
    pub buyer: Option<String>,
    pub eur: u64,
    #[serde(default)]
    pub sek: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DirectLimit {
    pub law: String,
    pub from: String,
    #[serde(default)]
    pub until: Option<String>,
    pub sek: u64,
    pub basis: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// The provisions of one law that the guide cites.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Law {
    pub id: String,
    pub direct_basis: String,
    pub below_chapter: String,
    /// The chapter as English text names it ("chapter 19").
    #[serde(default)]
    pub below_chapter_en: Option<String>,
    #[serde(default)]
    pub documentation: Option<String>,
    /// Where a contract award notice after a direct award is required, and from which value.
    #[serde(default)]
    pub post_notice: Option<String>,
    #[serde(default)]
    pub post_notice_from: Option<u64>,
    #[serde(default)]
    pub guidelines: Option<String>,
    /// When the direct-award limit is a share of the threshold (LUK: 0.05).
    #[serde(default)]
    pub direct_share: Option<f64>,
}

/// Where the guide points next for a regime.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Next {
    pub regime: String,
    #[serde(default)]
    pub see: Vec<String>,
    #[serde(default)]
    pub cards: Vec<String>,
}

/// The guide's sentences in one language.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Texts {
    #[serde(default)]
    pub exact: String,
    #[serde(default)]
    pub band_below: String,
    #[serde(default)]
    pub band_above: String,
    #[serde(default)]
    pub band_between: String,
    #[serde(default)]
    pub eur_only: String,
    #[serde(default)]
    pub figure_direct: String,
    #[serde(default)]
    pub figure_direct_bilaga2: String,
    #[serde(default)]
    pub figure_direct_share: String,
    #[serde(default)]
    pub figure_threshold: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub kind: BTreeMap<String, String>,
    #[serde(default)]
    pub regime: BTreeMap<String, RegimeText>,
    #[serde(default)]
    pub note: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RegimeText {
    pub title: String,
    pub headline: String,
    pub explanation: String,
}

/// Kinds of purchase the guide knows.
pub const KINDS: &[(&str, &str)] = &[
    ("varor", "Varor"),
    ("tjanster", "Tjänster"),
    ("byggentreprenad", "Byggentreprenad"),
    ("bilaga2", "Sociala och andra särskilda tjänster (bilaga 2)"),
    ("koncession", "Koncession (bygg- eller tjänstekoncession)"),
];

/// Kinds of buyer the guide knows.
pub const BUYERS: &[(&str, &str)] = &[
    ("kommun", "Kommun eller region"),
    ("statlig", "Statlig myndighet"),
    (
        "forsorjning",
        "Försörjningssektorn (vatten, energi, transporter, post)",
    ),
];

/// Regimes the guide gives (`regime` of [`Guidance`]).
pub const REGIMES: &[&str] = &[
    "direktupphandling",
    "under-troskelvardet",
    "over-troskelvardet",
    "bilaga2-19-kap",
    "oklart",
];

/// What the law asks of a purchase of a given value, kind and buyer on a given date.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct Guidance {
    /// `direktupphandling`, `under-troskelvardet`, `over-troskelvardet`, `bilaga2-19-kap`, `oklart`.
    pub regime: String,
    pub regime_title: String,
    /// The verdict with the figures it rests on, in one sentence or two.
    pub headline: String,
    pub law: String,
    pub explanation: String,
    /// The figures used, each with its validity and source.
    pub figures: Vec<Figure>,
    /// One fact per note, none repeating the headline.
    pub notes: Vec<String>,
    /// How the comparison was made: `bekraftat` (confirmed SEK figures), `vaxelkurs` (clear at any
    /// plausible exchange rate) or `oklart`.
    pub decided_by: String,
    /// The language of the texts (`sv`, `en`).
    pub language: String,
    /// Corpus documents that explain what to do next (`path#anchor`).
    pub see: Vec<String>,
    /// Answer cards that explain what to do next (ids).
    pub cards: Vec<String>,
}

/// A threshold or limit the guidance rests on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct Figure {
    pub label: String,
    /// The confirmed SEK amount.
    #[schema(required = true)]
    pub sek: Option<u64>,
    /// The EU threshold in euro, when the figure derives from one.
    #[schema(required = true)]
    pub eur: Option<u64>,
    /// The range of SEK amounts at any plausible exchange rate, when `sek` is not confirmed.
    #[schema(required = true)]
    pub sek_low: Option<u64>,
    #[schema(required = true)]
    pub sek_high: Option<u64>,
    /// The period the figure holds for (`from–until`).
    pub valid: String,
    /// Where the figure is laid down.
    pub source: String,
    /// True when the SEK amount is confirmed for the date asked about.
    pub confirmed: bool,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GuideError {
    #[error("okänd typ av köp: {0}")]
    Kind(String),
    #[error("okänd typ av köpare: {0}")]
    Buyer(String),
    #[error("värdet måste vara ett belopp i kronor")]
    Value,
}

/// Formats an amount with spaces between thousands (2 389 585), or commas in English (2,389,585).
pub fn grouped(n: u64, lang: &str) -> String {
    let sep = if lang == "en" { ',' } else { ' ' };
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Swedish grouping: 2 389 585.
pub fn sek(n: u64) -> String {
    grouped(n, "sv")
}

impl Table {
    pub fn parse(text: &str) -> Result<Table, String> {
        let v = crate::ingest::frontmatter::parse_toml_value(text)?;
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    /// The period covering `today` (YYYY-MM-DD), if any.
    pub fn period_at(&self, today: &str) -> Option<&Period> {
        self.period
            .iter()
            .find(|p| p.from.as_str() <= today && today <= p.until.as_str())
    }

    /// The latest period that ended before `today`.
    pub fn last_period_before(&self, today: &str) -> Option<&Period> {
        self.period
            .iter()
            .filter(|p| p.until.as_str() < today)
            .max_by(|a, b| a.until.cmp(&b.until))
    }

    /// The fixed direct-award limit of a law in force on `today`.
    fn direct(&self, law: &str, today: &str) -> Option<&DirectLimit> {
        self.direct_limit
            .iter()
            .filter(|d| {
                d.law == law
                    && d.from.as_str() <= today
                    && d.until.as_deref().is_none_or(|u| today <= u)
            })
            .max_by(|a, b| a.from.cmp(&b.from))
    }

    /// The texts in `lang`, else in Swedish.
    fn texts(&self, lang: &str) -> Texts {
        self.text
            .get(lang)
            .or_else(|| self.text.get("sv"))
            .cloned()
            .unwrap_or_default()
    }
}

/// Checks the table for `vagvisare check`: dates, overlapping periods, known laws and kinds, the
/// law table, every regime's texts in every language, and the links to documents and cards.
pub fn validate(
    t: &Table,
    doc_exists: &dyn Fn(&str, Option<&str>) -> bool,
    card_exists: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for p in &t.period {
        if crate::curated::common::parse_date(&p.from).is_none()
            || crate::curated::common::parse_date(&p.until).is_none()
        {
            out.push(format!("period {}: `from`/`until` must be dates", p.id));
        }
        if p.from > p.until {
            out.push(format!("period {}: ends before it starts", p.id));
        }
        for v in &p.values {
            if !["LOU", "LUF", "LUK", "LUFS"].contains(&v.law.as_str()) {
                out.push(format!("period {}: unknown law {}", p.id, v.law));
            }
            if !["varor-tjanster", "byggentreprenad", "bilaga2", "koncession"]
                .contains(&v.kind.as_str())
            {
                out.push(format!("period {}: unknown kind {}", p.id, v.kind));
            }
        }
    }
    for (i, a) in t.period.iter().enumerate() {
        for b in &t.period[i + 1..] {
            if a.from <= b.until && b.from <= a.until {
                out.push(format!("periods {} and {} overlap", a.id, b.id));
            }
        }
    }
    for law in ["LOU", "LUF", "LUK"] {
        if !t.law.iter().any(|l| l.id == law) {
            out.push(format!("no [[law]] entry for {law}"));
        }
    }
    if !(0.0..1.0).contains(&t.rate_margin) {
        out.push("rate_margin must be between 0 and 1".into());
    }
    if t.text.is_empty() {
        out.push("no [text.sv] texts".into());
    }
    for (lang, tx) in &t.text {
        for r in REGIMES.iter().chain(&["oklart-direkt"]) {
            if !tx.regime.contains_key(*r) {
                out.push(format!("text.{lang}: no texts for regime `{r}`"));
            }
        }
        for (k, _) in KINDS {
            if !tx.kind.contains_key(*k) {
                out.push(format!("text.{lang}: no name for kind `{k}`"));
            }
        }
    }
    for r in REGIMES {
        if !t.next.iter().any(|n| n.regime == *r) {
            out.push(format!("no [[next]] links for regime `{r}`"));
        }
    }
    for n in &t.next {
        for link in &n.see {
            let (p, a) = crate::document::split_link(link);
            if !doc_exists(p, a) {
                out.push(format!(
                    "next `{}`: `see` link {link} points to no document section",
                    n.regime
                ));
            }
        }
        for c in &n.cards {
            if !card_exists(c) {
                out.push(format!("next `{}`: card `{c}` does not exist", n.regime));
            }
        }
    }
    out
}
