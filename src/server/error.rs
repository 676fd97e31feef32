//! The one error a page handler returns. Each kind names what went wrong; it becomes the error
//! page (heading and text from `err.<kind>` in the user's language) with its HTTP status, so no
//! handler builds an error response by hand and none answers 500 for a user's mistake.

use super::ui::Ui;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// What went wrong while answering a page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("no such document")]
    NoDocument,
    #[error("no such page")]
    NoPage,
    #[error("no such original file")]
    NoFile,
    #[error("no such answer card")]
    NoCard,
    #[error("no IOP rules in the corpus")]
    NoIopRules,
    #[error("no workshop cards chosen")]
    NoCardsChosen,
    #[error("too many requests")]
    Overloaded,
    #[error("unexpected failure")]
    Unexpected,
}

impl Problem {
    /// The key of the texts `err.<key>.title` and `err.<key>.text`.
    fn key(self) -> &'static str {
        match self {
            Problem::NoDocument => "no_document",
            Problem::NoPage => "no_page",
            Problem::NoFile => "no_file",
            Problem::NoCard => "no_card",
            Problem::NoIopRules => "no_iop_rules",
            Problem::NoCardsChosen => "no_cards_chosen",
            Problem::Overloaded => "overloaded",
            Problem::Unexpected => "unexpected",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Problem::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
            Problem::Unexpected => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::NOT_FOUND,
        }
    }
}

/// A [`Problem`] with the interface the page is shown in.
#[derive(Debug)]
pub struct PageError {
    ui: Ui,
    problem: Problem,
}

impl PageError {
    pub fn new(ui: &Ui, problem: Problem) -> PageError {
        PageError {
            ui: ui.clone(),
            problem,
        }
    }

    /// For answers without a request at hand (panics, overload): in Swedish.
    pub fn swedish(problem: Problem) -> PageError {
        PageError {
            ui: Ui::swedish(),
            problem,
        }
    }
}

/// What a page handler returns.
pub type PageResult = Result<Response, PageError>;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ui: &'a Ui,
    heading: &'static str,
    message: &'static str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let key = self.problem.key();
        let heading = self.ui.t(&format!("err.{key}.title"));
        let message = self.ui.t(&format!("err.{key}.text"));
        let body = ErrorPage {
            ui: &self.ui,
            heading,
            message,
        }
        .render()
        .unwrap_or_else(|_| heading.to_string());
        (self.problem.status(), Html(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_has_its_texts_and_status() {
        for p in [
            Problem::NoDocument,
            Problem::NoPage,
            Problem::NoFile,
            Problem::NoCard,
            Problem::NoIopRules,
            Problem::NoCardsChosen,
            Problem::Overloaded,
            Problem::Unexpected,
        ] {
            let ui = Ui::swedish();
            assert_ne!(ui.t(&format!("err.{}.title", p.key())), "?", "{p}");
            assert_ne!(ui.t(&format!("err.{}.text", p.key())), "?", "{p}");
            let resp = PageError::new(&ui, p).into_response();
            assert_eq!(resp.status(), p.status());
        }
    }
}
