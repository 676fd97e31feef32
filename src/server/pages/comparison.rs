//! The comparison page (`/jamforelse`): grant, IOP, LOV, procurement and reserved procurement
//! side by side, as a picture and as a table, from the corpus's `jamforelse.toml`.

use super::{cited, render};
use crate::law::cite::Context;
use crate::server::Shared;
use crate::server::error::{PageError, PageResult, Problem};
use crate::server::ui::Ui;
use crate::urls;
use askama::Template;
use axum::extract::State;

/// One row of the table in the interface language.
pub struct InstrumentRow {
    pub name: String,
    pub initiative: String,
    pub competition: String,
    pub payment: String,
    /// The legal basis (Swedish) as HTML, citations linked.
    pub basis_html: String,
}

#[derive(Template)]
#[template(path = "comparison.html")]
struct ComparisonPage {
    ui: Ui,
    svg: String,
    instruments: Vec<InstrumentRow>,
    document_url: String,
}

pub async fn comparison_page(ui: Ui, State(state): State<Shared>) -> PageResult {
    let engine = state.engine.load_full();
    let table = engine
        .curated()
        .comparison
        .as_ref()
        .ok_or_else(|| PageError::new(&ui, Problem::NoPage))?;
    let l = ui.lang.code();
    render(&ComparisonPage {
        svg: crate::server::diagram::comparison(table, ui.lang),
        instruments: table
            .instrument
            .iter()
            .map(|i| InstrumentRow {
                name: i.name.get(l).to_string(),
                initiative: i.initiative.get(l).to_string(),
                competition: i.competition.get(l).to_string(),
                payment: i.payment.get(l).to_string(),
                basis_html: cited(&engine, &ui, &i.basis, Context::default()),
            })
            .collect(),
        document_url: urls::document(&table.document),
        ui,
    })
}
