//! The answer cards: all current cards by topic (`/kort`) and one card (`/kort/<id>`) with its
//! details and the passages it was written from.

use super::{AmendedView, LinkView, amended_views, cited, links, render, topic_label};
use crate::curated::cards::Card;
use crate::curated::common::{TOPICS, today_string};
use crate::law::cite::{Context, main_law};
use crate::server::Shared;
use crate::server::error::{PageError, PageResult, Problem};
use crate::server::ui::Ui;
use crate::urls;
use askama::Template;
use axum::extract::{Path, Query, State};
use std::collections::HashMap;

/// Card details are Markdown written by editors; raw HTML in them is shown as text, and links
/// with a scheme other than http, https or mailto lead nowhere. `link`, when given, turns the
/// text outside links and code into HTML of its own (citations become links).
pub fn render_markdown(md: &str, link: Option<&dyn Fn(&str) -> String>) -> String {
    use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd, html};
    let safe = |url: &str| {
        let lower = url.trim().to_ascii_lowercase();
        let scheme = lower.split_once(':').map(|(s, _)| s.to_string());
        match scheme {
            Some(s) if !s.contains('/') => ["http", "https", "mailto"].contains(&s.as_str()),
            _ => true, // relative links and anchors
        }
    };
    let events = Parser::new_ext(md, crate::ingest::markdown::options()).map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::from("#"),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe(&dest_url) => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::from("#"),
            title,
            id,
        }),
        other => other,
    });
    let mut depth = 0usize;
    let events = events.map(|e| {
        match &e {
            Event::Start(Tag::Link { .. } | Tag::CodeBlock(_) | Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Link | TagEnd::CodeBlock | TagEnd::Image) => {
                depth = depth.saturating_sub(1)
            }
            _ => {}
        }
        match (e, link) {
            (Event::Text(t), Some(f)) if depth == 0 => Event::InlineHtml(CowStr::from(f(&t))),
            (e, _) => e,
        }
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

/// The current cards whose first topic is each topic, in the order of [`TOPICS`]:
/// (topic, cards).
pub fn by_topic<'a>(cards: &'a [Card], today: &str) -> Vec<(&'static str, Vec<&'a Card>)> {
    TOPICS
        .iter()
        .map(|topic| {
            let list: Vec<&Card> = cards
                .iter()
                .filter(|c| {
                    c.is_current(today) && c.topics.first().map(String::as_str) == Some(*topic)
                })
                .collect();
            (*topic, list)
        })
        .filter(|(_, list)| !list.is_empty())
        .collect()
}

#[derive(Template)]
#[template(path = "card.html")]
struct CardPage {
    ui: Ui,
    card: Card,
    answer_html: String,
    details_html: String,
    /// The legal basis, each item with its citations as links.
    basis_html: Vec<String>,
    links: Vec<LinkView>,
    amended: Vec<AmendedView>,
    reviewed_date: Option<String>,
    vote: super::VoteView,
}

pub async fn card_page(
    ui: Ui,
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> PageResult {
    let engine = state.engine.load_full();
    let card = engine
        .curated()
        .card(&id)
        .filter(|c| c.is_current(&today_string()))
        .ok_or_else(|| PageError::new(&ui, Problem::NoCard))?;
    let context = Context {
        law: main_law(&card.legal_basis),
        chapter: None,
    };
    let cite = |t: &str| cited(&engine, &ui, t, context);
    let amended = match &card.reviewed {
        Some(reviewed) => {
            let mut texts = vec![card.answer.as_str(), card.details.as_str()];
            texts.extend(card.legal_basis.iter().map(String::as_str));
            amended_views(engine.amended_since(&texts, context, reviewed))
        }
        None => Vec::new(),
    };
    if let Some(q) = params.get("q") {
        state
            .analytics
            .record(crate::analytics::Event::CardOpened { query: q.clone() });
    }
    let voted = params.get("rostat").map(String::as_str);
    render(&CardPage {
        vote: super::VoteView::new(&state, &ui, &card.id, &card.title, voted),
        answer_html: cite(&card.answer),
        details_html: render_markdown(&card.details, Some(&cite)),
        basis_html: card.legal_basis.iter().map(|b| cite(b)).collect(),
        links: links(&engine, &card.see),
        reviewed_date: card.reviewed.clone(),
        card: card.clone(),
        amended,
        ui,
    })
}

pub struct CardGroup {
    pub topic: String,
    pub label: String,
    /// (card address, title)
    pub cards: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "cards.html")]
struct CardsPage {
    ui: Ui,
    groups: Vec<CardGroup>,
}

pub async fn cards_page(ui: Ui, State(state): State<Shared>) -> PageResult {
    let engine = state.engine.load_full();
    let groups = by_topic(&engine.curated().cards, &today_string())
        .into_iter()
        .map(|(topic, cards)| CardGroup {
            topic: topic.to_string(),
            label: topic_label(topic, ui.lang),
            cards: cards
                .iter()
                .map(|c| (urls::card(&c.id), c.title.clone()))
                .collect(),
        })
        .collect();
    render(&CardsPage { ui, groups })
}
