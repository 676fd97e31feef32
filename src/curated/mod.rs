//! Curated data: the answer cards, the IOP check's rules and the threshold table, read from the
//! corpus by the indexer and stored beside the index generation (`curated.json`), so the server
//! never reads the corpus. A file that does not parse is reported and left out; the rest loads.

pub mod cards;
pub mod common;
pub mod iop;
pub mod thresholds;

use cards::Card;
use iop::Rules;
use serde::{Deserialize, Serialize};
use std::path::Path;
use thresholds::Table;

pub const FILE_NAME: &str = "curated.json";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Curated {
    pub cards: Vec<Card>,
    pub iop: Option<Rules>,
    pub thresholds: Option<Table>,
    /// The corpus's additions to the search lexicon (`synonymer.toml`).
    #[serde(default)]
    pub synonyms: Option<crate::analysis::lexicon::LexiconFile>,
}

impl Curated {
    /// Reads the curated files under `corpus`; problems come back as (file, reason).
    pub fn load(corpus: &Path) -> (Curated, Vec<(String, String)>) {
        let (cards, mut problems) = cards::load(corpus);
        let mut read = |rel: &str| -> Option<String> {
            let p = corpus.join(rel);
            if !p.is_file() {
                return None;
            }
            match std::fs::read_to_string(&p) {
                Ok(t) => Some(t),
                Err(e) => {
                    problems.push((rel.to_string(), e.to_string()));
                    None
                }
            }
        };
        let iop_text = read(iop::FILE);
        let thresholds_text = read(thresholds::FILE);
        let synonyms_text = read(crate::analysis::lexicon::FILE);
        let iop = iop_text.and_then(|t| match Rules::parse(&t) {
            Ok(r) => Some(r),
            Err(e) => {
                problems.push((iop::FILE.to_string(), e));
                None
            }
        });
        let thresholds = thresholds_text.and_then(|t| match Table::parse(&t) {
            Ok(r) => Some(r),
            Err(e) => {
                problems.push((thresholds::FILE.to_string(), e));
                None
            }
        });
        let synonyms = synonyms_text.and_then(|t| match toml::from_str(&t) {
            Ok(l) => Some(l),
            Err(e) => {
                problems.push((crate::analysis::lexicon::FILE.to_string(), e.to_string()));
                None
            }
        });
        (
            Curated {
                cards,
                iop,
                thresholds,
                synonyms,
            },
            problems,
        )
    }

    /// A fingerprint of the content, to tell whether the stored copy is current.
    pub fn fingerprint(&self) -> String {
        let bytes = serde_json::to_vec(self).expect("curated data serialises");
        blake3::hash(&bytes).to_hex().to_string()
    }

    /// The copy stored beside a generation (empty when there is none).
    pub fn read_stored(gen_dir: &Path) -> Curated {
        std::fs::read(gen_dir.join(FILE_NAME))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    pub fn store(&self, gen_dir: &Path) -> Result<(), crate::index::store::StoreError> {
        let bytes = serde_json::to_vec(self).expect("curated data serialises");
        crate::index::store::write_atomic(&gen_dir.join(FILE_NAME), &bytes)
    }

    pub fn card(&self, id: &str) -> Option<&Card> {
        self.cards.iter().find(|c| c.id == id)
    }
}
