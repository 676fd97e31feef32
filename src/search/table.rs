//! Per-segment tables that let a search count facets, filter by them and group hits by document
//! without reading stored documents: which document each section belongs to, and for each facet
//! the sections that have it. Facets are document metadata, written with a document's lead
//! section only; here every section of the document gets them.
//!
//! A search marks its matching sections in a bitset (one bit per section) and counts a facet as
//! the bits it shares with the facet's own bitset: a few thousand word operations per facet,
//! however many sections match. tantivy's `FacetCollector` read every matching section's facet
//! column instead (a third of a query's time on 132 000 sections), and summing facets per
//! matching document was still a quarter of a search. Tables are built once per segment (from
//! the `path` fast column, whose term ordinals number the documents) and kept while the segment
//! lives.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, Searcher, SegmentReader};

/// No document (a section without a path; never written by the indexer).
const NONE: u32 = u32::MAX;

/// One segment's table.
pub struct SegmentTable {
    /// Document slot of each section, by doc id: the ordinal of its path in the segment's
    /// `path` column.
    doc_of: Vec<u32>,
    /// (kind, value) of each facet slot, e.g. ("topic", "iop").
    facets: Vec<(String, String)>,
    /// For each facet slot, a bitset of the sections (by doc id) whose document has it.
    facet_sections: Vec<Vec<u64>>,
    /// Each document slot's path, so equal scores are ordered by path whatever the segment
    /// layout of this build. Read by streaming the column's dictionary once: looking each path
    /// up by ordinal tripled the cold start on 20 000 documents, and looking up only the tied
    /// hits' paths at query time tripled the median query time.
    paths: Vec<String>,
}

/// The number of bits set in both bitsets.
fn shared_bits(a: &[u64], b: &[u64]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("popcnt") {
        // SAFETY: the CPU has the instruction the function is compiled to use.
        return unsafe { shared_bits_popcnt(a, b) };
    }
    shared_bits_portable(a, b)
}

/// [`shared_bits`] compiled with the `popcnt` instruction (the baseline x86-64 target counts
/// bits with a dozen instructions a word; this was most of a facet count).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn shared_bits_popcnt(a: &[u64], b: &[u64]) -> u64 {
    shared_bits_portable(a, b)
}

#[inline(always)]
fn shared_bits_portable(a: &[u64], b: &[u64]) -> u64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x & y).count_ones() as u64)
        .sum()
}

/// Whether section `doc` is set in any of `bitsets`.
pub fn any_has(bitsets: &[&[u64]], doc: DocId) -> bool {
    let (word, bit) = (doc as usize / 64, doc % 64);
    bitsets
        .iter()
        .any(|bits| bits.get(word).is_some_and(|w| w & (1 << bit) != 0))
}

/// The number of 64-bit words of a bitset over `n` sections.
fn words_for(n: u32) -> usize {
    (n as usize).div_ceil(64)
}

impl SegmentTable {
    fn build(reader: &SegmentReader) -> tantivy::Result<SegmentTable> {
        let path_column = reader.fast_fields().str("path")?.ok_or_else(|| {
            tantivy::TantivyError::SchemaError("the path field is not a fast field".into())
        })?;
        let ords = path_column.ords();
        let doc_of: Vec<u32> = (0..reader.max_doc())
            .map(|doc| ords.first(doc).map_or(NONE, |o| o as u32))
            .collect();
        // Each document's facets, from its live lead section: the first live section that has
        // any (a deleted older version of the file may share the segment, with stale facets).
        let facet_reader = reader.facet_reader("facets")?;
        let slots = path_column.num_terms();
        let mut paths = Vec::with_capacity(slots);
        let mut terms = path_column.dictionary().stream()?;
        while terms.advance() {
            paths.push(String::from_utf8_lossy(terms.key()).into_owned());
        }
        let mut first_alive = vec![NONE; slots];
        for (doc, &slot) in doc_of.iter().enumerate() {
            if slot != NONE
                && first_alive[slot as usize] == NONE
                && !reader.is_deleted(doc as DocId)
                && facet_reader.facet_ords(doc as DocId).next().is_some()
            {
                first_alive[slot as usize] = doc as u32;
            }
        }
        let mut facets: Vec<(String, String)> = Vec::new();
        let mut facet_slot: HashMap<u64, u16> = HashMap::new();
        let mut facet = Facet::root();
        let mut facets_of_doc: Vec<Vec<u16>> = Vec::with_capacity(slots);
        for doc in first_alive {
            let mut set = Vec::new();
            if doc != NONE {
                for ord in facet_reader.facet_ords(doc) {
                    let next = facets.len() as u16;
                    let s = *facet_slot.entry(ord).or_insert(next);
                    if s == next {
                        facet_reader.facet_from_ord(ord, &mut facet)?;
                        let path = facet.to_path();
                        facets.push((
                            path.first().map(|k| k.to_string()).unwrap_or_default(),
                            path.last().map(|v| v.to_string()).unwrap_or_default(),
                        ));
                    }
                    set.push(s);
                }
            }
            facets_of_doc.push(set);
        }
        let mut facet_sections = vec![vec![0u64; words_for(reader.max_doc())]; facets.len()];
        for (doc, &slot) in doc_of.iter().enumerate() {
            if let Some(set) = facets_of_doc.get(slot as usize) {
                for &f in set {
                    facet_sections[f as usize][doc / 64] |= 1 << (doc % 64);
                }
            }
        }
        Ok(SegmentTable {
            doc_of,
            facets,
            facet_sections,
            paths,
        })
    }

    /// The sections whose document has every facet of `filters` ((kind, value) pairs), as a
    /// bitset by doc id; `None` when there are no filters.
    fn allowed(&self, filters: &[(String, String)]) -> Option<Vec<u64>> {
        let (first, rest) = filters.split_first()?;
        let sections = |(kind, value): &(String, String)| {
            self.facets
                .iter()
                .position(|(k, v)| k == kind && v == value)
                .map(|slot| &self.facet_sections[slot])
        };
        let mut allowed = match sections(first) {
            Some(bits) => bits.clone(),
            None => return Some(vec![0; words_for(self.doc_of.len() as u32)]),
        };
        for filter in rest {
            match sections(filter) {
                Some(bits) => allowed.iter_mut().zip(bits).for_each(|(a, b)| *a &= b),
                None => allowed.fill(0),
            }
        }
        Some(allowed)
    }

    /// The bitsets (by doc id) of the sections whose document has the facet `kind` with one
    /// of `values`, one per value present in this segment.
    pub fn facet_sections(&self, kind: &str, values: &[&str]) -> Vec<&[u64]> {
        self.facets
            .iter()
            .zip(&self.facet_sections)
            .filter(|((k, v), _)| k == kind && values.contains(&v.as_str()))
            .map(|(_, bits)| bits.as_slice())
            .collect()
    }

    /// The path of the document a section belongs to.
    pub fn path(&self, doc: DocId) -> Option<&str> {
        let slot = self.document(doc)?;
        self.paths.get(slot as usize).map(String::as_str)
    }

    /// The document a section belongs to, as a number unique in this segment (the indexer
    /// writes each file's sections into one segment).
    pub fn document(&self, doc: DocId) -> Option<u32> {
        self.doc_of
            .get(doc as usize)
            .copied()
            .filter(|&s| s != NONE)
    }
}

/// The tables of an engine's segments, built on first use and dropped with their segments.
#[derive(Default)]
pub struct Tables {
    built: Mutex<HashMap<SegmentId, Arc<SegmentTable>>>,
}

impl Tables {
    /// One table per segment of `searcher`, in segment order. Missing tables are built in
    /// parallel, one segment per thread.
    pub fn of(&self, searcher: &Searcher) -> tantivy::Result<Vec<Arc<SegmentTable>>> {
        let readers = searcher.segment_readers();
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        if built.len() > readers.len() * 2 {
            built.retain(|id, _| readers.iter().any(|r| r.segment_id() == *id));
        }
        let missing: Vec<&SegmentReader> = readers
            .iter()
            .filter(|r| !built.contains_key(&r.segment_id()))
            .collect();
        let fresh: Vec<tantivy::Result<SegmentTable>> = std::thread::scope(|scope| {
            let handles: Vec<_> = missing
                .iter()
                .map(|r| scope.spawn(move || SegmentTable::build(r)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(tantivy::TantivyError::InternalError(
                            "building a segment table panicked".into(),
                        ))
                    })
                })
                .collect()
        });
        for (reader, table) in missing.iter().zip(fresh) {
            built.insert(reader.segment_id(), Arc::new(table?));
        }
        Ok(readers
            .iter()
            .map(|r| built[&r.segment_id()].clone())
            .collect())
    }
}

/// The table of a searcher's segment `segment` among `tables` (built by [`Tables::of`] for the
/// same searcher).
fn table_of(tables: &[Arc<SegmentTable>], segment: u32) -> tantivy::Result<&Arc<SegmentTable>> {
    tables.get(segment as usize).ok_or_else(|| {
        tantivy::TantivyError::InternalError(format!("no table for segment {segment}"))
    })
}

/// What [`SectionStats`] finds: the number of matching sections and, per facet (kind, value),
/// how many of them have it.
#[derive(Debug, Default, PartialEq)]
pub struct Stats {
    pub total: u64,
    /// Distinct documents among the matching sections (a document's sections share a segment).
    pub documents: u64,
    pub facets: BTreeMap<(String, String), u64>,
}

/// A collector of [`Stats`] over every matching section (it needs no scores).
pub struct SectionStats {
    pub tables: Vec<Arc<SegmentTable>>,
}

pub struct SegmentStats {
    table: Arc<SegmentTable>,
    /// The matching sections, by doc id.
    matched: Vec<u64>,
    total: u64,
}

impl Collector for SectionStats {
    type Fruit = Stats;
    type Child = SegmentStats;

    fn for_segment(&self, segment: u32, reader: &SegmentReader) -> tantivy::Result<SegmentStats> {
        let table = table_of(&self.tables, segment)?.clone();
        Ok(SegmentStats {
            matched: vec![0; words_for(reader.max_doc())],
            table,
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Stats>) -> tantivy::Result<Stats> {
        let mut all = Stats::default();
        for s in fruits {
            all.total += s.total;
            all.documents += s.documents;
            for (k, n) in s.facets {
                *all.facets.entry(k).or_insert(0) += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentStats {
    type Fruit = Stats;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.total += 1;
        if let Some(word) = self.matched.get_mut(doc as usize / 64) {
            *word |= 1 << (doc % 64);
        }
    }

    fn harvest(self) -> Stats {
        let t = &self.table;
        let mut seen: Vec<u64> = Vec::new();
        let mut documents = 0;
        for (w, &word) in self.matched.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let doc = (w * 64) as u32 + bits.trailing_zeros();
                bits &= bits - 1;
                if let Some(slot) = t.document(doc) {
                    let (i, bit) = (slot as usize / 64, 1u64 << (slot % 64));
                    if seen.len() <= i {
                        seen.resize(i + 1, 0);
                    }
                    if seen[i] & bit == 0 {
                        seen[i] |= bit;
                        documents += 1;
                    }
                }
            }
        }
        let counts = t
            .facet_sections
            .iter()
            .map(|sections| shared_bits(sections, &self.matched));
        Stats {
            total: self.total,
            documents,
            facets: counts
                .into_iter()
                .enumerate()
                .filter(|(_, n)| *n > 0)
                .map(|(f, n)| (t.facets[f].clone(), n))
                .collect(),
        }
    }
}

/// A collector that passes on to `inner` only the sections whose document has every facet of
/// `filters` ((kind, value) pairs, e.g. ("format", "pdf")).
pub struct Filtered<C> {
    pub tables: Vec<Arc<SegmentTable>>,
    pub filters: Vec<(String, String)>,
    pub inner: C,
}

pub struct FilteredSegment<S> {
    /// The sections that pass, by doc id; `None`: all do.
    allowed: Option<Vec<u64>>,
    inner: S,
}

impl<C: Collector> Collector for Filtered<C> {
    type Fruit = C::Fruit;
    type Child = FilteredSegment<C::Child>;

    fn for_segment(
        &self,
        segment: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<FilteredSegment<C::Child>> {
        let table = table_of(&self.tables, segment)?;
        Ok(FilteredSegment {
            allowed: table.allowed(&self.filters),
            inner: self.inner.for_segment(segment, reader)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        fruits: Vec<<C::Child as SegmentCollector>::Fruit>,
    ) -> tantivy::Result<C::Fruit> {
        self.inner.merge_fruits(fruits)
    }
}

impl<S: SegmentCollector> SegmentCollector for FilteredSegment<S> {
    type Fruit = S::Fruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        let passes = self.allowed.as_ref().is_none_or(|bits| {
            bits.get(doc as usize / 64)
                .is_some_and(|w| w & (1 << (doc % 64)) != 0)
        });
        if passes {
            self.inner.collect(doc, score);
        }
    }

    fn harvest(self) -> S::Fruit {
        self.inner.harvest()
    }
}
