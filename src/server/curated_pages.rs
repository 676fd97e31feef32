//! Pages and API of the curated parts: answer cards (`/kort`, `/kort/<id>`), the IOP check
//! (`/iop`, `/iop/resultat`, `POST /api/iop`) and the threshold guide (`/troskelvarden`,
//! `/api/troskelvarden`). All of them read the curated data stored with the live index.

use super::pages::{error_page, path_url, render};
use super::ui::{Lang, Ui, text, text_opt};
use super::{Shared, query_value};
use crate::curated::cards::Card;
use crate::curated::iop::{Answers, Verdict};
use crate::curated::thresholds::{self, Guidance};
use crate::search::Engine;
use crate::wire::ApiError;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Json, Redirect, Response};
use std::collections::{BTreeMap, HashMap};
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

/// A link shown under a card, an IOP reason or a threshold answer.
pub struct LinkView {
    pub url: String,
    pub label: String,
}

/// Resolves `path#anchor` links to the document's title (and section heading).
fn links(engine: &Engine, see: &[String]) -> Vec<LinkView> {
    let searcher = engine.reader.searcher();
    let f = &engine.fields;
    see.iter()
        .map(|link| {
            let (path, anchor) = crate::document::split_link(link);
            let q = TermQuery::new(
                Term::from_field_text(f.path, path),
                IndexRecordOption::Basic,
            );
            let docs = searcher
                .search(&q, &TopDocs::with_limit(2000).order_by_score())
                .unwrap_or_default();
            let text = |d: &TantivyDocument, field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let mut title = None;
            let mut heading = None;
            for (_, addr) in docs {
                let Ok(d) = searcher.doc::<TantivyDocument>(addr) else {
                    continue;
                };
                title = title.or_else(|| text(&d, f.title));
                if anchor.is_some() && text(&d, f.anchor).as_deref() == anchor {
                    heading = text(&d, f.heading);
                }
            }
            let label = match (title, heading) {
                (Some(t), Some(h)) if h != t => format!("{t} – {h}"),
                (Some(t), _) => t,
                (None, _) => link.clone(),
            };
            let url = match anchor {
                Some(a) => format!("/dok/{}#{a}", path_url(path)),
                None => format!("/dok/{}", path_url(path)),
            };
            LinkView { url, label }
        })
        .collect()
}

fn card_links(engine: &Engine, ids: &[String]) -> Vec<LinkView> {
    ids.iter()
        .filter_map(|id| engine.curated.card(id))
        .map(|c| LinkView {
            url: format!("/kort/{}", c.id),
            label: format!("Svarskort: {}", c.title),
        })
        .collect()
}

/// Card details are Markdown written by editors; raw HTML in them is shown as text.
pub fn render_markdown(md: &str) -> String {
    use pulldown_cmark::{CowStr, Tag};
    use pulldown_cmark::{Event, Parser, html};
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

#[derive(Template)]
#[template(path = "card.html")]
struct CardPage {
    ui: Ui,
    card: Card,
    details_html: String,
    links: Vec<LinkView>,
}

pub async fn card_page(ui: Ui, State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let engine = state.engine.load_full();
    let today = crate::curated::common::today_string();
    match engine.curated.card(&id).filter(|c| c.is_current(&today)) {
        Some(card) => render(&CardPage {
            details_html: render_markdown(&card.details),
            links: links(&engine, &card.see),
            card: card.clone(),
            ui,
        }),
        None => error_page(&ui, StatusCode::NOT_FOUND, "no_card"),
    }
}

pub struct CardGroup {
    pub topic: String,
    pub label: String,
    pub cards: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "cards.html")]
struct CardsPage {
    ui: Ui,
    groups: Vec<CardGroup>,
}

/// The label of a topic (`iop` → "IOP – idéburet offentligt partnerskap"); unknown topics as is.
pub fn topic_label(t: &str, lang: Lang) -> String {
    text_opt(lang, &format!("topic.{t}")).map_or_else(|| t.to_string(), str::to_string)
}

pub async fn cards_page(ui: Ui, State(state): State<Shared>) -> Response {
    let engine = state.engine.load_full();
    let today = crate::curated::common::today_string();
    let mut groups: Vec<CardGroup> = Vec::new();
    for topic in crate::curated::common::TOPICS {
        let cards: Vec<(String, String)> = engine
            .curated
            .cards
            .iter()
            .filter(|c| {
                c.is_current(&today) && c.topics.first().map(String::as_str) == Some(*topic)
            })
            .map(|c| (c.id.clone(), c.title.clone()))
            .collect();
        if !cards.is_empty() {
            groups.push(CardGroup {
                topic: topic.to_string(),
                label: topic_label(topic, ui.lang),
                cards,
            });
        }
    }
    render(&CardsPage { ui, groups })
}

pub struct OptionView {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct QuestionView {
    pub id: String,
    pub text: String,
    pub help: String,
    pub options: Vec<OptionView>,
}

/// One legal test of the form with its questions.
pub struct TestView {
    pub title: String,
    pub question: String,
    pub explain: String,
    pub questions: Vec<QuestionView>,
}

#[derive(Template)]
#[template(path = "iop.html")]
struct IopPage {
    ui: Ui,
    title: String,
    intro: String,
    tests: Vec<TestView>,
    /// Why a shared link's answers are shown in the form instead of a verdict.
    notes: Vec<String>,
}

fn no_rules(ui: &Ui) -> Response {
    error_page(ui, StatusCode::NOT_FOUND, "no_iop_rules")
}

/// The form, grouped by the legal tests, with `answers` checked.
fn iop_form_page(
    ui: Ui,
    rules: &crate::curated::iop::Rules,
    answers: &Answers,
    notes: Vec<String>,
) -> Response {
    let question_view = |q: &crate::curated::iop::Question| QuestionView {
        id: q.id.clone(),
        text: q.text.clone(),
        help: q.help.clone(),
        options: q
            .options
            .iter()
            .map(|o| OptionView {
                value: o.value.clone(),
                label: o.label.clone(),
                checked: answers.get(&q.id) == Some(&o.value),
            })
            .collect(),
    };
    let tests = rules
        .test
        .iter()
        .map(|t| TestView {
            title: t.title.clone(),
            question: t.question.clone(),
            explain: t.explain.clone(),
            questions: rules
                .question
                .iter()
                .filter(|q| q.test == t.id)
                .map(question_view)
                .collect(),
        })
        .filter(|t| !t.questions.is_empty())
        .collect();
    render(&IopPage {
        ui,
        title: rules.title.clone(),
        intro: rules.intro.clone(),
        tests,
        notes,
    })
}

pub async fn iop_form(
    ui: Ui,
    State(state): State<Shared>,
    Query(answers): Query<Answers>,
) -> Response {
    let engine = state.engine.load_full();
    let Some(rules) = &engine.curated.iop else {
        return no_rules(&ui);
    };
    let clean = rules.clean(&answers);
    iop_form_page(ui, rules, &clean, vec![])
}

/// `v=2&question=value&…`: the shareable form of a set of answers.
fn answers_query(version: u32, answers: &Answers) -> String {
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    std::iter::once(format!("{}={version}", crate::curated::iop::VERSION_PARAM))
        .chain(
            answers
                .iter()
                .map(|(k, v)| format!("{}={}", enc(k), enc(v))),
        )
        .collect::<Vec<_>>()
        .join("&")
}

/// The plain form posts here; the answer is a redirect to the shareable result URL.
pub async fn iop_post(
    ui: Ui,
    State(state): State<Shared>,
    axum::Form(answers): axum::Form<Answers>,
) -> Response {
    let engine = state.engine.load_full();
    let Some(rules) = &engine.curated.iop else {
        return no_rules(&ui);
    };
    let clean = rules.clean(&answers);
    Redirect::to(&format!(
        "/iop/resultat?{}",
        answers_query(rules.version, &clean)
    ))
    .into_response()
}

pub struct ReasonView {
    pub test: String,
    pub text: String,
    pub basis: Vec<String>,
    pub links: Vec<LinkView>,
}

/// Reasons under one heading ("Talar för", "Talar emot", "Oklart – ta reda på").
pub struct ReasonGroup {
    pub label: &'static str,
    pub reasons: Vec<ReasonView>,
}

pub struct ConditionView {
    pub text: String,
    pub label: &'static str,
    /// `uppfyllt`, `ej-uppfyllt`, `oklart`, `okant`.
    pub state: String,
}

pub struct RouteCard {
    pub title: String,
    pub open: bool,
    pub summary: String,
    pub notes: Vec<String>,
    pub conditions: Vec<ConditionView>,
    pub basis: Vec<String>,
    pub links: Vec<LinkView>,
}

pub struct AnswerView {
    pub text: String,
    pub answer: String,
    /// `besvarad`, `vet-ej`, `obesvarad`.
    pub state: String,
}

pub struct StepView {
    pub title: String,
    pub question: String,
    /// `avgor`, `utesluter`, `oklart`, `klar`, `ej-provad`.
    pub status: String,
    pub status_label: &'static str,
    pub result: String,
    pub answers: Vec<AnswerView>,
}

#[derive(Template)]
#[template(path = "iop_result.html")]
struct IopResultPage {
    ui: Ui,
    /// The certainty ("hög", "medel", "låg") in the interface language.
    certainty: &'static str,
    path_svg: String,
    verdict: Verdict,
    needs: bool,
    deciding_test: String,
    deciding: Option<ReasonView>,
    groups: Vec<ReasonGroup>,
    find_out: Vec<(String, String)>,
    routes: Vec<RouteCard>,
    open_routes: usize,
    possible_routes: usize,
    steps: Vec<StepView>,
    links: Vec<LinkView>,
    edit_url: String,
    share_url: String,
}

pub async fn iop_result(
    ui: Ui,
    State(state): State<Shared>,
    Query(answers): Query<Answers>,
) -> Response {
    let engine = state.engine.load_full();
    let Some(rules) = &engine.curated.iop else {
        return no_rules(&ui);
    };
    let version = answers
        .get(crate::curated::iop::VERSION_PARAM)
        .and_then(|v| v.parse::<u32>().ok());
    let clean = rules.clean(&answers);
    // A link whose answers no longer mean what they meant: the form and a note, never a verdict.
    let link = rules.check_link(&clean, version);
    let stale: Vec<String> = rules
        .ignored(&answers)
        .into_iter()
        .filter(|a| {
            a.split_once('=')
                .is_some_and(|(q, _)| rules.question(q).is_some())
        })
        .collect();
    if !link.fits() || !stale.is_empty() {
        let mut notes = link.notes;
        if !stale.is_empty() {
            notes.extend(rules.check_link(&answers, Some(rules.version)).notes);
        }
        let keep: Answers = clean
            .iter()
            .filter(|(q, v)| {
                rules
                    .question(q)
                    .and_then(|qq| qq.options.iter().find(|o| &o.value == *v))
                    .is_none_or(|o| o.changed_in.is_none_or(|c| version.unwrap_or(1) >= c))
            })
            .map(|(q, v)| (q.clone(), v.clone()))
            .collect();
        return iop_form_page(ui, rules, &keep, notes);
    }
    let verdict = rules.evaluate(&clean);
    let test_title = |id: &str| {
        rules
            .test
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.title.clone())
            .unwrap_or_default()
    };
    let reason_view = |r: &crate::curated::iop::Reason| {
        let mut l = links(&engine, &r.see);
        l.extend(card_links(&engine, &r.cards));
        ReasonView {
            test: test_title(&r.test),
            text: r.text.clone(),
            basis: r.basis.clone(),
            links: l,
        }
    };
    let groups: Vec<ReasonGroup> = [
        (crate::curated::iop::Group::For, "iop.for"),
        (crate::curated::iop::Group::Against, "iop.against"),
        (crate::curated::iop::Group::Unclear, "iop.unclear"),
    ]
    .into_iter()
    .map(|(g, key)| ReasonGroup {
        label: text(ui.lang, key),
        reasons: verdict
            .reasons
            .iter()
            .filter(|r| r.group == g && !r.decisive)
            .map(reason_view)
            .collect(),
    })
    .filter(|g| !g.reasons.is_empty())
    .collect();
    let routes: Vec<RouteCard> = verdict
        .routes
        .iter()
        .map(|r| {
            let mut l = links(&engine, &r.see);
            l.extend(card_links(&engine, &r.cards));
            RouteCard {
                title: r.title.clone(),
                open: r.status == crate::curated::iop::RouteStatus::Open,
                summary: r.summary.clone(),
                notes: r.notes.clone(),
                conditions: r
                    .conditions
                    .iter()
                    .map(|(t, state)| ConditionView {
                        text: t.clone(),
                        label: text(ui.lang, &format!("iop.cond.{state}")),
                        state: state.clone(),
                    })
                    .collect(),
                basis: r.basis.clone(),
                links: l,
            }
        })
        .collect();
    let steps = verdict
        .path
        .iter()
        .map(|s| {
            let status = serde_json::to_value(s.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            StepView {
                title: s.title.clone(),
                question: s.question.clone(),
                status_label: text(ui.lang, &format!("iop.step.{status}")),
                status,
                result: s.result.clone(),
                answers: s
                    .answers
                    .iter()
                    .map(|a| AnswerView {
                        text: a.text.clone(),
                        answer: a.answer.clone().unwrap_or_default(),
                        state: a.state.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    let mut l = links(&engine, &verdict.see);
    l.extend(card_links(&engine, &verdict.cards));
    let q = answers_query(rules.version, &clean);
    render(&IopResultPage {
        path_svg: super::diagram::iop_path(&verdict, ui.lang),
        certainty: text(ui.lang, &format!("certainty.{}", verdict.certainty)),
        needs: verdict.outcome == rules.needs_answers.outcome,
        deciding_test: verdict
            .deciding_test
            .as_deref()
            .map(test_title)
            .unwrap_or_default(),
        deciding: verdict.deciding.as_ref().map(reason_view),
        groups,
        find_out: verdict
            .to_find_out
            .iter()
            .map(|u| (u.question.clone(), u.text.clone()))
            .collect(),
        open_routes: routes.iter().filter(|r| r.open).count(),
        possible_routes: routes.iter().filter(|r| !r.open).count(),
        routes,
        steps,
        links: l,
        edit_url: format!("/iop?{q}"),
        share_url: format!("/iop/resultat?{q}"),
        ui,
        verdict,
    })
}

/// `POST /api/iop` with `{"answers": {"question": "value", ...}}` (or the map itself).
pub async fn iop_api(
    State(state): State<Shared>,
    body: Result<Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return (
            StatusCode::BAD_REQUEST,
            Json(ApiError {
                error: "the body must be JSON: {\"answers\": {\"question\": \"value\"}}".into(),
            }),
        )
            .into_response();
    };
    let map = body.get("answers").cloned().unwrap_or(body);
    let Ok(answers) = serde_json::from_value::<BTreeMap<String, String>>(map) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(ApiError {
                error: "answers must map question ids to option values (strings)".into(),
            }),
        )
            .into_response();
    };
    let engine = state.engine.load_full();
    let Some(rules) = &engine.curated.iop else {
        return (
            StatusCode::NOT_FOUND,
            Json(ApiError {
                error: "no IOP rules in this corpus".into(),
            }),
        )
            .into_response();
    };
    Json(rules.evaluate(&answers)).into_response()
}

pub struct FigureView {
    pub label: String,
    pub sek: String,
    pub eur: String,
    pub valid: String,
    pub source: String,
}

#[derive(Template)]
#[template(path = "thresholds.html")]
struct ThresholdsPage {
    ui: Ui,
    value: String,
    kind: String,
    buyer: String,
    kinds: Vec<(&'static str, &'static str)>,
    buyers: Vec<(&'static str, &'static str)>,
    today: String,
    error: Option<String>,
    guidance: Option<Guidance>,
    figures: Vec<FigureView>,
    links: Vec<LinkView>,
}

fn guide(
    engine: &Engine,
    params: &HashMap<String, String>,
    lang: Lang,
) -> Result<(Guidance, String), String> {
    let table = engine
        .curated
        .thresholds
        .as_ref()
        .ok_or(text(lang, "thr.no_table"))?;
    let value = params
        .get("value")
        .and_then(|v| thresholds::parse_amount(v, lang.code()))
        .ok_or(text(lang, "thr.bad_value"))?;
    let kind = params.get("kind").map(String::as_str).unwrap_or("tjanster");
    let buyer = params.get("buyer").map(String::as_str).unwrap_or("kommun");
    let today = params
        .get("datum")
        .filter(|d| crate::curated::common::parse_date(d).is_some())
        .cloned()
        .unwrap_or_else(crate::curated::common::today_string);
    table
        .guide(value, kind, buyer, &today, lang.code())
        .map(|g| (g, today))
        .map_err(|e| e.to_string())
}

/// Choices of a select list with their labels in the interface language.
fn choices(
    list: &'static [(&'static str, &'static str)],
    prefix: &str,
    lang: Lang,
) -> Vec<(&'static str, &'static str)> {
    list.iter()
        .map(|(id, sv)| (*id, text_opt(lang, &format!("{prefix}.{id}")).unwrap_or(sv)))
        .collect()
}

pub async fn thresholds_page(
    ui: Ui,
    State(state): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let engine = state.engine.load_full();
    let lang = ui.lang;
    let mut page = ThresholdsPage {
        ui,
        value: params.get("value").cloned().unwrap_or_default(),
        kind: params
            .get("kind")
            .cloned()
            .unwrap_or_else(|| "tjanster".into()),
        buyer: params
            .get("buyer")
            .cloned()
            .unwrap_or_else(|| "kommun".into()),
        kinds: choices(thresholds::KINDS, "thr.kind", lang),
        buyers: choices(thresholds::BUYERS, "thr.buyer", lang),
        today: crate::curated::common::today_string(),
        error: None,
        guidance: None,
        figures: vec![],
        links: vec![],
    };
    if params.contains_key("value") {
        match guide(&engine, &params, lang) {
            Ok((g, today)) => {
                page.today = today;
                let money = |n: u64| thresholds::grouped(n, lang.code());
                let kr = |amount: String| match lang {
                    Lang::En => format!("SEK {amount}"),
                    Lang::Sv => format!("{amount} kr"),
                };
                page.figures = g
                    .figures
                    .iter()
                    .map(|f| FigureView {
                        label: f.label.clone(),
                        sek: match (f.sek, f.sek_low, f.sek_high) {
                            (Some(s), _, _) => kr(money(s)),
                            (None, Some(lo), Some(hi)) => format!(
                                "{} ({})",
                                kr(format!("{}–{}", money(lo), money(hi))),
                                text(lang, "thr.range")
                            ),
                            _ => text(lang, "thr.unconfirmed").into(),
                        },
                        eur: f
                            .eur
                            .map(|e| format!("{} €", money(e)))
                            .unwrap_or_else(|| "–".into()),
                        valid: f.valid.clone(),
                        source: f.source.clone(),
                    })
                    .collect();
                page.links = links(&engine, &g.see);
                page.links.extend(card_links(&engine, &g.cards));
                page.guidance = Some(g);
            }
            Err(e) => page.error = Some(e),
        }
    }
    render(&page)
}

pub async fn thresholds_api(
    State(state): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let engine = state.engine.load_full();
    let lang = match params.get("sprak").map(String::as_str) {
        Some("en") => Lang::En,
        _ => Lang::Sv,
    };
    match guide(&engine, &params, lang) {
        Ok((g, today)) => {
            let mut v = serde_json::to_value(&g).unwrap_or_default();
            v["date"] = today.into();
            let mut resp = Json(v).into_response();
            resp.headers_mut().insert(
                header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            resp
        }
        Err(e) => (StatusCode::BAD_REQUEST, Json(ApiError { error: e })).into_response(),
    }
}

/// One entry of "what changed": a document or a card by its review date.
pub struct Change {
    pub date: String,
    pub title: String,
    pub url: String,
    pub kind: &'static str,
    pub id: String,
    /// The language of the title (`sv`, `en`).
    pub lang: String,
}

impl Change {
    /// The interface text naming the kind of entry.
    pub fn kind_key(&self) -> &'static str {
        if self.kind == "svarskort" {
            "changes.kind_card"
        } else {
            "changes.kind_document"
        }
    }
}

/// Documents and cards, newest review first.
fn changes(engine: &Engine) -> Vec<Change> {
    let mut out = Vec::new();
    let searcher = engine.reader.searcher();
    let f = &engine.fields;
    let mut seen = std::collections::HashSet::new();
    let n = searcher.num_docs() as usize;
    // Each document's lead section, which holds its metadata.
    let leads = tantivy::query::TermQuery::new(
        tantivy::Term::from_field_u64(f.ord, 0),
        tantivy::schema::IndexRecordOption::Basic,
    );
    let all = searcher
        .search(&leads, &TopDocs::with_limit(n.max(1)).order_by_score())
        .unwrap_or_default();
    for (_, addr) in all {
        let Ok(d) = searcher.doc::<TantivyDocument>(addr) else {
            continue;
        };
        let text = |field| {
            d.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let Some(path) = text(f.path) else { continue };
        if !seen.insert(path.clone()) {
            continue;
        }
        let meta: crate::document::Meta = text(f.meta)
            .and_then(|m| serde_json::from_str(&m).ok())
            .unwrap_or_default();
        if let Some(date) = meta
            .reviewed
            .filter(|r| crate::curated::common::parse_date(r).is_some())
        {
            out.push(Change {
                date: date[..10].to_string(),
                title: text(f.title).unwrap_or_else(|| path.clone()),
                url: format!("/dok/{}", path_url(&path)),
                kind: "dokument",
                id: format!("dok:{path}"),
                lang: text(f.lang).unwrap_or_else(|| "sv".into()),
            });
        }
    }
    let today = crate::curated::common::today_string();
    for c in engine.curated.cards.iter().filter(|c| c.is_current(&today)) {
        if let Some(date) = c
            .reviewed
            .as_ref()
            .filter(|r| crate::curated::common::parse_date(r).is_some())
        {
            out.push(Change {
                date: date[..10].to_string(),
                title: c.title.clone(),
                url: format!("/kort/{}", c.id),
                kind: "svarskort",
                id: format!("kort:{}", c.id),
                lang: "sv".into(),
            });
        }
    }
    out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title)));
    out.truncate(200);
    out
}

#[derive(Template)]
#[template(path = "changes.html")]
struct ChangesPage {
    ui: Ui,
    changes: Vec<Change>,
}

pub async fn changes_page(ui: Ui, State(state): State<Shared>) -> Response {
    let engine = state.engine.load_full();
    let list = tokio::task::spawn_blocking(move || changes(&engine))
        .await
        .unwrap_or_default();
    render(&ChangesPage { ui, changes: list })
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The same list as an Atom feed.
pub async fn changes_feed(State(state): State<Shared>) -> Response {
    let engine = state.engine.load_full();
    let list = tokio::task::spawn_blocking(move || changes(&engine))
        .await
        .unwrap_or_default();
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
            "  <entry>\n    <title>{}</title>\n    <id>urn:vagvisare:{}</id>\n    <link href=\"{}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <summary>{} granskad {}</summary>\n  </entry>\n",
            xml_escape(&c.title),
            xml_escape(&c.id),
            xml_escape(&c.url),
            c.date,
            c.kind,
            c.date
        ));
    }
    xml.push_str("</feed>\n");
    let mut resp = xml.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    resp
}

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage {
    ui: Ui,
}

pub async fn accessibility_page(ui: Ui) -> Response {
    render(&AccessibilityPage { ui })
}

/// The cards of a workshop session, from repeated or comma-separated `k` parameters.
fn session_cards(raw: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for pair in raw.unwrap_or("").split('&') {
        let Some((k, v)) = pair.split_once('=') else {
            continue;
        };
        if k != "k" {
            continue;
        }
        let v = v.replace('+', " ");
        let v = percent_encoding::percent_decode_str(&v)
            .decode_utf8_lossy()
            .to_string();
        for id in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if !out.iter().any(|x| x == id) && out.len() < 60 {
                out.push(id.to_string());
            }
        }
    }
    out
}

/// The session's card ids that name existing cards.
fn session_of(engine: &Engine, raw: Option<&str>) -> Vec<String> {
    session_cards(raw)
        .into_iter()
        .filter(|id| engine.curated.card(id).is_some())
        .collect()
}

fn session_qs(ids: &[String]) -> String {
    format!(
        "k={}",
        percent_encoding::utf8_percent_encode(&ids.join(","), percent_encoding::NON_ALPHANUMERIC)
    )
}

pub struct PickGroup {
    pub label: String,
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
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    let engine = state.engine.load_full();
    let today = crate::curated::common::today_string();
    let ids = session_of(&engine, raw.as_deref());
    let mut groups = Vec::new();
    for topic in crate::curated::common::TOPICS {
        let cards: Vec<(String, String, bool)> = engine
            .curated
            .cards
            .iter()
            .filter(|c| {
                c.is_current(&today) && c.topics.first().map(String::as_str) == Some(*topic)
            })
            .map(|c| (c.id.clone(), c.title.clone(), ids.contains(&c.id)))
            .collect();
        if !cards.is_empty() {
            groups.push(PickGroup {
                label: topic_label(topic, ui.lang),
                cards,
            });
        }
    }
    let chosen = ids
        .iter()
        .filter_map(|id| engine.curated.card(id))
        .map(|c| (c.id.clone(), c.title.clone()))
        .collect();
    render(&WorkshopPage {
        ui,
        groups,
        chosen,
        session_qs: session_qs(&ids),
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
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    let engine = state.engine.load_full();
    let ids = session_of(&engine, raw.as_deref());
    let i: usize = query_value(raw.as_deref(), "i")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let Some(card) = ids.get(i).and_then(|id| engine.curated.card(id)) else {
        return error_page(&ui, StatusCode::NOT_FOUND, "no_cards_chosen");
    };
    let qs = session_qs(&ids);
    render(&WorkshopShow {
        ui,
        card: card.clone(),
        position: i + 1,
        count: ids.len(),
        prev: (i > 0).then(|| format!("/workshop/visa?{qs}&i={}", i - 1)),
        next: (i + 1 < ids.len()).then(|| format!("/workshop/visa?{qs}&i={}", i + 1)),
        back: format!("/workshop?{qs}"),
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
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    let engine = state.engine.load_full();
    let ids = session_of(&engine, raw.as_deref());
    let per = if query_value(raw.as_deref(), "per") == Some("4") {
        4
    } else {
        1
    };
    let cards = ids
        .iter()
        .filter_map(|id| engine.curated.card(id))
        .map(|c| HandoutView {
            details_html: render_markdown(&c.details),
            sources: links(&engine, &c.see)
                .into_iter()
                .map(|l| l.label)
                .collect(),
            card: c.clone(),
        })
        .collect();
    render(&WorkshopPrint {
        ui,
        cards,
        per,
        back: format!("/workshop?{}", session_qs(&ids)),
    })
}

#[derive(Template)]
#[template(path = "comparison.html")]
struct ComparisonPage {
    ui: Ui,
    svg: String,
    instruments: Vec<super::diagram::InstrumentRow>,
}

pub async fn comparison_page(ui: Ui) -> Response {
    render(&ComparisonPage {
        svg: super::diagram::comparison(ui.lang),
        instruments: super::diagram::INSTRUMENTS
            .iter()
            .map(|i| i.row(ui.lang))
            .collect(),
        ui,
    })
}
