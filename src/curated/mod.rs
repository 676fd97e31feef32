//! Curated data: the answer cards, the IOP check's rules and the threshold table, read from the
//! corpus by the indexer and stored beside the index generation (`curated.json`), so the server
//! never reads the corpus. A file that does not parse is reported and left out; the rest loads.

pub mod cards;
pub mod common;
pub mod comparison;
pub mod iop;
pub mod thresholds;

use cards::Card;
use comparison::Comparison;
use iop::Rules;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
    /// The comparison of grant, IOP, LOV and procurement (`jamforelse.toml`).
    #[serde(default)]
    pub comparison: Option<Comparison>,
    /// What the corpus's folders are called in the interface (`mappar.toml`): language → folder
    /// → name.
    #[serde(default)]
    pub folders: BTreeMap<String, BTreeMap<String, String>>,
}

/// File name of the folder names under the corpus root.
pub const FOLDERS_FILE: &str = "mappar.toml";

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
        let texts = [
            iop::FILE,
            thresholds::FILE,
            crate::analysis::lexicon::FILE,
            comparison::FILE,
            FOLDERS_FILE,
        ]
        .map(|f| read(f).map(|t| (f, t)));
        let [
            iop_text,
            thresholds_text,
            synonyms_text,
            comparison_text,
            folders_text,
        ] = texts;
        let iop = parsed(iop_text, Rules::parse, &mut problems);
        let thresholds = parsed(thresholds_text, Table::parse, &mut problems);
        let synonyms = parsed(
            synonyms_text,
            |t| toml::from_str(t).map_err(|e| e.to_string()),
            &mut problems,
        );
        let comparison = parsed(comparison_text, Comparison::parse, &mut problems);
        let folders = parsed(
            folders_text,
            |t| toml::from_str(t).map_err(|e| e.to_string()),
            &mut problems,
        )
        .unwrap_or_default();
        (
            Curated {
                cards,
                iop,
                thresholds,
                synonyms,
                comparison,
                folders,
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

    /// The name of a corpus folder in `lang` (`sv`, `en`), else in Swedish, else the folder's own
    /// name with its hyphens as spaces.
    pub fn folder_name(&self, folder: &str, lang: &str) -> String {
        [lang, "sv"]
            .iter()
            .find_map(|l| self.folders.get(*l).and_then(|m| m.get(folder)))
            .cloned()
            .unwrap_or_else(|| folder.replace('-', " "))
    }

    pub fn card(&self, id: &str) -> Option<&Card> {
        self.cards.iter().find(|c| c.id == id)
    }
}

/// A curated file's text parsed; a failure is recorded against the file and the data left out.
fn parsed<T>(
    text: Option<(&str, String)>,
    parse: impl Fn(&str) -> Result<T, String>,
    problems: &mut Vec<(String, String)>,
) -> Option<T> {
    let (file, text) = text?;
    parse(&text)
        .map_err(|e| problems.push((file.to_string(), e)))
        .ok()
}
