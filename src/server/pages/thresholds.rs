//! The threshold guide: the page (`/troskelvarden`) and its JSON (`/api/troskelvarden`). The
//! guidance comes from [`crate::curated::thresholds::Table::guide`]; this module reads the
//! request and shows the answer.

use super::{LinkView, all_links, cited, render};
use crate::curated::common::{parse_date, today_string};
use crate::curated::thresholds::{self, Figure, Guidance};
use crate::law::cite::Context;
use crate::search::Engine;
use crate::server::Shared;
use crate::server::error::PageResult;
use crate::server::ui::{Lang, Ui, text, text_opt};
use crate::wire::{ApiError, ThresholdParams, ThresholdsResponse};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use std::collections::HashMap;

pub struct FigureView {
    pub label: String,
    pub sek: String,
    pub eur: String,
    pub valid: String,
    /// As HTML, citations linked.
    pub source: String,
}

#[derive(Template)]
#[template(path = "thresholds.html")]
struct ThresholdsPage {
    ui: Ui,
    value: String,
    kind: String,
    buyer: String,
    kinds: Vec<(&'static str, &'static str)>,
    buyers: Vec<(&'static str, &'static str)>,
    today: String,
    error: Option<String>,
    guidance: Option<Guidance>,
    figures: Vec<FigureView>,
    links: Vec<LinkView>,
    /// The explanation and the notes as HTML, citations linked.
    explanation_html: String,
    notes_html: Vec<String>,
}

/// The guidance for a request's `value`, `kind`, `buyer` and `datum`, with the date it is for;
/// a message in `lang` when the request cannot be answered.
fn guide(
    engine: &Engine,
    params: &HashMap<String, String>,
    lang: Lang,
) -> Result<(Guidance, String), String> {
    let table = engine
        .curated()
        .thresholds
        .as_ref()
        .ok_or(text(lang, "thr.no_table"))?;
    let value = params
        .get("value")
        .and_then(|v| thresholds::parse_amount(v, lang.code()))
        .ok_or(text(lang, "thr.bad_value"))?;
    let kind = params.get("kind").map(String::as_str).unwrap_or("tjanster");
    let buyer = params.get("buyer").map(String::as_str).unwrap_or("kommun");
    let today = params
        .get("datum")
        .filter(|d| parse_date(d).is_some())
        .cloned()
        .unwrap_or_else(today_string);
    table
        .guide(value, kind, buyer, &today, lang.code())
        .map(|g| (g, today))
        .map_err(|e| e.to_string())
}

/// Choices of a select list with their labels in the interface language.
fn choices(
    list: &'static [(&'static str, &'static str)],
    prefix: &str,
    lang: Lang,
) -> Vec<(&'static str, &'static str)> {
    list.iter()
        .map(|(id, sv)| (*id, text_opt(lang, &format!("{prefix}.{id}")).unwrap_or(sv)))
        .collect()
}

/// A threshold figure as the table shows it: amounts grouped the language's way, a range when
/// the SEK figure is not confirmed yet.
fn figure_view(f: &Figure, lang: Lang, source: String) -> FigureView {
    let money = |n: u64| thresholds::grouped(n, lang.code());
    let kr = |amount: String| match lang {
        Lang::En => format!("SEK {amount}"),
        Lang::Sv => format!("{amount} kr"),
    };
    FigureView {
        label: f.label.clone(),
        sek: match (f.sek, f.sek_low, f.sek_high) {
            (Some(s), _, _) => kr(money(s)),
            (None, Some(lo), Some(hi)) => format!(
                "{} ({})",
                kr(format!("{}–{}", money(lo), money(hi))),
                text(lang, "thr.range")
            ),
            _ => text(lang, "thr.unconfirmed").into(),
        },
        eur: f
            .eur
            .map(|e| format!("{} €", money(e)))
            .unwrap_or_else(|| "–".into()),
        valid: f.valid.clone(),
        source,
    }
}

pub async fn thresholds_page(
    ui: Ui,
    State(state): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> PageResult {
    let engine = state.engine.load_full();
    let lang = ui.lang;
    let param = |name: &str, default: &str| {
        params
            .get(name)
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
    let mut page = ThresholdsPage {
        value: param("value", ""),
        kind: param("kind", "tjanster"),
        buyer: param("buyer", "kommun"),
        kinds: choices(thresholds::KINDS, "thr.kind", lang),
        buyers: choices(thresholds::BUYERS, "thr.buyer", lang),
        today: today_string(),
        error: None,
        guidance: None,
        figures: vec![],
        links: vec![],
        explanation_html: String::new(),
        notes_html: vec![],
        ui,
    };
    if params.contains_key("value") {
        match guide(&engine, &params, lang) {
            Ok((g, today)) => {
                page.today = today;
                // The guidance names its law (LOU, LUF, LUK); a bare paragraph is that law's.
                let context = Context {
                    law: crate::law::LAWS.iter().find(|l| l.short == g.law),
                    chapter: None,
                };
                let cite = |t: &str| cited(&engine, &page.ui, t, context);
                page.figures = g
                    .figures
                    .iter()
                    .map(|f| figure_view(f, lang, cite(&f.source)))
                    .collect();
                page.explanation_html = cite(&g.explanation);
                page.notes_html = g.notes.iter().map(|n| cite(n)).collect();
                page.links = all_links(&engine, &g.see, &g.cards);
                page.guidance = Some(g);
            }
            Err(e) => page.error = Some(e),
        }
    }
    render(&page)
}

/// The threshold guide
///
/// For a purchase's estimated value, kind and buyer on a date: the regime the law gives
/// (direct award, below or above the EU threshold, annex 2), the figures it rests on, notes and
/// where to read more, in Swedish or English.
#[utoipa::path(
    get,
    path = "/api/troskelvarden",
    tag = "thresholds",
    params(ThresholdParams),
    responses(
        (status = 200, description = "The guidance", body = ThresholdsResponse),
        (status = 400, description = "No readable `value`, an unknown `kind` or `buyer`, or no threshold table in the corpus", body = ApiError),
    )
)]
pub async fn thresholds_api(
    State(state): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let engine = state.engine.load_full();
    let lang = match params.get("sprak").map(String::as_str) {
        Some("en") => Lang::En,
        _ => Lang::Sv,
    };
    match guide(&engine, &params, lang) {
        Ok((guidance, date)) => {
            let mut resp = Json(ThresholdsResponse { guidance, date }).into_response();
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(e) => (StatusCode::BAD_REQUEST, Json(ApiError { error: e })).into_response(),
    }
}
