//! The threshold guide ("Vilka regler gäller för vårt köp?"): from an estimated value, the kind of
//! purchase and the kind of buyer to the procurement regime that applies, with the figures used,
//! their validity period and source. The figures are data (`corpus/troskelvarden.toml`); a SEK value
//! that is not confirmed is absent there, and the guide then says so and shows the EUR value
//! instead of inventing a number. A period that has ended is never presented as current.

use serde::{Deserialize, Serialize};

/// File name of the data under the corpus root.
pub const FILE: &str = "troskelvarden.toml";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    pub reviewed: String,
    #[serde(default)]
    pub period: Vec<Period>,
    #[serde(default)]
    pub direct_limit: Vec<DirectLimit>,
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Guidance {
    /// `direktupphandling`, `under-troskelvardet`, `over-troskelvardet`, `bilaga2-19-kap`, `oklart`.
    pub regime: String,
    pub regime_title: String,
    pub law: String,
    pub explanation: String,
    /// The figures used, each with its validity and source.
    pub figures: Vec<Figure>,
    pub notes: Vec<String>,
    /// Corpus documents that explain what to do next (`path#anchor`).
    pub see: Vec<String>,
    /// Answer cards that explain what to do next (ids).
    pub cards: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Figure {
    pub label: String,
    pub sek: Option<u64>,
    pub eur: Option<u64>,
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

/// Parses an amount typed by a person: "700 000", "700000 kr", "1,5 milj" is not accepted.
pub fn parse_amount(s: &str) -> Option<u64> {
    let digits: String = s
        .trim()
        .trim_end_matches("kr")
        .trim_end_matches(':')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '.')
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 15 {
        return None;
    }
    digits.parse().ok()
}

/// Formats SEK with spaces between thousands: 2 389 585.
pub fn sek(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
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

    /// When the current SEK value is unconfirmed: an estimate from the latest confirmed period's
    /// exchange rate, stated only when the value is clearly (a factor of two) below or above it.
    fn indicative(
        &self,
        value: u64,
        law: &str,
        kind: &str,
        buyer: &str,
        today: &str,
    ) -> Option<String> {
        let matches = |v: &&Value| {
            v.law == law
                && v.kind == kind
                && (v.buyer.is_none() || v.buyer.as_deref() == Some(buyer))
        };
        let current = self.period_at(today)?;
        let eur = current.values.iter().find(matches)?.eur;
        let (rate, period) = self
            .period
            .iter()
            .filter(|p| p.until.as_str() < today)
            .max_by(|a, b| a.until.cmp(&b.until))
            .and_then(|p| {
                let v = p.values.iter().find(matches)?;
                Some((v.sek? as f64 / v.eur as f64, p))
            })?;
        let estimate = (eur as f64 * rate).round() as u64;
        let side = if (value as f64) * 2.0 < estimate as f64 {
            "långt under"
        } else if value as f64 > estimate as f64 * 2.0 {
            "långt över"
        } else {
            return None;
        };
        Some(format!(
            "Uppskattning, inte ett bekräftat belopp: med växelkursen från perioden {} ({rate:.4} kr per euro) motsvarar {} euro ungefär {} kr. Värdet ligger då {side} tröskelvärdet.",
            period.id,
            sek(eur),
            sek(estimate)
        ))
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

    /// The guidance for a purchase of `value` SEK on `today`.
    pub fn guide(
        &self,
        value: u64,
        kind: &str,
        buyer: &str,
        today: &str,
    ) -> Result<Guidance, GuideError> {
        if !KINDS.iter().any(|(k, _)| *k == kind) {
            return Err(GuideError::Kind(kind.to_string()));
        }
        if !BUYERS.iter().any(|(b, _)| *b == buyer) {
            return Err(GuideError::Buyer(buyer.to_string()));
        }
        let law = if kind == "koncession" {
            "LUK"
        } else if buyer == "forsorjning" {
            "LUF"
        } else {
            "LOU"
        };
        let value_kind = match kind {
            "varor" | "tjanster" => "varor-tjanster",
            k => k,
        };
        let mut notes = Vec::new();
        let mut figures = Vec::new();
        let period = self.period_at(today);
        if period.is_none() {
            match self.last_period_before(today) {
                Some(p) => notes.push(format!(
                    "Tröskelvärdena för perioden som gäller {today} finns inte i Vägvisares underlag. De senaste värdena gällde {}–{} och visas inte som aktuella.",
                    p.from, p.until
                )),
                None => notes.push(format!("Vägvisare saknar tröskelvärden för {today}.")),
            }
        }
        let threshold = period.and_then(|p| {
            p.values
                .iter()
                .find(|v| {
                    v.law == law
                        && v.kind == value_kind
                        && (v.buyer.is_none() || v.buyer.as_deref() == Some(buyer))
                })
                .map(|v| (p, v))
        });
        if let Some((p, v)) = threshold {
            figures.push(Figure {
                label: format!("Tröskelvärde {law}, {}", kind_label(kind).to_lowercase()),
                sek: v.sek,
                eur: Some(v.eur),
                valid: format!("{}–{}", p.from, p.until),
                source: p.source.clone(),
                confirmed: v.sek.is_some(),
            });
            if v.sek.is_none() {
                notes.push(format!(
                    "SEK-värdet för perioden {} är inte bekräftat i Vägvisares underlag. Tröskelvärdet är {} euro; kontrollera kronbeloppet på Upphandlingsmyndighetens sida om tröskelvärden.",
                    p.id,
                    sek(v.eur)
                ));
            }
        }
        // The direct procurement limit.
        let direct: Option<(u64, Figure)> = if kind == "bilaga2" && law == "LOU" {
            threshold.and_then(|(p, v)| {
                v.sek.map(|s| {
                    (
                        s,
                        Figure {
                            label:
                                "Direktupphandlingsgräns för bilaga 2-tjänster (= tröskelvärdet)"
                                    .into(),
                            sek: Some(s),
                            eur: None,
                            valid: format!("{}–{}", p.from, p.until),
                            source: "LOU 19 a kap. 2 §; ".to_string() + &p.source,
                            confirmed: true,
                        },
                    )
                })
            })
        } else if law == "LUK" {
            notes.push(
                "För koncessioner är direktupphandlingsgränsen 5 procent av tröskelvärdet.".into(),
            );
            threshold.and_then(|(p, v)| {
                v.sek.map(|s| {
                    (
                        s / 20,
                        Figure {
                            label: "Direktupphandlingsgräns LUK (5 % av tröskelvärdet, beräknad)"
                                .into(),
                            sek: Some(s / 20),
                            eur: None,
                            valid: format!("{}–{}", p.from, p.until),
                            source: "LUK 19 a kap.; ".to_string() + &p.source,
                            confirmed: false,
                        },
                    )
                })
            })
        } else {
            self.direct(law, today).map(|d| {
                if let Some(n) = &d.note {
                    notes.push(n.clone());
                }
                (
                    d.sek,
                    Figure {
                        label: format!("Direktupphandlingsgräns {law}"),
                        sek: Some(d.sek),
                        eur: None,
                        valid: match &d.until {
                            Some(u) => format!("{}–{u}", d.from),
                            None => format!("från {}", d.from),
                        },
                        source: d.basis.clone(),
                        confirmed: true,
                    },
                )
            })
        };
        if let Some((_, f)) = &direct {
            figures.insert(0, f.clone());
        }
        let threshold_sek = threshold.and_then(|(_, v)| v.sek);
        let (regime, regime_title, explanation, see) = if let Some((limit, _)) =
            direct.as_ref().filter(|(l, _)| value < *l)
        {
            (
                "direktupphandling",
                "Direktupphandling är tillåten",
                format!(
                    "Värdet {} kr understiger direktupphandlingsgränsen {} kr. Ni får direktupphandla, men ska dokumentera skälen om värdet överstiger 100 000 kr och ha riktlinjer för direktupphandling.",
                    sek(value),
                    sek(*limit)
                ),
                vec![
                    "upphandling/direktupphandlingsgrans.html",
                    "upphandling/direktupphandling-dokumentation-och-riktlinjer.md",
                ],
            )
        } else if kind == "bilaga2" && law == "LOU" {
            (
                "bilaga2-19-kap",
                "Annonserad upphandling enligt 19 kap. (bilaga 2-tjänster)",
                "Sociala och andra särskilda tjänster i bilaga 2 upphandlas enligt 19 kap. LOU oavsett värde. Över tröskelvärdet tillkommer krav på annonsering på EU-nivå; kontrollera detaljerna i vägledningen.".to_string(),
                vec!["upphandling/bilaga-2-tjanster.md", "reserverade-kontrakt/ideburna-19-kap-25a.md"],
            )
        } else {
            match threshold_sek {
                Some(t) if value < t => (
                    "under-troskelvardet",
                    "Annonserad upphandling under tröskelvärdet (19 kap.)",
                    format!(
                        "Värdet {} kr ligger över direktupphandlingsgränsen men under tröskelvärdet {} kr. Upphandlingen ska annonseras enligt 19 kap.; förfarandet utformar ni själva inom de grundläggande principerna.",
                        sek(value),
                        sek(t)
                    ),
                    vec!["upphandling/annonserad-upphandling-under-troskelvardena.md"],
                ),
                Some(t) => (
                    "over-troskelvardet",
                    "Upphandling över EU:s tröskelvärde",
                    format!(
                        "Värdet {} kr når tröskelvärdet {} kr. Då gäller de EU-styrda reglerna fullt ut: förfarandena i 6 kap., annonsering i EU:s databas och de längre tidsfristerna.",
                        sek(value),
                        sek(t)
                    ),
                    vec![
                        "upphandling/upphandlingslagarna.md",
                        "upphandling/troskelvarden-2026-2027.html",
                    ],
                ),
                None => {
                    if let Some(note) = self.indicative(value, law, value_kind, buyer, today) {
                        notes.push(note);
                    }
                    (
                        "oklart",
                        "Annonserad upphandling – under eller över tröskelvärdet?",
                        format!(
                            "Värdet {} kr ligger över direktupphandlingsgränsen. Om det når EU:s tröskelvärde kan inte avgöras säkert här, eftersom kronbeloppet för perioden inte är bekräftat. Jämför med det aktuella kronbeloppet innan ni väljer förfarande.",
                            sek(value)
                        ),
                        vec![
                            "upphandling/troskelvarden-2026-2027.html",
                            "upphandling/annonserad-upphandling-under-troskelvardena.md",
                        ],
                    )
                }
            }
        };
        let cards: &[&str] = match regime {
            "direktupphandling" => &["direktupphandlingsgrans", "dokumentera-direktupphandling"],
            "under-troskelvardet" => &["regler-under-troskelvardena", "berakna-kontraktsvarde"],
            "over-troskelvardet" => &["troskelvarden-2026-2027", "berakna-kontraktsvarde"],
            "bilaga2-19-kap" => &[
                "bilaga-2-direktupphandling",
                "reservation-ideburna-19-kap-25a",
            ],
            _ => &["troskelvarden-2026-2027", "berakna-kontraktsvarde"],
        };
        Ok(Guidance {
            cards: cards.iter().map(|c| c.to_string()).collect(),
            regime: regime.into(),
            regime_title: regime_title.into(),
            law: law.into(),
            explanation,
            figures,
            notes,
            see: see.into_iter().map(String::from).collect(),
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

/// Checks the table for `vagvisare check`: dates, overlapping periods, known laws and kinds.
pub fn validate(t: &Table) -> Vec<String> {
    let mut out = Vec::new();
    for p in &t.period {
        if crate::check::parse_date(&p.from).is_none()
            || crate::check::parse_date(&p.until).is_none()
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
    out
}
