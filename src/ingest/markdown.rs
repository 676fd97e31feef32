//! Markdown (with optional YAML/TOML front matter) → [`Document`], split into sections at
//! headings. The title comes from front matter, else the first `#` heading, else the file name.
//! A document's single top `#` heading is its title and is left out of section trails, so a
//! statute laid out as `# Lag` → `## 4 kap.` → `### Reserverade kontrakt` → `#### 18 §` gives
//! the trail "4 kap. › Reserverade kontrakt › 18 §".

use super::{IngestError, frontmatter};
use crate::document::{Document, Kind, Lang, Meta, RelPath, Section};
use crate::ingest::outline::OutlineBuilder;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Parses Markdown bytes (UTF-8, with a lossy fallback that the garble check then judges).
pub fn parse(path: &RelPath, bytes: &[u8]) -> Result<Document, IngestError> {
    let text = String::from_utf8_lossy(bytes);
    let split = frontmatter::split(&text);
    let meta = match split.block {
        Some((block, format)) => frontmatter::parse(block, format)
            .map(|(m, _)| m)
            .map_err(|e| IngestError::Parse(format!("front matter: {e}")))?,
        None => Meta::default(),
    };
    super::check_garbled(split.body).or_else(|e| {
        if split.body.trim().is_empty() && meta.title.is_some() {
            Ok(())
        } else {
            Err(e)
        }
    })?;
    let outline = outline(split.body, meta.statute.is_some());
    let mut meta = meta;
    if let Some(statute) = meta.statute.as_mut()
        && statute.amended_to.is_none()
    {
        // A text that does not say how current it is (the se-lex export) is as current as
        // the latest amendment it contains.
        statute.amended_to =
            latest_act(outline.sections.iter().filter_map(|s| s.amended.as_deref()));
    }
    let title = meta
        .title
        .clone()
        .or_else(|| outline.h1_title.clone())
        .unwrap_or_else(|| title_from_file_name(path));
    Ok(Document {
        path: path.clone(),
        kind: Kind::Markdown,
        title,
        lang: Lang::Sv,
        meta,
        sections: outline.sections,
        notes: Vec::new(),
    })
}

/// A file name turned into a readable title: "iop-grunder.md" → "iop grunder".
pub fn title_from_file_name(path: &RelPath) -> String {
    let name = path.file_name();
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    stem.replace(['-', '_'], " ")
}

/// The sections of a Markdown body, and the single `#` heading if it serves as the title.
pub struct Outline {
    pub h1_title: Option<String>,
    pub sections: Vec<Section>,
}

fn level_num(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The latest of some SFS numbers (`2021:1110` is later than `2021:987` and `2018:1159`).
pub fn latest_act<'a>(acts: impl Iterator<Item = &'a str>) -> Option<String> {
    acts.max_by_key(|a| {
        let (y, n) = a.split_once(':').unwrap_or((a, "0"));
        (y.parse::<u32>().unwrap_or(0), n.parse::<u32>().unwrap_or(0))
    })
    .map(str::to_string)
}

/// Splits a Markdown body into sections (a statute's with provision anchors). Raw HTML in the
/// Markdown is kept as text only.
pub fn outline(body: &str, statute: bool) -> Outline {
    let h1_count = Parser::new_ext(body, options())
        .filter(|e| {
            matches!(
                e,
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H1,
                    ..
                })
            )
        })
        .count();
    let h1_is_title = h1_count == 1;

    let mut outline = if statute {
        OutlineBuilder::for_statute(h1_is_title)
    } else {
        OutlineBuilder::new(h1_is_title)
    };
    let mut h1_title = None;
    let mut in_heading: Option<(u8, String)> = None;

    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some((level_num(level), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, heading)) = in_heading.take() else {
                    continue;
                };
                let heading = super::clean_line(&heading);
                if level == 1 && h1_is_title {
                    h1_title = Some(heading.clone());
                }
                outline.heading(level, heading);
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                match &mut in_heading {
                    Some((_, h)) => h.push_str(&t),
                    None => outline.text().push_str(&t),
                }
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => outline.text().push_str(&t),
            Event::SoftBreak => match &mut in_heading {
                Some((_, h)) => h.push(' '),
                None => outline.text().push(' '),
            },
            Event::HardBreak => outline.text().push('\n'),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_),
            ) => {
                outline.text().push_str("\n\n");
            }
            Event::End(TagEnd::TableCell) => outline.text().push_str(" | "),
            Event::Start(Tag::Item) => outline.text().push_str("• "),
            _ => {}
        }
    }
    Outline {
        h1_title,
        sections: outline.finish(),
    }
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trails(md: &str) -> Vec<(Option<String>, String, String)> {
        outline(md, false)
            .sections
            .into_iter()
            .map(|s| (s.trail_label(), s.anchor, s.text.trim().to_string()))
            .collect()
    }

    #[test]
    fn statute_ladder() {
        let md = "# Lag om offentlig upphandling\n\nInledning.\n\n## 4 kap. Allmänna bestämmelser\n\n### Reserverade kontrakt\n\n#### 18 §\n\nEn upphandlande myndighet får reservera.\n\n## 5 kap. Tröskelvärden\n\nText.\n";
        let t = trails(md);
        assert_eq!(
            t[0],
            (
                None,
                "lag-om-offentlig-upphandling".into(),
                "Inledning.".into()
            )
        );
        assert_eq!(
            t[3].0.as_deref(),
            Some("4 kap. Allmänna bestämmelser › Reserverade kontrakt › 18 §")
        );
        assert_eq!(t[3].2, "En upphandlande myndighet får reservera.");
        assert_eq!(t[4].0.as_deref(), Some("5 kap. Tröskelvärden"));
        assert_eq!(
            outline(md, false).h1_title.as_deref(),
            Some("Lag om offentlig upphandling")
        );
    }

    #[test]
    fn title_fallbacks() {
        let p = RelPath::parse("iop/om-iop.md").unwrap();
        let d = parse(&p, "Bara text utan rubrik, med å.".as_bytes()).unwrap();
        assert_eq!(d.title, "om iop");
        let d = parse(
            &p,
            b"---\ntitle: Fr\xc3\xa5n front matter\n---\n# H1\n\ntext",
        )
        .unwrap();
        assert_eq!(d.title, "Från front matter");
        let d = parse(&p, "## Bara H2\n\ntext\n\n# Första H1\n\nmer".as_bytes()).unwrap();
        assert_eq!(d.title, "Första H1");
    }
}
