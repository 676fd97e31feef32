//! The verdict of the IOP check in words: from an [`Assessment`] (which outcome, how certain,
//! which tests and routes came to what) to the reasons grouped relative to the outcome, the
//! summary, the reserved-procurement routes worth naming and the path through the tests. The
//! decision is made in the parent module; this only explains it.

use super::{
    Assessment, CERTAINTY, CFinding, Compiled, Group, MISSING, PathAnswer, PathStep, Reason,
    RouteStatus, RouteView, StepStatus, Unknown, Verdict, capitalise, join_list, state_name,
};
use crate::curated::iop::{Answers, Rules};
use std::collections::BTreeMap;

/// A decision being explained.
pub(super) struct Explain<'a> {
    pub rules: &'a Rules,
    pub c: &'a Compiled,
    pub a: Assessment,
}

impl Explain<'_> {
    /// The verdict for the answers `raw` that were assessed.
    pub fn verdict(&self, raw: &Answers) -> Verdict {
        let (reasons, weighed_facts) = self.reasons();
        let summary = self.summary(&reasons, &weighed_facts);
        let routes = self.routes();
        let path = self.path();
        let (rules, c) = (self.rules, self.c);
        let Assessment {
            answers,
            needs,
            d,
            outcome,
            deciding_unknown,
            level,
            ..
        } = &self.a;
        let (needs, level) = (*needs, *level);
        let out = rules.outcome.get(*outcome);
        let is_unknown = |q: usize| answers[q] == MISSING || Some(answers[q]) == c.unknown[q];
        let question_view = |q: usize| Unknown {
            question: rules.question[q].id.clone(),
            text: rules.question[q].text.clone(),
        };
        let scores = if d.deciding.is_none() && !needs {
            c.weigh
                .iter()
                .map(|&o| (rules.outcome[o].id.clone(), d.scores[o]))
                .collect()
        } else {
            BTreeMap::new()
        };
        Verdict {
            outcome: out.map(|o| o.id.clone()).unwrap_or_default(),
            title: out.map(|o| o.title.clone()).unwrap_or_default(),
            summary,
            certainty: CERTAINTY[level].into(),
            answered: (0..answers.len())
                .filter(|&q| answers[q] != MISSING && Some(answers[q]) != c.unknown[q])
                .count(),
            questions: rules.question.len(),
            deciding_test: (!needs)
                .then(|| rules.test.get(d.deciding_test).map(|t| t.id.clone()))
                .flatten(),
            deciding: reasons.iter().find(|r| r.decisive).cloned(),
            reasons,
            routes,
            path,
            to_find_out: deciding_unknown.iter().map(|&q| question_view(q)).collect(),
            unanswered: (0..answers.len())
                .filter(|&q| is_unknown(q))
                .map(|q| rules.question[q].text.clone())
                .collect(),
            ignored: rules.ignored(raw),
            scores,
            see: out.map(|o| o.see.clone()).unwrap_or_default(),
            cards: out.map(|o| o.cards.clone()).unwrap_or_default(),
        }
    }

    /// The outcome's family (an outcome and its variants, e.g. procurement and reserved
    /// procurement).
    fn family(&self, o: usize) -> usize {
        self.c.family.get(o).copied().unwrap_or(o)
    }

    /// The reasons grouped relative to the outcome, the decisive one first, and the facts that
    /// weighed most when the weighing decided.
    fn reasons(&self) -> (Vec<Reason>, Vec<String>) {
        let (rules, c) = (self.rules, self.c);
        let Assessment {
            needs, d, outcome, ..
        } = &self.a;
        let (needs, outcome) = (*needs, *outcome);
        let family = |o: usize| self.family(o);
        let ph = &rules.phrases;
        let o_family = family(outcome);
        let in_family = |ids: &[String]| {
            ids.iter().any(|id| {
                rules
                    .outcome
                    .iter()
                    .position(|o| &o.id == id)
                    .is_some_and(|i| family(i) == o_family)
            })
        };
        let iop = rules.weigh.first().cloned().unwrap_or_default();
        let mut reasons: Vec<Reason> = Vec::new();
        if d.fell_back && !needs {
            reasons.push(Reason {
                rule: "fallback".into(),
                test: rules.weighing.clone(),
                group: Group::For,
                decisive: true,
                text: rules.fallback.reason.clone(),
                basis: rules.fallback.basis.clone(),
                see: rules.fallback.see.clone(),
                cards: rules.fallback.cards.clone(),
            });
        }
        for &i in &d.fired {
            let f = &c.findings[i];
            let rf = &rules.finding[f.index];
            let decisive = !needs && Some(i) == d.deciding;
            let group = if needs {
                // No indication yet: relative to the question the check asks, "does IOP fit?".
                if rf.unclear {
                    Group::Unclear
                } else if rf.for_.contains(&iop) {
                    Group::For
                } else if rf.against.contains(&iop) || rf.excludes.contains(&iop) {
                    Group::Against
                } else {
                    Group::For
                }
            } else if decisive {
                Group::For
            } else if rf.unclear {
                Group::Unclear
            } else if in_family(&rf.for_) {
                Group::For
            } else if in_family(&rf.against) || !rf.for_.is_empty() {
                // Pointing elsewhere; a mere confirmation ("organisationen är idéburen") that carries
                // no weight and rules nothing out is not worth listing against the outcome.
                if rf.points.is_empty()
                    && rf.excludes.is_empty()
                    && rf.decides.is_none()
                    && !in_family(&rf.against)
                {
                    continue;
                }
                Group::Against
            } else {
                Group::For
            };
            // After the deciding test, only what pointed elsewhere is worth showing.
            if !needs && f.test > d.deciding_test && group != Group::Against {
                continue;
            }
            reasons.push(Reason {
                rule: rf.id.clone(),
                test: rf.test.clone(),
                group,
                decisive,
                text: rf.reason.clone(),
                basis: rf.basis.clone(),
                see: rf.see.clone(),
                cards: rf.cards.clone(),
            });
        }
        // When the weighing decided, what weighed most is the decisive reason.
        let weighed_facts: Vec<String> = if !needs && d.deciding.is_none() && !d.fell_back {
            let mut heavy: Vec<(i32, usize, &crate::curated::iop::Finding)> = d
                .fired
                .iter()
                .map(|&i| &rules.finding[c.findings[i].index])
                .filter_map(|f| {
                    let p = f
                        .points
                        .iter()
                        .find(|(o, _)| rules.outcome.get(outcome).is_some_and(|x| &x.id == *o))
                        .map(|(_, p)| *p)?;
                    (p > 0).then_some((p, f.fact.len(), f))
                })
                .collect();
            heavy.sort_by_key(|(p, _, _)| std::cmp::Reverse(*p));
            heavy
                .iter()
                .take(4)
                .map(|(_, _, f)| f.fact.clone())
                .collect()
        } else {
            Vec::new()
        };
        if !weighed_facts.is_empty() {
            let test = rules.test.iter().find(|t| t.id == rules.weighing);
            reasons.push(Reason {
                rule: rules.weighing.clone(),
                test: rules.weighing.clone(),
                group: Group::For,
                decisive: true,
                text: ph
                    .weighed
                    .replace("{facts}", &join_list(&weighed_facts, &ph.and)),
                basis: test.map(|t| t.basis.clone()).unwrap_or_default(),
                see: Vec::new(),
                cards: Vec::new(),
            });
        }
        reasons.sort_by_key(|r| {
            (
                !r.decisive,
                match r.group {
                    Group::For => 0,
                    Group::Against => 1,
                    Group::Unclear => 2,
                },
            )
        });
        (reasons, weighed_facts)
    }

    /// The outcome's opening, then the facts that hold: the decisive one, what weighed most, and
    /// what else speaks for the outcome (the findings that carry weight first), five at most.
    fn summary(&self, reasons: &[Reason], weighed_facts: &[String]) -> String {
        let (rules, c) = (self.rules, self.c);
        let Assessment {
            needs, d, outcome, ..
        } = &self.a;
        let (needs, outcome) = (*needs, *outcome);
        let ph = &rules.phrases;
        let decisive_fact = if needs {
            None
        } else if d.fell_back {
            Some(rules.fallback.fact.clone())
        } else {
            d.deciding
                .map(|i| rules.finding[c.findings[i].index].fact.clone())
        };
        let mut facts: Vec<String> = decisive_fact.iter().cloned().collect();
        facts.extend(weighed_facts.iter().cloned());
        // Then what else speaks for the outcome, the findings that carry weight first.
        let mut supporting: Vec<&Reason> = reasons
            .iter()
            .filter(|r| r.group == Group::For && !r.decisive)
            .collect();
        supporting.sort_by_key(|r| {
            rules
                .finding
                .iter()
                .find(|f| f.id == r.rule)
                .is_none_or(|f| f.points.is_empty() && f.excludes.is_empty())
        });
        for r in supporting {
            if facts.len() >= 5 {
                break;
            }
            if let Some(f) = rules.finding.iter().find(|f| f.id == r.rule)
                && !facts.contains(&f.fact)
            {
                facts.push(f.fact.clone());
            }
        }
        let out = rules.outcome.get(outcome);
        let mut summary = out.map(|o| o.summary.clone()).unwrap_or_default();
        if !facts.is_empty() && !needs {
            summary.push(' ');
            summary.push_str(
                &ph.summary_facts
                    .replace("{facts}", &join_list(&facts, &ph.and)),
            );
        }
        summary
    }

    /// The reserved-procurement routes that are not closed, with each condition's state.
    fn routes(&self) -> Vec<RouteView> {
        let rules = self.rules;
        let route_states = &self.a.route_states;
        let routes: Vec<RouteView> = rules
            .route
            .iter()
            .zip(route_states.iter())
            .filter(|(_, (s, _))| *s != RouteStatus::Closed)
            .map(|(r, (s, states))| RouteView {
                id: r.id.clone(),
                title: r.title.clone(),
                status: *s,
                summary: r.summary.clone(),
                notes: r.notes.clone(),
                conditions: r
                    .condition
                    .iter()
                    .zip(states)
                    .map(|(cond, st)| (cond.text.clone(), state_name(*st).to_string()))
                    .collect(),
                basis: r.basis.clone(),
                see: r.see.clone(),
                cards: r.cards.clone(),
            })
            .collect();
        routes
    }

    /// The path: each test with its answers and what it came to.
    fn path(&self) -> Vec<PathStep> {
        let (rules, c) = (self.rules, self.c);
        let Assessment {
            answers,
            needs,
            d,
            route_states,
            deciding_unknown,
            routes_test,
            ..
        } = &self.a;
        let (needs, routes_test) = (*needs, *routes_test);
        let ph = &rules.phrases;
        let outcome_titles = |mask: u64| {
            let titles: Vec<String> = rules
                .outcome
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, o)| o.title.clone())
                .collect();
            join_list(&titles, &ph.and)
        };
        let kop = c.route_open.get(d.outcome).is_some_and(Option::is_some) && !needs;
        let path: Vec<PathStep> = rules
            .test
            .iter()
            .enumerate()
            .map(|(ti, t)| {
                let answers_here: Vec<PathAnswer> = rules
                    .question
                    .iter()
                    .enumerate()
                    .filter(|(qi, _)| c.question_test[*qi] == ti)
                    .map(|(qi, q)| {
                        let a = answers[qi];
                        let (answer, state) = if a == MISSING {
                            (None, "obesvarad")
                        } else if Some(a) == c.unknown[qi] {
                            (Some(q.options[a as usize].label.clone()), "vet-ej")
                        } else {
                            (Some(q.options[a as usize].label.clone()), "besvarad")
                        };
                        PathAnswer {
                            question: q.id.clone(),
                            text: q.text.clone(),
                            answer,
                            state: state.into(),
                        }
                    })
                    .collect();
                let fired_here: Vec<&CFinding> = d
                    .fired
                    .iter()
                    .map(|&i| &c.findings[i])
                    .filter(|f| f.test == ti)
                    .collect();
                let excluded_here = fired_here.iter().fold(0u64, |m, f| m | f.excludes);
                let unknown_here = deciding_unknown.iter().any(|&q| c.question_test[q] == ti);
                let routes_text = || {
                    let named = |want: RouteStatus| {
                        let t: Vec<String> = rules
                            .route
                            .iter()
                            .zip(route_states.iter())
                            .filter(|(_, (s, _))| *s == want)
                            .map(|(r, _)| r.title.clone())
                            .collect();
                        join_list(&t, &ph.and)
                    };
                    let open = named(RouteStatus::Open);
                    let possible = named(RouteStatus::Possible);
                    let mut out = Vec::new();
                    if !open.is_empty() {
                        out.push(ph.routes_open.replace("{routes}", &open));
                    }
                    if !possible.is_empty() {
                        out.push(ph.routes_possible.replace("{routes}", &possible));
                    }
                    if out.is_empty() {
                        out.push(ph.routes_none.clone());
                    }
                    out.join(" ")
                };
                let points_text = || {
                    let parts: Vec<String> = c
                        .weigh
                        .iter()
                        .map(|&o| {
                            format!(
                                "{} {}",
                                rules.outcome[o].title,
                                d.scores.get(o).copied().unwrap_or(0)
                            )
                        })
                        .collect();
                    ph.points.replace("{scores}", &parts.join(", "))
                };
                let (status, result) = if needs {
                    if unknown_here {
                        (StepStatus::Oklart, ph.unknown.clone())
                    } else if excluded_here != 0 {
                        (
                            StepStatus::Utesluter,
                            ph.excludes
                                .replace("{outcomes}", &outcome_titles(excluded_here)),
                        )
                    } else {
                        (StepStatus::Klar, ph.passed.clone())
                    }
                } else if ti == d.deciding_test {
                    let text = match (d.deciding, d.fell_back) {
                        (Some(i), _) => capitalise(&rules.finding[c.findings[i].index].fact) + ".",
                        (None, true) => capitalise(&rules.fallback.fact) + ".",
                        (None, false) => points_text(),
                    };
                    (StepStatus::Avgor, text)
                } else if unknown_here {
                    (StepStatus::Oklart, ph.unknown.clone())
                } else if ti == routes_test {
                    if kop {
                        (StepStatus::Klar, routes_text())
                    } else {
                        (StepStatus::EjProvad, ph.not_needed.clone())
                    }
                } else if ti > d.deciding_test {
                    (StepStatus::EjProvad, ph.not_needed.clone())
                } else if excluded_here != 0 {
                    let facts: Vec<String> = fired_here
                        .iter()
                        .filter(|f| f.excludes != 0)
                        .map(|f| rules.finding[f.index].fact.clone())
                        .collect();
                    (
                        StepStatus::Utesluter,
                        format!(
                            "{}. {}",
                            capitalise(&join_list(&facts, &ph.and)),
                            ph.excludes
                                .replace("{outcomes}", &outcome_titles(excluded_here))
                        ),
                    )
                } else {
                    (StepStatus::Klar, ph.passed.clone())
                };
                PathStep {
                    test: t.id.clone(),
                    title: t.title.clone(),
                    question: t.question.clone(),
                    status,
                    result,
                    answers: answers_here,
                }
            })
            .collect();
        path
    }
}
