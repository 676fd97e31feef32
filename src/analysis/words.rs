//! Splitting text into words the way every analyzer does: maximal runs of letters and digits
//! (`char::is_alphanumeric`), as tantivy's `SimpleTokenizer` splits. Swedish text is full of
//! å, ä and ö, for which the standard library's check walks a Unicode table; here ASCII bytes and
//! the Latin-1 letters are answered from constants in one tight loop over the bytes (a first
//! version that classified character by character through a helper cost 45 instructions a byte,
//! a quarter of an index build; this one about a third of that).

/// Whether `c`, a character of U+0080..=U+00FF, is alphanumeric (ª, ², ³, µ, ¹, º, ¼–¾, the
/// accented letters except × and ÷). `latin1_matches_the_standard_library` checks it.
const fn latin1_alphanumeric(c: u32) -> bool {
    matches!(c, 0xAA | 0xB2 | 0xB3 | 0xB5 | 0xB9 | 0xBA | 0xBC..=0xBE | 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0xFF)
}

/// The words of `text` with the byte offset each starts at.
pub fn spans(text: &str) -> Spans<'_> {
    Spans { text, at: 0 }
}

pub struct Spans<'a> {
    text: &'a str,
    at: usize,
}

/// Which ASCII bytes are word characters (letters and digits).
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// Whether the non-ASCII character starting at byte `i` is part of a word, and its length in
/// bytes.
#[inline]
fn wide(text: &str, i: usize) -> (bool, usize) {
    let bytes = text.as_bytes();
    let b = bytes[i];
    // Two-byte sequences starting 0xC2/0xC3 are U+0080..=U+00FF.
    if (b == 0xC2 || b == 0xC3) && i + 1 < bytes.len() {
        let c = ((b as u32 & 0x1F) << 6) | (bytes[i + 1] as u32 & 0x3F);
        return (latin1_alphanumeric(c), 2);
    }
    let c = text[i..]
        .chars()
        .next()
        .expect("i is on a character boundary");
    (c.is_alphanumeric(), c.len_utf8())
}

impl<'a> Iterator for Spans<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        let mut i = self.at;
        // Skip to the next word character.
        while i < len {
            let b = bytes[i];
            if b < 0x80 {
                if ASCII_WORD[b as usize] {
                    break;
                }
                i += 1;
            } else {
                let (word, width) = wide(self.text, i);
                if word {
                    break;
                }
                i += width;
            }
        }
        if i >= len {
            self.at = len;
            return None;
        }
        let start = i;
        while i < len {
            let b = bytes[i];
            if b < 0x80 {
                if !ASCII_WORD[b as usize] {
                    break;
                }
                i += 1;
            } else {
                let (word, width) = wide(self.text, i);
                if !word {
                    break;
                }
                i += width;
            }
        }
        self.at = i;
        Some((start, &self.text[start..i]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn latin1_matches_the_standard_library() {
        for u in 0x80..=0xFFu32 {
            let c = char::from_u32(u).unwrap();
            assert_eq!(latin1_alphanumeric(u), c.is_alphanumeric(), "U+{u:04X} {c}");
        }
    }

    fn reference(text: &str) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    out.push((s, &text[s..i]));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            out.push((s, &text[s..]));
        }
        out
    }

    #[test]
    fn splits_like_is_alphanumeric() {
        for text in [
            "",
            "  ",
            "Överprövning av 4 kap. 18 §",
            "x²+y³=½ naïve×2 Ǆ ﬁ 𝔘nicode",
            "é",
        ] {
            assert_eq!(spans(text).collect::<Vec<_>>(), reference(text), "{text}");
        }
    }

    proptest! {
        #[test]
        fn splits_any_text_like_is_alphanumeric(text in "\\PC{0,40}") {
            prop_assert_eq!(spans(&text).collect::<Vec<_>>(), reference(&text));
        }
    }
}
