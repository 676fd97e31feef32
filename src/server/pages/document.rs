//! The document view (`/dok/<path>`: every section in order, the query's words marked, the
//! answer cards that cite it and related reading) and the original file (`/fil/<path>`).

use super::{audience_label, kind_label, render};
use crate::document::RelPath;
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
    legal_refs: Vec<String>,
    reviewed: Option<String>,
    sources: Vec<String>,
    sections: Vec<SectionView>,
    audience: Vec<String>,
    /// (card address, title)
    cards: Vec<(String, String)>,
    query: String,
    toc: Vec<(String, String)>,
    file_url: String,
    similar: Vec<Related>,
    same_refs: Vec<Related>,
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

fn section_view(s: read::SectionView) -> SectionView {
    SectionView {
        heading: s.heading,
        level: s.level,
        anchor: s.anchor,
        blocks: s
            .blocks
            .into_iter()
            .map(|b| match b {
                read::Block::Paragraph(p) => Block {
                    list: false,
                    text: p.to_html(),
                    items: vec![],
                },
                read::Block::List(items) => Block {
                    list: true,
                    text: String::new(),
                    items: items.iter().map(|i| i.to_html()).collect(),
                },
            })
            .collect(),
    }
}

impl DocumentPage {
    fn new(ui: Ui, doc: DocumentView, query: String) -> DocumentPage {
        let sections: Vec<SectionView> = doc.sections.into_iter().map(section_view).collect();
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
            title: doc.title,
            path: doc.path,
            lang: doc.lang,
            summary: doc.meta.summary,
            legal_refs: doc.meta.legal_refs,
            reviewed: doc.meta.reviewed,
            sources: doc.meta.sources,
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
    let engine = state.engine.load_full();
    let q = query.clone();
    let doc = tokio::task::spawn_blocking(move || engine.document(&path, &q))
        .await
        .ok()
        .flatten()
        .ok_or_else(missing)?;
    render(&DocumentPage::new(ui, doc, query))
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
