//! Swedish compound words: *upphandlingsdokument* → *upphandlings* + *dokument*. The splitter
//! accepts a split only when every part is a known word (its Snowball stem is in the
//! dictionary), allowing the linking *-s-* (and *-e-*/*-a-* forms such as *skol-*, *arbets-*) at
//! the end of non-final parts, and prefers the fewest parts, then the split whose shortest part
//! is longest. A short list of lexicalised words (*överenskommelse*, *kommunfullmäktige*) is
//! never split.
//!
//! The dictionary is the built-in domain word list (`words.txt`, written for Vägvisare) plus
//! the word list a process is given ([`WordList`]: by default Debian's `hunspell-sv`, LGPL-3,
//! read at run time from `/usr/share/hunspell/sv_SE.dic` and never copied into the project).
//! The word list is an input like the analyzers: its [`Dictionary::fingerprint`] is part of the
//! index's version, so an index built with one list is rebuilt, not searched, with another.
//!
//! Stemming 150 000 words takes a while, so the indexer keeps the stemmed table in
//! `index/dictionary.cache` ([`save_cache`], under the writer lock); other processes only read
//! it ([`read_cache_from`]).

use rustc_hash::FxHashSet;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex, OnceLock, RwLock};
use tantivy::tokenizer::{Language, Stemmer, TextAnalyzer, TokenStream};

const BUILT_IN: &str = include_str!("words.txt");
/// Where the system word list is looked for by default (see [`WordList::from_environment`]).
pub const SYSTEM_DICTIONARY: &str = "/usr/share/hunspell/sv_SE.dic";
/// Words shorter than this are never split.
const MIN_WORD_CHARS: usize = 8;
/// Parts shorter than this are not accepted.
const MIN_PART_CHARS: usize = 4;

/// The forms of the suffix "-skap" after its "s", never a part of their own.
const SKAP_ENDINGS: &[&str] = &[
    "kap", "kapet", "kapen", "kaper", "kapets", "kapens", "kaperna", "kapernas",
];
/// Lexicalised words that look like compounds but are searched as wholes.
const DO_NOT_SPLIT: &[&str] = &[
    "överenskommelse",
    "överenskommelsen",
    "kommunfullmäktige",
    "upphandling",
    "upphandlingen",
    "upphandlingar",
    "verksamhet",
    "verksamheten",
    "arbetsförmedlingen",
    "arbetsförmedling",
    "förvaltningsrätten",
    "förvaltningsrätt",
];

pub struct Dictionary {
    stems: FxHashSet<&'static str>,
    words: FxHashSet<&'static str>,
    /// Which sources were loaded, how many entries and a digest of them: part of the index
    /// version (`index::store::Payload`).
    pub fingerprint: String,
    /// What the cache file's first line must say for this dictionary.
    header: String,
    /// The `word<TAB>stem` table the sets borrow from.
    table: &'static str,
    cache: Mutex<HashMap<String, Option<Vec<String>>>>,
    /// [`Dictionary::parts_text`]'s answer per word as written: the input of the `parts` field
    /// for each compound (parts joined, each followed by a space), `None` for other words.
    parts_memo: RwLock<rustc_hash::FxHashMap<Box<str>, Option<Box<str>>>>,
}

/// Words remembered by `parts_memo`; beyond it words are split each time.
const MAX_MEMO_WORDS: usize = 1 << 18;

fn stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(tantivy::tokenizer::RawTokenizer::default())
        .filter(Stemmer::new(Language::Swedish))
        .build()
}

fn stem_with(analyzer: &mut TextAnalyzer, word: &str) -> String {
    let mut s = analyzer.token_stream(word);
    let mut out = String::new();
    while s.advance() {
        out = s.token().text.clone();
    }
    out
}

static DICTIONARY: LazyLock<Dictionary> = LazyLock::new(Dictionary::load);

/// The word list used besides the built-in one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WordList {
    /// Only the built-in domain list.
    BuiltInOnly,
    /// A hunspell `.dic` file (a missing file counts as an empty list, and the fingerprint says so).
    File(PathBuf),
}

impl WordList {
    /// `none` for the built-in list only, otherwise a path.
    pub fn parse(s: &str) -> WordList {
        match s.trim() {
            "none" | "" => WordList::BuiltInOnly,
            path => WordList::File(PathBuf::from(path)),
        }
    }

    /// `VAGVISARE_DICTIONARY` if set, else the system's hunspell-sv list.
    pub fn from_environment() -> WordList {
        match std::env::var("VAGVISARE_DICTIONARY") {
            Ok(v) => WordList::parse(&v),
            Err(_) => WordList::File(PathBuf::from(SYSTEM_DICTIONARY)),
        }
    }

    fn path(&self) -> Option<&std::path::Path> {
        match self {
            WordList::BuiltInOnly => None,
            WordList::File(p) => Some(p),
        }
    }
}

static CHOSEN: OnceLock<WordList> = OnceLock::new();

/// Chooses the word list of this process. It must come before the dictionary is first used; a
/// later, different choice is refused (`false`), since the dictionary is made once.
pub fn choose(list: WordList) -> bool {
    CHOSEN.get_or_init(|| list.clone()) == &list
}

fn chosen() -> &'static WordList {
    CHOSEN.get_or_init(WordList::from_environment)
}

/// Where readers look for the indexer's stemmed table (set before first use).
static CACHE_FILE: OnceLock<PathBuf> = OnceLock::new();

/// Reads the stemmed table from `file` if it was written for the same sources. Call before the
/// dictionary is first used; the file is only read, never written, by this call.
pub fn read_cache_from(file: PathBuf) {
    let _ = CACHE_FILE.set(file);
}

/// Writes the dictionary's stemmed table to `file` unless it already holds it. Only the indexer
/// calls this, while it holds the index's writer lock.
pub fn save_cache(file: &std::path::Path) {
    let d = dictionary();
    if read_cache(file, &d.header).is_some() {
        return;
    }
    let out = format!("{}\n{}\n{}", d.header, d.fingerprint, d.table);
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, out).is_ok() && std::fs::rename(&tmp, file).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// The first line of a cache file: what it was built from. A different word list (or version of
/// this code) makes it stale.
fn cache_header(list: &WordList) -> String {
    let path = list
        .path()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "none".into());
    let system = list
        .path()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| {
            let mtime = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}:{}", m.len(), mtime)
        })
        .unwrap_or_default();
    format!(
        "vagvisare-dictionary 2 {} {path} {system}",
        blake3::hash(BUILT_IN.as_bytes()).to_hex()
    )
}

/// Loads the process-wide dictionary on a background thread, so that a server's first query
/// does not wait for it.
pub fn preload() {
    std::thread::spawn(|| dictionary().words.len());
}

/// The process-wide dictionary.
pub fn dictionary() -> &'static Dictionary {
    &DICTIONARY
}

/// The built-in list plus the chosen word list, with a fingerprint of both: how many entries
/// each gave and a digest of them, so any change to either list changes it.
fn sources(list: &WordList) -> (Vec<String>, String) {
    let system = list.path().and_then(|p| std::fs::read_to_string(p).ok());
    let mut entries: Vec<String> = BUILT_IN
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_lowercase)
        .collect();
    let built_in = entries.len();
    let mut system_count = 0;
    if let Some(text) = &system {
        for line in text.lines().skip(1) {
            let word = line.split('/').next().unwrap_or("").trim();
            if word.chars().count() >= 2
                && word.chars().all(char::is_alphabetic)
                && word.chars().next().is_some_and(char::is_lowercase)
            {
                entries.push(crate::analysis::fold(word));
                system_count += 1;
            }
        }
    }
    let digest = |words: &[String]| {
        let mut h = blake3::Hasher::new();
        for w in words {
            h.update(w.as_bytes());
            h.update(b"\n");
        }
        h.finalize().to_hex()[..16].to_string()
    };
    let fingerprint = format!(
        "builtin:{built_in}:{};system:{system_count}:{}",
        digest(&entries[..built_in]),
        digest(&entries[built_in..])
    );
    (entries, fingerprint)
}

/// The stem of every word, in order, computed on all cores (152 000 words take about 50 ms of
/// CPU, most of a server's start-up without the cache file).
fn stem_all(words: &[String]) -> Vec<String> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = words.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = words
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut stemmer = stemmer();
                    part.iter()
                        .map(|w| stem_with(&mut stemmer, w))
                        .collect::<Vec<String>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().expect("stemming thread"))
            .collect()
    })
}

/// Words, stems and fingerprint from a cache file written for the same sources.
/// The table part of a cache file (`word<TAB>stem` lines) and the fingerprint, when the file
/// was built from the sources `header` names.
fn read_cache(file: &std::path::Path, header: &str) -> Option<(String, String)> {
    let mut text = std::fs::read_to_string(file).ok()?;
    let (first, rest) = text.split_once('\n')?;
    if first != header {
        return None;
    }
    let (fingerprint, _) = rest.split_once('\n')?;
    let fingerprint = fingerprint.to_string();
    let start = header.len() + 1 + fingerprint.len() + 1;
    text.drain(..start);
    Some((text, fingerprint))
}

/// `word<TAB>stem` lines.
fn table(words: &[String], stems: &[String]) -> String {
    let mut out = String::new();
    for (w, s) in words.iter().zip(stems) {
        out.push_str(w);
        out.push('\t');
        out.push_str(s);
        out.push('\n');
    }
    out
}

impl Dictionary {
    fn load() -> Dictionary {
        let list = chosen();
        let header = cache_header(list);
        let cached = CACHE_FILE.get().and_then(|f| read_cache(f, &header));
        let (table_text, fingerprint) = match cached {
            Some(c) => c,
            None => {
                let (words, fingerprint) = sources(list);
                let stems = stem_all(&words);
                (table(&words, &stems), fingerprint)
            }
        };
        Dictionary::from_table(table_text, fingerprint, header)
    }

    /// A dictionary of exactly these words (lower-case).
    pub fn from_words(words: Vec<String>, fingerprint: String) -> Dictionary {
        let stems = stem_all(&words);
        Dictionary::from_table(table(&words, &stems), fingerprint, String::new())
    }

    /// A dictionary over `word<TAB>stem` lines. The text is kept for the life of the process
    /// (a dictionary is made once) and the sets borrow from it: no string per word, which made
    /// loading 136 000 words take twice as long.
    fn from_table(text: String, fingerprint: String, header: String) -> Dictionary {
        let text: &'static str = Box::leak(text.into_boxed_str());
        let n = text.len() / 16;
        let mut words = FxHashSet::default();
        let mut stems = FxHashSet::default();
        words.reserve(n);
        stems.reserve(n);
        for (word, stem) in text.lines().filter_map(|l| l.split_once('\t')) {
            words.insert(word);
            stems.insert(stem);
        }
        Dictionary {
            stems,
            words,
            fingerprint,
            header,
            table: text,
            cache: Mutex::new(HashMap::new()),
            parts_memo: RwLock::new(Default::default()),
        }
    }

    /// Whether a (lower-case) word is in the word lists, as is or by its stem.
    pub fn contains(&self, word: &str) -> bool {
        self.known(&mut stemmer(), word)
    }

    fn known(&self, stemmer: &mut TextAnalyzer, part: &str) -> bool {
        self.words.contains(part) || self.stems.contains(stem_with(stemmer, part).as_str())
    }

    /// A non-final part: known as is, or after dropping a linking letter.
    fn known_head(&self, part: &str) -> bool {
        if self.words.contains(part) {
            return true;
        }
        for link in ["s", "e", "a", "u", "o"] {
            if let Some(base) = part.strip_suffix(link)
                && base.chars().count() >= MIN_PART_CHARS
                && self.words.contains(base)
            {
                return true;
            }
        }
        false
    }

    /// The parts of a compound (lower-case input), or `None` when it is not one.
    pub fn split(&self, word: &str) -> Option<Vec<String>> {
        if word.chars().count() < MIN_WORD_CHARS || !word.chars().all(char::is_alphabetic) {
            return None;
        }
        if let Some(hit) = self.cache.lock().ok().and_then(|c| c.get(word).cloned()) {
            return hit;
        }
        let mut stemmer = stemmer();
        let result = if DO_NOT_SPLIT.contains(&word) {
            None
        } else {
            self.best_split(&mut stemmer, word)
        };
        if let Ok(mut c) = self.cache.lock() {
            if c.len() > 200_000 {
                c.clear();
            }
            c.insert(word.to_string(), result.clone());
        }
        result
    }

    fn best_split(&self, stemmer: &mut TextAnalyzer, word: &str) -> Option<Vec<String>> {
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        let n = chars.len();
        let byte = |i: usize| if i == n { word.len() } else { chars[i].0 };
        // best[i] = best split of word[i..] as (parts, shortest part length)
        let mut best: Vec<Option<(Vec<String>, usize)>> = vec![None; n + 1];
        best[n] = Some((Vec::new(), usize::MAX));
        for i in (0..n).rev() {
            for j in (i + MIN_PART_CHARS)..=n {
                let part = &word[byte(i)..byte(j)];
                // "-skap" makes nouns (partnerskap, medlemskap, landskap): its "kap" is not the
                // word "kap" after a linking -s ("partnerskapen" is not "partners" + "kapen").
                if i > 0 && chars[i - 1].1 == 's' && SKAP_ENDINGS.contains(&part) {
                    continue;
                }
                let ok = if j == n {
                    self.known(stemmer, part)
                } else {
                    self.known_head(part)
                };
                if !ok {
                    continue;
                }
                let Some((rest, shortest)) = &best[j] else {
                    continue;
                };
                if i == 0 && j == n {
                    continue; // the whole word is not a split
                }
                let mut parts = vec![part.to_string()];
                parts.extend(rest.iter().cloned());
                let cand = (parts, (*shortest).min(j - i));
                let better = match &best[i] {
                    None => true,
                    Some((p, s)) => {
                        cand.0.len() < p.len() || (cand.0.len() == p.len() && cand.1 > *s)
                    }
                };
                if better {
                    best[i] = Some(cand);
                }
            }
        }
        best[0].take().map(|(p, _)| p).filter(|p| p.len() >= 2)
    }

    /// The parts of every compound in a text, in order: the input of the `parts` field, which
    /// holds only what a word-by-word field cannot find (a word used inside a compound).
    pub fn parts_text(&self, text: &str) -> String {
        self.parts_of_words(super::words::spans(text).map(|(_, word)| word))
    }

    /// [`Dictionary::parts_text`] of words already split (the indexer splits a section's text
    /// once for this and the `fold` field).
    pub fn parts_of_words<'a>(&self, words: impl Iterator<Item = &'a str>) -> String {
        let mut out = String::new();
        // Extraction threads call this at once: they share the table under a read lock and
        // add what they learnt in one short write at the end.
        let mut learnt: Vec<(&str, Option<Box<str>>)> = Vec::new();
        {
            let memo = self.parts_memo.read().unwrap_or_else(|e| e.into_inner());
            for word in words {
                // Compounds are long: most words end here, by their length in bytes (at least
                // their length in characters), without a lookup.
                if word.len() < MIN_WORD_CHARS {
                    continue;
                }
                if let Some(known) = memo.get(word) {
                    out.push_str(known.as_deref().unwrap_or(""));
                    continue;
                }
                let parts = if word.chars().nth(MIN_WORD_CHARS - 1).is_none() {
                    None
                } else {
                    let lower = crate::analysis::fold(&word.to_lowercase());
                    self.split(&lower).map(|parts| {
                        let mut joined = String::new();
                        for p in parts {
                            joined.push_str(&p);
                            joined.push(' ');
                        }
                        joined.into_boxed_str()
                    })
                };
                out.push_str(parts.as_deref().unwrap_or(""));
                learnt.push((word, parts));
            }
        }
        if !learnt.is_empty() {
            let mut memo = self.parts_memo.write().unwrap_or_else(|e| e.into_inner());
            for (word, parts) in learnt {
                if memo.len() >= MAX_MEMO_WORDS {
                    break;
                }
                memo.insert(word.into(), parts);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stemmed_word_list_survives_a_cache_file_and_a_changed_source_invalidates_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("dictionary.cache");
        let words: Vec<String> = ["upphandling", "dokumentet", "kommunerna"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        let stems = stem_all(&words);
        assert_eq!(stems.len(), 3);
        std::fs::write(
            &file,
            format!("header A\nbuiltin:3;system:0\n{}", table(&words, &stems)),
        )
        .unwrap();
        let (text, fingerprint) = read_cache(&file, "header A").expect("cache read back");
        assert_eq!(text, table(&words, &stems));
        assert_eq!(fingerprint, "builtin:3;system:0");
        assert!(
            read_cache(&file, "header B").is_none(),
            "other sources, other header"
        );
        let d = Dictionary::from_table(text, fingerprint, "header A".into());
        assert!(d.contains("kommunerna") && d.contains("kommun"));
    }

    fn dict() -> Dictionary {
        let words = [
            "upphandling",
            "dokument",
            "sysselsättning",
            "krav",
            "partnerskap",
            "partner",
            "kap",
            "medlem",
            "kapital",
            "avtal",
            "överenskommelse",
            "kommun",
            "ramavtal",
            "arbete",
            "integration",
            "social",
            "företag",
        ];
        Dictionary::from_words(words.iter().map(|w| w.to_string()).collect(), "test".into())
    }

    #[test]
    fn splits() {
        let d = dict();
        for (word, expected) in [
            (
                "upphandlingsdokument",
                Some(vec!["upphandlings", "dokument"]),
            ),
            (
                "upphandlingsdokumenten",
                Some(vec!["upphandlings", "dokumenten"]),
            ),
            ("sysselsättningskrav", Some(vec!["sysselsättnings", "krav"])),
            ("partnerskapsavtal", Some(vec!["partnerskaps", "avtal"])),
            ("partnerskapen", None),
            ("medlemskapet", None),
            ("upphandlingskapital", Some(vec!["upphandlings", "kapital"])),
            ("överenskommelse", None),
            ("upphandling", None),
            ("kommunfullmäktige", None),
            (
                "ramavtalsupphandling",
                Some(vec!["ramavtals", "upphandling"]),
            ),
            ("kvastfening", None),
        ] {
            let got = d.split(word);
            assert_eq!(
                got,
                expected.map(|v| v.into_iter().map(String::from).collect::<Vec<_>>()),
                "{word}"
            );
        }
        assert_eq!(
            d.parts_text("Upphandlingsdokument och krav"),
            "upphandlings dokument "
        );
    }
}

/// Coordinated compounds with a hanging hyphen spelled out: "barn- och ungdomsverksamhet" →
/// "barnverksamhet och ungdomsverksamhet", "upphandlings- och avtalsfrågor" → "upphandlingsfrågor
/// och avtalsfrågor". The head is the last part of the full compound after the conjunction (as
/// the word list splits it); text without the pattern comes back unchanged.
pub fn expand_hanging_hyphens(text: &str) -> std::borrow::Cow<'_, str> {
    static HANGING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(\w{2,})- (och|eller|samt|respektive) (\w{5,})")
            .expect("valid regex")
    });
    if !text.contains("- ") {
        return std::borrow::Cow::Borrowed(text);
    }
    HANGING.replace_all(text, |c: &regex::Captures| {
        let full = &c[3];
        let head = dictionary()
            .split(&full.to_lowercase())
            .and_then(|parts| parts.last().cloned());
        match head {
            Some(head) if full.to_lowercase().ends_with(&head) => {
                format!("{}{} {} {}", &c[1], head, &c[2], full)
            }
            _ => c[0].to_string(),
        }
    })
}

#[cfg(test)]
mod system_tests {
    /// With the real dictionary (when installed): a few domain compounds.
    #[test]
    fn real_dictionary_examples() {
        let d = super::dictionary();
        eprintln!("dictionary: {}", d.fingerprint);
        for w in [
            "upphandlingsdokument",
            "sysselsättningskrav",
            "partnerskapsavtal",
            "direktupphandlingsgräns",
            "upphandlingsregler",
            "överenskommelse",
            "kommunfullmäktige",
            "reservationsmöjlighet",
            "upphandlingsskadeavgift",
            "valfrihetssystem",
        ] {
            eprintln!("{w} -> {:?}", d.split(w));
        }
    }
}
