//! The IOP eligibility check ("Passar IOP för oss?"). The questions, the legal tests, their
//! findings, the outcomes and the reserved-procurement routes are data
//! (`corpus/iop/regler.toml`); this module reads and checks that data, and [`evaluate`] turns
//! answers into a [`Verdict`].
//!
//! The check follows the legal tests in order (parties, contract, market, state aid, then the
//! weighing of grant against partnership). A finding that excludes an outcome is decisive: no
//! number of favourable answers can bring that outcome back. Points are weighed only in the last
//! test, where the sources really describe a weighing. It is deliberately not a points table.

mod evaluate;

pub use evaluate::{
    Group, PathAnswer, PathStep, Reason, RouteStatus, RouteView, StepStatus, Unknown, Verdict,
};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Path of the rules under the corpus root.
pub const FILE: &str = "iop/regler.toml";
/// The answer value that means "don't know". An unanswered question counts the same in the tests.
pub const UNKNOWN: &str = "vet-ej";
/// The query parameter of a shared result link that names the version of the questions.
pub const VERSION_PARAM: &str = "v";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rules {
    pub title: String,
    #[serde(default)]
    pub intro: String,
    /// Version of the questions; a shared link made with an older one may need a note.
    #[serde(default = "one")]
    pub version: u32,
    /// The outcomes weighed in the last test.
    #[serde(default)]
    pub weigh: Vec<String>,
    /// The smallest lead in the weighing that counts as clear (below it: certainty "medel").
    #[serde(default = "three")]
    pub clear_margin: i32,
    /// The test in which points are weighed (`vagning`).
    #[serde(default = "weighing")]
    pub weighing: String,
    /// The test of the reserved-procurement routes (`vagar`).
    #[serde(default = "routes_test")]
    pub routes_test: String,
    pub needs_answers: NeedsAnswers,
    pub fallback: Fallback,
    /// The sentences the verdict is assembled from.
    pub phrases: Phrases,
    #[serde(default)]
    pub test: Vec<Test>,
    #[serde(default)]
    pub question: Vec<Question>,
    #[serde(default)]
    pub outcome: Vec<Outcome>,
    #[serde(default)]
    pub finding: Vec<Finding>,
    #[serde(default)]
    pub route: Vec<Route>,
    /// The rules as indices and masks, made on first use.
    #[serde(skip)]
    compiled: std::sync::OnceLock<evaluate::Compiled>,
}

fn one() -> u32 {
    1
}
fn three() -> i32 {
    3
}
fn weighing() -> String {
    "vagning".into()
}
fn routes_test() -> String {
    "vagar".into()
}

/// Sentence patterns of the verdict (Swedish, like the rest of the rules): `{facts}`,
/// `{outcomes}`, `{scores}` and `{routes}` are filled in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Phrases {
    pub summary_facts: String,
    pub excludes: String,
    pub unknown: String,
    pub not_needed: String,
    pub passed: String,
    pub points: String,
    /// The decisive reason when the weighing decided: `{facts}` are what weighed most.
    pub weighed: String,
    pub routes_open: String,
    pub routes_possible: String,
    pub routes_none: String,
    /// The word that joins the last two items of a list.
    pub and: String,
}

/// When there are too few answers to indicate anything.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NeedsAnswers {
    pub outcome: String,
    pub min_answered: usize,
    /// If every one of these is unanswered, no indication is given either.
    pub core: Vec<String>,
}

/// What the check says when the tests leave no outcome that the answers clearly support.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fallback {
    pub outcome: String,
    pub fact: String,
    pub reason: String,
    #[serde(default)]
    pub basis: Vec<String>,
    #[serde(default)]
    pub see: Vec<String>,
    #[serde(default)]
    pub cards: Vec<String>,
}

/// One legal test, in the order the check applies them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Test {
    pub id: String,
    pub title: String,
    /// The test as a question ("Ska organisationen leverera en bestämd tjänst mot betalning?").
    pub question: String,
    pub explain: String,
    #[serde(default)]
    pub basis: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    /// The test this question belongs to (for the form's grouping and the path).
    pub test: String,
    pub text: String,
    #[serde(default)]
    pub help: String,
    pub options: Vec<AnswerOption>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnswerOption {
    pub value: String,
    pub label: String,
    /// The version of the questions in which this value got its present meaning; a shared link
    /// of an older version that uses it gets `changed_note` and the form instead of a verdict.
    #[serde(default)]
    pub changed_in: Option<u32>,
    #[serde(default)]
    pub changed_note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    pub id: String,
    pub title: String,
    /// The opening of the summary; it states nothing about the answers.
    pub summary: String,
    /// Outcomes of one family (`kop`) count as the same decision when the check asks whether an
    /// unknown answer could change the outcome.
    #[serde(default)]
    pub family: Option<String>,
    /// When this outcome is decided and a reserved-procurement route is open, that outcome is given.
    #[serde(default)]
    pub route_open: Option<String>,
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

/// Question id → the values that satisfy it; all must hold.
pub type Conditions = BTreeMap<String, OneOrMany>;

/// What one combination of answers establishes within a test.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub test: String,
    pub when: Conditions,
    /// The outcome this finding decides, unless an earlier test has decided already.
    #[serde(default)]
    pub decides: Option<String>,
    /// Any of these, when they hold, keep the finding from deciding (it still excludes).
    #[serde(default)]
    pub decides_unless: Vec<Conditions>,
    /// Outcomes this finding rules out, whatever else the answers say.
    #[serde(default)]
    pub excludes: Vec<String>,
    /// The highest certainty while this finding holds (`medel` or `låg`).
    #[serde(default)]
    pub cap: Option<String>,
    /// Points in the weighing.
    #[serde(default)]
    pub points: BTreeMap<String, i32>,
    #[serde(default, rename = "for")]
    pub for_: Vec<String>,
    #[serde(default)]
    pub against: Vec<String>,
    /// Shown under "oklart – ta reda på".
    #[serde(default)]
    pub unclear: bool,
    /// The answer as a clause, for the summary.
    pub fact: String,
    pub reason: String,
    #[serde(default)]
    pub basis: Vec<String>,
    #[serde(default)]
    pub see: Vec<String>,
    #[serde(default)]
    pub cards: Vec<String>,
}

/// A way to reserve a procurement, with its statutory conditions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Route {
    pub id: String,
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub basis: Vec<String>,
    #[serde(default)]
    pub see: Vec<String>,
    #[serde(default)]
    pub cards: Vec<String>,
    /// The highest certainty when the outcome rests on this route alone, unless `cap_unless` holds.
    #[serde(default)]
    pub cap: Option<String>,
    #[serde(default)]
    pub cap_unless: Vec<Conditions>,
    pub condition: Vec<RouteCondition>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RouteCondition {
    pub text: String,
    /// The condition holds when any of these holds.
    #[serde(default)]
    pub holds: Vec<Conditions>,
    /// The condition fails when any of these holds (before `holds`).
    #[serde(default)]
    pub fails: Vec<Conditions>,
    /// The law leaves it unclear when any of these holds.
    #[serde(default)]
    pub unclear: Vec<Conditions>,
}

/// Answers: question id → option value.
pub type Answers = BTreeMap<String, String>;

/// How a set of answers from a shared link fits the present questions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkCheck {
    /// Notes for answers whose meaning has changed since the link was made, or that no longer exist.
    pub notes: Vec<String>,
}

impl LinkCheck {
    /// True when the answers can be evaluated as they are.
    pub fn fits(&self) -> bool {
        self.notes.is_empty()
    }
}

impl Rules {
    pub fn parse(text: &str) -> Result<Rules, String> {
        let v = crate::ingest::frontmatter::parse_toml_value(text)?;
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.question.iter().find(|q| q.id == id)
    }

    pub fn outcome(&self, id: &str) -> Option<&Outcome> {
        self.outcome.iter().find(|o| o.id == id)
    }

    /// Keeps only answers that name a question and one of its options. "vet-ej" is kept (it is
    /// an answer: the user does not know) but never satisfies a condition other than "vet-ej".
    pub fn clean(&self, raw: &Answers) -> Answers {
        raw.iter()
            .filter(|(q, v)| {
                self.question(q)
                    .is_some_and(|qq| qq.options.iter().any(|o| &o.value == *v))
            })
            .map(|(q, v)| (q.clone(), v.clone()))
            .collect()
    }

    /// The answers of `raw` that name no question or no option of it, as `question=value`.
    pub fn ignored(&self, raw: &Answers) -> Vec<String> {
        raw.iter()
            .filter(|(q, v)| {
                !self
                    .question(q)
                    .is_some_and(|qq| qq.options.iter().any(|o| &o.value == *v))
            })
            .map(|(q, v)| format!("{q}={v}"))
            .collect()
    }

    /// Checks the answers of a shared link made with the questions of version `link_version`
    /// (`None`: a link older than versioned links, i.e. version 1).
    pub fn check_link(&self, raw: &Answers, link_version: Option<u32>) -> LinkCheck {
        let version = link_version.unwrap_or(1);
        let mut notes = Vec::new();
        for (q, v) in raw {
            let Some(question) = self.question(q) else {
                continue;
            };
            match question.options.iter().find(|o| &o.value == v) {
                None => notes.push(format!(
                    "Svaret \"{v}\" på frågan \"{}\" finns inte längre. Välj ett av de nuvarande svaren.",
                    question.text
                )),
                Some(o) => {
                    if let (Some(changed), Some(note)) = (o.changed_in, &o.changed_note)
                        && version < changed
                    {
                        notes.push(note.clone());
                    }
                }
            }
        }
        LinkCheck { notes }
    }

    /// Evaluates answers into a verdict.
    pub fn evaluate(&self, raw: &Answers) -> Verdict {
        evaluate::evaluate(self, raw)
    }

    /// The outcome id and certainty [`Rules::evaluate`] would give, without assembling its texts.
    pub fn indicate(&self, raw: &Answers) -> (String, &'static str) {
        evaluate::indicate(self, raw)
    }

    /// The outcome id [`Rules::evaluate`] would give, without the reasons, path and texts.
    pub fn outcome_of(&self, raw: &Answers) -> String {
        evaluate::outcome(self, raw)
    }

    /// Checks the rules for `vagvisare check`: ids, references between tests, questions, options,
    /// findings, outcomes and routes, the legal basis of every finding, and the links.
    pub fn validate(
        &self,
        doc_exists: &dyn Fn(&str, Option<&str>) -> bool,
        card_exists: &dyn Fn(&str) -> bool,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let outcome_known = |o: &str| self.outcome.iter().any(|oo| oo.id == o);
        let test_known = |t: &str| self.test.iter().any(|tt| tt.id == t);
        for t in &self.test {
            if !seen.insert(format!("t:{}", t.id)) {
                out.push(format!("duplicate test id `{}`", t.id));
            }
        }
        for q in &self.question {
            if !seen.insert(format!("q:{}", q.id)) {
                out.push(format!("duplicate question id `{}`", q.id));
            }
            if q.options.is_empty() {
                out.push(format!("question `{}` has no options", q.id));
            }
            if !test_known(&q.test) {
                out.push(format!("question `{}`: unknown test `{}`", q.id, q.test));
            }
        }
        for o in &self.outcome {
            if !seen.insert(format!("o:{}", o.id)) {
                out.push(format!("duplicate outcome id `{}`", o.id));
            }
            if let Some(r) = &o.route_open
                && !outcome_known(r)
            {
                out.push(format!("outcome `{}`: unknown outcome `{r}`", o.id));
            }
        }
        for o in self
            .weigh
            .iter()
            .chain([&self.fallback.outcome, &self.needs_answers.outcome])
        {
            if !outcome_known(o) {
                out.push(format!("unknown outcome `{o}` in the settings"));
            }
        }
        let conditions = |owner: &str, c: &Conditions, out: &mut Vec<String>| {
            for (q, want) in c {
                match self.question(q) {
                    None => out.push(format!("{owner}: unknown question `{q}`")),
                    Some(qq) => {
                        for v in want.values() {
                            if !qq.options.iter().any(|o| o.value == v) {
                                out.push(format!("{owner}: question `{q}` has no option `{v}`"));
                            }
                        }
                    }
                }
            }
        };
        let links = |owner: &str, see: &[String], cards: &[String], out: &mut Vec<String>| {
            for link in see {
                let (p, a) = crate::document::split_link(link);
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
        links(
            "fallback",
            &self.fallback.see,
            &self.fallback.cards,
            &mut out,
        );
        for t in [&self.weighing, &self.routes_test] {
            if !test_known(t) {
                out.push(format!("unknown test `{t}` in the settings"));
            }
        }
        for q in &self.needs_answers.core {
            if self.question(q).is_none() {
                out.push(format!("needs_answers: unknown question `{q}`"));
            }
        }
        if self.finding.len() > evaluate::MAX_FINDINGS {
            out.push(format!(
                "{} findings; at most {} are supported",
                self.finding.len(),
                evaluate::MAX_FINDINGS
            ));
        }
        if self.outcome.len() > 64 {
            out.push("more than 64 outcomes".into());
        }
        for f in &self.finding {
            let owner = format!("finding `{}`", f.id);
            if !seen.insert(format!("f:{}", f.id)) {
                out.push(format!("duplicate finding id `{}`", f.id));
            }
            if !test_known(&f.test) {
                out.push(format!("{owner}: unknown test `{}`", f.test));
            }
            if f.when.is_empty() {
                out.push(format!("{owner}: empty `when`"));
            }
            conditions(&owner, &f.when, &mut out);
            for c in &f.decides_unless {
                conditions(&owner, c, &mut out);
            }
            for o in f
                .decides
                .iter()
                .chain(&f.excludes)
                .chain(f.points.keys())
                .chain(&f.for_)
                .chain(&f.against)
            {
                if !outcome_known(o) {
                    out.push(format!("{owner}: unknown outcome `{o}`"));
                }
            }
            if !f.points.is_empty() && f.test != self.weighing {
                out.push(format!(
                    "{owner}: points belong to the weighing test `{}`, not `{}`",
                    self.weighing, f.test
                ));
            }
            for o in f.points.keys() {
                if !self.weigh.contains(o) {
                    out.push(format!("{owner}: points for `{o}`, which is not weighed"));
                }
            }
            if let Some(c) = &f.cap
                && !["medel", "låg"].contains(&c.as_str())
            {
                out.push(format!("{owner}: cap must be `medel` or `låg`, not `{c}`"));
            }
            if f.basis.is_empty() {
                out.push(format!("{owner}: missing `basis`"));
            }
            links(&owner, &f.see, &f.cards, &mut out);
        }
        for r in &self.route {
            let owner = format!("route `{}`", r.id);
            if !seen.insert(format!("r:{}", r.id)) {
                out.push(format!("duplicate route id `{}`", r.id));
            }
            if r.condition.is_empty() {
                out.push(format!("{owner}: no conditions"));
            }
            if r.basis.is_empty() {
                out.push(format!("{owner}: missing `basis`"));
            }
            for c in &r.cap_unless {
                conditions(&owner, c, &mut out);
            }
            for c in &r.condition {
                if c.holds.is_empty() {
                    out.push(format!(
                        "{owner}: condition \"{}\" can never hold (no `holds`)",
                        c.text
                    ));
                }
                for cc in c.holds.iter().chain(&c.fails).chain(&c.unclear) {
                    conditions(&owner, cc, &mut out);
                }
            }
            links(&owner, &r.see, &r.cards, &mut out);
        }
        out
    }
}
