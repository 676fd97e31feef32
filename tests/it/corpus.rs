//! The shipped corpus: it passes `check` and is indexed without a skipped file.

use crate::{run, s, stdout};

#[test]
fn shipped_corpus_passes_check_and_indexes_cleanly() {
    let corpus = crate::repo().join("corpus");
    let o = run(&["check", "--corpus", s(&corpus)]);
    assert!(o.status.success(), "{}", stdout(&o));
    let dir = tempfile::tempdir().unwrap();
    let o = run(&[
        "index",
        "--corpus",
        s(&corpus),
        "--index",
        s(&dir.path().join("i")),
    ]);
    let err = crate::stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.lines().last().unwrap().contains(" 0 skipped"), "{err}");
}

#[derive(serde::Deserialize)]
struct QuestionFile {
    question: Vec<Question>,
}

#[derive(serde::Deserialize)]
struct Question {
    id: String,
    query: String,
    expect: Vec<String>,
}

/// The users' questions of the fact sheet (section 6), each with the documents written to
/// answer it (`tests/relevance/questions-*.toml`): one of them must be among the top 3 hits.
#[test]
fn user_questions_find_their_documents() {
    let mut questions = Vec::new();
    for entry in std::fs::read_dir(crate::repo().join("tests/relevance")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let file: QuestionFile =
                toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            questions.extend(file.question);
        }
    }
    assert!(questions.len() >= 95, "{} questions", questions.len());
    let corpus = crate::repo().join("corpus");
    for q in &questions {
        for e in &q.expect {
            assert!(
                corpus.join(e).is_file(),
                "{}: expected document {e} does not exist",
                q.id
            );
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut opts = vagvisare::indexer::Options::new(&corpus, dir.path().join("i")).unwrap();
    opts.worker_exe = crate::bin().into();
    vagvisare::indexer::run(&opts, |_| {}).unwrap();
    let engine = vagvisare::search::Engine::open(&dir.path().join("i")).unwrap();
    let mut misses = Vec::new();
    for q in &questions {
        let res = engine.search(&vagvisare::search::SearchRequest::new(q.query.clone(), 3));
        if !res.hits.iter().any(|h| q.expect.contains(&h.path)) {
            let got: Vec<&str> = res.hits.iter().map(|h| h.path.as_str()).collect();
            misses.push(format!(
                "{} {:?}: expected {:?}, got {:?}",
                q.id, q.query, q.expect, got
            ));
        }
    }
    let passed = questions.len() - misses.len();
    eprintln!(
        "user questions: {passed} of {} have an expected document in the top 3",
        questions.len()
    );
    for m in &misses {
        eprintln!("  miss: {m}");
    }
    // Resolve bar of the corpus issue: at least 90 %.
    assert!(
        passed * 100 >= questions.len() * 90,
        "{passed}/{}:\n{}",
        questions.len(),
        misses.join("\n")
    );
}
