//! Workshop mode: pick cards (`/workshop`), show them one at a time on a projector
//! (`/workshop/visa`) and print them as hand-outs (`/workshop/utskrift`). A session is nothing
//! but its card ids in the address (`k=id1,id2`), so it can be shared and bookmarked.

use super::cards::{by_topic, render_markdown};
use super::{links, render, topic_label};
use crate::curated::cards::Card;
use crate::curated::common::today_string;
use crate::search::Engine;
use crate::server::error::{PageError, PageResult, Problem};
use crate::server::ui::Ui;
use crate::server::{Shared, query_value};
use crate::urls;
use askama::Template;
use axum::extract::{RawQuery, State};

/// Most cards in one session.
const MAX_SESSION_CARDS: usize = 60;

/// The cards of a workshop session, from repeated or comma-separated `k` parameters.
fn session_cards(raw: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for pair in raw.unwrap_or("").split('&') {
        let Some(("k", v)) = pair.split_once('=') else {
            continue;
        };
        let v = v.replace('+', " ");
        let v = percent_encoding::percent_decode_str(&v)
            .decode_utf8_lossy()
            .to_string();
        for id in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if !out.iter().any(|x| x == id) && out.len() < MAX_SESSION_CARDS {
                out.push(id.to_string());
            }
        }
    }
    out
}

/// The session's cards that exist, in the session's order.
fn session_of<'a>(engine: &'a Engine, raw: Option<&str>) -> Vec<&'a Card> {
    session_cards(raw)
        .iter()
        .filter_map(|id| engine.curated().card(id))
        .collect()
}

/// `k=id1,id2`: the session as a query string.
fn session_qs(cards: &[&Card]) -> String {
    let ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
    format!("k={}", urls::encode(&ids.join(",")))
}

pub struct PickGroup {
    pub label: String,
    /// (id, title, chosen)
    pub cards: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "workshop.html")]
struct WorkshopPage {
    ui: Ui,
    groups: Vec<PickGroup>,
    chosen: Vec<(String, String)>,
    session_qs: String,
}

pub async fn workshop_page(
    ui: Ui,
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let engine = state.engine.load_full();
    let session = session_of(&engine, raw.as_deref());
    let chosen = |id: &str| session.iter().any(|c| c.id == id);
    let groups = by_topic(&engine.curated().cards, &today_string())
        .into_iter()
        .map(|(topic, cards)| PickGroup {
            label: topic_label(topic, ui.lang),
            cards: cards
                .iter()
                .map(|c| (c.id.clone(), c.title.clone(), chosen(&c.id)))
                .collect(),
        })
        .collect();
    render(&WorkshopPage {
        groups,
        chosen: session
            .iter()
            .map(|c| (c.id.clone(), c.title.clone()))
            .collect(),
        session_qs: session_qs(&session),
        ui,
    })
}

#[derive(Template)]
#[template(path = "workshop_show.html")]
struct WorkshopShow {
    ui: Ui,
    card: Card,
    position: usize,
    count: usize,
    prev: Option<String>,
    next: Option<String>,
    back: String,
}

pub async fn workshop_show(
    ui: Ui,
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let engine = state.engine.load_full();
    let session = session_of(&engine, raw.as_deref());
    let i: usize = query_value(raw.as_deref(), "i")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let card = session
        .get(i)
        .ok_or_else(|| PageError::new(&ui, Problem::NoCardsChosen))?;
    let qs = session_qs(&session);
    render(&WorkshopShow {
        card: (*card).clone(),
        position: i + 1,
        count: session.len(),
        prev: (i > 0).then(|| urls::workshop_slide(&qs, i - 1)),
        next: (i + 1 < session.len()).then(|| urls::workshop_slide(&qs, i + 1)),
        back: urls::workshop(&qs),
        ui,
    })
}

pub struct HandoutView {
    pub card: Card,
    pub details_html: String,
    pub sources: Vec<String>,
}

#[derive(Template)]
#[template(path = "workshop_print.html")]
struct WorkshopPrint {
    ui: Ui,
    cards: Vec<HandoutView>,
    per: usize,
    back: String,
}

pub async fn workshop_print(
    ui: Ui,
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let engine = state.engine.load_full();
    let session = session_of(&engine, raw.as_deref());
    let per = if query_value(raw.as_deref(), "per") == Some("4") {
        4
    } else {
        1
    };
    let cards = session
        .iter()
        .map(|c| HandoutView {
            details_html: render_markdown(&c.details, None),
            sources: links(&engine, &c.see)
                .into_iter()
                .map(|l| l.label)
                .collect(),
            card: (*c).clone(),
        })
        .collect();
    render(&WorkshopPrint {
        back: urls::workshop(&session_qs(&session)),
        ui,
        cards,
        per,
    })
}
