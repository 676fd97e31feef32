//! The tantivy schema: one tantivy document per section. Text is indexed stemmed in the field
//! of the document's language (`*_sv` or `*_en`), as exact word forms but stop words
//! (`body_exact`, the only field with positions, for phrases), folded to ASCII and with
//! compounds split. Answer cards use the same schema in their own small index
//! (`store::CARDS_DIR`). `path` is a raw term so one `delete_term` removes every section of a
//! file, and a fast column whose ordinals number the documents of a segment (`search::table`).

use crate::analysis;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};

/// Bump when fields change, or what the indexer puts into them: the indexer then rebuilds the
/// index by itself. (10: filter values on a document's lead section only; 11: statutes: kind
/// `lagtext`, provision anchors, the amending act per paragraph; 12: every paragraph of a cited
/// range a key, coordinated compounds spelled out; 13: a statute's law as a `law` filter value,
/// positions in `body_sv` for compound parts standing together; 14: the document's summary with
/// its title, on every section; LUFS's title and chapters told from LUF's in references.)
pub const SCHEMA_VERSION: u32 = 14;

/// Handles to every field, resolved once from the schema.
#[derive(Clone, Debug)]
pub struct Fields {
    pub path: Field,
    pub kind: Field,
    pub lang: Field,
    pub title: Field,
    /// The document's title and summary (front matter `summary`, HTML `description`), stemmed,
    /// on every section.
    pub title_sv: Field,
    pub title_en: Field,
    /// Heading trail label ("4 kap. › Reserverade kontrakt › 18 §"), stored.
    pub section: Field,
    pub heading: Field,
    pub trail_sv: Field,
    pub trail_en: Field,
    pub body_sv: Field,
    pub body_en: Field,
    pub body_exact: Field,
    /// The words of title, summary, trail and text that have letters beyond ASCII, folded to
    /// ASCII (överprövning → overprovning): low weight, for queries typed without å/ä/ö.
    pub fold: Field,
    /// The parts of the compounds in title, summary, trail and text, Swedish-stemmed.
    pub parts: Field,
    pub anchor: Field,
    /// In a statute: the act that last amended the paragraph (`2021:1110`), stored.
    pub amended: Field,
    pub level: Field,
    /// Position of the section in its document; indexed, so a query for 0 finds each
    /// document's lead section.
    pub ord: Field,
    /// Provisions this section *is* (statute sections) or names in its headings: `4:18`, `lou/4:18`.
    pub refs_is: Field,
    /// Provisions this section cites, or its document lists in `legal_refs`.
    pub refs_cited: Field,
    /// Document metadata as JSON (summary, topics, audience, reviewed, ...), stored with the
    /// lead section only.
    pub meta: Field,
    /// Filters: `/topic/iop`, `/audience/procurer`, `/lang/sv`, `/format/pdf`, `/source/iop`,
    /// `/year/2026`; on a document's lead section only (see `search::table`).
    pub facets: Field,
}

/// A field matched in phrases: positions are kept.
fn phrases(analyzer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

/// A field only ever matched word by word (never in a phrase): no positions, which makes
/// indexing cheaper and the index smaller. Snippets need none either (they re-read the text).
fn words(analyzer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

/// Index settings: stored sections are compressed in blocks of 4 KB (tantivy's default is
/// 16 KB). A result page reads ten sections from ten blocks, and each read decompresses its
/// whole block; smaller blocks cut that fourfold for a slightly larger store. An index keeps
/// the block size it was created with, so older indexes stay readable as they are.
pub fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_blocksize: 4096,
        ..Default::default()
    }
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let f = Fields {
        path: b.add_text_field("path", STRING | STORED | FAST),
        kind: b.add_text_field("kind", STRING | STORED),
        lang: b.add_text_field("lang", STRING | STORED),
        title: b.add_text_field("title", STORED),
        title_sv: b.add_text_field("title_sv", words(analysis::SV)),
        title_en: b.add_text_field("title_en", words(analysis::EN)),
        section: b.add_text_field("section", STORED),
        heading: b.add_text_field("heading", STORED),
        trail_sv: b.add_text_field("trail_sv", words(analysis::SV)),
        trail_en: b.add_text_field("trail_en", words(analysis::EN)),
        body_sv: b.add_text_field("body_sv", phrases(analysis::SV).set_stored()),
        body_en: b.add_text_field("body_en", words(analysis::EN).set_stored()),
        body_exact: b.add_text_field("body_exact", phrases(analysis::PHRASE)),
        fold: b.add_text_field("fold", words(analysis::FOLD)),
        parts: b.add_text_field("parts", words(analysis::SV)),
        anchor: b.add_text_field("anchor", STORED),
        amended: b.add_text_field("amended", STORED),
        level: b.add_u64_field("level", NumericOptions::default().set_stored()),
        ord: b.add_u64_field("ord", NumericOptions::default().set_stored().set_indexed()),
        refs_is: b.add_text_field("refs_is", STRING),
        refs_cited: b.add_text_field("refs_cited", STRING),
        meta: b.add_text_field("meta", STORED),
        facets: b.add_facet_field("facets", tantivy::schema::FacetOptions::default()),
    };
    (b.build(), f)
}

impl Fields {
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let get = |name: &str| schema.get_field(name);
        Ok(Fields {
            path: get("path")?,
            kind: get("kind")?,
            lang: get("lang")?,
            title: get("title")?,
            title_sv: get("title_sv")?,
            title_en: get("title_en")?,
            section: get("section")?,
            heading: get("heading")?,
            trail_sv: get("trail_sv")?,
            trail_en: get("trail_en")?,
            body_sv: get("body_sv")?,
            body_en: get("body_en")?,
            body_exact: get("body_exact")?,
            fold: get("fold")?,
            parts: get("parts")?,
            anchor: get("anchor")?,
            amended: get("amended")?,
            level: get("level")?,
            ord: get("ord")?,
            refs_is: get("refs_is")?,
            refs_cited: get("refs_cited")?,
            meta: get("meta")?,
            facets: get("facets")?,
        })
    }
}
