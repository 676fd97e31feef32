//! Extraction of each format, through the real worker process.

use crate::{Sandbox, repo};
use vagvisare::document::{Kind, RelPath};
use vagvisare::ingest::worker::{WorkerSpec, extract_isolated};
use vagvisare::ingest::{IngestError, Limits, SourceFile, extract_in_process};

fn spec() -> WorkerSpec {
    WorkerSpec {
        exe: crate::bin().into(),
        limits: Limits::default(),
    }
}

fn extract(sb: &Sandbox, rel: &str) -> Result<vagvisare::document::Document, IngestError> {
    let abs = sb.corpus().join(rel);
    let kind = Kind::from_path(&abs).unwrap();
    let rel = RelPath::parse(rel).unwrap();
    if vagvisare::ingest::worker::isolated(kind) {
        extract_isolated(&spec(), &abs, rel, kind)
    } else {
        extract_in_process(&SourceFile { abs, rel, kind }, &Limits::default())
    }
}

fn all_text(d: &vagvisare::document::Document) -> String {
    d.sections
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn markdown_with_front_matter_and_sections() {
    let sb = Sandbox::new();
    let d = extract(&sb, "iop-grunder.md").unwrap();
    assert_eq!(d.title, "Idéburet offentligt partnerskap – grunderna");
    assert_eq!(d.meta.topics, vec!["iop"]);
    let s = d
        .sections
        .iter()
        .find(|s| s.heading.as_deref() == Some("Överenskommelsen i Åre"))
        .unwrap();
    assert_eq!(s.anchor, "overenskommelsen-i-are");
    assert!(s.text.contains("äldreomsorg"));
}

#[test]
fn statute_trail_and_file_name_with_swedish_letters() {
    let sb = Sandbox::new();
    let d = extract(&sb, "lagar och råd/lou-utdrag.md").unwrap();
    assert_eq!(d.path.as_str(), "lagar och råd/lou-utdrag.md");
    let trails: Vec<String> = d.sections.iter().filter_map(|s| s.trail_label()).collect();
    assert!(
        trails
            .contains(&"4 kap. Allmänna bestämmelser › Reserverad upphandling › 18 §".to_string()),
        "{trails:?}"
    );
}

#[test]
fn html_in_windows_1252_without_charset() {
    let sb = Sandbox::new();
    let d = extract(&sb, "gammal-sida.htm").unwrap();
    assert_eq!(d.title, "Gammal sida om överprövning");
    let text = all_text(&d);
    assert!(
        text.contains("förvaltningsrätten – även för äldreomsorg i Åre"),
        "{text}"
    );
    assert!(!text.contains("skriptord") && !text.contains("Meny"));
    assert!(!text.contains('\u{fffd}'));
}

#[test]
fn pdf_pages_with_swedish_letters() {
    let sb = Sandbox::new();
    let d = extract(&sb, "arbetsblad.pdf").unwrap();
    assert_eq!(d.kind, Kind::Pdf);
    assert!(d.sections.len() >= 2);
    assert_eq!(d.sections[0].heading.as_deref(), Some("Sida 1"));
    let text = all_text(&d);
    assert!(
        text.contains("Räkneexempel") && text.contains("målgruppen"),
        "{text}"
    );
}

#[test]
fn broken_and_empty_files_are_errors_not_crashes() {
    let sb = Sandbox::new();
    assert!(matches!(
        extract(&sb, "trasig.pdf"),
        Err(IngestError::Parse(_) | IngestError::NoText(_) | IngestError::Crashed(_))
    ));
    assert_eq!(extract(&sb, "tom.md"), Err(IngestError::Empty));
}

#[test]
fn plain_text_title_is_first_line() {
    let sb = Sandbox::new();
    let d = extract(&sb, "anteckning.txt").unwrap();
    assert_eq!(d.title, "Anteckningar från workshopen i Växjö");
}

#[test]
fn english_is_detected_and_extension_case_ignored() {
    let sb = Sandbox::new();
    let d = extract(&sb, "English-notes.MD").unwrap();
    assert_eq!(d.lang, vagvisare::document::Lang::En);
}

#[test]
fn nfd_text_is_normalised() {
    let sb = Sandbox::new();
    sb.write(
        "nfd.md",
        "# Ga\u{308}ller a\u{30a}terbetalning\n\nTexten ga\u{308}ller.".as_bytes(),
    );
    let d = extract(&sb, "nfd.md").unwrap();
    assert_eq!(d.title, "Gäller återbetalning");
    assert!(all_text(&d).contains("gäller"));
    let _ = repo();
}
