//! The JSON API of search (`/api/search`, fixed by the contract; `/api/suggest`) and the
//! operators' endpoints (`/healthz`, `/readyz`, `/status`, `/metrics`). 4xx answers carry an
//! [`ApiError`] body; a query never makes one fail. Each handler's `#[utoipa::path]` is its
//! entry in `/api/openapi.json` (`openapi.rs`).

use super::{Shared, filters_of, parse_limit, run_search};
use crate::search::SearchRequest;
use crate::urls;
use crate::wire::{
    ApiError, SearchParams, SearchResponse, Status, SuggestParams, Suggestion, SuggestionKind,
    Suggestions,
};
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

/// Search the guidance
///
/// The best matching sections (hits are sections: several may share a `path`), the answer
/// cards for the query and counts per filter value. Every query string is valid; a missing or
/// empty `q` gives `total: 0`.
#[utoipa::path(
    get,
    path = "/api/search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "The search ran (zero hits included)", body = SearchResponse),
        (status = 400, description = "A bad `limit`, or a query string that cannot be read", body = ApiError),
    )
)]
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

/// Suggestions while typing
///
/// Up to 8 suggestions (answer cards first, then the titles of the best documents) for the
/// text typed so far.
#[utoipa::path(
    get,
    path = "/api/suggest",
    tag = "search",
    params(SuggestParams),
    responses((status = 200, description = "Suggestions, possibly none", body = Suggestions))
)]
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
            suggestions.push(Suggestion {
                label: c.title.clone(),
                url: urls::card(&c.id),
                kind: SuggestionKind::Kort,
            });
        }
        let mut seen = HashSet::new();
        for h in &res.hits {
            if suggestions.len() >= MAX_SUGGESTIONS {
                break;
            }
            if seen.insert(h.path.clone()) {
                suggestions.push(Suggestion {
                    label: h.title.clone(),
                    url: urls::hit(&h.path, &q, None),
                    kind: SuggestionKind::Dokument,
                });
            }
        }
        suggestions.truncate(MAX_SUGGESTIONS);
    }
    no_store(
        Json(Suggestions {
            query: q,
            suggestions,
        })
        .into_response(),
    )
}

/// Alive: the process answers
///
/// Plain text with the number of sections in the index.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "The process answers and an index is open", body = String, content_type = "text/plain", example = "ok: 1234 sections\n"))
)]
pub async fn healthz(State(state): State<Shared>) -> Response {
    let n = state.engine.load().num_sections();
    (StatusCode::OK, format!("ok: {n} sections\n")).into_response()
}

/// Ready: an index is open and holds documents
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Ready to answer", body = String, content_type = "text/plain", example = "ready\n"),
        (status = 503, description = "The index holds no documents", body = String, content_type = "text/plain", example = "no documents in the index\n"),
    )
)]
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

/// The index being served
///
/// Its generation, sections, cards and the time of its last commit, and the server's version.
#[utoipa::path(
    get,
    path = "/status",
    tag = "operations",
    responses((status = 200, description = "The index being served", body = Status))
)]
pub async fn status(State(state): State<Shared>) -> Response {
    let engine = state.engine.load_full();
    let committed = crate::index::store::last_commit(&state.index_dir, engine.generation());
    Json(Status {
        generation: engine.generation().to_string(),
        sections: engine.num_sections(),
        cards: engine.curated().cards.len(),
        last_commit_unix: committed,
        version: env!("CARGO_PKG_VERSION").to_string(),
    })
    .into_response()
}

/// The server's counters in the Prometheus text format
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "Requests, latencies, searches and the index, for Prometheus", body = String, content_type = "text/plain; version=0.0.4"))
)]
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
