//! The shapes every pipeline stage agrees on: a corpus-relative path, a document's metadata and
//! its sections. Ingest produces them, the indexer stores them, search and the server read them
//! back. Nothing here touches the file system or tantivy.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Component, Path};

/// A path relative to the corpus root, always with forward slashes, never containing `..`,
/// never absolute. It is the document's identity in the index and in URLs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RelPath(String);

impl RelPath {
    /// Builds a `RelPath` from a path relative to the corpus root.
    pub fn from_relative(path: &Path) -> Option<RelPath> {
        let mut parts = Vec::new();
        for comp in path.components() {
            match comp {
                Component::Normal(p) => parts.push(p.to_str()?.to_string()),
                Component::CurDir => {}
                _ => return None,
            }
        }
        if parts.is_empty() {
            return None;
        }
        Some(RelPath(parts.join("/")))
    }

    /// Parses a slash-separated path as it arrives in a URL or a link; refuses `..`, absolute
    /// paths, backslashes, NUL and empty segments.
    pub fn parse(s: &str) -> Option<RelPath> {
        if s.is_empty() || s.contains('\\') || s.contains('\0') || s.starts_with('/') {
            return None;
        }
        let ok = s
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..");
        if !ok || s.contains(':') && s.split('/').next().is_some_and(|f| f.ends_with(':')) {
            return None;
        }
        Some(RelPath(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The file name, the last segment.
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }
}

impl fmt::Display for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RelPath {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        RelPath::parse(&s).ok_or_else(|| format!("not a corpus-relative path: {s:?}"))
    }
}

impl From<RelPath> for String {
    fn from(p: RelPath) -> String {
        p.0
    }
}

/// The file format a document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Markdown,
    Html,
    Pdf,
    Text,
}

impl Kind {
    /// The kind for a file name, by extension, case-insensitively; `None` for files we do not ingest.
    pub fn from_path(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(Kind::Markdown),
            "html" | "htm" => Some(Kind::Html),
            "pdf" => Some(Kind::Pdf),
            "txt" => Some(Kind::Text),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Markdown => "markdown",
            Kind::Html => "html",
            Kind::Pdf => "pdf",
            Kind::Text => "text",
        }
    }
}

/// Language of a document; decides which stemmer analyses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Sv,
    En,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        match s.as_str() {
            "sv" | "sv-se" | "swedish" | "svenska" => Some(Lang::Sv),
            "en" | "en-gb" | "en-us" | "english" | "engelska" => Some(Lang::En),
            _ => None,
        }
    }
}

/// Editorial metadata of a document, from Markdown front matter, HTML meta tags or a PDF's
/// sidecar file. Every field is optional: a municipality may drop in files without any.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub title: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub audience: Vec<String>,
    pub language: Option<String>,
    #[serde(default)]
    pub legal_refs: Vec<String>,
    pub reviewed: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    /// Set when the document is a statute's text (kind "lagtext").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statute: Option<StatuteMeta>,
    /// What changed, and when, one line each (newest first is not required).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ChangeNote>,
}

/// One change of a text: its date and a one-line note of what changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNote {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub note: String,
}

/// What makes a document a statute's text: its SFS number and how current it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatuteMeta {
    /// `2016:1145`.
    pub sfs: String,
    /// The last amendment the text includes ("ändrad t.o.m. SFS 2025:123"), when known.
    #[serde(default)]
    pub amended_to: Option<String>,
    /// Where the text was fetched from.
    #[serde(default)]
    pub source: Option<String>,
    /// When it was fetched (`YYYY-MM-DD`).
    #[serde(default)]
    pub fetched: Option<String>,
    /// The amendments the register lists, with the date each came into force.
    #[serde(default)]
    pub amendments: Vec<Amendment>,
}

/// One amending act of a statute.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Amendment {
    /// `2021:1110`.
    pub sfs: String,
    /// `YYYY-MM-DD`, when the register gives it.
    #[serde(default)]
    pub in_force: Option<String>,
    /// What it changed ("ändr. 4 kap. 18 §, …"), as the register words it.
    #[serde(default)]
    pub scope: Option<String>,
}

impl StatuteMeta {
    /// When an amending act came into force, if the register gave it.
    pub fn in_force(&self, sfs: &str) -> Option<&str> {
        self.amendments
            .iter()
            .find(|a| a.sfs == sfs)
            .and_then(|a| a.in_force.as_deref())
    }
}

/// One part of a document between two headings: what a search hit points to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The section's own heading, `None` for text before the first heading.
    pub heading: Option<String>,
    /// The heading trail below the document title, e.g. `["4 kap.", "Reserverade kontrakt", "18 §"]`.
    pub trail: Vec<String>,
    /// Anchor id, unique within the document (`""` for the untitled first section).
    pub anchor: String,
    /// Heading level 1-6 (0 for the untitled first section or a PDF page).
    pub level: u8,
    /// Plain text of the section, NFC-normalised, paragraphs separated by blank lines.
    pub text: String,
    /// In a statute: the act that last changed this paragraph (the text's closing
    /// "Lag (2021:1110)."), `2021:1110`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amended: Option<String>,
}

impl Section {
    /// The trail joined for display: "4 kap. › Reserverade kontrakt › 18 §".
    pub fn trail_label(&self) -> Option<String> {
        if self.trail.is_empty() {
            None
        } else {
            Some(self.trail.join(" › "))
        }
    }
}

/// A corpus file turned into text: what ingest hands to the indexer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub path: RelPath,
    pub kind: Kind,
    pub title: String,
    pub lang: Lang,
    pub meta: Meta,
    pub sections: Vec<Section>,
    /// Things ingest did to the file that the user should hear about (e.g. text cut at a limit).
    #[serde(default)]
    pub notes: Vec<String>,
}

impl Document {
    /// What the index and the filters call the document's kind: `lagtext` for a statute's
    /// text, else its file format (`markdown`, `html`, `pdf`, `text`).
    pub fn kind_name(&self) -> &'static str {
        if self.meta.statute.is_some() {
            "lagtext"
        } else {
            self.kind.as_str()
        }
    }

    /// Total characters of text over all sections.
    pub fn text_len(&self) -> usize {
        self.sections.iter().map(|s| s.text.len()).sum()
    }
}

/// Makes an anchor id from a heading: lower-case, letters and digits kept (å/ä/ö/é folded to
/// a/a/o/e so links survive any URL handling), everything else collapsed to single hyphens.
pub fn slugify(heading: &str) -> String {
    let mut out = String::with_capacity(heading.len());
    let mut dash = false;
    for c in heading.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            'å' | 'ä' | 'á' | 'à' | 'â' => Some('a'),
            'ö' | 'ó' | 'ò' | 'ô' | 'ø' => Some('o'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'ü' | 'ú' | 'ù' | 'û' => Some('u'),
            'í' | 'ì' | 'î' | 'ï' => Some('i'),
            'æ' => Some('a'),
            'ç' => Some('c'),
            'ñ' => Some('n'),
            c if c.is_ascii_alphanumeric() => Some(c),
            _ => None,
        };
        match mapped {
            Some(m) => {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push(m);
            }
            None => dash = true,
        }
    }
    if out.is_empty() {
        out.push_str("avsnitt");
    }
    out
}

/// The anchor of a statute's paragraph or chapter, stable across versions of the text:
/// `K4P18` (4 kap. 18 §), `K19P25a` (19 kap. 25 a §), `K19a` (19 a kap.), `P8` (8 § of a law
/// without chapters). Chapter and paragraph are given as numbers with an optional letter, spaces
/// allowed ("19 a", "25a").
pub fn statute_anchor(chapter: Option<&str>, paragraph: Option<&str>) -> String {
    let squeeze = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let mut out = String::new();
    if let Some(c) = chapter {
        out.push('K');
        out.push_str(&squeeze(c));
    }
    if let Some(p) = paragraph {
        out.push('P');
        out.push_str(&squeeze(p));
    }
    out
}

/// Hands out unique anchors within one document: the second "Bakgrund" becomes "bakgrund-2".
#[derive(Default)]
pub struct AnchorSet {
    seen: std::collections::HashMap<String, usize>,
}

impl AnchorSet {
    pub fn unique(&mut self, heading: &str) -> String {
        self.unique_id(slugify(heading))
    }

    /// `id` itself the first time, `id-2`, `id-3`, … after.
    pub fn unique_id(&mut self, base: String) -> String {
        let n = self.seen.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 { base } else { format!("{base}-{n}") }
    }
}

/// The file and the section a link into the corpus (`path#anchor`, or `path` for the whole
/// file) names.
pub fn split_link(link: &str) -> (&str, Option<&str>) {
    match link.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (link, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for (input, expected) in [
            ("Reserverade kontrakt", "reserverade-kontrakt"),
            ("18 §", "18"),
            (
                "När är IOP inte upphandling?",
                "nar-ar-iop-inte-upphandling",
            ),
            ("Idéburen – vad är det?", "ideburen-vad-ar-det"),
            ("§§§", "avsnitt"),
        ] {
            assert_eq!(slugify(input), expected, "{input}");
        }
        let mut set = AnchorSet::default();
        assert_eq!(set.unique("Bakgrund"), "bakgrund");
        assert_eq!(set.unique("Bakgrund"), "bakgrund-2");
    }

    #[test]
    fn relpaths() {
        assert!(RelPath::parse("iop/grunder.md").is_some());
        assert!(RelPath::parse("idéburna/lag.md").is_some());
        for bad in [
            "../etc/passwd",
            "/etc/passwd",
            "a/../b",
            "a//b",
            "a\\b",
            "C:/x",
            "",
        ] {
            assert!(RelPath::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(
            RelPath::from_relative(Path::new("./a/b.md"))
                .unwrap()
                .as_str(),
            "a/b.md"
        );
    }
}
