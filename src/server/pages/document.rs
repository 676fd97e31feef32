//! The document view (`/dok/<path>`: every section in order, the query's words marked, the
//! answer cards that cite it and related reading) and the original file (`/fil/<path>`).

use super::{AmendedView, amended_views, audience_label, kind_label, render, with_citations};
use crate::document::RelPath;
use crate::document::StatuteMeta;
use crate::law::cite::{Context, main_law};
use crate::law::law_of_sfs;
use crate::search::Engine;
use crate::search::read::{self, DocumentView, RelatedDocument};
use crate::server::Shared;
use crate::server::error::{PageError, PageResult, Problem};
use crate::server::ui::Ui;
use crate::urls;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use std::collections::HashMap;

/// A paragraph (`list` false, `text`) or a bullet list (`items`), as HTML with marks.
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

/// One source of a document: a web address shown short, or a reference as written.
pub struct SourceView {
    pub href: Option<String>,
    pub label: String,
}

impl SourceView {
    fn of(source: &str) -> SourceView {
        let Some(rest) = source
            .strip_prefix("https://")
            .or_else(|| source.strip_prefix("http://"))
        else {
            return SourceView {
                href: None,
                label: source.to_string(),
            };
        };
        let host = rest.split('/').next().unwrap_or(rest);
        let host = host.strip_prefix("www.").unwrap_or(host);
        let last = rest
            .split(['?', '#'])
            .next()
            .unwrap_or(rest)
            .split('/')
            .skip(1)
            .filter(|s| !s.is_empty())
            .last();
        let label = match last {
            Some(l) if l.chars().count() > 48 => {
                format!("{host}/…/{}…", l.chars().take(47).collect::<String>())
            }
            Some(l) => format!("{host}/…/{l}"),
            None => host.to_string(),
        };
        SourceView {
            href: Some(source.to_string()),
            label,
        }
    }
}

/// A link to a related document, with the document's language.
pub struct Related {
    pub url: String,
    pub title: String,
    pub lang: String,
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
    /// As HTML, citations linked.
    legal_refs: Vec<String>,
    reviewed: Option<String>,
    sources: Vec<SourceView>,
    sections: Vec<SectionView>,
    audience: Vec<String>,
    /// (card address, title)
    cards: Vec<(String, String)>,
    query: String,
    toc: Vec<(String, String)>,
    file_url: String,
    similar: Vec<Related>,
    same_refs: Vec<Related>,
    /// Set for a statute's text.
    statute: Option<StatuteMeta>,
    amended: Vec<AmendedView>,
    reviewed_date: Option<String>,
}

fn related(list: Vec<RelatedDocument>) -> Vec<Related> {
    list.into_iter()
        .map(|r| Related {
            url: urls::document(&r.path),
            title: r.title,
            lang: r.lang,
        })
        .collect()
}

/// The chapter a statute section's anchor names: `K19aP1` → "19a".
fn chapter_of_anchor(anchor: &str) -> Option<&str> {
    let rest = anchor.strip_prefix('K')?;
    Some(rest.split('P').next().unwrap_or(rest)).filter(|c| !c.is_empty())
}

/// A section's paragraphs and lists as HTML: the query's words marked, citations linked.
fn section_view(
    s: read::SectionView,
    cite: &dyn Fn(crate::markup::Marked, Context<'_>) -> String,
    context: Context<'_>,
) -> SectionView {
    let context = Context {
        chapter: chapter_of_anchor(&s.anchor).or(context.chapter),
        ..context
    };
    SectionView {
        heading: s.heading,
        level: s.level,
        blocks: s
            .blocks
            .into_iter()
            .map(|b| match b {
                read::Block::Paragraph(p) => Block {
                    list: false,
                    text: cite(p, context),
                    items: vec![],
                },
                read::Block::List(items) => Block {
                    list: true,
                    text: String::new(),
                    items: items.into_iter().map(|i| cite(i, context)).collect(),
                },
            })
            .collect(),
        anchor: s.anchor,
    }
}

impl DocumentPage {
    fn new(ui: Ui, engine: &Engine, doc: DocumentView, query: String) -> DocumentPage {
        // A statute's own citations are of itself; guidance cites the law it is mostly about.
        let law = match &doc.meta.statute {
            Some(s) => law_of_sfs(&s.sfs),
            None => main_law(&doc.meta.legal_refs),
        };
        let context = Context { law, chapter: None };
        let amended = match (&doc.meta.reviewed, &doc.meta.statute) {
            (Some(reviewed), None) => {
                let texts: Vec<&str> = doc
                    .sections
                    .iter()
                    .flat_map(|s| s.blocks.iter())
                    .flat_map(|b| match b {
                        read::Block::Paragraph(p) => vec![p.text.as_str()],
                        read::Block::List(items) => items.iter().map(|i| i.text.as_str()).collect(),
                    })
                    .chain(doc.meta.legal_refs.iter().map(String::as_str))
                    .collect();
                amended_views(engine.amended_since(&texts, context, reviewed))
            }
            _ => Vec::new(),
        };
        let cite = |m: crate::markup::Marked, ctx: Context<'_>| {
            with_citations(engine, &ui, m, ctx).to_html()
        };
        let sections: Vec<SectionView> = doc
            .sections
            .into_iter()
            .map(|s| section_view(s, &cite, context))
            .collect();
        let toc = sections
            .iter()
            .filter(|s| s.level <= 3)
            .filter_map(|s| s.heading.clone().map(|h| (s.anchor.clone(), h)))
            .collect();
        DocumentPage {
            file_url: urls::file(&doc.path),
            kind_label: kind_label(&doc.kind, ui.lang),
            audience: doc
                .meta
                .audience
                .iter()
                .map(|a| audience_label(a, ui.lang))
                .collect(),
            cards: doc
                .cards
                .into_iter()
                .map(|(id, title)| (urls::card(&id), title))
                .collect(),
            similar: related(doc.similar),
            same_refs: related(doc.same_refs),
            statute: doc.meta.statute.clone(),
            amended,
            reviewed_date: doc.meta.reviewed.clone(),
            title: doc.title,
            path: doc.path,
            lang: doc.lang,
            summary: doc.meta.summary,
            legal_refs: doc
                .meta
                .legal_refs
                .iter()
                .map(|r| super::cited(engine, &ui, r, context))
                .collect(),
            reviewed: doc.meta.reviewed,
            sources: doc.meta.sources.iter().map(|s| SourceView::of(s)).collect(),
            sections,
            toc,
            query,
            ui,
        }
    }
}

pub async fn document_page(
    ui: Ui,
    State(state): State<Shared>,
    Path(raw): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> PageResult {
    let missing = || PageError::new(&ui, Problem::NoDocument);
    let path = RelPath::parse(&raw).ok_or_else(missing)?;
    let query = params.get("q").cloned().unwrap_or_default();
    if !query.trim().is_empty() {
        state.analytics.record(crate::analytics::Event::HitOpened {
            query: query.clone(),
        });
    }
    let engine = state.engine.load_full();
    let q = query.clone();
    let page_ui = ui.clone();
    let page = tokio::task::spawn_blocking(move || {
        let doc = engine.document(&path, &q)?;
        Some(DocumentPage::new(page_ui, &engine, doc, q))
    })
    .await
    .ok()
    .flatten()
    .ok_or_else(missing)?;
    render(&page)
}

/// The original file of an indexed document, as a download. Only paths the index knows are
/// served, resolved inside the corpus (symlinks leading out of it are refused), and always as an
/// attachment, so an original HTML page never runs in this site's origin.
pub async fn original_file(
    ui: Ui,
    State(state): State<Shared>,
    Path(raw): Path<String>,
) -> PageResult {
    let missing = || PageError::new(&ui, Problem::NoFile);
    let (Some(path), Some(corpus)) = (RelPath::parse(&raw), state.corpus_dir.clone()) else {
        return Err(missing());
    };
    let known = state.engine.load().has_document(path.as_str());
    if !known || path.as_str().ends_with(".toml") {
        return Err(missing());
    }
    let bytes = tokio::task::spawn_blocking(move || -> Option<Vec<u8>> {
        let root = std::fs::canonicalize(&corpus).ok()?;
        let file = std::fs::canonicalize(root.join(path.as_str())).ok()?;
        if !file.starts_with(&root) || !file.is_file() {
            return None;
        }
        std::fs::read(file).ok()
    })
    .await
    .ok()
    .flatten()
    .ok_or_else(missing)?;
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
        urls::encode(name)
    );
    let mut resp = bytes.into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}
