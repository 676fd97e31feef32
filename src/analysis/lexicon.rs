//! The lexicon: synonyms and abbreviations of the domain (LOU ⇄ lagen om offentlig upphandling,
//! IOP ⇄ idéburet offentligt partnerskap, ...) and English terms for the Swedish concepts
//! (reserved contracts → reserverade kontrakt). Built in (`lexicon.toml`), extendable by a
//! `synonymer.toml` in the corpus. A query phrase found here adds its alternatives to the query;
//! abbreviations listed as ambiguous (SKR) are never expanded.

use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

const BUILT_IN: &str = include_str!("lexicon.toml");
/// The procurement directives' English vocabulary and LOU/LUF/LUK's Swedish terms for it.
const DIRECTIVE_TERMS: &str = include_str!("directive_terms.toml");
/// File name of a corpus's own additions.
pub const FILE: &str = "synonymer.toml";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LexiconFile {
    #[serde(default)]
    pub ambiguous: Vec<String>,
    #[serde(default)]
    pub group: Vec<Group>,
    #[serde(default)]
    pub english: Vec<English>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Group {
    pub terms: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct English {
    pub en: Vec<String>,
    pub sv: Vec<String>,
}

/// Tokens of a term as the query sees them (exact analyzer).
fn words(term: &str) -> Vec<String> {
    super::tokens(super::Analyzer::Exact, term)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

#[derive(Debug, Default)]
pub struct Lexicon {
    /// (trigger tokens, alternatives) pairs.
    rules: Vec<(Vec<String>, Vec<String>)>,
    ambiguous: Vec<String>,
    /// Multi-letter words of the English terms, to recognise English queries.
    english_words: Vec<String>,
}

static BUILT_IN_LEXICON: LazyLock<LexiconFile> =
    LazyLock::new(|| toml::from_str(BUILT_IN).expect("the built-in lexicon parses"));
static DIRECTIVE_LEXICON: LazyLock<LexiconFile> =
    LazyLock::new(|| toml::from_str(DIRECTIVE_TERMS).expect("the directive terms parse"));

impl Lexicon {
    /// The built-in lexicon plus a corpus's additions.
    pub fn with(extra: Option<&LexiconFile>) -> Lexicon {
        let mut lex = Lexicon::default();
        // The directive terms map English to Swedish but do not decide whether a query is
        // English: their 1 200 phrases share words with Swedish queries ("de minimis", "iop").
        let files = [(&*BUILT_IN_LEXICON, true), (&*DIRECTIVE_LEXICON, false)]
            .into_iter()
            .chain(extra.map(|e| (e, true)));
        for (file, tells_english) in files {
            lex.ambiguous
                .extend(file.ambiguous.iter().map(|a| a.to_lowercase()));
            for g in &file.group {
                for t in &g.terms {
                    let alts: Vec<String> = g.terms.iter().filter(|o| *o != t).cloned().collect();
                    lex.rules.push((words(t), alts));
                }
            }
            for e in &file.english {
                for t in &e.en {
                    let w = words(t);
                    if tells_english {
                        lex.english_words
                            .extend(w.iter().filter(|x| x.len() > 3).cloned());
                    }
                    lex.rules.push((w, e.sv.clone()));
                }
            }
        }
        lex.rules
            .retain(|(w, _)| !(w.is_empty() || (w.len() == 1 && lex.ambiguous.contains(&w[0]))));
        // Longest triggers first, so "direct award threshold" wins over "direct award".
        lex.rules.sort_by_key(|r| std::cmp::Reverse(r.0.len()));
        lex
    }

    /// Alternatives for the phrases found in a query's exact tokens (each alternative once).
    pub fn expansions(&self, query_words: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, _, alts) in self.spans(query_words) {
            for a in alts {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
        }
        out
    }

    /// The phrases found in a query: (first word index, number of words, alternatives). Longer
    /// phrases win over the shorter ones they contain; spans never overlap.
    pub fn spans(&self, query_words: &[String]) -> Vec<(usize, usize, Vec<String>)> {
        let mut covered = vec![false; query_words.len()];
        let mut out: Vec<(usize, usize, Vec<String>)> = Vec::new();
        for (trigger, alts) in &self.rules {
            let n = trigger.len();
            if n > query_words.len() {
                continue;
            }
            for start in 0..=query_words.len() - n {
                if query_words[start..start + n] != trigger[..] {
                    continue;
                }
                if let Some(span) = out.iter_mut().find(|(s, l, _)| *s == start && *l == n) {
                    for a in alts {
                        if !span.2.contains(a) {
                            span.2.push(a.clone());
                        }
                    }
                    continue;
                }
                if covered[start..start + n].iter().any(|c| *c) {
                    continue;
                }
                covered[start..start + n].iter_mut().for_each(|c| *c = true);
                out.push((start, n, alts.clone()));
            }
        }
        out.sort_by_key(|(s, _, _)| *s);
        out
    }

    /// Whether a word is an English trigger (part of an English term) in the lexicon.
    pub fn is_english_term(&self, words: &[String]) -> bool {
        self.english_words
            .iter()
            .any(|e| words.iter().any(|w| w == e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str, expected: &[&str]) {
        let lex = Lexicon::with(None);
        let got = lex.expansions(&words(query));
        for e in expected {
            assert!(got.iter().any(|g| g == e), "{query}: {e} not in {got:?}");
        }
    }

    #[test]
    fn expands() {
        check("LOU 4 kap", &["lagen om offentlig upphandling"]);
        check("vad är IOP", &["idéburet offentligt partnerskap"]);
        check("reserved contracts", &["reserverade kontrakt"]);
        check("direct award threshold", &["direktupphandlingsgräns"]);
        assert!(
            Lexicon::with(None).expansions(&words("SKR")).is_empty(),
            "SKR is ambiguous"
        );
        let extra = LexiconFile {
            group: vec![Group {
                terms: vec!["kvinnojour".into(), "skyddat boende".into()],
            }],
            ..Default::default()
        };
        assert!(
            Lexicon::with(Some(&extra))
                .expansions(&words("kvinnojour"))
                .contains(&"skyddat boende".to_string())
        );
    }
}
