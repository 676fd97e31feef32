//! `vagvisare statute fetch 2016:1145 …`: downloads a statute's current consolidated text and
//! its register of amendments from the Government Offices' legal database (base address
//! configurable), writes it into the corpus as `lag/sfs-2016-1145.md` (Markdown with its SFS
//! number, "ändrad t.o.m." stamp, source, fetch date and amendments with their dates in force,
//! see `ingest::sfst`), and says what changed since the last fetch: the stamp, and the
//! paragraphs added, changed and removed.
//!
//! A statute is written only when both pages were read as what they should be: a network
//! error, a missing page or an unexpected page is reported with the SFS number and leaves the
//! corpus file as it was. The index picks the file up on the next `vagvisare index`.

use crate::document::{RelPath, StatuteMeta};
use crate::ingest::{frontmatter, markdown, sfst};
use crate::law::{official_url, register_url};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The corpus folder fetched statutes are written to.
pub const FOLDER: &str = "lag";

/// Largest page accepted (the consolidated LOU is about 1 MB).
const MAX_PAGE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{0} is not an SFS number (write it like 2016:1145)")]
    NotAnSfsNumber(String),
    #[error("could not reach {url}: {reason}")]
    Network { url: String, reason: String },
    #[error("{url} answered {status}: the legal database has no such page")]
    Missing { url: String, status: u16 },
    #[error("{url}: {reason}")]
    Unexpected { url: String, reason: String },
    #[error("could not write {path}: {reason}")]
    Write { path: PathBuf, reason: String },
}

/// What a fetch changed in the corpus.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fetched {
    pub sfs: String,
    /// The corpus path written (`lag/sfs-2016-1145.md`).
    pub path: String,
    pub title: String,
    /// The stamp before (when the statute was there already) and now.
    pub amended_to_before: Option<String>,
    pub amended_to: Option<String>,
    /// True when the corpus had no text of it before.
    pub new: bool,
    /// Paragraphs (their headings, "4 kap. 18 §") whose text changed, and those added and removed.
    pub changed: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

impl std::fmt::Display for Fetched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let stamp = |s: &Option<String>| s.clone().unwrap_or_else(|| "okänd".into());
        write!(f, "SFS {} ({}) → {}: ", self.sfs, self.title, self.path)?;
        if self.new {
            return write!(
                f,
                "ny i korpusen, ändrad t.o.m. SFS {}",
                stamp(&self.amended_to)
            );
        }
        if self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty() {
            return write!(
                f,
                "oförändrad (ändrad t.o.m. SFS {})",
                stamp(&self.amended_to)
            );
        }
        write!(
            f,
            "ändrad t.o.m. SFS {} → {}",
            stamp(&self.amended_to_before),
            stamp(&self.amended_to)
        )?;
        for (label, list) in [
            ("ändrade", &self.changed),
            ("nya", &self.added),
            ("borttagna", &self.removed),
        ] {
            if !list.is_empty() {
                write!(f, "; {label}: {}", list.join(", "))?;
            }
        }
        Ok(())
    }
}

/// Downloads pages.
pub struct Client {
    agent: ureq::Agent,
    base: String,
}

impl Client {
    pub fn new(base: &str) -> Client {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .user_agent(concat!("vagvisare/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client {
            agent,
            base: base.to_string(),
        }
    }

    fn get(&self, url: &str) -> Result<String, FetchError> {
        let mut resp = self
            .agent
            .get(url)
            .call()
            .map_err(|e| FetchError::Network {
                url: url.to_string(),
                reason: e.to_string(),
            })?;
        let status = resp.status().as_u16();
        if status != 200 {
            return Err(FetchError::Missing {
                url: url.to_string(),
                status,
            });
        }
        resp.body_mut()
            .with_config()
            .limit(MAX_PAGE_BYTES)
            .read_to_string()
            .map_err(|e| FetchError::Network {
                url: url.to_string(),
                reason: e.to_string(),
            })
    }

    /// Fetches one statute into `corpus` (see the module docs). `today` is the fetch date
    /// (`YYYY-MM-DD`), which also decides which version of a paragraph is in force.
    pub fn fetch(&self, corpus: &Path, sfs: &str, today: &str) -> Result<Fetched, FetchError> {
        if !frontmatter::is_sfs_number(sfs) {
            return Err(FetchError::NotAnSfsNumber(sfs.to_string()));
        }
        let text_url = official_url(&self.base, sfs);
        let page = sfst::parse_statute(&self.get(&text_url)?, Some(sfs)).map_err(|e| {
            FetchError::Unexpected {
                url: text_url.clone(),
                reason: e.to_string(),
            }
        })?;
        let register = register_url(&self.base, sfs);
        let amendments = sfst::parse_register(&self.get(&register)?, sfs).map_err(|e| {
            FetchError::Unexpected {
                url: register.clone(),
                reason: e.to_string(),
            }
        })?;
        let meta = StatuteMeta {
            sfs: sfs.to_string(),
            amended_to: page.amended_to.clone(),
            source: Some(text_url),
            fetched: Some(today.to_string()),
            amendments,
        };
        let file = sfst::corpus_file(&page, &meta, today);
        let rel = format!("{FOLDER}/sfs-{}.md", sfs.replace(':', "-"));
        let path = corpus.join(&rel);
        let before = std::fs::read(&path).ok();
        let mut fetched = compare(&rel, before.as_deref(), file.as_bytes());
        fetched.sfs = sfs.to_string();
        fetched.title = page.title.clone();
        fetched.amended_to = page.amended_to.clone();
        write_atomic(&path, file.as_bytes()).map_err(|reason| FetchError::Write {
            path: path.clone(),
            reason,
        })?;
        Ok(fetched)
    }
}

/// The paragraphs of a statute file by anchor: (heading, text).
fn paragraphs(rel: &RelPath, bytes: &[u8]) -> (Option<String>, BTreeMap<String, (String, String)>) {
    let Ok(doc) = markdown::parse(rel, bytes) else {
        return (None, BTreeMap::new());
    };
    let stamp = doc.meta.statute.as_ref().and_then(|s| s.amended_to.clone());
    let paragraphs = doc
        .sections
        .iter()
        .filter(|s| s.anchor.starts_with('K') || s.anchor.starts_with('P'))
        .map(|s| {
            let label = match s.trail.len() {
                0 => s.heading.clone().unwrap_or_default(),
                _ => label_of(&s.trail),
            };
            (s.anchor.clone(), (label, s.text.clone()))
        })
        .collect();
    (stamp, paragraphs)
}

/// "4 kap. 18 §" from a trail `["4 kap. Allmänna bestämmelser", "Reserverad upphandling", "18 §"]`.
fn label_of(trail: &[String]) -> String {
    let chapter = trail
        .iter()
        .find_map(|h| h.split_once(" kap.").map(|(n, _)| format!("{n} kap.")));
    let last = trail.last().cloned().unwrap_or_default();
    match chapter {
        Some(c) if last.ends_with('§') => format!("{c} {last}"),
        Some(c) => c,
        None => last,
    }
}

/// What differs between the statute file before (if any) and after.
fn compare(rel: &str, before: Option<&[u8]>, after: &[u8]) -> Fetched {
    let rel_path = RelPath::parse(rel).expect("a corpus path");
    let (_, new) = paragraphs(&rel_path, after);
    let Some(before) = before else {
        return Fetched {
            path: rel.to_string(),
            new: true,
            ..Fetched::default()
        };
    };
    let (stamp, old) = paragraphs(&rel_path, before);
    let mut out = Fetched {
        path: rel.to_string(),
        amended_to_before: stamp,
        ..Fetched::default()
    };
    for (anchor, (label, text)) in &new {
        match old.get(anchor) {
            None => out.added.push(label.clone()),
            Some((_, t)) if t != text => out.changed.push(label.clone()),
            _ => {}
        }
    }
    for (anchor, (label, _)) in &old {
        if !new.contains_key(anchor) {
            out.removed.push(label.clone());
        }
    }
    out
}

/// Writes beside the target and renames over it, so a reader sees the old file or the new one.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let tmp = path.with_extension("md.tmp");
    std::fs::write(&tmp, bytes).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        e.to_string()
    })
}
