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
