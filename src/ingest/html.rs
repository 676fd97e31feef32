//! HTML → [`Document`]. Decodes the bytes first (BOM, `<meta charset>`, valid UTF-8, else
//! chardetng's guess, so undeclared windows-1252 / ISO-8859-1 pages keep their å, ä, ö), then
//! walks the tree iteratively (deep nesting cannot overflow the stack here), dropping page
//! chrome ([`DROPPED`]) and cookie banners, and splits sections at `h1`-`h6`.
//! Runs inside the extraction worker: html5ever is quadratic in nesting depth.

use super::IngestError;
use crate::document::{Document, Kind, Lang, Meta, RelPath};
use crate::ingest::outline::OutlineBuilder;
use encoding_rs::Encoding;
use scraper::{Html, Node, Selector};

/// Elements whose whole subtree is not content.
pub const DROPPED: &[&str] = &[
    "nav", "header", "footer", "aside", "script", "style", "noscript", "form", "svg", "template",
    "iframe", "head", "button", "select", "dialog", "object", "canvas",
];

/// Elements after which a line break belongs in the text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "tr",
    "table",
    "section",
    "article",
    "main",
    "br",
    "pre",
    "blockquote",
    "dd",
    "dt",
    "ul",
    "ol",
    "dl",
    "figure",
    "figcaption",
    "hr",
    "address",
    "caption",
];

/// Decodes HTML bytes: BOM, then a declared charset in the first 1024 bytes, then strict
/// UTF-8, then detection with a Swedish hint.
pub fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    if let Some(enc) = declared_charset(&bytes[..bytes.len().min(1024)]) {
        // A page that declares UTF-8 but is not, is decoded by detection instead.
        if enc != encoding_rs::UTF_8 || std::str::from_utf8(bytes).is_ok() {
            return enc.decode_without_bom_handling(bytes).0.into_owned();
        }
    }
    decode_plain(bytes)
}

/// Elements that never nest content (void elements) or whose end tag may be left out; they do
/// not count towards nesting depth.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "td", "th", "tr", "dt", "dd", "option", "optgroup", "thead",
    "tbody", "tfoot", "colgroup", "rb", "rt", "rp",
];

/// The deepest element nesting in raw HTML bytes, by a cheap scan of start and end tags (no
/// parsing): used to refuse pages that would make the parser take minutes.
pub fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let closing = bytes.get(i + 1) == Some(&b'/');
        let start = if closing { i + 2 } else { i + 1 };
        let mut end = start;
        while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
            end += 1;
        }
        if end == start {
            i += 1;
            continue;
        }
        let name = String::from_utf8_lossy(&bytes[start..end]).to_ascii_lowercase();
        let close = bytes[end..]
            .iter()
            .position(|b| *b == b'>')
            .map_or(bytes.len(), |p| end + p);
        let self_closing = close > 0 && bytes.get(close - 1) == Some(&b'/');
        if !NOT_NESTING.contains(&name.as_str()) && !self_closing {
            if closing {
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
                max = max.max(depth);
            }
        }
        i = close + 1;
    }
    max
}

/// Decodes bytes that carry no markup: BOM, strict UTF-8, else detection with a Swedish hint.
pub fn decode_plain(bytes: &[u8]) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(Some(b"se"), chardetng::Utf8Detection::Allow);
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

/// Finds `charset=...` in a `<meta>` tag of the document's head bytes.
fn declared_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = find(&lower[start..], b">").map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = rest
                .iter()
                .skip_while(|b| b.is_ascii_whitespace() || **b == b'=');
            let label: Vec<u8> = rest
                .skip_while(|b| **b == b'"' || **b == b'\'')
                .take_while(|b| {
                    b.is_ascii_alphanumeric() || **b == b'-' || **b == b'_' || **b == b':'
                })
                .copied()
                .collect();
            if let Some(enc) = Encoding::for_label(&label) {
                return Some(enc);
            }
        }
        from = end.max(start + 1);
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn is_cookie_banner(el: &scraper::node::Element) -> bool {
    let hit = |v: &str| {
        let v = v.to_ascii_lowercase();
        v.contains("cookie") || v.contains("consent") || v.contains("gdpr-banner")
    };
    el.id().is_some_and(hit) || el.classes().any(hit)
}

/// Parses HTML bytes into a document. A statute page of the Government Offices' legal
/// database is read as the statute it holds ([`super::sfst`]).
pub fn parse(path: &RelPath, bytes: &[u8]) -> Result<Document, IngestError> {
    let text = decode(bytes);
    if super::sfst::is_statute_page(&text)
        && let Ok(page) = super::sfst::parse_statute(&text, None)
    {
        let meta = crate::document::StatuteMeta {
            sfs: page.sfs.clone(),
            amended_to: page.amended_to.clone(),
            ..Default::default()
        };
        let today = time::OffsetDateTime::now_utc().date().to_string();
        let file = super::sfst::corpus_file(&page, &meta, &today);
        let mut doc = super::markdown::parse(path, file.as_bytes())?;
        doc.kind = Kind::Html;
        // The page's own review date is unknown: the stamp says how current it is.
        doc.meta.reviewed = None;
        return Ok(doc);
    }
    let html = Html::parse_document(&text);

    let title_sel = Selector::parse("title").expect("static selector");
    let page_title = html
        .select(&title_sel)
        .next()
        .map(|t| super::clean_line(&t.text().collect::<String>()))
        .filter(|t| !t.is_empty());
    let meta = read_meta(&html);
    let lang_attr = html
        .root_element()
        .value()
        .attr("lang")
        .and_then(Lang::parse);

    let main_sel = Selector::parse("main, article, [role=main]").expect("static selector");
    let body_sel = Selector::parse("body").expect("static selector");
    let root = html
        .select(&main_sel)
        .next()
        .or_else(|| html.select(&body_sel).next())
        .unwrap_or_else(|| html.root_element());

    let h1_sel = Selector::parse("h1").expect("static selector");
    let h1s: Vec<String> = root
        .select(&h1_sel)
        .map(|h| super::clean_line(&h.text().collect::<String>()))
        .collect();
    let h1_is_title = h1s.len() == 1;

    let sections = sections_of(root, h1_is_title);

    let all_text: String = sections.iter().map(|s| s.text.as_str()).collect();
    super::check_garbled(&all_text)?;

    let title = meta
        .title
        .clone()
        .or(page_title)
        .or_else(|| h1s.first().cloned())
        .unwrap_or_else(|| super::markdown::title_from_file_name(path));
    let mut meta = meta;
    if meta.language.is_none() {
        meta.language = lang_attr.map(|l| l.as_str().to_string());
    }
    Ok(Document {
        path: path.clone(),
        kind: Kind::Html,
        title,
        lang: Lang::Sv,
        meta,
        sections,
        notes: Vec::new(),
    })
}

/// The sections of the page's content: its text cut at the headings, with navigation, scripts,
/// cookie banners and hidden parts left out.
fn sections_of(root: scraper::ElementRef<'_>, h1_is_title: bool) -> Vec<crate::document::Section> {
    let mut outline = OutlineBuilder::new(h1_is_title);
    // Depth of the dropped subtree we are inside (0 = none), and the heading being read.
    let mut skip_depth = 0usize;
    let mut depth = 0usize;
    let mut heading: Option<(u8, usize, String)> = None;

    for edge in root.traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => {
                depth += 1;
                if skip_depth > 0 {
                    continue;
                }
                match node.value() {
                    Node::Element(el) => {
                        let name = el.name();
                        let wraps_content = name == "form" && wraps_page(node);
                        if (DROPPED.contains(&name) && !wraps_content)
                            || is_cookie_banner(el)
                            || el.attr("hidden").is_some()
                        {
                            skip_depth = depth;
                            continue;
                        }
                        if let Some(level) = heading_level(name) {
                            heading = Some((level, depth, String::new()));
                        }
                    }
                    Node::Text(t) => match &mut heading {
                        Some((_, _, h)) => h.push_str(t),
                        None => outline.text().push_str(t),
                    },
                    _ => {}
                }
            }
            ego_tree::iter::Edge::Close(node) => {
                if skip_depth == depth {
                    skip_depth = 0;
                    depth -= 1;
                    continue;
                }
                depth -= 1;
                if skip_depth > 0 {
                    continue;
                }
                if let Node::Element(el) = node.value() {
                    let name = el.name();
                    if let Some((level, _, h)) = heading.take_if(|(_, d, _)| *d == depth + 1) {
                        let h = super::clean_line(&h);
                        if h.is_empty() {
                            continue;
                        }
                        outline.heading(level, h);
                    } else if BLOCKS.contains(&name) {
                        outline.text().push('\n');
                    } else if name == "td" || name == "th" {
                        outline.text().push_str(" | ");
                    }
                }
            }
        }
    }
    outline.finish()
}

/// ASP.NET and similar pages wrap the whole body in one `<form>`: such a form is page, not chrome.
fn wraps_page(node: ego_tree::NodeRef<'_, Node>) -> bool {
    let sel = Selector::parse("h1, h2, h3, main, article, p").expect("static selector");
    scraper::ElementRef::wrap(node).is_some_and(|el| el.select(&sel).take(4).count() >= 4)
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

/// Reads the metadata of a page's head (for `check`, which does not parse whole pages).
pub fn meta_of_head(head: &str) -> Meta {
    let html = Html::parse_document(head);
    let mut meta = read_meta(&html);
    if meta == Meta::default() {
        return meta; // not a page with Vägvisare metadata
    }
    let title_sel = Selector::parse("title").expect("static selector");
    if meta.title.is_none() {
        meta.title = html
            .select(&title_sel)
            .next()
            .map(|t| super::clean_line(&t.text().collect::<String>()))
            .filter(|t| !t.is_empty());
    }
    if meta.language.is_none() {
        meta.language = html.root_element().value().attr("lang").map(str::to_string);
    }
    meta
}

/// Reads Vägvisare's metadata from `<meta name=... content=...>` tags; lists are `;`-separated.
fn read_meta(html: &Html) -> Meta {
    let sel = Selector::parse("meta[name][content]").expect("static selector");
    let mut meta = Meta::default();
    for m in html.select(&sel) {
        let name = m.value().attr("name").unwrap_or("").to_ascii_lowercase();
        let content = m.value().attr("content").unwrap_or("").trim().to_string();
        if content.is_empty() {
            continue;
        }
        let list = || {
            content
                .split(';')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
        };
        match name.as_str() {
            "summary" | "description" if meta.summary.is_none() => {
                meta.summary = Some(content.clone())
            }
            "topics" => meta.topics = list(),
            "audience" => meta.audience = list(),
            "legal_refs" => meta.legal_refs = list(),
            "reviewed" => meta.reviewed = Some(content.clone()),
            "sources" => meta.sources = list(),
            "language" => meta.language = Some(content.clone()),
            // "2026-12-06: what changed; 2026-11-20: what changed before"
            "changes" => {
                meta.changes = list()
                    .into_iter()
                    .filter_map(|c| {
                        let (date, note) = c.split_once(':')?;
                        Some(crate::document::ChangeNote {
                            date: date.trim().to_string(),
                            note: note.trim().to_string(),
                        })
                    })
                    .collect()
            }
            _ => {}
        }
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth() {
        assert_eq!(
            nesting_depth(b"<html><body><div><p>a<p>b<br></div></body></html>"),
            3
        );
        assert_eq!(nesting_depth("<div>".repeat(5000).as_bytes()), 5000);
        assert_eq!(nesting_depth("<ul><li>x".repeat(10).as_bytes()), 10);
    }

    #[test]
    fn windows_1252_without_declaration() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252
            .encode("<p>Överenskommelse för idéburna i Åre – äldreomsorg</p>");
        assert_eq!(
            decode(&bytes),
            "<p>Överenskommelse för idéburna i Åre – äldreomsorg</p>"
        );
    }

    #[test]
    fn declared_latin1() {
        let mut bytes = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"></head><body>".to_vec();
        bytes.extend(
            encoding_rs::WINDOWS_1252
                .encode("Lag om offentlig upphandling, 4 kap. 18 §, på svenska")
                .0
                .iter(),
        );
        assert!(decode(&bytes).contains("18 §, på svenska"));
    }

    #[test]
    fn drops_chrome_and_splits() {
        let page = r#"<html lang="sv"><head><title>IOP – vägledning</title><script>var x='hemligt';</script></head>
        <body><nav>Meny</nav><div id="cookie-banner">Vi använder kakor</div>
        <main><h1>Idéburet offentligt partnerskap</h1><p>Intro.</p><h2>När kan IOP användas?</h2><p>När det finns en idé.</p>
        <style>p{}</style></main><footer>Sidfot</footer></body></html>"#;
        let d = parse(&RelPath::parse("a.html").unwrap(), page.as_bytes()).unwrap();
        assert_eq!(d.title, "IOP – vägledning");
        let all: String = d.sections.iter().map(|s| s.text.clone()).collect();
        assert!(
            !all.contains("hemligt")
                && !all.contains("Meny")
                && !all.contains("kakor")
                && !all.contains("Sidfot")
        );
        assert_eq!(
            d.sections.last().unwrap().heading.as_deref(),
            Some("När kan IOP användas?")
        );
        assert!(
            d.sections
                .last()
                .unwrap()
                .text
                .contains("När det finns en idé.")
        );
        assert_eq!(d.meta.language.as_deref(), Some("sv"));
    }
}
