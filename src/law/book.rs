//! The statutes a corpus holds ("lagtext" documents): where each is, how current, and per
//! paragraph its anchor, its first sentence and the act that last amended it. A citation is
//! resolved against it to the paragraph's section (or, when the statute or the paragraph is not
//! there, to the official text), and a text's citations are checked against it for amendments
//! that came into force after the text was reviewed.
//!
//! Built from extracted documents (`check`) or from the index (the server); the same rules
//! either way.

use super::cite::{Citation, Cited};
use super::{law_of_sfs, official_url};
use crate::document::{Document, StatuteMeta, statute_anchor};
use std::collections::HashMap;

/// One paragraph (or chapter) of a statute in the corpus.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paragraph {
    /// The act that last amended it (`2021:1110`).
    pub amended: Option<String>,
    /// Its first sentence, to show on a link to it.
    pub first_sentence: String,
}

/// A statute in the corpus.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statute {
    pub path: String,
    pub title: String,
    pub meta: StatuteMeta,
    /// By anchor (`K4P18`, `K19a`).
    pub paragraphs: HashMap<String, Paragraph>,
}

/// Where a citation leads.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// A section of a statute document in the corpus (`anchor` `None`: the statute as a whole).
    Section {
        path: String,
        anchor: Option<String>,
        /// "LOU 4 kap. 18 §".
        label: String,
        /// The paragraph's first sentence, when it is one.
        first_sentence: Option<String>,
    },
    /// The official consolidated text (the statute or the paragraph is not in the corpus).
    Official { url: String, label: String },
    /// A court case: the caller knows which card or document is about it.
    Case { key: String },
}

/// A paragraph a text cites that was amended by an act in force after the text's review.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Amended {
    /// "4 kap. 18 § LOU".
    pub provision: String,
    /// `2025:123`.
    pub act: String,
    /// `YYYY-MM-DD`.
    pub in_force: String,
    pub path: String,
    pub anchor: String,
}

#[derive(Debug, Clone, Default)]
pub struct StatuteBook {
    statutes: Vec<Statute>,
}

/// "Lag (2016:1145) om …" → the same; a law we know by name gets its short name.
fn law_label(sfs: &str) -> String {
    law_of_sfs(sfs).map_or_else(|| format!("SFS {sfs}"), |l| l.short.to_string())
}

/// "4 kap. 18 §" / "19 a kap." / "8 §" from squeezed numbers ("19a" → "19 a").
fn provision_label(chapter: Option<&str>, paragraph: Option<&str>) -> String {
    let spaced = |n: &str| {
        let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
        let rest = &n[digits.len()..];
        if rest.is_empty() {
            digits
        } else {
            format!("{digits} {rest}")
        }
    };
    match (chapter, paragraph) {
        (Some(c), Some(p)) => format!("{} kap. {} §", spaced(c), spaced(p)),
        (Some(c), None) => format!("{} kap.", spaced(c)),
        (None, Some(p)) => format!("{} §", spaced(p)),
        (None, None) => String::new(),
    }
}

/// The first sentence of a paragraph's text (at most about 200 characters).
pub fn first_sentence(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut end = text.len();
    for (i, _) in text.match_indices(". ") {
        // "4 kap." and "t.ex." do not end a sentence: the next word starts with a capital.
        if text[i + 2..].starts_with(|c: char| c.is_uppercase()) {
            end = i + 1;
            break;
        }
    }
    let sentence = &text[..end];
    if sentence.chars().count() > 200 {
        let cut: String = sentence.chars().take(199).collect();
        format!("{cut}…")
    } else {
        sentence.to_string()
    }
}

impl StatuteBook {
    /// Adds a statute with its sections: (anchor, amending act, text).
    pub fn add<'a>(
        &mut self,
        path: &str,
        title: &str,
        meta: StatuteMeta,
        sections: impl Iterator<Item = (&'a str, Option<&'a str>, &'a str)>,
    ) {
        let paragraphs = sections
            .filter(|(anchor, _, _)| anchor.starts_with('K') || anchor.starts_with('P'))
            .map(|(anchor, amended, text)| {
                (
                    anchor.to_string(),
                    Paragraph {
                        amended: amended.map(str::to_string),
                        first_sentence: first_sentence(text),
                    },
                )
            })
            .collect();
        self.statutes.push(Statute {
            path: path.to_string(),
            title: title.to_string(),
            meta,
            paragraphs,
        });
    }

    /// The statutes among extracted documents.
    pub fn from_documents<'a>(docs: impl Iterator<Item = &'a Document>) -> StatuteBook {
        let mut book = StatuteBook::default();
        for d in docs {
            if let Some(meta) = &d.meta.statute {
                book.add(
                    d.path.as_str(),
                    &d.title,
                    meta.clone(),
                    d.sections
                        .iter()
                        .map(|s| (s.anchor.as_str(), s.amended.as_deref(), s.text.as_str())),
                );
            }
        }
        book
    }

    pub fn is_empty(&self) -> bool {
        self.statutes.is_empty()
    }

    /// The corpus's text of a statute; of two, the more recently amended.
    pub fn statute(&self, sfs: &str) -> Option<&Statute> {
        self.statutes
            .iter()
            .filter(|s| s.meta.sfs == sfs)
            .max_by_key(|s| {
                s.meta.amended_to.as_deref().map(|a| {
                    let (y, n) = a.split_once(':').unwrap_or((a, "0"));
                    (y.parse::<u32>().unwrap_or(0), n.parse::<u32>().unwrap_or(0))
                })
            })
    }

    /// Where a citation leads: the paragraph in the corpus when it is there, else the official
    /// text of the statute.
    pub fn resolve(&self, cited: &Cited) -> Resolved {
        match cited {
            Cited::Case { key } => Resolved::Case { key: key.clone() },
            Cited::Statute { sfs } => match self.statute(sfs) {
                Some(s) => Resolved::Section {
                    path: s.path.clone(),
                    anchor: None,
                    label: s.title.clone(),
                    first_sentence: None,
                },
                None => Resolved::Official {
                    url: official_url(super::OFFICIAL_BASE, sfs),
                    label: law_label(sfs),
                },
            },
            Cited::Provision {
                sfs,
                chapter,
                paragraph,
            } => {
                let label = format!(
                    "{} {}",
                    law_label(sfs),
                    provision_label(chapter.as_deref(), paragraph.as_deref())
                );
                let anchor = statute_anchor(chapter.as_deref(), paragraph.as_deref());
                match self
                    .statute(sfs)
                    .and_then(|s| s.paragraphs.get(&anchor).map(|p| (s, p)))
                {
                    Some((s, p)) => Resolved::Section {
                        path: s.path.clone(),
                        anchor: Some(anchor),
                        label,
                        first_sentence: (!p.first_sentence.is_empty())
                            .then(|| p.first_sentence.clone()),
                    },
                    None => Resolved::Official {
                        url: official_url(super::OFFICIAL_BASE, sfs),
                        label,
                    },
                }
            }
        }
    }

    /// The cited paragraphs amended by an act in force after `reviewed` (`YYYY-MM-DD`). An
    /// amendment whose date the statute's register does not give is not judged.
    pub fn amended_since(&self, citations: &[Citation], reviewed: &str) -> Vec<Amended> {
        let mut out = Vec::new();
        for c in citations {
            let Cited::Provision {
                sfs,
                chapter,
                paragraph: Some(paragraph),
            } = &c.cited
            else {
                continue;
            };
            let Some(statute) = self.statute(sfs) else {
                continue;
            };
            let anchor = statute_anchor(chapter.as_deref(), Some(paragraph));
            let Some(act) = statute
                .paragraphs
                .get(&anchor)
                .and_then(|p| p.amended.as_deref())
            else {
                continue;
            };
            let Some(in_force) = statute.meta.in_force(act) else {
                continue;
            };
            if in_force > reviewed.get(..10).unwrap_or(reviewed) {
                out.push(Amended {
                    provision: format!(
                        "{} {}",
                        provision_label(chapter.as_deref(), Some(paragraph)),
                        law_label(sfs)
                    ),
                    act: act.to_string(),
                    in_force: in_force.to_string(),
                    path: statute.path.clone(),
                    anchor,
                });
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Amendment;
    use crate::law::cite::{Context, citations};

    fn book() -> StatuteBook {
        let mut b = StatuteBook::default();
        b.add(
            "lag/sfs-2016-1145.md",
            "Lag (2016:1145) om offentlig upphandling",
            StatuteMeta {
                sfs: "2016:1145".into(),
                amendments: vec![Amendment {
                    sfs: "2026:50".into(),
                    in_force: Some("2026-07-01".into()),
                    scope: None,
                }],
                ..Default::default()
            },
            [
                ("K4", None, "4 kap. Allmänna bestämmelser"),
                (
                    "K4P18",
                    Some("2026:50"),
                    "En upphandlande myndighet får reservera deltagandet. Minst 30 procent.",
                ),
                (
                    "K19P25a",
                    Some("2021:1110"),
                    "En upphandlande myndighet får …",
                ),
            ]
            .into_iter(),
        );
        b
    }

    #[test]
    fn citations_resolve_to_the_paragraph_or_the_official_text() {
        let b = book();
        let cites = citations(
            "4 kap. 18 § och 4 kap. 99 § LOU, 2 kap. 8 § KL",
            Context::default(),
        );
        let resolved: Vec<Resolved> = cites.iter().map(|c| b.resolve(&c.cited)).collect();
        assert_eq!(
            resolved[0],
            Resolved::Section {
                path: "lag/sfs-2016-1145.md".into(),
                anchor: Some("K4P18".into()),
                label: "LOU 4 kap. 18 §".into(),
                first_sentence: Some("En upphandlande myndighet får reservera deltagandet.".into()),
            }
        );
        assert_eq!(
            resolved[1],
            Resolved::Official {
                url: "https://rkrattsbaser.gov.se/sfst?bet=2016:1145".into(),
                label: "LOU 4 kap. 99 §".into(),
            }
        );
        assert!(
            matches!(&resolved[2], Resolved::Official { url, .. } if url.ends_with("2017:725"))
        );
    }

    #[test]
    fn an_amendment_after_the_review_is_reported() {
        let b = book();
        let cites = citations(
            "enligt 4 kap. 18 § och 19 kap. 25 a § LOU",
            Context::default(),
        );
        let found = b.amended_since(&cites, "2026-01-10");
        assert_eq!(
            found,
            vec![Amended {
                provision: "4 kap. 18 § LOU".into(),
                act: "2026:50".into(),
                in_force: "2026-07-01".into(),
                path: "lag/sfs-2016-1145.md".into(),
                anchor: "K4P18".into(),
            }]
        );
        assert!(b.amended_since(&cites, "2026-08-01").is_empty());
    }
}
