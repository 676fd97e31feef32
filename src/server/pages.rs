//! Server-rendered HTML pages (askama templates in `web/templates`, compiled into the binary,
//! auto-escaped) and the embedded static assets. Every page works without JavaScript.

use super::ui::{Lang, Ui, text, text_opt};
use super::{Shared, run_search};
use crate::document::{Meta, RelPath};
use crate::search::SearchRequest;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

const PAGE_SIZE: usize = 10;
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

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    ui: Ui,
    query: String,
    facets: Vec<FacetGroup>,
    active: Vec<FacetLink>,
    filter_qs: String,
    cards: Vec<crate::wire::CardRef>,
    suggestion: Option<String>,
    total: u64,
    took: String,
    hits: Vec<HitGroup>,
    examples: &'static [&'static str],
    sections: u64,
    prev_page: Option<usize>,
    next_page: Option<usize>,
}

pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!("template error: {e}");
            error_response(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// Percent-encodes a corpus path for use in a URL path (keeps `/`).
pub fn path_url(path: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(path, SET).to_string()
}

fn audience_label(a: &str, lang: Lang) -> String {
    text_opt(lang, &format!("audience.{a}")).map_or_else(|| a.to_string(), str::to_string)
}

/// "Webbsida", "PDF", ... for a document kind (`markdown`, `html`, `pdf`, `text`).
fn kind_label(kind: &str, lang: Lang) -> String {
    let kind = match kind {
        "markdown" | "html" | "pdf" => kind,
        _ => "text",
    };
    text(lang, &format!("format.{kind}")).to_string()
}

pub async fn search_page(
    ui: Ui,
    State(state): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let query = params
        .get("q")
        .map(|q| q.trim().to_string())
        .unwrap_or_default();
    let page = params
        .get("sida")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 50);
    let sections = state.engine.load().num_sections();
    let lang = ui.lang;
    let mut view = SearchPage {
        ui,
        query: query.clone(),
        facets: vec![],
        active: vec![],
        filter_qs: String::new(),
        cards: vec![],
        suggestion: None,
        total: 0,
        took: String::new(),
        hits: vec![],
        examples: EXAMPLES,
        sections,
        prev_page: None,
        next_page: None,
    };
    if !query.is_empty() {
        let query_for_links = query.clone();
        let filters = super::filters_of(&params);
        let mut req = SearchRequest::new(query, PAGE_SIZE);
        req.offset = (page - 1) * PAGE_SIZE;
        req.filters = filters.clone();
        let res = run_search(&state, req).await;
        view.filter_qs = filter_query(&filters, None);
        view.active = filters
            .iter()
            .map(|(k, v)| FacetLink {
                label: format!(
                    "{}: {}",
                    facet_kind_label(k, lang),
                    facet_value_label(k, v, lang)
                ),
                count: 0,
                url: format!(
                    "/?q={}{}",
                    enc(&query_for_links),
                    filter_query(&filters, Some((k, v)))
                ),
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
                        let mut with = filters.clone();
                        with.retain(|(fk, _)| fk != k);
                        with.push((k.clone(), v.value.clone()));
                        FacetLink {
                            label: facet_value_label(k, &v.value, lang),
                            count: v.count,
                            url: format!(
                                "/?q={}{}",
                                enc(&query_for_links),
                                filter_query(&with, None)
                            ),
                        }
                    })
                    .collect(),
            })
            .filter(|g: &FacetGroup| !g.links.is_empty())
            .collect();
        view.total = res.total;
        view.cards = res.cards;
        view.suggestion = res.suggestion;
        view.took = format!("{:.1}", res.took_ms);
        view.hits = group_hits(
            res.hits
                .into_iter()
                .map(|h| HitView {
                    url: format!(
                        "/dok/{}?q={}{}",
                        path_url(&h.path),
                        percent_encoding::utf8_percent_encode(
                            &query_for_links,
                            percent_encoding::NON_ALPHANUMERIC
                        ),
                        if h.anchor.is_empty() {
                            String::new()
                        } else {
                            format!("#{}", h.anchor)
                        }
                    ),
                    title: h.title,
                    section: h.section,
                    snippet: h.snippet,
                    kind_label: kind_label(&h.kind, lang),
                    path: h.path,
                    lang: h.lang,
                })
                .collect(),
        );
        view.prev_page = (page > 1).then(|| page - 1);
        view.next_page = ((page * PAGE_SIZE) < res.total as usize && page < 50).then(|| page + 1);
    }
    render(&view)
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

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `&topic=iop&format=pdf` for a set of filters, leaving out `without`.
fn filter_query(filters: &[(String, String)], without: Option<(&String, &String)>) -> String {
    filters
        .iter()
        .filter(|(k, v)| Some((k, v)) != without)
        .map(|(k, v)| format!("&{}={}", enc(k), enc(v)))
        .collect()
}

fn facet_kind_label(kind: &str, lang: Lang) -> &'static str {
    text_opt(lang, &format!("facet.{kind}")).unwrap_or(text(lang, "facet.label"))
}

fn facet_value_label(kind: &str, value: &str, lang: Lang) -> String {
    match kind {
        "topic" => super::curated_pages::topic_label(value, lang),
        "audience" => audience_label(value, lang),
        "lang" => text_opt(lang, &format!("lang.{value}"))
            .unwrap_or(value)
            .to_string(),
        "format" => kind_label(value, lang),
        _ => value.to_string(),
    }
}

pub struct Block {
    pub list: bool,
    pub text: String,
    pub items: Vec<String>,
}

pub struct SectionView {
    pub heading: Option<String>,
    pub level: u8,
    pub anchor: String,
    pub blocks: Vec<Block>,
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    ui: Ui,
    title: String,
    path: String,
    kind_label: String,
    lang: String,
    summary: Option<String>,
    legal_refs: Vec<String>,
    reviewed: Option<String>,
    sources: Vec<String>,
    sections: Vec<SectionView>,
    audience: Vec<String>,
    cards: Vec<(String, String)>,
    query: String,
    toc: Vec<(String, String)>,
    path_url: String,
    similar: Vec<Related>,
    same_refs: Vec<Related>,
}

/// A link to a related document, with the document's language.
pub struct Related {
    pub url: String,
    pub title: String,
    pub lang: String,
}

/// Documents like this one (more-like-this over its text), and documents citing the same legal
/// provisions; at most five each, never the document itself.
fn related_documents(
    engine: &crate::search::Engine,
    searcher: &tantivy::Searcher,
    path: &str,
    body: tantivy::schema::Field,
    text: &str,
    legal_refs: &[String],
) -> (Vec<Related>, Vec<Related>) {
    let f = &engine.fields;
    let collect = |query: &dyn tantivy::query::Query| -> Vec<Related> {
        let Ok(top) = searcher.search(query, &TopDocs::with_limit(60).order_by_score()) else {
            return Vec::new();
        };
        let mut seen = std::collections::HashSet::new();
        top.into_iter()
            .filter_map(|(_, a)| searcher.doc::<TantivyDocument>(a).ok())
            .filter_map(|d| {
                let p = d.get_first(f.path)?.as_str()?.to_string();
                let t = d.get_first(f.title)?.as_str()?.to_string();
                let lang = d.get_first(f.lang).and_then(|v| v.as_str()).unwrap_or("sv");
                (p != path && seen.insert(p.clone())).then(|| Related {
                    url: format!("/dok/{}", path_url(&p)),
                    title: t,
                    lang: lang.to_string(),
                })
            })
            .take(5)
            .collect()
    };
    let sample: String = text.chars().take(20_000).collect();
    let mlt = tantivy::query::MoreLikeThisQuery::builder()
        .with_min_doc_frequency(1)
        .with_min_term_frequency(2)
        .with_max_query_terms(30)
        .with_min_word_length(4)
        .with_document_fields(vec![(body, vec![tantivy::schema::OwnedValue::Str(sample)])]);
    let similar = collect(&mlt);
    let keys: Vec<String> = legal_refs
        .iter()
        .flat_map(|r| crate::analysis::legal::references(r))
        .filter(|k| !k.contains('/'))
        .collect();
    let same_refs = if keys.is_empty() {
        Vec::new()
    } else {
        let clauses: Vec<(tantivy::query::Occur, Box<dyn tantivy::query::Query>)> = keys
            .iter()
            .map(|k| {
                (
                    tantivy::query::Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.refs_cited, k),
                        IndexRecordOption::Basic,
                    )) as Box<dyn tantivy::query::Query>,
                )
            })
            .collect();
        collect(&tantivy::query::BooleanQuery::new(clauses))
    };
    (similar, same_refs)
}

/// Splits stored section text into paragraphs and bullet lists (as HTML, query words marked).
fn blocks(text: &str, stems: &std::collections::HashSet<String>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for para in text.split("\n\n") {
        let para = para.trim();
        if para.is_empty() {
            continue;
        }
        if let Some(item) = para.strip_prefix("• ") {
            let item = highlight(
                &item.split_whitespace().collect::<Vec<_>>().join(" "),
                stems,
            );
            match out.last_mut() {
                Some(b) if b.list => b.items.push(item),
                _ => out.push(Block {
                    list: true,
                    text: String::new(),
                    items: vec![item],
                }),
            }
        } else {
            out.push(Block {
                list: false,
                text: highlight(
                    &para.split_whitespace().collect::<Vec<_>>().join(" "),
                    stems,
                ),
                items: vec![],
            });
        }
    }
    out
}

/// Wraps the words of `text` whose Swedish or English stem is in `stems` in `<mark>`; everything
/// else is escaped. Returns ready HTML.
pub fn highlight(text: &str, stems: &std::collections::HashSet<String>) -> String {
    use tantivy::tokenizer::TokenStream;
    let mut marks: Vec<(usize, usize)> = Vec::new();
    if !stems.is_empty() {
        for analyzer in [crate::analysis::Analyzer::Sv, crate::analysis::Analyzer::En] {
            crate::analysis::with(analyzer, |a| {
                let mut stream = a.token_stream(text);
                while stream.advance() {
                    let t = stream.token();
                    if stems.contains(&t.text) {
                        marks.push((t.offset_from, t.offset_to));
                    }
                }
            });
        }
    }
    marks.sort_unstable();
    marks.dedup();
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    for (from, to) in marks {
        if from < last || !text.is_char_boundary(from) || !text.is_char_boundary(to) {
            continue;
        }
        out.push_str(&crate::search::escape_html(&text[last..from]));
        out.push_str("<mark>");
        out.push_str(&crate::search::escape_html(&text[from..to]));
        out.push_str("</mark>");
        last = to;
    }
    out.push_str(&crate::search::escape_html(&text[last..]));
    out
}

/// Stems of a query in both languages, for highlighting.
fn query_stems(q: &str) -> std::collections::HashSet<String> {
    let mut set = std::collections::HashSet::new();
    for a in [crate::analysis::Analyzer::Sv, crate::analysis::Analyzer::En] {
        set.extend(
            crate::analysis::tokens(a, crate::search::clip(q))
                .into_iter()
                .map(|(_, t)| t),
        );
    }
    set
}

pub async fn document_page(
    ui: Ui,
    State(state): State<Shared>,
    Path(raw): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let stems = query_stems(params.get("q").map(String::as_str).unwrap_or(""));
    let Some(path) = RelPath::parse(&raw) else {
        return error_page(&ui, StatusCode::NOT_FOUND, "no_document");
    };
    let engine = state.engine.load_full();
    let page_ui = ui.clone();
    let found = tokio::task::spawn_blocking(move || {
        let ui = page_ui;
        let searcher = engine.reader.searcher();
        let f = &engine.fields;
        let q = TermQuery::new(
            Term::from_field_text(f.path, path.as_str()),
            IndexRecordOption::Basic,
        );
        let top = searcher
            .search(&q, &TopDocs::with_limit(100_000).order_by_score())
            .ok()?;
        let mut docs: Vec<TantivyDocument> = top
            .into_iter()
            .filter_map(|(_, a)| searcher.doc(a).ok())
            .collect();
        let ord = |d: &TantivyDocument| d.get_first(f.ord).and_then(|v| v.as_u64()).unwrap_or(0);
        docs.sort_by_key(ord);
        let first = docs.first()?;
        let text = |d: &TantivyDocument, field| {
            d.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let meta: Meta = text(first, f.meta)
            .and_then(|m| serde_json::from_str(&m).ok())
            .unwrap_or_default();
        let lang = text(first, f.lang).unwrap_or_else(|| "sv".into());
        let body_f = if lang == "en" { f.body_en } else { f.body_sv };
        let sections: Vec<SectionView> = docs
            .iter()
            .map(|d| {
                let level = d.get_first(f.level).and_then(|v| v.as_u64()).unwrap_or(0) as u8;
                SectionView {
                    heading: text(d, f.heading),
                    level: level.clamp(2, 6),
                    anchor: text(d, f.anchor).unwrap_or_default(),
                    blocks: blocks(&text(d, body_f).unwrap_or_default(), &stems),
                }
            })
            .filter(|s| s.heading.is_some() || !s.blocks.is_empty())
            .collect();
        let whole: String = docs
            .iter()
            .filter_map(|d| text(d, body_f))
            .collect::<Vec<_>>()
            .join("\n");
        let related = related_documents(
            &engine,
            &searcher,
            path.as_str(),
            body_f,
            &whole,
            &meta.legal_refs,
        );
        Some(DocumentPage {
            similar: related.0,
            path_url: path_url(path.as_str()),
            same_refs: related.1,
            title: text(first, f.title).unwrap_or_default(),
            path: path.to_string(),
            kind_label: kind_label(&text(first, f.kind).unwrap_or_default(), ui.lang),
            lang,
            summary: meta.summary,
            legal_refs: meta.legal_refs,
            reviewed: meta.reviewed,
            sources: meta.sources,
            audience: meta
                .audience
                .iter()
                .map(|a| audience_label(a, ui.lang))
                .collect(),
            cards: engine
                .curated
                .cards
                .iter()
                .filter(|c| {
                    c.see
                        .iter()
                        .any(|l| l.split('#').next() == Some(path.as_str()))
                })
                .map(|c| (c.id.clone(), c.title.clone()))
                .collect(),
            query: params.get("q").cloned().unwrap_or_default(),
            toc: sections
                .iter()
                .filter(|s: &&SectionView| s.level <= 3)
                .filter_map(|s| s.heading.clone().map(|h| (s.anchor.clone(), h)))
                .collect(),
            sections,
            ui,
        })
    })
    .await
    .ok()
    .flatten();
    match found {
        Some(page) => render(&page),
        None => error_page(&ui, StatusCode::NOT_FOUND, "no_document"),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ui: &'a Ui,
    heading: &'static str,
    message: &'static str,
}

/// An error page from the texts `err.<what>.title` and `err.<what>.text`.
pub fn error_page(ui: &Ui, status: StatusCode, what: &str) -> Response {
    let heading = ui.t(&format!("err.{what}.title"));
    let message = ui.t(&format!("err.{what}.text"));
    let body = ErrorPage {
        ui,
        heading,
        message,
    }
    .render()
    .unwrap_or_else(|_| heading.to_string());
    (status, Html(body)).into_response()
}

/// An error page for places without a request at hand (panics): in Swedish.
pub fn error_response(status: StatusCode) -> Response {
    error_page(&Ui::swedish(), status, "unexpected")
}

pub async fn not_found(ui: Ui) -> Response {
    error_page(&ui, StatusCode::NOT_FOUND, "no_page")
}

/// Assets are compiled into the binary, so `serve` runs from any directory.
pub async fn static_file(ui: Ui, Path(file): Path<String>) -> Response {
    let (body, mime): (&'static str, &str) = match file.as_str() {
        "style.css" => (
            include_str!("../../web/static/style.css"),
            "text/css; charset=utf-8",
        ),
        "enhance.js" => (
            include_str!("../../web/static/enhance.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return not_found(ui).await,
    };
    let mut resp = body.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime).expect("static mime"),
    );
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    resp
}

/// The original file of an indexed document, as a download. Only paths the index knows are
/// served, resolved inside the corpus (symlinks leading out of it are refused), and always as an
/// attachment, so an original HTML page never runs in this site's origin.
pub async fn original_file(
    ui: Ui,
    State(state): State<Shared>,
    Path(raw): Path<String>,
) -> Response {
    let missing = || error_page(&ui, StatusCode::NOT_FOUND, "no_file");
    let (Some(path), Some(corpus)) = (RelPath::parse(&raw), state.corpus_dir.clone()) else {
        return missing();
    };
    let engine = state.engine.load_full();
    let known = engine
        .reader
        .searcher()
        .doc_freq(&Term::from_field_text(engine.fields.path, path.as_str()))
        .is_ok_and(|n| n > 0);
    if !known || path.as_str().ends_with(".toml") {
        return missing();
    }
    let read = tokio::task::spawn_blocking(move || -> Option<Vec<u8>> {
        let root = std::fs::canonicalize(&corpus).ok()?;
        let file = std::fs::canonicalize(root.join(path.as_str())).ok()?;
        if !file.starts_with(&root) || !file.is_file() {
            return None;
        }
        std::fs::read(file).ok()
    })
    .await
    .ok()
    .flatten();
    let Some(bytes) = read else { return missing() };
    let name = raw.rsplit('/').next().unwrap_or("fil");
    let mime = match name
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("pdf") => "application/pdf",
        Some("html") | Some("htm") => "application/octet-stream",
        Some("md") | Some("markdown") => "text/markdown; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
    );
    let mut resp = bytes.into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}
