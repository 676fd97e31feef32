//! Memoised analysis: every filter of our analyzers looks at one word at a time, so a word's
//! result never depends on its neighbours. [`Memo`] splits text into words exactly as
//! `SimpleTokenizer` does (with [`super::words`], which is cheaper on å/ä/ö), runs the analyzer's filter chain once per distinct word and then
//! answers repeats from a table. Indexing sees each common word thousands of times; lower-casing,
//! folding, the stop-word set and the Snowball stemmer were a quarter of an index build.
//!
//! The output is the same token for token (text, position, offsets) as the analyzer without the
//! table: `analysis::tests::memo_gives_what_the_chain_gives` checks it on real documents.

use super::words::{self, Spans};
use foldhash::HashMap as FastMap;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

/// Distinct words remembered per analyzer instance; beyond it words are analysed each time
/// (a corpus's long tail of rare words would otherwise grow the table without bound).
const MAX_WORDS: usize = 1 << 18;

/// A tokenizer that gives what `chain` gives, remembering each word's result.
pub struct Memo {
    chain: TextAnalyzer,
    table: FastMap<Box<str>, Option<Box<str>>>,
}

impl Memo {
    /// `chain` must be a `SimpleTokenizer` followed by filters that each look at one token.
    pub fn new(chain: TextAnalyzer) -> Memo {
        Memo {
            chain,
            table: FastMap::default(),
        }
    }
}

/// A copy starts with an empty table: tantivy clones an analyzer for every segment it writes
/// and every query, and copying a full table would cost more than refilling it.
impl Clone for Memo {
    fn clone(&self) -> Memo {
        Memo::new(self.chain.clone())
    }
}

impl Tokenizer for Memo {
    type TokenStream<'a> = MemoStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> MemoStream<'a> {
        MemoStream {
            words: words::spans(text),
            position: usize::MAX,
            chain: &mut self.chain,
            table: &mut self.table,
            token: Token::default(),
        }
    }
}

pub struct MemoStream<'a> {
    words: Spans<'a>,
    /// The position of the last word read (`usize::MAX` before the first, as in tantivy).
    position: usize,
    chain: &'a mut TextAnalyzer,
    table: &'a mut FastMap<Box<str>, Option<Box<str>>>,
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
        for (start, word) in self.words.by_ref() {
            self.position = self.position.wrapping_add(1);
            let fresh;
            let result = match self.table.get(word) {
                Some(known) => known.as_deref(),
                None => {
                    fresh = Self::analyse(self.chain, word);
                    if self.table.len() < MAX_WORDS {
                        self.table.insert(word.into(), fresh.clone());
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
