//! Builds a tantivy query from a user's text, from the analyzers' tokens (never through
//! tantivy's query parser, so every string is a valid query). For each word, the best of:
//!
//! | match | field | weight |
//! |---|---|---|
//! | stemmed, in the title / heading trail / text | `title_*`, `trail_*`, `body_*` | 3 / 2 / 1 |
//! | the parts of a compound, or a word inside compounds (rare words only) | `parts` | 0.6 / 0.35 |
//! | typed without å/ä/ö | `fold` | 0.4 |
//!
//! (a disjunction-max with a 0.3 tie-breaker, so a word in the title and the text beats the text
//! alone), plus a phrase bonus when the words stand together in their exact forms
//! (`body_exact`), the lexicon's alternatives (synonyms, abbreviations, English → Swedish) as
//! whole-phrase alternatives at 0.8, and legal references matched as normalised keys (the
//! provision a section is: ×8, sections citing it: ×1.5).

use crate::analysis::{self, compound, legal, lexicon::Lexicon};
use crate::index::schema::Fields;
use std::collections::HashMap;
use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

pub fn term_query(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    let q = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    );
    Box::new(BoostQuery::new(Box::new(q), boost))
}

/// The analyzed words of a text: position → (exact form, Swedish stem, English stem).
pub struct Words {
    pub items: Vec<(usize, String, Option<String>, Option<String>)>,
}

impl Words {
    pub fn of(text: &str) -> Words {
        let sv: HashMap<usize, String> = analysis::tokens(analysis::Analyzer::Sv, text)
            .into_iter()
            .collect();
        let en: HashMap<usize, String> = analysis::tokens(analysis::Analyzer::En, text)
            .into_iter()
            .collect();
        let items = analysis::tokens(analysis::Analyzer::Exact, text)
            .into_iter()
            .take(super::MAX_QUERY_WORDS)
            .map(|(p, w)| (p, w, sv.get(&p).cloned(), en.get(&p).cloned()))
            .collect();
        Words { items }
    }

    pub fn exact(&self) -> Vec<String> {
        self.items.iter().map(|(_, w, _, _)| w.clone()).collect()
    }
}

/// The clause for one word: the best of its matches over all fields. `df` gives the number of
/// sections holding a term.
fn word_clause(
    f: &Fields,
    word: &str,
    sv: Option<&str>,
    en: Option<&str>,
    df: &dyn Fn(Field, &str) -> u64,
) -> Box<dyn Query> {
    let mut alts: Vec<Box<dyn Query>> = Vec::new();
    if let Some(s) = sv {
        alts.push(term_query(f.title_sv, s, 3.0));
        alts.push(term_query(f.trail_sv, s, 2.0));
        alts.push(term_query(f.body_sv, s, 1.0));
    }
    if let Some(e) = en {
        alts.push(term_query(f.title_en, e, 3.0));
        alts.push(term_query(f.trail_en, e, 2.0));
        alts.push(term_query(f.body_en, e, 1.0));
    }
    // The exact word form is not an alternative of its own: a section with the exact form has
    // the stem too, and the exact form's posting list was a third of a query's postings. Taken
    // out, the relevance suite, the card cases and the user questions gave the same results
    // (nDCG@10 0.798 both ways) for 8.7 % fewer instructions per query. Exact forms still count
    // in the phrase bonus. (`body_exact` holds no stop words: see `analysis::PHRASE`.)
    let stop_word = analysis::is_stop_word(word);
    // Letters restored for a word typed without å/ä/ö, where the words written with them are
    // more common than the word as typed: otherwise the typed word is meant as it stands.
    let folded: String = analysis::tokens(analysis::Analyzer::Fold, word)
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    if !folded.is_empty() && folded == word && df(f.fold, &folded) > df(f.body_exact, word) {
        alts.push(term_query(f.fold, &folded, 0.4));
    }
    // Compound parts, and the word inside other compounds, only for a word that is rare as
    // written: a common word's own sections fill every page before a parts-only match would
    // show, while the parts' long posting lists doubled the cost of the query (measured on
    // 132 000 sections; the relevance suite is unchanged).
    let rare = match sv {
        Some(s) => df(f.body_sv, s) < COMMON_WORD_SECTIONS,
        None => !stop_word && df(f.body_exact, word) < COMMON_WORD_SECTIONS,
    };
    if !rare {
        return Box::new(DisjunctionMaxQuery::with_tie_breaker(alts, 0.3));
    }
    match compound::dictionary().split(word) {
        Some(parts) => {
            let stems: Vec<String> = parts
                .iter()
                .flat_map(|p| {
                    analysis::tokens(analysis::Analyzer::Sv, p)
                        .into_iter()
                        .map(|(_, t)| t)
                })
                .collect();
            if stems.len() >= 2 {
                // Each part in the section: as a word of its own in the text, or inside a
                // compound anywhere (title and headings included).
                let must: Vec<(Occur, Box<dyn Query>)> = stems
                    .iter()
                    .map(|s| {
                        let anywhere =
                            vec![term_query(f.body_sv, s, 1.0), term_query(f.parts, s, 1.0)];
                        (
                            Occur::Must,
                            Box::new(DisjunctionMaxQuery::new(anywhere)) as Box<dyn Query>,
                        )
                    })
                    .collect();
                alts.push(Box::new(BoostQuery::new(
                    Box::new(BooleanQuery::new(must)),
                    0.6 / stems.len() as f32,
                )));
            }
        }
        None => {
            if let Some(s) = sv {
                alts.push(term_query(f.parts, s, 0.35));
            }
        }
    }
    Box::new(DisjunctionMaxQuery::with_tie_breaker(alts, 0.3))
}

/// A word found as written in at least this many sections is not also looked for through
/// compound parts.
const COMMON_WORD_SECTIONS: u64 = 500;

/// Words of a recognised legal reference ("4", "kap", "18", "a") are matched as the reference.
fn part_of_reference(word: &str) -> bool {
    word.chars().all(|c| c.is_ascii_digit())
        || word.len() == 1
        || word.starts_with("kap")
        || word == "ref"
        || word == "prop"
        || word == "sfs"
        || word == "hfd"
}

/// All content words of a phrase required (used for lexicon alternatives), with their count.
fn phrase_clause(
    f: &Fields,
    words: &Words,
    df: &dyn Fn(Field, &str) -> u64,
) -> Option<(Box<dyn Query>, usize)> {
    let must: Vec<(Occur, Box<dyn Query>)> = words
        .items
        .iter()
        .filter(|(_, _, s, e)| s.is_some() || e.is_some())
        .map(|(_, w, s, e)| {
            (
                Occur::Must,
                word_clause(f, w, s.as_deref(), e.as_deref(), df),
            )
        })
        .collect();
    let n = must.len();
    if must.is_empty() {
        None
    } else {
        Some((Box::new(BooleanQuery::new(must)), n))
    }
}

/// Whether the query reads as English: more English than Swedish stop words, or English
/// lexicon terms and no Swedish stop word. Words of a legal reference do not count: the "a" of
/// "19 kap. 25 a §" is not the English article.
fn is_english(words: &Words, lexicon: &Lexicon, of_reference: &dyn Fn(&str) -> bool) -> bool {
    let counted = || words.items.iter().filter(|(_, w, _, _)| !of_reference(w));
    let english_stops = counted()
        .filter(|(_, _, s, e)| s.is_some() && e.is_none())
        .count();
    let swedish_stops = counted()
        .filter(|(_, _, s, e)| s.is_none() && e.is_some())
        .count();
    english_stops > swedish_stops || (swedish_stops == 0 && lexicon.is_english_term(&words.exact()))
}

/// Whether a user's text reads as English (the rule [`build`] weighs English fields by).
pub fn reads_english(lexicon: &Lexicon, raw: &str) -> bool {
    let text = super::clip(raw);
    let refs = legal::references(text);
    is_english(&Words::of(text), lexicon, &reference_word(&refs))
}

/// Whether a query word belongs to one of its legal references (`refs`): "kap", a number, the
/// letter of "25 a §", or a law named with a provision ("4 kap. 18 § LOU" → `lou/4:18`), which
/// as a word would match half the corpus.
fn reference_word(refs: &[String]) -> impl Fn(&str) -> bool + '_ {
    let laws: Vec<&str> = refs
        .iter()
        .filter_map(|r| r.split_once('/'))
        .map(|(l, _)| l)
        .collect();
    move |word: &str| !refs.is_empty() && (part_of_reference(word) || laws.contains(&word))
}

/// See the module docs.
pub fn build(
    f: &Fields,
    lexicon: &Lexicon,
    raw: &str,
    df: &dyn Fn(Field, &str) -> u64,
) -> Option<Box<dyn Query>> {
    let text = super::clip(raw);
    let words = Words::of(text);
    let refs = legal::references(text);
    let exact = words.exact();
    let spans = lexicon.spans(&exact);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut phrase_terms = Vec::new();
    let of_reference = reference_word(&refs);
    let english = is_english(&words, lexicon, &of_reference);
    let mut per_word: Vec<Option<Box<dyn Query>>> = Vec::with_capacity(words.items.len());
    for (pos, word, sv, en) in &words.items {
        if of_reference(word) || (sv.is_none() && en.is_none()) {
            per_word.push(None);
            continue;
        }
        // An English query weighs the English fields double, so English documents come first.
        let clause = if english {
            let q = word_clause(f, word, sv.as_deref(), en.as_deref(), df);
            let en_first = en.as_deref().map(|e| {
                Box::new(BoostQuery::new(
                    Box::new(DisjunctionMaxQuery::with_tie_breaker(
                        vec![
                            term_query(f.title_en, e, 3.0),
                            term_query(f.trail_en, e, 2.0),
                            term_query(f.body_en, e, 1.0),
                        ],
                        0.3,
                    )),
                    2.0,
                )) as Box<dyn Query>
            });
            match en_first {
                Some(e) => Box::new(DisjunctionMaxQuery::with_tie_breaker(vec![q, e], 0.0))
                    as Box<dyn Query>,
                None => q,
            }
        } else {
            word_clause(f, word, sv.as_deref(), en.as_deref(), df)
        };
        per_word.push(Some(clause));
        // A stop word's place in a phrase is left empty, as the index leaves it.
        if !analysis::is_stop_word(word) {
            phrase_terms.push((*pos, Term::from_field_text(f.body_exact, word)));
        }
    }
    // A lexicon phrase is one slot: the best of the words as typed and each alternative, the
    // alternative scaled to the number of words it stands for.
    for (start, len, alts) in &spans {
        if exact[*start..*start + *len].iter().all(|w| of_reference(w)) {
            continue;
        }
        let typed: Vec<(Occur, Box<dyn Query>)> = per_word[*start..*start + *len]
            .iter_mut()
            .filter_map(|c| c.take())
            .map(|c| (Occur::Should, c))
            .collect();
        let mut options: Vec<Box<dyn Query>> = Vec::new();
        if !typed.is_empty() {
            options.push(Box::new(BooleanQuery::new(typed)));
        }
        // Alternatives that differ only in inflection ("lagen om …" / "lag om …") stem alike
        // and would match the same sections again: the first of them stands for all.
        let mut seen: Vec<Vec<String>> = Vec::new();
        for alt in alts {
            let words = Words::of(alt);
            let stems: Vec<String> = words
                .items
                .iter()
                .map(|(_, w, s, _)| analysis::fold(s.as_deref().unwrap_or(w)))
                .collect();
            if seen.contains(&stems) {
                continue;
            }
            seen.push(stems);
            if let Some((q, n)) = phrase_clause(f, &words, df) {
                // English queries keep their English documents first: the Swedish translations
                // count half as much (0.4 since the folded and compound-part fields stopped
                // holding every word, which had lifted English documents; English nDCG
                // 0.711 → 0.742 on tests/relevance).
                let weight = if english { 0.4 } else { 0.8 } * (*len as f32).max(1.0) / n as f32;
                options.push(Box::new(BoostQuery::new(q, weight)));
            }
        }
        if !options.is_empty() {
            clauses.push((
                Occur::Should,
                Box::new(DisjunctionMaxQuery::with_tie_breaker(options, 0.1)),
            ));
        }
    }
    clauses.extend(per_word.into_iter().flatten().map(|c| (Occur::Should, c)));
    // Two words that the texts write as one compound ("avtals spärr" → "avtalsspärr").
    for pair in words.items.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if b.0 != a.0 + 1 || a.1.chars().count() < 3 || b.1.chars().count() < 3 {
            continue;
        }
        let joined = [format!("{}{}", a.1, b.1), format!("{}s{}", a.1, b.1)]
            .into_iter()
            .find(|j| df(f.body_exact, j) > 0);
        if let Some(j) = joined {
            let (s, e) = (
                analysis::tokens(analysis::Analyzer::Sv, &j),
                analysis::tokens(analysis::Analyzer::En, &j),
            );
            let s = s.first().map(|(_, t)| t.clone());
            let e = e.first().map(|(_, t)| t.clone());
            clauses.push((
                Occur::Should,
                word_clause(f, &j, s.as_deref(), e.as_deref(), df),
            ));
        }
    }
    if phrase_terms.len() >= 2 {
        let first = phrase_terms[0].0;
        let terms = phrase_terms
            .into_iter()
            .map(|(p, t)| (p - first, t))
            .collect();
        let phrase = PhraseQuery::new_with_offset_and_slop(terms, 2);
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(phrase), 2.0)),
        ));
    }
    let qualified = refs.iter().any(|r| r.contains('/'));
    for key in &refs {
        // With a law named ("19 kap. LOU"), only that law's provision counts as the section itself.
        let is_boost = if qualified && !key.contains('/') {
            1.0
        } else {
            8.0
        };
        clauses.push((Occur::Should, term_query(f.refs_is, key, is_boost)));
        clauses.push((Occur::Should, term_query(f.refs_cited, key, 1.5)));
    }
    if clauses.is_empty() {
        return None;
    }
    let core: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
    if !english {
        return Some(core);
    }
    // English documents first for English queries: a constant bonus for matching sections.
    let english_docs = tantivy::query::ConstScoreQuery::new(
        Box::new(TermQuery::new(
            Term::from_field_text(f.lang, "en"),
            IndexRecordOption::Basic,
        )),
        ENGLISH_BONUS,
    );
    Some(Box::new(BooleanQuery::new(vec![
        (Occur::Must, core),
        (Occur::Should, Box::new(english_docs)),
    ])))
}

/// Score added to English sections for a query that reads as English.
const ENGLISH_BONUS: f32 = 12.0;
