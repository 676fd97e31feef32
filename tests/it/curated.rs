//! The curated parts: threshold guide cases, card matching, and `check` on bad curated data
//! (the IOP check has its own module, `iop`). All data-driven from files under `tests/`.

use crate::{run, s, stdout};
use vagvisare::curated::thresholds::Table;

fn shipped_table() -> Table {
    Table::parse(&std::fs::read_to_string(crate::repo().join("corpus/troskelvarden.toml")).unwrap())
        .unwrap()
}

#[derive(serde::Deserialize)]
struct ThresholdCases {
    case: Vec<ThresholdCase>,
}

#[derive(serde::Deserialize)]
struct ThresholdCase {
    name: String,
    value: u64,
    kind: String,
    buyer: String,
    date: String,
    expect: String,
    note_contains: Option<String>,
    headline_contains: Option<String>,
    lang: Option<String>,
}

/// What every guidance must be: the verdict and its figures in the headline, one fact per note,
/// no period shown as current that has ended, and "oklart" only where the value lies inside the
/// range of plausible SEK amounts of a figure.
fn check_guidance(
    g: &vagvisare::curated::thresholds::Guidance,
    value: u64,
    date: &str,
    what: &str,
) {
    let lang = g.language.as_str();
    let shown = vagvisare::curated::thresholds::grouped(value, lang);
    assert!(
        g.headline.contains(&shown),
        "{what}: headline without the value: {}",
        g.headline
    );
    assert!(
        !g.regime_title.is_empty() && !g.explanation.is_empty(),
        "{what}"
    );
    let mut seen = std::collections::HashSet::new();
    for n in &g.notes {
        assert!(seen.insert(n), "{what}: note repeated: {n}");
        assert!(
            !g.headline.contains(n.as_str()),
            "{what}: note repeats the headline"
        );
    }
    for f in &g.figures {
        if let Some((from, until)) = f.valid.split_once('–') {
            assert!(
                from <= date && date <= until || f.sek.is_none(),
                "{what}: figure {f:?} shown as valid on {date}"
            );
        }
    }
    if g.regime == "oklart" {
        assert!(
            g.figures.iter().any(|f| matches!((f.sek_low, f.sek_high), (Some(lo), Some(hi)) if lo <= value && value < hi)),
            "{what}: oklart outside every band: {g:#?}"
        );
    } else {
        // The headline names the figure that decided: an exact amount or a bound of its band.
        let figures: Vec<String> = g
            .figures
            .iter()
            .flat_map(|f| [f.sek, f.sek_low, f.sek_high])
            .flatten()
            .map(|n| vagvisare::curated::thresholds::grouped(n, lang))
            .collect();
        assert!(
            figures.iter().any(|f| g.headline.contains(f.as_str())),
            "{what}: headline without its figure: {}",
            g.headline
        );
    }
}

#[test]
fn threshold_guide_decides_what_the_law_decides() {
    let table = shipped_table();
    let cases: ThresholdCases = toml::from_str(
        &std::fs::read_to_string(crate::repo().join("tests/thresholds/cases.toml")).unwrap(),
    )
    .unwrap();
    assert!(cases.case.len() >= 30);
    for law in ["LOU", "LUF", "LUK"] {
        let n = cases
            .case
            .iter()
            .filter(|c| {
                let l = if c.kind == "koncession" {
                    "LUK"
                } else if c.buyer == "forsorjning" {
                    "LUF"
                } else {
                    "LOU"
                };
                l == law
            })
            .count();
        assert!(n >= 5, "{law}: {n} cases");
    }
    let mut wrong = Vec::new();
    for c in &cases.case {
        let lang = c.lang.as_deref().unwrap_or("sv");
        let g = table
            .guide(c.value, &c.kind, &c.buyer, &c.date, lang)
            .unwrap();
        if g.regime != c.expect {
            wrong.push(format!(
                "{}: {} (expected {}): {}",
                c.name, g.regime, c.expect, g.headline
            ));
            continue;
        }
        check_guidance(&g, c.value, &c.date, &c.name);
        if let Some(n) = &c.note_contains {
            assert!(
                g.notes.iter().any(|x| x.contains(n.as_str())),
                "{}: notes {:?}",
                c.name,
                g.notes
            );
        }
        if let Some(h) = &c.headline_contains {
            assert!(
                g.headline.contains(h.as_str()) || g.regime_title.contains(h.as_str()),
                "{}: {}",
                c.name,
                g.headline
            );
        }
        assert_eq!(g.language, lang);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Every kind, buyer, date and a sweep of values: the same rules hold everywhere.
    let mut checked = 0;
    for date in ["2025-06-01", "2026-06-01", "2029-01-01"] {
        for (kind, _) in vagvisare::curated::thresholds::KINDS {
            for (buyer, _) in vagvisare::curated::thresholds::BUYERS {
                let mut value = 10_000u64;
                while value < 300_000_000 {
                    for lang in ["sv", "en"] {
                        let g = table.guide(value, kind, buyer, date, lang).unwrap();
                        check_guidance(
                            &g,
                            value,
                            date,
                            &format!("{value} {kind} {buyer} {date} {lang}"),
                        );
                        checked += 1;
                    }
                    value = value * 23 / 20;
                }
            }
        }
    }
    eprintln!(
        "thresholds: {} cases, {checked} swept guidances",
        cases.case.len()
    );
    assert!(
        table
            .guide(1, "glass", "kommun", "2026-01-01", "sv")
            .is_err()
    );
    assert_eq!(
        vagvisare::curated::thresholds::parse_amount("1 250 000 kr", "sv"),
        Some(1_250_000)
    );
    assert_eq!(
        vagvisare::curated::thresholds::parse_amount("mycket", "sv"),
        None
    );
}

#[test]
fn check_catches_bad_cards() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("kort")).unwrap();
    std::fs::write(
        corpus.join("doc.md"),
        "# Dokument\n\n## Avsnitt ett\n\nText om upphandling.",
    )
    .unwrap();
    let card = |id: &str, see: &str, extra: &str| {
        format!(
            "id = \"{id}\"\ntitle = \"Fråga?\"\nanswer = \"Svar.\"\ndetails = \"Mer.\"\nlegal_basis = [\"LOU 4 kap. 18 §\"]\nsee = [\"{see}\"]\naudience = [\"procurer\"]\ntopics = [\"upphandling\"]\ntriggers = [\"fråga\"]\nreviewed = 2026-11-01\n{extra}"
        )
    };
    std::fs::write(
        corpus.join("kort/bra.toml"),
        card("bra", "doc.md#avsnitt-ett", ""),
    )
    .unwrap();
    let o = run(&["check", "--corpus", s(&corpus)]);
    assert!(o.status.success(), "{}", stdout(&o));
    std::fs::write(
        corpus.join("kort/trasig-lank.toml"),
        card("trasig-lank", "doc.md#finns-inte", ""),
    )
    .unwrap();
    std::fs::write(corpus.join("kort/dubblett.toml"), card("bra", "doc.md", "")).unwrap();
    std::fs::write(
        corpus.join("kort/gammal.toml"),
        card("gammal", "doc.md", "valid_until = 2020-12-31"),
    )
    .unwrap();
    let o = run(&["check", "--corpus", s(&corpus)]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains(
            "trasig-lank.toml: `see` link doc.md#finns-inte points to no document section"
        ),
        "{out}"
    );
    assert!(out.contains("duplicate card id `bra`"), "{out}");
    assert!(out.contains("gammal.toml: expired"), "{out}");
}

#[derive(serde::Deserialize)]
struct CardCases {
    case: Vec<CardCase>,
}

#[derive(serde::Deserialize)]
struct CardCase {
    query: String,
    expect: String,
}

/// Cards show only when they answer the query: precision ≥ 0.9 and recall ≥ 0.8 on
/// `tests/relevance/cards.toml` (inflected, unaccented, abbreviated and English phrasings, and
/// queries that should show no card).
#[test]
fn card_matching_precision_and_recall() {
    let cases: CardCases = toml::from_str(
        &std::fs::read_to_string(crate::repo().join("tests/relevance/cards.toml")).unwrap(),
    )
    .unwrap();
    assert!(cases.case.len() >= 60, "{} cases", cases.case.len());
    let engine = crate::shipped_engine();
    let (mut shown, mut correct, mut positives, mut found) = (0usize, 0usize, 0usize, 0usize);
    let mut problems = Vec::new();
    for c in &cases.case {
        let mut req = vagvisare::search::SearchRequest::new(c.query.clone(), 5);
        req.today = Some("2026-11-27".into());
        let ids: Vec<String> = engine
            .search(&req)
            .cards
            .into_iter()
            .map(|k| k.id)
            .collect();
        shown += ids.len();
        correct += ids.iter().filter(|id| **id == c.expect).count();
        if !c.expect.is_empty() {
            positives += 1;
            if ids.contains(&c.expect) {
                found += 1;
            } else {
                problems.push(format!(
                    "missed {:?}: expected {}, got {ids:?}",
                    c.query, c.expect
                ));
            }
        }
        for id in ids.iter().filter(|id| **id != c.expect) {
            problems.push(format!(
                "extra card for {:?}: {id} (expected {:?})",
                c.query, c.expect
            ));
        }
    }
    let precision = if shown == 0 {
        0.0
    } else {
        correct as f64 / shown as f64
    };
    let recall = found as f64 / positives.max(1) as f64;
    eprintln!(
        "cards: precision {precision:.3} ({correct}/{shown}), recall {recall:.3} ({found}/{positives}) on {} queries",
        cases.case.len()
    );
    for p in &problems {
        eprintln!("  {p}");
    }
    assert!(
        precision >= 0.9 && recall >= 0.8,
        "precision {precision:.3}, recall {recall:.3}"
    );
}
