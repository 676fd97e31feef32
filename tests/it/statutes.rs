//! Statutes as documents: the real statute texts in `../shared/realdata` read with provision
//! anchors and amendments; citations in real phrasings resolved to those anchors; pages whose
//! citations open the paragraph (or the official text when the corpus lacks the statute); the
//! fetch command against a local server, its failures included; staleness warnings; and the
//! legal review's corrections kept.

use crate::{run, s, stderr, stdout};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;
use vagvisare::document::{Document, RelPath};
use vagvisare::law::book::{Resolved, StatuteBook};
use vagvisare::law::cite::{Cited, Context, citations};
use vagvisare::search::Engine;
use vagvisare::server::{AppState, app};

fn realdata(rel: &str) -> Option<PathBuf> {
    let p = crate::repo().join("../shared/realdata").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("SKIPPED: {} is absent", p.display());
        None
    }
}

fn ingest(abs: &Path, rel: &str) -> Document {
    let file = vagvisare::ingest::SourceFile {
        abs: abs.to_path_buf(),
        rel: RelPath::parse(rel).unwrap(),
        kind: vagvisare::document::Kind::from_path(abs).unwrap(),
    };
    vagvisare::ingest::extract_in_process(&file, &vagvisare::ingest::Limits::default()).unwrap()
}

const STATUTES: &[(&str, &str)] = &[
    ("sfs-2016-1145_LOU.md", "lagar/lou.md"),
    ("sfs-2016-1146_LUF.md", "lagar/luf.md"),
    ("sfs-2016-1147_LUK.md", "lagar/luk.md"),
    (
        "sfs-2022-900_idéburna-organisationer.md",
        "lagar/ideburna.md",
    ),
    ("sfs-2017-725_kommunallag.md", "lagar/kl.md"),
];

/// The real statutes, read as the corpus would read them.
fn real_statutes() -> Option<Vec<Document>> {
    let dir = realdata("statutes_markdown")?;
    Some(
        STATUTES
            .iter()
            .map(|(file, rel)| ingest(&dir.join(file), rel))
            .collect(),
    )
}

#[test]
fn real_statutes_are_lagtext_with_provision_anchors_and_amendments() {
    let Some(docs) = real_statutes() else { return };
    let lou = &docs[0];
    let meta = lou.meta.statute.as_ref().expect("LOU is a statute");
    assert_eq!(meta.sfs, "2016:1145");
    assert_eq!(lou.kind_name(), "lagtext");
    // The latest amendment the se-lex text contains stands in for its "ändrad t.o.m." stamp.
    assert!(meta.amended_to.is_some(), "{meta:?}");
    let anchor = |a: &str| lou.sections.iter().find(|s| s.anchor == a);
    for a in [
        "K1P4", "K4P18", "K19P25", "K19P25a", "K19aP1", "K19aP2", "K20P13a", "K4",
    ] {
        assert!(anchor(a).is_some(), "LOU has no section {a}");
    }
    let p18 = anchor("K4P18").unwrap();
    assert_eq!(p18.heading.as_deref(), Some("18 §"));
    assert!(p18.text.contains("30 procent"), "{}", p18.text);
    assert_eq!(
        p18.trail.first().map(String::as_str),
        Some("4 kap. Allmänna bestämmelser")
    );
    // 1 kap. 4 § closes with "Lag (2021:1110)."
    assert_eq!(
        anchor("K1P4").unwrap().amended.as_deref(),
        Some("2021:1110")
    );
    // No anchor repeats ("18-3" before): each paragraph's is unique.
    let mut seen = std::collections::HashSet::new();
    for sct in &lou.sections {
        assert!(seen.insert(&sct.anchor), "repeated anchor {}", sct.anchor);
    }
    // A statute without chapters: 2022:900.
    let ideburna = &docs[3];
    assert!(ideburna.sections.iter().any(|s| s.anchor == "P8"));
}

#[test]
fn an_official_statute_page_is_read_as_the_statute() {
    let Some(p) = realdata("statutes_html/rkrattsbaser_sfst_2016-1145_LOU_excerpt.html") else {
        return;
    };
    let doc = ingest(&p, "lag/lou.html");
    let meta = doc.meta.statute.as_ref().expect("a statute");
    assert_eq!(meta.sfs, "2016:1145");
    assert_eq!(meta.amended_to.as_deref(), Some("2018:1317"));
    assert_eq!(doc.title, "Lag (2016:1145) om offentlig upphandling");
    let anchors: Vec<&str> = doc.sections.iter().map(|s| s.anchor.as_str()).collect();
    assert!(
        anchors.contains(&"K1P1") && anchors.contains(&"K1P2"),
        "{anchors:?}"
    );
    // 1 § in force since 2019-01-01 replaced the old version.
    let p1 = doc.sections.iter().find(|s| s.anchor == "K1P1").unwrap();
    assert!(p1.text.contains("bilaga 2 a"), "{}", p1.text);
    assert_eq!(p1.amended.as_deref(), Some("2018:1159"));
    // The same for the other real pages: something to read, chapters anchored.
    for f in [
        "rkrattsbaser_sfst_2010-110.html",
        "rkrattsbaser_sfst_1994-200.html",
    ] {
        let doc = ingest(&p.with_file_name(f), "lag/x.html");
        assert!(doc.meta.statute.is_some(), "{f}");
        assert!(doc.sections.iter().any(|s| s.anchor == "K1P1"), "{f}");
    }
}

/// Real phrasings, each resolving to the paragraph of the real statute texts.
#[test]
fn citations_resolve_to_the_real_paragraphs() {
    let Some(docs) = real_statutes() else { return };
    let book = StatuteBook::from_documents(docs.iter());
    let lou = vagvisare::law::law_of_sfs("2016:1145");
    let in_lou = Context {
        law: lou,
        chapter: None,
    };
    let none = Context::default();
    for (text, ctx, want) in [
        (
            "enligt 4 kap. 18 § LOU",
            none,
            vec![("lagar/lou.md", "K4P18")],
        ),
        (
            "LOU 19 kap. 25 a §",
            none,
            vec![("lagar/lou.md", "K19P25a")],
        ),
        (
            "4 kap. 18 § första stycket",
            in_lou,
            vec![("lagar/lou.md", "K4P18")],
        ),
        ("16 kap. 1–4 §§ LOU", none, vec![("lagar/lou.md", "K16P1")]),
        (
            "LOU 21 kap. 1 och 6–9 §§",
            none,
            vec![("lagar/lou.md", "K21P1"), ("lagar/lou.md", "K21P6")],
        ),
        (
            "19 kap. 25 § och 25 a §",
            in_lou,
            vec![("lagar/lou.md", "K19P25"), ("lagar/lou.md", "K19P25a")],
        ),
        ("19 a kap. LOU", none, vec![("lagar/lou.md", "K19a")]),
        ("4:18 LOU", none, vec![("lagar/lou.md", "K4P18")]),
        ("LUF 4 kap. 16 §", none, vec![("lagar/luf.md", "K4P16")]),
        ("4 kap. 8 § LUK", none, vec![("lagar/luk.md", "K4P8")]),
        (
            "8 § lagen (2022:900)",
            none,
            vec![("lagar/ideburna.md", "P8")],
        ),
        (
            "2 kap. 8 § kommunallagen",
            in_lou,
            vec![("lagar/kl.md", "K2P8")],
        ),
        (
            "Enligt 4 kap. 17 § LOU … och i 18 § står",
            none,
            vec![("lagar/lou.md", "K4P17"), ("lagar/lou.md", "K4P18")],
        ),
    ] {
        let got: Vec<(String, String)> = citations(text, ctx)
            .iter()
            .map(|c| match book.resolve(&c.cited) {
                Resolved::Section {
                    path,
                    anchor: Some(a),
                    ..
                } => (path, a),
                other => panic!("{text}: {:?} resolved to {other:?}", c.cited),
            })
            .collect();
        let want: Vec<(String, String)> = want
            .into_iter()
            .map(|(p, a)| (p.to_string(), a.to_string()))
            .collect();
        assert_eq!(got, want, "{text}");
    }
    // What cannot be told stays plain: no law, no chapter, a time, a bill, a bare SFS-like number.
    for text in [
        "enligt 18 §",
        "4 kap. 18 §",
        "kl. 4:18",
        "prop. 2021/22:5",
        "år 2016:1145",
    ] {
        let found: Vec<_> = citations(text, none)
            .into_iter()
            .filter(|c| matches!(c.cited, Cited::Provision { .. }))
            .collect();
        assert!(found.is_empty(), "{text}: {found:?}");
    }
    // A paragraph the statute does not have goes to the official text, never to a wrong anchor.
    let c = citations("LOU 4 kap. 99 §", none);
    assert!(matches!(
        book.resolve(&c[0].cited),
        Resolved::Official { .. }
    ));
}

async fn get(state: &Arc<AppState>, uri: &str) -> (StatusCode, String) {
    let resp = app(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// The links of a page whose text cites a paragraph: `(href, class)`.
fn citation_links(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    doc.select(&crate::sel("a.cite, a.ext"))
        .map(|a| {
            (
                a.value().attr("href").unwrap_or("").to_string(),
                a.value().attr("class").unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The shipped corpus, with the real LOU or without it, indexed; the server over it.
fn corpus_with_lou(with_lou: bool) -> Option<(tempfile::TempDir, Arc<AppState>)> {
    let lou = realdata("statutes_markdown/sfs-2016-1145_LOU.md")?;
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    crate::copy_dir(&crate::repo().join("corpus"), &corpus);
    if with_lou {
        std::fs::create_dir_all(corpus.join("lag")).unwrap();
        std::fs::copy(&lou, corpus.join("lag/sfs-2016-1145.md")).unwrap();
    }
    let index = dir.path().join("i");
    let o = run(&["index", "--corpus", s(&corpus), "--index", s(&index)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let st = AppState::with_corpus(Engine::open(&index).unwrap(), index, corpus);
    Some((dir, st))
}

#[tokio::test]
async fn card_and_document_citations_open_the_paragraph() {
    let Some((_dir, st)) = corpus_with_lou(true) else {
        return;
    };
    let engine = st.engine.load_full();
    let today = vagvisare::curated::common::today_string();
    // Every current card whose legal basis cites a LOU paragraph links it on its page.
    let mut checked = 0;
    for card in engine
        .curated()
        .cards
        .iter()
        .filter(|c| c.is_current(&today))
    {
        let wanted: Vec<String> = card
            .legal_basis
            .iter()
            .flat_map(|b| citations(b, Context::default()))
            .filter_map(|c| match c.cited {
                Cited::Provision {
                    sfs,
                    chapter: Some(ch),
                    paragraph: Some(p),
                } if sfs == "2016:1145" => Some(format!("K{ch}P{p}")),
                _ => None,
            })
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let (status, html) = get(&st, &format!("/kort/{}", card.id)).await;
        assert_eq!(status, StatusCode::OK, "{}", card.id);
        let links = citation_links(&html);
        for anchor in &wanted {
            let exists = engine.has_document("lag/sfs-2016-1145.md");
            assert!(exists);
            let href = format!("/dok/lag/sfs-2016-1145.md#{anchor}");
            let official = links
                .iter()
                .any(|(h, c)| c.contains("ext") && h.contains("2016:1145"));
            assert!(
                links.iter().any(|(h, _)| *h == href) || official,
                "{}: no link to {anchor} in {links:?}",
                card.id
            );
            checked += 1;
        }
        // Paragraphs LOU has lead to it, not outside.
        assert!(
            links
                .iter()
                .any(|(h, _)| h.starts_with("/dok/lag/sfs-2016-1145.md#K")),
            "{}: {links:?}",
            card.id
        );
    }
    assert!(checked >= 20, "only {checked} citations checked");
    // The answer card above the search hits links its citations too (answer and legal basis).
    let link_targets = async |uri: &str, selector: &str| -> Vec<String> {
        let (status, html) = get(&st, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        scraper::Html::parse_document(&html)
            .select(&crate::sel(selector))
            .filter_map(|a| a.value().attr("href").map(str::to_string))
            .collect()
    };
    let card_box = link_targets(
        "/?q=får+vi+reservera+för+sociala+företag",
        "section.cards a.cite",
    )
    .await;
    assert!(
        card_box
            .iter()
            .any(|h| h == "/dok/lag/sfs-2016-1145.md#K4P18"),
        "the search page's card does not link 4 kap. 18 §: {card_box:?}"
    );
    // So does the comparison table's legal-basis column.
    let table = link_targets("/jamforelse", "table a.cite").await;
    assert!(
        table.iter().any(|h| h == "/dok/lag/sfs-2016-1145.md#K4P18"),
        "the comparison table does not link 4 kap. 18 §: {table:?}"
    );
    // Every document whose references name a LOU paragraph the statute has links it.
    let lou = crate::repo().join("../shared/realdata/statutes_markdown/sfs-2016-1145_LOU.md");
    let lou_doc = ingest(&lou, "lag/sfs-2016-1145.md");
    let has = |a: &str| lou_doc.sections.iter().any(|s| s.anchor == a);
    let mut documents = 0;
    for e in walkdir::WalkDir::new(crate::repo().join("corpus")) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let rel = e.path().strip_prefix(crate::repo().join("corpus")).unwrap();
        let rel = rel.to_str().unwrap().to_string();
        let doc = ingest(e.path(), &rel);
        let wanted: Vec<String> = doc
            .meta
            .legal_refs
            .iter()
            .flat_map(|r| citations(r, Context::default()))
            .filter_map(|c| match c.cited {
                Cited::Provision {
                    sfs,
                    chapter: Some(ch),
                    paragraph: Some(p),
                } if sfs == "2016:1145" => Some(format!("K{ch}P{p}")),
                _ => None,
            })
            .filter(|a| has(a))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let uri = format!("/dok/{}", vagvisare::urls::encode_path(&rel));
        let (status, html) = get(&st, &uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let links = citation_links(&html);
        for a in &wanted {
            let href = format!("/dok/lag/sfs-2016-1145.md#{a}");
            assert!(
                links.iter().any(|(h, _)| *h == href),
                "{rel}: no link to {a}"
            );
        }
        documents += 1;
    }
    assert!(documents >= 15, "only {documents} documents checked");
    // A case links to the document about it.
    let (_, html) = get(&st, "/kort/bidrag-eller-kop").await;
    assert!(
        citation_links(&html)
            .iter()
            .any(|(h, _)| h == "/dok/iop/hfd-2020-ref-15-alingsas.md"),
        "HFD 2020 ref. 15 does not lead to the document about it"
    );
    // A guidance document's text: its citations link into the statute.
    let (_, html) = get(
        &st,
        "/dok/reserverade-kontrakt/reserverade-kontrakt-grunder.md",
    )
    .await;
    let links = citation_links(&html);
    assert!(
        links
            .iter()
            .any(|(h, _)| h == "/dok/lag/sfs-2016-1145.md#K4P18"),
        "{links:?}"
    );
    // The statute's own page: chapter and paragraph anchors, kind Lagtext, and its internal
    // references ("16 § första stycket") lead within it.
    let (status, html) = get(&st, "/dok/lag/sfs-2016-1145.md").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"K4P18\""));
    assert!(html.contains("Lagtext"));
    assert!(
        citation_links(&html)
            .iter()
            .any(|(h, _)| h == "/dok/lag/sfs-2016-1145.md#K4P16"),
        "no link within the statute"
    );
    // The hover text of a paragraph link is its first sentence.
    assert!(
        html.contains("title=\"LOU 4 kap. 16 §: "),
        "no title on the link"
    );
    // Search: the facet list has "Lagtext".
    let (_, html) = get(&st, "/?q=reserverad+upphandling").await;
    assert!(html.contains("Lagtext"), "no Lagtext facet");
}

#[tokio::test]
async fn without_the_statute_citations_go_to_the_official_text() {
    let Some((_dir, st)) = corpus_with_lou(false) else {
        return;
    };
    let (status, html) = get(&st, "/kort/valja-reservationsregel").await;
    assert_eq!(status, StatusCode::OK);
    let links = citation_links(&html);
    assert!(!links.is_empty());
    for (href, class) in &links {
        if href.starts_with("http") {
            assert!(class.contains("ext"), "{href} not marked external");
            assert!(
                href.starts_with("https://rkrattsbaser.gov.se/sfst?bet="),
                "{href}"
            );
        }
    }
    assert!(links.iter().any(|(h, _)| h.ends_with("bet=2016:1145")));
    assert!(
        html.contains("extern webbplats"),
        "the external link is not announced"
    );
}

/// A small HTTP server for the fetch tests: `routes` maps a path and query to a body; anything
/// else is 404. Serves until the test process ends.
fn serve(routes: Vec<(String, String)>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut first = String::new();
            if reader.read_line(&mut first).is_err() {
                continue;
            }
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let target = first.split_whitespace().nth(1).unwrap_or("").to_string();
            let found = routes.iter().find(|(p, _)| *p == target);
            let (status, body) = match found {
                Some((_, b)) => ("200 OK", b.as_str()),
                None => (
                    "404 Not Found",
                    "<html><body>Sidan finns inte</body></html>",
                ),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

#[test]
fn fetch_writes_the_statute_and_reports_changes_and_failures() {
    let Some(dir) = realdata("statutes_html") else {
        return;
    };
    let page =
        std::fs::read_to_string(dir.join("rkrattsbaser_sfst_2016-1145_LOU_excerpt.html")).unwrap();
    let register =
        std::fs::read_to_string(dir.join("rkrattsbaser_sfsr_2016-1145_LOU_register.html")).unwrap();
    let base = serve(vec![
        ("/sfst?bet=2016:1145".into(), page.clone()),
        ("/sfsr?bet=2016:1145".into(), register.clone()),
        // LUF's address answering with LOU's page: an unexpected page.
        ("/sfst?bet=2016:1146".into(), page),
        ("/sfsr?bet=2016:1146".into(), register),
        // A page that is not a statute page at all.
        (
            "/sfst?bet=2016:1147".into(),
            "<html><body><h1>Underhåll</h1></body></html>".into(),
        ),
    ]);
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(corpus.join("lag")).unwrap();
    // Files that a failed fetch must leave as they were.
    for n in ["2016-1146", "2016-1147", "2022-900"] {
        std::fs::write(corpus.join(format!("lag/sfs-{n}.md")), "förra hämtningen\n").unwrap();
    }
    let fetch = |numbers: &[&str], base: &str| {
        let mut args = vec!["statute", "fetch", "--corpus", s(&corpus), "--base", base];
        args.extend_from_slice(numbers);
        run(&args)
    };
    let o = fetch(&["2016:1145"], &base);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("ny i korpusen"), "{}", stdout(&o));
    let written = std::fs::read_to_string(corpus.join("lag/sfs-2016-1145.md")).unwrap();
    assert!(written.contains("sfs: \"2016:1145\""));
    assert!(written.contains("amended_to: \"2018:1317\""));
    assert!(written.contains(&format!("source: \"{base}/sfst?bet=2016:1145\"")));
    assert!(written.contains("sfs: \"2018:1159\"") && written.contains("in_force: \"2019-01-01\""));
    // The written file is a statute the corpus reads with its anchors.
    let doc = ingest(&corpus.join("lag/sfs-2016-1145.md"), "lag/sfs-2016-1145.md");
    assert!(doc.sections.iter().any(|s| s.anchor == "K1P2"));
    assert_eq!(
        doc.meta.statute.as_ref().unwrap().in_force("2018:1159"),
        Some("2019-01-01")
    );
    // Again: nothing changed.
    let o = fetch(&["2016:1145"], &base);
    assert!(stdout(&o).contains("oförändrad"), "{}", stdout(&o));
    // A paragraph edited since (as if the law had been amended): reported by its heading.
    std::fs::write(
        corpus.join("lag/sfs-2016-1145.md"),
        written.replace(
            "Denna lag gäller för upphandling",
            "Denna lag gällde för upphandling",
        ),
    )
    .unwrap();
    let o = fetch(&["2016:1145"], &base);
    assert!(stdout(&o).contains("ändrade: 1 kap. 2 §"), "{}", stdout(&o));
    // Failures: the wrong statute's page, not a statute page, a missing page, no server, and
    // not an SFS number. Each is named; the files stay as they were.
    let o = fetch(&["2016:1146", "2016:1147", "2022:900", "x:y"], &base);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("SFS 2016:1146") && err.contains("not 2016:1146"),
        "{err}"
    );
    assert!(
        err.contains("SFS 2016:1147") && err.contains("not a statute page"),
        "{err}"
    );
    assert!(
        err.contains("SFS 2022:900") && err.contains("answered 404"),
        "{err}"
    );
    assert!(err.contains("x:y is not an SFS number"), "{err}");
    let o = fetch(&["2016:1146"], "http://127.0.0.1:9");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("could not reach"), "{}", stderr(&o));
    for n in ["2016-1146", "2016-1147", "2022-900"] {
        assert_eq!(
            std::fs::read_to_string(corpus.join(format!("lag/sfs-{n}.md"))).unwrap(),
            "förra hämtningen\n",
            "{n} was overwritten"
        );
    }
}

/// A statute whose 4 kap. 18 § was amended by an act in force 2026-07-01, and a card and a
/// document reviewed before that which cite it.
fn stale_fixture(corpus: &Path) {
    let write = |rel: &str, text: &str| {
        let p = corpus.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "lag/sfs-2016-1145.md",
        "---\ntitle: \"Lag (2016:1145) om offentlig upphandling\"\nstatute:\n  sfs: \"2016:1145\"\n  amended_to: \"2026:50\"\n  amendments:\n    - sfs: \"2026:50\"\n      in_force: \"2026-07-01\"\n---\n\n# Lag (2016:1145) om offentlig upphandling\n\n## 4 kap. Allmänna bestämmelser\n\n#### 18 §\n\nEn upphandlande myndighet får reservera deltagandet. Lag (2026:50).\n\n#### 19 §\n\nOförändrad paragraf.\n",
    );
    write(
        "reservation.md",
        "---\ntitle: Reservation\nreviewed: 2026-01-10\nlegal_refs: [\"LOU 4 kap. 18 §\"]\ntopics: [reserverade-kontrakt]\n---\n# Reservation\n\nEnligt 4 kap. 18 § LOU får myndigheten reservera. Se också 4 kap. 19 § LOU.\n",
    );
    write(
        "kort/reservera.toml",
        "id = \"reservera\"\ntitle = \"Får vi reservera?\"\nanswer = \"Ja, enligt 4 kap. 18 § LOU.\"\ndetails = \"Mer om det.\"\nlegal_basis = [\"LOU 4 kap. 18 §\"]\nsee = [\"reservation.md\"]\naudience = [\"procurer\"]\ntopics = [\"reserverade-kontrakt\"]\ntriggers = [\"reservera\"]\nreviewed = \"2026-01-10\"\n",
    );
}

#[tokio::test]
async fn a_paragraph_amended_after_the_review_is_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    stale_fixture(&corpus);
    let o = run(&["check", "--corpus", s(&corpus)]);
    let out = format!("{}{}", stdout(&o), stderr(&o));
    let warnings: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("4 kap. 18 § LOU ändrad genom SFS 2026:50 (i kraft 2026-07-01) efter granskningen 2026-01-10"))
        .collect();
    assert!(
        warnings.iter().any(|l| l.contains("reservation.md"))
            && warnings.iter().any(|l| l.contains("reservera.toml")),
        "{out}"
    );
    assert!(!out.contains("4 kap. 19 § LOU ändrad"), "{out}");
    // The pages say it too, with a link to the paragraph.
    let index = tmp.path().join("i");
    let o = run(&["index", "--corpus", s(&corpus), "--index", s(&index)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let st = AppState::new(Engine::open(&index).unwrap(), index);
    for uri in ["/kort/reservera", "/dok/reservation.md"] {
        let (status, html) = get(&st, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(
            html.contains("Lagen har ändrats sedan texten granskades"),
            "{uri}: no notice"
        );
        assert!(html.contains("SFS 2026:50"), "{uri}");
        assert!(
            html.contains("href=\"/dok/lag/sfs-2016-1145.md#K4P18\""),
            "{uri}"
        );
    }
    // Reviewed after the amendment: no notice.
    let text = std::fs::read_to_string(corpus.join("reservation.md"))
        .unwrap()
        .replace("2026-01-10", "2026-08-01");
    std::fs::write(corpus.join("reservation.md"), text).unwrap();
    let o = run(&["check", "--corpus", s(&corpus)]);
    assert!(
        !format!("{}{}", stdout(&o), stderr(&o)).contains("reservation.md: 4 kap. 18 §"),
        "{}",
        stdout(&o)
    );
}

/// The legal review's corrections stay made: none of the wrong statements or paragraph
/// references it found occurs in the shipped corpus again.
#[test]
fn the_legal_reviews_corrections_are_kept() {
    let corpus = crate::repo().join("corpus");
    let read = |rel: &str| std::fs::read_to_string(corpus.join(rel)).unwrap();
    for (rel, wrong) in [
        ("kort/hfd-alingsas.toml", "21 kap. 1 §\""),
        ("kort/innovationspartnerskap.toml", "6 kap. 30–31 §§"),
        ("kort/tappar-trettio-procent.toml", "17 kap. 8 §"),
        ("kort/nytt-sedan-2022.toml", "skärpt"),
        (
            "kort/rattsfall-workshop.toml",
            "EU-domstolen slog fast i C-598/19",
        ),
        ("kort/workshop-upplagg.toml", "3,5"),
        ("kort/workshop-upplagg.toml", "tio minuter"),
        (
            "workshop/exempel-iop-och-reserverade.md",
            "kan inte användas för något som kommunen tidigare köpt",
        ),
        (
            "workshop/statsstod-och-de-minimis-enkelt.md",
            "de allmänna de minimis-gränsen",
        ),
        ("iop/iop-avtalets-innehall.html", "handla om om"),
        ("en/procurement-law-overview.md", "30 % of the employees"),
        ("en/social-enterprises-sweden.md", "of staff"),
        ("en/reserved-contracts.md", "Any kind"),
        ("upphandling/bilaga-2-tjanster.md", "oavsett vad som köps"),
    ] {
        assert!(!read(rel).contains(wrong), "{rel} again says {wrong:?}");
    }
    for (rel, needed) in [
        ("kort/konkurrent-klagar-iop.toml", "20 kap. 13 a §"),
        ("kort/upphandlingsskadeavgift.toml", "20 kap. 13 a §"),
        ("kort/innovationspartnerskap.toml", "6 kap. 30–41 §§"),
        ("kort/tappar-trettio-procent.toml", "17 kap. 14 §"),
        ("kort/bidrag-eller-kop.toml", "1 kap. 15 §"),
        ("kort/hfd-alingsas.toml", "1 kap. 15 §"),
        ("kort/iop-utan-upphandling.toml", "1 kap. 15 §"),
        ("kort/lagandringar-2026-2027.toml", "oktober 2025"),
        ("workshop/nytt-och-kommande.md", "oktober 2025"),
        ("kort/rattsfall-workshop.toml", "generaladvokat"),
    ] {
        assert!(
            read(rel).contains(needed),
            "{rel} no longer says {needed:?}"
        );
    }
    // A procurer reads a publisher, not a draft: the draft's hedges are gone from the corpus.
    let mut hedged = Vec::new();
    for e in walkdir::WalkDir::new(&corpus) {
        let e = e.unwrap();
        if !e.file_type().is_file() || e.path().extension().is_some_and(|x| x == "pdf") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        for phrase in [
            "inte kunnat bekräfta",
            "vårt underlag",
            "Uppgifterna avser läget",
        ] {
            if text.contains(phrase) {
                hedged.push(format!("{}: {phrase}", e.path().display()));
            }
        }
    }
    assert!(hedged.is_empty(), "{hedged:#?}");
}
