//! Search: a user's query → ranked section hits with highlighted snippets. Read-only.
//!
//! The query is never handed to tantivy's `QueryParser` (deep nesting overflows its stack and
//! would abort the server); it is run through the same analyzers as the documents and built
//! from their tokens, so every string is a valid query. Per word, the best of title and
//! summary (×3), heading trail (×2) and body (×1) counts; words standing together in the text,
//! as typed, get a phrase bonus, and a legal reference ("4 kap. 18 § LOU", "4:18") matches
//! the statute section that *is* that provision (×8) and sections citing it (×1.5). The
//! passages the best answer card cites come first when they are among the best matches (the
//! card is the short answer; they are what it was written from).

mod cards;
pub mod citing;
mod query;
pub mod read;
mod snippet;
pub mod spelling;
mod table;

use crate::analysis::legal;
use crate::analysis::lexicon::Lexicon;
use crate::curated::Curated;
use crate::index::schema::Fields;
use crate::index::store::{self, StoreError};
use crate::markup::Marked;
use cards::Vocabulary;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, DocSet, IndexReader, ReloadPolicy, TantivyDocument, Term};

/// Longest query considered, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 512;
/// Most words of a query that take part in matching.
pub const MAX_QUERY_WORDS: usize = 32;
/// Largest page of hits.
pub const MAX_LIMIT: usize = 100;

/// An open index generation ready to answer queries and page reads (`read.rs`); cheap to share
/// between threads. Its parts are private: callers get plain structs back.
pub struct Engine {
    reader: IndexReader,
    fields: Fields,
    generation: String,
    /// Cards, IOP rules and thresholds stored with this generation.
    curated: Curated,
    /// Modification time of the stored curated data, to notice an update.
    curated_stamp: Option<std::time::SystemTime>,
    card_vocabulary: HashMap<String, Vocabulary>,
    card_full_vocabulary: HashMap<String, Vocabulary>,
    lexicon: Lexicon,
    /// Section → document tables of the segments, for facet counts and grouping.
    tables: table::Tables,
    /// The answer cards' own index (the curated data's generation; it changes with the stamp).
    card_reader: Option<IndexReader>,
    /// The statutes and case documents the index holds, built on first use (`citing.rs`).
    library: std::sync::OnceLock<citing::Library>,
}

/// One section that matched a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Corpus-relative path with forward slashes.
    pub path: String,
    pub title: String,
    /// Heading trail of the section, if it has one.
    pub section: Option<String>,
    pub score: f32,
    /// The part of the section around the query's words, with the matches marked.
    pub snippet: Marked,
    /// The section's anchor in its document (empty for a document's lead).
    pub anchor: String,
    /// markdown, html, pdf or text.
    pub kind: String,
    /// sv or en.
    pub lang: String,
}

/// An answer card that answers the query.
#[derive(Debug, Clone, PartialEq)]
pub struct CardHit {
    pub id: String,
    pub title: String,
    /// The short answer (plain text).
    pub answer: String,
    pub legal_basis: Vec<String>,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// Number of matching sections.
    pub total: u64,
    /// Number of documents they belong to.
    pub documents: u64,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
    pub cards: Vec<CardHit>,
    /// The query with unknown words corrected, when the search used it ("Menade du …?").
    pub suggestion: Option<String>,
    /// Matching sections per filter value, most first.
    pub facets: BTreeMap<String, Vec<FacetCount>>,
}

/// How many matching sections have one filter value (serialised as the contract's facet).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    /// The date cards are judged valid on (`YYYY-MM-DD`); today when `None`.
    pub today: Option<String>,
    /// Filters (kind, value), e.g. ("topic", "iop"); all must hold.
    pub filters: Vec<(String, String)>,
}

/// The kinds of filter (facet) the index knows.
pub const FACET_KINDS: &[&str] = &["topic", "audience", "lang", "format", "source", "year"];

impl SearchRequest {
    pub fn new(query: impl Into<String>, limit: usize) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            limit,
            offset: 0,
            today: None,
            filters: Vec::new(),
        }
    }
}

impl Engine {
    /// Opens the live generation of an index directory. Commits made later by another process
    /// are picked up by the reader within about a second.
    pub fn open(index_dir: &Path) -> Result<Engine, StoreError> {
        let mut opened = store::open_current(index_dir, store::Access::Search)?;
        // Segments are searched in parallel, one thread per core: a single query's latency
        // drops by about the number of cores (measured with benches/engines.rs).
        if let Err(e) = opened.index.set_default_multithread_executor() {
            tracing::warn!("searching on one thread: {e}");
        }
        let reader = opened
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e: tantivy::TantivyError| StoreError::Broken {
                path: opened.dir.clone(),
                reason: e.to_string(),
            })?;
        let card_reader = match store::open_cards(&opened.dir).map(|i| i.reader()) {
            Some(Ok(r)) => Some(r),
            _ => {
                tracing::warn!(
                    "{}: no answer-card index; run `vagvisare index` to write it",
                    opened.dir.display()
                );
                None
            }
        };
        let curated = Curated::read_stored(&opened.dir);
        let curated_stamp = curated_stamp(&opened.dir);
        let lexicon = Lexicon::with(curated.synonyms.as_ref());
        let card_vocabulary = curated
            .cards
            .iter()
            .map(|c| (c.id.clone(), Vocabulary::of(&c.match_text())))
            .collect();
        let card_full_vocabulary = curated
            .cards
            .iter()
            .map(|c| {
                (
                    c.id.clone(),
                    Vocabulary::of(&format!("{}\n{}\n{}", c.match_text(), c.answer, c.details)),
                )
            })
            .collect();
        Ok(Engine {
            reader,
            fields: opened.fields,
            generation: opened.generation,
            curated,
            curated_stamp,
            card_vocabulary,
            card_full_vocabulary,
            lexicon,
            tables: table::Tables::default(),
            card_reader,
            library: std::sync::OnceLock::new(),
        })
    }

    /// Builds what the first query would otherwise wait for (the segments' section tables), so
    /// a server can do it while it starts.
    pub fn warm(&self) {
        if let Err(e) = self.tables.of(&self.reader.searcher()) {
            tracing::warn!("preparing the section tables: {e}");
        }
    }

    /// Whether the curated data stored with this generation changed since it was opened.
    pub fn stamp_changed(&self, index_dir: &Path) -> bool {
        curated_stamp(&index_dir.join(&self.generation)) != self.curated_stamp
    }

    /// The cards that answer a query (`text_query` is built from `query`): candidates from the
    /// index, kept when their title and triggers cover enough of the query and they score near
    /// the best one.
    fn cards(&self, text_query: &dyn Query, query: &str, today: &str) -> Answers<'_> {
        let Some(reader) = &self.card_reader else {
            return Answers::default();
        };
        let searcher = reader.searcher();
        let Ok(top) = searcher.search(text_query, &TopDocs::with_limit(10).order_by_score()) else {
            return Answers::default();
        };
        let clipped = clip(query);
        let mut kept: Vec<(f32, &crate::curated::cards::Card)> = Vec::new();
        for (score, addr) in top {
            let Ok(doc) = searcher.doc::<TantivyDocument>(addr) else {
                continue;
            };
            let Some(id) = doc.get_first(self.fields.anchor).and_then(|v| v.as_str()) else {
                continue;
            };
            let Some(card) = self.curated.card(id) else {
                continue;
            };
            if !card.is_current(today) {
                continue;
            }
            let strong = self
                .card_vocabulary
                .get(id)
                .map_or(0.0, |v| v.coverage(clipped));
            let full = self
                .card_full_vocabulary
                .get(id)
                .map_or(0.0, |v| v.coverage(clipped));
            if strong >= cards::MIN_COVERAGE
                || (full >= cards::MIN_FULL_COVERAGE && strong >= cards::MIN_COVERAGE_WITH_FULL)
            {
                kept.push((score, card));
            }
        }
        let best = kept.iter().map(|(s, _)| *s).fold(0.0f32, f32::max);
        let one_word = content_words(clipped) <= 1;
        // A single word that several cards cover (“LOU”) names a subject, not a question: the
        // best card is shown, but it is one guess among several, so its passages do not lead.
        let leads = !(one_word && kept.len() > 1);
        let shown = kept
            .into_iter()
            .filter(|(s, _)| *s >= best * cards::MIN_RELATIVE_SCORE)
            .take(if one_word { 1 } else { cards::MAX_CARDS })
            .map(|(_, c)| c)
            .collect();
        Answers {
            cards: shown,
            leads,
        }
    }

    /// The sections the best answer card cites (its `see` links) among the query's best
    /// candidates `top`, in the query's language and in the card's order, with their scores:
    /// the card is the short answer, and the passages it was written from come first. (Scoring
    /// cited sections beyond the candidates too changed no result of the relevance suite and
    /// cost 0.9 M instructions per query with a card.)
    fn cited_sections(
        &self,
        searcher: &tantivy::Searcher,
        top: &[(f32, DocAddress)],
        card: Option<&crate::curated::cards::Card>,
        text: &str,
    ) -> Vec<(f32, DocAddress)> {
        let Some(card) = card else {
            return Vec::new();
        };
        let english = query::reads_english(&self.lexicon, text);
        let f = &self.fields;
        let mut out = Vec::new();
        for link in &card.see {
            let (path, anchor) = crate::document::split_link(link);
            // The cited file's sections among the candidates, from the `path` postings (a
            // search would hand every segment to the thread pool); then the one the link names:
            // its anchor, or the lead for a link to the whole file.
            let term = Term::from_field_text(f.path, path);
            for (ord, segment) in searcher.segment_readers().iter().enumerate() {
                let Ok(index) = segment.inverted_index(f.path) else {
                    continue;
                };
                let Ok(Some(mut postings)) = index.read_postings(&term, IndexRecordOption::Basic)
                else {
                    continue;
                };
                while postings.doc() != tantivy::TERMINATED {
                    let addr = DocAddress::new(ord as u32, postings.doc());
                    postings.advance();
                    let Some(&(score, _)) = top.iter().find(|(_, a)| *a == addr) else {
                        continue;
                    };
                    let Ok(doc) = searcher.doc::<TantivyDocument>(addr) else {
                        continue;
                    };
                    let named = match anchor {
                        Some(a) => doc.get_first(f.anchor).and_then(|v| v.as_str()) == Some(a),
                        None => doc.get_first(f.ord).and_then(|v| v.as_u64()) == Some(0),
                    };
                    let lang = doc.get_first(f.lang).and_then(|v| v.as_str());
                    if named
                        && (lang == Some("en")) == english
                        && !out.iter().any(|(_, a)| *a == addr)
                    {
                        out.push((score, addr));
                    }
                }
            }
            if out.len() >= MAX_CITED_FIRST {
                break;
            }
        }
        out.truncate(MAX_CITED_FIRST);
        out
    }

    /// Number of sections in the index.
    pub fn num_sections(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The generation this engine reads (`gen-000007`).
    pub fn generation(&self) -> &str {
        &self.generation
    }

    /// Which commit of the generation the reader sees now: a fingerprint of its segments and
    /// their deletes, so it moves when the indexer commits a change and not when the reader
    /// merely reloads (tantivy's generation id also counts reloads that found nothing new,
    /// which emptied the result cache at random under load).
    pub fn commit_seen(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let searcher = self.reader.searcher();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        searcher.generation().segments().hash(&mut hasher);
        hasher.finish()
    }

    /// The cards, IOP rules, thresholds and synonyms stored with this generation.
    pub fn curated(&self) -> &Curated {
        &self.curated
    }

    /// Runs a query. Never fails: an unusable query gives zero hits.
    pub fn search(&self, req: &SearchRequest) -> SearchResults {
        let started = Instant::now();
        let mut response = SearchResults {
            query: req.query.clone(),
            ..SearchResults::default()
        };
        // "bilaga2", "4kap": letters and digits typed together are read apart.
        let typed = split_glued(&req.query);
        let corrected = self.correct(&typed);
        let effective = corrected.clone().unwrap_or(typed);
        response.suggestion = corrected;
        let built = self.build_query(&effective);
        // Cards are found for every page, so the passages they cite are ordered the same way
        // on each; they are returned with the first page only.
        let today = req
            .today
            .clone()
            .unwrap_or_else(crate::curated::common::today_string);
        let cards = built
            .as_ref()
            .map(|q| self.cards(&**q, &effective, &today))
            .unwrap_or_default();
        if let Some(query) = built.as_deref() {
            let filters: Vec<(String, String)> = req
                .filters
                .iter()
                .filter(|(kind, value)| {
                    FACET_KINDS.contains(&kind.as_str())
                        && !value.contains('/')
                        && !value.is_empty()
                })
                .cloned()
                .collect();
            let searcher = self.reader.searcher();
            let limit = req.limit.clamp(1, MAX_LIMIT);
            // Fetch extra candidates so that at most MAX_PER_DOCUMENT sections of one
            // document fill the page; the rest of its sections follow further down.
            let wanted = (req.offset + limit) * 4 + 20;
            let tables = match self.tables.of(&searcher) {
                Ok(t) => t,
                Err(e) => {
                    tracing::error!("search failed: {e}");
                    return response;
                }
            };
            // Filters pass sections through the tables, which know each document's facets
            // (written with its lead section only).
            let collector = table::Filtered {
                tables: tables.clone(),
                filters,
                inner: (
                    table::SectionStats {
                        tables: tables.clone(),
                    },
                    TopDocs::with_limit(wanted).order_by_score(),
                ),
            };
            match searcher.search(query, &collector) {
                Ok((stats, top)) => {
                    response.total = stats.total;
                    response.documents = stats.documents;
                    for ((kind, value), count) in stats.facets {
                        if FACET_KINDS.contains(&kind.as_str()) {
                            response
                                .facets
                                .entry(kind)
                                .or_default()
                                .push(FacetCount { value, count });
                        }
                    }
                    for values in response.facets.values_mut() {
                        values.sort_by(|a, b| {
                            b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value))
                        });
                    }
                    let top =
                        by_score_then_path(weigh_sector_laws(top, &tables, &effective), &tables);
                    let snippets = snippet::Snippets::new(&searcher, query, &self.fields);
                    let leading = cards.cards.first().copied().filter(|_| cards.leads);
                    let cited = self.cited_sections(&searcher, &top, leading, &effective);
                    let paths: Vec<(f32, DocAddress, (u32, u32))> = cited
                        .iter()
                        .copied()
                        .chain(
                            top.into_iter()
                                .filter(|(_, addr)| !cited.iter().any(|(_, c)| c == addr)),
                        )
                        .filter_map(|(score, addr)| {
                            let table = tables.get(addr.segment_ord as usize)?;
                            Some((
                                score,
                                addr,
                                (addr.segment_ord, table.document(addr.doc_id)?),
                            ))
                        })
                        .collect();
                    let ordered = diversify(paths, MAX_PER_DOCUMENT);
                    response.hits = ordered
                        .into_iter()
                        .skip(req.offset)
                        .take(limit)
                        .filter_map(|(score, addr)| self.hit(&searcher, addr, score, &snippets))
                        .collect();
                }
                Err(e) => tracing::error!("search failed: {e}"),
            }
        }
        if req.offset == 0 {
            response.cards = cards
                .cards
                .into_iter()
                .map(|c| CardHit {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    answer: c.answer.trim().to_string(),
                    legal_basis: c.legal_basis.clone(),
                })
                .collect();
        }
        response.took_ms = (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0;
        response
    }

    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        addr: DocAddress,
        score: f32,
        snippets: &snippet::Snippets,
    ) -> Option<Hit> {
        let doc: TantivyDocument = searcher.doc(addr).ok()?;
        let f = &self.fields;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let lang = text(f.lang).unwrap_or_else(|| "sv".into());
        let body_field = if lang == "en" { f.body_en } else { f.body_sv };
        let body = text(body_field).unwrap_or_default();
        Some(Hit {
            path: text(f.path)?,
            title: text(f.title).unwrap_or_default(),
            section: text(f.section),
            score,
            snippet: snippets.make(&body, lang == "en"),
            anchor: text(f.anchor).unwrap_or_default(),
            kind: text(f.kind).unwrap_or_default(),
            lang,
        })
    }

    /// The query with unknown words replaced by their likeliest correction, or `None` when every
    /// word is known (or nothing could be corrected). In a query that reads as English only
    /// å/ä/ö are restored: its other words are valid English even where the index lacks them
    /// (the lexicon maps the terms), so "cleaning" never becomes "ledning".
    pub fn correct(&self, raw: &str) -> Option<String> {
        let english = query::reads_english(&self.lexicon, raw);
        let searcher = self.reader.searcher();
        let text = clip(raw);
        let mut out = String::with_capacity(text.len());
        let mut changed = false;
        let mut last = 0;
        // Walk the words with their byte offsets, so everything else stays as typed.
        for (start, word) in text.match_indices(|c: char| c.is_alphanumeric()).fold(
            Vec::<(usize, String)>::new(),
            |mut acc, (i, c)| {
                match acc.last_mut() {
                    Some((s, w)) if *s + w.len() == i => w.push_str(c),
                    _ => acc.push((i, c.to_string())),
                }
                acc
            },
        ) {
            let lower = crate::analysis::fold(&word.to_lowercase());
            if let Some(fix) = spelling::correct(&searcher, &self.fields, &lower, english) {
                out.push_str(&text[last..start]);
                out.push_str(&fix);
                last = start + word.len();
                changed = true;
            }
        }
        out.push_str(&text[last..]);
        changed.then_some(out)
    }

    /// Builds the tantivy query for a user's text; `None` when nothing searchable is left.
    pub fn build_query(&self, raw: &str) -> Option<Box<dyn Query>> {
        let searcher = self.reader.searcher();
        let df = |field: tantivy::schema::Field, w: &str| {
            searcher
                .doc_freq(&Term::from_field_text(field, w))
                .unwrap_or(0)
        };
        query::build(&self.fields, &self.lexicon, raw, &df)
    }
}

/// Number of words in a query that are not stop words in either language.
fn content_words(q: &str) -> usize {
    crate::analysis::aligned(q)
        .iter()
        .filter(|w| w.is_content())
        .count()
}

/// The answer cards found for a query, best first.
#[derive(Default)]
struct Answers<'a> {
    cards: Vec<&'a crate::curated::cards::Card>,
    /// Whether the best card's passages lead the hits ([`Engine::cited_sections`]): not when
    /// the card is one guess among several.
    leads: bool,
}

/// Most sections of one document among the leading hits.
pub const MAX_PER_DOCUMENT: usize = 2;

/// Ranks the sections of the sector laws (LUF, LUK, LUFS) lower, by [`SECTOR_LAW_WEIGHT`],
/// unless the query asks about one of them ([`legal::asks_about_sector_law`]): they repeat
/// LOU's paragraphs, and a procurement question is about LOU's. (Tuning suite 0.827 ->
/// 0.833 at 0.6; 0.5 and 0.7 gave the same within 0.001.)
fn weigh_sector_laws(
    top: Vec<(f32, DocAddress)>,
    tables: &[Arc<table::SegmentTable>],
    query: &str,
) -> Vec<(f32, DocAddress)> {
    if legal::asks_about_sector_law(query) {
        return top;
    }
    let sector: Vec<&str> = legal::SECTOR_LAWS.iter().map(|(law, _)| *law).collect();
    // The sector laws' sections, per segment, looked up once per query rather than per hit.
    let sections: Vec<Vec<&[u64]>> = tables
        .iter()
        .map(|t| t.facet_sections("law", &sector))
        .collect();
    top.into_iter()
        .map(|(score, addr)| {
            let in_sector_law = sections
                .get(addr.segment_ord as usize)
                .is_some_and(|bits| table::any_has(bits, addr.doc_id));
            if in_sector_law {
                (score * SECTOR_LAW_WEIGHT, addr)
            } else {
                (score, addr)
            }
        })
        .collect()
}

/// What a sector law's section scores, as a share of its match, for a query that does not ask
/// about that sector ([`weigh_sector_laws`]).
pub const SECTOR_LAW_WEIGHT: f32 = 0.6;

/// Most passages the best answer card cites that lead the hits.
pub const MAX_CITED_FIRST: usize = 2;

/// Reorders ranked hits so that no document has more than `cap` sections before every other
/// document's better hits; surplus sections keep their order after the capped ones.
/// Hits by score, equal scores by document path and then section order: the same results
/// whichever segments this build's indexing threads put the sections in (ties otherwise fell
/// to the document address, and the relevance figures moved by 0.005 between two builds).
fn by_score_then_path(
    mut top: Vec<(f32, DocAddress)>,
    tables: &[std::sync::Arc<table::SegmentTable>],
) -> Vec<(f32, DocAddress)> {
    let path = |a: &DocAddress| {
        tables
            .get(a.segment_ord as usize)
            .and_then(|t| t.path(a.doc_id))
            .unwrap_or("")
    };
    top.sort_by(|(sa, a), (sb, b)| {
        sb.total_cmp(sa)
            .then_with(|| path(a).cmp(path(b)))
            .then_with(|| a.doc_id.cmp(&b.doc_id))
    });
    top
}

fn diversify<D: Eq + std::hash::Hash>(
    hits: Vec<(f32, DocAddress, D)>,
    cap: usize,
) -> Vec<(f32, DocAddress)> {
    let mut count: HashMap<D, usize> = HashMap::new();
    let mut first = Vec::with_capacity(hits.len());
    let mut rest = Vec::new();
    for (score, addr, path) in hits {
        let n = count.entry(path).or_insert(0);
        *n += 1;
        if *n <= cap {
            first.push((score, addr))
        } else {
            rest.push((score, addr))
        }
    }
    first.extend(rest);
    first
}

fn curated_stamp(gen_dir: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(gen_dir.join(crate::curated::FILE_NAME))
        .and_then(|m| m.modified())
        .ok()
}

/// Letters and digits typed together read apart: "bilaga2" → "bilaga 2", "4kap" → "4 kap",
/// "2bilaga" → "2 bilaga". A single letter after a number stays ("25a §", "19a kap."), as do
/// words like "covid19"-style names of one letter ("c1").
pub fn split_glued(query: &str) -> String {
    let chars: Vec<char> = query.chars().collect();
    let mut out = String::with_capacity(query.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 {
            let prev = chars[i - 1];
            let letters_before = chars[..i]
                .iter()
                .rev()
                .take_while(|c| c.is_alphabetic())
                .count();
            let letters_after = chars[i..].iter().take_while(|c| c.is_alphabetic()).count();
            let split = (prev.is_alphabetic() && c.is_ascii_digit() && letters_before >= 2)
                || (prev.is_ascii_digit() && c.is_alphabetic() && letters_after >= 2);
            if split {
                out.push(' ');
            }
        }
        out.push(c);
    }
    out
}

/// Cuts a query to [`MAX_QUERY_CHARS`] characters (on a character boundary).
pub fn clip(raw: &str) -> &str {
    match raw.char_indices().nth(MAX_QUERY_CHARS) {
        Some((i, _)) => &raw[..i],
        None => raw,
    }
}

#[cfg(test)]
mod tests {
    use super::Engine;
    use crate::indexer;

    fn build(corpus: &std::path::Path, index: &std::path::Path) {
        let opts = indexer::Options::new(corpus, index).expect("options");
        indexer::run(&opts, |s| panic!("skipped {}: {}", s.path, s.reason)).expect("index run");
    }

    /// The result cache is keyed on `commit_seen`: a reader reload that finds no new commit
    /// keeps it, a commit that changes the index moves it.
    #[test]
    fn commit_seen_moves_with_commits_not_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
        std::fs::create_dir_all(&corpus).unwrap();
        std::fs::write(corpus.join("a.md"), "# Upphandling\n\nOm upphandling.").unwrap();
        build(&corpus, &index);
        let engine = Engine::open(&index).unwrap();
        let before = engine.commit_seen();
        engine.reader.reload().unwrap();
        engine.reader.reload().unwrap();
        assert_eq!(engine.commit_seen(), before, "a reload without a commit");
        std::fs::write(corpus.join("b.md"), "# Partnerskap\n\nOm IOP.").unwrap();
        build(&corpus, &index);
        engine.reader.reload().unwrap();
        assert_ne!(engine.commit_seen(), before, "a new commit");
    }
}
