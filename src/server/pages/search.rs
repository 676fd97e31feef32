//! The search page (`/`): the answer cards first, then the hits grouped by document, the
//! filters with their counts, paging and "Menade du …?".

use super::{cited, facet_kind_label, facet_value_label, kind_label, render};
use crate::analytics::Event;
use crate::law::cite::{Context, main_law};
use crate::search::{Engine, SearchRequest, SearchResults};
use crate::server::error::PageResult;
use crate::server::ui::Ui;
use crate::server::{Shared, filters_of, run_search};
use crate::urls;
use askama::Template;
use axum::extract::{Query, State};
use std::collections::HashMap;

/// Hits per page.
const PAGE_SIZE: usize = 10;
/// Pages a query can be paged through.
const MAX_PAGES: usize = 50;
const EXAMPLES: &[&str] = &[
    "reserverade kontrakt",
    "direktupphandlingsgräns",
    "4 kap. 18 § LOU",
    "idéburet offentligt partnerskap",
    "30 procent",
];

pub struct HitView {
    pub url: String,
    pub lang: String,
    pub title: String,
    pub section: Option<String>,
    /// Escaped HTML with the matches in `<mark>`.
    pub snippet: String,
    pub path: String,
    pub kind_label: String,
}

/// The hits of one document on a result page: its title once, its matching sections below.
pub struct HitGroup {
    pub title: String,
    pub url: String,
    pub path: String,
    pub kind_label: String,
    /// The document's language (`sv`, `en`), marked on the hit when it differs from the page's.
    pub lang: String,
    pub sections: Vec<HitView>,
}

/// An answer card above the hits: its answer and legal basis with their citations as links,
/// as on the card's own page.
pub struct CardView {
    pub url: String,
    pub title: String,
    pub answer_html: String,
    pub basis_html: Vec<String>,
    pub vote: super::VoteView,
}

pub struct FacetLink {
    pub label: String,
    pub count: u64,
    pub url: String,
}

pub struct FacetGroup {
    pub label: String,
    pub links: Vec<FacetLink>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    ui: Ui,
    query: String,
    facets: Vec<FacetGroup>,
    active: Vec<FacetLink>,
    filter_qs: String,
    cards: Vec<CardView>,
    suggestion: Option<String>,
    total: u64,
    /// Documents the matching sections belong to.
    documents: u64,
    hits: Vec<HitGroup>,
    examples: &'static [&'static str],
    sections: u64,
    prev_page: Option<usize>,
    next_page: Option<usize>,
}

/// Groups hits by document in the order each document first appears.
fn group_hits(hits: Vec<HitView>) -> Vec<HitGroup> {
    let mut groups: Vec<HitGroup> = Vec::new();
    for h in hits {
        match groups.iter_mut().find(|g| g.path == h.path) {
            Some(g) => g.sections.push(h),
            None => groups.push(HitGroup {
                title: h.title.clone(),
                url: h.url.clone(),
                path: h.path.clone(),
                kind_label: h.kind_label.clone(),
                lang: h.lang.clone(),
                sections: vec![h],
            }),
        }
    }
    groups
}

pub async fn search_page(
    ui: Ui,
    State(state): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> PageResult {
    let query = params
        .get("q")
        .map(|q| q.trim().to_string())
        .unwrap_or_default();
    let page = params
        .get("sida")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_PAGES);
    let sections = state.engine.load().num_sections();
    let mut view = SearchPage {
        ui,
        query: query.clone(),
        facets: vec![],
        active: vec![],
        filter_qs: String::new(),
        cards: vec![],
        suggestion: None,
        total: 0,
        documents: 0,
        hits: vec![],
        examples: EXAMPLES,
        sections,
        prev_page: None,
        next_page: None,
    };
    if !query.is_empty() {
        let filters = filters_of(&params);
        let mut req = SearchRequest::new(query.clone(), PAGE_SIZE);
        req.offset = (page - 1) * PAGE_SIZE;
        req.filters = filters.clone();
        let searched = run_search(&state, req).await;
        let res = &searched.found.results;
        if page == 1 {
            state.analytics.record(Event::Search {
                query: query.clone(),
                hits: res.total,
                cards: res.cards.len(),
            });
        }
        let engine = state.engine.load_full();
        let voted = params.get("rostat").map(String::as_str);
        let ui = view.ui.clone();
        let vote = |id: &str, title: &str| super::VoteView::new(&state, &ui, id, title, voted);
        fill(&mut view, res, &engine, &query, &filters, page, &vote);
    }
    render(&view)
}

/// Puts what a search found on the page; `vote` makes a card's "Hjälpte svaret?" form.
fn fill(
    view: &mut SearchPage,
    res: &SearchResults,
    engine: &Engine,
    query: &str,
    filters: &[(String, String)],
    page: usize,
    vote: &dyn Fn(&str, &str) -> super::VoteView,
) {
    let lang = view.ui.lang;
    let curated = engine.curated();
    view.filter_qs = urls::filter_query(filters);
    view.active = filters
        .iter()
        .map(|(k, v)| {
            let without: Vec<(String, String)> = filters
                .iter()
                .filter(|f| (&f.0, &f.1) != (k, v))
                .cloned()
                .collect();
            FacetLink {
                label: format!(
                    "{}: {}",
                    facet_kind_label(k, lang),
                    facet_value_label(k, v, lang, curated)
                ),
                count: 0,
                url: urls::search(query, &without),
            }
        })
        .collect();
    view.facets = res
        .facets
        .iter()
        .filter(|(k, values)| values.len() > 1 || filters.iter().all(|(fk, _)| fk != *k))
        .map(|(k, values)| FacetGroup {
            label: facet_kind_label(k, lang).to_string(),
            links: values
                .iter()
                .filter(|v| !filters.iter().any(|(fk, fv)| fk == k && fv == &v.value))
                .take(12)
                .map(|v| {
                    let mut with = filters.to_vec();
                    with.retain(|(fk, _)| fk != k);
                    with.push((k.clone(), v.value.clone()));
                    FacetLink {
                        label: facet_value_label(k, &v.value, lang, curated),
                        count: v.count,
                        url: urls::search(query, &with),
                    }
                })
                .collect(),
        })
        .filter(|g: &FacetGroup| !g.links.is_empty())
        .collect();
    view.total = res.total;
    view.documents = res.documents;
    view.cards = res
        .cards
        .iter()
        .map(|c| {
            let context = Context {
                law: main_law(&c.legal_basis),
                chapter: None,
            };
            let cite = |text: &str| cited(engine, &view.ui, text, context);
            CardView {
                url: urls::card_from_search(&c.id, query),
                title: c.title.clone(),
                answer_html: cite(&c.answer),
                basis_html: c.legal_basis.iter().map(|b| cite(b)).collect(),
                vote: vote(&c.id, &c.title),
            }
        })
        .collect();
    view.suggestion = res.suggestion.clone();
    view.hits = group_hits(
        res.hits
            .iter()
            .map(|h| HitView {
                url: urls::hit(&h.path, query, Some(&h.anchor)),
                title: h.title.clone(),
                section: h.section.clone(),
                snippet: h.snippet.to_html(),
                kind_label: kind_label(&h.kind, lang),
                path: h.path.clone(),
                lang: h.lang.clone(),
            })
            .collect(),
    );
    view.prev_page = (page > 1).then(|| page - 1);
    view.next_page =
        ((page * PAGE_SIZE) < res.total as usize && page < MAX_PAGES).then(|| page + 1);
}
