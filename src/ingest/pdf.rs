//! PDF → [`Document`], one section per page. pdf-extract does the work; when it fails, panics
//! or yields no usable text and poppler's `pdftotext` is installed, that is tried as a second
//! opinion. Scanned PDFs (no text layer), password-protected PDFs and garbled text are
//! reported, not indexed. Only ever called inside the extraction worker process
//! ([`super::worker`]): pdf-extract can abort the whole process on hostile files.

use super::IngestError;
use crate::document::{Document, Kind, Lang, Meta, RelPath, Section};
use std::path::Path;
use std::process::Command;

/// Extracts the pages of a PDF. `abs` is used only for the `pdftotext` fallback.
pub fn parse(path: &RelPath, abs: &Path, bytes: &[u8]) -> Result<Document, IngestError> {
    let first =
        match std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes)) {
            Ok(Ok(pages)) => judge(pages),
            Ok(Err(e)) => {
                let msg = e.to_string();
                if format!("{e:?}").contains("Decryption") {
                    Err(IngestError::Encrypted)
                } else {
                    Err(IngestError::Parse(format!("pdf-extract: {msg}")))
                }
            }
            Err(panic) => Err(IngestError::Crashed(format!(
                "pdf-extract panicked: {}",
                panic_message(&panic)
            ))),
        };
    let pages = match first {
        Ok(pages) => pages,
        // poppler opens some owner-password ("copy protected") files that pdf-extract refuses.
        Err(first_err) => match pdftotext(abs) {
            Some(Ok(pages)) => pages,
            Some(Err(_)) | None => return Err(first_err),
        },
    };
    let sections: Vec<Section> = pages
        .into_iter()
        .enumerate()
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(i, text)| {
            let heading = format!("Sida {}", i + 1);
            Section {
                trail: vec![heading.clone()],
                anchor: format!("sida-{}", i + 1),
                heading: Some(heading),
                level: 0,
                text,
                amended: None,
            }
        })
        .collect();
    let title = sections
        .first()
        .and_then(|s| {
            s.text
                .lines()
                .map(str::trim)
                .find(|l| l.chars().filter(|c| c.is_alphabetic()).count() >= 3)
        })
        .filter(|l| l.chars().count() <= 120)
        .map(super::clean_line)
        .unwrap_or_else(|| super::markdown::title_from_file_name(path));
    Ok(Document {
        path: path.clone(),
        kind: Kind::Pdf,
        title,
        lang: Lang::Sv,
        meta: Meta::default(),
        sections,
        notes: Vec::new(),
    })
}

/// Accepts extracted pages only if they hold real text.
fn judge(pages: Vec<String>) -> Result<Vec<String>, IngestError> {
    let all: String = pages.concat();
    if pages.is_empty() {
        return Err(IngestError::NoText("no page could be read".into()));
    }
    if all.trim().is_empty() {
        return Err(IngestError::NoText(format!(
            "{} page(s) without a text layer; scanned PDFs need OCR",
            pages.len()
        )));
    }
    super::check_garbled(&all)?;
    Ok(pages)
}

/// Runs poppler's `pdftotext` if it is installed; pages are separated by form feeds.
fn pdftotext(abs: &Path) -> Option<Result<Vec<String>, IngestError>> {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-q"])
        .arg(abs)
        .arg("-")
        .output()
        .ok()?;
    if !out.status.success() {
        return Some(Err(IngestError::Parse("pdftotext failed".into())));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Some(judge(pages))
}

/// The text of a panic payload.
pub fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}
