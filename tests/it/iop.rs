//! The IOP check against the law.
//!
//! 1. `scenarios`: the 17 scenarios of `tests/iop/scenarios.toml` give their expected outcome.
//! 2. `independent_scenarios`: the scenarios in `tests/iop/independent.toml`, written from the
//!    statute texts by someone who had not seen the rules, give one of their legally acceptable
//!    outcomes and none of the certainties they rule out.
//! 3. `legal_invariants`: over every combination of the seven deciding questions (with "vet inte"
//!    and unanswered) under four profiles of the others, and 200 000 seeded random answer sets,
//!    no verdict breaks a legal bar (see [`check_invariants`]).
//! 4. `every_finding_fires`, `shared_links`: each finding holds on its own conditions; a link whose
//!    answers have changed meaning gets a note instead of a verdict.

use std::collections::BTreeMap;
use vagvisare::curated::iop::{Answers, Group, Rules, Verdict};

fn rules() -> Rules {
    let path = crate::repo().join("corpus/iop/regler.toml");
    Rules::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn family(outcome: &str) -> &str {
    match outcome {
        "reserverad-upphandling" => "upphandling",
        o => o,
    }
}

#[derive(serde::Deserialize)]
struct Scenarios {
    scenario: Vec<Scenario>,
}

#[derive(serde::Deserialize)]
struct Scenario {
    name: String,
    answers: BTreeMap<String, String>,
    #[serde(default)]
    expect: Option<String>,
    #[serde(default)]
    accept: Vec<String>,
    #[serde(default)]
    certainty_not: Vec<String>,
}

fn scenarios(file: &str) -> Vec<Scenario> {
    let s: Scenarios =
        toml::from_str(&std::fs::read_to_string(crate::repo().join(file)).unwrap()).unwrap();
    s.scenario
}

/// Every verdict, whatever the answers: reasons with a basis, the deciding test named first.
fn check_shape(v: &Verdict, what: &str) {
    assert!(!v.summary.is_empty(), "{what}: empty summary");
    for r in &v.reasons {
        assert!(
            !r.basis.is_empty(),
            "{what}: reason {} without basis",
            r.rule
        );
    }
    if v.outcome != "behover-svar" {
        assert!(v.deciding_test.is_some(), "{what}: no deciding test");
        assert!(
            !v.reasons.is_empty(),
            "{what}: an indication without reasons"
        );
        if let Some(d) = &v.deciding {
            assert_eq!(&v.reasons[0], d, "{what}: the decisive reason is not first");
            assert_eq!(d.group, Group::For);
        }
    }
}

#[test]
fn scenarios_give_their_outcome() {
    let rules = rules();
    let list = scenarios("tests/iop/scenarios.toml");
    assert!(list.len() >= 17);
    let mut fired = std::collections::HashSet::new();
    for sc in &list {
        let v = rules.evaluate(&sc.answers);
        let expect = sc.expect.as_deref().expect("scenarios.toml has `expect`");
        assert_eq!(v.outcome, expect, "{}: {v:#?}", sc.name);
        check_shape(&v, &sc.name);
        fired.extend(v.reasons.iter().map(|r| r.rule.clone()));
    }
    eprintln!(
        "iop: {} scenarios, {} of {} findings exercised",
        list.len(),
        fired.len(),
        rules.finding.len()
    );
    // Nothing answered: no verdict, and the deciding questions asked for.
    let none = rules.evaluate(&BTreeMap::new());
    assert_eq!(none.outcome, "behover-svar");
    assert_eq!(none.certainty, "låg");
    assert!(
        none.to_find_out
            .iter()
            .any(|u| u.question == "forpliktelser")
    );
    assert_eq!(none.unanswered.len(), rules.question.len());
}

#[test]
fn independent_scenarios_give_an_acceptable_outcome() {
    let rules = rules();
    let list = scenarios("tests/iop/independent.toml");
    assert!(list.len() >= 20, "{} independent scenarios", list.len());
    let mut wrong = Vec::new();
    for sc in &list {
        let v = rules.evaluate(&sc.answers);
        check_shape(&v, &sc.name);
        if !sc.accept.contains(&v.outcome) || sc.certainty_not.contains(&v.certainty) {
            wrong.push(format!(
                "{}: {} ({}), accepts {:?}, not {:?}",
                sc.name, v.outcome, v.certainty, sc.accept, sc.certainty_not
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    eprintln!("iop: {} independent scenarios pass", list.len());
}

/// The legal bars a verdict must never cross, written from the statutes and the issue, not from
/// the rules file. The certainty check evaluates the same answers with one question changed.
fn check_invariants(
    rules: &Rules,
    answers: &Answers,
    (o, certainty): (&str, &str),
    verdict: Option<&Verdict>,
) -> Result<(), String> {
    let a = |q: &str| answers.get(q).map(String::as_str).unwrap_or("");
    let iop_or_grant = o == "iop-mojligt" || o == "bidrag";
    if o == "iop-mojligt" {
        if a("ideburen") == "nej" {
            return Err("IOP for an organisation that is not idéburen".into());
        }
        if a("vinst") == "delas-ut" {
            return Err("IOP for a profit-distributing organisation".into());
        }
        if ["upphandlad-tidigare", "andra-finns"].contains(&a("marknad")) && certainty == "hög" {
            return Err("IOP with certainty hög where there is a market".into());
        }
    }
    if a("offentlig-kontroll") == "ja" && iop_or_grant {
        return Err(format!("{o} for a publicly controlled organisation"));
    }
    // Unknown aid over three years: whether de minimis covers it cannot be told.
    if iop_or_grant && certainty == "hög" && ["vet-ej", ""].contains(&a("belopp")) {
        return Err(format!(
            "{o} with certainty hög while the aid amount is unknown"
        ));
    }
    if iop_or_grant {
        if a("forpliktelser") == "ja" || ["per-styck", "fast-pris"].contains(&a("ersattning")) {
            return Err(format!("{o} for priced delivery"));
        }
        if a("belopp") == "over-750k-euro"
            && ["upphandlad-tidigare", "andra-finns"].contains(&a("marknad"))
        {
            return Err(format!("{o} over the SGEI ceiling with a market"));
        }
    }
    if o == "reserverad-upphandling" {
        // Written from the statutes, not from the rules file.
        let r418 = a("arbetsintegrering") == "ja";
        let r25 = a("delagande") == "ja"
            && ["inget-overskott", "aterinvesteras"].contains(&a("vinst"))
            && ["vard-omsorg-social", "kultur-idrott", "utbildning"].contains(&a("tjanstetyp"));
        // Dividends are a value transfer that 2022:900 8 § allows only to other registered
        // idéburna organisations or research: an answer of dividends opens the route only with
        // an answer that no value goes to anyone else.
        let r25a = a("ideburen") == "ja"
            && a("offentlig-kontroll") == "nej"
            && (a("vinst") != "delas-ut" || a("vardeoverforing") == "nej")
            && a("vardeoverforing") != "ja"
            && (a("register") == "ja" || a("vardeoverforing") == "nej")
            && ["vard-omsorg-social", "utbildning"].contains(&a("tjanstetyp"));
        if !(r418 || r25 || r25a) {
            return Err("a reserved procurement where no route's conditions hold".into());
        }
    }
    if certainty == "hög" && o == "behover-svar" {
        return Err("certainty hög without an indication".into());
    }
    if certainty == "hög" && verdict.is_some() {
        // No single unknown answer may change the outcome of a verdict given with certainty hög.
        for q in &rules.question {
            if answers.get(&q.id).is_some_and(|x| x != "vet-ej") {
                continue;
            }
            for opt in q.options.iter().filter(|x| x.value != "vet-ej") {
                let mut changed = answers.clone();
                changed.insert(q.id.clone(), opt.value.clone());
                let w = rules.outcome_of(&changed);
                if family(&w) != family(o) {
                    return Err(format!(
                        "certainty hög although {}={} would give {w}",
                        q.id, opt.value
                    ));
                }
            }
        }
    }
    if let Some(v) = verdict {
        if (v.outcome.as_str(), v.certainty.as_str()) != (o, certainty) {
            return Err(format!(
                "evaluate gives {} ({}), indicate {o} ({certainty})",
                v.outcome, v.certainty
            ));
        }
        // The summary states only facts of findings that hold on these answers.
        for f in &rules.finding {
            if v.summary.contains(&f.fact) && !holds(&f.when, answers) {
                return Err(format!(
                    "summary states \"{}\" which the answers do not give",
                    f.fact
                ));
            }
        }
        // Closed routes are never named.
        if v.routes
            .iter()
            .any(|r| r.status == vagvisare::curated::iop::RouteStatus::Closed)
        {
            return Err("a closed route is named".into());
        }
    }
    Ok(())
}

/// Do the answers satisfy the conditions? An unanswered question counts as "vet inte".
fn holds(when: &vagvisare::curated::iop::Conditions, answers: &Answers) -> bool {
    when.iter().all(|(q, want)| {
        let given = answers.get(q).map(String::as_str).unwrap_or("vet-ej");
        want.values().contains(&given)
    })
}

/// splitmix64: a small deterministic generator, so a failure names a reproducible case.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[test]
fn legal_invariants_hold_over_the_answer_space() {
    let rules = rules();
    let mut checked = 0usize;
    let mut failures: Vec<String> = Vec::new();
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    // Every set is checked on its outcome and certainty; every fourth also on the full verdict
    // (summary, routes) and on whether any unknown answer could change a "hög" outcome, which
    // cost ten times as much.
    let mut run = |answers: Answers| {
        let (outcome, certainty) = rules.indicate(&answers);
        checked += 1;
        *outcomes.entry(outcome.clone()).or_default() += 1;
        let full = checked.is_multiple_of(4).then(|| rules.evaluate(&answers));
        if let Err(e) = check_invariants(&rules, &answers, (&outcome, certainty), full.as_ref())
            && failures.len() < 20
        {
            failures.push(format!("{e}: {answers:?}"));
        }
    };
    // Exhaustive over the deciding questions (each option, "vet inte" and unanswered), under four
    // profiles of the rest.
    let deciding = [
        "ideburen",
        "offentlig-kontroll",
        "vinst",
        "forpliktelser",
        "ersattning",
        "marknad",
        "belopp",
    ];
    let choices: Vec<Vec<Option<String>>> = deciding
        .iter()
        .map(|id| {
            let q = rules.question.iter().find(|q| q.id == *id).unwrap();
            std::iter::once(None)
                .chain(q.options.iter().map(|o| Some(o.value.clone())))
                .collect()
        })
        .collect();
    let profiles: [&[(&str, &str)]; 4] = [
        &[
            ("initiativ", "organisationen"),
            ("medfinansiering", "betydande"),
            ("styrning", "gemensamt"),
            ("bidrag-racker", "nej"),
            ("varaktighet", "langsiktigt"),
            ("tjanstetyp", "vard-omsorg-social"),
            ("register", "ja"),
        ],
        &[
            ("initiativ", "organisationen"),
            ("medfinansiering", "betydande"),
            ("styrning", "egen-regi"),
            ("bidrag-racker", "ja"),
            ("varaktighet", "kort"),
            ("tjanstetyp", "kultur-idrott"),
            ("delagande", "ja"),
        ],
        &[
            ("initiativ", "myndigheten"),
            ("medfinansiering", "nej"),
            ("styrning", "detaljerat"),
            ("tjanstetyp", "annat"),
            ("arbetsintegrering", "ja"),
        ],
        &[],
    ];
    let total: usize = choices.iter().map(Vec::len).product();
    for profile in profiles {
        for n in 0..total {
            let mut answers: Answers = profile
                .iter()
                .map(|(q, v)| (q.to_string(), v.to_string()))
                .collect();
            let mut k = n;
            for (id, opts) in deciding.iter().zip(&choices) {
                if let Some(v) = &opts[k % opts.len()] {
                    answers.insert(id.to_string(), v.clone());
                }
                k /= opts.len();
            }
            run(answers);
        }
    }
    let exhaustive = total * profiles.len();
    // Seeded random answer sets over every question.
    let mut rng = Seeded(0x5EED_2026_1206);
    for _ in 0..200_000 {
        let mut answers = Answers::new();
        for q in &rules.question {
            let pick = (rng.next() % (q.options.len() as u64 + 1)) as usize;
            if pick < q.options.len() {
                answers.insert(q.id.clone(), q.options[pick].value.clone());
            }
        }
        run(answers);
    }
    eprintln!(
        "iop invariants: {checked} answer sets ({exhaustive} exhaustive over {} deciding questions × 4 profiles, {} random); outcomes {outcomes:?}",
        deciding.len(),
        checked - exhaustive
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_finding_fires_on_its_own_conditions() {
    let rules = rules();
    for f in &rules.finding {
        let answers: Answers = f
            .when
            .iter()
            .map(|(q, v)| (q.clone(), v.values()[0].to_string()))
            .collect();
        // Too few answers give no indication, but the findings that hold are still reported.
        let v = rules.evaluate(&answers);
        assert!(
            v.reasons.iter().any(|r| r.rule == f.id),
            "finding {} does not fire on its own conditions: {v:#?}",
            f.id
        );
    }
}

#[test]
fn a_knockout_is_never_outweighed() {
    let rules = rules();
    // The most favourable profile for an IOP, then one answer changed.
    let favourable: Answers = [
        ("ideburen", "ja"),
        ("offentlig-kontroll", "nej"),
        ("vinst", "aterinvesteras"),
        ("initiativ", "organisationen"),
        ("medfinansiering", "betydande"),
        ("marknad", "nej"),
        ("ersattning", "del-av-budget"),
        ("styrning", "gemensamt"),
        ("forpliktelser", "delvis"),
        ("belopp", "under-300k-euro"),
        ("bidrag-racker", "nej"),
        ("varaktighet", "langsiktigt"),
        ("tjanstetyp", "vard-omsorg-social"),
    ]
    .iter()
    .map(|(q, v)| (q.to_string(), v.to_string()))
    .collect();
    let base = rules.evaluate(&favourable);
    assert_eq!(
        (base.outcome.as_str(), base.certainty.as_str()),
        ("iop-mojligt", "hög")
    );
    let change = |pairs: &[(&str, &str)]| {
        let mut a = favourable.clone();
        for (q, v) in pairs {
            a.insert(q.to_string(), v.to_string());
        }
        rules.evaluate(&a)
    };
    for (pairs, expect) in [
        (&[("ideburen", "nej")][..], "juridisk-granskning"),
        (&[("forpliktelser", "ja")][..], "upphandling"),
        (&[("marknad", "upphandlad-tidigare")][..], "upphandling"),
        (&[("vinst", "delas-ut")][..], "juridisk-granskning"),
        (&[("offentlig-kontroll", "ja")][..], "juridisk-granskning"),
        (
            &[("marknad", "andra-finns"), ("tjanstetyp", "annat")][..],
            "upphandling",
        ),
        (
            &[("marknad", "andra-finns"), ("belopp", "over-750k-euro")][..],
            "juridisk-granskning",
        ),
    ] {
        let v = change(pairs);
        assert_eq!(v.outcome, expect, "{pairs:?}: {v:#?}");
    }
    // The deciding questions unknown: never certainty hög.
    let v = change(&[
        ("marknad", "vet-ej"),
        ("ersattning", "vet-ej"),
        ("forpliktelser", "vet-ej"),
    ]);
    assert_ne!(v.certainty, "hög", "{v:#?}");
    assert!(v.to_find_out.iter().any(|u| u.question == "forpliktelser"));
    // Others sell the same and payment unknown: the summary never says there is no market.
    let v = change(&[("marknad", "andra-finns"), ("ersattning", "vet-ej")]);
    assert!(!v.summary.contains("ingen annan erbjuder"), "{}", v.summary);
    // Dividends are a value transfer, which 2022:900 8 § allows only to other registered
    // idéburna organisations or to research (LOU 19 kap. 25 a § second paragraph). The check
    // does not ask who receives them. Each case: a priced delivery by an organisation that pays
    // dividends, with its answers on registration and value transfers.
    use vagvisare::curated::iop::RouteStatus;
    let paying_dividends = |more: &[(&str, &str)]| {
        let mut pairs = vec![
            ("vinst", "delas-ut"),
            ("forpliktelser", "ja"),
            ("ersattning", "per-styck"),
        ];
        pairs.extend_from_slice(more);
        change(&pairs)
    };
    let route_25a = |v: &vagvisare::curated::iop::Verdict| {
        v.routes
            .iter()
            .find(|r| r.id == "lou-19-kap-25a")
            .map(|r| r.status)
    };
    // Registered (bound by the limit, not shown to keep it): 25 a § neither closed nor open.
    let v = paying_dividends(&[("register", "ja")]);
    assert_eq!(route_25a(&v), Some(RouteStatus::Possible), "{v:#?}");
    assert_eq!(v.outcome, "upphandling", "{v:#?}");
    // Value transferred to others: closed out of 25 a §.
    let v = paying_dividends(&[("register", "nej"), ("vardeoverforing", "ja")]);
    assert_eq!(v.outcome, "upphandling", "{v:#?}");
    assert_eq!(route_25a(&v), None);
    assert!(!v.title.contains("25 a"), "{}", v.title);
    // No value to anyone but registered idéburna organisations or research (the question names
    // dividends): 25 a § is open.
    let v = paying_dividends(&[("register", "nej"), ("vardeoverforing", "nej")]);
    assert_eq!(route_25a(&v), Some(RouteStatus::Open), "{v:#?}");
    // The value-transfer question unanswered: 25 a § is listed and not open.
    let v = paying_dividends(&[("register", "nej")]);
    assert!(
        route_25a(&v).is_some_and(|s| s != RouteStatus::Open),
        "{v:#?}"
    );
}

#[test]
fn shared_links_whose_answers_changed_meaning_get_a_note() {
    let rules = rules();
    let answers: Answers = [("tjanstetyp", "annat"), ("ideburen", "ja")]
        .iter()
        .map(|(q, v)| (q.to_string(), v.to_string()))
        .collect();
    // A link from before versioned links: "annat" then included catering.
    let old = rules.check_link(&answers, None);
    assert!(!old.fits());
    assert!(old.notes[0].contains("catering"), "{:?}", old.notes);
    // The same answers in a link of the present version fit.
    assert!(rules.check_link(&answers, Some(rules.version)).fits());
    // A value that no longer exists.
    let gone: Answers = [("marknad", "kanske")]
        .iter()
        .map(|(q, v)| (q.to_string(), v.to_string()))
        .collect();
    assert!(!rules.check_link(&gone, Some(rules.version)).fits());
    // Other old links keep working.
    let plain: Answers = [("ideburen", "ja"), ("forpliktelser", "ja")]
        .iter()
        .map(|(q, v)| (q.to_string(), v.to_string()))
        .collect();
    assert!(rules.check_link(&plain, None).fits());
}
