//! Answers → [`Verdict`]. The rules are compiled once into indices and bit masks (a question's
//! answer is a small number, a condition a mask of the values that satisfy it), because a verdict
//! asks the tests again for every unknown answer: would knowing it change the outcome? That is
//! what "deciding" means here, and only a verdict whose deciding questions are all answered can
//! be given with certainty "hög".

use super::{Answers, Conditions, Rules, UNKNOWN};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

mod explain;

/// A question left unanswered.
const MISSING: u8 = u8::MAX;

/// The most findings a rule set may have (checked by `validate`).
pub(super) const MAX_FINDINGS: usize = 256;

/// Certainty levels, lowest first.
const CERTAINTY: [&str; 3] = ["låg", "medel", "hög"];

/// The indication for a set of answers, with its reasons, the routes of reserved procurement and
/// the path through the legal tests (`POST /api/iop`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct Verdict {
    /// The outcome id (`iop-mojligt`, `bidrag`, `upphandling`, `reserverad-upphandling`,
    /// `juridisk-granskning`, `behover-svar`).
    pub outcome: String,
    pub title: String,
    /// Built from the outcome's opening and the facts of the findings that hold.
    pub summary: String,
    /// `hög`, `medel` or `låg`.
    pub certainty: String,
    /// Questions answered with something other than "vet inte".
    pub answered: usize,
    pub questions: usize,
    /// The test that decided the outcome (`null` for `behover-svar`).
    #[schema(required = true)]
    pub deciding_test: Option<String>,
    /// The finding that decided it, first among the reasons as well.
    #[schema(required = true)]
    pub deciding: Option<Reason>,
    /// Every reason, decisive first, each in its group.
    pub reasons: Vec<Reason>,
    /// Reserved-procurement routes that are open or possible on these answers (closed ones are
    /// not named).
    pub routes: Vec<RouteView>,
    /// The tests in order with the answers given at each.
    pub path: Vec<PathStep>,
    /// Unknown answers that would change the outcome: "det här avgör utfallet – ta reda på det först".
    pub to_find_out: Vec<Unknown>,
    /// Texts of the questions answered "vet inte" or not at all.
    pub unanswered: Vec<String>,
    /// Answers that name no question or option (`question=value`), left out.
    pub ignored: Vec<String>,
    /// The weighing's points, when the weighing was reached.
    pub scores: BTreeMap<String, i32>,
    pub see: Vec<String>,
    pub cards: Vec<String>,
}

/// Which way a reason points: `for` the indication, `against` it, or `unclear`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// Talar för indikationen.
    For,
    /// Talar emot den (pekar åt ett annat håll).
    Against,
    /// Oklart – ta reda på.
    Unclear,
}

/// A finding that holds on the answers, with its legal basis.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct Reason {
    /// The finding's id.
    pub rule: String,
    pub test: String,
    pub group: Group,
    /// True for the finding that decided the outcome.
    pub decisive: bool,
    pub text: String,
    pub basis: Vec<String>,
    pub see: Vec<String>,
    pub cards: Vec<String>,
}

/// Whether a route of reserved procurement is `open`, `possible` or `closed` on the answers.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RouteStatus {
    /// Every condition holds on the answers.
    Open,
    /// No condition fails, but some are unknown or legally unclear.
    Possible,
    Closed,
}

/// A route of reserved procurement and how its conditions stand.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct RouteView {
    pub id: String,
    pub title: String,
    pub status: RouteStatus,
    pub summary: String,
    pub notes: Vec<String>,
    /// Each condition as `[text, state]`, the state `uppfyllt`, `ej-uppfyllt`, `oklart` (the
    /// law) or `okant` (the answers).
    pub conditions: Vec<(String, String)>,
    pub basis: Vec<String>,
    pub see: Vec<String>,
    pub cards: Vec<String>,
}

/// What a legal test did on the way to the outcome.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    /// This test decided the outcome.
    Avgor,
    /// This test ruled outcomes out without deciding.
    Utesluter,
    /// An unknown answer here would change the outcome.
    Oklart,
    /// Passed without a bar.
    Klar,
    /// Not needed: an earlier test decided.
    EjProvad,
}

impl StepStatus {
    /// The name the JSON and the pages use (`avgor`, `utesluter`, `oklart`, `klar`, `ej-provad`).
    pub fn code(self) -> &'static str {
        match self {
            StepStatus::Avgor => "avgor",
            StepStatus::Utesluter => "utesluter",
            StepStatus::Oklart => "oklart",
            StepStatus::Klar => "klar",
            StepStatus::EjProvad => "ej-provad",
        }
    }
}

/// One legal test on the path, in order, with the answers given at it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct PathStep {
    pub test: String,
    pub title: String,
    pub question: String,
    pub status: StepStatus,
    /// What the test came to, in a sentence.
    pub result: String,
    pub answers: Vec<PathAnswer>,
}

/// A question of a test and the answer given to it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct PathAnswer {
    pub question: String,
    pub text: String,
    /// The option's label; `null` when unanswered.
    #[schema(required = true)]
    pub answer: Option<String>,
    /// `besvarad`, `vet-ej` or `obesvarad`.
    pub state: String,
}

/// A question answered "vet inte" (or not at all) whose answer would change the outcome.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct Unknown {
    pub question: String,
    pub text: String,
}

/// The rules as indices and masks.
#[derive(Debug, Clone)]
pub(super) struct Compiled {
    /// Question id → index.
    questions: HashMap<String, usize>,
    /// Per question: the option index of "vet-ej", if it has one.
    unknown: Vec<Option<u8>>,
    /// Per question: number of options.
    options: Vec<u8>,
    /// Per question: the index of its test.
    question_test: Vec<usize>,
    /// Per question: does any finding look at it? (Route questions never change the outcome family.)
    in_tests: Vec<bool>,
    /// Findings in test order (index into `rules.finding`).
    findings: Vec<CFinding>,
    routes: Vec<CRoute>,
    /// Outcome index of each outcome's family representative.
    family: Vec<usize>,
    weigh: Vec<usize>,
    fallback: usize,
    needs_answers: usize,
    core: Vec<usize>,
    /// Per outcome: the outcome to give when a route is open.
    route_open: Vec<Option<usize>>,
}

type Mask = Vec<(usize, u64)>;

#[derive(Debug, Clone)]
struct CFinding {
    index: usize,
    test: usize,
    when: Mask,
    decides: Option<usize>,
    decides_unless: Vec<Mask>,
    excludes: u64,
    cap: Option<usize>,
    points: Vec<(usize, i32)>,
}

#[derive(Debug, Clone)]
struct CRoute {
    cap: Option<usize>,
    cap_unless: Vec<Mask>,
    conditions: Vec<CCondition>,
}

#[derive(Debug, Clone)]
struct CCondition {
    holds: Vec<Mask>,
    fails: Vec<Mask>,
    unclear: Vec<Mask>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CondState {
    Holds,
    Fails,
    Unclear,
    Unknown,
}

/// What the tests conclude for one set of answers.
#[derive(Debug, Clone)]
struct Decision {
    outcome: usize,
    /// Index into `Compiled::findings`, or `None` when the fallback or the weighing decided.
    deciding: Option<usize>,
    /// The deciding test's index (the weighing's when the weighing or the fallback decided).
    deciding_test: usize,
    /// Indices into `Compiled::findings` of the findings that hold.
    fired: Vec<usize>,
    scores: Vec<i32>,
    /// The weighing decided with less than the clear margin.
    close: bool,
    /// The fallback decided.
    fell_back: bool,
}

impl Compiled {
    fn new(rules: &Rules) -> Compiled {
        let questions: HashMap<String, usize> = rules
            .question
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id.clone(), i))
            .collect();
        let test_index = |t: &str| rules.test.iter().position(|tt| tt.id == t);
        let outcome_index = |o: &str| rules.outcome.iter().position(|oo| oo.id == o);
        let mask = |c: &Conditions| -> Mask {
            c.iter()
                .map(|(q, want)| {
                    let Some(&qi) = questions.get(q) else {
                        // An unknown question never matches (validation reports it).
                        return (usize::MAX, 0);
                    };
                    let mut m = 0u64;
                    for v in want.values() {
                        if let Some(o) =
                            rules.question[qi].options.iter().position(|o| o.value == v)
                            && o < 64
                        {
                            m |= 1 << o;
                        }
                    }
                    (qi, m)
                })
                .collect()
        };
        let outcome_mask = |list: &[String]| {
            list.iter()
                .filter_map(|o| outcome_index(o))
                .fold(0u64, |m, i| m | (1 << i))
        };
        let cap = |c: &Option<String>| {
            c.as_deref()
                .and_then(|c| CERTAINTY.iter().position(|x| *x == c))
        };
        let mut findings: Vec<CFinding> = rules
            .finding
            .iter()
            .enumerate()
            .map(|(i, f)| CFinding {
                index: i,
                test: test_index(&f.test).unwrap_or(usize::MAX),
                when: mask(&f.when),
                decides: f.decides.as_deref().and_then(outcome_index),
                decides_unless: f.decides_unless.iter().map(&mask).collect(),
                excludes: outcome_mask(&f.excludes),
                cap: cap(&f.cap),
                points: f
                    .points
                    .iter()
                    .filter_map(|(o, p)| outcome_index(o).map(|i| (i, *p)))
                    .collect(),
            })
            .collect();
        findings.sort_by_key(|f| (f.test, f.index));
        let mut in_tests = vec![false; rules.question.len()];
        for f in &findings {
            for m in std::iter::once(&f.when).chain(&f.decides_unless) {
                for &(q, _) in m {
                    if let Some(x) = in_tests.get_mut(q) {
                        *x = true;
                    }
                }
            }
        }
        let routes = rules
            .route
            .iter()
            .map(|r| CRoute {
                cap: cap(&r.cap),
                cap_unless: r.cap_unless.iter().map(&mask).collect(),
                conditions: r
                    .condition
                    .iter()
                    .map(|c| CCondition {
                        holds: c.holds.iter().map(&mask).collect(),
                        fails: c.fails.iter().map(&mask).collect(),
                        unclear: c.unclear.iter().map(&mask).collect(),
                    })
                    .collect(),
            })
            .collect();
        let family = rules
            .outcome
            .iter()
            .enumerate()
            .map(|(i, o)| match &o.family {
                Some(f) => rules
                    .outcome
                    .iter()
                    .position(|oo| oo.family.as_ref() == Some(f))
                    .unwrap_or(i),
                None => i,
            })
            .collect();
        Compiled {
            unknown: rules
                .question
                .iter()
                .map(|q| {
                    q.options
                        .iter()
                        .position(|o| o.value == UNKNOWN)
                        .map(|p| p as u8)
                })
                .collect(),
            options: rules
                .question
                .iter()
                .map(|q| q.options.len().min(63) as u8)
                .collect(),
            question_test: rules
                .question
                .iter()
                .map(|q| test_index(&q.test).unwrap_or(usize::MAX))
                .collect(),
            findings,
            in_tests,
            routes,
            family,
            weigh: rules
                .weigh
                .iter()
                .filter_map(|o| outcome_index(o))
                .collect(),
            fallback: outcome_index(&rules.fallback.outcome).unwrap_or(0),
            needs_answers: outcome_index(&rules.needs_answers.outcome).unwrap_or(0),
            core: rules
                .needs_answers
                .core
                .iter()
                .filter_map(|q| questions.get(q).copied())
                .collect(),
            route_open: rules
                .outcome
                .iter()
                .map(|o| o.route_open.as_deref().and_then(outcome_index))
                .collect(),
            questions,
        }
    }

    /// The answers as option indices (unanswered: [`MISSING`]); answers that name no question or
    /// option are left out.
    fn encode(&self, rules: &Rules, answers: &Answers) -> Vec<u8> {
        let mut out = vec![MISSING; rules.question.len()];
        for (q, v) in answers {
            if let Some(&qi) = self.questions.get(q)
                && let Some(o) = rules.question[qi]
                    .options
                    .iter()
                    .position(|o| &o.value == v)
            {
                out[qi] = o as u8;
            }
        }
        out
    }

    /// Do the answers satisfy every (question, mask) pair? An unanswered question counts as
    /// "vet-ej". Plain loops: this runs some thousand times per verdict.
    fn matches(&self, answers: &[u8], m: &Mask) -> bool {
        for &(q, mask) in m {
            if q >= answers.len() {
                return false;
            }
            let mut a = answers[q];
            if a == MISSING {
                match self.unknown[q] {
                    Some(u) => a = u,
                    None => return false,
                }
            }
            if mask & (1 << a) == 0 {
                return false;
            }
        }
        true
    }

    fn decide(&self, answers: &[u8], weighing_test: usize, clear_margin: i32) -> Decision {
        let mut fired = Vec::new();
        let mut excluded = 0u64;
        let mut scores = vec![0i32; self.family.len()];
        for (i, f) in self.findings.iter().enumerate() {
            if !self.matches(answers, &f.when) {
                continue;
            }
            fired.push(i);
            excluded |= f.excludes;
            for &(o, p) in &f.points {
                scores[o] += p;
            }
        }
        // The first finding, in test order, that decides an outcome no finding has excluded.
        let deciding = fired.iter().copied().find(|&i| {
            let f = &self.findings[i];
            f.decides.is_some_and(|o| excluded & (1 << o) == 0)
                && !f.decides_unless.iter().any(|m| self.matches(answers, m))
        });
        if let Some(i) = deciding {
            let f = &self.findings[i];
            return Decision {
                outcome: f.decides.unwrap_or(self.fallback),
                deciding: Some(i),
                deciding_test: f.test,
                fired,
                scores,
                close: false,
                fell_back: false,
            };
        }
        // The weighing: only outcomes still open, only with points above zero.
        let mut ranked: Vec<(usize, i32)> = self
            .weigh
            .iter()
            .filter(|&&o| excluded & (1 << o) == 0)
            .map(|&o| (o, scores[o]))
            .collect();
        ranked.sort_by_key(|&(_, s)| std::cmp::Reverse(s));
        let (outcome, close, fell_back) = match ranked.as_slice() {
            [(best, s), rest @ ..] if *s > 0 => {
                let second = rest.first().map_or(0, |&(_, s2)| s2.max(0));
                if *s == second {
                    (self.fallback, true, true)
                } else {
                    (*best, s - second < clear_margin, false)
                }
            }
            _ => (self.fallback, false, true),
        };
        Decision {
            outcome,
            deciding: None,
            deciding_test: weighing_test,
            fired,
            scores,
            close,
            fell_back,
        }
    }

    /// The outcome family alone, without allocating: what the check asks again and again when
    /// it tries every value of an unknown answer. Same tests as [`Compiled::decide`].
    fn family_of(&self, answers: &[u8]) -> usize {
        let mut excluded = 0u64;
        let mut scores = [0i32; 64];
        let mut held = [false; MAX_FINDINGS];
        for (i, f) in self.findings.iter().enumerate().take(MAX_FINDINGS) {
            if self.matches(answers, &f.when) {
                held[i] = true;
                excluded |= f.excludes;
                for &(o, p) in &f.points {
                    scores[o] += p;
                }
            }
        }
        let mut outcome = None;
        for (i, f) in self.findings.iter().enumerate().take(MAX_FINDINGS) {
            if let Some(o) = f.decides
                && held[i]
                && excluded & (1 << o) == 0
                && !f.decides_unless.iter().any(|m| self.matches(answers, m))
            {
                outcome = Some(o);
                break;
            }
        }
        let outcome = outcome.unwrap_or_else(|| {
            let mut best: Option<(usize, i32)> = None;
            let mut second = 0;
            for &o in &self.weigh {
                if excluded & (1 << o) != 0 {
                    continue;
                }
                let s = scores[o];
                match best {
                    Some((_, b)) if s <= b => second = second.max(s),
                    Some((_, b)) => {
                        second = second.max(b);
                        best = Some((o, s));
                    }
                    None => best = Some((o, s)),
                }
            }
            match best {
                Some((o, s)) if s > 0 && s != second.max(0) => o,
                _ => self.fallback,
            }
        });
        self.family.get(outcome).copied().unwrap_or(outcome)
    }

    fn condition_state(&self, answers: &[u8], c: &CCondition) -> CondState {
        if c.fails.iter().any(|m| self.matches(answers, m)) {
            CondState::Fails
        } else if c.holds.iter().any(|m| self.matches(answers, m)) {
            CondState::Holds
        } else if c.unclear.iter().any(|m| self.matches(answers, m)) {
            CondState::Unclear
        } else {
            CondState::Unknown
        }
    }

    fn route_states(&self, answers: &[u8]) -> Vec<(RouteStatus, Vec<CondState>)> {
        self.routes
            .iter()
            .map(|r| {
                let states: Vec<CondState> = r
                    .conditions
                    .iter()
                    .map(|c| self.condition_state(answers, c))
                    .collect();
                let status = if states.contains(&CondState::Fails) {
                    RouteStatus::Closed
                } else if states.iter().all(|s| *s == CondState::Holds) {
                    RouteStatus::Open
                } else {
                    RouteStatus::Possible
                };
                (status, states)
            })
            .collect()
    }
}

/// The state of a route condition as shown to users and in the JSON.
fn state_name(s: CondState) -> &'static str {
    match s {
        CondState::Holds => "uppfyllt",
        CondState::Fails => "ej-uppfyllt",
        CondState::Unclear => "oklart",
        CondState::Unknown => "okant",
    }
}

/// "a, b och c".
fn join_list(items: &[String], and: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Outcome and certainty, before any text is assembled.
struct Assessment {
    answers: Vec<u8>,
    needs: bool,
    d: Decision,
    route_states: Vec<(RouteStatus, Vec<CondState>)>,
    outcome: usize,
    deciding_unknown: Vec<usize>,
    level: usize,
    routes_test: usize,
}

fn assess(rules: &Rules, c: &Compiled, raw: &Answers) -> Assessment {
    let answers = c.encode(rules, raw);
    let test_of = |id: &str| rules.test.iter().position(|t| t.id == id);
    let weighing_test = test_of(&rules.weighing).unwrap_or(usize::MAX);
    let routes_test = test_of(&rules.routes_test).unwrap_or(usize::MAX);
    let is_unknown = |q: usize| answers[q] == MISSING || Some(answers[q]) == c.unknown[q];
    let given = answers.iter().filter(|a| **a != MISSING).count();
    let needs = given < rules.needs_answers.min_answered
        || (!c.core.is_empty() && c.core.iter().all(|&q| answers[q] == MISSING));

    let d = c.decide(&answers, weighing_test, rules.clear_margin);
    let route_states = c.route_states(&answers);
    let any_open = route_states.iter().any(|(s, _)| *s == RouteStatus::Open);
    let mut outcome = if needs { c.needs_answers } else { d.outcome };
    let mut via_route = false;
    if !needs
        && any_open
        && let Some(Some(r)) = c.route_open.get(outcome)
    {
        outcome = *r;
        via_route = true;
    }
    let family = |o: usize| c.family.get(o).copied().unwrap_or(o);

    // Unknown answers that would change the outcome.
    let mut deciding_unknown: Vec<usize> = Vec::new();
    if needs {
        deciding_unknown = (0..answers.len())
            .filter(|&q| c.question_test[q] < weighing_test && is_unknown(q))
            .collect();
    } else {
        let base = family(d.outcome);
        let mut variant = answers.clone();
        for q in (0..answers.len()).filter(|&q| c.in_tests[q] && is_unknown(q)) {
            for o in 0..c.options[q] {
                if Some(o) == c.unknown[q] {
                    continue;
                }
                variant[q] = o;
                if c.family_of(&variant) != base {
                    deciding_unknown.push(q);
                    break;
                }
            }
            variant[q] = answers[q];
        }
    }

    // Certainty.
    let mut level = CERTAINTY.len() - 1;
    for &i in &d.fired {
        let f = &c.findings[i];
        if f.test <= d.deciding_test
            && let Some(cap) = f.cap
        {
            level = level.min(cap);
        }
    }
    if d.close {
        level = level.min(1);
    }
    if via_route {
        // The outcome rests on the open routes; if each of them carries a cap, the lowest applies.
        let caps: Vec<Option<usize>> = route_states
            .iter()
            .zip(&c.routes)
            .filter(|((s, _), _)| *s == RouteStatus::Open)
            .map(|(_, r)| {
                r.cap
                    .filter(|_| !r.cap_unless.iter().any(|m| c.matches(&answers, m)))
            })
            .collect();
        if caps.iter().all(Option::is_some)
            && let Some(cap) = caps.iter().flatten().min()
        {
            level = level.min(*cap);
        }
    } else if !needs
        && c.route_open.get(outcome).is_some_and(Option::is_some)
        && route_states
            .iter()
            .any(|(s, _)| *s == RouteStatus::Possible)
    {
        // A purchase where a reserved route may yet open.
        level = level.min(1);
    }
    if needs || !deciding_unknown.is_empty() {
        level = 0;
    }
    Assessment {
        answers,
        needs,
        d,
        route_states,
        outcome,
        deciding_unknown,
        level,
        routes_test,
    }
}

/// Outcome id and certainty, as [`evaluate`] gives them.
pub(super) fn indicate(rules: &Rules, raw: &Answers) -> (String, &'static str) {
    let c = rules.compiled.get_or_init(|| Compiled::new(rules));
    let a = assess(rules, c, raw);
    (
        rules
            .outcome
            .get(a.outcome)
            .map(|o| o.id.clone())
            .unwrap_or_default(),
        CERTAINTY[a.level],
    )
}

/// The verdict with its reasons, routes and path (see [`explain`]).
pub(super) fn evaluate(rules: &Rules, raw: &Answers) -> Verdict {
    let c = rules.compiled.get_or_init(|| Compiled::new(rules));
    let a = assess(rules, c, raw);
    explain::Explain { rules, c, a }.verdict(raw)
}

/// The outcome id alone (with the reserved-procurement routes applied), for callers that need
/// no reasons: the same decision as [`evaluate`] gives.
pub(super) fn outcome(rules: &Rules, raw: &Answers) -> String {
    let c = rules.compiled.get_or_init(|| Compiled::new(rules));
    let answers = c.encode(rules, raw);
    let given = answers.iter().filter(|a| **a != MISSING).count();
    let needs = given < rules.needs_answers.min_answered
        || (!c.core.is_empty() && c.core.iter().all(|&q| answers[q] == MISSING));
    let weighing_test = rules
        .test
        .iter()
        .position(|t| t.id == rules.weighing)
        .unwrap_or(usize::MAX);
    let mut o = if needs {
        c.needs_answers
    } else {
        c.decide(&answers, weighing_test, rules.clear_margin)
            .outcome
    };
    if !needs
        && let Some(Some(r)) = c.route_open.get(o)
        && c.route_states(&answers)
            .iter()
            .any(|(s, _)| *s == RouteStatus::Open)
    {
        o = *r;
    }
    rules
        .outcome
        .get(o)
        .map(|x| x.id.clone())
        .unwrap_or_default()
}
