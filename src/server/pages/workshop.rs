//! Workshop mode: pick cards (`/workshop`), show them one at a time on a projector
//! (`/workshop/visa`) and print them as hand-outs (`/workshop/utskrift`). A session is nothing
//! but its address: the card ids in the order shown (`k=id1,id2`), and an optional title and
//! date (`titel`, `datum`), so it can be shared, bookmarked and reloaded.
//!
//! Everything works without JavaScript: the picker is a form (its hidden `ordning` keeps the
//! chosen order when cards are added or dropped), and moving or removing a chosen card is a link
//! to the session in its new order. With JavaScript the filter narrows the list as one types and
//! chosen cards can be dragged.

use super::cards::{by_topic, render_markdown};
use super::{audience_label, render, topic_label};
use crate::curated::cards::Card;
use crate::curated::common::today_string;
use crate::search::Engine;
use crate::server::error::{PageError, PageResult, Problem};
use crate::server::ui::Ui;
use crate::server::{Shared, query_value};
use crate::urls;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;

/// Most cards in one session.
const MAX_SESSION_CARDS: usize = 60;
/// Longest session title kept.
const MAX_TITLE_CHARS: usize = 120;
/// An answer longer than this is shown on the projector in parts (it would not fit 1280×720 at
/// a size a room can read).
const SLIDE_CHARS: usize = 700;

/// The decoded values of a parameter that may repeat (`k=a&k=b`) or list (`k=a,b`), in order.
fn values(raw: Option<&str>, name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for pair in raw.unwrap_or("").split('&') {
        let Some((k, v)) = pair.split_once('=') else {
            continue;
        };
        if k != name {
            continue;
        }
        let v = percent_encoding::percent_decode_str(&v.replace('+', " "))
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

/// One decoded value of a parameter.
fn value(raw: Option<&str>, name: &str) -> Option<String> {
    let v = query_value(raw, name)?;
    let v = percent_encoding::percent_decode_str(&v.replace('+', " "))
        .decode_utf8_lossy()
        .trim()
        .to_string();
    (!v.is_empty()).then_some(v)
}

/// A workshop session: its cards in the order shown, its title and date.
struct Session<'a> {
    cards: Vec<&'a Card>,
    title: Option<String>,
    date: Option<String>,
}

impl<'a> Session<'a> {
    /// The session a request names. From the picker form, `ordning` (the order before) and the
    /// boxes ticked (`v`): the cards still ticked keep their place, new ones follow in the
    /// list's order. Otherwise `k` is the order.
    fn of(engine: &'a Engine, raw: Option<&str>) -> Session<'a> {
        let ids = if query_value(raw, "ordning").is_some() || query_value(raw, "v").is_some() {
            let before = values(raw, "ordning");
            let ticked = values(raw, "v");
            let mut ids: Vec<String> = before
                .into_iter()
                .filter(|id| ticked.contains(id))
                .collect();
            for id in ticked {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            ids
        } else {
            values(raw, "k")
        };
        let date = value(raw, "datum").filter(|d| crate::curated::common::parse_date(d).is_some());
        Session {
            cards: ids
                .iter()
                .filter_map(|id| engine.curated().card(id))
                .collect(),
            title: value(raw, "titel").map(|t| t.chars().take(MAX_TITLE_CHARS).collect()),
            date,
        }
    }

    fn ids(&self) -> Vec<&str> {
        self.cards.iter().map(|c| c.id.as_str()).collect()
    }

    /// The session as a query string, with its cards in `order`.
    fn query_with(&self, order: &[&str]) -> String {
        let mut q = format!("k={}", urls::encode(&order.join(",")));
        if let Some(t) = &self.title {
            q.push_str(&format!("&titel={}", urls::encode(t)));
        }
        if let Some(d) = &self.date {
            q.push_str(&format!("&datum={}", urls::encode(d)));
        }
        q
    }

    fn query(&self) -> String {
        self.query_with(&self.ids())
    }
}

/// A chosen card in the picker, with the links that move or remove it.
pub struct ChosenView {
    pub id: String,
    pub title: String,
    pub up: Option<String>,
    pub down: Option<String>,
    pub remove: String,
}

/// A card to tick in the picker.
pub struct PickView {
    pub id: String,
    pub title: String,
    pub chosen: bool,
    /// Lower-cased words the filter matches: title, topics, audiences.
    pub words: String,
}

pub struct PickGroup {
    pub label: String,
    pub cards: Vec<PickView>,
}

#[derive(Template)]
#[template(path = "workshop.html")]
struct WorkshopPage {
    ui: Ui,
    groups: Vec<PickGroup>,
    chosen: Vec<ChosenView>,
    /// The current order, for the form's `ordning`.
    order: String,
    title: String,
    date: String,
    filter: String,
    shown: usize,
    /// Addresses of the projector view, the two hand-outs and the session itself (`None` when
    /// no card is chosen).
    show_url: Option<String>,
    print_one_url: Option<String>,
    print_four_url: Option<String>,
    session_url: Option<String>,
}

pub async fn workshop_page(
    ui: Ui,
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let engine = state.engine.load_full();
    let session = Session::of(&engine, raw.as_deref());
    let filter = value(raw.as_deref(), "filter").unwrap_or_default();
    let needle = filter.to_lowercase();
    let ids = session.ids();
    let lang = ui.lang;
    let mut shown = 0;
    let groups = by_topic(&engine.curated().cards, &today_string())
        .into_iter()
        .map(|(topic, cards)| PickGroup {
            label: topic_label(topic, lang),
            cards: cards
                .iter()
                .map(|c| {
                    let mut words = vec![c.title.clone()];
                    words.extend(c.topics.iter().map(|t| topic_label(t, lang)));
                    words.extend(c.audience.iter().map(|a| audience_label(a, lang)));
                    PickView {
                        id: c.id.clone(),
                        title: c.title.clone(),
                        chosen: ids.contains(&c.id.as_str()),
                        words: words.join(" ").to_lowercase(),
                    }
                })
                .filter(|p| needle.is_empty() || p.chosen || p.words.contains(&needle))
                .inspect(|_| shown += 1)
                .collect(),
        })
        .filter(|g: &PickGroup| !g.cards.is_empty())
        .collect();
    let moved = |from: usize, to: usize| {
        let mut order = ids.clone();
        order.swap(from, to);
        urls::workshop(&session.query_with(&order))
    };
    let chosen = session
        .cards
        .iter()
        .enumerate()
        .map(|(i, c)| ChosenView {
            id: c.id.clone(),
            title: c.title.clone(),
            up: (i > 0).then(|| moved(i, i - 1)),
            down: (i + 1 < ids.len()).then(|| moved(i, i + 1)),
            remove: {
                let rest: Vec<&str> = ids.iter().copied().filter(|x| *x != c.id).collect();
                urls::workshop(&session.query_with(&rest))
            },
        })
        .collect();
    let q = session.query();
    let any = !session.cards.is_empty();
    render(&WorkshopPage {
        order: ids.join(","),
        title: session.title.clone().unwrap_or_default(),
        date: session.date.clone().unwrap_or_default(),
        show_url: any.then(|| urls::workshop_slide(&q, 0)),
        print_one_url: any.then(|| urls::workshop_print(&q, 1)),
        print_four_url: any.then(|| urls::workshop_print(&q, 4)),
        session_url: any.then(|| urls::workshop(&q)),
        groups,
        chosen,
        filter,
        shown,
        ui,
    })
}

/// An answer cut into parts a projector shows whole: at sentence ends, each part at most
/// about [`SLIDE_CHARS`] characters (a single longer sentence is a part of its own).
pub fn slide_parts(answer: &str) -> Vec<String> {
    let text = answer.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= SLIDE_CHARS {
        return vec![text];
    }
    let mut sentences: Vec<&str> = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices(". ") {
        if text[i + 2..].starts_with(|c: char| c.is_uppercase()) {
            sentences.push(&text[start..=i]);
            start = i + 2;
        }
    }
    sentences.push(&text[start..]);
    let mut parts: Vec<String> = Vec::new();
    for s in sentences {
        match parts.last_mut() {
            Some(p) if p.chars().count() + 1 + s.chars().count() <= SLIDE_CHARS => {
                p.push(' ');
                p.push_str(s);
            }
            _ => parts.push(s.to_string()),
        }
    }
    parts
}

/// How large the projector sets a text: `kort`, `mellan`, `lang` by its length.
fn size_class(chars: usize) -> &'static str {
    match chars {
        0..=260 => "kort",
        261..=480 => "mellan",
        _ => "lang",
    }
}

#[derive(Template)]
#[template(path = "workshop_show.html")]
struct WorkshopShow {
    ui: Ui,
    card: Card,
    text: String,
    size: &'static str,
    /// "2 / 3" when the answer is shown in parts.
    part: Option<(usize, usize)>,
    position: usize,
    count: usize,
    prev: Option<String>,
    next: Option<String>,
    first: String,
    last: String,
    back: String,
    session_title: Option<String>,
}

pub async fn workshop_show(
    ui: Ui,
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let engine = state.engine.load_full();
    let session = Session::of(&engine, raw.as_deref());
    let number = |name: &str| -> usize {
        query_value(raw.as_deref(), name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let (i, d) = (number("i"), number("d"));
    let card = session
        .cards
        .get(i)
        .ok_or_else(|| PageError::new(&ui, Problem::NoCardsChosen))?;
    let parts = slide_parts(&card.answer);
    let d = d.min(parts.len() - 1);
    let q = session.query();
    let slide = |i: usize, d: usize| {
        if d == 0 {
            urls::workshop_slide(&q, i)
        } else {
            format!("{}&d={d}", urls::workshop_slide(&q, i))
        }
    };
    let prev = if d > 0 {
        Some(slide(i, d - 1))
    } else if i > 0 {
        let before = slide_parts(&session.cards[i - 1].answer).len();
        Some(slide(i - 1, before - 1))
    } else {
        None
    };
    let next = if d + 1 < parts.len() {
        Some(slide(i, d + 1))
    } else {
        (i + 1 < session.cards.len()).then(|| slide(i + 1, 0))
    };
    let text = parts[d].clone();
    render(&WorkshopShow {
        size: size_class(text.chars().count() + card.title.chars().count()),
        part: (parts.len() > 1).then_some((d + 1, parts.len())),
        text,
        card: (*card).clone(),
        position: i + 1,
        count: session.cards.len(),
        prev,
        next,
        first: slide(0, 0),
        last: slide(session.cards.len() - 1, 0),
        back: urls::workshop(&q),
        session_title: session.title.clone(),
        ui,
    })
}

pub struct HandoutView {
    pub card: Card,
    pub details_html: String,
    /// `kort`, `mellan`, `lang`: how much text the hand-out holds.
    pub size: &'static str,
    /// The card's page as an address to type ("vagvisare.example.se/kort/hfd-alingsas").
    pub link: String,
}

/// One sheet of paper: one card, or up to four.
pub struct Sheet {
    pub cards: Vec<HandoutView>,
}

#[derive(Template)]
#[template(path = "workshop_print.html")]
struct WorkshopPrint {
    ui: Ui,
    sheets: Vec<Sheet>,
    per: usize,
    back: String,
    session_title: Option<String>,
    session_date: Option<String>,
}

pub async fn workshop_print(
    ui: Ui,
    State(state): State<Shared>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let engine = state.engine.load_full();
    let session = Session::of(&engine, raw.as_deref());
    let per = if query_value(raw.as_deref(), "per") == Some("4") {
        4
    } else {
        1
    };
    // The address people type from paper: this site's host and the card's page.
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.len() < 100)
        .unwrap_or("");
    let handouts: Vec<HandoutView> = session
        .cards
        .iter()
        .map(|c| {
            let chars = c.answer.chars().count()
                + if per == 1 {
                    c.details.chars().count()
                } else {
                    0
                };
            let size = match (per, chars) {
                (1, 0..=1800) | (4, 0..=280) => "kort",
                (1, 1801..=3000) | (4, 281..=480) => "mellan",
                _ => "lang",
            };
            HandoutView {
                details_html: render_markdown(&c.details, None),
                size,
                link: format!("{host}{}", urls::card(&c.id)),
                card: (*c).clone(),
            }
        })
        .collect();
    let mut sheets: Vec<Sheet> = Vec::new();
    for h in handouts {
        match sheets.last_mut() {
            Some(s) if s.cards.len() < per => s.cards.push(h),
            _ => sheets.push(Sheet { cards: vec![h] }),
        }
    }
    render(&WorkshopPrint {
        back: urls::workshop(&session.query()),
        session_title: session.title.clone(),
        session_date: session.date.clone(),
        ui,
        sheets,
        per,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_answer_is_shown_in_parts_at_sentence_ends() {
        assert_eq!(slide_parts("Kort svar.").len(), 1);
        let long = "Första meningen är lång nog. ".repeat(40);
        let parts = slide_parts(&long);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| p.chars().count() <= SLIDE_CHARS));
        assert!(parts.iter().all(|p| p.ends_with('.')));
        assert_eq!(parts.join(" "), long.trim());
    }

    #[test]
    fn a_session_keeps_its_order() {
        assert_eq!(values(Some("k=b,a&k=c&k=a"), "k"), ["b", "a", "c"]);
        assert_eq!(
            value(Some("titel=Workshop+i+V%C3%A4ster%C3%A5s"), "titel").as_deref(),
            Some("Workshop i Västerås")
        );
    }
}
