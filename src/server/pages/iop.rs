//! The IOP check: the form grouped by the legal tests (`/iop`), the shareable result
//! (`/iop/resultat`, which the plain form reaches through a POST and a redirect) and the JSON
//! API (`POST /api/iop`, described in `/api/openapi.json`). The verdict comes from
//! [`crate::curated::iop::Rules::evaluate`]; this module only shows it.

use super::{LinkView, all_links, cited, render};
use crate::curated::iop::{self, Answers, Group, Reason, RouteStatus, Rules, Verdict};
use crate::law::cite::Context;
use crate::search::Engine;
use crate::server::Shared;
use crate::server::error::{PageError, PageResult, Problem};
use crate::server::ui::{Ui, text};
use crate::urls;
use crate::wire::{ApiError, IopRequest};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Redirect, Response};

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

fn rules_of<'a>(engine: &'a Engine, ui: &Ui) -> Result<&'a Rules, PageError> {
    engine
        .curated()
        .iop
        .as_ref()
        .ok_or_else(|| PageError::new(ui, Problem::NoIopRules))
}

/// The form, grouped by the legal tests, with `answers` checked.
fn form_page(ui: Ui, rules: &Rules, answers: &Answers, notes: Vec<String>) -> PageResult {
    let question_view = |q: &iop::Question| QuestionView {
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
) -> PageResult {
    let engine = state.engine.load_full();
    let rules = rules_of(&engine, &ui)?;
    form_page(ui, rules, &rules.clean(&answers), vec![])
}

/// `v=2&question=value&…`: the shareable form of a set of answers.
fn answers_query(version: u32, answers: &Answers) -> String {
    std::iter::once(format!("{}={version}", iop::VERSION_PARAM))
        .chain(
            answers
                .iter()
                .map(|(k, v)| format!("{}={}", urls::encode(k), urls::encode(v))),
        )
        .collect::<Vec<_>>()
        .join("&")
}

/// The plain form posts here; the answer is a redirect to the shareable result URL.
pub async fn iop_post(
    ui: Ui,
    State(state): State<Shared>,
    axum::Form(answers): axum::Form<Answers>,
) -> PageResult {
    let engine = state.engine.load_full();
    let rules = rules_of(&engine, &ui)?;
    let q = answers_query(rules.version, &rules.clean(&answers));
    Ok(Redirect::to(&urls::iop_result(&q)).into_response())
}

pub struct ReasonView {
    pub test: String,
    pub text: String,
    /// The legal basis as HTML, citations linked.
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
    /// As HTML, citations linked.
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
) -> PageResult {
    let engine = state.engine.load_full();
    let rules = rules_of(&engine, &ui)?;
    let version = answers
        .get(iop::VERSION_PARAM)
        .and_then(|v| v.parse::<u32>().ok());
    let clean = rules.clean(&answers);
    // A link whose answers no longer mean what they meant: the form and a note, never a verdict.
    if let Some((keep, notes)) = stale_link(rules, &answers, &clean, version) {
        return form_page(ui, rules, &keep, notes);
    }
    let verdict = rules.evaluate(&clean);
    render(&result_page(ui, &engine, rules, &clean, verdict))
}

/// For a shared link whose answers changed meaning (an older version, or answers the rules no
/// longer know): the answers that still hold and the notes that explain the rest. `None` when
/// the link still fits.
fn stale_link(
    rules: &Rules,
    raw: &Answers,
    clean: &Answers,
    version: Option<u32>,
) -> Option<(Answers, Vec<String>)> {
    let link = rules.check_link(clean, version);
    let unknown: Vec<String> = rules
        .ignored(raw)
        .into_iter()
        .filter(|a| {
            a.split_once('=')
                .is_some_and(|(q, _)| rules.question(q).is_some())
        })
        .collect();
    if link.fits() && unknown.is_empty() {
        return None;
    }
    let mut notes = link.notes;
    if !unknown.is_empty() {
        notes.extend(rules.check_link(raw, Some(rules.version)).notes);
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
    Some((keep, notes))
}

fn result_page(
    ui: Ui,
    engine: &Engine,
    rules: &Rules,
    answers: &Answers,
    verdict: Verdict,
) -> IopResultPage {
    let lang = ui.lang;
    // The check is about procurement: a bare "4 kap. 18 §" is LOU's.
    let context = Context {
        law: crate::law::law_of_sfs("2016:1145"),
        chapter: None,
    };
    let basis = |list: &[String]| -> Vec<String> {
        list.iter()
            .map(|b| cited(engine, &ui, b, context))
            .collect()
    };
    let test_title = |id: &str| {
        rules
            .test
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.title.clone())
            .unwrap_or_default()
    };
    let reason_view = |r: &Reason| ReasonView {
        test: test_title(&r.test),
        text: r.text.clone(),
        basis: basis(&r.basis),
        links: all_links(engine, &r.see, &r.cards),
    };
    let groups: Vec<ReasonGroup> = [
        (Group::For, "iop.for"),
        (Group::Against, "iop.against"),
        (Group::Unclear, "iop.unclear"),
    ]
    .into_iter()
    .map(|(g, key)| ReasonGroup {
        label: text(lang, key),
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
        .map(|r| RouteCard {
            title: r.title.clone(),
            open: r.status == RouteStatus::Open,
            summary: r.summary.clone(),
            notes: r.notes.clone(),
            conditions: r
                .conditions
                .iter()
                .map(|(t, state)| ConditionView {
                    text: t.clone(),
                    label: text(lang, &format!("iop.cond.{state}")),
                    state: state.clone(),
                })
                .collect(),
            basis: basis(&r.basis),
            links: all_links(engine, &r.see, &r.cards),
        })
        .collect();
    let steps = verdict
        .path
        .iter()
        .map(|s| {
            let status = s.status.code();
            StepView {
                title: s.title.clone(),
                question: s.question.clone(),
                status_label: text(lang, &format!("iop.step.{status}")),
                status: status.to_string(),
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
    let q = answers_query(rules.version, answers);
    IopResultPage {
        path_svg: crate::server::diagram::iop_path(&verdict, lang),
        certainty: text(lang, &format!("certainty.{}", verdict.certainty)),
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
        links: all_links(engine, &verdict.see, &verdict.cards),
        edit_url: urls::iop_form(&q),
        share_url: urls::iop_result(&q),
        ui,
        verdict,
    }
}

fn api_error(status: StatusCode, error: &str) -> Response {
    (
        status,
        Json(ApiError {
            error: error.into(),
        }),
    )
        .into_response()
}

/// Check an IOP
///
/// The indication for a set of answers to the questions of `/iop`: the outcome, its certainty,
/// the reasons with their legal basis, the routes of reserved procurement and the path through
/// the legal tests. Guidance, not a legal decision.
#[utoipa::path(
    post,
    path = "/api/iop",
    tag = "iop",
    request_body(content = IopRequest, description = "`{\"answers\": {\"question\": \"value\", …}}`, or the answers map itself"),
    responses(
        (status = 200, description = "The indication", body = Verdict),
        (status = 400, description = "The body is not JSON, or the answers are not strings", body = ApiError),
        (status = 404, description = "The corpus has no IOP rules", body = ApiError),
    )
)]
pub async fn iop_api(
    State(state): State<Shared>,
    body: Result<Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "the body must be JSON: {\"answers\": {\"question\": \"value\"}}",
        );
    };
    // `{"answers": {...}}`, or the map itself when there is no `answers` key.
    let request = match body.get("answers") {
        Some(_) => serde_json::from_value::<IopRequest>(body),
        None => serde_json::from_value(body).map(|answers| IopRequest { answers }),
    };
    let Ok(IopRequest { answers }) = request else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "answers must map question ids to option values (strings)",
        );
    };
    let engine = state.engine.load_full();
    match &engine.curated().iop {
        Some(rules) => Json(rules.evaluate(&answers)).into_response(),
        None => api_error(StatusCode::NOT_FOUND, "no IOP rules in this corpus"),
    }
}
