//! Everything that knows Swedish (and the little English we need): the text analyzers used
//! at index and query time, registered under fixed names on every opened index (tantivy does
//! not store tokenizers), and the recogniser of legal references ([`legal`]).
//!
//! Analyzers:
//! - `sv`: lower-case, fold foreign accents (é→e, ü→u) but keep å, ä, ö distinct, Swedish stop
//!   words, Swedish Snowball stemming. For Swedish documents' title, trail and body.
//! - `en`: the same with English stop words and stemmer, for English documents.
//! - `exact`: lower-case and accent folding only: exact word forms, suggestions, and the words
//!   of a query.
//! - `phrase`: `exact` without Swedish and English stop words, their positions left empty: the
//!   `body_exact` field, which phrases are matched in. "och", "att", "i" were a third of its
//!   postings, each with positions in almost every section, and a query word such as "är"
//!   matched every section through it. English stop words go too, so that English sections
//!   shrink as much as Swedish ones and length normalisation treats both alike (with Swedish
//!   stop words alone, English queries lost 0.02 nDCG).
//! - `fold`: everything folded to ASCII (å→a too), for queries typed without Swedish letters.
//!
//! Compound words ([`compound`]) are split before the `sv` analyzer for the `parts` field;
//! synonyms, abbreviations and English terms ([`lexicon`]) expand queries.
//!
//! Not for: building queries (that is `search`) or deciding a document's language (`ingest`).

pub mod compound;
pub mod legal;
pub mod lexicon;
pub mod memo;
pub mod words;

use std::mem;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};

/// Bump when any analyzer changes: the indexer then rebuilds the index by itself.
pub const ANALYZER_VERSION: u32 = 10;

pub const SV: &str = "sv";
pub const EN: &str = "en";
pub const EXACT: &str = "exact";
pub const PHRASE: &str = "phrase";
pub const FOLD: &str = "fold";

/// Longest token kept, in UTF-8 bytes (å/ä/ö take two; Swedish compounds run long).
const MAX_TOKEN_BYTES: usize = 80;

pub fn sv() -> TextAnalyzer {
    memo::Memo::new(Analyzer::Sv, sv_chain()).into()
}

fn sv_chain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(SwedishFold)
        .filter(StopWordFilter::new(Language::Swedish).expect("Swedish stop words are built in"))
        .filter(Stemmer::new(Language::Swedish))
        .filter(StemFix)
        .build()
}

pub fn en() -> TextAnalyzer {
    memo::Memo::new(Analyzer::En, en_chain()).into()
}

fn en_chain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(SwedishFold)
        .filter(StopWordFilter::new(Language::English).expect("English stop words are built in"))
        .filter(Stemmer::new(Language::English))
        .build()
}

pub fn exact() -> TextAnalyzer {
    memo::Memo::new(Analyzer::Exact, exact_chain()).into()
}

fn exact_chain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(SwedishFold)
        .build()
}

pub fn phrase() -> TextAnalyzer {
    memo::Memo::new(Analyzer::Phrase, phrase_chain()).into()
}

fn phrase_chain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(SwedishFold)
        .filter(StopWordFilter::new(Language::Swedish).expect("Swedish stop words are built in"))
        .filter(StopWordFilter::new(Language::English).expect("English stop words are built in"))
        .build()
}

/// Whether the `phrase` analyzer leaves a word (an exact form) out: a Swedish or English stop
/// word, which `body_exact` does not hold.
pub fn is_stop_word(exact_word: &str) -> bool {
    tokens(Analyzer::Phrase, exact_word).is_empty()
}

/// Words that carry the grammar of a question rather than its subject ("hur får vi …"),
/// beyond the stop-word lists: modal verbs, question words, pronouns, and the prepositions the
/// Swedish stop list leaves out ("innan", "enligt", "hos"; it has "inom", "mellan", "under").
/// They still take part in matching, but a page never marks them as what was found. Words are
/// told by their stems, so a preposition whose stem a content word shares stays out: "före"
/// (föra), "inför" (införa), "bland" (blanda, blandade kontrakt), "utöver" (utöva).
const FUNCTION_WORDS: &[&str] = &[
    "får",
    "fick",
    "kan",
    "kunde",
    "ska",
    "skall",
    "skulle",
    "måste",
    "bör",
    "borde",
    "vill",
    "hur",
    "vad",
    "när",
    "var",
    "vem",
    "vilka",
    "vilken",
    "vilket",
    "varför",
    "om",
    "vi",
    "ni",
    "man",
    "oss",
    "er",
    "jag",
    "du",
    "det",
    "den",
    "de",
    "är",
    "vara",
    "finns",
    "gäller",
    "göra",
    "innan",
    "enligt",
    "genom",
    "trots",
    "kring",
    "hos",
    "angående",
    "beträffande",
    "via",
    "per",
    "bakom",
    "utanför",
    "omkring",
    "how",
    "what",
    "when",
    "who",
    "which",
    "can",
    "may",
    "must",
    "should",
    "we",
    "you",
];

/// Whether a stem (of the Swedish or English analyzer) is a function word's: never marked as
/// a match.
pub fn is_function_stem(stem: &str) -> bool {
    static STEMS: std::sync::LazyLock<std::collections::HashSet<String>> =
        std::sync::LazyLock::new(|| {
            let mut set = std::collections::HashSet::new();
            for w in FUNCTION_WORDS {
                set.insert(w.to_string());
                for a in [Analyzer::Sv, Analyzer::En] {
                    set.extend(tokens(a, w).into_iter().map(|(_, t)| t));
                }
            }
            set
        });
    STEMS.contains(stem)
}

/// The verb stem a Swedish noun in -ation comes from: "reservation" → "reserver" (the stem of
/// "reservera", "reserverade"), "kommunikation" → "kommunicer". Snowball stems the noun and the
/// verb apart, so "reservationsmöjlighet" never met "möjlighet att reservera". Short stems
/// ("station", "nation", "relation") are left alone. Verbs in -fiera are missed ("verifikation"
/// gives "verificer", not "verifier"): a miss, never a wrong match.
pub fn verb_of_noun(stem: &str) -> Option<String> {
    let base = stem.strip_suffix("ation")?;
    if base.chars().count() < 4 {
        return None;
    }
    Some(match base.strip_suffix('k') {
        Some(b) => format!("{b}cer"),
        None => format!("{base}er"),
    })
}

/// Full folding, å/ä/ö included, no stemming: only for the low-weight field that lets queries
/// typed without Swedish letters (`overprovning`) find the words (`överprövning`).
pub fn folded() -> TextAnalyzer {
    memo::Memo::new(Analyzer::Fold, folded_chain()).into()
}

fn folded_chain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(tantivy::tokenizer::AsciiFoldingFilter)
        .build()
}

/// Registers every analyzer on an index. Must run after each `Index::open`/`create`.
pub fn register(index: &tantivy::Index) {
    let t = index.tokenizers();
    t.register(SV, sv());
    t.register(EN, en());
    t.register(EXACT, exact());
    t.register(PHRASE, phrase());
    t.register(FOLD, folded());
}

/// An analyzer, by what it is for (see the module documentation).
#[derive(Clone, Copy, Debug)]
pub enum Analyzer {
    Sv,
    En,
    Exact,
    Fold,
    Phrase,
}

/// Runs an analyzer over `text` and returns (position, token text) pairs. Each thread keeps
/// one instance of each analyzer, so a server thread's word tables ([`memo`]) stay warm from
/// query to query and no query pays for building an analyzer (the stop-word sets alone were
/// a tenth of a query's allocations).
pub fn tokens(analyzer: Analyzer, text: &str) -> Vec<(usize, String)> {
    with(analyzer, |a| {
        let mut out = Vec::new();
        let mut stream = a.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            out.push((t.position, t.text.clone()));
        }
        out
    })
}

/// One word of a text as the analyzers see it: its position, its exact form (lower-cased,
/// é folded), and its Swedish and English stems (`None` where that language drops it as a
/// stop word).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub pos: usize,
    pub exact: String,
    pub sv: Option<String>,
    pub en: Option<String>,
}

impl Word {
    /// A stop word in neither language: a word that carries meaning for matching.
    pub fn is_content(&self) -> bool {
        self.sv.is_some() && self.en.is_some()
    }

    /// The stems it has (Swedish first).
    pub fn stems(&self) -> impl Iterator<Item = &str> {
        self.sv.iter().chain(self.en.iter()).map(String::as_str)
    }
}

/// The words of a text, each with its forms under the exact, Swedish and English analyzers
/// lined up by position (every analyzer gives at most one token per position).
pub fn aligned(text: &str) -> Vec<Word> {
    let mut sv: std::collections::HashMap<usize, String> =
        tokens(Analyzer::Sv, text).into_iter().collect();
    let mut en: std::collections::HashMap<usize, String> =
        tokens(Analyzer::En, text).into_iter().collect();
    tokens(Analyzer::Exact, text)
        .into_iter()
        .map(|(pos, exact)| Word {
            pos,
            exact,
            sv: sv.remove(&pos),
            en: en.remove(&pos),
        })
        .collect()
}

/// Lends this thread's instance of an analyzer (see [`tokens`]).
pub fn with<R>(analyzer: Analyzer, f: impl FnOnce(&mut TextAnalyzer) -> R) -> R {
    thread_local! {
        static WARM: std::cell::RefCell<[TextAnalyzer; 5]> =
            std::cell::RefCell::new([sv(), en(), exact(), folded(), phrase()]);
    }
    WARM.with_borrow_mut(|warm| f(&mut warm[analyzer as usize]))
}

/// Folds accented letters that Swedish does not treat as letters of their own (é, è, ü, á, ...)
/// to their base letter, and leaves å, ä, ö (and æ, ø) alone. tantivy's `AsciiFoldingFilter`
/// would fold å/ä/ö too, which merges different Swedish words and breaks the stemmer.
#[derive(Clone)]
pub struct SwedishFold;

impl TokenFilter for SwedishFold {
    type Tokenizer<T: Tokenizer> = SwedishFoldWrapper<T>;
    fn transform<T: Tokenizer>(self, inner: T) -> SwedishFoldWrapper<T> {
        SwedishFoldWrapper {
            inner,
            buf: String::new(),
        }
    }
}

#[derive(Clone)]
pub struct SwedishFoldWrapper<T> {
    inner: T,
    buf: String,
}

impl<T: Tokenizer> Tokenizer for SwedishFoldWrapper<T> {
    type TokenStream<'a> = SwedishFoldStream<'a, T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.buf.clear();
        SwedishFoldStream {
            tail: self.inner.token_stream(text),
            buf: &mut self.buf,
        }
    }
}

pub struct SwedishFoldStream<'a, T> {
    tail: T,
    buf: &'a mut String,
}

/// The base letter of a foreign accented letter; `None` for everything else (å/ä/ö included).
pub fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'é' | 'è' | 'ê' | 'ë' => "e",
        'á' | 'à' | 'â' | 'ã' => "a",
        'ü' | 'ú' | 'ù' | 'û' => "u",
        'í' | 'ì' | 'î' | 'ï' => "i",
        'ó' | 'ò' | 'ô' | 'õ' => "o",
        'ç' => "c",
        'ñ' => "n",
        'ý' | 'ÿ' => "y",
        'š' => "s",
        'ž' => "z",
        'č' => "c",
        'ß' => "ss",
        _ => return None,
    })
}

/// Folds everything to the base letters, å/ä/ö included (ö→o): only for comparing a query typed
/// without Swedish letters with the index's words.
pub fn fold_swedish(text: &str) -> String {
    tokens(Analyzer::Fold, text)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

/// Applies [`fold_char`] to a whole string.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match fold_char(c) {
            Some(s) => out.push_str(s),
            None => out.push(c),
        }
    }
    out
}

impl<T: TokenStream> TokenStream for SwedishFoldStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let text = &self.tail.token().text;
        if !text.is_ascii() && text.chars().any(|c| fold_char(c).is_some()) {
            self.buf.clear();
            for c in text.chars() {
                match fold_char(c) {
                    Some(s) => self.buf.push_str(s),
                    None => self.buf.push(c),
                }
            }
            mem::swap(&mut self.tail.token_mut().text, self.buf);
        }
        true
    }
    fn token(&self) -> &Token {
        self.tail.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Evens out Snowball Swedish where it gives one word two stems: the *-en*/*-na* adjective pair
/// (*idéburen* → `idebur`, *idéburna* → `ideburn`) is brought to one stem.
#[derive(Clone)]
pub struct StemFix;

/// Stem endings rewritten after stemming.
const STEM_FIXES: &[(&str, &str)] = &[("burn", "bur")];

impl TokenFilter for StemFix {
    type Tokenizer<T: Tokenizer> = StemFixWrapper<T>;
    fn transform<T: Tokenizer>(self, inner: T) -> StemFixWrapper<T> {
        StemFixWrapper { inner }
    }
}

#[derive(Clone)]
pub struct StemFixWrapper<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StemFixWrapper<T> {
    type TokenStream<'a> = StemFixStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemFixStream {
            tail: self.inner.token_stream(text),
        }
    }
}

pub struct StemFixStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for StemFixStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let text = &mut self.tail.token_mut().text;
        for (from, to) in STEM_FIXES {
            if text.ends_with(from) && text.len() > from.len() + 2 {
                let cut = text.len() - from.len();
                text.truncate(cut);
                text.push_str(to);
                break;
            }
        }
        true
    }
    fn token(&self) -> &Token {
        self.tail.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verb an -ation noun comes from meets the verb's own stem; short words are left alone.
    #[test]
    fn nouns_in_ation_lead_to_their_verbs() {
        let stem = |w: &str| tokens(Analyzer::Sv, w)[0].1.clone();
        for (noun, verb) in [
            ("reservationen", "reserverade"),
            ("integration", "arbetsintegrerande"),
            ("kommunikation", "kommunicera"),
            ("kvalifikationer", "kvalificerar"),
            ("dokumentation", "dokumentera"),
        ] {
            let derived = verb_of_noun(&stem(noun)).expect(noun);
            assert!(
                stem(verb).ends_with(&derived),
                "{noun} → {derived}, {verb} → {}",
                stem(verb)
            );
        }
        for word in ["station", "nation", "relation", "upphandling"] {
            assert_eq!(verb_of_noun(&stem(word)), None, "{word}");
        }
    }

    fn check(mut analyzer: TextAnalyzer, input: &str, expected: &[&str]) {
        let mut got = Vec::new();
        let mut stream = analyzer.token_stream(input);
        while stream.advance() {
            got.push(stream.token().text.clone());
        }
        assert_eq!(got, expected, "{input}");
    }

    /// Every token (text, position, offsets) of the memoised analyzers equals the filter
    /// chain's, on tricky words and on the statutes under `../shared/realdata`, read twice so
    /// the second pass is answered from the table.
    #[test]
    fn memo_gives_what_the_chain_gives() {
        let mut texts = vec![
            "İstanbul Straße ÉLAN Överprövning ÖVERPRÖVNING 4 kap. 18 § x1y2 och det att"
                .to_string(),
            format!("{} kort", "a".repeat(81)),
            "Idéburna idéburen IDÉBURNA naïve café Ǆemal ﬁnans".to_string(),
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata");
        for sub in ["statutes_markdown", "gov_text"] {
            if let Ok(entries) = std::fs::read_dir(dir.join(sub)) {
                for e in entries.flatten() {
                    if let Ok(t) = std::fs::read_to_string(e.path()) {
                        texts.push(t);
                    }
                }
            }
        }
        let all = |a: &mut TextAnalyzer, text: &str| {
            let mut out = Vec::new();
            let mut stream = a.token_stream(text);
            while stream.advance() {
                let t = stream.token();
                out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
            }
            out
        };
        let pairs = [
            (sv(), sv_chain()),
            (en(), en_chain()),
            (exact(), exact_chain()),
            (folded(), folded_chain()),
            (phrase(), phrase_chain()),
        ];
        let mut compared = 0;
        for (mut m, mut c) in pairs {
            for _ in 0..2 {
                for text in &texts {
                    let want = all(&mut c, text);
                    assert_eq!(all(&mut m, text), want);
                    compared += want.len();
                }
            }
        }
        assert!(compared > 1000, "only {compared} tokens compared");
    }

    #[test]
    fn swedish() {
        check(sv(), "Upphandlingen", &["upphandling"]);
        check(sv(), "upphandlingar", &["upphandling"]);
        check(sv(), "Idéburna", &["idebur"]);
        check(sv(), "ideburna", &["idebur"]);
        check(sv(), "idéburen", &["idebur"]);
        check(sv(), "reserverat", &["reserver"]);
        check(sv(), "reserverade", &["reserver"]);
        check(sv(), "Överenskommelsen", &["överenskomm"]);
        check(exact(), "Hälsa Åtgärd é", &["hälsa", "åtgärd", "e"]);
        check(sv(), "och det att", &[]);
        check(en(), "reserved contracts", &["reserv", "contract"]);
    }
}
