//! "Menade du …?": a query word the index does not know as typed is corrected against the
//! index's own vocabulary and the search runs with the correction. A word typed without å/ä/ö
//! is restored to the form the texts use (*overprovning* → *överprövning*); otherwise the most
//! frequent term within edit distance 1 (2 for words of 8 letters or more) is taken. A word the
//! index knows is never corrected, nor is a Swedish or English stop word.

use crate::index::schema::Fields;
use tantivy::query::FuzzyTermQuery;
use tantivy::{Searcher, Term};

/// Shortest word considered for correction.
const MIN_CHARS: usize = 4;

/// Whether `word` occurs in `field`.
fn known(searcher: &Searcher, field: tantivy::schema::Field, word: &str) -> bool {
    searcher
        .doc_freq(&Term::from_field_text(field, word))
        .is_ok_and(|n| n > 0)
}

/// The correction for one exact-form word, if it needs one and one exists. `only_letters`: only
/// restore å/ä/ö (the word may be valid in another language).
pub fn correct(searcher: &Searcher, f: &Fields, word: &str, only_letters: bool) -> Option<String> {
    let chars = word.chars().count();
    // Restoring å/ä/ö works from three letters ("are" → "åre"); typos need four.
    if chars < 3 || !word.chars().all(char::is_alphabetic) {
        return None;
    }
    let folded: String = crate::analysis::tokens(crate::analysis::Analyzer::Fold, word)
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    // A stop word is a word of the language, Swedish or English, and never corrected (the
    // exact-form field leaves stop words out, so it cannot tell).
    if crate::analysis::is_stop_word(word) || known(searcher, f.body_exact, word) {
        return None;
    }
    // A word found only in titles, summaries or headings is known too (those have no
    // exact-form field).
    let stem = crate::analysis::tokens(crate::analysis::Analyzer::Sv, word);
    if let Some((_, s)) = stem.first()
        && (known(searcher, f.title_sv, s) || known(searcher, f.trail_sv, s))
    {
        return None;
    }
    // A Swedish word or a compound of Swedish words is found through the parts field.
    let dictionary = crate::analysis::compound::dictionary();
    let swedish = dictionary.contains(word);
    let compound = dictionary.split(word).is_some();
    let fold_known = known(searcher, f.fold, &folded);
    // A word that splits into known parts is only corrected when one letter is off.
    let distance = if chars >= 8 && !compound { 2 } else { 1 };
    let mut best: Option<(usize, u64, String)> = None;
    // A word typed without å/ä/ö ("overprovning") is restored to the form the texts use.
    let mut restored: Option<(u64, String)> = None;
    near_terms(searcher, f, word, distance, true, |term, df| {
        if crate::analysis::fold_swedish(term) == folded
            && restored.as_ref().is_none_or(|(bdf, _)| df > *bdf)
        {
            restored = Some((df, term.to_string()));
        }
        let d = levenshtein(word, term);
        let better = match &best {
            None => true,
            Some((bd, bdf, bt)) => {
                d < *bd || (d == *bd && (df > *bdf || (df == *bdf && term < bt.as_str())))
            }
        };
        if better {
            best = Some((d, df, term.to_string()));
        }
    })?;
    if let Some((_, t)) = restored {
        return Some(t);
    }
    if only_letters || fold_known || swedish || chars < MIN_CHARS {
        return None; // the folded field finds it, or the word is too short to guess at
    }
    // A correction shows the texts' spelling: with å/ä/ö where they write it so.
    best.map(|(_, _, t)| with_swedish_letters(searcher, f, &t).unwrap_or(t))
}

/// The form of `term` with å/ä/ö that the texts use most, when `term` is that word without
/// them ("troskelvarden" → "tröskelvärden").
fn with_swedish_letters(searcher: &Searcher, f: &Fields, term: &str) -> Option<String> {
    if !term.is_ascii() {
        return None;
    }
    let folded = crate::analysis::fold_swedish(term);
    let mut found: Option<(u64, String)> = None;
    near_terms(searcher, f, term, 2, false, |t, df| {
        if !t.is_ascii()
            && crate::analysis::fold_swedish(t) == folded
            && found.as_ref().is_none_or(|(bdf, _)| df > *bdf)
        {
            found = Some((df, t.to_string()));
        }
    })?;
    found.map(|(_, t)| t)
}

/// Calls `visit` with every exact-form term within `distance` edits of `word` (a swap of
/// neighbours counting as one edit when `transpositions`) and its document frequency, segment
/// by segment. `None` when no automaton can be built for the word.
fn near_terms(
    searcher: &Searcher,
    f: &Fields,
    word: &str,
    distance: u8,
    transpositions: bool,
    mut visit: impl FnMut(&str, u64),
) -> Option<()> {
    let dfa = FuzzyTermQuery::new(
        Term::from_field_text(f.body_exact, word),
        distance,
        transpositions,
    )
    .automaton()
    .ok()?;
    for seg in searcher.segment_readers() {
        let Ok(inv) = seg.inverted_index(f.body_exact) else {
            continue;
        };
        let Ok(mut stream) = inv.terms().search(&dfa).into_stream() else {
            continue;
        };
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                visit(term, stream.value().doc_freq as u64);
            }
        }
    }
    Some(())
}

/// Edit distance in characters (insert, delete, substitute, and swap of neighbours).
pub fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = prev;
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn distances() {
        assert_eq!(super::levenshtein("upphandlnig", "upphandling"), 1);
        assert_eq!(super::levenshtein("partnrskap", "partnerskap"), 1);
        assert_eq!(super::levenshtein("abc", "abc"), 0);
    }
}
