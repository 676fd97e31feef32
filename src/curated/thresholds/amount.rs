//! Amounts as people type them: "900 000", "900 000 kr", "900000:-", "0,9 miljoner", "1,5 mkr",
//! "2 mnkr", "850 tkr", and in English "900,000", "SEK 1.5 million". Swedish writes a decimal
//! comma and groups thousands with spaces or points; English groups with commas and uses a decimal
//! point. A Swedish "900,000" (three digits after each comma, no multiplier) is read as grouping,
//! since no one prices a purchase in thousandths of a krona.

/// Parses an amount in kronor typed in `lang` (`sv` or `en`); `None` if it is not one.
pub fn parse_amount(input: &str, lang: &str) -> Option<u64> {
    let s = input
        .trim()
        .to_lowercase()
        .replace(['\u{a0}', '\u{202f}', '\u{2009}'], " ");
    let s = s.trim_end_matches(['.', ':', '-']).trim();
    // Currency, before or after the number.
    let mut s = s.to_string();
    for word in ["kronor", "sek", "kr"] {
        // Not the "kr" of "tkr" or "mkr", which are multipliers.
        if let Some(rest) = s.strip_suffix(word)
            && !rest.ends_with(|c: char| c.is_alphabetic())
        {
            s = rest.trim().to_string();
        }
        if let Some(rest) = s.strip_prefix(word) {
            s = rest.trim().to_string();
        }
    }
    let s = s.trim_end_matches([':', '-', '.']).trim();
    // A multiplier word at the end.
    const MULTIPLIERS: &[(&str, f64)] = &[
        ("miljarder", 1e9),
        ("miljard", 1e9),
        ("billion", 1e9),
        ("mdr", 1e9),
        ("miljoner", 1e6),
        ("miljon", 1e6),
        ("millions", 1e6),
        ("million", 1e6),
        ("mnkr", 1e6),
        ("msek", 1e6),
        ("milj", 1e6),
        ("mkr", 1e6),
        ("mn", 1e6),
        ("m", 1e6),
        ("thousand", 1e3),
        ("tusen", 1e3),
        ("tkr", 1e3),
        ("k", 1e3),
    ];
    let (number, factor) = MULTIPLIERS
        .iter()
        .find_map(|(w, f)| {
            s.strip_suffix(w)
                .filter(|rest| rest.ends_with(|c: char| c.is_ascii_digit() || c == ' '))
                .map(|rest| (rest.trim_end().trim_end_matches('.').trim_end(), *f))
        })
        .unwrap_or((s, 1.0));
    if number.is_empty()
        || !number
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | ','))
        || !number.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let grouped_by = |sep: char| {
        let parts: Vec<&str> = number.split(sep).collect();
        parts.len() > 1
            && (1..=3).contains(&parts[0].len())
            && parts[1..].iter().all(|p| p.len() == 3)
    };
    // Decide which mark is the decimal one.
    // English, or "900,000" on the Swedish page (grouping, not thousandths): a decimal point.
    let swedish_grouping =
        factor == 1.0 && number.contains(',') && !number.contains('.') && grouped_by(',');
    let decimal = if lang == "en" || swedish_grouping {
        '.'
    } else {
        ','
    };
    let group = if decimal == '.' { ',' } else { '.' };
    if decimal == ',' && number.contains('.') && !grouped_by('.') {
        return None; // "1.5" on the Swedish page is ambiguous
    }
    let mut digits = String::new();
    let mut seen_decimal = false;
    for c in number.chars() {
        match c {
            d if d.is_ascii_digit() => digits.push(d),
            ' ' => {}
            c if c == group => {}
            c if c == decimal => {
                if seen_decimal {
                    return None;
                }
                seen_decimal = true;
                digits.push('.');
            }
            _ => return None,
        }
    }
    if digits.len() > 18 {
        return None;
    }
    let n: f64 = digits.parse().ok()?;
    let value = (n * factor).round();
    (0.0..1e15).contains(&value).then_some(value as u64)
}

#[cfg(test)]
mod tests {
    use super::parse_amount;

    #[test]
    fn amounts_as_people_type_them() {
        for (input, lang, want) in [
            ("900 000", "sv", Some(900_000)),
            ("900 000 kr", "sv", Some(900_000)),
            ("900\u{a0}000 kr", "sv", Some(900_000)),
            ("900000:-", "sv", Some(900_000)),
            ("900.000", "sv", Some(900_000)),
            ("900,000", "sv", Some(900_000)),
            ("0,9 miljoner", "sv", Some(900_000)),
            ("1,5 milj", "sv", Some(1_500_000)),
            ("2 mnkr", "sv", Some(2_000_000)),
            ("850 tkr", "sv", Some(850_000)),
            ("30 miljoner kronor", "sv", Some(30_000_000)),
            ("700 000,50 kr", "sv", Some(700_001)),
            ("900,000", "en", Some(900_000)),
            ("SEK 900,000", "en", Some(900_000)),
            ("1.5 million", "en", Some(1_500_000)),
            ("2m", "en", Some(2_000_000)),
            ("900 000", "en", Some(900_000)),
            ("0", "sv", Some(0)),
            ("mycket", "sv", None),
            ("", "sv", None),
            ("-5", "sv", None),
            ("1.5", "sv", None),
            ("12 kr 50", "sv", None),
            ("9999999999999999999999", "sv", None),
        ] {
            assert_eq!(parse_amount(input, lang), want, "{input:?} ({lang})");
        }
    }
}
