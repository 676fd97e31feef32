//! One way to cut a document into sections, shared by the Markdown and HTML parsers: they walk
//! their own syntax and report headings and text in reading order; the builder opens a section
//! at each heading with a unique anchor and the trail of headings above it. When a document has
//! exactly one level-1 heading, that heading is its title: its section is the lead and has no
//! trail, and the headings below it start their trails afresh.
//!
//! In a statute's text (`for_statute`), chapter and paragraph headings ("4 kap. Allmänna
//! bestämmelser", "18 §") get anchors that name the provision (`K4`, `K4P18`; see
//! [`statute_anchor`]), a paragraph heading is cleaned of converter debris before its "N §",
//! and each paragraph keeps the act that last amended it (its closing "Lag (2021:1110).").

use crate::document::{AnchorSet, Section, statute_anchor};
use regex::Regex;
use std::sync::LazyLock;

/// "4 kap. Allmänna bestämmelser", "19 a kap." → the chapter ("4", "19 a").
static CHAPTER_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\d{1,3}(?:\s?[a-z])?)\s*kap\.").expect("valid regex"));
/// A heading ending in "18 §", "25 a §" (possibly after converter debris such as "/24/ 11 §").
static PARAGRAPH_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)(\d{1,3}(?:\s?[a-z])?)\s*§\s*$").expect("valid regex"));
/// The note closing a paragraph changed by a later act: "Lag (2021:1110)." or
/// "Förordning (2022:5).".
static AMENDED_BY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:Lag|Förordning)\s*\((\d{4}:\d{1,4})\)").expect("valid regex"));

/// The act that last amended a statute paragraph, from its closing note.
pub fn amended_by(text: &str) -> Option<String> {
    AMENDED_BY
        .captures_iter(text)
        .last()
        .map(|c| c[1].to_string())
}

pub struct OutlineBuilder {
    sections: Vec<Section>,
    anchors: AnchorSet,
    /// (level, heading) of the headings above the current section, below the title.
    stack: Vec<(u8, String)>,
    current: Section,
    h1_is_title: bool,
    /// Set for a statute's text: the chapter being read, once one has begun.
    statute: Option<Option<String>>,
}

impl OutlineBuilder {
    /// `h1_is_title`: the document has a single level-1 heading, which is its title.
    pub fn new(h1_is_title: bool) -> OutlineBuilder {
        OutlineBuilder {
            sections: Vec::new(),
            anchors: AnchorSet::default(),
            stack: Vec::new(),
            current: untitled(0),
            h1_is_title,
            statute: None,
        }
    }

    /// Like [`OutlineBuilder::new`], for a statute's text: provision anchors and amendments.
    pub fn for_statute(h1_is_title: bool) -> OutlineBuilder {
        OutlineBuilder {
            statute: Some(None),
            ..OutlineBuilder::new(h1_is_title)
        }
    }

    /// In a statute: the heading as it should read and the anchor that names its provision,
    /// if it is a chapter or paragraph heading.
    fn provision(&mut self, heading: &str) -> Option<(String, String)> {
        let chapter = self.statute.as_mut()?;
        if let Some(c) = CHAPTER_HEADING.captures(heading) {
            let number = c[1].to_string();
            let anchor = statute_anchor(Some(&number), None);
            *chapter = Some(number);
            return Some((heading.to_string(), anchor));
        }
        let p = PARAGRAPH_HEADING.captures(heading)?;
        let number = p[1].to_string();
        let anchor = statute_anchor(chapter.as_deref(), Some(&number));
        Some((format!("{number} §"), anchor))
    }

    /// The text of the section being read, to append to.
    pub fn text(&mut self) -> &mut String {
        &mut self.current.text
    }

    /// A heading (already cleaned) starts a new section.
    pub fn heading(&mut self, level: u8, heading: String) {
        let finished = std::mem::replace(&mut self.current, untitled(level));
        self.sections.push(finished);
        let (heading, anchor) = match self.provision(&heading) {
            Some((cleaned, id)) => (cleaned, self.anchors.unique_id(id)),
            None => {
                let anchor = self.anchors.unique(&heading);
                (heading, anchor)
            }
        };
        self.current.anchor = anchor;
        if level == 1 && self.h1_is_title {
            // The title's section is the document's lead: no heading, no trail.
            self.stack.clear();
            return;
        }
        while self.stack.last().is_some_and(|(l, _)| *l >= level) {
            self.stack.pop();
        }
        self.stack.push((level, heading.clone()));
        self.current.trail = self.stack.iter().map(|(_, h)| h.clone()).collect();
        self.current.heading = Some(heading);
    }

    /// The sections; the text before the first heading stays only if there is some.
    pub fn finish(mut self) -> Vec<Section> {
        self.sections.push(self.current);
        if self.statute.is_some() {
            for s in &mut self.sections {
                s.amended = amended_by(&s.text);
            }
        }
        self.sections
            .into_iter()
            .enumerate()
            .filter(|(i, s)| *i > 0 || !s.text.trim().is_empty())
            .map(|(_, s)| s)
            .collect()
    }
}

fn untitled(level: u8) -> Section {
    Section {
        heading: None,
        trail: Vec::new(),
        anchor: String::new(),
        level,
        text: String::new(),
        amended: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trails_anchors_and_the_title() {
        let mut b = OutlineBuilder::new(true);
        b.text().push_str("  ");
        b.heading(1, "Titel".into());
        b.text().push_str("Ingress");
        b.heading(2, "Del".into());
        b.heading(3, "Stycke".into());
        b.heading(2, "Del".into());
        let s = b.finish();
        assert_eq!(s.len(), 4, "the empty text before the title is dropped");
        assert_eq!(
            (s[0].heading.as_deref(), s[0].text.as_str()),
            (None, "Ingress")
        );
        assert_eq!(s[2].trail, ["Del", "Stycke"]);
        assert_eq!(s[3].trail, ["Del"]);
        assert_ne!(s[1].anchor, s[3].anchor, "anchors are unique");
        let mut two = OutlineBuilder::new(false);
        two.heading(1, "A".into());
        assert_eq!(two.finish()[0].heading.as_deref(), Some("A"));
    }

    #[test]
    fn statute_provisions_get_their_anchors() {
        let mut b = OutlineBuilder::for_statute(true);
        b.heading(1, "Lag om offentlig upphandling".into());
        b.heading(2, "4 kap. Allmänna bestämmelser".into());
        b.heading(3, "Reserverad upphandling".into());
        b.heading(4, "18 §".into());
        b.text()
            .push_str("En upphandlande myndighet får … Lag (2021:1110).");
        b.heading(2, "19 a kap. Direktupphandling".into());
        b.heading(4, "/24/ 1 §".into());
        b.heading(2, "19 kap. Annonspliktiga upphandlingar".into());
        b.heading(4, "25 a §".into());
        let s = b.finish();
        let anchors: Vec<&str> = s.iter().map(|s| s.anchor.as_str()).collect();
        assert_eq!(
            anchors,
            [
                "lag-om-offentlig-upphandling",
                "K4",
                "reserverad-upphandling",
                "K4P18",
                "K19a",
                "K19aP1",
                "K19",
                "K19P25a"
            ]
        );
        assert_eq!(s[3].amended.as_deref(), Some("2021:1110"));
        assert_eq!(s[5].heading.as_deref(), Some("1 §"));
        assert_eq!(
            s[3].trail,
            [
                "4 kap. Allmänna bestämmelser",
                "Reserverad upphandling",
                "18 §"
            ]
        );
        let mut plain = OutlineBuilder::new(false);
        plain.heading(2, "18 §".into());
        assert_eq!(plain.finish()[0].anchor, "18");
    }
}
