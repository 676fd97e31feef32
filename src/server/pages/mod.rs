//! Server-rendered HTML pages, one module per feature. Templates live in `web/templates`
//! (askama: compiled into the binary, auto-escaped); every page works without JavaScript.
//! Handlers read what they show from the engine's read API and the curated data, build every
//! address with [`crate::urls`] and fail with a [`PageError`].

pub mod cards;
pub mod comparison;
pub mod document;
pub mod feed;
pub mod iop;
pub mod search;
pub mod thresholds;
pub mod workshop;

use super::error::{PageError, PageResult, Problem};
use super::ui::{Lang, Ui, text, text_opt};
use crate::law::book::Amended;
use crate::law::cite::Context;
use crate::markup::{Link, Marked};
use crate::search::Engine;
use crate::search::citing::{CitationLink, Target};
use crate::urls;
use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse};

/// A template as a page; a template that fails to render is a defect, logged and shown as
/// the "unexpected" error.
pub fn render(t: &impl Template) -> PageResult {
    match t.render() {
        Ok(html) => Ok(Html(html).into_response()),
        Err(e) => {
            tracing::error!("template error: {e}");
            Err(PageError::swedish(Problem::Unexpected))
        }
    }
}

/// The "Hjälpte svaret?" form under a card (`vote.html`, `votes.rs`).
pub struct VoteView {
    pub card_id: String,
    pub title: String,
    pub action: String,
    /// The form's one-time id.
    pub ballot: String,
    /// The page to return to.
    pub back: String,
    /// True when this page view follows a vote on the card: thanks instead of the form.
    pub voted: bool,
}

impl VoteView {
    /// The form for `card_id` on the page `ui.here`; `voted` is the page's `rostat` parameter.
    pub fn new(
        state: &crate::server::AppState,
        ui: &Ui,
        card_id: &str,
        title: &str,
        voted: Option<&str>,
    ) -> VoteView {
        VoteView {
            card_id: card_id.to_string(),
            title: title.to_string(),
            action: urls::card_vote(card_id),
            ballot: state.votes.issue(),
            back: ui.here.clone(),
            voted: voted == Some(card_id),
        }
    }
}

/// A link shown under a card, an IOP reason or a threshold answer.
pub struct LinkView {
    pub url: String,
    pub label: String,
}

/// Links into the corpus (`path#anchor`), labelled with the document's title and section.
pub fn links(engine: &Engine, see: &[String]) -> Vec<LinkView> {
    see.iter()
        .map(|link| {
            let l = engine.link_label(link);
            LinkView {
                url: urls::section(&l.path, l.anchor.as_deref()),
                label: l.label,
            }
        })
        .collect()
}

/// Links to answer cards by id (unknown ids are left out).
pub fn card_links(engine: &Engine, ids: &[String]) -> Vec<LinkView> {
    ids.iter()
        .filter_map(|id| engine.curated().card(id))
        .map(|c| LinkView {
            url: urls::card(&c.id),
            label: format!("Svarskort: {}", c.title),
        })
        .collect()
}

/// Links into the corpus followed by links to cards.
pub fn all_links(engine: &Engine, see: &[String], cards: &[String]) -> Vec<LinkView> {
    let mut out = links(engine, see);
    out.extend(card_links(engine, cards));
    out
}

/// `marked` with its citations as links: a statute's paragraph in the index, the official text
/// when the index lacks it (marked as leading off the site), the card or document about a case.
pub fn with_citations(
    engine: &Engine,
    ui: &Ui,
    mut marked: Marked,
    context: Context<'_>,
) -> Marked {
    marked.links = engine
        .cite(&marked.text, context)
        .into_iter()
        .map(|c| citation_link(ui, c))
        .collect();
    marked
}

/// `text` as HTML with its citations as links (see [`with_citations`]).
pub fn cited(engine: &Engine, ui: &Ui, text: &str, context: Context<'_>) -> String {
    with_citations(engine, ui, Marked::plain(text), context).to_html()
}

fn citation_link(ui: &Ui, c: CitationLink) -> Link {
    let (href, external) = match c.target {
        Target::Section { path, anchor } => (urls::section(&path, anchor.as_deref()), false),
        Target::Official { url } => (url, true),
        Target::Card { id } => (urls::card(&id), false),
    };
    Link {
        range: c.range,
        href,
        title: c.title,
        external,
        note: external.then(|| ui.t("cite.external").to_string()),
    }
}

/// A cited paragraph amended after a text's review, as the notice shows it.
pub struct AmendedView {
    pub provision: String,
    pub url: String,
    pub act: String,
    pub in_force: String,
}

pub fn amended_views(list: Vec<Amended>) -> Vec<AmendedView> {
    list.into_iter()
        .map(|a| AmendedView {
            url: urls::section(&a.path, Some(&a.anchor)),
            provision: a.provision,
            act: a.act,
            in_force: a.in_force,
        })
        .collect()
}

/// The label of a topic (`iop` → "IOP – idéburet offentligt partnerskap"); unknown topics as is.
pub fn topic_label(t: &str, lang: Lang) -> String {
    text_opt(lang, &format!("topic.{t}")).map_or_else(|| t.to_string(), str::to_string)
}

pub fn audience_label(a: &str, lang: Lang) -> String {
    text_opt(lang, &format!("audience.{a}")).map_or_else(|| a.to_string(), str::to_string)
}

/// "Webbsida", "PDF", "Lagtext", ... for a document kind (`markdown`, `html`, `pdf`, `text`,
/// `lagtext`).
pub fn kind_label(kind: &str, lang: Lang) -> String {
    let kind = match kind {
        "markdown" | "html" | "pdf" | "lagtext" => kind,
        _ => "text",
    };
    text(lang, &format!("format.{kind}")).to_string()
}

pub fn facet_kind_label(kind: &str, lang: Lang) -> &'static str {
    text_opt(lang, &format!("facet.{kind}")).unwrap_or(text(lang, "facet.label"))
}

pub fn facet_value_label(
    kind: &str,
    value: &str,
    lang: Lang,
    curated: &crate::curated::Curated,
) -> String {
    match kind {
        "source" => curated.folder_name(value, lang.code()),
        "topic" => topic_label(value, lang),
        "audience" => audience_label(value, lang),
        "lang" => text_opt(lang, &format!("lang.{value}"))
            .unwrap_or(value)
            .to_string(),
        "format" => kind_label(value, lang),
        _ => value.to_string(),
    }
}

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage {
    ui: Ui,
}

pub async fn accessibility_page(ui: Ui) -> PageResult {
    render(&AccessibilityPage { ui })
}

pub async fn not_found(ui: Ui) -> PageError {
    PageError::new(&ui, Problem::NoPage)
}

/// Assets are compiled into the binary, so `serve` runs from any directory.
pub async fn static_file(ui: Ui, Path(file): Path<String>) -> PageResult {
    let (body, mime): (&'static str, &'static str) = match file.as_str() {
        "style.css" => (
            include_str!("../../../web/static/style.css"),
            "text/css; charset=utf-8",
        ),
        "enhance.js" => (
            include_str!("../../../web/static/enhance.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return Err(PageError::new(&ui, Problem::NoPage)),
    };
    let mut resp = body.into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(resp)
}
