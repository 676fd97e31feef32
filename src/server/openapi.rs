//! `GET /api/openapi.json`: the JSON API and the operators' endpoints described as OpenAPI 3.1.
//! The document is generated from the code, never written by hand: each handler's
//! `#[utoipa::path]` gives its operation, and the types it serialises (in `wire.rs` and the
//! curated data) give the schemas through `ToSchema`, so a changed field changes the document.
//! It is built once per process. The HTML pages are not described here.

use super::{api, pages};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vägvisare",
        version = env!("CARGO_PKG_VERSION"),
        description = "Sök i svensk vägledning om offentlig upphandling, idéburet offentligt partnerskap (IOP) och reserverade kontrakt, pröva om ett IOP är möjligt och se vilka tröskelvärden som gäller för ett köp. Vägledning, inte juridisk rådgivning.\n\nSearch Swedish guidance on public procurement, idea-based public partnerships (IOP) and reserved contracts, check whether an IOP is possible and see which thresholds apply to a purchase. Guidance, not legal advice.",
    ),
    paths(
        api::search,
        api::suggest,
        pages::iop::iop_api,
        pages::thresholds::thresholds_api,
        openapi,
        api::healthz,
        api::readyz,
        api::status,
        api::metrics,
    ),
    tags(
        (name = "search", description = "Sökning / Search"),
        (name = "iop", description = "IOP-prövningen / The IOP check"),
        (name = "thresholds", description = "Tröskelvärden / Thresholds"),
        (name = "operations", description = "Drift: hälsa, status, mätvärden / Operations: health, status, metrics"),
    )
)]
struct ApiDoc;

/// The document as JSON, generated on first use.
pub fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| {
            tracing::error!("the API description failed: {e}");
            serde_json::json!({ "error": format!("the API description failed: {e}") }).to_string()
        })
    })
}

/// This description
///
/// The OpenAPI 3.1 document of the JSON API and the operators' endpoints, generated from the
/// server's code.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI document", body = Object, content_type = "application/json"))
)]
pub async fn openapi() -> Response {
    let mut resp = document().into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_is_json_and_names_the_service() {
        let doc: serde_json::Value = serde_json::from_str(super::document()).unwrap();
        assert_eq!(doc["info"]["title"], "Vägvisare");
        assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    }
}
