//! Text with marked ranges, and the one HTML escaper. Search returns snippets and document text
//! as [`Marked`] (plain text plus the byte ranges of the words that matched); each front end
//! marks them its own way: HTML `<mark>` for the pages and the JSON contract, «…» in a terminal.
//! A page may also lay links over ranges of the text (citations that open the law).

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
/// character boundaries), and links laid over other ranges (sorted, not overlapping).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Marked {
    pub text: String,
    pub marks: Vec<Range<usize>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

/// A link over a range of a [`Marked`] text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    pub range: Range<usize>,
    pub href: String,
    /// Shown on hover and focus (`title`).
    pub title: Option<String>,
    /// Leads off the site: marked as such (class `ext`, and `note` for screen readers).
    pub external: bool,
    /// Words read out after the link text and not shown ("(extern webbplats)").
    pub note: Option<String>,
}

impl Marked {
    pub fn plain(text: impl Into<String>) -> Marked {
        Marked {
            text: text.into(),
            ..Marked::default()
        }
    }

    /// Escaped HTML with each mark in `<mark>` and each link an `<a>` (a mark that crosses a
    /// link's edge is closed and opened again, so the elements nest).
    pub fn to_html(&self) -> String {
        if self.links.is_empty() {
            return self.render(escape_html, "<mark>", "</mark>");
        }
        let mut cuts: Vec<usize> = vec![0, self.text.len()];
        for r in self.marks.iter().chain(self.links.iter().map(|l| &l.range)) {
            cuts.extend([r.start, r.end]);
        }
        cuts.retain(|&c| c <= self.text.len() && self.text.is_char_boundary(c));
        cuts.sort_unstable();
        cuts.dedup();
        let mut out = String::with_capacity(self.text.len() + 64);
        let mut open_link: Option<&Link> = None;
        for pair in cuts.windows(2) {
            let (from, to) = (pair[0], pair[1]);
            if from == to {
                continue;
            }
            let link = self
                .links
                .iter()
                .find(|l| l.range.start <= from && from < l.range.end);
            if open_link.map(|l| &l.range) != link.map(|l| &l.range) {
                if let Some(l) = open_link.take() {
                    close_link(&mut out, l);
                }
                if let Some(l) = link {
                    open_link_tag(&mut out, l);
                    open_link = Some(l);
                }
            }
            let marked = self.marks.iter().any(|r| r.start <= from && from < r.end);
            if marked {
                out.push_str("<mark>");
            }
            out.push_str(&escape_html(&self.text[from..to]));
            if marked {
                out.push_str("</mark>");
            }
        }
        if let Some(l) = open_link {
            close_link(&mut out, l);
        }
        out
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

fn open_link_tag(out: &mut String, l: &Link) {
    out.push_str("<a href=\"");
    out.push_str(&escape_html(&l.href));
    out.push('"');
    if l.external {
        out.push_str(" class=\"ext\" rel=\"external noopener\"");
    } else {
        out.push_str(" class=\"cite\"");
    }
    if let Some(t) = &l.title {
        out.push_str(" title=\"");
        out.push_str(&escape_html(t));
        out.push('"');
    }
    out.push('>');
}

fn close_link(out: &mut String, l: &Link) {
    if let Some(n) = &l.note {
        out.push_str("<span class=\"visually-hidden\"> ");
        out.push_str(&escape_html(n));
        out.push_str("</span>");
    }
    out.push_str("</a>");
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

    #[test]
    fn links_nest_with_marks() {
        let text = "enligt 4 kap. 18 § LOU <x>";
        let at = |s: &str| {
            let i = text.find(s).unwrap();
            i..i + s.len()
        };
        let m = Marked {
            text: text.into(),
            marks: vec![at("18"), at("LOU")],
            links: vec![
                Link {
                    range: at("4 kap. 18 §"),
                    href: "/lag.md#K4P18".into(),
                    title: Some("En \"myndighet\" får".into()),
                    external: false,
                    note: None,
                },
                Link {
                    range: at("LOU"),
                    href: "https://example.org/?a=1&b=2".into(),
                    title: None,
                    external: true,
                    note: Some("(extern webbplats)".into()),
                },
            ],
        };
        assert_eq!(
            m.to_html(),
            "enligt <a href=\"/lag.md#K4P18\" class=\"cite\" title=\"En &quot;myndighet&quot; får\">4 kap. <mark>18</mark> §</a> \
<a href=\"https://example.org/?a=1&amp;b=2\" class=\"ext\" rel=\"external noopener\"><mark>LOU</mark><span class=\"visually-hidden\"> (extern webbplats)</span></a> &lt;x&gt;"
        );
        assert_eq!(m.to_plain("«", "»"), "enligt 4 kap. «18» § «LOU» <x>");
    }
}
