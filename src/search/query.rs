//! Builds a tantivy query from a user's text, from the analyzers' tokens (never through
//! tantivy's query parser, so every string is a valid query). For each word, the best of:
//!
//! | match | field | weight |
//! |---|---|---|
//! | stemmed, in the title and summary / heading trail / text | `title_*`, `trail_*`, `body_*` | 3 / 2 / 1 |
//! | the verb of a noun in -ation ("reservation": "reservera"); as a compound part, like the noun | as above | ×0.5 |
//! | the parts of a compound standing together, in either order (rare words only) | `body_sv` | 1 |
//! | the parts of a compound, or a word inside compounds (rare words only) | `parts` | 0.6 / 0.35 |
//! | typed without å/ä/ö | `fold` | 0.4 |
//!
//! (a disjunction-max with a 0.3 tie-breaker, so a word in the title and the text beats the text
//! alone), plus a phrase bonus when the words stand together in their exact forms
//! (`body_exact`), the lexicon's alternatives (synonyms, abbreviations, English → Swedish) as
//! whole-phrase alternatives at 0.8, and legal references matched as normalised keys (the
//! provision a section is: ×8, sections citing it: ×1.5).

use crate::analysis::{self, Word, compound, legal, lexicon::Lexicon};
use crate::index::schema::Fields;
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

/// A lexicon phrase found in a query: (first word, number of words, alternatives).
type Span = (usize, usize, Vec<String>);

/// The analyzed words of a query (at most [`super::MAX_QUERY_WORDS`]).
pub struct Words {
    pub items: Vec<Word>,
}

impl Words {
    pub fn of(text: &str) -> Words {
        let mut items = analysis::aligned(text);
        items.truncate(super::MAX_QUERY_WORDS);
        Words { items }
    }

    pub fn exact(&self) -> Vec<String> {
        self.items.iter().map(|w| w.exact.clone()).collect()
    }
}

/// A stem in the title (and summary) (×3), the heading trail (×2) and the text (×1) of one
/// language.
fn stem_clauses(fields: [Field; 3], stem: &str) -> [Box<dyn Query>; 3] {
    let [title, trail, body] = fields;
    [
        term_query(title, stem, 3.0),
        term_query(trail, stem, 2.0),
        term_query(body, stem, 1.0),
    ]
}

/// The clause for one word: the best of its matches over all fields. `df` gives the number of
/// sections holding a term.
fn word_clause(f: &Fields, w: &Word, df: &dyn Fn(Field, &str) -> u64) -> Box<dyn Query> {
    let (word, sv) = (w.exact.as_str(), w.sv.as_deref());
    let mut alts: Vec<Box<dyn Query>> = Vec::new();
    if let Some(s) = sv {
        alts.extend(stem_clauses([f.title_sv, f.trail_sv, f.body_sv], s));
        // A noun in -ation also finds its verb ("reservation": "reservera"), at half weight.
        if let Some(verb) = analysis::verb_of_noun(s) {
            alts.extend(
                stem_clauses([f.title_sv, f.trail_sv, f.body_sv], &verb)
                    .map(|q| Box::new(BoostQuery::new(q, DERIVED)) as Box<dyn Query>),
            );
        }
    }
    if let Some(e) = &w.en {
        alts.extend(stem_clauses([f.title_en, f.trail_en, f.body_en], e));
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
                // A noun part also stands for its verb: "arbetsintegrationsföretag" in
                // "arbetsintegrerande företag", "reservationsmöjlighet" in "möjlighet att
                // reservera".
                let verbs: Vec<Option<String>> =
                    stems.iter().map(|s| analysis::verb_of_noun(s)).collect();
                let must: Vec<(Occur, Box<dyn Query>)> = stems
                    .iter()
                    .zip(&verbs)
                    .map(|(s, verb)| {
                        let mut anywhere =
                            vec![term_query(f.body_sv, s, 1.0), term_query(f.parts, s, 1.0)];
                        if let Some(verb) = verb {
                            anywhere.push(term_query(f.body_sv, verb, 1.0));
                            anywhere.push(term_query(f.parts, verb, 1.0));
                        }
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
                // The parts standing together in the text, in either order and in any
                // inflection ("socialhänsyn" in "sociala hänsyn", "hållbarhetskrav" in "krav på
                // hållbarhet"): the compound written apart, worth the word itself in the text.
                let mut spellings = vec![stems.clone()];
                if verbs.iter().any(Option::is_some) {
                    spellings.push(
                        stems
                            .iter()
                            .zip(&verbs)
                            .map(|(s, v)| v.clone().unwrap_or_else(|| s.clone()))
                            .collect(),
                    );
                }
                let orders = spellings
                    .into_iter()
                    .flat_map(|s| [s.clone(), s.into_iter().rev().collect::<Vec<_>>()]);
                for order in orders {
                    let terms = order
                        .iter()
                        .map(|s| Term::from_field_text(f.body_sv, s))
                        .collect();
                    let mut together = PhraseQuery::new(terms);
                    together.set_slop(PARTS_SLOP);
                    alts.push(Box::new(BoostQuery::new(
                        Box::new(together),
                        PARTS_TOGETHER,
                    )));
                }
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

/// Weight of the verb a query's -ation noun comes from against the noun itself. (No query of
/// the tuning suite has such a noun standing alone: 0, 0.5 and 1 gave the same 0.852.)
const DERIVED: f32 = 0.5;

/// Weight of a compound's parts found together in the text ([`PARTS_SLOP`] words apart at
/// most): that of the word itself in the text. (Tuning suite 0.833 at 0.5, 1 and 2 alike.)
const PARTS_TOGETHER: f32 = 1.0;
const PARTS_SLOP: u32 = 3;

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
        .filter(|w| w.sv.is_some() || w.en.is_some())
        .map(|w| (Occur::Must, word_clause(f, w, df)))
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
/// "19 kap. 25 a §" is not the English article; nor do the words of a domain phrase.
fn is_english(
    words: &Words,
    lexicon: &Lexicon,
    spans: &[Span],
    of_reference: &dyn Fn(&str) -> bool,
) -> bool {
    // Words inside a domain phrase are not stop words: the "de" of "de minimis".
    let mut in_phrase = vec![false; words.items.len()];
    for (start, len, _) in spans {
        if *len > 1 {
            in_phrase[*start..*start + *len]
                .iter_mut()
                .for_each(|p| *p = true);
        }
    }
    let counted = || {
        words
            .items
            .iter()
            .enumerate()
            .filter(|(i, w)| !of_reference(&w.exact) && !in_phrase[*i])
            .map(|(_, w)| w)
    };
    let english_stops = counted()
        .filter(|w| w.sv.is_some() && w.en.is_none())
        .count();
    let swedish_stops = counted()
        .filter(|w| w.sv.is_none() && w.en.is_some())
        .count();
    english_stops > swedish_stops || (swedish_stops == 0 && lexicon.is_english_term(&words.exact()))
}

/// Whether a user's text reads as English (the rule [`build`] weighs English fields by).
pub fn reads_english(lexicon: &Lexicon, raw: &str) -> bool {
    let text = super::clip(raw);
    let refs = legal::references(text);
    let words = Words::of(text);
    let spans = lexicon.spans(&words.exact());
    is_english(&words, lexicon, &spans, &reference_word(&refs))
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

/// What every step of [`build`] reads: the fields, the document frequencies and whether the
/// query reads as English.
struct Builder<'a> {
    f: &'a Fields,
    df: &'a dyn Fn(Field, &str) -> u64,
    english: bool,
}

/// See the module docs.
pub fn build(
    f: &Fields,
    lexicon: &Lexicon,
    raw: &str,
    df: &dyn Fn(Field, &str) -> u64,
) -> Option<Box<dyn Query>> {
    let expanded = compound::expand_hanging_hyphens(super::clip(raw));
    let text = expanded.as_ref();
    let words = Words::of(text);
    let refs = legal::references(text);
    let of_reference = reference_word(&refs);
    let spans = lexicon.spans(&words.exact());
    let b = Builder {
        f,
        df,
        english: is_english(&words, lexicon, &spans, &of_reference),
    };
    let mut per_word = b.word_clauses(&words, &of_reference);
    let mut clauses = b.lexicon_clauses(&words, &spans, &mut per_word, &of_reference);
    clauses.extend(per_word.into_iter().flatten().map(|c| (Occur::Should, c)));
    clauses.extend(b.joined_words(&words));
    clauses.extend(b.phrase_bonus(&words, &of_reference));
    clauses.extend(b.question_heading(text, &words, &of_reference));
    clauses.extend(b.reference_clauses(&refs));
    // A query that only names a law ("LOU") finds the statute itself first: its lead section
    // is about `sfs:2016:1145`.
    if let Some(key) = legal::law_named(text).and_then(legal::sfs_of_law) {
        clauses.push((Occur::Should, term_query(f.refs_is, &key, LAW_NAMED)));
    }
    if clauses.is_empty() {
        return None;
    }
    let core: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
    if !b.english {
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

impl Builder<'_> {
    /// For a question ("får vi reservera upphandlingen av skolmåltider?"): sections whose
    /// heading trail holds at least two of its content words, so the passage headed by a
    /// similar question ("Får vi reservera …?") rises above texts that merely share words.
    fn question_heading(
        &self,
        text: &str,
        words: &Words,
        of_reference: &dyn Fn(&str) -> bool,
    ) -> Option<(Occur, Box<dyn Query>)> {
        let asks = text.trim_end().ends_with('?')
            || words
                .items
                .first()
                .is_some_and(|w| QUESTION_WORDS.contains(&w.exact.as_str()));
        if !asks {
            return None;
        }
        let mut terms: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for w in &words.items {
            if of_reference(&w.exact) {
                continue;
            }
            if let Some(sv) = w.sv.as_deref().filter(|s| !analysis::is_function_stem(s)) {
                terms.push((Occur::Should, term_query(self.f.trail_sv, sv, 1.0)));
            }
            if let Some(en) = w.en.as_deref().filter(|s| !analysis::is_function_stem(s)) {
                terms.push((Occur::Should, term_query(self.f.trail_en, en, 1.0)));
            }
        }
        if terms.len() < 3 {
            return None;
        }
        let matched = BooleanQuery::with_minimum_required_clauses(terms, 2);
        Some((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(matched), QUESTION_HEADING)),
        ))
    }

    /// One clause per word (`None` for words of a legal reference and stop words of both
    /// languages). An English query weighs the English fields double, so English documents
    /// come first.
    fn word_clauses(
        &self,
        words: &Words,
        of_reference: &dyn Fn(&str) -> bool,
    ) -> Vec<Option<Box<dyn Query>>> {
        let f = self.f;
        words
            .items
            .iter()
            .map(|w| {
                if of_reference(&w.exact) || (w.sv.is_none() && w.en.is_none()) {
                    return None;
                }
                let q = word_clause(f, w, self.df);
                let en_first = w.en.as_deref().filter(|_| self.english).map(|e| {
                    Box::new(BoostQuery::new(
                        Box::new(DisjunctionMaxQuery::with_tie_breaker(
                            stem_clauses([f.title_en, f.trail_en, f.body_en], e).into(),
                            0.3,
                        )),
                        2.0,
                    )) as Box<dyn Query>
                });
                let clause = match en_first {
                    Some(e) => Box::new(DisjunctionMaxQuery::with_tie_breaker(vec![q, e], 0.0))
                        as Box<dyn Query>,
                    None => q,
                };
                // In a question ("kan vi teckna avtal …?") the grammar words count for little.
                let function =
                    w.sv.as_deref()
                        .or(w.en.as_deref())
                        .is_some_and(analysis::is_function_stem);
                Some(if function {
                    Box::new(BoostQuery::new(clause, FUNCTION_WORD_WEIGHT)) as Box<dyn Query>
                } else {
                    clause
                })
            })
            .collect()
    }

    /// A lexicon phrase is one slot: the best of the words as typed (taken out of `per_word`)
    /// and each alternative, the alternative scaled to the number of words it stands for.
    fn lexicon_clauses(
        &self,
        words: &Words,
        spans: &[Span],
        per_word: &mut [Option<Box<dyn Query>>],
        of_reference: &dyn Fn(&str) -> bool,
    ) -> Vec<(Occur, Box<dyn Query>)> {
        let exact = words.exact();
        let mut clauses = Vec::new();
        for (start, len, alts) in spans {
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
            // Alternatives that differ only in inflection ("lagen om …" / "lag om …") stem
            // alike and would match the same sections again: the first of them stands for all.
            let mut seen: Vec<Vec<String>> = Vec::new();
            for alt in alts {
                let words = Words::of(alt);
                let stems: Vec<String> = words
                    .items
                    .iter()
                    .map(|w| analysis::fold(w.sv.as_deref().unwrap_or(&w.exact)))
                    .collect();
                if seen.contains(&stems) {
                    continue;
                }
                seen.push(stems);
                if let Some((q, n)) = phrase_clause(self.f, &words, self.df) {
                    // English queries keep their English documents first: the Swedish
                    // translations count half as much (0.4 since the folded and compound-part
                    // fields stopped holding every word, which had lifted English documents;
                    // English nDCG 0.711 → 0.742 on tests/relevance).
                    let weight =
                        if self.english { 0.4 } else { 0.8 } * (*len as f32).max(1.0) / n as f32;
                    options.push(Box::new(BoostQuery::new(q, weight)));
                }
            }
            if !options.is_empty() {
                clauses.push((
                    Occur::Should,
                    Box::new(DisjunctionMaxQuery::with_tie_breaker(options, 0.1)) as Box<dyn Query>,
                ));
            }
        }
        clauses
    }

    /// Two words that the texts write as one compound ("avtals spärr" → "avtalsspärr").
    fn joined_words(&self, words: &Words) -> Vec<(Occur, Box<dyn Query>)> {
        let mut clauses = Vec::new();
        for pair in words.items.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if b.pos != a.pos + 1 || a.exact.chars().count() < 3 || b.exact.chars().count() < 3 {
                continue;
            }
            // As typed, with a linking s, or from the first word's stem ("sociala hänsyn" →
            // "socialhänsyn", "små företag" → "småföretag").
            let stem = a.sv.clone().unwrap_or_else(|| a.exact.clone());
            let joined = [
                format!("{}{}", a.exact, b.exact),
                format!("{}s{}", a.exact, b.exact),
                format!("{stem}{}", b.exact),
                format!("{stem}s{}", b.exact),
            ]
            .into_iter()
            .find(|j| (self.df)(self.f.body_exact, j) > 0);
            if let Some(word) = joined.as_deref().and_then(|j| analysis::aligned(j).pop()) {
                clauses.push((Occur::Should, word_clause(self.f, &word, self.df)));
            }
        }
        clauses
    }

    /// The words standing together as typed (exact forms, slop 2), ×2. A stop word's place is
    /// left empty, as the index leaves it.
    fn phrase_bonus(
        &self,
        words: &Words,
        of_reference: &dyn Fn(&str) -> bool,
    ) -> Option<(Occur, Box<dyn Query>)> {
        let terms: Vec<(usize, Term)> = words
            .items
            .iter()
            .filter(|w| !of_reference(&w.exact) && (w.sv.is_some() || w.en.is_some()))
            .filter(|w| !analysis::is_stop_word(&w.exact))
            .map(|w| (w.pos, Term::from_field_text(self.f.body_exact, &w.exact)))
            .collect();
        if terms.len() < 2 {
            return None;
        }
        let first = terms[0].0;
        let terms = terms.into_iter().map(|(p, t)| (p - first, t)).collect();
        let phrase = PhraseQuery::new_with_offset_and_slop(terms, 2);
        Some((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(phrase), 2.0)),
        ))
    }

    /// Legal references as keys: the section that is the provision (×8) and sections citing it
    /// (×1.5). With a law named ("19 kap. LOU"), only that law's provision counts as the
    /// section itself.
    fn reference_clauses(&self, refs: &[String]) -> Vec<(Occur, Box<dyn Query>)> {
        let qualified = refs.iter().any(|r| r.contains('/'));
        let mut clauses = Vec::new();
        for key in refs {
            let is_boost = if qualified && !key.contains('/') {
                1.0
            } else {
                8.0
            };
            clauses.push((Occur::Should, term_query(self.f.refs_is, key, is_boost)));
            // The statute's own paragraph counts twice: it comes before the texts about it
            // (the named law's, when the query names one).
            if !qualified || key.contains('/') {
                clauses.push((
                    Occur::Should,
                    term_query(self.f.refs_is, &legal::own_text(key), is_boost),
                ));
            }
            clauses.push((Occur::Should, term_query(self.f.refs_cited, key, 1.5)));
        }
        // A paragraph nobody cites still leads to its chapter: the chapter's sections and the
        // texts about the chapter, well below the paragraph itself.
        let mut chapters: Vec<String> = refs
            .iter()
            .filter_map(|key| {
                let (law, provision) = match key.split_once('/') {
                    Some((law, p)) => (Some(law), p),
                    None => (None, key.as_str()),
                };
                let (chapter, _) = provision.split_once(':')?;
                if chapter.is_empty() || !chapter.starts_with(|c: char| c.is_ascii_digit()) {
                    return None;
                }
                Some(match law {
                    Some(l) => format!("{l}/kap:{chapter}"),
                    None => format!("kap:{chapter}"),
                })
            })
            .filter(|k| !refs.contains(k))
            .collect();
        chapters.sort();
        chapters.dedup();
        for key in &chapters {
            clauses.push((
                Occur::Should,
                term_query(self.f.refs_is, key, CHAPTER_FALLBACK),
            ));
            clauses.push((
                Occur::Should,
                term_query(self.f.refs_cited, key, CHAPTER_FALLBACK),
            ));
        }
        clauses
    }
}

/// Weight of a function word ("kan", "får", "hur") against a content word.
const FUNCTION_WORD_WEIGHT: f32 = 0.6;

/// Weight of a heading that shares two or more content words with a question.
const QUESTION_HEADING: f32 = 0.5;

/// First words that make a query a question (besides a closing "?").
const QUESTION_WORDS: &[&str] = &[
    "kan", "får", "far", "måste", "maste", "ska", "hur", "vad", "vilka", "vilken", "vilket", "när",
    "nar", "vem", "varför", "varfor", "finns", "gäller", "galler", "behöver", "behover", "is",
    "are", "can", "do", "does", "how", "what", "when", "who", "must", "may", "should",
];

/// Weight of a statute's lead section for a query that only names the law.
const LAW_NAMED: f32 = 8.0;

/// Weight of a cited paragraph's chapter, for a paragraph no text cites.
const CHAPTER_FALLBACK: f32 = 0.3;

/// Score added to English sections for a query that reads as English.
const ENGLISH_BONUS: f32 = 12.0;
