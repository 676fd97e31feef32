//! The JSON API of search (`/api/search`, fixed by the contract; `/api/suggest`) and the
//! operators' endpoints (`/healthz`, `/readyz`, `/status`). 4xx answers carry an
//! [`ApiError`] body; a query never makes one fail.

use super::{Shared, filters_of, parse_limit, run_search};
use crate::search::SearchRequest;
use crate::urls;
use crate::wire::ApiError;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use std::collections::{HashMap, HashSet};

/// Most suggestions while typing.
const MAX_SUGGESTIONS: usize = 8;

fn bad_request(msg: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(ApiError { error: msg.into() }),
    )
        .into_response()
}

fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

pub async fn search(
    State(state): State<Shared>,
    params: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return bad_request("the query string could not be read");
    };
    let limit = match parse_limit(params.get("limit").map(String::as_str)) {
        Ok(l) => l,
        Err(e) => return bad_request(e),
    };
    let q = params.get("q").cloned().unwrap_or_default();
    let mut req = SearchRequest::new(q, limit);
    req.filters = filters_of(&params);
    let searched = run_search(&state, req).await;
    let res = &searched.found.results;
    state.analytics.record(crate::analytics::Event::Search {
        query: res.query.clone(),
        hits: res.total,
        cards: res.cards.len(),
    });
    let mut response = searched.found.response().clone();
    response.took_ms = searched.took_ms;
    no_store(Json(response).into_response())
}

/// Search-as-you-type: up to 8 suggestions (answer cards first, then the titles of the best
/// documents) for the text typed so far. `{"query": "...", "suggestions": [{"label", "url", "kind"}]}`.
pub async fn suggest(
    State(state): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let q = params.get("q").cloned().unwrap_or_default();
    let mut suggestions = Vec::new();
    if q.trim().chars().count() >= 2 {
        let searched = run_search(&state, SearchRequest::new(q.clone(), 20)).await;
        let res = &searched.found.results;
        for c in &res.cards {
            suggestions.push(
                serde_json::json!({"label": c.title, "url": urls::card(&c.id), "kind": "kort"}),
            );
        }
        let mut seen = HashSet::new();
        for h in &res.hits {
            if suggestions.len() >= MAX_SUGGESTIONS {
                break;
            }
            if seen.insert(h.path.clone()) {
                let url = urls::hit(&h.path, &q, None);
                suggestions
                    .push(serde_json::json!({"label": h.title, "url": url, "kind": "dokument"}));
            }
        }
        suggestions.truncate(MAX_SUGGESTIONS);
    }
    no_store(Json(serde_json::json!({"query": q, "suggestions": suggestions})).into_response())
}

/// Alive: the process answers.
pub async fn healthz(State(state): State<Shared>) -> Response {
    let n = state.engine.load().num_sections();
    (StatusCode::OK, format!("ok: {n} sections\n")).into_response()
}

/// Ready: an index is open and holds documents.
pub async fn readyz(State(state): State<Shared>) -> Response {
    let engine = state.engine.load_full();
    let ok = tokio::task::spawn_blocking(move || engine.num_sections() > 0)
        .await
        .unwrap_or(false);
    if ok {
        (StatusCode::OK, "ready\n").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "no documents in the index\n",
        )
            .into_response()
    }
}

/// The index being served: generation, sections, cards and the time of its last commit.
pub async fn status(State(state): State<Shared>) -> Response {
    let engine = state.engine.load_full();
    let committed = crate::index::store::last_commit(&state.index_dir, engine.generation());
    Json(serde_json::json!({
        "generation": engine.generation(),
        "sections": engine.num_sections(),
        "cards": engine.curated().cards.len(),
        "last_commit_unix": committed,
        "version": env!("CARGO_PKG_VERSION"),
    }))
    .into_response()
}

/// The server's counters in the Prometheus text format.
pub async fn metrics(State(state): State<Shared>) -> Response {
    let engine = state.engine.load_full();
    let facts = super::metrics::IndexFacts {
        generation: engine
            .generation()
            .trim_start_matches("gen-")
            .parse()
            .unwrap_or(0),
        sections: engine.num_sections(),
        last_commit_unix: crate::index::store::last_commit(&state.index_dir, engine.generation()),
    };
    let mut resp = state.metrics.render(&facts).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    no_store(resp)
}
