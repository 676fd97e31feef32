//! The HTTP surface, driven through the router without a socket.

use crate::{Sandbox, run, s, sel};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use std::sync::Arc;
use tower::ServiceExt;
use vagvisare::search::Engine;
use vagvisare::server::{AppState, app};

fn state(sb: &Sandbox) -> Arc<AppState> {
    AppState::with_corpus(Engine::open(&sb.index()).unwrap(), sb.index(), sb.corpus())
}

async fn get(state: &Arc<AppState>, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let resp = app(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn enc(q: &str) -> String {
    percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[tokio::test]
async fn api_equals_cli_json() {
    let sb = Sandbox::new();
    sb.index_run();
    let st = state(&sb);
    for q in ["överprövning", "4 kap. 18 §", "idéburen organisation", ""] {
        let (status, headers, body) = get(&st, &format!("/api/search?q={}&limit=5", enc(q))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let mut api: serde_json::Value = serde_json::from_str(&body).unwrap();
        let o = run(&[
            "search",
            "--index",
            s(&sb.index()),
            "--json",
            "--limit",
            "5",
            "--",
            q,
        ]);
        let mut cli: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        api["took_ms"] = 0.into();
        cli["took_ms"] = 0.into();
        assert_eq!(api, cli, "{q}");
    }
    let (_, _, body) = get(&st, "/api/search").await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["total"], 0);
}

#[tokio::test]
async fn bad_limit_is_400_and_nothing_is_500() {
    let sb = Sandbox::new();
    sb.index_run();
    let st = state(&sb);
    for bad in ["abc", "-1", "0", "1e9"] {
        let (status, _, body) = get(&st, &format!("/api/search?q=iop&limit={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["error"].is_string());
    }
    let (_, _, body) = get(&st, "/api/search?q=iop&limit=100000").await;
    assert!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["hits"]
            .as_array()
            .unwrap()
            .len()
            <= 100
    );
    let nested = "(".repeat(1500);
    for q in [
        "\"",
        "(",
        "title:",
        "*",
        "~",
        &nested,
        &"x".repeat(5000),
        "%ZZ",
    ] {
        let (status, _, _) = get(&st, &format!("/api/search?q={}", enc(q))).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, _) = get(&st, &format!("/?q={}", enc(q))).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _, _) = get(&st, "/api/search?q=%ZZ%").await;
    assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn pages_render_and_link_to_sections() {
    let sb = Sandbox::new();
    sb.index_run();
    let st = state(&sb);
    let (status, headers, body) = get(&st, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let html = scraper::Html::parse_document(&body);
    assert_eq!(html.select(&sel("html[lang=sv]")).count(), 1);
    assert_eq!(
        html.select(&sel("form[action='/'] input[name=q]")).count(),
        1
    );

    let (_, _, body) = get(&st, &format!("/?q={}", enc("överenskommelsen <b>"))).await;
    let html = scraper::Html::parse_document(&body);
    let link = html
        .select(&sel("li.hit h2 a"))
        .next()
        .expect("a hit")
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert_eq!(
        link,
        "/dok/iop-grunder.md?q=%C3%B6verenskommelsen%20%3Cb%3E#overenskommelsen-i-are"
    );
    let (status, _, body) = get(&st, link.split('#').next().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let page = scraper::Html::parse_document(&body);

    let marked: Vec<String> = page
        .select(&sel("section#overenskommelsen-i-are mark"))
        .map(|m| m.text().collect())
        .collect();
    assert_eq!(
        marked,
        vec!["Överenskommelsen".to_string()],
        "query words are marked in the document"
    );
    assert!(!body.contains("<b>\""), "query is escaped");
    // The count names what it counts, and no timing is shown.
    let status_text: String = html
        .select(&sel(".status[role=status]"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(
        status_text.contains("dokument,") && status_text.contains("avsnitt"),
        "{status_text}"
    );
    assert!(!status_text.contains("ms"), "{status_text}");

    let (status, _, body) = get(&st, "/dok/iop-grunder.md").await;
    assert_eq!(status, StatusCode::OK);
    let doc = scraper::Html::parse_document(&body);
    assert!(
        doc.select(&sel("section#overenskommelsen-i-are h2"))
            .next()
            .is_some(),
        "{body}"
    );
    let (status, _, _) = get(
        &st,
        &format!(
            "/dok/{}",
            enc("lagar och råd/lou-utdrag.md").replace("%2F", "/")
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Originals download as attachments; nothing outside the indexed corpus files is served.
    let resp = app(st.clone())
        .oneshot(
            Request::get("/fil/gammal-sida.htm")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(resp.headers()["content-type"], "application/octet-stream");
    let (status, _, body) = get(
        &st,
        &format!(
            "/fil/{}",
            enc("lagar och råd/lou-utdrag.md").replace("%2F", "/")
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("18 §"));
    for bad in [
        "/fil/../Cargo.toml",
        "/fil/%2e%2e/%2e%2e/etc/passwd",
        "/fil//etc/passwd",
        "/fil/trasig.pdf",
        "/fil/finns-inte.md",
    ] {
        let (status, _, body) = get(&st, bad).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
        assert!(!body.contains("root:"));
    }
    for bad in [
        "/dok/../Cargo.toml",
        "/dok/%2e%2e/%2e%2e/etc/passwd",
        "/dok//etc/passwd",
        "/dok/finns-inte.md",
        "/nope",
    ] {
        let (status, _, body) = get(&st, bad).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
        assert!(!body.contains("root:"));
    }
    let (status, _, body) = get(&st, "/healthz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, headers, _) = get(&st, "/static/style.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

/// `vagvisare index` run by another process: a commit in the same generation is picked up by
/// the reader, and a rebuilt generation by `refresh`, both without restarting.
#[tokio::test]
async fn new_commits_are_served_without_restart() {
    let sb = Sandbox::new();
    sb.index_run();
    let st = state(&sb);
    let count = |body: &str| {
        serde_json::from_str::<serde_json::Value>(body).unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    let (_, _, body) = get(&st, "/api/search?q=kanotuthyrning").await;
    assert_eq!(count(&body), 0);
    // The repeated question is answered from the result cache, which a commit must not fool.
    let (_, _, again) = get(&st, "/api/search?q=kanotuthyrning").await;
    assert_eq!(count(&again), 0);
    // One entry, even when the reader reloaded in between: a reload that finds no new commit
    // keeps the cache key (it once did not, and the cache missed at random under load).
    assert_eq!(st.results.len(), 1, "the question was cached once");

    sb.write(
        "nytt.md",
        "# Nyhet\n\nKommunen upphandlar kanotuthyrning.".as_bytes(),
    );
    sb.index_run();
    let mut found = false;
    for _ in 0..50 {
        let (_, _, body) = get(&st, "/api/search?q=kanotuthyrning").await;
        if count(&body) > 0 {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(found, "incremental commit served within 5 s");

    sb.write(
        "nytt2.md",
        "# Nyhet två\n\nKommunen upphandlar cykelreparationer.".as_bytes(),
    );
    let o = sb.index_with(&["--rebuild"]);
    assert!(o.status.success());
    assert!(st.refresh(), "a new generation is picked up");
    let (_, _, body) = get(&st, "/api/search?q=cykelreparationer").await;
    assert_eq!(count(&body), 1);
}

/// A server state over the shipped corpus (with its cards, IOP rules and thresholds).
fn shipped_state() -> (tempfile::TempDir, Arc<AppState>) {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&[
        "index",
        "--corpus",
        s(&crate::repo().join("corpus")),
        "--index",
        s(&dir.path().join("i")),
    ]);
    assert!(o.status.success());
    let st = AppState::new(
        Engine::open(&dir.path().join("i")).unwrap(),
        dir.path().join("i"),
    );
    (dir, st)
}

#[tokio::test]
async fn curated_pages_work_without_javascript() {
    let (_dir, st) = shipped_state();
    // Cards: list, page, and on top of the search results.
    let (status, _, body) = get(&st, "/kort").await;
    assert_eq!(status, StatusCode::OK);
    let html = scraper::Html::parse_document(&body);
    let first = html
        .select(&sel(".cardgroup a"))
        .next()
        .expect("a card link")
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    let (status, _, body) = get(&st, &first).await;
    assert_eq!(status, StatusCode::OK);
    let page = scraper::Html::parse_document(&body);
    assert!(
        page.select(&sel(".sources a[href^='/dok/']"))
            .next()
            .is_some(),
        "card links its sources"
    );
    let (status, _, _) = get(&st, "/kort/finns-inte").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // IOP check: form, posted form → shareable result URL, result page, JSON API.
    let (status, _, body) = get(&st, "/iop").await;
    assert_eq!(status, StatusCode::OK);
    let form = scraper::Html::parse_document(&body);
    assert!(
        form.select(&sel(
            "form[method=post][action='/iop/resultat'] fieldset input[type=radio]"
        ))
        .count()
            >= 20
    );
    let first_radio = form.select(&sel("input[type=radio]")).next().unwrap();
    let (name, value) = (
        first_radio.value().attr("name").unwrap(),
        first_radio.value().attr("value").unwrap(),
    );
    let resp = app(st.clone())
        .oneshot(
            Request::post("/iop/resultat")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(format!("{name}={value}")))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/iop/resultat?"), "{location}");
    let (status, _, body) = get(&st, &location).await;
    assert_eq!(status, StatusCode::OK);
    // One answer is too few for an indication: the page asks for the deciding questions.
    assert!(body.contains("Svara först på frågorna som avgör"), "{body}");
    assert!(body.contains("#q-forpliktelser"), "{body}");
    let (_, _, body) = get(
        &st,
        "/iop/resultat?v=2&ideburen=ja&forpliktelser=ja&ersattning=per-styck&marknad=andra-finns",
    )
    .await;
    assert!(body.contains("Säkerhet i bedömningen"), "{body}");
    assert!(body.contains("Det som avgör"), "{body}");
    let resp = app(st.clone())
        .oneshot(
            Request::post("/api/iop")
                .header("content-type", "application/json")
                .body(Body::from(format!(
                    "{{\"answers\": {{\"{name}\": \"{value}\"}}}}"
                )))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(v["outcome"].is_string() && v["certainty"].is_string() && v["reasons"].is_array());
    let resp = app(st.clone())
        .oneshot(
            Request::post("/api/iop")
                .header("content-type", "application/json")
                .body(Body::from("[1,2"))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);

    // Threshold guide: page and API.
    let (status, _, body) = get(
        &st,
        "/troskelvarden?value=650+000&kind=tjanster&buyer=kommun",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Direktupphandling är tillåten"), "{body}");
    let (status, _, body) = get(
        &st,
        "/api/troskelvarden?value=3000000&kind=varor&buyer=kommun&datum=2025-05-01",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["regime"], "over-troskelvardet");
    let (status, _, _) = get(
        &st,
        "/api/troskelvarden?value=mycket&kind=varor&buyer=kommun",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// Hostile content in a document and a card renders inert on every page.
#[tokio::test]
async fn hostile_content_renders_inert() {
    let sb = Sandbox::new();
    let payload = r#"<script>alert(1)</script> "><img src=x onerror=alert(1)> javascript:alert(1)"#;
    sb.write(
        "elak.md",
        format!("---\ntitle: '{p}'\nsummary: '{p}'\nsources: [\"javascript:alert(1)\"]\n---\n# {p}\n\n## {p} rubrik\n\nText {p} om giftbomber.\n", p = payload.replace('\'', "''")).as_bytes(),
    );
    sb.write(
        "kort/elakt.toml",
        "id = \"elakt\"\ntitle = \"<script>alert(1)</script> giftbomber?\"\nanswer = \"<img src=x onerror=alert(1)> svar om giftbomber\"\ndetails = \"[klicka](javascript:alert(1)) <script>alert(2)</script>\"\nlegal_basis = [\"<b>LOU</b>\"]\nsee = [\"elak.md\"]\naudience = [\"procurer\"]\ntopics = [\"upphandling\"]\ntriggers = [\"giftbomber\"]\nreviewed = 2026-11-01\n".as_bytes(),
    );
    sb.index_run();
    let st = state(&sb);
    for uri in [
        "/?q=giftbomber",
        &format!("/?q={}", enc(payload)),
        "/dok/elak.md",
        "/kort/elakt",
        "/kort",
        "/api/search?q=giftbomber",
    ] {
        let (status, _, body) = get(&st, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        if uri.starts_with("/api") {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert!(
                !v["hits"][0]["snippet"].as_str().unwrap().contains("<img"),
                "{uri}"
            );
            continue;
        }
        let html = scraper::Html::parse_document(&body);
        for script in html.select(&sel("script")) {
            assert_eq!(
                script.value().attr("src"),
                Some("/static/enhance.js"),
                "{uri}: inline script"
            );
        }
        for el in html.select(&sel("*")) {
            for (name, value) in el.value().attrs() {
                assert!(
                    !name.starts_with("on"),
                    "{uri}: event handler attribute {name}"
                );
                assert!(
                    !value.trim().to_ascii_lowercase().starts_with("javascript:"),
                    "{uri}: javascript: URL in {name}"
                );
            }
        }
        assert!(
            html.select(&sel("img")).next().is_none(),
            "{uri}: injected image"
        );
    }
}

#[tokio::test]
async fn changes_page_feed_and_accessibility_statement() {
    let (_dir, st) = shipped_state();
    let (status, _, body) = get(&st, "/nytt").await;
    assert_eq!(status, StatusCode::OK);
    let html = scraper::Html::parse_document(&body);
    let dates: Vec<String> = html
        .select(&sel(".changeday h2 time"))
        .map(|t| t.value().attr("datetime").unwrap().to_string())
        .collect();
    assert!(!dates.is_empty());
    assert!(
        dates.windows(2).all(|w| w[0] > w[1]),
        "one heading a day, newest first"
    );
    assert!(html.select(&sel(".changes li")).count() > 100, "entries");
    // Each change says what changed (the texts' `changes` notes).
    let notes: Vec<String> = html
        .select(&sel(".changenote"))
        .map(|n| n.text().collect())
        .collect();
    assert!(
        notes.iter().filter(|n| !n.starts_with("Granskad")).count() > 50,
        "{notes:?}"
    );
    let (status, headers, body) = get(&st, "/nytt.atom").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    assert!(
        body.starts_with("<?xml") && body.matches("<entry>").count() > 100,
        "{}",
        &body[..300]
    );
    let (_, _, body) = get(&st, "/dok/reserverade-kontrakt/trettio-procent.md").await;
    let html = scraper::Html::parse_document(&body);
    let related: Vec<String> = html
        .select(&sel(".related a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert!(related.len() >= 4, "{related:?}");
    assert!(
        related
            .iter()
            .all(|r| r != "/dok/reserverade-kontrakt/trettio-procent.md")
    );
    assert!(
        html.select(&sel(".toc a")).count() >= 3 && html.select(&sel(".doccards a")).count() >= 1
    );
    let (status, _, body) = get(&st, "/tillganglighet").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("WCAG 2.1"));
}

#[tokio::test]
async fn facets_count_and_filter() {
    let (_dir, st) = shipped_state();
    let (_, _, body) = get(&st, "/api/search?q=upphandling&limit=5").await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let total = v["total"].as_u64().unwrap();
    let pdf = v["facets"]["format"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["value"] == "pdf")
        .expect("pdf facet")["count"]
        .as_u64()
        .unwrap();
    assert!(pdf > 0 && pdf < total);
    let (_, _, body) = get(&st, "/api/search?q=upphandling&limit=50&format=pdf").await;
    let f: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        f["total"].as_u64().unwrap(),
        pdf,
        "filtering gives the counted number"
    );
    assert!(
        f["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["kind"] == "pdf")
    );
    let (_, _, body) = get(&st, "/api/search?q=upphandling&format=pdf&lang=en").await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["total"],
        0,
        "filters combine"
    );
    // The page shows facet links that carry the query and the filter, and a chip to remove it.
    let (_, _, body) = get(&st, "/?q=upphandling&topic=iop").await;
    let html = scraper::Html::parse_document(&body);
    let chip = html
        .select(&sel(".facets .chip"))
        .next()
        .expect("active filter chip")
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert_eq!(chip, "/?q=upphandling");
    let link = html
        .select(&sel(".facetgroup a"))
        .next()
        .expect("facet link")
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert!(
        link.starts_with("/?q=upphandling&") && link.contains("topic=iop"),
        "{link}"
    );
}

#[tokio::test]
async fn suggestions_and_page_weight() {
    let (_dir, st) = shipped_state();
    let (status, _, body) = get(&st, "/api/suggest?q=reserverade%20kontrakt").await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let s = v["suggestions"].as_array().unwrap();
    assert!(s.len() >= 3 && s.len() <= 8, "{v}");
    assert!(
        s.iter()
            .all(|x| x["url"].as_str().unwrap().starts_with('/'))
    );
    let (_, _, body) = get(&st, "/api/suggest?q=a").await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["suggestions"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // Hits are grouped by document: each document once, its matching sections under it.
    let (_, _, page) = get(&st, "/?q=30%20procent%20r%C3%A4kna").await;
    let html = scraper::Html::parse_document(&page);
    let paths: Vec<String> = html
        .select(&sel("li.hit .path"))
        .map(|p| p.text().collect())
        .collect();
    let unique: std::collections::HashSet<&String> = paths.iter().collect();
    assert_eq!(unique.len(), paths.len(), "{paths:?}");
    assert!(
        html.select(&sel("li.hit"))
            .any(|li| li.select(&sel(".hitsection")).count() >= 2)
    );
    // The search page with its CSS and JS stays small (no framework, no fonts).
    let (_, _, page) = get(&st, "/?q=reserverade%20kontrakt").await;
    let (_, _, css) = get(&st, "/static/style.css").await;
    let (_, _, js) = get(&st, "/static/enhance.js").await;
    let weight = page.len() + css.len() + js.len();
    eprintln!(
        "search page weight: {weight} bytes (HTML {} + CSS {} + JS {})",
        page.len(),
        css.len(),
        js.len()
    );
    assert!(weight < 100 * 1024, "{weight} bytes");
}

#[tokio::test]
async fn workshop_session_in_the_url() {
    let (_dir, st) = shipped_state();
    // Checkboxes post the session as repeated k= parameters.
    let (status, _, body) = get(&st, "/workshop?k=vad-ar-iop&k=hfd-alingsas&k=finns-inte").await;
    assert_eq!(status, StatusCode::OK);
    let html = scraper::Html::parse_document(&body);
    assert_eq!(
        html.select(&sel("ol.chosen li")).count(),
        2,
        "unknown ids are dropped"
    );
    assert_eq!(
        html.select(&sel("input[type=checkbox][checked]")).count(),
        2
    );
    let show = html
        .select(&sel(".actionbar a"))
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert_eq!(show, "/workshop/visa?k=vad%2Dar%2Diop%2Chfd%2Dalingsas&i=0");
    // Presentation: one card per screen with next/previous links (arrow keys in JS).
    let (_, _, body) = get(&st, &show).await;
    let slide = scraper::Html::parse_document(&body);
    assert!(
        slide
            .select(&sel("body.projector h1"))
            .next()
            .unwrap()
            .text()
            .collect::<String>()
            .contains("IOP")
    );
    assert!(slide.select(&sel("#prev")).next().is_none());
    let next = slide
        .select(&sel("#next"))
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    let (_, _, body) = get(&st, &next).await;
    assert!(
        scraper::Html::parse_document(&body)
            .select(&sel("#next"))
            .next()
            .is_none(),
        "last card"
    );
    // Print views: one or four cards per page, each with its sources and a footer.
    for per in ["1", "4"] {
        let (_, _, body) = get(
            &st,
            &format!("/workshop/utskrift?k=vad-ar-iop,hfd-alingsas&per={per}"),
        )
        .await;
        let print = scraper::Html::parse_document(&body);
        assert_eq!(
            print
                .select(&sel(&format!("body.per-{per} article.handout")))
                .count(),
            2
        );
        // A footer with the card's short address, no internal id on its own.
        assert!(print.select(&sel(".handout-foot")).all(|f| {
            let t: String = f.text().collect();
            t.contains("/kort/") && t.contains("granskat")
        }));
    }
}

#[tokio::test]
async fn diagrams_are_inline_svg_from_data() {
    let (_dir, st) = shipped_state();
    let (status, _, body) = get(&st, "/jamforelse").await;
    assert_eq!(status, StatusCode::OK);
    let html = scraper::Html::parse_document(&body);
    let svg = html
        .select(&sel("svg.diagram[role=img] title"))
        .next()
        .expect("an accessible SVG");
    assert!(svg.text().collect::<String>().contains("IOP"));
    assert_eq!(
        html.select(&sel("table.figures tbody tr")).count(),
        5,
        "the same data as a table"
    );
    assert!(!body.contains("style=\""), "no inline styles under the CSP");
    // The IOP result walks the legal tests in order, in a drawing and as a list with the answers.
    let (_, _, body) = get(
        &st,
        "/iop/resultat?v=2&ideburen=ja&initiativ=organisationen&forpliktelser=vet-ej&marknad=nej&ersattning=del-av-budget",
    )
    .await;
    let html = scraper::Html::parse_document(&body);
    let texts: String = html
        .select(&sel("svg.diagram text"))
        .map(|t| t.text().collect::<String>())
        .collect();
    assert!(
        texts.contains("1. Parterna") && texts.contains("Kontraktsprövningen"),
        "{texts}"
    );
    let steps: Vec<String> = html
        .select(&sel("ol.steps > li"))
        .map(|t| t.text().collect::<String>())
        .collect();
    assert_eq!(steps.len(), 6, "{steps:?}");
    assert!(steps[0].contains("Obesvarad"), "{}", steps[0]);
    assert!(steps[1].contains("Vet inte"), "{}", steps[1]);
    assert!(
        !body.contains("/iop/resultat?v=2&amp;"),
        "the raw URL is not shown as text"
    );
}

/// Text nodes of a page whose nearest `lang` attribute says `lang`, joined by newlines.
fn text_in_language(html: &scraper::Html, lang: &str) -> String {
    let mut out = String::new();
    for node in html.tree.root().descendants() {
        let scraper::Node::Text(t) = node.value() else {
            continue;
        };
        let in_script = node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "script" | "style" | "title"))
        });
        let nearest = node
            .ancestors()
            .find_map(|a| a.value().as_element().and_then(|e| e.attr("lang")));
        if !in_script && nearest == Some(lang) {
            out.push_str(t);
            out.push('\n');
        }
    }
    out
}

/// Whether `text` holds `phrase` as whole words.
fn contains_words(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The interface in English: every page type renders with `lang="en"`, English texts, a switch
/// back to Swedish that keeps the address, and no Swedish interface text outside elements marked
/// `lang="sv"` (documents and cards keep their language and are marked so).
#[tokio::test]
async fn english_interface_on_every_page_type() {
    let (_dir, st) = shipped_state();
    let sv_texts = vagvisare::server::ui::parse_texts(include_str!("../../web/i18n/sv.toml"));
    let en_texts = vagvisare::server::ui::parse_texts(include_str!("../../web/i18n/en.toml"));
    // Swedish interface texts that differ from their English version (short ones such as "PDF"
    // or "Workshop" are the same in both).
    let swedish_only: Vec<&String> = sv_texts
        .iter()
        .filter(|(k, v)| en_texts.get(*k) != Some(v) && v.chars().count() >= 8)
        .map(|(_, v)| v)
        .collect();
    assert!(swedish_only.len() > 100, "{}", swedish_only.len());
    let card = {
        let (_, _, body) = get(&st, "/kort").await;
        let html = scraper::Html::parse_document(&body);
        let href = html
            .select(&sel(".cardgroup a"))
            .next()
            .unwrap()
            .attr("href");
        href.unwrap().to_string()
    };
    let card_id = card.trim_start_matches("/kort/").to_string();
    let pages = [
        "/".to_string(),
        "/?q=reserverade%20kontrakt".into(),
        "/?q=qqqxyzzy".into(),
        "/?q=upphandling&topic=iop".into(),
        "/?q=upphandling&lang=sv".into(),
        "/dok/reserverade-kontrakt/reserverade-kontrakt-grunder.md?q=kontrakt".into(),
        "/kort".into(),
        card.clone(),
        "/iop".into(),
        "/iop/resultat?ideburen=ja&vinst=inget-overskott".into(),
        "/troskelvarden?value=800000&kind=tjanster&buyer=kommun".into(),
        "/jamforelse".into(),
        "/nytt".into(),
        "/tillganglighet".into(),
        format!("/workshop?k={card_id}"),
        format!("/workshop/visa?k={card_id}&i=0"),
        format!("/workshop/utskrift?k={card_id}&per=4"),
        "/finns-inte".into(),
    ];
    for page in &pages {
        let sep = if page.contains('?') { '&' } else { '?' };
        let (status, headers, body) = get(&st, &format!("{page}{sep}sprak=en")).await;
        assert!(
            status == StatusCode::OK || status == StatusCode::NOT_FOUND,
            "{page}: {status}"
        );
        assert!(
            headers
                .get_all("set-cookie")
                .iter()
                .any(|v| v.to_str().unwrap().starts_with("sprak=en;")),
            "{page}: the choice is remembered"
        );
        let html = scraper::Html::parse_document(&body);
        let root = html.root_element();
        assert_eq!(root.attr("lang"), Some("en"), "{page}");
        let english = text_in_language(&html, "en");
        for sv in &swedish_only {
            assert!(
                !contains_words(&english, sv),
                "{page}: Swedish interface text {sv:?} outside lang=\"sv\""
            );
        }
        if !page.starts_with("/workshop/") {
            let switch = html
                .select(&sel("a.langswitch"))
                .next()
                .unwrap_or_else(|| panic!("{page}: language switch"));
            assert_eq!(switch.text().collect::<String>(), "Svenska", "{page}");
            let href = switch.attr("href").unwrap();
            assert!(href.ends_with("sprak=sv"), "{page}: {href}");
            let path = page.split('?').next().unwrap();
            assert!(
                href.starts_with(path),
                "{page}: switch keeps the page: {href}"
            );
            assert!(english.contains("Search"), "{page}: English navigation");
        }
    }
    // The interface language is not the documents' language filter (`lang`).
    let (_, _, body) = get(&st, "/?q=upphandling&sprak=en").await;
    assert!(
        !body.contains("class=\"chip\""),
        "no filter from the interface language"
    );
    let (_, _, body) = get(&st, "/?q=upphandling&lang=sv&sprak=en").await;
    let html = scraper::Html::parse_document(&body);
    let chips: Vec<String> = html
        .select(&sel(".chip"))
        .map(|c| c.text().collect())
        .collect();
    assert_eq!(chips.len(), 1, "{chips:?}");
    assert!(chips[0].starts_with("Language: Swedish"), "{chips:?}");
    // Swedish stays the default; the cookie carries the choice to pages without the parameter.
    let (_, _, body) = get(&st, "/kort").await;
    assert!(body.contains("<html lang=\"sv\">") && body.contains(">English</a>"));
    let resp = app(st.clone())
        .oneshot(
            Request::get("/kort")
                .header("cookie", "sprak=en")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains("<html lang=\"en\">") && body.contains("<h1>Answer cards</h1>"));
    // Content keeps its language: card titles stay Swedish and are marked as such.
    let html = scraper::Html::parse_document(&body);
    assert!(html.select(&sel(".cardgroup ul[lang='sv'] a")).count() > 10);
}

/// `/metrics` is Prometheus text a parser reads, and counts what happened.
#[tokio::test]
async fn metrics_count_requests_searches_and_the_index() {
    let sb = Sandbox::new();
    sb.index_run();
    let st = state(&sb);
    for uri in [
        "/api/search?q=upphandling",
        "/api/search?q=upphandling",
        "/api/search?q=zzqqxxvv",
        "/kort",
        "/finns-inte",
    ] {
        let _ = get(&st, uri).await;
    }
    let (status, headers, body) = get(&st, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let scrape = prometheus_parse::Scrape::parse(body.lines().map(|l| Ok(l.to_string()))).unwrap();
    let value = |name: &str, labels: &[(&str, &str)]| -> f64 {
        scrape
            .samples
            .iter()
            .filter(|s| s.metric == name)
            .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
            .map(|s| match s.value {
                prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Untyped(v) => v,
                _ => 0.0,
            })
            .sum()
    };
    assert_eq!(
        value(
            "vagvisare_requests_total",
            &[("route", "/api/search"), ("status", "200")]
        ),
        3.0
    );
    assert_eq!(
        value(
            "vagvisare_requests_total",
            &[("route", "other"), ("status", "404")]
        ),
        1.0
    );
    assert_eq!(value("vagvisare_searches_total", &[]), 3.0);
    assert_eq!(value("vagvisare_zero_hit_searches_total", &[]), 1.0);
    assert_eq!(value("vagvisare_cache_hits_total", &[]), 1.0);
    assert!(value("vagvisare_index_sections", &[]) > 0.0);
    assert!(value("vagvisare_index_generation", &[]) >= 1.0);
    assert!(
        scrape
            .samples
            .iter()
            .any(|s| s.metric == "vagvisare_request_duration_seconds"),
        "no latency histogram"
    );
}
