//! Memoised analysis: every filter of our analyzers looks at one word at a time, so a word's
//! result never depends on its neighbours. [`Memo`] splits text into words exactly as
//! `SimpleTokenizer` does (with [`super::words`], which is cheaper on å/ä/ö), runs the
//! analyzer's filter chain once per distinct word and answers repeats from a table. Indexing
//! sees each common word thousands of times; lower-casing, folding, the stop-word set and the
//! Snowball stemmer were a quarter of an index build.
//!
//! The tables belong to the thread, one per analyzer: tantivy clones an analyzer for every
//! segment it writes and for every snippet it makes, and a table per instance would start
//! empty each time (a snippet's words were all misses, slower than no table at all).
//!
//! The output is the same token for token (text, position, offsets) as the analyzer without the
//! table: `analysis::tests::memo_gives_what_the_chain_gives` checks it on real documents.

use super::Analyzer;
use super::words::{self, Spans};
use rustc_hash::FxHashMap as FastMap;
use std::cell::RefCell;
use std::rc::Rc;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

/// Distinct words remembered per thread and analyzer; beyond it words are analysed each time
/// (a corpus's long tail of rare words would otherwise grow the table without bound). At about
/// 70 bytes a word, a full table is under 5 MB.
const MAX_WORDS: usize = 1 << 16;

/// A word as written → the analyzer's token for it (`None`: the analyzer drops the word).
/// Words of up to 16 bytes (nearly all) are keyed by their bytes packed into a number, so a
/// lookup neither follows a pointer nor compares strings (`memcmp` was most of a lookup:
/// 0.7 % of an index build's instructions less); longer words by their text.
#[derive(Default)]
struct Table {
    short: FastMap<u128, Option<Box<str>>>,
    long: FastMap<Box<str>, Option<Box<str>>>,
}

/// A word of at most 16 bytes as a number: its bytes, zero-padded (a word never holds a zero
/// byte, so two words never share a number).
fn packed(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    (bytes.len() <= 16).then(|| {
        let mut buf = [0u8; 16];
        buf[..bytes.len()].copy_from_slice(bytes);
        u128::from_le_bytes(buf)
    })
}

impl Table {
    fn get(&self, word: &str) -> Option<&Option<Box<str>>> {
        match packed(word) {
            Some(key) => self.short.get(&key),
            None => self.long.get(word),
        }
    }

    fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    fn insert(&mut self, word: &str, token: Option<Box<str>>) {
        match packed(word) {
            Some(key) => self.short.insert(key, token),
            None => self.long.insert(word.into(), token),
        };
    }
}

thread_local! {
    static TABLES: [Rc<RefCell<Table>>; 5] = Default::default();
}

/// A tokenizer that gives what `chain` gives, remembering each word's result.
#[derive(Clone)]
pub struct Memo {
    kind: Analyzer,
    chain: TextAnalyzer,
}

impl Memo {
    /// `chain` must be a `SimpleTokenizer` followed by filters that each look at one token;
    /// `kind` names the table it shares with the other instances of the same analyzer.
    pub fn new(kind: Analyzer, chain: TextAnalyzer) -> Memo {
        Memo { kind, chain }
    }
}

impl Tokenizer for Memo {
    type TokenStream<'a> = MemoStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> MemoStream<'a> {
        MemoStream {
            words: words::spans(text),
            position: usize::MAX,
            chain: &mut self.chain,
            table: TABLES.with(|t| t[self.kind as usize].clone()),
            token: Token::default(),
        }
    }
}

pub struct MemoStream<'a> {
    words: Spans<'a>,
    /// The position of the last word read (`usize::MAX` before the first, as in tantivy).
    position: usize,
    chain: &'a mut TextAnalyzer,
    table: Rc<RefCell<Table>>,
    token: Token,
}

impl MemoStream<'_> {
    /// The chain's result for one word (at most one token: every filter maps a token to one
    /// token or none).
    fn analyse(chain: &mut TextAnalyzer, word: &str) -> Option<Box<str>> {
        let mut stream = chain.token_stream(word);
        stream
            .advance()
            .then(|| stream.token().text.as_str().into())
    }
}

impl TokenStream for MemoStream<'_> {
    fn advance(&mut self) -> bool {
        let mut table = self.table.borrow_mut();
        for (start, word) in self.words.by_ref() {
            self.position = self.position.wrapping_add(1);
            let fresh;
            let result = match table.get(word) {
                Some(known) => known.as_deref(),
                None => {
                    fresh = Self::analyse(self.chain, word);
                    if table.len() < MAX_WORDS {
                        table.insert(word, fresh.clone());
                    }
                    fresh.as_deref()
                }
            };
            let Some(text) = result else {
                continue;
            };
            self.token.text.clear();
            self.token.text.push_str(text);
            self.token.offset_from = start;
            self.token.offset_to = start + word.len();
            self.token.position = self.position;
            self.token.position_length = 1;
            return true;
        }
        false
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}
