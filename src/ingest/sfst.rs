//! The Government Offices' legal database pages: a consolidated statute (SFST, "Författningar
//! fulltext") and its register of amendments (SFSR, "Författningsregister"). A statute page
//! carries its SFS number, title and "Ändring införd: t.o.m. SFS …" stamp in labelled boxes and
//! the text itself as preformatted plain text: blocks separated by blank lines, chapter lines
//! ("4 kap. Allmänna bestämmelser"), group headings, and paragraphs that begin with "18 §".
//! This module reads both pages and writes the statute as Markdown with its metadata in front
//! matter, the form the corpus keeps it in (`vagvisare statute fetch`), which Markdown ingest
//! then reads with provision anchors (`K4P18`).
//!
//! A paragraph in two versions ("/Upphör att gälla U:2019-01-01/", "/Träder i kraft
//! I:2019-01-01/") is kept in the version in force on the given day; a version not yet in force
//! follows it under its own heading ("18 § (från 2027-01-01)").

use crate::document::{Amendment, StatuteMeta};
use regex::Regex;
use scraper::{ElementRef, Html, Selector};
use std::sync::LazyLock;

/// A statute page as read.
#[derive(Debug, Clone, PartialEq)]
pub struct StatutePage {
    /// `2016:1145`.
    pub sfs: String,
    /// "Lag (2016:1145) om offentlig upphandling".
    pub title: String,
    /// The last amendment included ("t.o.m. SFS 2018:1317").
    pub amended_to: Option<String>,
    /// The text as the page gives it (plain text, blank lines between blocks).
    pub text: String,
}

/// Why a page could not be read as what it should be.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PageError {
    #[error("not a statute page of the legal database (no {0})")]
    Missing(&'static str),
    #[error("the page is for SFS {found}, not {wanted}")]
    OtherStatute { wanted: String, found: String },
}

fn selector(s: &str) -> Selector {
    Selector::parse(s).expect("static selector")
}

/// The text of an element with white space folded.
fn text_of(el: ElementRef<'_>) -> String {
    el.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

static SFS_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{4}:\d{1,4})").expect("valid regex"));
static DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{4}-\d{2}-\d{2})").expect("valid regex"));

/// Whether an HTML page looks like an SFST statute page (so ingest reads it as a statute).
pub fn is_statute_page(html: &str) -> bool {
    html.contains("result-box-text") && html.contains("SFS-nummer")
}

/// Reads a statute page. `wanted`, when given, must be the SFS number the page is for.
pub fn parse_statute(html: &str, wanted: Option<&str>) -> Result<StatutePage, PageError> {
    let doc = Html::parse_document(html);
    let boxes: Vec<ElementRef> = doc.select(&selector(".result-inner-box")).collect();
    let number_box = boxes
        .iter()
        .find(|b| text_of(**b).starts_with("SFS-nummer"))
        .ok_or(PageError::Missing("SFS number"))?;
    let sfs = SFS_NUMBER
        .captures(&text_of(*number_box))
        .map(|c| c[1].to_string())
        .ok_or(PageError::Missing("SFS number"))?;
    if let Some(w) = wanted
        && w != sfs
    {
        return Err(PageError::OtherStatute {
            wanted: w.to_string(),
            found: sfs,
        });
    }
    let labelled = |label: &str| {
        boxes.iter().find_map(|b| {
            let t = text_of(*b);
            t.strip_prefix(label).map(|rest| rest.trim().to_string())
        })
    };
    let title = boxes
        .iter()
        .map(|b| text_of(*b))
        .find(|t| t.contains(&format!("({sfs})")) && !t.starts_with("SFS-nummer"))
        .ok_or(PageError::Missing("title"))?;
    let amended_to =
        labelled("Ändring införd:").and_then(|t| SFS_NUMBER.captures(&t).map(|c| c[1].to_string()));
    let body = doc
        .select(&selector(".result-box-text"))
        .next()
        .ok_or(PageError::Missing("statute text"))?;
    let text: String = body.text().collect();
    if text.trim().is_empty() {
        return Err(PageError::Missing("statute text"));
    }
    Ok(StatutePage {
        sfs,
        title,
        amended_to,
        text: text.replace("\r\n", "\n"),
    })
}

/// Reads a register page: the amending acts with their scope and the day each came into force.
/// A page without any amendment entry (a statute never amended) gives an empty list.
pub fn parse_register(html: &str, sfs: &str) -> Result<Vec<Amendment>, PageError> {
    let doc = Html::parse_document(html);
    let page_text = text_of(doc.root_element());
    if !page_text.contains(sfs) {
        return Err(PageError::Missing("the statute's register entry"));
    }
    let mut out = Vec::new();
    for entry in doc.select(&selector(".result-inner-sub-box-container")) {
        let Some(header) = entry
            .select(&selector(".result-inner-sub-box-header"))
            .next()
            .map(text_of)
        else {
            continue;
        };
        let Some(act) = header
            .strip_prefix("Ändring, SFS")
            .and_then(|r| SFS_NUMBER.captures(r).map(|c| c[1].to_string()))
        else {
            continue;
        };
        let field = |label: &str| {
            entry
                .select(&selector(".result-inner-sub-box"))
                .map(text_of)
                .find_map(|t| t.strip_prefix(label).map(|r| r.trim().to_string()))
        };
        out.push(Amendment {
            sfs: act,
            in_force: field("Ikraft:").and_then(|t| DATE.captures(&t).map(|c| c[1].to_string())),
            scope: field("Omfattning:"),
        });
    }
    Ok(out)
}

static PARAGRAPH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\d{1,3}(?: ?[a-z])?) §(?:\s*/(Upphör att gälla U|Träder i kraft I):(\d{4}-\d{2}-\d{2})/)?\s*(.*)$",
    )
    .expect("valid regex")
});
/// "4 kap. Allmänna bestämmelser" (not an item of a table of contents, "4 kap. – Allmänna …").
static CHAPTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,3}(?: [a-z])? kap\. [^–\-\s]").expect("valid regex"));
/// "Bilaga 2", "Bilaga 2 /Upphör att gälla U:2019-01-01/", "Bilaga 1 /Bilagan är inte med här/".
static APPENDIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(Bilaga \d+(?: ?[a-z])?)\s*(?:$|/(?:(Upphör att gälla U|Träder i kraft I):(\d{4}-\d{2}-\d{2}))?)")
        .expect("valid regex")
});
static DIVISION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:AVD\. [A-ZÅÄÖ]\b|[A-ZÅÄÖ]+ AVDELNINGEN$|[IVX]+\s{1,2}\S)")
        .expect("valid regex")
});

/// A statute's text as Markdown: `#` title, `##` divisions, chapters, transitional provisions
/// and appendices, `###` group headings, `####` paragraphs. `today` (`YYYY-MM-DD`) decides
/// which version of a twice-given paragraph is in force.
pub fn to_markdown(page: &StatutePage, today: &str) -> String {
    let mut out = format!("# {}\n", page.title);
    // Skipping the rest of a version no longer in force: a paragraph's (until the next
    // heading) or an appendix's (until the next appendix or chapter).
    let mut skipping = false;
    let mut skipping_appendix = false;
    let mut in_transitional = false;
    for block in page.text.split("\n\n") {
        let lines: Vec<&str> = block
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        let first = lines[0];
        let single = lines.len() == 1;
        if let Some(c) = PARAGRAPH.captures(first) {
            let number = &c[1];
            let rest = c.get(4).map_or("", |m| m.as_str());
            let heading = match (c.get(2).map(|m| m.as_str()), c.get(3).map(|m| m.as_str())) {
                (Some(k), Some(d)) if k.starts_with("Upphör") => {
                    skipping = d <= today;
                    format!("{number} §")
                }
                (Some(_), Some(d)) if d > today => {
                    skipping = false;
                    format!("{number} § (från {d})")
                }
                _ => {
                    skipping = false;
                    format!("{number} §")
                }
            };
            if skipping {
                continue;
            }
            out.push_str(&format!("\n#### {heading}\n"));
            let text = join(std::iter::once(rest).chain(lines[1..].iter().copied()));
            if !text.is_empty() {
                out.push_str(&format!("\n{}\n", escape(&text)));
            }
            continue;
        }
        // A short line of its own, not a sentence, list item or table-of-contents entry.
        let heading_like = single
            && first.chars().count() <= 120
            && !first.ends_with(['.', ',', ';', ':'])
            && !first.starts_with(['-', '–'])
            && !first.contains(" – ")
            && !first.starts_with("Lag (");
        if single && CHAPTER.is_match(first) {
            skipping = false;
            skipping_appendix = false;
            in_transitional = false;
            out.push_str(&format!("\n## {first}\n"));
            continue;
        }
        if single && first == "Övergångsbestämmelser" {
            skipping = false;
            in_transitional = true;
            out.push_str("\n## Övergångsbestämmelser\n");
            continue;
        }
        if let Some(c) = APPENDIX.captures(first).filter(|_| single) {
            in_transitional = false;
            let gone = c.get(2).is_some_and(|k| k.as_str().starts_with("Upphör"))
                && c.get(3).is_some_and(|d| d.as_str() <= today);
            let coming = c.get(2).is_some_and(|k| k.as_str().starts_with("Träder"))
                && c.get(3).is_some_and(|d| d.as_str() > today);
            skipping = gone;
            skipping_appendix = gone;
            if gone {
                continue;
            }
            let name = &c[1];
            match (coming, c.get(3)) {
                (true, Some(d)) => out.push_str(&format!("\n## {name} (från {})\n", d.as_str())),
                _ => out.push_str(&format!("\n## {name}\n")),
            }
            continue;
        }
        // A heading ends a version no longer in force (it belongs to what follows).
        if heading_like
            && !skipping_appendix
            && !in_transitional
            && !first.starts_with(|c: char| c.is_ascii_digit())
        {
            skipping = false;
        }
        if skipping {
            continue;
        }
        if in_transitional && single && SFS_NUMBER.is_match(first) && first.len() <= 12 {
            out.push_str(&format!("\n### {first}\n"));
            continue;
        }
        if heading_like && DIVISION.is_match(first) {
            out.push_str(&format!("\n## {first}\n"));
            continue;
        }
        if heading_like && !first.starts_with(|c: char| c.is_ascii_digit()) && !in_transitional {
            out.push_str(&format!("\n### {first}\n"));
            continue;
        }
        out.push_str(&format!("\n{}\n", escape(&join(lines.iter().copied()))));
    }
    out
}

/// Hard-wrapped lines joined into one line of text.
fn join<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    lines
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Statute text as Markdown text: emphasis marks and a leading `#` shown as written.
fn escape(text: &str) -> String {
    let t = text.replace('*', "\\*").replace('_', "\\_");
    if t.starts_with('#') {
        format!("\\{t}")
    } else {
        t
    }
}

/// The corpus file for a statute: front matter (title, the statute's metadata) and its text.
pub fn corpus_file(page: &StatutePage, meta: &StatuteMeta, today: &str) -> String {
    let yaml_string = |s: &str| serde_json::to_string(s).expect("a string serialises");
    let mut fm = String::from("---\n");
    fm.push_str(&format!("title: {}\n", yaml_string(&page.title)));
    fm.push_str("language: sv\n");
    fm.push_str("topics: [upphandling]\n");
    fm.push_str(&format!("reviewed: {today}\n"));
    if let Some(source) = &meta.source {
        fm.push_str(&format!("sources:\n  - {}\n", yaml_string(source)));
    }
    fm.push_str("statute:\n");
    fm.push_str(&format!("  sfs: {}\n", yaml_string(&meta.sfs)));
    if let Some(a) = &meta.amended_to {
        fm.push_str(&format!("  amended_to: {}\n", yaml_string(a)));
    }
    if let Some(s) = &meta.source {
        fm.push_str(&format!("  source: {}\n", yaml_string(s)));
    }
    if let Some(f) = &meta.fetched {
        fm.push_str(&format!("  fetched: {}\n", yaml_string(f)));
    }
    if !meta.amendments.is_empty() {
        fm.push_str("  amendments:\n");
        for a in &meta.amendments {
            fm.push_str(&format!("    - sfs: {}\n", yaml_string(&a.sfs)));
            if let Some(d) = &a.in_force {
                fm.push_str(&format!("      in_force: {}\n", yaml_string(d)));
            }
            if let Some(s) = &a.scope {
                fm.push_str(&format!("      scope: {}\n", yaml_string(s)));
            }
        }
    }
    fm.push_str("---\n\n");
    fm.push_str(&to_markdown(page, today));
    fm
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><body><div class="result-inner-box bold">SFS-nummer · 2016:1145 · <a href="/sfsr?bet=2016:1145">Visa register</a></div>
<div class="result-inner-box"><span class="bold">Lag (2016:1145) om offentlig upphandling</span></div>
<div class="result-inner-box"><span class="bold">Ändring införd:</span> t.o.m. SFS 2021:1110</div>
<div class="result-inner-box"><div class="result-box-text body-text">4 kap. Allmänna bestämmelser

Reserverad upphandling

18 § En upphandlande myndighet får för en upphandling
reservera deltagandet för skyddade verkstäder.

Minst 30 procent av dem som sysselsätts ska vara
personer med funktionsnedsättning. Lag (2021:1110).

19 § /Upphör att gälla U:2019-01-01/
Gammal lydelse.

19 § /Träder i kraft I:2019-01-01/
Ny lydelse.

20 § /Träder i kraft I:2099-01-01/
Kommande lydelse.

Övergångsbestämmelser

2016:1145

1. Denna lag träder i kraft den 1 januari 2017.
</div></div></body></html>"#;

    #[test]
    fn a_statute_page_becomes_markdown_with_the_version_in_force() {
        let page = parse_statute(PAGE, Some("2016:1145")).unwrap();
        assert_eq!(page.title, "Lag (2016:1145) om offentlig upphandling");
        assert_eq!(page.amended_to.as_deref(), Some("2021:1110"));
        let md = to_markdown(&page, "2026-12-06");
        assert!(md.contains("\n## 4 kap. Allmänna bestämmelser\n"), "{md}");
        assert!(md.contains("\n### Reserverad upphandling\n"), "{md}");
        assert!(
            md.contains("\n#### 18 §\n\nEn upphandlande myndighet får för en upphandling reservera deltagandet för skyddade verkstäder.\n"),
            "{md}"
        );
        assert!(md.contains("Lag (2021:1110)."), "{md}");
        assert!(!md.contains("Gammal lydelse"), "{md}");
        assert!(md.contains("Ny lydelse"), "{md}");
        assert!(md.contains("#### 20 § (från 2099-01-01)"), "{md}");
        assert!(md.contains("### 2016:1145"), "{md}");
        assert_eq!(
            parse_statute(PAGE, Some("2016:1146")),
            Err(PageError::OtherStatute {
                wanted: "2016:1146".into(),
                found: "2016:1145".into()
            })
        );
        assert!(parse_statute("<html><body>Sidan finns inte</body></html>", None).is_err());
    }
}
