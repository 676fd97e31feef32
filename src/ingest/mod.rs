//! Ingest: corpus files → [`Document`]s. This is the only module that reads corpus files.
//!
//! Each format has a pure `parse(path, bytes)` function; [`extract`] picks one by extension.
//! Markdown and plain text are parsed in-process (linear-time parsers). HTML and PDF run in a
//! child process (see [`worker`]) with a wall-clock and memory limit, because real PDFs make
//! pdf-extract panic, overflow its stack or inflate into gigabytes, and deeply nested HTML makes
//! html5ever take minutes. A failure is an [`IngestError`] naming the file; it never ends a run.
//!
//! Not for: deciding what to re-index (that is the indexer's manifest) or analysing words.

pub mod frontmatter;
pub mod html;
pub mod markdown;
pub mod outline;
pub mod pdf;
pub mod sfst;
pub mod text;
pub mod worker;

use crate::document::{Document, Kind, Lang, RelPath};
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// Why a file was not indexed. The message is shown to the user next to the file's path.
#[derive(Debug, Error, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum IngestError {
    #[error("could not read the file: {0}")]
    Io(String),
    #[error("file is empty")]
    Empty,
    #[error("file is too large ({size} bytes, limit {limit})")]
    TooLarge { size: u64, limit: u64 },
    #[error("no text could be extracted ({0})")]
    NoText(String),
    #[error("extracted text looks garbled ({0})")]
    Garbled(String),
    #[error("PDF is encrypted with a password")]
    Encrypted,
    #[error("could not parse: {0}")]
    Parse(String),
    #[error("parser crashed: {0}")]
    Crashed(String),
    #[error("timed out after {0} s")]
    Timeout(u64),
    #[error("HTML nested too deeply ({depth} levels, limit {limit})")]
    TooDeep { depth: usize, limit: usize },
}

/// Limits applied to every file; all configurable from the command line. [`Limits::DEFAULT`]
/// is their one definition: the command line's defaults read it, and the extraction worker
/// receives the values in use as one serialised `Limits`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    /// Largest file read at all (bytes).
    pub max_file_bytes: u64,
    /// Largest HTML file parsed (bytes); html5ever is quadratic in nesting depth.
    pub max_html_bytes: u64,
    /// Extracted text beyond this many bytes is cut off.
    pub max_text_bytes: usize,
    /// Wall-clock limit per file in the extraction worker.
    pub timeout: Duration,
    /// Address-space limit of the extraction worker (bytes).
    pub worker_memory_bytes: u64,
    /// Deepest element nesting an HTML file may have (html5ever is quadratic in depth).
    pub max_html_depth: usize,
}

/// Bytes in a kilobyte and a megabyte, as the command line counts them.
pub const KB: u64 = 1024;
pub const MB: u64 = 1024 * 1024;

impl Limits {
    pub const DEFAULT: Limits = Limits {
        max_file_bytes: 64 * MB,
        max_html_bytes: 5 * MB,
        max_text_bytes: 8 * MB as usize,
        timeout: Duration::from_secs(30),
        worker_memory_bytes: 1536 * MB,
        max_html_depth: 1000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// A file found under the corpus root that ingest knows how to read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub abs: PathBuf,
    pub rel: RelPath,
    pub kind: Kind,
}

/// Lists every ingestible file under `root`, sorted by path, skipping hidden files and folders
/// and the curated-data folders' non-document files. Unreadable folders are returned as errors.
pub fn walk(root: &Path) -> (Vec<SourceFile>, Vec<(PathBuf, String)>) {
    let (files, problems) = scan(root, false);
    (files.into_iter().map(|(f, _)| f).collect(), problems)
}

/// Size and modification time (nanoseconds since 1970) of a file, as the manifest records them.
pub type Stamp = (u64, i128);

/// What a walk found: each file (with its stamp, or why it could not be read) and the folders
/// or entries that could not be listed.
pub type Found = (
    Vec<(SourceFile, std::io::Result<Stamp>)>,
    Vec<(PathBuf, String)>,
);

/// Like [`walk`], with each file's [`Stamp`] read while its folder is listed, the root's
/// subfolders shared out among the cores (the stat calls are most of the time a staleness
/// check of 20 000 files takes).
pub fn walk_with_stamps(root: &Path) -> Found {
    scan(root, true)
}

/// The stamp of a file's metadata.
pub fn stamp(md: &std::fs::Metadata) -> Stamp {
    let mtime = md
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    (md.len(), mtime)
}

/// The walk itself (symbolic links are not followed). With stamps, the root's subfolders are
/// shared out among the cores (the stat calls dominate); the result is sorted once at the end.
fn scan(root: &Path, stamps: bool) -> Found {
    let (mut files, mut problems) = (Vec::new(), Vec::new());
    let subfolders = list_folder(root, root, stamps, &mut files, &mut problems);
    let threads = if stamps {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        1
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let walk_some = || {
        let (mut files, mut problems) = (Vec::new(), Vec::new());
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(top) = subfolders.get(i) else {
                break;
            };
            let mut stack = vec![top.clone()];
            while let Some(folder) = stack.pop() {
                stack.extend(list_folder(
                    root,
                    &folder,
                    stamps,
                    &mut files,
                    &mut problems,
                ));
            }
        }
        (files, problems)
    };
    let found: Vec<Found> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(walk_some)).collect();
        let mut all = vec![walk_some()];
        all.extend(helpers.into_iter().filter_map(|h| h.join().ok()));
        all
    });
    for (f, p) in found {
        files.extend(f);
        problems.extend(p);
    }
    files.sort_unstable_by(|a, b| a.0.rel.as_str().cmp(b.0.rel.as_str()));
    problems.sort();
    (files, problems)
}

/// Reads one folder: its ingestible files go to `files`, its subfolders are returned.
fn list_folder(
    root: &Path,
    folder: &Path,
    stamps: bool,
    files: &mut Vec<(SourceFile, std::io::Result<Stamp>)>,
    problems: &mut Vec<(PathBuf, String)>,
) -> Vec<PathBuf> {
    let mut subfolders = Vec::new();
    let entries = match std::fs::read_dir(folder) {
        Ok(e) => e,
        Err(e) => {
            problems.push((folder.to_path_buf(), e.to_string()));
            return subfolders;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push((folder.to_path_buf(), e.to_string()));
                continue;
            }
        };
        if entry.file_name().as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if file_type.is_dir() {
            subfolders.push(path);
            continue;
        }
        if !file_type.is_file() {
            continue;
        }
        let Some(kind) = Kind::from_path(&path) else {
            continue;
        };
        let Some(rel) = path
            .strip_prefix(root)
            .ok()
            .and_then(RelPath::from_relative)
        else {
            problems.push((path, "file name is not valid UTF-8".into()));
            continue;
        };
        let stamp = if stamps {
            entry.metadata().map(|m| stamp(&m))
        } else {
            Ok((0, 0))
        };
        files.push((
            SourceFile {
                abs: path,
                rel,
                kind,
            },
            stamp,
        ));
    }
    subfolders
}

/// Extracts one file in this process. Used for Markdown and text by the indexer, and for every
/// format inside the extraction worker.
pub fn extract_in_process(file: &SourceFile, limits: &Limits) -> Result<Document, IngestError> {
    let bytes = read_limited(&file.abs, limits)?;
    let parsed = match file.kind {
        Kind::Markdown => markdown::parse(&file.rel, &bytes),
        Kind::Text => text::parse(&file.rel, &bytes),
        Kind::Html => {
            if bytes.len() as u64 > limits.max_html_bytes {
                return Err(IngestError::TooLarge {
                    size: bytes.len() as u64,
                    limit: limits.max_html_bytes,
                });
            }
            let depth = html::nesting_depth(&bytes);
            if depth > limits.max_html_depth {
                return Err(IngestError::TooDeep {
                    depth,
                    limit: limits.max_html_depth,
                });
            }
            html::parse(&file.rel, &bytes)
        }
        Kind::Pdf => pdf::parse(&file.rel, &file.abs, &bytes),
    }?;
    let mut doc = finish(parsed, limits);
    if let Some(sidecar) = sidecar_meta(&file.abs)? {
        doc.meta = sidecar;
        if let Some(t) = doc.meta.title.clone() {
            doc.title = t;
        }
        if let Some(l) = doc.meta.language.as_deref().and_then(Lang::parse) {
            doc.lang = l;
        }
    }
    if doc.sections.iter().all(|s| s.text.trim().is_empty()) {
        return Err(IngestError::NoText("the file contains no text".into()));
    }
    Ok(doc)
}

/// Reads a `<file>.meta.yaml` sidecar (metadata for PDFs and text files), if present.
fn sidecar_meta(abs: &Path) -> Result<Option<crate::document::Meta>, IngestError> {
    let mut name = abs.as_os_str().to_owned();
    name.push(".meta.yaml");
    let side = PathBuf::from(name);
    if !side.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&side)
        .map_err(|e| IngestError::Io(format!("{}: {e}", side.display())))?;
    frontmatter::parse_yaml(&text)
        .map(|(meta, _)| Some(meta))
        .map_err(|e| IngestError::Parse(format!("sidecar {}: {e}", side.display())))
}

/// Reads a file, refusing empty and oversized ones before loading them.
pub fn read_limited(path: &Path, limits: &Limits) -> Result<Vec<u8>, IngestError> {
    let md = std::fs::metadata(path).map_err(|e| IngestError::Io(e.to_string()))?;
    if md.len() == 0 {
        return Err(IngestError::Empty);
    }
    if md.len() > limits.max_file_bytes {
        return Err(IngestError::TooLarge {
            size: md.len(),
            limit: limits.max_file_bytes,
        });
    }
    std::fs::read(path).map_err(|e| IngestError::Io(e.to_string()))
}

/// Normalises all text of a parsed document (NFC, no control characters, collapsed blank lines),
/// drops empty sections, caps total text length and decides the language when no metadata did.
pub fn finish(mut doc: Document, limits: &Limits) -> Document {
    let mut budget = limits.max_text_bytes;
    let total: usize = doc.sections.iter().map(|s| s.text.len()).sum();
    doc.title = clean_line(&doc.title);
    for s in &mut doc.sections {
        s.text = normalize_text(&s.text);
        if s.text.len() > budget {
            let mut cut = budget;
            while !s.text.is_char_boundary(cut) {
                cut -= 1;
            }
            s.text.truncate(cut);
        }
        budget -= s.text.len();
        if let Some(h) = &mut s.heading {
            *h = clean_line(h);
        }
        for t in &mut s.trail {
            *t = clean_line(t);
        }
    }
    if total > limits.max_text_bytes {
        doc.notes.push(format!(
            "text cut at {} bytes of {total}",
            limits.max_text_bytes
        ));
    }
    doc.sections
        .retain(|s| !s.text.trim().is_empty() || s.heading.is_some());
    // A heading with no text of its own still makes a useful hit (its words are searchable),
    // but a document made only of empty headings has no text; the caller decides.
    if let Some(l) = doc.meta.language.as_deref().and_then(Lang::parse) {
        doc.lang = l;
    } else {
        doc.lang = detect_lang(&doc);
    }
    doc
}

/// Guesses Swedish or English from the text; anything not confidently English is Swedish.
fn detect_lang(doc: &Document) -> Lang {
    let mut sample = String::new();
    for s in &doc.sections {
        if sample.len() > 4000 {
            break;
        }
        sample.push_str(&s.text);
        sample.push('\n');
    }
    match whatlang::detect(&sample) {
        Some(info) if info.lang() == whatlang::Lang::Eng && info.confidence() > 0.5 => Lang::En,
        _ => Lang::Sv,
    }
}

/// NFC, ligatures expanded, control characters (except newline and tab) removed, runs of
/// blank lines collapsed, trailing spaces trimmed.
pub fn normalize_text(s: &str) -> String {
    normalize(s, Checks::Quick)
}

/// Whether [`normalize`] may skip work its quick checks say is not needed. `Every` does all of
/// it: the reference the quick path is tested against.
#[derive(Clone, Copy, PartialEq)]
enum Checks {
    Quick,
    #[cfg(test)]
    Every,
}

fn normalize(s: &str, checks: Checks) -> String {
    let quick = checks == Checks::Quick;
    let mut out = String::with_capacity(s.len());
    let mut blank_run = 0;
    // Most text already is NFC; the quick check saves composing it again. Text without a
    // character from U+0300 on (no UTF-8 byte from 0xCC up) is NFC as it stands: the first
    // combining mark is U+0300, and å, ä, ö, é are below it.
    let nfc = quick
        && (s.bytes().all(|b| b < 0xcc)
            || unicode_normalization::is_nfc_quick(s.chars()) == IsNormalized::Yes);
    let composed: std::borrow::Cow<str> = if nfc {
        s.into()
    } else {
        s.nfc().collect::<String>().into()
    };
    let mut cleaned = String::new();
    for line in composed.lines() {
        let line = if !quick || needs_cleaning(line) {
            cleaned.clear();
            cleaned.extend(clean_chars(line));
            cleaned.as_str()
        } else {
            line
        };
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run == 1 && !out.is_empty() {
                out.push('\n');
            }
            continue;
        }
        blank_run = 0;
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Whether a line has a character [`clean_chars`] changes. Most lines have none, and are kept
/// as they are without decoding them: the characters it changes are the control characters
/// (bytes below 0x20, 0x7F, and C2 80-9F in UTF-8), no-break space (C2 A0), soft hyphen
/// (C2 AD) and the ligatures U+FB00-FB06 (EF AC 80-86; any EF AC counts here). `§` (C2 A7),
/// frequent in legal text, is not among them.
fn needs_cleaning(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| match b {
        0..=0x1f | 0x7f => true,
        0xc2 => matches!(bytes.get(i + 1), Some(0x80..=0xa0 | 0xad)),
        0xef => bytes.get(i + 1) == Some(&0xac),
        _ => false,
    })
}

/// A line's characters with ligatures expanded, control characters (but tab) dropped, and tab
/// and no-break space made spaces.
fn clean_chars(line: &str) -> impl Iterator<Item = char> + '_ {
    line.chars()
        .flat_map(expand_ligature)
        .filter(|c| !c.is_control() || *c == '\t')
        .map(|c| if c == '\u{a0}' || c == '\t' { ' ' } else { c })
}

fn expand_ligature(c: char) -> impl Iterator<Item = char> {
    let s: &[char] = match c {
        'ﬀ' => &['f', 'f'],
        'ﬁ' => &['f', 'i'],
        'ﬂ' => &['f', 'l'],
        'ﬃ' => &['f', 'f', 'i'],
        'ﬄ' => &['f', 'f', 'l'],
        'ﬅ' | 'ﬆ' => &['s', 't'],
        '\u{ad}' => &[],
        _ => return SmallChars::One(Some(c)),
    };
    SmallChars::Many(s.iter())
}

enum SmallChars {
    One(Option<char>),
    Many(std::slice::Iter<'static, char>),
}

impl Iterator for SmallChars {
    type Item = char;
    fn next(&mut self) -> Option<char> {
        match self {
            SmallChars::One(c) => c.take(),
            SmallChars::Many(it) => it.next().copied(),
        }
    }
}

/// One line of text for titles and headings: normalised, whitespace collapsed.
pub fn clean_line(s: &str) -> String {
    normalize_text(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rejects text that came out as mostly U+FFFD / U+0000 / private-use glyphs.
pub fn check_garbled(text: &str) -> Result<(), IngestError> {
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in text.chars() {
        if c.is_whitespace() {
            continue;
        }
        total += 1;
        if c == '\u{fffd}' || c == '\0' || ('\u{e000}'..='\u{f8ff}').contains(&c) {
            bad += 1;
        }
    }
    if total == 0 {
        return Err(IngestError::NoText("no characters".into()));
    }
    if bad * 100 > total * 20 {
        return Err(IngestError::Garbled(format!(
            "{bad} of {total} characters are replacement or control characters"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        let nfd = "a\u{30a}terbetalning \u{fb01}nns\u{0}\n\n\n\nny";
        assert_eq!(normalize_text(nfd), "återbetalning finns\n\nny");
    }

    proptest::proptest! {
        /// The quick checks change nothing: composing every text and cleaning every line
        /// character by character gives the same text.
        #[test]
        fn skipping_clean_lines_changes_nothing(
            text in "([a-zåäöé ]|\u{a0}|\u{ad}|\t|\r|\n|\u{0}|\u{85}|\u{9f}|\u{7f}|©|«|ﬁ|ﬀ|\u{feff}|\u{fb06}|\u{fb3f}|€|§|e\u{301}|\u{301}|\u{212b}){0,60}"
        ) {
            proptest::prop_assert_eq!(normalize_text(&text), normalize(&text, Checks::Every));
        }
    }

    #[test]
    fn garbled() {
        assert!(check_garbled("hej där").is_ok());
        assert!(check_garbled("\u{fffd}\u{fffd}\u{fffd}a").is_err());
        assert!(check_garbled("   ").is_err());
    }
}
