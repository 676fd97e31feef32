//! [`Table::guide`]: one purchase against the table. The steps, in order: the threshold that
//! applies (confirmed, or a band at any plausible exchange rate), the direct-award limit (a
//! fixed amount, a share of the threshold, or for bilaga 2 the threshold itself), the regime the
//! two comparisons give, and the texts filled in with the figures.

use super::{
    BUYERS, DirectLimit, Figure, Guidance, GuideError, KINDS, Law, Period, Table, Texts, Value,
    grouped,
};

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

    /// As a figure's amounts: (sek, eur, low, high, confirmed).
    fn parts(self) -> (Option<u64>, Option<u64>, Option<u64>, Option<u64>, bool) {
        match self {
            Amount::Exact(x) => (Some(x), None, None, None, true),
            Amount::Band { eur, low, high } => (None, Some(eur), Some(low), Some(high), false),
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

/// The threshold that applies to a purchase.
struct Threshold<'a> {
    /// The period the figure comes from and the figure.
    value: Option<(&'a Period, &'a Value)>,
    amount: Option<Amount>,
}

/// One purchase being guided, with the table's parts that concern it.
struct Case<'a> {
    table: &'a Table,
    value: u64,
    kind: &'a str,
    buyer: &'a str,
    today: &'a str,
    lang: &'a str,
    tx: Texts,
    law_id: &'static str,
    law: Option<&'a Law>,
    notes: Vec<String>,
    figures: Vec<Figure>,
}

impl Table {
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
        let law_id = if kind == "koncession" {
            "LUK"
        } else if buyer == "forsorjning" {
            "LUF"
        } else {
            "LOU"
        };
        let case = Case {
            table: self,
            value,
            kind,
            buyer,
            today,
            lang,
            tx: self.texts(lang),
            law_id,
            law: self.law.iter().find(|l| l.id == law_id),
            notes: Vec::new(),
            figures: Vec::new(),
        };
        Ok(case.guidance())
    }
}

/// The regime the two comparisons give, and the key of its texts.
fn regime_of(
    direct: Option<Side>,
    threshold: Option<Side>,
    bilaga2: bool,
) -> (&'static str, &'static str) {
    match (direct, threshold) {
        (Some(Side::Below), _) => ("direktupphandling", "direktupphandling"),
        (Some(Side::Unclear), _) => ("oklart", "oklart-direkt"),
        (_, Some(Side::Above)) if bilaga2 => ("bilaga2-19-kap", "bilaga2-19-kap"),
        (_, Some(Side::Below)) => ("under-troskelvardet", "under-troskelvardet"),
        (_, Some(Side::Above)) => ("over-troskelvardet", "over-troskelvardet"),
        _ => ("oklart", "oklart"),
    }
}

/// How the regime was reached: `bekraftat` (on confirmed figures), `vaxelkurs` (clear at any
/// plausible rate) or `oklart`.
fn decided_by(regime: &str, direct: Option<Amount>, threshold: Option<Amount>) -> &'static str {
    if regime == "oklart" {
        "oklart"
    } else if matches!(
        (regime, direct),
        ("direktupphandling", Some(Amount::Exact(_)))
    ) || matches!(threshold, Some(Amount::Exact(_)))
    {
        "bekraftat"
    } else {
        "vaxelkurs"
    }
}

impl<'a> Case<'a> {
    fn money(&self, n: u64) -> String {
        grouped(n, self.lang)
    }

    fn note(&mut self, key: &str, vars: &[(&str, String)]) {
        let text = fill(self.tx.note.get(key).map_or("", String::as_str), vars);
        self.notes.push(text);
    }

    fn basis(&self) -> String {
        self.law.map(|l| l.direct_basis.clone()).unwrap_or_default()
    }

    /// Whether a table value is the one for this purchase (law, kind and buyer).
    fn matches(&self, v: &Value) -> bool {
        let value_kind = match self.kind {
            "varor" | "tjanster" => "varor-tjanster",
            k => k,
        };
        v.law == self.law_id
            && v.kind == value_kind
            && (v.buyer.is_none() || v.buyer.as_deref() == Some(self.buyer))
    }

    /// The last confirmed exchange rate, and its period: the SEK values of one period all
    /// follow one rate, so any confirmed value of the period gives it.
    fn rate(&self) -> Option<(&'a Period, f64)> {
        let table = self.table;
        let mut confirmed: Vec<&Period> = table
            .period
            .iter()
            .filter(|p| p.from.as_str() <= self.today && p.values.iter().any(|v| v.sek.is_some()))
            .collect();
        confirmed.sort_by(|a, b| b.from.cmp(&a.from));
        confirmed.first().and_then(|p| {
            let v = p
                .values
                .iter()
                .find(|v| self.matches(v) && v.sek.is_some())
                .or_else(|| p.values.iter().find(|v| v.sek.is_some()))?;
            Some((*p, v.sek? as f64 / v.eur as f64))
        })
    }

    /// The threshold: this period's, or (after every known period) the last one's as an
    /// estimate; a band around the EUR figure when its SEK figure is not confirmed.
    fn threshold(&mut self) -> Threshold<'a> {
        let table = self.table;
        let current = table.period_at(self.today);
        let stale = current.is_none();
        let period = current.or_else(|| table.last_period_before(self.today));
        if stale {
            let vars = [
                ("date", self.today.to_string()),
                ("period", period.map(|p| p.id.clone()).unwrap_or_default()),
            ];
            self.note("no_period", &vars);
        }
        let value = period.and_then(|p| p.values.iter().find(|v| self.matches(v)).map(|v| (p, v)));
        let rate = self.rate();
        let amount = value.and_then(|(_, v)| match v.sek {
            Some(s) if !stale => Some(Amount::Exact(s)),
            _ => rate.map(|(_, r)| Amount::Band {
                eur: v.eur,
                low: (v.eur as f64 * r * (1.0 - table.rate_margin)).round() as u64,
                high: (v.eur as f64 * r * (1.0 + table.rate_margin)).round() as u64,
            }),
        });
        if let (Some((p, _)), Some(Amount::Band { .. }), Some((rp, r))) = (value, amount, rate)
            && !stale
        {
            let rate_text = format!("{r:.4}");
            let vars = [
                ("period", p.id.clone()),
                ("rate_period", rp.id.clone()),
                (
                    "rate",
                    if self.lang == "en" {
                        rate_text
                    } else {
                        rate_text.replace('.', ",")
                    },
                ),
                ("margin", format!("{:.0}", table.rate_margin * 100.0)),
            ];
            self.note("unconfirmed", &vars);
        }
        if let (Some((p, v)), Some(t)) = (value, amount) {
            let (_, _, low, high, confirmed) = t.parts();
            self.figures.push(Figure {
                label: fill(
                    &self.tx.figure_threshold,
                    &[("law", self.law_id.into()), ("kind", self.kind_name())],
                ),
                sek: v.sek.filter(|_| !stale),
                eur: Some(v.eur),
                sek_low: low,
                sek_high: high,
                valid: format!("{}–{}", p.from, p.until),
                source: p.source.clone(),
                confirmed,
            });
        }
        Threshold { value, amount }
    }

    fn kind_name(&self) -> String {
        self.tx
            .kind
            .get(self.kind)
            .cloned()
            .unwrap_or_else(|| self.kind.into())
    }

    /// The direct-award limit: for bilaga 2 the threshold itself (19 a kap.), for a law whose
    /// limit is a share of the threshold that share, else the fixed amount in force. Its figure
    /// goes first.
    fn direct_limit(&mut self, threshold: &Threshold<'a>) -> Option<Amount> {
        let fixed = self.table.direct(self.law_id, self.today);
        let share = self.law.and_then(|l| l.direct_share);
        let direct = if self.kind == "bilaga2" {
            if let Some(f) = fixed {
                let vars = [
                    (
                        "general",
                        fill(&self.tx.exact, &[("sek", self.money(f.sek))]),
                    ),
                    ("basis", self.basis()),
                ];
                self.note("bilaga2_limit", &vars);
            }
            threshold.amount
        } else if let Some(share) = share {
            let vars = [("basis", self.basis())];
            self.note("share", &vars);
            threshold.amount.map(|t| t.scaled(share))
        } else {
            fixed.map(|f| Amount::Exact(f.sek))
        };
        if let Some(d) = direct {
            let figure = self.direct_figure(d, threshold, fixed);
            self.figures.insert(0, figure);
        }
        direct
    }

    fn direct_figure(
        &self,
        direct: Amount,
        threshold: &Threshold<'a>,
        fixed: Option<&DirectLimit>,
    ) -> Figure {
        let period_valid = || {
            threshold
                .value
                .map(|(p, _)| format!("{}–{}", p.from, p.until))
                .unwrap_or_default()
        };
        let (label, valid, source) = match fixed {
            _ if self.kind == "bilaga2" => (
                self.tx.figure_direct_bilaga2.clone(),
                period_valid(),
                self.basis(),
            ),
            _ if self.law.is_some_and(|l| l.direct_share.is_some()) => (
                fill(&self.tx.figure_direct_share, &[("law", self.law_id.into())]),
                period_valid(),
                self.basis(),
            ),
            Some(f) => (
                fill(&self.tx.figure_direct, &[("law", self.law_id.into())]),
                match &f.until {
                    Some(u) => format!("{}–{u}", f.from),
                    None => fill(&self.tx.valid_from, &[("from", f.from.clone())]),
                },
                f.basis.clone(),
            ),
            None => unreachable!("a direct limit that is neither bilaga 2, a share nor fixed"),
        };
        let (sek, eur, sek_low, sek_high, confirmed) = direct.parts();
        Figure {
            label,
            sek,
            eur,
            sek_low,
            sek_high,
            valid,
            source,
            confirmed,
        }
    }

    /// An amount as the texts state it: exact, or for a band the bound that holds at any
    /// plausible rate on the side the value lies.
    fn amount_text(&self, amount: Option<Amount>) -> String {
        let side = amount.map_or(Side::Unclear, |a| a.side(self.value));
        match amount {
            Some(Amount::Exact(x)) => fill(&self.tx.exact, &[("sek", self.money(x))]),
            Some(Amount::Band { eur, low, high }) => {
                // Below the amount: it is at least `low` at any plausible rate; above: at most `high`.
                let template = match side {
                    Side::Below => &self.tx.band_below,
                    Side::Above => &self.tx.band_above,
                    Side::Unclear => &self.tx.band_between,
                };
                fill(
                    template,
                    &[
                        ("eur", self.money(eur)),
                        ("low", self.money(low)),
                        ("high", self.money(high)),
                    ],
                )
            }
            None => String::new(),
        }
    }

    /// The values the texts' placeholders take.
    fn vars(&self, direct: Option<Amount>, threshold: &Threshold) -> Vec<(&'static str, String)> {
        let law = self.law;
        vec![
            ("value", self.money(self.value)),
            ("limit", self.amount_text(direct)),
            ("threshold", self.amount_text(threshold.amount)),
            ("law", self.law_id.to_string()),
            (
                "chapter",
                law.map(|l| match (&l.below_chapter_en, self.lang) {
                    (Some(en), "en") => en.clone(),
                    _ => l.below_chapter.clone(),
                })
                .unwrap_or_default(),
            ),
            ("basis", self.basis()),
            (
                "documentation",
                law.and_then(|l| l.documentation.clone())
                    .unwrap_or_default(),
            ),
            (
                "guidelines",
                law.and_then(|l| l.guidelines.clone()).unwrap_or_default(),
            ),
            ("kind", self.kind_name()),
            (
                "period",
                threshold
                    .value
                    .map(|(p, _)| p.id.clone())
                    .unwrap_or_default(),
            ),
            ("date", self.today.to_string()),
        ]
    }

    fn guidance(mut self) -> Guidance {
        let threshold = self.threshold();
        let direct = self.direct_limit(&threshold);
        let (regime, text_key) = regime_of(
            direct.map(|d| d.side(self.value)),
            threshold.amount.map(|t| t.side(self.value)),
            self.kind == "bilaga2",
        );
        // A direct award at or above the post-notice amount must still be published afterwards.
        if regime == "direktupphandling"
            && let Some(l) = self.law
            && let (Some(basis), Some(from)) = (&l.post_notice, l.post_notice_from)
            && self.value >= from
        {
            let vars = [
                ("from", fill(&self.tx.exact, &[("sek", self.money(from))])),
                ("basis", basis.clone()),
            ];
            self.note("post_notice", &vars);
        }
        let vars = self.vars(direct, &threshold);
        let rt = self
            .tx
            .regime
            .get(&format!("{text_key}-{}", self.law_id))
            .or_else(|| self.tx.regime.get(text_key))
            .cloned()
            .unwrap_or_default();
        let next = self.table.next.iter().find(|n| n.regime == regime);
        let mut notes = self.notes;
        notes.retain(|n| !n.is_empty());
        notes.dedup();
        Guidance {
            regime: regime.into(),
            regime_title: fill(&rt.title, &vars),
            headline: fill(&rt.headline, &vars),
            law: self.law_id.into(),
            explanation: fill(&rt.explanation, &vars),
            figures: self.figures,
            notes,
            decided_by: decided_by(regime, direct, threshold.amount).into(),
            language: self.lang.into(),
            see: next.map(|n| n.see.clone()).unwrap_or_default(),
            cards: next.map(|n| n.cards.clone()).unwrap_or_default(),
        }
    }
}
