//! Highlighted snippets: a window of the section text around the query's words, HTML-escaped,
//! with `<mark>` around the matches and "…" where text was cut. Cuts always fall on character
//! boundaries (tantivy's fragments are byte ranges it took from the text itself).

use crate::indexer::schema::Fields;
use tantivy::query::Query;
use tantivy::snippet::SnippetGenerator;

const SNIPPET_CHARS: usize = 220;

pub struct Snippets {
    sv: Option<SnippetGenerator>,
    en: Option<SnippetGenerator>,
}

impl Snippets {
    pub fn new(searcher: &tantivy::Searcher, query: &dyn Query, f: &Fields) -> Snippets {
        let make = |field| {
            SnippetGenerator::create(searcher, query, field)
                .ok()
                .map(|mut g| {
                    g.set_max_num_chars(SNIPPET_CHARS);
                    g
                })
        };
        Snippets {
            sv: make(f.body_sv),
            en: make(f.body_en),
        }
    }

    /// The snippet for a section's text; the section's opening words when nothing matched there.
    pub fn make(&self, body: &str, english: bool) -> String {
        let generator = if english { &self.en } else { &self.sv };
        if let Some(g) = generator {
            let mut s = g.snippet(body);
            if !s.is_empty() {
                s.set_snippet_prefix_postfix("<mark>", "</mark>");
                let range = s.fragment_range();
                let mut html = String::new();
                if range.start > 0 {
                    html.push_str("… ");
                }
                html.push_str(s.to_html().trim());
                let rest = body[range.end..].trim();
                if rest.chars().all(|c| c.is_ascii_punctuation()) {
                    html.push_str(&escape(rest));
                } else {
                    html.push_str(" …");
                }
                return flatten(&html);
            }
        }
        lead(body)
    }
}

/// The first words of a text, escaped, cut on a character boundary.
pub fn lead(body: &str) -> String {
    let mut out: String = body.chars().take(SNIPPET_CHARS).collect();
    let cut = out.len() < body.len();
    if cut && let Some(i) = out.rfind(' ') {
        out.truncate(i);
    }
    let mut html = escape(&out);
    if cut {
        html.push_str(" …");
    }
    flatten(&html)
}

/// Line breaks in a snippet become spaces.
fn flatten(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn escape(s: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_is_escaped_and_cut_on_chars() {
        let body = "<b>å</b> ".repeat(100);
        let l = lead(&body);
        assert!(l.starts_with("&lt;b&gt;å&lt;/b&gt;"));
        assert!(l.ends_with('…'));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    proptest! {
        /// Any text becomes a snippet with no markup of its own and cut on a character boundary.
        #[test]
        fn lead_is_inert(text in "\\PC{0,600}") {
            let html = super::lead(&text);
            prop_assert!(!html.contains('<') && !html.contains('>'));
            prop_assert!(html.chars().count() <= super::SNIPPET_CHARS * 6 + 2);
        }
    }
}
