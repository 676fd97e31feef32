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

pub use amount::parse_amount;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Figure {
    pub label: String,
    /// The confirmed SEK amount.
    pub sek: Option<u64>,
    pub eur: Option<u64>,
    /// The range of SEK amounts at any plausible exchange rate, when `sek` is not confirmed.
    pub sek_low: Option<u64>,
    pub sek_high: Option<u64>,
    pub valid: String,
    pub source: String,
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

/// A SEK amount: known exactly, or only as a range at any plausible exchange rate.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Amount {
    Exact(u64),
    Band { eur: u64, low: u64, high: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Below,
    Above,
    Unclear,
}

impl Amount {
    /// Where `value` lies: "understiger" is strict, reaching the amount counts as above.
    fn side(self, value: u64) -> Side {
        match self {
            Amount::Exact(x) if value < x => Side::Below,
            Amount::Exact(_) => Side::Above,
            Amount::Band { low, .. } if value < low => Side::Below,
            Amount::Band { high, .. } if value >= high => Side::Above,
            Amount::Band { .. } => Side::Unclear,
        }
    }

    fn scaled(self, share: f64) -> Amount {
        let s = |x: u64| (x as f64 * share).round() as u64;
        match self {
            Amount::Exact(x) => Amount::Exact(s(x)),
            Amount::Band { eur, low, high } => Amount::Band {
                eur: s(eur),
                low: s(low),
                high: s(high),
            },
        }
    }
}

/// Fills `{key}` placeholders. An amount with its range ends in a comma, since it usually stands
/// inside a sentence; at the end of one, the comma goes.
fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out.replace(",.", ".")
        .replace(",,", ",")
        .replace(", (", " (")
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

    fn texts(&self, lang: &str) -> Texts {
        self.text
            .get(lang)
            .or_else(|| self.text.get("sv"))
            .cloned()
            .unwrap_or_default()
    }

    /// The guidance for a purchase of `value` SEK on `today`, in `lang` (`sv` or `en`).
    pub fn guide(
        &self,
        value: u64,
        kind: &str,
        buyer: &str,
        today: &str,
        lang: &str,
    ) -> Result<Guidance, GuideError> {
        if !KINDS.iter().any(|(k, _)| *k == kind) {
            return Err(GuideError::Kind(kind.to_string()));
        }
        if !BUYERS.iter().any(|(b, _)| *b == buyer) {
            return Err(GuideError::Buyer(buyer.to_string()));
        }
        let lang = if self.text.contains_key(lang) {
            lang
        } else {
            "sv"
        };
        let tx = self.texts(lang);
        let money = |n: u64| grouped(n, lang);
        let law_id = if kind == "koncession" {
            "LUK"
        } else if buyer == "forsorjning" {
            "LUF"
        } else {
            "LOU"
        };
        let law = self.law.iter().find(|l| l.id == law_id);
        let value_kind = match kind {
            "varor" | "tjanster" => "varor-tjanster",
            k => k,
        };
        let matches = |v: &&Value| {
            v.law == law_id
                && v.kind == value_kind
                && (v.buyer.is_none() || v.buyer.as_deref() == Some(buyer))
        };
        let mut notes = Vec::new();
        let mut figures = Vec::new();

        // The threshold: this period's, or (after every known period) the last one's as an estimate.
        let current = self.period_at(today);
        let stale = current.is_none();
        let period = current.or_else(|| self.last_period_before(today));
        if stale {
            notes.push(fill(
                tx.note.get("no_period").map_or("", String::as_str),
                &[
                    ("date", today.to_string()),
                    ("period", period.map(|p| p.id.clone()).unwrap_or_default()),
                ],
            ));
        }
        let value_here = period.and_then(|p| p.values.iter().find(matches).map(|v| (p, v)));
        // The last confirmed exchange rate, and its period: the SEK values of one period all
        // follow one rate, so any confirmed value of the period gives it.
        let rate = {
            let mut confirmed: Vec<&Period> = self
                .period
                .iter()
                .filter(|p| p.from.as_str() <= today && p.values.iter().any(|v| v.sek.is_some()))
                .collect();
            confirmed.sort_by(|a, b| b.from.cmp(&a.from));
            confirmed.first().and_then(|p| {
                let v = p
                    .values
                    .iter()
                    .find(|v| matches(v) && v.sek.is_some())
                    .or_else(|| p.values.iter().find(|v| v.sek.is_some()))?;
                Some((*p, v.sek? as f64 / v.eur as f64))
            })
        };
        let threshold: Option<Amount> = value_here.and_then(|(_, v)| match v.sek {
            Some(s) if !stale => Some(Amount::Exact(s)),
            _ => rate.map(|(_, r)| Amount::Band {
                eur: v.eur,
                low: (v.eur as f64 * r * (1.0 - self.rate_margin)).round() as u64,
                high: (v.eur as f64 * r * (1.0 + self.rate_margin)).round() as u64,
            }),
        });
        if let (Some((p, v)), Some(Amount::Band { .. })) = (value_here, threshold)
            && !stale
        {
            let _ = v;
            if let Some((rp, r)) = rate {
                notes.push(fill(
                    tx.note.get("unconfirmed").map_or("", String::as_str),
                    &[
                        ("period", p.id.clone()),
                        ("rate_period", rp.id.clone()),
                        (
                            "rate",
                            if lang == "en" {
                                format!("{r:.4}")
                            } else {
                                format!("{r:.4}").replace('.', ",")
                            },
                        ),
                        ("margin", format!("{:.0}", self.rate_margin * 100.0)),
                    ],
                ));
            }
        }
        let kind_name = tx.kind.get(kind).cloned().unwrap_or_else(|| kind.into());
        if let (Some((p, v)), Some(t)) = (value_here, threshold) {
            let (low, high) = match t {
                Amount::Band { low, high, .. } => (Some(low), Some(high)),
                Amount::Exact(_) => (None, None),
            };
            figures.push(Figure {
                label: fill(
                    &tx.figure_threshold,
                    &[("law", law_id.into()), ("kind", kind_name.clone())],
                ),
                sek: v.sek.filter(|_| !stale),
                eur: Some(v.eur),
                sek_low: low,
                sek_high: high,
                valid: format!("{}–{}", p.from, p.until),
                source: p.source.clone(),
                confirmed: matches!(t, Amount::Exact(_)),
            });
        }

        // The direct-award limit.
        let fixed = self.direct(law_id, today);
        let direct: Option<Amount> = if kind == "bilaga2" {
            if let Some(f) = fixed {
                notes.push(fill(
                    tx.note.get("bilaga2_limit").map_or("", String::as_str),
                    &[
                        ("general", fill(&tx.exact, &[("sek", money(f.sek))])),
                        (
                            "basis",
                            law.map(|l| l.direct_basis.clone()).unwrap_or_default(),
                        ),
                    ],
                ));
            }
            threshold
        } else if let Some(share) = law.and_then(|l| l.direct_share) {
            notes.push(fill(
                tx.note.get("share").map_or("", String::as_str),
                &[(
                    "basis",
                    law.map(|l| l.direct_basis.clone()).unwrap_or_default(),
                )],
            ));
            threshold.map(|t| t.scaled(share))
        } else {
            fixed.map(|f| Amount::Exact(f.sek))
        };
        if let Some(d) = direct {
            let (label, valid, source) = if kind == "bilaga2" {
                let p = value_here.map(|(p, _)| p);
                (
                    tx.figure_direct_bilaga2.clone(),
                    p.map(|p| format!("{}–{}", p.from, p.until))
                        .unwrap_or_default(),
                    law.map(|l| l.direct_basis.clone()).unwrap_or_default(),
                )
            } else if law.is_some_and(|l| l.direct_share.is_some()) {
                let p = value_here.map(|(p, _)| p);
                (
                    fill(&tx.figure_direct_share, &[("law", law_id.into())]),
                    p.map(|p| format!("{}–{}", p.from, p.until))
                        .unwrap_or_default(),
                    law.map(|l| l.direct_basis.clone()).unwrap_or_default(),
                )
            } else {
                let f = fixed.expect("a fixed limit");
                (
                    fill(&tx.figure_direct, &[("law", law_id.into())]),
                    match &f.until {
                        Some(u) => format!("{}–{u}", f.from),
                        None => fill(&tx.valid_from, &[("from", f.from.clone())]),
                    },
                    f.basis.clone(),
                )
            };
            let (sek, eur, low, high, confirmed) = match d {
                Amount::Exact(x) => (Some(x), None, None, None, true),
                Amount::Band { eur, low, high } => (None, Some(eur), Some(low), Some(high), false),
            };
            figures.insert(
                0,
                Figure {
                    label,
                    sek,
                    eur,
                    sek_low: low,
                    sek_high: high,
                    valid,
                    source,
                    confirmed,
                },
            );
        }

        // The regime.
        let (regime, text_key) = match (
            direct.map(|d| d.side(value)),
            threshold.map(|t| t.side(value)),
        ) {
            (Some(Side::Below), _) => ("direktupphandling", "direktupphandling"),
            (Some(Side::Unclear), _) => ("oklart", "oklart-direkt"),
            (_, Some(Side::Above)) if kind == "bilaga2" => ("bilaga2-19-kap", "bilaga2-19-kap"),
            (_, Some(Side::Below)) => ("under-troskelvardet", "under-troskelvardet"),
            (_, Some(Side::Above)) => ("over-troskelvardet", "over-troskelvardet"),
            _ => ("oklart", "oklart"),
        };
        let decided_by = if regime == "oklart" {
            "oklart"
        } else if matches!(
            (regime, direct, threshold),
            ("direktupphandling", Some(Amount::Exact(_)), _)
        ) || matches!(threshold, Some(Amount::Exact(_)))
        {
            "bekraftat"
        } else {
            "vaxelkurs"
        };
        let amount_text = |a: Option<Amount>, side: Side| match a {
            Some(Amount::Exact(x)) => fill(&tx.exact, &[("sek", money(x))]),
            Some(Amount::Band { eur, low, high }) => {
                // Below the amount: it is at least `low` at any plausible rate; above: at most `high`.
                let template = match side {
                    Side::Below => &tx.band_below,
                    Side::Above => &tx.band_above,
                    Side::Unclear => &tx.band_between,
                };
                fill(
                    template,
                    &[
                        ("eur", money(eur)),
                        ("low", money(low)),
                        ("high", money(high)),
                    ],
                )
            }
            None => String::new(),
        };
        let limit_text = amount_text(direct, direct.map_or(Side::Unclear, |d| d.side(value)));
        let threshold_text = amount_text(
            threshold,
            threshold.map_or(Side::Unclear, |t| t.side(value)),
        );
        let period_id = value_here.map(|(p, _)| p.id.clone()).unwrap_or_default();
        let vars: Vec<(&str, String)> = vec![
            ("value", money(value)),
            ("limit", limit_text),
            ("threshold", threshold_text),
            ("law", law_id.to_string()),
            (
                "chapter",
                law.map(|l| match (&l.below_chapter_en, lang) {
                    (Some(en), "en") => en.clone(),
                    _ => l.below_chapter.clone(),
                })
                .unwrap_or_default(),
            ),
            (
                "basis",
                law.map(|l| l.direct_basis.clone()).unwrap_or_default(),
            ),
            (
                "documentation",
                law.and_then(|l| l.documentation.clone())
                    .unwrap_or_default(),
            ),
            (
                "guidelines",
                law.and_then(|l| l.guidelines.clone()).unwrap_or_default(),
            ),
            ("kind", kind_name),
            ("period", period_id),
            ("date", today.to_string()),
        ];
        let rt = tx
            .regime
            .get(&format!("{text_key}-{law_id}"))
            .or_else(|| tx.regime.get(text_key))
            .cloned()
            .unwrap_or_default();
        // A direct award at or above the post-notice amount must still be published afterwards.
        if regime == "direktupphandling"
            && let Some(l) = law
            && let (Some(basis), Some(from)) = (&l.post_notice, l.post_notice_from)
            && value >= from
        {
            notes.push(fill(
                tx.note.get("post_notice").map_or("", String::as_str),
                &[
                    ("from", fill(&tx.exact, &[("sek", money(from))])),
                    ("basis", basis.clone()),
                ],
            ));
        }
        let next = self.next.iter().find(|n| n.regime == regime);
        notes.retain(|n| !n.is_empty());
        notes.dedup();
        Ok(Guidance {
            regime: regime.into(),
            regime_title: fill(&rt.title, &vars),
            headline: fill(&rt.headline, &vars),
            law: law_id.into(),
            explanation: fill(&rt.explanation, &vars),
            figures,
            notes,
            decided_by: decided_by.into(),
            language: lang.into(),
            see: next.map(|n| n.see.clone()).unwrap_or_default(),
            cards: next.map(|n| n.cards.clone()).unwrap_or_default(),
        })
    }
}

pub fn kind_label(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("", |(_, l)| l)
}

pub fn buyer_label(buyer: &str) -> &'static str {
    BUYERS
        .iter()
        .find(|(b, _)| *b == buyer)
        .map_or("", |(_, l)| l)
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
