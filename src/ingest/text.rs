//! Plain text → [`Document`]. The title is the first non-empty line. Text exported from PDFs
//! often keeps form feeds between pages; those become "Sida N" sections, otherwise the file is
//! one section. Bytes that are not UTF-8 are decoded by detection (windows-1252 is common).

use super::IngestError;
use crate::document::{Document, Kind, Lang, Meta, RelPath, Section};

pub fn parse(path: &RelPath, bytes: &[u8]) -> Result<Document, IngestError> {
    let text = super::html::decode_plain(bytes);
    super::check_garbled(&text)?;
    let title = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| {
            let l = super::clean_line(l);
            if l.chars().count() > 120 {
                l.chars().take(117).collect::<String>() + "…"
            } else {
                l
            }
        })
        .unwrap_or_else(|| super::markdown::title_from_file_name(path));
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let sections = if pages.len() > 1 {
        pages
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.trim().is_empty())
            .map(|(i, p)| Section {
                heading: Some(format!("Sida {}", i + 1)),
                trail: vec![format!("Sida {}", i + 1)],
                anchor: format!("sida-{}", i + 1),
                level: 0,
                text: p.to_string(),
                amended: None,
            })
            .collect()
    } else {
        vec![Section {
            heading: None,
            trail: vec![],
            anchor: String::new(),
            level: 0,
            text: text.clone(),
            amended: None,
        }]
    };
    Ok(Document {
        path: path.clone(),
        kind: Kind::Text,
        title,
        lang: Lang::Sv,
        meta: Meta::default(),
        sections,
        notes: Vec::new(),
    })
}
