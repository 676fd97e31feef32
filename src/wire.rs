//! The JSON types of the command-line and HTTP contract (`search --json` and `/api/search`
//! print exactly these). Field names and meanings are fixed by `CONTRACT.md`; extra fields are
//! allowed, removing or renaming one is not.
//!
//! The other JSON answers of the API (`/api/suggest`, `/api/troskelvarden`, `/status`) and the
//! query parameters are typed here too, so that `/api/openapi.json` is derived from the types
//! the handlers serialise (`ToSchema`, `IntoParams`). Every field a response always carries is
//! marked required, `null` included: a client can rely on the key being there.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// The answer of a search (`/api/search`, `search --json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct SearchResponse {
    /// The query as given.
    pub query: String,
    /// Number of matching sections.
    pub total: u64,
    /// Extra: the number of documents those sections belong to.
    #[serde(default)]
    #[schema(required = true)]
    pub documents: u64,
    /// Time the search took, in milliseconds.
    pub took_ms: f64,
    /// The best matching sections, best first (at most `limit`).
    pub hits: Vec<Hit>,
    /// The curated answer cards that answer the query, best first (possibly empty).
    pub cards: Vec<CardRef>,
    /// Extra: "Menade du …?" — the query with unknown words corrected, when the search used it.
    #[schema(required = true)]
    pub suggestion: Option<String>,
    /// Extra: counts of matching sections per filter value: `{"topic": [{"value": "iop", "count": 12}], ...}`.
    /// The keys are the filter parameters of `/api/search` (`topic`, `audience`, `lang`,
    /// `format`, `source`, `year`); a filter without matches is left out.
    #[serde(default)]
    #[schema(required = true)]
    pub facets: BTreeMap<String, Vec<FacetCount>>,
}

/// `{"value": "iop", "count": 12}`: how many matching sections have a filter value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

impl From<&crate::search::FacetCount> for FacetCount {
    fn from(f: &crate::search::FacetCount) -> FacetCount {
        FacetCount {
            value: f.value.clone(),
            count: f.count,
        }
    }
}

/// One matching section.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct Hit {
    /// Corpus-relative path with forward slashes.
    pub path: String,
    pub title: String,
    /// Heading trail of the matching section, or null.
    #[schema(required = true)]
    pub section: Option<String>,
    /// Relevance, higher is better; comparable within one answer only.
    pub score: f32,
    /// Plain text, HTML-escaped; only `<mark>`…`</mark>` is markup.
    pub snippet: String,
    /// Extra: the section's anchor id in the document view (`/dok/<path>#<anchor>`).
    pub anchor: String,
    /// Extra: markdown, html, pdf or text.
    pub kind: String,
    /// Extra: sv or en.
    pub lang: String,
}

/// A curated answer card that answers the query.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct CardRef {
    pub id: String,
    pub title: String,
    /// Extra: the short answer (plain text).
    pub answer: String,
    /// Extra: the legal basis, e.g. "LOU 4 kap. 18 §".
    pub legal_basis: Vec<String>,
    /// Extra: the card's page, `/kort/<id>`.
    pub url: String,
}

/// The body of every 4xx answer of the API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ApiError {
    /// What was wrong with the request, in a sentence.
    pub error: String,
}

impl From<&crate::search::SearchResults> for SearchResponse {
    /// The contract's shape of a search: snippets as escaped HTML with `<mark>`, card addresses.
    fn from(r: &crate::search::SearchResults) -> SearchResponse {
        SearchResponse {
            query: r.query.clone(),
            total: r.total,
            documents: r.documents,
            took_ms: r.took_ms,
            hits: r
                .hits
                .iter()
                .map(|h| Hit {
                    path: h.path.clone(),
                    title: h.title.clone(),
                    section: h.section.clone(),
                    score: h.score,
                    snippet: h.snippet.to_html(),
                    anchor: h.anchor.clone(),
                    kind: h.kind.clone(),
                    lang: h.lang.clone(),
                })
                .collect(),
            cards: r
                .cards
                .iter()
                .map(|c| CardRef {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    answer: c.answer.clone(),
                    legal_basis: c.legal_basis.clone(),
                    url: crate::urls::card(&c.id),
                })
                .collect(),
            suggestion: r.suggestion.clone(),
            facets: r
                .facets
                .iter()
                .map(|(kind, counts)| (kind.clone(), counts.iter().map(FacetCount::from).collect()))
                .collect(),
        }
    }
}

/// The query parameters of `/api/search`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The query, in Swedish or English. Any string is a valid query; a missing or empty one
    /// gives no hits.
    pub q: Option<String>,
    /// Most hits to return: a whole number from 1, default 10, capped at 100. Anything else
    /// is a 400.
    #[param(minimum = 1)]
    pub limit: Option<u32>,
    /// Filter: a topic of the document (the values of `facets.topic`).
    pub topic: Option<String>,
    /// Filter: an audience of the document (the values of `facets.audience`).
    pub audience: Option<String>,
    /// Filter: the language of the section, `sv` or `en`.
    pub lang: Option<String>,
    /// Filter: the kind of source file, `markdown`, `html`, `pdf` or `text`.
    pub format: Option<String>,
    /// Filter: the corpus folder the document is in, `(rot)` for the top (the values of
    /// `facets.source`).
    pub source: Option<String>,
    /// Filter: the year the document was last reviewed (the values of `facets.year`).
    pub year: Option<String>,
}

/// The query parameters of `/api/suggest`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// The text typed so far; fewer than two characters give no suggestions.
    pub q: Option<String>,
}

/// `/api/suggest`: what to offer while someone types.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct Suggestions {
    /// The text as given.
    pub query: String,
    /// At most 8: answer cards first, then documents (each once).
    pub suggestions: Vec<Suggestion>,
}

/// A card or a document to go to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct Suggestion {
    /// The card's or the document's title.
    pub label: String,
    /// Its page on this server (`/kort/<id>`, `/dok/<path>…`).
    pub url: String,
    pub kind: SuggestionKind,
}

/// `kort` (an answer card) or `dokument`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SuggestionKind {
    Kort,
    Dokument,
}

/// `/status`: the index being served.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct Status {
    /// The index generation (`gen-N`).
    pub generation: String,
    /// Sections in the index.
    pub sections: u64,
    /// Answer cards in the curated data.
    pub cards: usize,
    /// When the generation was last committed (seconds since 1970), `null` when unknown.
    #[schema(required = true)]
    pub last_commit_unix: Option<u64>,
    /// The server's version.
    pub version: String,
}

/// The body of `POST /api/iop`. The bare answers map (without `answers` around it) is
/// accepted too.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[schema(example = json!({"answers": {"ideburen": "ja", "forpliktelser": "ja", "ersattning": "per-styck", "marknad": "andra-finns"}}))]
pub struct IopRequest {
    /// Question id → option value, as in the form at `/iop` (`vet-ej` for "vet inte").
    /// Unknown questions or values are left out and listed in the verdict's `ignored`.
    pub answers: BTreeMap<String, String>,
}

/// The query parameters of `/api/troskelvarden`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThresholdParams {
    /// The estimated value of the purchase in kronor, as people type it ("650 000",
    /// "1,5 mkr", "850 tkr"; in English "900,000").
    pub value: String,
    /// The kind of purchase (`threshold_kinds`).
    #[param(schema_with = threshold_kinds)]
    pub kind: Option<String>,
    /// The kind of buyer (`threshold_buyers`).
    #[param(schema_with = threshold_buyers)]
    pub buyer: Option<String>,
    /// The date the guidance is for (`YYYY-MM-DD`); default today. An unreadable date counts
    /// as today.
    pub datum: Option<String>,
    /// The language of the texts (`languages`).
    #[param(schema_with = languages)]
    pub sprak: Option<String>,
}

/// A string schema with a description and the values it may take. (A parameter described by
/// `schema_with` carries its description in its schema.)
fn string_enum(
    description: &str,
    values: impl IntoIterator<Item = &'static str>,
) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .description(Some(description))
        .enum_values(Some(values))
        .build()
}

fn threshold_kinds() -> utoipa::openapi::Object {
    string_enum(
        "The kind of purchase; default `tjanster`.",
        crate::curated::thresholds::KINDS.iter().map(|(id, _)| *id),
    )
}

fn threshold_buyers() -> utoipa::openapi::Object {
    string_enum(
        "The kind of buyer; default `kommun` (municipality or region).",
        crate::curated::thresholds::BUYERS.iter().map(|(id, _)| *id),
    )
}

fn languages() -> utoipa::openapi::Object {
    string_enum(
        "The language of the texts: `sv` (default) or `en`.",
        ["sv", "en"],
    )
}

/// `/api/troskelvarden`: the guidance, and the date it is for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ThresholdsResponse {
    #[serde(flatten)]
    pub guidance: crate::curated::thresholds::Guidance,
    /// The date the guidance is for (`YYYY-MM-DD`).
    pub date: String,
}
