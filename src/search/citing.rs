//! Citations as links: the statutes the index holds (a [`StatuteBook`] read from the index) and
//! the documents and cards about court cases. A citation found in a text (`law::cite`) becomes
//! a target the pages turn into an address: the statute's paragraph in the index, the official
//! text when the index lacks it, or the document or card about a case. A text's citations are
//! also checked for amendments that came into force after the text's review.

use super::Engine;
use crate::document::{Meta, StatuteMeta};
use crate::law::book::{Amended, Resolved, StatuteBook};
use crate::law::cite::{Citation, Cited, Context, citations};
use std::collections::HashMap;
use std::ops::Range;
use tantivy::schema::Value;

/// Where a citation link leads.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A section of a document in the index (`anchor` `None`: its top).
    Section {
        path: String,
        anchor: Option<String>,
    },
    /// Outside the site: the official text of a statute.
    Official { url: String },
    /// The answer card about a case.
    Card { id: String },
}

/// A citation in a text, ready to be a link.
#[derive(Debug, Clone, PartialEq)]
pub struct CitationLink {
    pub range: Range<usize>,
    pub target: Target,
    /// What it cites ("LOU 4 kap. 18 §") and, for a paragraph in the index, its first
    /// sentence: shown on hover and focus.
    pub title: Option<String>,
}

/// What the index holds that citations lead to.
#[derive(Debug, Default)]
pub struct Library {
    pub book: StatuteBook,
    /// A case's key (`hfd:2020-ref-15`) → the document or card about it.
    cases: HashMap<String, Target>,
}

impl Engine {
    fn library(&self) -> &Library {
        self.library.get_or_init(|| self.read_library())
    }

    /// The statutes in the index (each lead section whose metadata names an SFS number, then
    /// its sections), and which documents' and cards' titles name a case.
    fn read_library(&self) -> Library {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let mut library = Library::default();
        let mut statutes: Vec<(String, String, StatuteMeta)> = Vec::new();
        for d in self.lead_sections(&searcher) {
            let text = |field| super::read::stored_text(&d, field);
            let (Some(path), Some(title)) = (text(f.path), text(f.title)) else {
                continue;
            };
            let meta: Meta = text(f.meta)
                .and_then(|m| serde_json::from_str(&m).ok())
                .unwrap_or_default();
            match meta.statute {
                Some(s) => statutes.push((path, title, s)),
                None => {
                    for c in citations(&title, Context::default()) {
                        if let Cited::Case { key } = c.cited {
                            library.cases.entry(key).or_insert(Target::Section {
                                path: path.clone(),
                                anchor: None,
                            });
                        }
                    }
                }
            }
        }
        for card in &self.curated.cards {
            for c in citations(&card.title, Context::default()) {
                if let Cited::Case { key } = c.cited {
                    library.cases.entry(key).or_insert(Target::Card {
                        id: card.id.clone(),
                    });
                }
            }
        }
        for (path, title, meta) in statutes {
            let sections: Vec<(String, Option<String>, String)> = self
                .sections_of(&searcher, &path)
                .iter()
                .map(|d| {
                    let text = |field| {
                        d.get_first(field)
                            .and_then(|v| v.as_str())
                            .map(str::to_string)
                    };
                    (
                        text(f.anchor).unwrap_or_default(),
                        text(f.amended),
                        text(f.body_sv).unwrap_or_default(),
                    )
                })
                .collect();
            library.book.add(
                &path,
                &title,
                meta,
                sections
                    .iter()
                    .map(|(a, am, t)| (a.as_str(), am.as_deref(), t.as_str())),
            );
        }
        library
    }

    /// The citations in `text` that lead somewhere, with their targets. A case no document or
    /// card is about stays plain.
    pub fn cite(&self, text: &str, context: Context<'_>) -> Vec<CitationLink> {
        let library = self.library();
        citations(text, context)
            .into_iter()
            .filter_map(|c| {
                let (target, title) = match library.book.resolve(&c.cited) {
                    Resolved::Section {
                        path,
                        anchor,
                        label,
                        first_sentence,
                    } => (
                        Target::Section { path, anchor },
                        Some(match first_sentence {
                            Some(s) => format!("{label}: {s}"),
                            None => label,
                        }),
                    ),
                    Resolved::Official { url, label } => (Target::Official { url }, Some(label)),
                    Resolved::Case { key } => (library.cases.get(&key)?.clone(), None),
                };
                Some(CitationLink {
                    range: c.range,
                    target,
                    title,
                })
            })
            .collect()
    }

    /// The paragraphs cited in `texts` that were amended by an act in force after `reviewed`.
    pub fn amended_since(
        &self,
        texts: &[&str],
        context: Context<'_>,
        reviewed: &str,
    ) -> Vec<Amended> {
        let book = &self.library().book;
        if book.is_empty() {
            return Vec::new();
        }
        let cited: Vec<Citation> = texts.iter().flat_map(|t| citations(t, context)).collect();
        let mut out = book.amended_since(&cited, reviewed);
        out.sort();
        out.dedup();
        out
    }
}
