//! Which answer cards a query shows. Candidates come from the cards' own small index (cards are
//! indexed with the same analyzers as documents: title ×3, triggers ×2, answer ×1), and a card is
//! shown only when its title and triggers cover enough of the query's words ([`MIN_COVERAGE`]),
//! or its whole text covers most of them and its title and triggers some
//! ([`MIN_FULL_COVERAGE`]), and it scores close to the best card. The thresholds were tuned on
//! `tests/relevance/cards.toml` (82 queries).

use crate::analysis;
use std::collections::HashSet;

/// Share of the query's content words a card's title and triggers must contain.
pub const MIN_COVERAGE: f32 = 0.6;
/// Share of the query's content words the card's whole text (answer and details included) must
/// contain when its title and triggers cover at least [`MIN_COVERAGE_WITH_FULL`].
pub const MIN_FULL_COVERAGE: f32 = 0.7;
pub const MIN_COVERAGE_WITH_FULL: f32 = 0.3;
/// A card must score at least this share of the best card's score (a second card shows only
/// when it is nearly as good as the first).
pub const MIN_RELATIVE_SCORE: f32 = 0.92;
/// Most cards shown for one query.
pub const MAX_CARDS: usize = 3;

/// The stems of a text under both analyzers and its exact forms, for coverage checks.
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    words: HashSet<String>,
}

impl Vocabulary {
    pub fn of(text: &str) -> Vocabulary {
        let mut words = HashSet::new();
        for (_, t) in analysis::tokens(analysis::Analyzer::Sv, text) {
            words.insert(format!("sv:{t}"));
        }
        for (_, t) in analysis::tokens(analysis::Analyzer::En, text) {
            words.insert(format!("en:{t}"));
        }
        for (_, t) in analysis::tokens(analysis::Analyzer::Exact, text) {
            words.insert(format!("x:{t}"));
        }
        for r in analysis::legal::references(text) {
            words.insert(format!("ref:{r}"));
        }
        Vocabulary { words }
    }

    /// Share of the query's content words (not stop words) found in this vocabulary.
    pub fn coverage(&self, query: &str) -> f32 {
        let refs = analysis::legal::references(query);
        let mut total = 0usize;
        let mut hit = 0usize;
        for w in analysis::aligned(query) {
            // A stop word in either language carries no meaning for matching.
            if !w.is_content() {
                continue;
            }
            let word = &w.exact;
            let part_of_ref = word.chars().all(|c| c.is_ascii_digit())
                || word.len() == 1
                || word.starts_with("kap");
            if !refs.is_empty() && part_of_ref {
                continue;
            }
            total += 1;
            let found =
                w.sv.as_ref()
                    .is_some_and(|s| self.words.contains(&format!("sv:{s}")))
                    || w.en
                        .as_ref()
                        .is_some_and(|e| self.words.contains(&format!("en:{e}")))
                    || self.words.contains(&format!("x:{word}"));
            if found {
                hit += 1;
            }
        }
        for r in &refs {
            total += 1;
            if self.words.contains(&format!("ref:{r}")) {
                hit += 1;
            }
        }
        if total == 0 {
            0.0
        } else {
            hit as f32 / total as f32
        }
    }
}
