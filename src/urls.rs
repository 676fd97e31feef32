//! Every address of the web interface, built in one place: the pages link to each other, the
//! JSON carries card addresses and the feed links documents, and all of them go through here.
//! Paths and query values are percent-encoded; the results are ready for an `href` (the
//! templates escape them once more, which leaves them unchanged).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What a corpus path keeps unencoded in a URL path (the folder separators and safe marks).
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A query-string value.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, NON_ALPHANUMERIC).to_string()
}

/// A corpus path as a URL path (keeps `/`).
pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// The document view: `/dok/<path>`.
pub fn document(path: &str) -> String {
    format!("/dok/{}", encode_path(path))
}

/// A section of the document view: `/dok/<path>#<anchor>`, or the document when no anchor.
pub fn section(path: &str, anchor: Option<&str>) -> String {
    match anchor.filter(|a| !a.is_empty()) {
        Some(a) => format!("{}#{a}", document(path)),
        None => document(path),
    }
}

/// A link into the corpus as the data writes it (`path#anchor` or `path`).
pub fn corpus_link(link: &str) -> String {
    let (path, anchor) = crate::document::split_link(link);
    section(path, anchor)
}

/// A hit: the document view with the query's words marked, at the section.
pub fn hit(path: &str, query: &str, anchor: Option<&str>) -> String {
    let base = format!("{}?q={}", document(path), encode(query));
    match anchor.filter(|a| !a.is_empty()) {
        Some(a) => format!("{base}#{a}"),
        None => base,
    }
}

/// The original file, as an attachment: `/fil/<path>`.
pub fn file(path: &str) -> String {
    format!("/fil/{}", encode_path(path))
}

/// An answer card: `/kort/<id>`.
pub fn card(id: &str) -> String {
    format!("/kort/{}", encode_path(id))
}

/// An answer card opened from the results of `query` (counted in the editors' analytics).
pub fn card_from_search(id: &str, query: &str) -> String {
    format!("{}?q={}", card(id), encode(query))
}

/// Where a card's vote form posts: `/kort/<id>/rost`.
pub fn card_vote(id: &str) -> String {
    format!("{}/rost", card(id))
}

/// The page a vote came from, told that `card` was voted on: `…?rostat=<id>#rost-<id>`.
pub fn after_vote(back: &str, card_id: &str) -> String {
    let (path, query) = back.split_once('?').unwrap_or((back, ""));
    let mut params: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("rostat="))
        .collect();
    let voted = format!("rostat={}", encode_path(card_id));
    params.push(&voted);
    format!("{path}?{}#rost-{}", params.join("&"), encode_path(card_id))
}

/// The search page for a query and `&kind=value` filters.
pub fn search(query: &str, filters: &[(String, String)]) -> String {
    format!("/?q={}{}", encode(query), filter_query(filters))
}

/// `&topic=iop&format=pdf` for a set of filters.
pub fn filter_query(filters: &[(String, String)]) -> String {
    filters
        .iter()
        .map(|(k, v)| format!("&{k}={}", encode(v)))
        .collect()
}

/// The IOP form with answers filled in (`query` is the answers' query string).
pub fn iop_form(query: &str) -> String {
    format!("/iop?{query}")
}

/// The shareable IOP result for the answers' query string.
pub fn iop_result(query: &str) -> String {
    format!("/iop/resultat?{query}")
}

/// The workshop picker for a session's query string.
pub fn workshop(session: &str) -> String {
    format!("/workshop?{session}")
}

/// The hand-outs of a session, `per` cards to a sheet (1 or 4).
pub fn workshop_print(session: &str, per: usize) -> String {
    format!("/workshop/utskrift?{session}&per={per}")
}

/// The projector view of slide `i` of a session.
pub fn workshop_slide(session: &str, i: usize) -> String {
    format!("/workshop/visa?{session}&i={i}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(
            section("idéburna/ar-vi-ideburen.md", Some("snabbtest")),
            "/dok/id%C3%A9burna/ar-vi-ideburen.md#snabbtest"
        );
        assert_eq!(corpus_link("a b.md"), "/dok/a%20b.md");
        assert_eq!(
            hit("iop/vad-ar-iop.md", "4 kap. 18 §", Some("x")),
            "/dok/iop/vad-ar-iop.md?q=4%20kap%2E%2018%20%C2%A7#x"
        );
        assert_eq!(
            search("iop", &[("topic".into(), "iop".into())]),
            "/?q=iop&topic=iop"
        );
        assert_eq!(card("hfd-alingsas"), "/kort/hfd-alingsas");
    }
}
