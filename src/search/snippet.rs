//! Snippets: a window of the section text around the query's words, as [`Marked`] text (the
//! matches' ranges marked, "…" where text was cut, white space folded); the front ends mark the
//! ranges their own way. Cuts always fall on character boundaries (windows start and end at word
//! boundaries the analyzer found in the text).
//!
//! The window is chosen as tantivy's `SnippetGenerator` chooses it: the text is cut into
//! consecutive windows of at most [`SNIPPET_CHARS`] bytes, starting at a word; a matched word
//! counts `1 / (1 + sections holding it)`, and the best window wins (the earliest on a tie).
//! Ours runs the thread's warm analyzer and looks each word up in a hash table; tantivy's
//! cloned the analyzer for every snippet and lower-cased every word into a new string before
//! a tree lookup, which was a fifth of the server's CPU under load.

use crate::analysis::{self, Analyzer};
use crate::index::schema::Fields;
use crate::markup::{Marked, MarkedBuilder};
use rustc_hash::FxHashMap as FastMap;
use std::ops::Range;
use tantivy::query::Query;
use tantivy::tokenizer::TokenStream;

const SNIPPET_CHARS: usize = 220;

/// The query's words in one body field, with their weight in choosing a window.
type Weights = FastMap<Box<str>, f32>;

pub struct Snippets {
    sv: Weights,
    en: Weights,
}

impl Snippets {
    pub fn new(searcher: &tantivy::Searcher, query: &dyn Query, f: &Fields) -> Snippets {
        let mut snippets = Snippets {
            sv: Weights::default(),
            en: Weights::default(),
        };
        query.query_terms(&mut |term, _| {
            let weights = if term.field() == f.body_sv {
                &mut snippets.sv
            } else if term.field() == f.body_en {
                &mut snippets.en
            } else {
                return;
            };
            let value = term.value();
            let Some(text) = value.as_str() else {
                return;
            };
            // Function words ("får", "hur") match but are never what a snippet shows as found.
            if weights.contains_key(text) || analysis::is_function_stem(text) {
                return;
            }
            let sections = searcher.doc_freq(term).unwrap_or(0);
            if sections > 0 {
                weights.insert(text.into(), 1.0 / (1.0 + sections as f32));
            }
        });
        snippets
    }

    /// The snippet for a section's text; the section's opening words when nothing matched there.
    pub fn make(&self, body: &str, english: bool) -> Marked {
        let (weights, analyzer) = if english {
            (&self.en, Analyzer::En)
        } else {
            (&self.sv, Analyzer::Sv)
        };
        match best_window(body, weights, analyzer) {
            Some(window) => window.marked(body),
            None => lead(body),
        }
    }
}

/// A stretch of text and the matched words in it (byte ranges of the whole text).
#[derive(Default)]
struct Window {
    score: f32,
    start: usize,
    stop: usize,
    marks: Vec<Range<usize>>,
}

impl Window {
    fn restart(&mut self, start: usize) {
        self.score = 0.0;
        self.start = start;
        self.stop = start;
        self.marks.clear();
    }

    /// Keeps `other` if it scores higher (so the earliest of equal windows stays).
    fn keep_better(&mut self, other: &Window) {
        if other.score > self.score {
            self.score = other.score;
            self.start = other.start;
            self.stop = other.stop;
            self.marks.clone_from(&other.marks);
        }
    }

    /// The window as marked text: matches marked, "…" where the text goes on.
    fn marked(&self, body: &str) -> Marked {
        let mut b = MarkedBuilder::default();
        if self.start > 0 {
            b.text("… ");
        }
        let mut at = self.start;
        for mark in &self.marks {
            b.text(&body[at..mark.start]);
            b.mark(&body[mark.clone()]);
            at = mark.end;
        }
        b.text(&body[at..self.stop]);
        let rest = body[self.stop..].trim();
        if rest.chars().all(|c| c.is_ascii_punctuation()) {
            b.trim_end();
            b.text(rest);
        } else {
            b.text(" …");
        }
        b.finish()
    }
}

/// The best window of `body` for the weighted words, `None` when no word matched.
fn best_window(body: &str, weights: &Weights, analyzer: Analyzer) -> Option<Window> {
    if weights.is_empty() {
        return None;
    }
    let mut best = Window::default();
    let mut current = Window::default();
    analysis::with(analyzer, |a| {
        let mut stream = a.token_stream(body);
        while stream.advance() {
            let token = stream.token();
            if token.offset_to - current.start > SNIPPET_CHARS {
                best.keep_better(&current);
                current.restart(token.offset_from);
            }
            current.stop = token.offset_to;
            if let Some(weight) = weights.get(token.text.as_str()) {
                current.score += weight;
                current.marks.push(token.offset_from..token.offset_to);
            }
        }
    });
    best.keep_better(&current);
    (best.score > 0.0).then_some(best)
}

/// The first words of a text, cut on a character boundary.
pub fn lead(body: &str) -> Marked {
    let out: String = body.chars().take(SNIPPET_CHARS).collect();
    let cut = out.len() < body.len();
    let kept = match out.rfind(' ') {
        Some(i) if cut => &out[..i],
        _ => &out[..],
    };
    let mut b = MarkedBuilder::default();
    b.text(kept);
    if cut {
        b.text(" …");
    }
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weights(words: &[(&str, f32)]) -> Weights {
        words.iter().map(|(w, x)| (Box::from(*w), *x)).collect()
    }

    /// A section text, the query's stems with their weights, and the snippet expected.
    type Case = (&'static str, &'static [(&'static str, f32)], &'static str);

    const CASES: &[Case] = &[
        // Matches are marked with the words as written; the stem finds the inflection.
        (
            "Kommunen får reservera upphandlingen.",
            &[("upphandling", 0.5)],
            "Kommunen får reservera <mark>upphandlingen</mark>.",
        ),
        // Nothing matched: the opening words.
        (
            "Inget här <b>alls</b>.",
            &[("upphandling", 0.5)],
            "Inget här &lt;b&gt;alls&lt;/b&gt;.",
        ),
    ];

    #[test]
    fn snippets_mark_the_query_words() {
        for (text, words, expected) in CASES {
            let snippets = Snippets {
                sv: weights(words),
                en: Weights::default(),
            };
            assert_eq!(snippets.make(text, false).to_html(), *expected, "{text}");
        }
    }

    #[test]
    fn the_best_window_wins_and_the_earliest_of_equals() {
        let filler = "och sedan kommer en lång text om annat ".repeat(8);
        let text = format!("avtal här. {filler} upphandling och avtal. {filler} upphandling sist.");
        let w = weights(&[("upphandling", 0.5), ("avtal", 0.25)]);
        // Both words together beat either alone.
        let best = best_window(&text, &w, Analyzer::Sv).expect("a match");
        let html = best.marked(&text).to_html();
        assert!(html.starts_with("… "), "{html}");
        assert!(
            html.contains("<mark>upphandling</mark> och <mark>avtal</mark>"),
            "{html}"
        );
        // Two windows that score the same: the first is kept.
        let w = weights(&[("upphandling", 0.5)]);
        let best = best_window(&text, &w, Analyzer::Sv).expect("a match");
        let first = text.find("upphandling").unwrap();
        assert!(
            best.start <= first && first < best.stop,
            "{}..{}",
            best.start,
            best.stop
        );
        assert!(best.stop - best.start <= SNIPPET_CHARS);
    }

    /// The window and the marks are the ones tantivy's `SnippetGenerator` picks, on the
    /// paragraphs of the shipped corpus.
    #[test]
    fn windows_are_the_ones_tantivy_picks() {
        use tantivy::query::{BooleanQuery, Occur, TermQuery};
        use tantivy::schema::IndexRecordOption;
        let (schema, f) = crate::index::schema::build();
        let index = tantivy::Index::create_in_ram(schema);
        analysis::register(&index);
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut texts = Vec::new();
        for entry in walkdir::WalkDir::new(corpus).into_iter().flatten() {
            if entry.path().extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                texts.extend(
                    text.split("\n\n")
                        .filter(|p| p.len() > 300)
                        .map(str::to_string),
                );
            }
        }
        assert!(texts.len() > 100, "{} paragraphs", texts.len());
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        for t in &texts {
            let mut d = tantivy::TantivyDocument::default();
            d.add_text(f.body_sv, t);
            writer.add_document(d).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let mut compared = 0;
        for q in [
            "upphandling",
            "reserverade kontrakt",
            "idéburen organisation",
            "avtal LOU kap",
        ] {
            let clauses = analysis::tokens(Analyzer::Sv, q)
                .into_iter()
                .map(|(_, stem)| {
                    let term = tantivy::Term::from_field_text(f.body_sv, &stem);
                    let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
                    (Occur::Should, Box::new(q) as Box<dyn Query>)
                })
                .collect();
            let query = BooleanQuery::new(clauses);
            let mut theirs =
                tantivy::snippet::SnippetGenerator::create(&searcher, &query, f.body_sv).unwrap();
            theirs.set_max_num_chars(SNIPPET_CHARS);
            let ours = Snippets::new(&searcher, &query, &f);
            for t in &texts {
                let expected = theirs.snippet(t);
                let got = best_window(t, &ours.sv, Analyzer::Sv);
                match got {
                    None => assert!(expected.is_empty(), "{q}: {t}"),
                    Some(w) => {
                        let range = expected.fragment_range();
                        assert_eq!(w.start..w.stop, range, "{q}: {t}");
                        let marks: Vec<_> = expected
                            .highlighted()
                            .iter()
                            .map(|m| m.start + range.start..m.end + range.start)
                            .collect();
                        assert_eq!(w.marks, marks, "{q}: {t}");
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 50, "{compared} snippets compared");
    }

    #[test]
    fn lead_is_escaped_and_cut_on_chars() {
        let body = "<b>å</b> ".repeat(100);
        let l = lead(&body).to_html();
        assert!(l.starts_with("&lt;b&gt;å&lt;/b&gt;"));
        assert!(l.ends_with('…'));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    proptest! {
        /// Any text becomes a snippet with no markup of its own and cut on a character boundary.
        #[test]
        fn lead_is_inert(text in "\\PC{0,600}") {
            let html = super::lead(&text).to_html();
            prop_assert!(!html.contains('<') && !html.contains('>'));
            prop_assert!(html.chars().count() <= super::SNIPPET_CHARS * 6 + 2);
        }
    }
}
