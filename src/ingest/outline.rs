//! One way to cut a document into sections, shared by the Markdown and HTML parsers: they walk
//! their own syntax and report headings and text in reading order; the builder opens a section
//! at each heading with a unique anchor and the trail of headings above it. When a document has
//! exactly one level-1 heading, that heading is its title: its section is the lead and has no
//! trail, and the headings below it start their trails afresh.

use crate::document::{AnchorSet, Section};

pub struct OutlineBuilder {
    sections: Vec<Section>,
    anchors: AnchorSet,
    /// (level, heading) of the headings above the current section, below the title.
    stack: Vec<(u8, String)>,
    current: Section,
    h1_is_title: bool,
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
        }
    }

    /// The text of the section being read, to append to.
    pub fn text(&mut self) -> &mut String {
        &mut self.current.text
    }

    /// A heading (already cleaned) starts a new section.
    pub fn heading(&mut self, level: u8, heading: String) {
        let finished = std::mem::replace(&mut self.current, untitled(level));
        self.sections.push(finished);
        self.current.anchor = self.anchors.unique(&heading);
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
}
