//! The answer cards: all current cards by topic (`/kort`) and one card (`/kort/<id>`) with its
//! details and the passages it was written from.

use super::{LinkView, links, render, topic_label};
use crate::curated::cards::Card;
use crate::curated::common::{TOPICS, today_string};
use crate::server::Shared;
use crate::server::error::{PageError, PageResult, Problem};
use crate::server::ui::Ui;
use crate::urls;
use askama::Template;
use axum::extract::{Path, State};

/// Card details are Markdown written by editors; raw HTML in them is shown as text, and links
/// with a scheme other than http, https or mailto lead nowhere.
pub fn render_markdown(md: &str) -> String {
    use pulldown_cmark::{CowStr, Event, Parser, Tag, html};
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
    details_html: String,
    links: Vec<LinkView>,
}

pub async fn card_page(ui: Ui, State(state): State<Shared>, Path(id): Path<String>) -> PageResult {
    let engine = state.engine.load_full();
    let card = engine
        .curated()
        .card(&id)
        .filter(|c| c.is_current(&today_string()))
        .ok_or_else(|| PageError::new(&ui, Problem::NoCard))?;
    render(&CardPage {
        details_html: render_markdown(&card.details),
        links: links(&engine, &card.see),
        card: card.clone(),
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
