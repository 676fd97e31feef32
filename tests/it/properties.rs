//! Property tests: the analysis pipeline, the reference recogniser, paths and normalisation never
//! panic on any input and keep their promises.

use proptest::prelude::*;
use vagvisare::analysis::{self, compound, legal, lexicon::Lexicon};
use vagvisare::document::RelPath;

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn analysis_never_panics(text in "\\PC{0,300}") {
        use analysis::Analyzer;
        for a in [Analyzer::Sv, Analyzer::En, Analyzer::Exact, Analyzer::Fold] {
            let _ = analysis::tokens(a, &text);
        }
        let _ = legal::references(&text);
        crate::pin_word_list();
        let _ = compound::dictionary().parts_text(&text);
        let words: Vec<String> = analysis::tokens(analysis::Analyzer::Exact, &text).into_iter().map(|(_, w)| w).collect();
        let _ = Lexicon::with(None).spans(&words);
        let clipped = vagvisare::search::clip(&text);
        prop_assert!(clipped.chars().count() <= vagvisare::search::MAX_QUERY_CHARS);
        prop_assert!(text.starts_with(clipped));
    }

    #[test]
    fn swedish_like_text(text in "[a-zåäöé ,.:§0-9]{0,200}") {
        crate::pin_word_list();
        let _ = legal::references(&text);
        for w in text.split_whitespace() {
            let _ = compound::dictionary().split(w);
        }
    }

    #[test]
    fn paths_never_escape(path in "[a-zå./\\\\:]{0,40}") {
        if let Some(p) = RelPath::parse(&path) {
            prop_assert!(!p.as_str().split('/').any(|seg| seg == ".." || seg == "." || seg.is_empty()));
            prop_assert!(!p.as_str().starts_with('/') && !p.as_str().contains('\\'));
        }
    }

    #[test]
    fn normalisation_is_idempotent(text in "\\PC{0,200}") {
        let once = vagvisare::ingest::normalize_text(&text);
        prop_assert_eq!(vagvisare::ingest::normalize_text(&once), once.clone());
        prop_assert!(!once.chars().any(|c| c.is_control() && c != '\n'));
    }

    #[test]
    fn markdown_and_html_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let p = RelPath::parse("x.md").unwrap();
        let _ = vagvisare::ingest::markdown::parse(&p, &bytes);
        let _ = vagvisare::ingest::html::parse(&p, &bytes);
        let _ = vagvisare::ingest::html::decode(&bytes);
    }

    #[test]
    fn edit_distance_is_a_metric(a in "[a-zåäö]{0,12}", b in "[a-zåäö]{0,12}") {
        let d = vagvisare::search::spelling::levenshtein(&a, &b);
        prop_assert_eq!(d, vagvisare::search::spelling::levenshtein(&b, &a));
        prop_assert_eq!(d == 0, a == b);
        prop_assert!(d <= a.chars().count().max(b.chars().count()));
    }
}
