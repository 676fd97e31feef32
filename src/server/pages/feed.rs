//! What changed: documents and cards by their review date, newest first, as a page (`/nytt`)
//! and as an Atom feed (`/nytt.atom`).

use super::render;
use crate::markup::escape_html;
use crate::search::read::{self, ChangeKind};
use crate::server::Shared;
use crate::server::error::PageResult;
use crate::server::ui::Ui;
use crate::urls;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// One entry of the list.
pub struct Change {
    pub date: String,
    pub title: String,
    pub url: String,
    pub kind: ChangeKind,
    /// The entry's id in the feed (`dok:<path>`, `kort:<id>`).
    pub id: String,
    /// The language of the title (`sv`, `en`).
    pub lang: String,
    /// What changed, in a line.
    pub note: Option<String>,
}

impl Change {
    fn of(c: read::Change) -> Change {
        let (url, id) = match c.kind {
            ChangeKind::Document => (urls::document(&c.id), format!("dok:{}", c.id)),
            ChangeKind::Card => (urls::card(&c.id), format!("kort:{}", c.id)),
        };
        Change {
            date: c.date,
            title: c.title,
            url,
            kind: c.kind,
            id,
            lang: c.lang,
            note: c.note,
        }
    }

    /// The interface text naming the kind of entry.
    pub fn kind_key(&self) -> &'static str {
        match self.kind {
            ChangeKind::Card => "changes.kind_card",
            ChangeKind::Document => "changes.kind_document",
        }
    }

    /// The kind in the feed's (Swedish) summary.
    fn kind_word(&self) -> &'static str {
        match self.kind {
            ChangeKind::Card => "svarskort",
            ChangeKind::Document => "dokument",
        }
    }
}

async fn changes(state: &Shared) -> Vec<Change> {
    let engine = state.engine.load_full();
    tokio::task::spawn_blocking(move || engine.changes())
        .await
        .unwrap_or_default()
        .into_iter()
        .map(Change::of)
        .collect()
}

#[derive(Template)]
#[template(path = "changes.html")]
struct ChangesPage {
    ui: Ui,
    /// The changes by day, newest first.
    days: Vec<(String, Vec<Change>)>,
}

pub async fn changes_page(ui: Ui, State(state): State<Shared>) -> PageResult {
    let mut days: Vec<(String, Vec<Change>)> = Vec::new();
    for c in changes(&state).await {
        match days.last_mut() {
            Some((date, list)) if *date == c.date => list.push(c),
            _ => days.push((c.date.clone(), vec![c])),
        }
    }
    render(&ChangesPage { ui, days })
}

/// The same list as an Atom feed.
pub async fn changes_feed(State(state): State<Shared>) -> Response {
    let list = changes(&state).await;
    let updated = list
        .first()
        .map_or_else(crate::curated::common::today_string, |c| c.date.clone());
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"sv\">\n",
    );
    xml.push_str("  <title>Vägvisare – nytt och ändrat</title>\n  <id>urn:vagvisare:nytt</id>\n  <link rel=\"self\" href=\"/nytt.atom\"/>\n  <link href=\"/nytt\"/>\n");
    xml.push_str(&format!(
        "  <updated>{updated}T00:00:00Z</updated>\n  <author><name>Vägvisare</name></author>\n"
    ));
    for c in &list {
        xml.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>urn:vagvisare:{}:{}</id>\n    <link href=\"{}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <summary>{}</summary>\n  </entry>\n",
            escape_html(&c.title),
            escape_html(&c.id),
            c.date,
            escape_html(&c.url),
            c.date,
            escape_html(&match &c.note {
                Some(n) => n.clone(),
                None => format!("{} granskad {}", c.kind_word(), c.date),
            }),
        ));
    }
    xml.push_str("</feed>\n");
    let mut resp = xml.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    resp
}
