//! The editors' report at `/redaktion` (see `analytics::report`). It exists only when the
//! settings hold an editor token (`[editor] token`); otherwise the address is a 404. The token
//! comes as `Authorization: Bearer …`, or is entered once in a login form that sets a cookie
//! (Secure, HttpOnly, SameSite=Strict, path `/redaktion`, 8 hours) holding a value derived
//! from the token, never the token itself.

use super::Shared;
use super::error::{PageError, Problem};
use super::ui::Ui;
use crate::analytics::Store;
use crate::analytics::report::{QueryRow, Report};
use crate::urls;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::HashMap;

const COOKIE: &str = "vagvisare_redaktion";
/// How long a login lasts, in seconds.
const LOGIN_SECS: u64 = 8 * 3600;

/// The cookie value for a token: a key derived from it, so the cookie never holds the token.
fn cookie_value(token: &str) -> String {
    blake3::derive_key("vagvisare 2026 editor login cookie", token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Equal strings, compared as hashes so the time taken says nothing about where they differ.
fn same(a: &str, b: &str) -> bool {
    blake3::hash(a.as_bytes()) == blake3::hash(b.as_bytes())
}

/// Whether the request carries the token or a login cookie made from it.
fn authorised(token: &str, headers: &HeaderMap) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| same(t.trim(), token));
    let expected = cookie_value(token);
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .any(|(name, value)| name == COOKIE && same(value, &expected));
    bearer || cookie
}

fn private(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    resp
}

#[derive(Template)]
#[template(path = "editor_login.html")]
struct LoginPage {
    ui: Ui,
    wrong: bool,
}

fn login_page(ui: Ui, wrong: bool) -> Response {
    let body = LoginPage { ui, wrong }.render().unwrap_or_default();
    let mut resp = (StatusCode::UNAUTHORIZED, Html(body)).into_response();
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"redaktion\""),
    );
    private(resp)
}

/// One query in the page's tables.
pub struct RowView {
    pub query: String,
    pub search_url: String,
    /// The counted number in each window, in the order of `windows`.
    pub counts: Vec<u64>,
    pub skeleton: Option<String>,
}

pub struct CardRowView {
    pub label: String,
    pub url: String,
    /// (no, yes) per window.
    pub counts: Vec<(u64, u64)>,
}

#[derive(Template)]
#[template(path = "editor.html")]
struct EditorPage {
    ui: Ui,
    enabled: bool,
    days: u32,
    windows: Vec<u32>,
    report: Report,
    lists: Vec<ListView>,
    cards: Vec<CardRowView>,
}

/// One table of queries.
pub struct ListView {
    pub id: &'static str,
    pub title: &'static str,
    pub hint: &'static str,
    pub rows: Vec<RowView>,
}

fn rows(
    list: &[QueryRow],
    count: fn(&crate::analytics::report::QueryWindow) -> u64,
) -> Vec<RowView> {
    list.iter()
        .map(|r| RowView {
            query: r.query.clone(),
            search_url: urls::search(&r.query, &[]),
            counts: r.windows.iter().map(count).collect(),
            skeleton: r.card_skeleton.clone(),
        })
        .collect()
}

/// `GET /redaktion[?dagar=N]`.
pub async fn report_page(
    ui: Ui,
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Some(token) = state.editor_token.clone() else {
        return PageError::new(&ui, Problem::NoPage).into_response();
    };
    if !authorised(&token, &headers) {
        return login_page(ui, false);
    }
    let days = params
        .get("dagar")
        .and_then(|d| d.parse::<u32>().ok())
        .unwrap_or(30)
        .clamp(1, 366);
    let engine = state.engine.load_full();
    let s = state.clone();
    let built = tokio::task::spawn_blocking(move || {
        s.analytics.flush();
        let store = Store::new(s.analytics_dir.clone());
        Report::build(&store, crate::curated::common::today(), days, &|id| {
            engine.curated().card(id).map(|c| c.title.clone())
        })
    })
    .await;
    let report = match built {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            tracing::warn!("editor report: {e}");
            return PageError::new(&ui, Problem::Unexpected).into_response();
        }
        Err(_) => return PageError::new(&ui, Problem::Unexpected).into_response(),
    };
    let page = EditorPage {
        enabled: state.analytics.enabled(),
        days,
        windows: report.totals.iter().map(|t| t.days).collect(),
        lists: vec![
            ListView {
                id: "no_hits",
                title: ui.t("editor.no_hits"),
                hint: ui.t("editor.no_hits_hint"),
                rows: rows(&report.no_hits, |w| w.no_hits),
            },
            ListView {
                id: "no_card",
                title: ui.t("editor.no_card"),
                hint: ui.t("editor.no_card_hint"),
                rows: rows(&report.no_card, |w| w.no_card),
            },
            ListView {
                id: "rarely_opened",
                title: ui.t("editor.rarely_opened"),
                hint: ui.t("editor.rarely_opened_hint"),
                rows: rows(&report.rarely_opened, |w| w.searches),
            },
        ],
        cards: report
            .unhelpful_cards
            .iter()
            .map(|c| CardRowView {
                label: c.title.clone().unwrap_or_else(|| c.card.clone()),
                url: urls::card(&c.card),
                counts: c.windows.iter().map(|w| (w.no, w.yes)).collect(),
            })
            .collect(),
        report,
        ui,
    };
    match page.render() {
        Ok(html) => private(Html(html).into_response()),
        Err(e) => {
            tracing::error!("template error: {e}");
            PageError::swedish(Problem::Unexpected).into_response()
        }
    }
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    token: String,
}

/// `POST /redaktion/logga-in`: the right token sets the login cookie.
pub async fn login(ui: Ui, State(state): State<Shared>, Form(form): Form<LoginForm>) -> Response {
    let Some(token) = state.editor_token.as_deref() else {
        return PageError::new(&ui, Problem::NoPage).into_response();
    };
    if !same(form.token.trim(), token) {
        // A short pause makes guessing slower still (the token has at least 16 characters).
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        return login_page(ui, true);
    }
    let cookie = format!(
        "{COOKIE}={}; Path=/redaktion; Max-Age={LOGIN_SECS}; HttpOnly; Secure; SameSite=Strict",
        cookie_value(token)
    );
    let mut resp = Redirect::to("/redaktion").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    private(resp)
}

/// `POST /redaktion/logga-ut`: removes the login cookie.
pub async fn logout(State(state): State<Shared>, ui: Ui) -> Response {
    if state.editor_token.is_none() {
        return PageError::new(&ui, Problem::NoPage).into_response();
    }
    let mut resp = Redirect::to("/redaktion").into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "vagvisare_redaktion=; Path=/redaktion; Max-Age=0; HttpOnly; Secure; SameSite=Strict",
        ),
    );
    private(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_and_cookie() {
        let token = "0123456789abcdef-token";
        let mut h = HeaderMap::new();
        assert!(!authorised(token, &h));
        h.insert(
            header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        assert!(authorised(token, &h));
        h.insert(header::AUTHORIZATION, "Bearer wrong".parse().unwrap());
        assert!(!authorised(token, &h));
        h.remove(header::AUTHORIZATION);
        h.insert(
            header::COOKIE,
            format!("sprak=sv; {COOKIE}={}", cookie_value(token))
                .parse()
                .unwrap(),
        );
        assert!(authorised(token, &h));
        h.insert(header::COOKIE, format!("{COOKIE}={token}").parse().unwrap());
        assert!(!authorised(token, &h), "the raw token is not the cookie");
    }
}
