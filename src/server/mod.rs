//! The web server (axum): the pages (`pages/`, one module per feature), the JSON API and the
//! operators' endpoints (`api.rs`). [`app`] builds the router from an [`AppState`] so tests
//! drive it without a socket; [`serve`] binds, watches the index for a new generation and shuts
//! down on Ctrl-C/SIGTERM. `openapi.rs` describes the JSON API (`/api/openapi.json`) from the
//! handlers' annotations and the types they serialise. Nothing outside this module imports axum, and nothing in it imports
//! tantivy: handlers read through the engine's API and build addresses with [`crate::urls`].

mod api;
pub mod cache;
pub mod conn;
mod diagram;
mod editor;
pub mod error;
pub mod metrics;
pub mod openapi;
mod pages;
pub mod ui;
mod votes;

use crate::search::{Engine, MAX_LIMIT, SearchRequest, SearchResults};
use arc_swap::ArcSwap;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use error::{PageError, Problem};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// What every handler shares: the engine of the live index generation, swapped when a new
/// generation appears.
pub struct AppState {
    pub engine: ArcSwap<Engine>,
    pub index_dir: PathBuf,
    /// Where original files are downloaded from (`/fil/<path>`); `None` disables downloads.
    pub corpus_dir: Option<PathBuf>,
    /// Bumped whenever `engine` is swapped, so cached results of the old one are never served.
    pub epoch: std::sync::atomic::AtomicU64,
    /// Results of recent searches.
    pub results: cache::ResultCache,
    /// What `/metrics` reports.
    pub metrics: metrics::Metrics,
    /// The editors' search analytics (disabled unless started from the settings).
    pub analytics: crate::analytics::Analytics,
    /// The folder of the analytics' daily files, which the editors' report reads.
    pub analytics_dir: PathBuf,
    /// The editors' token for `/redaktion`; `None` hides the report (404).
    pub editor_token: Option<String>,
    /// Vote forms already used (their one-time ids), so a page view votes once per card.
    pub votes: votes::Ballots,
}

impl AppState {
    /// The state of a server on `index_dir` with the default settings and no analytics.
    pub fn new(engine: Engine, index_dir: PathBuf) -> Arc<AppState> {
        Arc::new(AppState::plain(engine, index_dir, None))
    }

    fn plain(engine: Engine, index_dir: PathBuf, corpus_dir: Option<PathBuf>) -> AppState {
        AppState {
            engine: ArcSwap::from_pointee(engine),
            analytics_dir: index_dir.join("analytics"),
            index_dir,
            corpus_dir,
            epoch: Default::default(),
            results: Default::default(),
            metrics: Default::default(),
            analytics: crate::analytics::Analytics::disabled(),
            editor_token: None,
            votes: Default::default(),
        }
    }

    /// Like [`AppState::new`], with original files downloadable from `corpus`.
    pub fn with_corpus(engine: Engine, index_dir: PathBuf, corpus: PathBuf) -> Arc<AppState> {
        Arc::new(AppState::plain(engine, index_dir, Some(corpus)))
    }

    /// The state `serve` runs with: the settings' cache size and editor token, and `analytics`.
    pub fn with_settings(
        engine: Engine,
        index_dir: PathBuf,
        corpus: PathBuf,
        settings: &crate::config::Settings,
        analytics: crate::analytics::Analytics,
    ) -> Arc<AppState> {
        Arc::new(AppState {
            results: cache::ResultCache::with_capacity(settings.cache_entries),
            analytics,
            analytics_dir: settings.analytics.dir.clone(),
            editor_token: settings.editor_token.clone(),
            ..AppState::plain(engine, index_dir, Some(corpus))
        })
    }

    /// Opens the live generation again if `CURRENT` points elsewhere than the engine in use.
    /// Returns true when it swapped. A generation that fails to open leaves the old one serving.
    pub fn refresh(&self) -> bool {
        let current = crate::index::store::current_generation(&self.index_dir);
        let engine = self.engine.load();
        let same_generation = current.as_deref() == Some(engine.generation());
        if current.is_none() || (same_generation && !engine.stamp_changed(&self.index_dir)) {
            return false;
        }
        match Engine::open(&self.index_dir) {
            Ok(engine) => {
                tracing::info!("serving index generation {}", engine.generation());
                self.engine.store(Arc::new(engine));
                self.epoch.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                true
            }
            Err(e) => {
                tracing::warn!("new index generation not usable yet: {e}");
                false
            }
        }
    }
}

pub type Shared = Arc<AppState>;

/// Most requests handled at once; more get a clean 503 instead of queueing without bound.
pub const MAX_CONCURRENT_REQUESTS: usize = 64;
/// Largest request body accepted (the API takes small JSON bodies only).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Time a client gets to send its request headers (slow-loris protection); see `conn.rs` for
/// this and the idle timeout of keep-alive connections.
pub const HEADER_READ_TIMEOUT: Duration = conn::HEADER_TIMEOUT;

/// The router with every route and the protective layers.
pub fn app(state: Shared) -> Router {
    let csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    Router::new()
        .route("/", get(pages::search::search_page))
        .route("/dok/{*path}", get(pages::document::document_page))
        .route("/fil/{*path}", get(pages::document::original_file))
        .route("/api/search", get(api::search))
        .route("/api/suggest", get(api::suggest))
        .route("/api/openapi.json", get(openapi::openapi))
        .route("/healthz", get(api::healthz))
        .route("/readyz", get(api::readyz))
        .route("/status", get(api::status))
        .route("/metrics", get(api::metrics))
        .route("/kort", get(pages::cards::cards_page))
        .route("/kort/{id}", get(pages::cards::card_page))
        .route("/kort/{id}/rost", post(votes::vote))
        .route("/redaktion", get(editor::report_page))
        .route("/redaktion/logga-in", post(editor::login))
        .route("/redaktion/logga-ut", post(editor::logout))
        .route("/iop", get(pages::iop::iop_form))
        .route(
            "/iop/resultat",
            get(pages::iop::iop_result).post(pages::iop::iop_post),
        )
        .route("/api/iop", axum::routing::post(pages::iop::iop_api))
        .route("/troskelvarden", get(pages::thresholds::thresholds_page))
        .route("/api/troskelvarden", get(pages::thresholds::thresholds_api))
        .route("/jamforelse", get(pages::comparison::comparison_page))
        .route("/workshop", get(pages::workshop::workshop_page))
        .route("/workshop/visa", get(pages::workshop::workshop_show))
        .route("/workshop/utskrift", get(pages::workshop::workshop_print))
        .route("/nytt", get(pages::feed::changes_page))
        .route("/nytt.atom", get(pages::feed::changes_feed))
        .route("/tillganglighet", get(pages::accessibility_page))
        .route("/static/{file}", get(pages::static_file))
        .fallback(pages::not_found)
        .with_state(state.clone())
        .layer(axum::middleware::from_fn(ui::remember_choice))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_BODY_BYTES,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            PageError::swedish(Problem::Unexpected).into_response()
        }))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(10),
        ))
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(
                    |_: tower::BoxError| async { PageError::swedish(Problem::Overloaded) },
                ))
                .load_shed()
                .concurrency_limit(MAX_CONCURRENT_REQUESTS),
        )
        .layer(axum::middleware::from_fn_with_state(state, log_request))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
}

/// Logs every request with an id, its path (never the query string: people search for sensitive
/// things), status and time, and returns the id in `x-request-id`.
async fn log_request(
    axum::extract::State(state): axum::extract::State<Shared>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let started = std::time::Instant::now();
    let mut resp = next.run(req).await;
    let seconds = started.elapsed().as_secs_f64();
    state
        .metrics
        .request(&path, resp.status().as_u16(), seconds);
    let ms = seconds * 1000.0;
    tracing::info!(request_id = id, %method, path = %path, status = resp.status().as_u16(), ms = format!("{ms:.2}"), "request");
    if let Ok(v) = HeaderValue::from_str(&id.to_string()) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

/// The value of a plain (unencoded) parameter in a raw query string.
pub(crate) fn query_value<'a>(raw: Option<&'a str>, name: &str) -> Option<&'a str> {
    raw?.split('&').find_map(|pair| match pair.split_once('=') {
        Some((k, v)) if k == name => Some(v),
        _ => None,
    })
}

/// What [`run_search`] found, shared with the result cache (never copied), and how long this
/// request took to get it (a lookup when it came from the cache).
pub struct Searched {
    pub found: Arc<cache::Entry>,
    pub took_ms: f64,
}

/// Runs a search off the async threads, answering repeated requests from the result cache.
pub async fn run_search(state: &Shared, req: SearchRequest) -> Searched {
    let started = std::time::Instant::now();
    let took = || (started.elapsed().as_secs_f64() * 1e6).round() / 1000.0;
    let epoch = state.epoch.load(std::sync::atomic::Ordering::SeqCst);
    let engine = state.engine.load_full();
    let key = cache::ResultCache::key(epoch, &engine, &req);
    if let Some(found) = state.results.get(&key) {
        state.metrics.search(found.results.total, true);
        return Searched {
            found,
            took_ms: took(),
        };
    }
    let query = req.query.clone();
    let shared = state.clone();
    let found = tokio::task::spawn_blocking(move || {
        let found = Arc::new(cache::Entry::new(engine.search(&req)));
        shared.results.put(key, found.clone());
        found
    })
    .await
    .unwrap_or_else(|e| {
        tracing::error!("search task failed: {e}");
        Arc::new(cache::Entry::new(SearchResults {
            query,
            ..SearchResults::default()
        }))
    });
    state.metrics.search(found.results.total, false);
    Searched {
        took_ms: found.results.took_ms,
        found,
    }
}

/// The filter parameters of a request (`topic=iop&format=pdf`), in the order of [`crate::search::FACET_KINDS`].
pub fn filters_of(params: &HashMap<String, String>) -> Vec<(String, String)> {
    crate::search::FACET_KINDS
        .iter()
        .filter_map(|k| {
            params
                .get(*k)
                .filter(|v| !v.is_empty())
                .map(|v| (k.to_string(), v.clone()))
        })
        .collect()
}

/// Parses `limit`: absent → 10; not a positive integer → error; above [`MAX_LIMIT`] → capped.
pub fn parse_limit(raw: Option<&str>) -> Result<usize, String> {
    match raw {
        None => Ok(10),
        Some(s) => match s.trim().parse::<usize>() {
            Ok(0) => Err("limit must be at least 1".into()),
            Ok(n) => Ok(n.min(MAX_LIMIT)),
            Err(_) => Err(format!(
                "limit must be a whole number between 1 and {MAX_LIMIT}"
            )),
        },
    }
}

/// Binds `addr` and serves until Ctrl-C or SIGTERM, switching to new index generations as
/// `vagvisare index` produces them (commits inside a generation are picked up by the reader).
/// Connections are served by hyper directly, with a header-read timeout (axum's own `serve`
/// has none, so slow clients could hold connections open for ever), and drained on shutdown.
/// `timeouts` are the header timeout and the idle keep-alive timeout (`conn.rs`).
pub async fn serve(
    state: Shared,
    addr: &str,
    timeouts: (Duration, Duration),
) -> anyhow::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    tracing::info!("Vägvisare serves at http://{}", listener.local_addr()?);
    eprintln!("Vägvisare: http://{}", listener.local_addr()?);
    let watcher = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(700));
        loop {
            tick.tick().await;
            let s = watcher.clone();
            let _ = tokio::task::spawn_blocking(move || s.refresh()).await;
        }
    });
    let router = app(state.clone());
    let (header_timeout, idle_timeout) = timeouts;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(x) => x,
                    Err(e) => {
                        // Out of file descriptors and the like: back off instead of spinning.
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let service = hyper_util::service::TowerToHyperService::new(router.clone());
                // The header and idle timeouts are the connection's (conn.rs): hyper's own
                // header timeout would also end an idle keep-alive connection after 5 s.
                let stream = conn::Timed::new(stream, header_timeout, idle_timeout);
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(None)
                    .serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            _ = &mut shutdown => break,
        }
    }
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(Duration::from_secs(10)) => tracing::warn!("connections still open after 10 s; closing"),
    }
    let s = state.clone();
    let _ = tokio::task::spawn_blocking(move || s.analytics.flush()).await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
