//! The shipped corpus: it passes `check` and is indexed without a skipped file.

use crate::{run, s, stdout};
use std::path::PathBuf;

#[test]
fn shipped_corpus_passes_check_and_indexes_cleanly() {
    let corpus = crate::repo().join("corpus");
    let o = run(&["check", "--corpus", s(&corpus)]);
    assert!(o.status.success(), "{}", stdout(&o));
    let dir = tempfile::tempdir().unwrap();
    let o = run(&[
        "index",
        "--corpus",
        s(&corpus),
        "--index",
        s(&dir.path().join("i")),
    ]);
    let err = crate::stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.lines().last().unwrap().contains(" 0 skipped"), "{err}");
}

#[derive(serde::Deserialize)]
struct QuestionFile {
    question: Vec<Question>,
}

#[derive(serde::Deserialize)]
struct Question {
    id: String,
    query: String,
    expect: Vec<String>,
}

/// The users' questions of the fact sheet (section 6), each with the documents written to
/// answer it (`tests/relevance/questions-*.toml`): one of them must be among the top 3 hits.
#[test]
fn user_questions_find_their_documents() {
    let mut questions = Vec::new();
    for entry in std::fs::read_dir(crate::repo().join("tests/relevance")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("questions-") && name.ends_with(".toml") {
            let file: QuestionFile =
                toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            questions.extend(file.question);
        }
    }
    assert!(questions.len() >= 95, "{} questions", questions.len());
    let corpus = crate::repo().join("corpus");
    for q in &questions {
        for e in &q.expect {
            assert!(
                corpus.join(e).is_file(),
                "{}: expected document {e} does not exist",
                q.id
            );
        }
    }
    let (_dir, engine) = shipped_engine();
    let mut misses = Vec::new();
    for q in &questions {
        let res = engine.search(&vagvisare::search::SearchRequest::new(q.query.clone(), 3));
        if !res.hits.iter().any(|h| q.expect.contains(&h.path)) {
            let got: Vec<&str> = res.hits.iter().map(|h| h.path.as_str()).collect();
            misses.push(format!(
                "{} {:?}: expected {:?}, got {:?}",
                q.id, q.query, q.expect, got
            ));
        }
    }
    let passed = questions.len() - misses.len();
    eprintln!(
        "user questions: {passed} of {} have an expected document in the top 3",
        questions.len()
    );
    for m in &misses {
        eprintln!("  miss: {m}");
    }
    // Resolve bar of the corpus issue: at least 90 %.
    assert!(
        passed * 100 >= questions.len() * 90,
        "{passed}/{}:\n{}",
        questions.len(),
        misses.join("\n")
    );
}

/// A provision typed the way procurers type it finds, first, the guidance document whose title
/// names it (its lead section is about that provision), also without the statutes in the corpus.
/// The "a" of "19 kap 25 a §" must not make the query read as English.
#[test]
fn a_provision_finds_the_document_written_about_it_first() {
    let (_dir, engine) = shipped_engine();
    let grunder = "reserverade-kontrakt/reserverade-kontrakt-grunder.md";
    let ideburna = "reserverade-kontrakt/ideburna-19-kap-25a.md";
    let artikel77 = "reserverade-kontrakt/reservation-19-kap-25-vissa-tjanster.md";
    for (query, expected) in [
        ("4 kap. 18 § LOU", grunder),
        ("LOU 4 kap 18 §", grunder),
        ("19 kap 25 a §", ideburna),
        ("19 kap. 25 a § LOU", ideburna),
        ("19 kap. 25 § LOU", artikel77),
    ] {
        let res = engine.search(&vagvisare::search::SearchRequest::new(query, 3));
        let got: Vec<&str> = res.hits.iter().map(|h| h.path.as_str()).collect();
        assert_eq!(got.first(), Some(&expected), "{query:?}: {got:?}");
    }
}

/// The shipped corpus indexed into a temporary directory (kept alive by the returned guard).
fn shipped_engine() -> (tempfile::TempDir, vagvisare::search::Engine) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = crate::repo().join("corpus");
    let mut opts = vagvisare::indexer::Options::new(&corpus, dir.path().join("i")).unwrap();
    opts.worker_exe = crate::bin().into();
    crate::pin_word_list();
    vagvisare::indexer::run(&opts, |_| {}).unwrap();
    let engine = vagvisare::search::Engine::open(&dir.path().join("i")).unwrap();
    (dir, engine)
}

/// The passages the best answer card cites lead the hits when they match the query: for
/// "reserverade kontrakt" the glossary's short sections outscore the reserved-contracts guide
/// on the words alone. A cited passage must still match the filters, is never one in the other
/// language, and is not repeated on the next page.
#[test]
fn the_best_cards_cited_passages_come_first() {
    use vagvisare::search::SearchRequest;
    let (_dir, engine) = shipped_engine();
    let grunder = "reserverade-kontrakt/reserverade-kontrakt-grunder.md";
    let first = engine.search(&SearchRequest::new("reserverade kontrakt", 10));
    let card = engine
        .curated()
        .card(&first.cards[0].id)
        .expect("the card shown is a curated card");
    let located: Vec<String> = first
        .hits
        .iter()
        .map(|h| format!("{}#{}", h.path, h.anchor))
        .collect();
    assert_eq!(first.hits[0].path, grunder, "{located:?}");
    assert!(
        card.see.contains(&located[0]),
        "{located:?} vs {:?}",
        card.see
    );
    assert!(
        card.see.iter().any(|l| l.starts_with("en/")),
        "{:?}",
        card.see
    );
    assert!(first.hits.iter().all(|h| h.lang == "sv"), "{located:?}");
    // Without the card's help the guide is not first (so the test shows what the pinning does).
    let best = first.hits.iter().map(|h| h.score).fold(0.0f32, f32::max);
    assert!(first.hits[0].score < best, "{located:?}");

    let mut next = SearchRequest::new("reserverade kontrakt", 10);
    next.offset = 10;
    let second = engine.search(&next);
    assert!(second.cards.is_empty());
    for h in &second.hits {
        let at = format!("{}#{}", h.path, h.anchor);
        assert!(!located.contains(&at), "{at} on both pages");
    }

    // The ASF card cites a Swedish and an English section: each language gets its own first.
    for (query, cited) in [
        (
            "arbetsintegrerande socialt företag",
            "sociala-foretag/sociala-foretag-asf-ideburna.md#ar-vi-ett-arbetsintegrerande-socialt-foretag-enligt-tillvaxtverkets-definition",
        ),
        (
            "what is a work integration social enterprise",
            "en/social-enterprises-sweden.md#are-we-a-work-integration-social-enterprise-asf",
        ),
    ] {
        let res = engine.search(&SearchRequest::new(query, 5));
        assert_eq!(res.cards[0].id, "asf-definition", "{query}");
        let at: Vec<String> = res
            .hits
            .iter()
            .map(|h| format!("{}#{}", h.path, h.anchor))
            .collect();
        assert_eq!(at[0], cited, "{query}: {at:?}");
        let lang = &res.hits[0].lang;
        assert!(res.hits.iter().all(|h| &h.lang == lang), "{query}: {at:?}");
    }

    let mut pdf_only = SearchRequest::new("reserverade kontrakt", 10);
    pdf_only.filters = vec![("format".into(), "pdf".into())];
    let filtered = engine.search(&pdf_only);
    assert!(!filtered.hits.is_empty());
    assert!(
        filtered.hits.iter().all(|h| h.kind == "pdf"),
        "{:?}",
        filtered.hits
    );
}

/// Words for the overlap check: lower-case runs of letters; numbers, law references and URLs
/// do not count.
fn words(text: &str) -> Vec<String> {
    let no_urls = regex::Regex::new(r"(?:https?://|www\.)\S+")
        .unwrap()
        .replace_all(text, " ");
    let no_tags = regex::Regex::new(r"<[^>]{0,2000}>")
        .unwrap()
        .replace_all(&no_urls, " ");
    const REFS: &[&str] = &[
        "kap", "lou", "luf", "luk", "lufs", "lov", "sfs", "hfd", "prop", "ref", "art", "bilaga",
        "a", "b",
    ];
    no_tags
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().any(|c| c.is_ascii_digit()))
        .map(|w| w.to_lowercase())
        .filter(|w| !REFS.contains(&w.as_str()))
        .collect()
}

fn shingles(words: &[String], n: usize) -> impl Iterator<Item = (u64, usize)> + '_ {
    use std::hash::{Hash, Hasher};
    words.windows(n).enumerate().map(|(i, w)| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        w.hash(&mut h);
        (h.finish(), i)
    })
}

/// No sentence is copied: no run of 15 identical words between the shipped corpus (and the
/// sources of its PDFs) and the fact sheet or any text file under `../shared/realdata`.
#[test]
fn corpus_copies_no_fifteen_word_run_from_sources() {
    const N: usize = 15;
    let shared = crate::repo().join("../shared");
    if !shared.join("realdata").is_dir() {
        eprintln!("SKIPPED: ../shared is absent; the copy check did not run");
        return;
    }
    let mut source_texts: Vec<(String, String)> = Vec::new();
    if let Ok(t) = std::fs::read_to_string(shared.join("domain/facts.md")) {
        source_texts.push(("facts.md".into(), t));
    }
    for e in walkdir::WalkDir::new(shared.join("realdata"))
        .into_iter()
        .flatten()
    {
        let p = e.path();
        let ext = p
            .extension()
            .and_then(|x| x.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let text = match ext.as_str() {
            "md" | "txt" | "xml" | "tsv" => std::fs::read(p)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned()),
            "html" | "htm" => std::fs::read(p)
                .ok()
                .map(|b| vagvisare::ingest::html::decode(&b)),
            "pdf" => std::process::Command::new("pdftotext")
                .args(["-q", "-enc", "UTF-8"])
                .arg(p)
                .arg("-")
                .output()
                .ok()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned()),
            _ => None,
        };
        if let Some(t) = text {
            source_texts.push((p.display().to_string(), t));
        }
    }
    let mut seen = std::collections::HashMap::new();
    for (name, text) in &source_texts {
        for (h, _) in shingles(&words(text), N) {
            seen.entry(h).or_insert(name.clone());
        }
    }
    let repo = crate::repo();
    let mut ours: Vec<PathBuf> = walkdir::WalkDir::new(repo.join("corpus"))
        .into_iter()
        .flatten()
        .map(|e| e.path().to_path_buf())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "md" || x == "html" || x == "txt")
        })
        .collect();
    ours.extend(
        walkdir::WalkDir::new(repo.join("scripts/pdf-src"))
            .into_iter()
            .flatten()
            .map(|e| e.path().to_path_buf())
            .filter(|p| p.is_file()),
    );
    let mut copies = Vec::new();
    for p in &ours {
        let text = std::fs::read_to_string(p).unwrap();
        let w = words(&text);
        for (h, i) in shingles(&w, N) {
            if let Some(src) = seen.get(&h) {
                copies.push(format!(
                    "{}: \"{}\" (also in {src})",
                    p.display(),
                    w[i..i + N].join(" ")
                ));
                break;
            }
        }
    }
    assert!(
        copies.is_empty(),
        "copied runs of {N} words:\n{}",
        copies.join("\n")
    );
}

/// The shipped corpus keeps its size and spread: documents by language, format, topic and
/// audience, and each document's length (300-1,500 words).
#[test]
fn shipped_corpus_counts() {
    use vagvisare::document::{Kind, Lang};
    let corpus = crate::repo().join("corpus");
    let (files, problems) = vagvisare::ingest::walk(&corpus);
    assert!(problems.is_empty(), "{problems:?}");
    let limits = vagvisare::ingest::Limits::default();
    let docs: Vec<_> = files
        .iter()
        .map(|f| vagvisare::ingest::extract_in_process(f, &limits).unwrap())
        .collect();
    let count = |pred: &dyn Fn(&vagvisare::document::Document) -> bool| {
        docs.iter().filter(|d| pred(d)).count()
    };
    let sv = count(&|d| d.lang == Lang::Sv);
    let en = count(&|d| d.lang == Lang::En);
    let html = count(&|d| d.kind == Kind::Html);
    let pdf = count(&|d| d.kind == Kind::Pdf);
    eprintln!(
        "corpus: {} documents, {sv} sv, {en} en, {html} html, {pdf} pdf",
        docs.len()
    );
    assert!(docs.len() >= 60 && sv >= 45 && en >= 8 && html >= 5 && pdf >= 4);
    for topic in vagvisare::curated::common::TOPICS {
        assert!(
            count(&|d| d.meta.topics.iter().any(|t| t == topic)) >= 1,
            "no document on topic {topic}"
        );
    }
    for audience in vagvisare::curated::common::AUDIENCES {
        assert!(
            count(&|d| d.meta.audience.iter().any(|a| a == audience)) >= 10,
            "few documents for {audience}"
        );
    }
    for d in &docs {
        let words: usize = d
            .sections
            .iter()
            .map(|s| s.text.split_whitespace().count())
            .sum();
        assert!((300..=1500).contains(&words), "{}: {words} words", d.path);
        assert!(
            d.meta.reviewed.is_some() && !d.meta.sources.is_empty(),
            "{}: metadata",
            d.path
        );
    }
}

/// Spelling: a correction keeps the texts' å/ä/ö, an English word is never rewritten into a
/// Swedish one, and letters glued to digits are read apart.
#[test]
fn corrections_respect_the_language_and_the_letters() {
    let engine = crate::shipped_engine();
    let search = |q: &str| engine.search(&vagvisare::search::SearchRequest::new(q, 10));
    let r = search("trosklevarden");
    assert_eq!(
        r.suggestion.as_deref(),
        Some("tröskelvärden"),
        "{:?}",
        r.suggestion
    );
    let r = search("cleaning services reserved contract");
    assert!(
        r.suggestion
            .as_deref()
            .is_none_or(|s| s.contains("cleaning")),
        "{:?}",
        r.suggestion
    );
    let glued = search("bilaga2");
    assert!(glued.total > 0, "bilaga2 finds nothing");
    assert_eq!(
        glued.hits.first().map(|h| h.path.clone()),
        search("bilaga 2").hits.first().map(|h| h.path.clone())
    );
    assert_eq!(vagvisare::search::split_glued("4kap. 18 §"), "4 kap. 18 §");
    assert_eq!(
        vagvisare::search::split_glued("19 kap. 25a §"),
        "19 kap. 25a §"
    );
}

/// A paragraph inside a cited range finds the texts that cite the range; a paragraph nobody
/// cites still leads to its chapter rather than to nothing.
#[test]
fn ranges_and_chapters_answer_paragraph_queries() {
    let engine = crate::shipped_engine();
    let search = |q: &str| engine.search(&vagvisare::search::SearchRequest::new(q, 10));
    let paths = |q: &str| -> Vec<String> { search(q).hits.into_iter().map(|h| h.path).collect() };
    let in_range = paths("17 kap. 4 § LOU");
    assert!(
        in_range
            .iter()
            .take(5)
            .any(|p| p == "upphandling/arbetsrattsliga-villkor.md"
                || p == "upphandling/sociala-hansyn-i-lou.md"),
        "{in_range:?}"
    );
    let uncited = search("4 kap. 97 § LOU");
    assert!(
        uncited.total > 0,
        "a paragraph nobody cites came back empty"
    );
}

#[test]
fn coordinated_compounds_are_spelled_out() {
    crate::pin_word_list();
    let e = vagvisare::analysis::compound::expand_hanging_hyphens;
    assert_eq!(
        e("barn- och ungdomsverksamhet"),
        "barnverksamhet och ungdomsverksamhet"
    );
    assert_eq!(
        e("upphandlings- och avtalsfrågor"),
        "upphandlingsfrågor och avtalsfrågor"
    );
    assert_eq!(
        e("hälso- och sjukvård i regionen"),
        "hälsovård och sjukvård i regionen"
    );
    assert_eq!(e("inga bindestreck här"), "inga bindestreck här");
}

/// An English question about a core concept shows the card its Swedish twin shows.
#[test]
fn english_twins_show_the_same_card() {
    let engine = crate::shipped_engine();
    let first_card = |q: &str| {
        engine
            .search(&vagvisare::search::SearchRequest::new(q, 10))
            .cards
            .first()
            .map(|c| c.id.clone())
    };
    for (sv, en) in [
        ("vad är IOP", "what is an IOP"),
        (
            "får vi reservera en upphandling för sociala företag",
            "can we reserve a contract for social enterprises",
        ),
        ("direktupphandlingsgräns", "direct award threshold"),
        ("avtalsspärr", "standstill period"),
        (
            "IOP utan upphandling",
            "can a municipality make an IOP without procurement",
        ),
    ] {
        let want = first_card(sv);
        assert!(want.is_some(), "{sv}: no card");
        assert_eq!(first_card(en), want, "{en} vs {sv}");
    }
}

/// A document's summary speaks for every section: a word only the summary holds finds each of
/// the document's passages.
#[test]
fn a_documents_summary_finds_each_of_its_sections() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(
        corpus.join("uppfoljning.md"),
        "---\ntitle: \"Att följa upp ett partnerskap\"\nsummary: \"Om att stämma av kontinuerligt mellan \
         kommunen och föreningen.\"\nlanguage: sv\n---\n\n# Att följa upp ett partnerskap\n\n\
         Parterna bestämmer tillsammans hur arbetet följs upp.\n\n## Två gånger om året\n\n\
         Parterna träffas och går igenom verksamheten.\n",
    )
    .unwrap();
    std::fs::write(
        corpus.join("annat.md"),
        "---\ntitle: \"Något annat\"\nlanguage: sv\n---\n\n# Något annat\n\nHär står inget om \
         möten.\n",
    )
    .unwrap();
    let mut opts = vagvisare::indexer::Options::new(&corpus, dir.path().join("i")).unwrap();
    opts.worker_exe = crate::bin().into();
    crate::pin_word_list();
    vagvisare::indexer::run(&opts, |_| {}).unwrap();
    let engine = vagvisare::search::Engine::open(&dir.path().join("i")).unwrap();
    let res = engine.search(&vagvisare::search::SearchRequest::new("kontinuerligt", 10));
    let hits: Vec<(&str, &str)> = res
        .hits
        .iter()
        .map(|h| (h.path.as_str(), h.anchor.as_str()))
        .collect();
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert!(hits.iter().all(|(p, _)| *p == "uppfoljning.md"), "{hits:?}");
}

/// Prepositions are grammar, not subject: in "sociala företag enligt LOU" the snippets mark
/// what the user asked about, never every "enligt" of the text.
#[test]
fn prepositions_are_not_marked_as_found() {
    let engine = crate::shipped_engine();
    for query in [
        "sociala företag enligt LOU",
        "checklista innan avtalet",
        "registrering hos Kammarkollegiet",
    ] {
        let res = engine.search(&vagvisare::search::SearchRequest::new(query, 10));
        assert!(!res.hits.is_empty(), "{query}");
        for h in &res.hits {
            for r in &h.snippet.marks {
                let word = h.snippet.text[r.clone()].to_lowercase();
                assert!(
                    !["enligt", "innan", "hos"].contains(&word.as_str()),
                    "{query}: {:?} marked in {}",
                    word,
                    h.snippet.text
                );
            }
        }
    }
}

/// A compound with a noun in -ation finds the texts that use its verb:
/// "arbetsintegrationsföretag" finds "arbetsintegrerande (sociala) företag" in the guide to
/// reserved contracts, not only the one text that writes "arbetsintegration".
#[test]
fn a_noun_part_finds_its_verb() {
    let engine = crate::shipped_engine();
    let res = engine.search(&vagvisare::search::SearchRequest::new(
        "arbetsintegrationsföretag",
        10,
    ));
    let paths: Vec<&str> = res.hits.iter().map(|h| h.path.as_str()).collect();
    assert!(
        paths.contains(&"reserverade-kontrakt/reserverade-kontrakt-grunder.md"),
        "{paths:?}"
    );
}
