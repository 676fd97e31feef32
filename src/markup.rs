//! Text with marked ranges, and the one HTML escaper. Search returns snippets and document text
//! as [`Marked`] (plain text plus the byte ranges of the words that matched); each front end
//! marks them its own way: HTML `<mark>` for the pages and the JSON contract, «…» in a terminal.

use std::ops::Range;

/// Escapes text for HTML and XML (element content and quoted attribute values).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Plain text and the byte ranges in it that matched a query (sorted, not overlapping, each on
/// character boundaries).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Marked {
    pub text: String,
    pub marks: Vec<Range<usize>>,
}

impl Marked {
    pub fn plain(text: impl Into<String>) -> Marked {
        Marked {
            text: text.into(),
            marks: Vec::new(),
        }
    }

    /// Escaped HTML with each mark in `<mark>`.
    pub fn to_html(&self) -> String {
        self.render(escape_html, "<mark>", "</mark>")
    }

    /// The text with each mark between `open` and `close` (for a terminal: « and »).
    pub fn to_plain(&self, open: &str, close: &str) -> String {
        self.render(str::to_string, open, close)
    }

    fn render(&self, text: impl Fn(&str) -> String, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + 16);
        let mut at = 0;
        for m in &self.marks {
            if m.start < at
                || m.end > self.text.len()
                || !self.text.is_char_boundary(m.start)
                || !self.text.is_char_boundary(m.end)
            {
                continue;
            }
            out.push_str(&text(&self.text[at..m.start]));
            out.push_str(open);
            out.push_str(&text(&self.text[m.clone()]));
            out.push_str(close);
            at = m.end;
        }
        out.push_str(&text(&self.text[at..]));
        out
    }
}

/// Builds a [`Marked`] piece by piece, folding every run of white space into one space and
/// dropping it at the start (so a snippet reads as one line).
#[derive(Debug, Default)]
pub struct MarkedBuilder {
    out: Marked,
    /// A space is owed before the next non-space text.
    space: bool,
}

impl MarkedBuilder {
    /// Appends text, folding white space.
    pub fn text(&mut self, s: &str) {
        for c in s.chars() {
            if c.is_whitespace() {
                self.space = !self.out.text.is_empty();
            } else {
                if self.space {
                    self.out.text.push(' ');
                    self.space = false;
                }
                self.out.text.push(c);
            }
        }
    }

    /// Appends a marked word (it holds no white space).
    pub fn mark(&mut self, s: &str) {
        if self.space {
            self.out.text.push(' ');
            self.space = false;
        }
        let start = self.out.text.len();
        self.text(s);
        self.out.marks.push(start..self.out.text.len());
    }

    /// Forgets a space owed at the end (the next text joins on directly).
    pub fn trim_end(&mut self) {
        self.space = false;
    }

    pub fn finish(self) -> Marked {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_render_per_front_end_and_escape() {
        let mut b = MarkedBuilder::default();
        b.text("  Reserverad\n upphandling <enligt> ");
        b.mark("4:18");
        b.text(" & mer ");
        let m = b.finish();
        assert_eq!(m.text, "Reserverad upphandling <enligt> 4:18 & mer");
        assert_eq!(
            m.to_html(),
            "Reserverad upphandling &lt;enligt&gt; <mark>4:18</mark> &amp; mer"
        );
        assert_eq!(
            m.to_plain("«", "»"),
            "Reserverad upphandling <enligt> «4:18» & mer"
        );
        assert_eq!(escape_html("\"å'"), "&quot;å&#39;");
    }
}
