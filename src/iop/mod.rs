//! The IOP eligibility check ("Passar IOP för oss?"): questions, answer options, rules and outcome
//! texts are data (`corpus/iop/regler.toml`); this module evaluates answers into a [`Verdict`]:
//! an indication with the reasons that led to it, each citing its legal basis and linking to the
//! guidance. Every fired rule adds points to outcomes; the outcome with most points is the
//! indication (ties go to the outcome listed first). Unanswered questions ("vet-ej" or none)
//! lower the certainty. Never a bare yes/no.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Path of the rules under the corpus root.
pub const FILE: &str = "iop/regler.toml";
/// The answer value that means "don't know".
pub const UNKNOWN: &str = "vet-ej";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rules {
    pub title: String,
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub question: Vec<Question>,
    #[serde(default)]
    pub outcome: Vec<Outcome>,
    #[serde(default)]
    pub rule: Vec<Rule>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub help: String,
    pub options: Vec<AnswerOption>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnswerOption {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    pub id: String,
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub see: Vec<String>,
    #[serde(default)]
    pub cards: Vec<String>,
}

/// One value or a list of values that satisfy a condition.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn values(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(v) => vec![v.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub when: BTreeMap<String, OneOrMany>,
    pub points: BTreeMap<String, i32>,
    pub reason: String,
    #[serde(default)]
    pub basis: Vec<String>,
    #[serde(default)]
    pub see: Vec<String>,
    #[serde(default)]
    pub cards: Vec<String>,
}

/// Answers: question id → option value.
pub type Answers = BTreeMap<String, String>;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Verdict {
    pub outcome: String,
    pub title: String,
    pub summary: String,
    /// `hög`, `medel` or `låg`.
    pub certainty: String,
    pub answered: usize,
    pub questions: usize,
    pub reasons: Vec<Reason>,
    /// Questions left unanswered (their texts), which lower the certainty.
    pub unanswered: Vec<String>,
    pub scores: BTreeMap<String, i32>,
    pub see: Vec<String>,
    pub cards: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Reason {
    pub rule: String,
    pub text: String,
    pub basis: Vec<String>,
    pub see: Vec<String>,
    pub cards: Vec<String>,
    /// The outcome this reason pushes towards most.
    pub points_to: String,
}

impl Rules {
    pub fn parse(text: &str) -> Result<Rules, String> {
        let v = crate::ingest::frontmatter::parse_toml_value(text)?;
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    /// Keeps only answers that name a question and one of its options. "vet-ej" is kept (a rule
    /// may react to not knowing) but counts as unanswered.
    pub fn clean(&self, raw: &Answers) -> Answers {
        raw.iter()
            .filter(|(q, v)| {
                self.question
                    .iter()
                    .any(|qq| &qq.id == *q && qq.options.iter().any(|o| &o.value == *v))
            })
            .map(|(q, v)| (q.clone(), v.clone()))
            .collect()
    }

    /// Evaluates answers into a verdict.
    pub fn evaluate(&self, raw: &Answers) -> Verdict {
        let answers = self.clean(raw);
        let mut scores: BTreeMap<String, i32> =
            self.outcome.iter().map(|o| (o.id.clone(), 0)).collect();
        let mut reasons = Vec::new();
        for rule in &self.rule {
            let fires = !rule.when.is_empty()
                && rule.when.iter().all(|(q, want)| {
                    answers
                        .get(q)
                        .is_some_and(|a| want.values().contains(&a.as_str()))
                });
            if !fires {
                continue;
            }
            for (o, p) in &rule.points {
                *scores.entry(o.clone()).or_insert(0) += p;
            }
            let points_to = rule
                .points
                .iter()
                .max_by_key(|(_, p)| **p)
                .map(|(o, _)| o.clone())
                .unwrap_or_default();
            reasons.push(Reason {
                rule: rule.id.clone(),
                text: rule.reason.clone(),
                basis: rule.basis.clone(),
                see: rule.see.clone(),
                cards: rule.cards.clone(),
                points_to,
            });
        }
        // Highest score wins; ties go to the outcome listed first.
        let mut best: Option<(&Outcome, i32)> = None;
        for o in &self.outcome {
            let s = scores.get(&o.id).copied().unwrap_or(0);
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((o, s));
            }
        }
        let second = self
            .outcome
            .iter()
            .filter(|o| Some(o.id.as_str()) != best.map(|(b, _)| b.id.as_str()))
            .map(|o| scores.get(&o.id).copied().unwrap_or(0))
            .max()
            .unwrap_or(0);
        let (winner, top) = match best {
            Some((o, s)) => (o.clone(), s),
            None => (
                Outcome {
                    id: String::new(),
                    title: String::new(),
                    summary: String::new(),
                    see: vec![],
                    cards: vec![],
                },
                0,
            ),
        };
        let margin = top - second;
        let total = self.question.len();
        let answered = answers.values().filter(|v| v.as_str() != UNKNOWN).count();
        let share = if total == 0 {
            0.0
        } else {
            answered as f32 / total as f32
        };
        let certainty = if share >= 0.8 && margin >= 3 {
            "hög"
        } else if share >= 0.5 && margin >= 1 {
            "medel"
        } else {
            "låg"
        };
        let unanswered = self
            .question
            .iter()
            .filter(|q| answers.get(&q.id).is_none_or(|a| a == UNKNOWN))
            .map(|q| q.text.clone())
            .collect();
        // Reasons pointing at the indicated outcome first.
        reasons.sort_by_key(|r| r.points_to != winner.id);
        Verdict {
            outcome: winner.id.clone(),
            title: winner.title.clone(),
            summary: winner.summary.clone(),
            certainty: certainty.into(),
            answered,
            questions: total,
            reasons,
            unanswered,
            scores,
            see: winner.see.clone(),
            cards: winner.cards.clone(),
        }
    }

    /// Checks the rules for `vagvisare check`: ids, references between questions, options,
    /// outcomes and rules, and the links.
    pub fn validate(
        &self,
        doc_exists: &dyn Fn(&str, Option<&str>) -> bool,
        card_exists: &dyn Fn(&str) -> bool,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for q in &self.question {
            if !seen.insert(format!("q:{}", q.id)) {
                out.push(format!("duplicate question id `{}`", q.id));
            }
            if q.options.is_empty() {
                out.push(format!("question `{}` has no options", q.id));
            }
        }
        for o in &self.outcome {
            if !seen.insert(format!("o:{}", o.id)) {
                out.push(format!("duplicate outcome id `{}`", o.id));
            }
        }
        let links = |owner: &str, see: &[String], cards: &[String], out: &mut Vec<String>| {
            for link in see {
                let (p, a) = crate::cards::link_target(link);
                if !doc_exists(p, a) {
                    out.push(format!(
                        "{owner}: `see` link {link} points to no document section"
                    ));
                }
            }
            for c in cards {
                if !card_exists(c) {
                    out.push(format!("{owner}: card `{c}` does not exist"));
                }
            }
        };
        for o in &self.outcome {
            links(&format!("outcome `{}`", o.id), &o.see, &o.cards, &mut out);
        }
        for r in &self.rule {
            if !seen.insert(format!("r:{}", r.id)) {
                out.push(format!("duplicate rule id `{}`", r.id));
            }
            for (q, want) in &r.when {
                match self.question.iter().find(|qq| &qq.id == q) {
                    None => out.push(format!("rule `{}`: unknown question `{q}`", r.id)),
                    Some(qq) => {
                        for v in want.values() {
                            if !qq.options.iter().any(|o| o.value == v) {
                                out.push(format!(
                                    "rule `{}`: question `{q}` has no option `{v}`",
                                    r.id
                                ));
                            }
                        }
                    }
                }
            }
            for o in r.points.keys() {
                if !self.outcome.iter().any(|oo| &oo.id == o) {
                    out.push(format!("rule `{}`: unknown outcome `{o}`", r.id));
                }
            }
            if r.basis.is_empty() {
                out.push(format!("rule `{}`: missing `basis`", r.id));
            }
            links(&format!("rule `{}`", r.id), &r.see, &r.cards, &mut out);
        }
        out
    }
}
