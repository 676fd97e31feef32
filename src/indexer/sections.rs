//! Documents and cards as tantivy documents: one per section, with the analysed fields
//! (compound parts, folded words, legal references cited and the provision a statute section
//! is) and the filter values (facets) on each document's lead section.

use crate::analysis::legal;
use crate::curated::cards::Card;
use crate::document::{Document, Kind};
use crate::index::schema::Fields;
use std::collections::BTreeSet;
use tantivy::TantivyDocument;

/// Turns a document into one tantivy document per section.
pub fn to_tantivy(doc: &Document, f: &Fields) -> Vec<TantivyDocument> {
    let law = legal::law_of_title(&doc.title);
    let mut cited: BTreeSet<String> = BTreeSet::new();
    for r in &doc.meta.legal_refs {
        cited.extend(legal::references(r));
    }
    let title_refs = legal::references(&doc.title);
    let context_law = match &doc.meta.statute {
        Some(s) => crate::law::law_of_sfs(&s.sfs),
        None => crate::law::cite::main_law(&doc.meta.legal_refs),
    };
    let context = crate::law::cite::Context {
        law: context_law,
        chapter: None,
    };
    for r in &doc.meta.legal_refs {
        cited.extend(range_keys(r, &context));
    }
    let meta_json = serde_json::to_string(&doc.meta).expect("meta serialises");
    let facets = document_facets(doc);
    let (title_f, trail_f, body_f) = match doc.lang {
        crate::document::Lang::Sv => (f.title_sv, f.trail_sv, f.body_sv),
        crate::document::Lang::En => (f.title_en, f.trail_en, f.body_en),
    };
    let mut out = Vec::with_capacity(doc.sections.len());
    for (ord, s) in doc.sections.iter().enumerate() {
        let mut t = TantivyDocument::default();
        t.add_text(f.path, doc.path.as_str());
        t.add_text(f.kind, doc.kind_name());
        t.add_text(f.lang, doc.lang.as_str());
        t.add_text(f.title, &doc.title);
        // The summary, like the title, says what the whole document is about, in its editor's
        // words: both are the title field of every section. (On the lead section alone it moved
        // nothing in the relevance suites; as a field of its own, weighed like the title, it
        // ranked the same and cost a fourth lookup per word.)
        t.add_text(title_f, &doc.title);
        if let Some(summary) = &doc.meta.summary {
            t.add_text(title_f, summary);
        }
        match s.trail_label() {
            Some(label) => {
                t.add_text(f.section, &label);
                t.add_text(trail_f, &label);
            }
            // A document's lead (text before its first heading) is about its title.
            None => t.add_text(trail_f, &doc.title),
        }
        if let Some(h) = &s.heading {
            t.add_text(f.heading, h);
        }
        t.add_text(body_f, &s.text);
        t.add_text(f.body_exact, &s.text);
        let summary = doc.meta.summary.as_deref().unwrap_or("");
        let all = format!(
            "{}\n{}\n{}\n{summary}",
            doc.title,
            s.trail.join(" "),
            s.text
        );
        // "barn- och ungdomsverksamhet" also holds the parts of "barnverksamhet".
        let all = crate::analysis::compound::expand_hanging_hyphens(&all).into_owned();
        let (fold, parts) = fold_and_parts(&all);
        t.add_text(f.fold, fold);
        t.add_text(f.parts, parts);
        t.add_text(f.anchor, &s.anchor);
        if let Some(act) = &s.amended {
            t.add_text(f.amended, act);
        }
        t.add_u64(f.level, s.level as u64);
        t.add_u64(f.ord, ord as u64);
        // The provisions a section is (statute ladder) or is about (a heading naming them).
        let mut about: BTreeSet<String> = BTreeSet::new();
        if doc.kind != Kind::Pdf {
            let provision = legal::provision_of_trail(&s.trail, law);
            // A statute's own paragraph, told apart from the texts about it: a query for the
            // paragraph finds the statute's text first.
            if doc.meta.statute.is_some() {
                about.extend(provision.iter().map(|k| legal::own_text(k)));
            }
            about.extend(provision);
            about.extend(legal::chapter_of_trail(&s.trail, law));
            // A statute's lead section is the law itself ("SFS 2016:1145").
            if ord == 0 {
                about.extend(law.and_then(legal::sfs_of_law));
            }
        }
        match s.trail_label() {
            Some(label) => about.extend(legal::references(&label)),
            // A document's lead is about its title, the provisions it names included
            // ("Reserverade kontrakt enligt LOU 4 kap. 18 §").
            None => about.extend(title_refs.iter().cloned()),
        }
        // A document whose title names a case, bill or law is about it in every section.
        about.extend(
            title_refs
                .iter()
                .filter(|r| {
                    !r.contains(':')
                        || r.starts_with("hfd")
                        || r.starts_with("ra")
                        || r.starts_with("sfs")
                        || r.starts_with("prop")
                })
                .cloned(),
        );
        for r in &about {
            t.add_text(f.refs_is, r);
        }
        let mut refs = cited.clone();
        refs.extend(legal::references(&s.text));
        // Every paragraph of a range or list the text cites ("16 kap. 1–4 §§" cites 16:3 too),
        // so a query for one paragraph finds the texts that cite it inside a range.
        refs.extend(range_keys(&s.text, &context));
        for r in &refs {
            t.add_text(f.refs_cited, r);
        }
        // Document metadata is stored once, with the lead section (every page reads it there).
        if ord == 0 {
            t.add_text(f.meta, &meta_json);
        }
        // Filter values are the document's: written once, with the lead section. Counts and
        // filters read them from there through `search::table` (on every section they were
        // 3.3 % of a build's instructions).
        if ord == 0 {
            for facet in &facets {
                t.add_facet(f.facets, facet.clone());
            }
        }
        out.push(t);
    }
    out
}

/// The search keys (`16:3`, `lou/16:3`) of every paragraph a text cites, ranges and lists
/// spelled out.
fn range_keys(text: &str, context: &crate::law::cite::Context<'_>) -> Vec<String> {
    // A paragraph is cited with "§" or as "4:18": a text with neither cites none, and the
    // citation parser's patterns were 14 % of a build's CPU when run on every section.
    let colon_between_digits = text
        .as_bytes()
        .windows(3)
        .any(|w| w[1] == b':' && w[0].is_ascii_digit() && w[2].is_ascii_digit());
    if !text.contains('§') && !colon_between_digits {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (sfs, chapter, paragraph) in crate::law::cite::paragraphs_cited(text, *context) {
        let Some(chapter) = chapter else { continue };
        let key = format!("{chapter}:{paragraph}");
        if let Some(law) = legal::key_of_sfs(&sfs) {
            out.push(format!("{law}/{key}"));
        }
        out.push(key);
    }
    out
}

/// The filter values of a document: topics, audiences, language, format, source folder, year,
/// and a statute's law.
pub fn document_facets(doc: &Document) -> Vec<tantivy::schema::Facet> {
    use tantivy::schema::Facet;
    let mut out = Vec::new();
    let mut push = |kind: &str, value: &str| {
        let value = value.trim();
        if !value.is_empty() && !value.contains('/') {
            out.push(Facet::from_path([kind, value]));
        }
    };
    for t in &doc.meta.topics {
        push("topic", t);
    }
    for a in &doc.meta.audience {
        push("audience", a);
    }
    push("lang", doc.lang.as_str());
    push("format", doc.kind_name());
    let source = doc
        .path
        .as_str()
        .split_once('/')
        .map_or("(rot)", |(first, _)| first);
    push("source", source);
    // A statute's law (`lou`, `luf`, ...): never shown as a filter, read by the ranking
    // ([`crate::analysis::legal::SECTOR_LAWS`]).
    if let Some(law) = doc
        .meta
        .statute
        .as_ref()
        .and_then(|s| legal::key_of_sfs(&s.sfs))
    {
        push("law", law);
    }
    if let Some(year) = doc
        .meta
        .reviewed
        .as_deref()
        .and_then(|r| r.get(..4))
        .filter(|y| y.chars().all(|c| c.is_ascii_digit()))
    {
        push("year", year);
    }
    out
}

/// The inputs of the `fold` and `parts` fields, from one pass over the words of a text:
/// - `fold`: the words that have a letter beyond ASCII (å, ä, ö, é, ...); a word typed in
///   ASCII that is written in ASCII is found as it stands;
/// - `parts`: the parts of its compounds ([`crate::analysis::compound::Dictionary::parts_text`]).
fn fold_and_parts(text: &str) -> (String, String) {
    let mut fold = String::new();
    let words = crate::analysis::words::spans(text).map(|(_, word)| {
        if !word.is_ascii() {
            fold.push_str(word);
            fold.push(' ');
        }
        word
    });
    let parts = crate::analysis::compound::dictionary().parts_of_words(words);
    (fold, parts)
}

/// An answer card as a tantivy document: title, triggers (as the trail) and answer, analysed
/// like documents; triggers also go through the English analyzer for English phrasings.
pub fn card_doc(card: &Card, f: &Fields) -> TantivyDocument {
    let mut t = TantivyDocument::default();
    t.add_text(f.path, &card.file);
    t.add_text(f.kind, "card");
    t.add_text(f.lang, "sv");
    t.add_text(f.title, &card.title);
    t.add_text(f.title_sv, &card.title);
    let triggers = card.triggers.join("\n");
    t.add_text(f.trail_sv, &triggers);
    t.add_text(f.trail_en, &triggers);
    t.add_text(f.body_sv, &card.answer);
    t.add_text(f.body_exact, card.match_text());
    let (fold, parts) = fold_and_parts(&card.match_text());
    t.add_text(f.fold, fold);
    t.add_text(f.parts, parts);
    t.add_text(f.anchor, &card.id);
    for r in legal::references(&card.match_text()) {
        t.add_text(f.refs_is, &r);
    }
    t
}
