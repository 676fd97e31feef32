//! The JSON types of the command-line and HTTP contract (`search --json` and `/api/search`
//! print exactly these). Field names and meanings are fixed by `CONTRACT.md`; extra fields are
//! allowed, removing or renaming one is not.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SearchResponse {
    /// The query as given.
    pub query: String,
    /// Number of matching sections.
    pub total: u64,
    /// Extra: the number of documents those sections belong to.
    #[serde(default)]
    pub documents: u64,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
    pub cards: Vec<CardRef>,
    /// Extra: "Menade du …?" — the query with unknown words corrected, when the search used it.
    pub suggestion: Option<String>,
    /// Extra: counts of matching sections per filter value: `{"topic": [{"value": "iop", "count": 12}], ...}`.
    #[serde(default)]
    pub facets: std::collections::BTreeMap<String, Vec<FacetCount>>,
}

/// `{"value": "iop", "count": 12}`: how many matching sections have a filter value.
pub use crate::search::FacetCount;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Hit {
    /// Corpus-relative path with forward slashes.
    pub path: String,
    pub title: String,
    /// Heading trail of the matching section, or null.
    pub section: Option<String>,
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ApiError {
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
            facets: r.facets.clone(),
        }
    }
}
