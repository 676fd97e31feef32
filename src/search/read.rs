//! Page reads over the index: a document with its sections (the query's words marked), the
//! documents related to it, what changed lately, and the label of a link into the corpus. Each
//! returns a plain struct, so the pages render and never query the index themselves.

use super::Engine;
use crate::document::{Meta, RelPath};
use crate::markup::{Marked, MarkedBuilder};
use std::collections::HashSet;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, OwnedValue, Value};
use tantivy::tokenizer::TokenStream;
use tantivy::{Searcher, TantivyDocument, Term};

/// A document as the document view shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentView {
    pub path: String,
    pub title: String,
    /// markdown, html, pdf or text.
    pub kind: String,
    /// sv or en.
    pub lang: String,
    pub meta: Meta,
    pub sections: Vec<SectionView>,
    /// Documents like this one (more-like-this over its text), at most five.
    pub similar: Vec<RelatedDocument>,
    /// Documents citing the same legal provisions, at most five.
    pub same_refs: Vec<RelatedDocument>,
    /// Answer cards that cite the document: (id, title).
    pub cards: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionView {
    pub heading: Option<String>,
    /// Heading level, 2 to 6 (the lead counts as 2).
    pub level: u8,
    pub anchor: String,
    pub blocks: Vec<Block>,
}

/// A paragraph or a bullet list of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(Marked),
    List(Vec<Marked>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RelatedDocument {
    pub path: String,
    pub title: String,
    pub lang: String,
}

/// What kind of text changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Document,
    Card,
}

/// One entry of "what changed": a document or a card by its review date.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub title: String,
    pub kind: ChangeKind,
    /// The document's path or the card's id.
    pub id: String,
    /// The language of the title.
    pub lang: String,
    /// What changed, in a line (from the text's `changes`); `None` for a text that only gives
    /// its review date.
    pub note: Option<String>,
}

/// The words a link into the corpus (`path#anchor`) is shown with.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkLabel {
    pub path: String,
    pub anchor: Option<String>,
    /// "Document title – Section heading", or the link itself when the index lacks it.
    pub label: String,
}

/// Most related documents listed.
const MAX_RELATED: usize = 5;
/// Most entries of the changes list.
const MAX_CHANGES: usize = 200;

/// A stored text field of a section.
pub(super) fn stored_text(doc: &TantivyDocument, field: Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

impl Engine {
    /// Every document's lead section (ord 0), which holds the document's metadata.
    pub(super) fn lead_sections(&self, searcher: &Searcher) -> Vec<TantivyDocument> {
        let leads = TermQuery::new(
            Term::from_field_u64(self.fields.ord, 0),
            IndexRecordOption::Basic,
        );
        let n = (searcher.num_docs() as usize).max(1);
        searcher
            .search(&leads, &TopDocs::with_limit(n).order_by_score())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(_, addr)| searcher.doc::<TantivyDocument>(addr).ok())
            .collect()
    }

    /// Whether the index holds sections of `path`.
    pub fn has_document(&self, path: &str) -> bool {
        self.reader
            .searcher()
            .doc_freq(&Term::from_field_text(self.fields.path, path))
            .is_ok_and(|n| n > 0)
    }

    /// Every section of one document in order, the words of `query` marked.
    pub fn document(&self, path: &RelPath, query: &str) -> Option<DocumentView> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let mut docs = self.sections_of(&searcher, path.as_str());
        docs.sort_by_key(|d| d.get_first(f.ord).and_then(|v| v.as_u64()).unwrap_or(0));
        let first = docs.first()?;
        let text = |d: &TantivyDocument, field| {
            d.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let meta: Meta = text(first, f.meta)
            .and_then(|m| serde_json::from_str(&m).ok())
            .unwrap_or_default();
        let lang = text(first, f.lang).unwrap_or_else(|| "sv".into());
        let body = if lang == "en" { f.body_en } else { f.body_sv };
        let stems = query_stems(query);
        let sections: Vec<SectionView> = docs
            .iter()
            .map(|d| {
                let level = d.get_first(f.level).and_then(|v| v.as_u64()).unwrap_or(0) as u8;
                SectionView {
                    heading: text(d, f.heading),
                    level: level.clamp(2, 6),
                    anchor: text(d, f.anchor).unwrap_or_default(),
                    blocks: blocks(&text(d, body).unwrap_or_default(), &stems),
                }
            })
            .filter(|s| s.heading.is_some() || !s.blocks.is_empty())
            .collect();
        let whole: String = docs
            .iter()
            .filter_map(|d| text(d, body))
            .collect::<Vec<_>>()
            .join("\n");
        let similar = self.similar(&searcher, path.as_str(), body, &whole);
        let same_refs = self.citing_the_same(&searcher, path.as_str(), &meta.legal_refs);
        let cards = self
            .curated
            .cards
            .iter()
            .filter(|c| {
                c.see
                    .iter()
                    .any(|l| crate::document::split_link(l).0 == path.as_str())
            })
            .map(|c| (c.id.clone(), c.title.clone()))
            .collect();
        Some(DocumentView {
            path: path.to_string(),
            title: text(first, f.title).unwrap_or_default(),
            kind: text(first, f.kind).unwrap_or_default(),
            lang,
            meta,
            sections,
            similar,
            same_refs,
            cards,
        })
    }

    /// The stored sections of a document, in no particular order.
    pub(super) fn sections_of(&self, searcher: &Searcher, path: &str) -> Vec<TantivyDocument> {
        let q = TermQuery::new(
            Term::from_field_text(self.fields.path, path),
            IndexRecordOption::Basic,
        );
        searcher
            .search(&q, &TopDocs::with_limit(100_000).order_by_score())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(_, a)| searcher.doc(a).ok())
            .collect()
    }

    /// The first distinct documents a query finds, leaving out `path`.
    fn related(&self, searcher: &Searcher, query: &dyn Query, path: &str) -> Vec<RelatedDocument> {
        let f = &self.fields;
        let Ok(top) = searcher.search(query, &TopDocs::with_limit(60).order_by_score()) else {
            return Vec::new();
        };
        let mut seen = HashSet::new();
        top.into_iter()
            .filter_map(|(_, a)| searcher.doc::<TantivyDocument>(a).ok())
            .filter_map(|d| {
                let p = d.get_first(f.path)?.as_str()?.to_string();
                let title = d.get_first(f.title)?.as_str()?.to_string();
                let lang = d.get_first(f.lang).and_then(|v| v.as_str()).unwrap_or("sv");
                (p != path && seen.insert(p.clone())).then(|| RelatedDocument {
                    path: p,
                    title,
                    lang: lang.to_string(),
                })
            })
            .take(MAX_RELATED)
            .collect()
    }

    /// Documents like this one: more-like-this over (the first 20 000 characters of) its text.
    fn similar(
        &self,
        searcher: &Searcher,
        path: &str,
        body: Field,
        text: &str,
    ) -> Vec<RelatedDocument> {
        let sample: String = text.chars().take(20_000).collect();
        let mlt = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(1)
            .with_min_term_frequency(2)
            .with_max_query_terms(30)
            .with_min_word_length(4)
            .with_document_fields(vec![(body, vec![OwnedValue::Str(sample)])]);
        self.related(searcher, &mlt, path)
    }

    /// Documents citing any of the provisions the document's metadata names.
    fn citing_the_same(
        &self,
        searcher: &Searcher,
        path: &str,
        legal_refs: &[String],
    ) -> Vec<RelatedDocument> {
        let clauses: Vec<(Occur, Box<dyn Query>)> = legal_refs
            .iter()
            .flat_map(|r| crate::analysis::legal::references(r))
            .filter(|k| !k.contains('/'))
            .map(|k| {
                let q = TermQuery::new(
                    Term::from_field_text(self.fields.refs_cited, &k),
                    IndexRecordOption::Basic,
                );
                (Occur::Should, Box::new(q) as Box<dyn Query>)
            })
            .collect();
        if clauses.is_empty() {
            return Vec::new();
        }
        self.related(searcher, &BooleanQuery::new(clauses), path)
    }

    /// Documents and current cards with a review date, newest first.
    pub fn changes(&self) -> Vec<Change> {
        use crate::curated::common::today_string;
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for d in self.lead_sections(&searcher) {
            let text = |field| stored_text(&d, field);
            let Some(path) = text(f.path) else { continue };
            if !seen.insert(path.clone()) {
                continue;
            }
            let meta: Meta = text(f.meta)
                .and_then(|m| serde_json::from_str(&m).ok())
                .unwrap_or_default();
            let title = text(f.title).unwrap_or_else(|| path.clone());
            let lang = text(f.lang).unwrap_or_else(|| "sv".into());
            let entries = change_entries(&meta.changes, meta.reviewed.as_deref());
            for (date, note) in entries {
                out.push(Change {
                    date,
                    title: title.clone(),
                    kind: ChangeKind::Document,
                    id: path.clone(),
                    lang: lang.clone(),
                    note,
                });
            }
        }
        let today = today_string();
        for c in self.curated.cards.iter().filter(|c| c.is_current(&today)) {
            for (date, note) in change_entries(&c.changes, c.reviewed.as_deref()) {
                out.push(Change {
                    date,
                    title: c.title.clone(),
                    kind: ChangeKind::Card,
                    id: c.id.clone(),
                    lang: "sv".into(),
                    note,
                });
            }
        }
        out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title)));
        out.truncate(MAX_CHANGES);
        out
    }

    /// The label of a link into the corpus: the document's title, and the section's heading
    /// when the link names a section.
    pub fn link_label(&self, link: &str) -> LinkLabel {
        let (path, anchor) = crate::document::split_link(link);
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let mut title = None;
        let mut heading = None;
        for d in self.sections_of(&searcher, path) {
            let text = |field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            title = title.or_else(|| text(f.title));
            if anchor.is_some() && text(f.anchor).as_deref() == anchor {
                heading = text(f.heading);
            }
        }
        let label = match (title, heading) {
            (Some(t), Some(h)) if h != t => format!("{t} – {h}"),
            (Some(t), _) => t,
            (None, _) => link.to_string(),
        };
        LinkLabel {
            path: path.to_string(),
            anchor: anchor.map(str::to_string),
            label,
        }
    }
}

/// A text's entries in the list of changes: one per dated note, or its review date alone when
/// it has none.
fn change_entries(
    changes: &[crate::document::ChangeNote],
    reviewed: Option<&str>,
) -> Vec<(String, Option<String>)> {
    use crate::curated::common::parse_date;
    let noted: Vec<(String, Option<String>)> = changes
        .iter()
        .filter(|c| parse_date(&c.date).is_some())
        .map(|c| (c.date[..10].to_string(), Some(c.note.clone())))
        .collect();
    if !noted.is_empty() {
        return noted;
    }
    reviewed
        .filter(|r| parse_date(r).is_some())
        .map(|r| (r[..10].to_string(), None))
        .into_iter()
        .collect()
}

/// Splits stored section text into paragraphs and bullet lists, the query's words marked.
fn blocks(text: &str, stems: &HashSet<String>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for para in text.split("\n\n") {
        let para = para.trim();
        if para.is_empty() {
            continue;
        }
        if let Some(item) = para.strip_prefix("• ") {
            let item = mark_words(item, stems);
            match out.last_mut() {
                Some(Block::List(items)) => items.push(item),
                _ => out.push(Block::List(vec![item])),
            }
        } else {
            out.push(Block::Paragraph(mark_words(para, stems)));
        }
    }
    out
}

/// The text with white space folded and the words whose Swedish or English stem is in `stems`
/// marked.
pub fn mark_words(text: &str, stems: &HashSet<String>) -> Marked {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut marks: Vec<(usize, usize)> = Vec::new();
    if !stems.is_empty() {
        for analyzer in [crate::analysis::Analyzer::Sv, crate::analysis::Analyzer::En] {
            crate::analysis::with(analyzer, |a| {
                let mut stream = a.token_stream(&text);
                while stream.advance() {
                    let t = stream.token();
                    if stems.contains(&t.text) {
                        marks.push((t.offset_from, t.offset_to));
                    }
                }
            });
        }
    }
    marks.sort_unstable();
    marks.dedup();
    let mut b = MarkedBuilder::default();
    let mut last = 0;
    for (from, to) in marks {
        if from < last || !text.is_char_boundary(from) || !text.is_char_boundary(to) {
            continue;
        }
        b.text(&text[last..from]);
        b.mark(&text[from..to]);
        last = to;
    }
    b.text(&text[last..]);
    b.finish()
}

/// Stems of a query in both languages, for marking.
pub fn query_stems(q: &str) -> HashSet<String> {
    crate::analysis::aligned(super::clip(q))
        .iter()
        .flat_map(|w| w.stems().map(str::to_string).collect::<Vec<_>>())
        .filter(|s| !crate::analysis::is_function_stem(s))
        .collect()
}
