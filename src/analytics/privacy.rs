//! What a query is stored as: its normalised text, unless it looks like personal data. A query
//! holding a personnummer or samordningsnummer, an email address or a phone number is counted
//! but its text never reaches the disk (nor memory beyond the request that carried it).

use regex::Regex;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// Longest query text kept; longer ones are cut at a character boundary.
pub const MAX_QUERY_CHARS: usize = 120;

/// Personal identity or coordination number: YYMMDD or YYYYMMDD, an optional `-`, `+` or space,
/// four digits (a coordination number adds 60 to the day, which the pattern also covers).
static IDENTITY_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^\d])(?:\d{2})?\d{6}[-+ ]?\d{4}(?:$|[^\d])").unwrap());
static EMAIL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[^\s@]+@[^\s@]+\.[^\s@]+").unwrap());
/// Swedish and international phone numbers: `070-123 45 67`, `08-123 456 78`, `+46 70 123 45 67`,
/// `0046…`: a leading `+`, `00` or an area code's 0 (never followed by another 0, so amounts such
/// as `1 000 000 000` are not numbers) and then at least five more digits.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^\d])(?:\+[1-9]\d{0,2}|00[1-9]\d{0,2}|0[1-9])[ -]?\(?\d{0,4}\)?(?:[ -]?\d){5,}",
    )
    .unwrap()
});

/// True when the text looks like it holds personal data.
pub fn looks_personal(text: &str) -> bool {
    IDENTITY_NUMBER.is_match(text) || EMAIL.is_match(text) || PHONE.is_match(text)
}

/// A query as counted: Unicode NFC, lower case, single spaces, at most [`MAX_QUERY_CHARS`].
/// `None` for an empty query.
pub fn normalise(query: &str) -> Option<String> {
    let text: String = query.nfc().collect::<String>().to_lowercase();
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    Some(words.join(" ").chars().take(MAX_QUERY_CHARS).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_is_recognised() {
        for q in [
            "19850312-1234 ansökan",
            "850312-1234",
            "8503121234",
            "samordningsnummer 850372-1234",
            "anna.svensson@kommun.se iop",
            "ring 070-123 45 67",
            "08-123 456 78",
            "+46 70 123 45 67",
            "0046701234567",
        ] {
            assert!(looks_personal(q), "{q}");
        }
    }

    #[test]
    fn ordinary_queries_are_not_personal() {
        for q in [
            "4 kap. 18 § LOU",
            "direktupphandlingsgräns 2026",
            "700 000 kr",
            "3 000 000 kronor hemtjänst",
            "SFS 2016:1145",
            "lag (2022:900)",
            "C-598/19 Spezzino",
            "HFD 2020 ref. 15",
            "19 kap. 25 a §",
            "tröskelvärden 2026-01-01",
            "bilaga 2 tjänster",
            "1 000 000 000 kr",
            "30 000 000 kr städ",
        ] {
            assert!(!looks_personal(q), "{q}");
        }
    }

    #[test]
    fn normalising() {
        assert_eq!(
            normalise("  Reserverade   KONTRAKT ").as_deref(),
            Some("reserverade kontrakt")
        );
        // A decomposed é (e + combining accent) is stored like the composed one.
        assert_eq!(normalise("ide\u{301}buren"), normalise("idéburen"));
        assert_eq!(normalise("   "), None);
        assert_eq!(
            normalise(&"å".repeat(500)).unwrap().chars().count(),
            MAX_QUERY_CHARS
        );
    }
}
