//! For the people who run it: the settings file, the search analytics (counting, the
//! personal-data guard, retention, restarts and re-indexing, turned off), the answer-card vote
//! and the editors' report with its access rules, in process and through a real `serve`.

use crate::reliability::Server;
use crate::{Sandbox, run, s, stderr, stdout};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;
use vagvisare::analytics::{Analytics, Day, Store};
use vagvisare::config::{FileSettings, Flags, Settings};
use vagvisare::search::Engine;
use vagvisare::server::{AppState, app};

const TOKEN: &str = "redaktionens-hemliga-nyckel-2026";

/// A sandbox with an answer card the tests vote on and search for.
fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.write(
        "kort/reserverade-kontrakt.toml",
        "id = \"reserverade-kontrakt\"\ntitle = \"Får vi reservera en upphandling?\"\n\
         answer = \"Ja, för leverantörer vars huvudsakliga syfte är integrering av personer med funktionsnedsättning eller som är missgynnade (LOU 4 kap. 18 §).\"\n\
         legal_basis = [\"LOU 4 kap. 18 §\"]\ntopics = [\"reserverade-kontrakt\"]\naudience = [\"procurer\"]\n\
         triggers = [\"reserverade kontrakt\", \"reservera upphandling\"]\n"
            .as_bytes(),
    );
    sb.index_run();
    sb
}

fn settings(sb: &Sandbox, analytics_on: bool) -> Settings {
    let file = FileSettings::parse(&format!(
        "[analytics]\nenabled = {analytics_on}\n[editor]\ntoken = \"{TOKEN}\"\n"
    ))
    .unwrap();
    let flags = Flags {
        corpus: Some(sb.corpus()),
        index: Some(sb.index()),
        ..Flags::default()
    };
    Settings::resolve(&flags, &|_| None, &file).unwrap()
}

fn state(sb: &Sandbox, analytics_on: bool) -> Arc<AppState> {
    let st = settings(sb, analytics_on);
    let analytics = Analytics::start(&st.analytics).unwrap();
    AppState::with_settings(
        Engine::open(&sb.index()).unwrap(),
        sb.index(),
        sb.corpus(),
        &st,
        analytics,
    )
}

async fn send(state: &Arc<AppState>, req: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let resp = app(state.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

async fn get(state: &Arc<AppState>, uri: &str) -> (StatusCode, HeaderMap, String) {
    send(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn post_form(
    state: &Arc<AppState>,
    uri: &str,
    form: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let mut req =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    send(state, req.body(Body::from(form.to_string())).unwrap()).await
}

/// A GET with the editor's token in the `Authorization` header.
fn as_editor(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap()
}

fn enc(q: &str) -> String {
    percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Everything in the analytics folder, as one string.
fn analytics_text(dir: &Path) -> String {
    let mut all = String::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        all.push_str(&String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()));
    }
    all
}

fn today(dir: &Path) -> Day {
    Store::new(dir)
        .read(vagvisare::curated::common::today())
        .unwrap()
}

const PERSONAL: [&str; 3] = [
    "bidrag 19850312-1234",
    "anna.andersson@exempel.se reserverade kontrakt",
    "ring 070-123 45 67 om iop",
];

#[tokio::test]
async fn searches_are_counted_and_personal_data_never_stored() {
    let sb = sandbox();
    let st = state(&sb, true);
    for q in [
        "överprövning",
        "Överprövning ",
        "zzxyqv",
        "idéburen organisation",
    ] {
        let (status, _, _) = get(&st, &format!("/?q={}", enc(q))).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _, _) = get(&st, "/api/search?q=zzxyqv").await;
    assert_eq!(status, StatusCode::OK);
    // Page 2 of a search is not a new search.
    get(&st, &format!("/?q={}&sida=2", enc("överprövning"))).await;
    for q in PERSONAL {
        get(&st, &format!("/?q={}", enc(q))).await;
        get(&st, &format!("/api/search?q={}", enc(q))).await;
    }
    // A hit opened from the results.
    let (_, _, page) = get(&st, &format!("/?q={}", enc("överprövning"))).await;
    let href = page
        .split("href=\"")
        .filter_map(|p| p.split('"').next())
        .find(|h| h.starts_with("/dok/") && h.contains("?q="))
        .expect("a hit link")
        .replace("&amp;", "&");
    let (status, _, _) = get(&st, &href).await;
    assert_eq!(status, StatusCode::OK, "{href}");
    st.analytics.flush();
    let dir = sb.index().join("analytics");
    let day = today(&dir);
    let over = &day.queries["överprövning"];
    assert_eq!(over.searches, 3, "{day:?}");
    assert_eq!(over.hits_opened, 1);
    assert_eq!(day.queries["zzxyqv"].searches, 2);
    assert_eq!(day.queries["zzxyqv"].no_hits, 2);
    assert_eq!(day.personal.searches, 6);
    let text = analytics_text(&dir);
    for needle in ["19850312", "1234", "anna", "exempel.se", "070", "45 67"] {
        assert!(!text.contains(needle), "{needle} reached the disk: {text}");
    }
    // Nothing about the client.
    for needle in ["127.0.0.1", "Mozilla", "cookie", "user_agent", "ip"] {
        assert!(!text.contains(needle), "{needle} in {text}");
    }
}

#[tokio::test]
async fn analytics_off_changes_no_answer_and_writes_nothing() {
    let sb = sandbox();
    let on = state(&sb, true);
    let off = state(&sb, false);
    assert!(!off.analytics.enabled());
    for uri in [
        "/api/search?q=%C3%B6verpr%C3%B6vning&limit=5",
        "/api/search?q=reserverade%20kontrakt",
        "/api/suggest?q=iop",
    ] {
        let (s1, _, b1) = get(&on, uri).await;
        let (s2, _, b2) = get(&off, uri).await;
        assert_eq!(s1, s2);
        let mut a: serde_json::Value = serde_json::from_str(&b1).unwrap();
        let mut b: serde_json::Value = serde_json::from_str(&b2).unwrap();
        a["took_ms"] = 0.into();
        b["took_ms"] = 0.into();
        assert_eq!(a, b, "{uri}");
    }
    let (status, _, page) = get(&off, "/?q=reserverade%20kontrakt").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("class=\"vote\""));
    off.analytics.flush();
    on.analytics.flush();
    let day = today(&sb.index().join("analytics"));
    assert_eq!(
        day.queries["reserverade kontrakt"].searches, 1,
        "only `on` counted"
    );
}

#[tokio::test]
async fn a_vote_counts_once_per_page_view_without_javascript() {
    let sb = sandbox();
    let st = state(&sb, true);
    let card = st.engine.load().curated().cards[0].id.clone();
    let (status, _, page) = get(&st, &format!("/kort/{card}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Hjälpte svaret?"), "{page}");
    let ballot = page
        .split("name=\"ballot\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a ballot")
        .to_string();
    let form = format!("svar=nej&ballot={ballot}&tillbaka=%2Fkort%2F{card}");
    let (status, headers, _) = post_form(&st, &format!("/kort/{card}/rost"), &form, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let back = headers[header::LOCATION].to_str().unwrap().to_string();
    assert_eq!(back, format!("/kort/{card}?rostat={card}#rost-{card}"));
    // The page it returns to thanks instead of asking.
    let (_, _, thanked) = get(&st, back.split('#').next().unwrap()).await;
    assert!(
        thanked.contains("vote-status\" role=\"status\">Tack"),
        "{thanked}"
    );
    assert!(!thanked.contains("name=\"svar\""));
    // The same form again, a forged ballot and a bad answer are not counted.
    post_form(&st, &format!("/kort/{card}/rost"), &form, &[]).await;
    post_form(
        &st,
        &format!("/kort/{card}/rost"),
        "svar=nej&ballot=1-0123456789abcdef",
        &[],
    )
    .await;
    let (status, _, _) = post_form(
        &st,
        &format!("/kort/{card}/rost"),
        "svar=kanske&ballot=x",
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = post_form(&st, "/kort/finns-inte/rost", "svar=ja&ballot=x", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // An outside return address is not followed.
    let (_, _, page) = get(&st, &format!("/kort/{card}")).await;
    let ballot2 = page
        .split("name=\"ballot\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let (_, headers, _) = post_form(
        &st,
        &format!("/kort/{card}/rost"),
        &format!("svar=ja&ballot={ballot2}&tillbaka=https%3A%2F%2Fevil.example%2F"),
        &[],
    )
    .await;
    assert!(
        headers[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/kort/")
    );
    st.analytics.flush();
    let day = today(&sb.index().join("analytics"));
    assert_eq!(day.votes[&card].no, 1, "{day:?}");
    assert_eq!(day.votes[&card].yes, 1, "{day:?}");
    // The answer cards on the search page carry the form too, returning to the results.
    let (_, _, results) = get(&st, "/?q=reserverade%20kontrakt").await;
    assert!(
        results.contains("name=\"tillbaka\" value=\"/?q="),
        "{results}"
    );
}

#[tokio::test]
async fn the_report_needs_the_token() {
    let sb = sandbox();
    // No token configured: no report at all.
    let plain = AppState::with_corpus(Engine::open(&sb.index()).unwrap(), sb.index(), sb.corpus());
    let (status, _, _) = get(&plain, "/redaktion").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = post_form(
        &plain,
        "/redaktion/logga-in",
        &format!("token={TOKEN}"),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let st = state(&sb, true);
    let (status, headers, page) = get(&st, "/redaktion").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("name=\"token\""), "a login form");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let wrong = send(
        &st,
        Request::get("/redaktion")
            .header(header::AUTHORIZATION, "Bearer fel-nyckel-som-ar-lang-nog")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(wrong.0, StatusCode::UNAUTHORIZED);
    let (status, _, page) = post_form(
        &st,
        "/redaktion/logga-in",
        "token=fel-nyckel-som-ar-lang-nog",
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("role=\"alert\""));

    // The right token: by header, and by the login form's cookie.
    let right = send(&st, as_editor("/redaktion")).await;
    assert_eq!(right.0, StatusCode::OK);
    let (status, headers, _) =
        post_form(&st, "/redaktion/logga-in", &format!("token={TOKEN}"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = headers[header::SET_COOKIE].to_str().unwrap().to_string();
    for flag in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/redaktion"] {
        assert!(cookie.contains(flag), "{flag} missing: {cookie}");
    }
    assert!(
        !cookie.contains(TOKEN),
        "the cookie holds the token: {cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_string();
    let with_cookie = send(
        &st,
        Request::get("/redaktion")
            .header(header::COOKIE, &pair)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(with_cookie.0, StatusCode::OK);
    let (_, headers, _) = post_form(&st, "/redaktion/logga-ut", "", &[("cookie", &pair)]).await;
    assert!(
        headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
}

#[tokio::test]
async fn the_report_shows_what_users_missed() {
    let sb = sandbox();
    let st = state(&sb, true);
    for _ in 0..3 {
        get(&st, "/?q=vinterv%C3%A4gh%C3%A5llning").await; // nothing in the corpus
    }
    get(&st, &format!("/?q={}", enc("överprövning"))).await; // hits, no card
    let card = st.engine.load().curated().cards[0].clone();
    let (_, _, page) = get(&st, &format!("/kort/{}", card.id)).await;
    let ballot = page
        .split("name=\"ballot\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    post_form(
        &st,
        &format!("/kort/{}/rost", card.id),
        &format!("svar=nej&ballot={ballot}"),
        &[],
    )
    .await;
    let (status, _, report) = send(&st, as_editor("/redaktion?dagar=7")).await;
    assert_eq!(status, StatusCode::OK);
    let no_hits = report.split("id=\"no_hits\"").nth(1).unwrap();
    let no_hits = no_hits.split("</section>").next().unwrap();
    assert!(no_hits.contains("vinterväghållning"), "{no_hits}");
    assert!(no_hits.contains("<td>3</td>"), "{no_hits}");
    assert!(
        no_hits.contains("href=\"/?q=vinterv%C3%A4gh%C3%A5llning\""),
        "a link to run it"
    );
    let skeleton = no_hits.split("<pre>").nth(1).expect("a card skeleton");
    assert!(
        skeleton.contains("id = ") && skeleton.contains("vintervaghallning"),
        "{skeleton}"
    );
    let no_card = report.split("id=\"no_card\"").nth(1).unwrap();
    assert!(
        no_card
            .split("</section>")
            .next()
            .unwrap()
            .contains("överprövning")
    );
    let unhelpful = report.split("id=\"unhelpful\"").nth(1).unwrap();
    assert!(
        unhelpful.contains(&card.title.replace('"', "&quot;")),
        "{unhelpful}"
    );
}

#[test]
fn retention_deletes_old_days() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    let today = vagvisare::curated::common::today();
    for back in [0i64, 10, 89, 90, 400] {
        let day = today - time::Duration::days(back);
        store.write(day, &Day::default()).unwrap();
    }
    let settings = vagvisare::config::AnalyticsSettings {
        enabled: true,
        dir: dir.path().to_path_buf(),
        retention_days: 90,
    };
    drop(Analytics::start(&settings).unwrap());
    let left: Vec<i64> = store
        .days()
        .iter()
        .map(|d| (today - *d).whole_days())
        .collect();
    assert_eq!(left, vec![89, 10, 0]);
}

/// A real `serve` with a settings file: counts survive a restart and a re-index, the report
/// command reads them, and the personal data of a query never reaches the disk.
#[test]
fn analytics_survive_restart_and_reindex() {
    let sb = sandbox();
    let config = sb.dir.path().join("vagvisare.toml");
    std::fs::write(
        &config,
        format!("[analytics]\nretention_days = 30\n[editor]\ntoken = \"{TOKEN}\"\n"),
    )
    .unwrap();
    let args = ["--config", s(&config)];
    for round in 1..=2 {
        let server = Server::start(&sb.corpus(), &sb.index(), &args);
        for q in ["zzxyqv", "bidrag%20850312-1234"] {
            let (status, _) = server.get(&format!("/?q={q}")).unwrap();
            assert_eq!(status, 200);
        }
        assert!(server.terminate().success());
        let leftovers: Vec<String> = std::fs::read_dir(sb.index().join("analytics"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(".json") || n.starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "a write was cut short: {leftovers:?}");
        let day = today(&sb.index().join("analytics"));
        assert_eq!(day.queries["zzxyqv"].searches, round, "round {round}");
        assert_eq!(day.personal.searches, round);
        // A full rebuild makes a new generation beside the analytics.
        let o = sb.index_with(&["--rebuild"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let text = analytics_text(&sb.index().join("analytics"));
    assert!(!text.contains("850312"), "{text}");
    let o = run(&[
        "report",
        "--config",
        s(&config),
        "--index",
        s(&sb.index()),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["no_hits"][0]["query"], "zzxyqv");
    assert_eq!(report["no_hits"][0]["windows"][0]["no_hits"], 2);
    let o = run(&["report", "--config", s(&config), "--index", s(&sb.index())]);
    assert!(
        stdout(&o).contains("Sökningar utan träffar"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn settings_errors_name_the_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[server]\naddr = \"127.0.0.1:0\"\nwach = true\n").unwrap();
    let o = run(&["serve", "--config", s(&bad)]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("wach") && err.contains("line 3"), "{err}");
    std::fs::write(&bad, "[editor]\ntoken = \"kort\"\n").unwrap();
    let o = run(&["serve", "--config", s(&bad)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("[editor] token"), "{}", stderr(&o));
    let o = run(&["index", "--config", s(&dir.path().join("saknas.toml"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("saknas.toml"), "{}", stderr(&o));
}

/// Paths in the file are read from its folder, and a flag beats the file.
#[test]
fn the_file_drives_index_and_a_flag_overrides_it() {
    let sb = Sandbox::new();
    let config = sb.dir.path().join("vagvisare.toml");
    std::fs::write(
        &config,
        "[paths]\ncorpus = \"corpus\"\nindex = \"annat-index\"\n",
    )
    .unwrap();
    let o = run(&["index", "--config", s(&config)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(sb.dir.path().join("annat-index/CURRENT").is_file());
    let o = run(&["index", "--config", s(&config), "--index", s(&sb.index())]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(sb.index().join("CURRENT").is_file());
}

/// The example settings file in `deploy/` is valid and names every section.
#[test]
fn the_example_settings_file_is_valid() {
    let path = crate::repo().join("deploy/vagvisare.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // Every key is commented out; uncommented, the file must still parse.
    let uncommented: String = text
        .lines()
        .map(|l| {
            l.strip_prefix("# ")
                .filter(|r| r.starts_with('[') || r.contains(" = "))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n");
    FileSettings::parse(&text).unwrap();
    let all = FileSettings::parse(&uncommented).unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
    assert!(all.server.addr.is_some() && all.analytics.retention_days.is_some());
    assert!(all.limits.max_file_mb.is_some() && all.log.format.is_some());
}
