//! Legal references: "4 kap. 18 §", "19 a kap. 25 a §", "4:18", optionally with a law
//! ("LOU 4 kap. 18 §", "4:18 LOU"). They are turned into keys like `4:18` and `lou/4:18` that
//! the indexer stores per section and the search matches exactly, so a query for a provision
//! finds the statute section itself and the guidance that cites it.

use regex::Regex;
use std::sync::LazyLock;

static CHAPTER_SECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(\d{1,2})\s*([a-z])?\s*kap(?:\.|itlet)?\s*(\d{1,3})\s*([a-z])?\s*§")
        .expect("valid regex")
});
static COLON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(\d{1,2})\s?([a-z])?:(\d{1,3})\s?([a-z])?(?-u:\b)")
        .expect("valid regex")
});
static CHAPTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(\d{1,2})\s*([a-z])?\s*kap(?-u:\b)").expect("valid regex")
});
static SECTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:^|\s)(\d{1,3})\s*([a-z])?\s*§\s*$").expect("valid regex"));
static CONTINUATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:,|och|samt|eller|resp\.?)\s*(\d{1,3})\s*([a-z])?\s*§")
        .expect("valid regex")
});
static SFS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)SFS\s*(\d{4}):(\d{1,4})(?-u:\b)").expect("valid regex")
});
static HFD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(HFD|RÅ|RA)\s*(\d{4})(?:\s*ref\.?\s*(\d{1,3})|:(\d{1,3}))")
        .expect("valid regex")
});
static PROP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)prop\.?\s*(\d{4})/(\d{2,4}):(\d{1,4})(?-u:\b)").expect("valid regex")
});
static CHAPTER_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)(\d{{1,2}})\s*([a-z])?\s*kap(?:\.|itlet)?(?:\s+(?:i\s+)?({})(?-u:\b))?",
        abbreviations()
    ))
    .expect("valid regex")
});
static LAW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?-u:\b)({})(?-u:\b)", abbreviations())).expect("valid regex")
});

/// The abbreviations of the laws search keys name, as regex alternatives: "LOU|LUF|…".
fn abbreviations() -> String {
    crate::law::keyed()
        .filter_map(|(_, law)| law.abbreviation())
        .collect::<Vec<_>>()
        .join("|")
}

/// The search key of the law with this SFS number ("2016:1145" → `lou`), for the laws search
/// keys name ([`crate::law::Law::key`]).
pub fn key_of_sfs(sfs: &str) -> Option<&'static str> {
    crate::law::keyed()
        .find(|(_, law)| law.sfs == sfs)
        .map(|(key, _)| key)
}

/// The laws that repeat LOU's rules for one sector (utilities, concessions, defence and
/// security), with the words a query about that sector uses. Their paragraphs often match a
/// procurement question word for word; unless the query asks about the sector, LOU's are the
/// ones a municipal procurer needs, and search ranks the sector laws' sections lower.
pub const SECTOR_LAWS: &[(&str, &[&str])] = &[
    (
        "luf",
        &["försörjningssektor", "forsorjningssektor", "utilities"],
    ),
    ("luk", &["koncession", "concession"]),
    (
        "lufs",
        &[
            "försvar",
            "forsvar",
            "säkerhetsområde",
            "sakerhetsomrade",
            "defence",
            "defense",
        ],
    ),
];

/// Whether a query asks about a sector law ([`SECTOR_LAWS`]): names it ("LUF", "4 kap. 18 §
/// LUK") or its sector ("tjänstekoncession", "försörjningssektorerna").
pub fn asks_about_sector_law(query: &str) -> bool {
    let lower = query.to_lowercase();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|word| {
            SECTOR_LAWS
                .iter()
                .any(|(law, cues)| word == *law || cues.iter().any(|cue| word.contains(cue)))
        })
}

fn key(ch: &str, ch_letter: Option<&str>, sec: &str, sec_letter: Option<&str>) -> String {
    format!(
        "{}{}:{}{}",
        ch.trim_start_matches('0'),
        ch_letter.unwrap_or("").to_lowercase(),
        sec.trim_start_matches('0'),
        sec_letter.unwrap_or("").to_lowercase()
    )
}

/// The law a statute's title names, e.g. "Lag (2016:1145) om offentlig upphandling" → "lou".
pub fn law_of_title(title: &str) -> Option<&'static str> {
    let t = title.to_lowercase();
    let t = t.replace(
        |c: char| c == '(' || c == ')' || c.is_ascii_digit() || c == ':',
        "",
    );
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::law::keyed()
        .find(|(_, law)| t.starts_with(law.title))
        .map(|(key, _)| key)
}

/// The law a query is nothing but the name of: its abbreviation ("LOU") or title ("lagen om
/// offentlig upphandling"), so the statute itself can come first. `None` for anything else.
pub fn law_named(query: &str) -> Option<&'static str> {
    let q = query.trim().to_lowercase();
    let q = q.split_whitespace().collect::<Vec<_>>().join(" ");
    let q = q
        .strip_prefix("lagen ")
        .map_or(q.clone(), |rest| format!("lag {rest}"));
    crate::law::keyed()
        .find(|(key, law)| *key != "ideburna" && (q == *key || q == law.title))
        .map(|(key, _)| key)
}

/// What a text could name, from one pass over its bytes. Each pattern below runs only on text
/// with its cue, and a cue is there whenever the pattern could match (it may be there without
/// a match): `§`; a colon; "kap" (any case) with a number before it, with at most one letter
/// and spaces between ("19 a kap", "4kap"; not "kunskap"); "ref" (any case).
#[derive(Debug, Default, PartialEq)]
struct Cues {
    section_sign: bool,
    colon: bool,
    chapter: bool,
    reference: bool,
}

impl Cues {
    fn of(text: &str) -> Cues {
        let bytes = text.as_bytes();
        let mut cues = Cues::default();
        let next_two = |i: usize, pair: &[u8; 2]| {
            bytes
                .get(i + 1..i + 3)
                .is_some_and(|w| w.eq_ignore_ascii_case(pair))
        };
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b':' => cues.colon = true,
                // '§' is C2 A7 in UTF-8.
                0xa7 if i > 0 && bytes[i - 1] == 0xc2 => cues.section_sign = true,
                b'k' | b'K' if !cues.chapter && next_two(i, b"ap") => {
                    cues.chapter = number_before(&text[..i]);
                }
                b'r' | b'R' if next_two(i, b"ef") => cues.reference = true,
                _ => {}
            }
        }
        cues
    }
}

/// Whether `before` ends in a number, then spaces, at most one letter and spaces: what the
/// patterns allow between a chapter's number and "kap" (`\d\s*[a-z]?\s*`, read generously:
/// any digit, any letter, any space).
fn number_before(before: &str) -> bool {
    let mut rest = before.chars().rev().skip_while(|c| c.is_whitespace());
    match rest.next() {
        Some(c) if c.is_numeric() => true,
        Some(c) if c.is_alphabetic() => rest
            .find(|c| !c.is_whitespace())
            .is_some_and(char::is_numeric),
        _ => false,
    }
}

/// `text`, or nothing to scan when a cheap check already ruled a pattern out.
fn only_if(wanted: bool, text: &str) -> &str {
    if wanted { text } else { "" }
}

/// References written in free text (or a query): keys for each, law-qualified when a law
/// abbreviation stands within a few words of it.
pub fn references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |k: String, start: usize, end: usize| {
        let lo = text.floor_char_boundary(start.saturating_sub(16));
        let hi = text.ceil_char_boundary((end + 16).min(text.len()));
        let window = &text[lo..hi];
        if let Some(law) = LAW.find(window) {
            out.push(format!("{}/{k}", law.as_str().to_lowercase()));
        }
        out.push(k);
    };
    // One pass over the bytes first: most text names no provision, and the scans below are
    // the indexer's most expensive per-section step otherwise.
    let cues = Cues::of(text);
    let has_section_sign = cues.section_sign && cues.chapter;
    let has_colon = cues.colon;
    let has_kap = cues.chapter;
    let has_ref = cues.colon || cues.reference;
    for c in CHAPTER_SECTION.captures_iter(only_if(has_section_sign, text)) {
        let m = c.get(0).expect("whole match");
        let k = key(
            &c[1],
            c.get(2).map(|m| m.as_str()),
            &c[3],
            c.get(4).map(|m| m.as_str()),
        );
        push(k, m.start(), m.end());
        // "19 kap. 25 § och 25 a §": the second section belongs to the same chapter.
        let mut end = m.end();
        while let Some(n) = CONTINUATION.captures(&text[end..]) {
            let whole = n.get(0).expect("whole match");
            let k = key(
                &c[1],
                c.get(2).map(|m| m.as_str()),
                &n[1],
                n.get(2).map(|m| m.as_str()),
            );
            push(k, end, end + whole.end());
            end += whole.end();
        }
    }
    for c in COLON.captures_iter(only_if(has_colon, text)) {
        let m = c.get(0).expect("whole match");
        // "2021/22:5" is a bill number, not chapter 22 section 5.
        if text[..m.start()].ends_with('/') {
            continue;
        }
        let k = key(
            &c[1],
            c.get(2).map(|m| m.as_str()),
            &c[3],
            c.get(4).map(|m| m.as_str()),
        );
        push(k, m.start(), m.end());
    }
    for c in SFS.captures_iter(only_if(has_colon, text)) {
        out.push(format!("sfs:{}:{}", &c[1], &c[2]));
    }
    for c in HFD.captures_iter(only_if(has_ref, text)) {
        let court = if c[1].eq_ignore_ascii_case("hfd") {
            "hfd"
        } else {
            "ra"
        };
        match (c.get(3), c.get(4)) {
            (Some(r), _) => out.push(format!("{court}:{}-ref-{}", &c[2], r.as_str())),
            (_, Some(n)) => out.push(format!("{court}:{}:{}", &c[2], n.as_str())),
            _ => {}
        }
    }
    for c in PROP.captures_iter(only_if(has_colon, text)) {
        out.push(format!("prop:{}/{}:{}", &c[1], &c[2], &c[3]));
    }
    // Chapter references without a section ("19 a kap. LOU"); a chapter followed by a section
    // is already a provision above.
    for c in CHAPTER_ONLY.captures_iter(only_if(has_kap, text)) {
        let m = c.get(0).expect("whole match");
        let rest = &text[m.end()..];
        let followed_by_section = rest
            .trim_start()
            .chars()
            .next()
            .is_some_and(|ch| ch.is_ascii_digit());
        if followed_by_section {
            continue;
        }
        let k = format!(
            "kap:{}{}",
            c[1].trim_start_matches('0'),
            c.get(2)
                .map_or(String::new(), |l| l.as_str().to_lowercase())
        );
        if let Some(law) = c.get(3) {
            out.push(format!("{}/{k}", law.as_str().to_lowercase()));
        } else {
            let lo = text.floor_char_boundary(m.start().saturating_sub(16));
            let hi = text.ceil_char_boundary((m.end() + 16).min(text.len()));
            if let Some(law) = LAW.find(&text[lo..hi]) {
                out.push(format!("{}/{k}", law.as_str().to_lowercase()));
            }
        }
        out.push(k);
    }
    out.sort();
    out.dedup();
    out
}

/// The chapter a statute section belongs to, from its trail: `kap:19a` (and `lou/kap:19a`).
pub fn chapter_of_trail(trail: &[String], law: Option<&str>) -> Vec<String> {
    let Some((ch, chl)) = trail.iter().find_map(|h| {
        CHAPTER.captures(h).map(|c| {
            (
                c[1].to_string(),
                c.get(2).map(|m| m.as_str().to_lowercase()),
            )
        })
    }) else {
        return Vec::new();
    };
    let k = format!(
        "kap:{}{}",
        ch.trim_start_matches('0'),
        chl.unwrap_or_default()
    );
    let mut v = vec![k.clone()];
    if let Some(law) = law {
        v.push(format!("{law}/{k}"));
    }
    v
}

/// The SFS key of a law abbreviation: "lou" → `sfs:2016:1145`.
pub fn sfs_of_law(law: &str) -> Option<String> {
    crate::law::keyed()
        .find(|(key, _)| *key == law)
        .map(|(_, l)| format!("sfs:{}", l.sfs))
}

/// The search key of a statute's own text of a provision (`§lou/4:18`), besides the key every
/// section about the provision has (`lou/4:18`).
pub fn own_text(key: &str) -> String {
    format!("§{key}")
}

/// The provision a statute section *is*, from its heading trail: a trail holding "4 kap. ..."
/// and "18 §" gives `4:18` (and `lou/4:18` when the statute's law is known).
pub fn provision_of_trail(trail: &[String], law: Option<&str>) -> Vec<String> {
    let chapter = trail.iter().find_map(|h| {
        CHAPTER
            .captures(h)
            .map(|c| (c[1].to_string(), c.get(2).map(|m| m.as_str().to_string())))
    });
    let section = trail.iter().rev().find_map(|h| {
        SECTION
            .captures(h)
            .map(|c| (c[1].to_string(), c.get(2).map(|m| m.as_str().to_string())))
    });
    match (chapter, section) {
        (Some((ch, chl)), Some((sec, secl))) => {
            let k = key(&ch, chl.as_deref(), &sec, secl.as_deref());
            let mut v = vec![k.clone()];
            if let Some(law) = law {
                v.push(format!("{law}/{k}"));
            }
            v
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sector_law_questions() {
        for (query, asks) in [
            ("LUF direktupphandlingsgräns", true),
            ("4 kap. 18 § LUK", true),
            ("tjänstekoncession", true),
            ("upphandling inom försörjningssektorerna", true),
            ("defence procurement", true),
            ("överprövning ogiltigt avtal", false),
            ("luftkvalitet i skolan", false),
            ("reserverade kontrakt LOU", false),
        ] {
            assert_eq!(asks_about_sector_law(query), asks, "{query}");
        }
    }

    proptest::proptest! {
        /// A pattern never matches text that lacks its cue, so skipping it changes nothing.
        #[test]
        fn cues_are_there_whenever_a_pattern_matches(
            text in "(4|19|2016|2021/22| |\u{a0}|\u{2009}|a|B|ß|kap|Kap.|KAPITLET|kunskap|§|:|ref|Ref.|SFS|HFD|RÅ|prop.|LOU|\n|٣){0,14}"
        ) {
            let cues = Cues::of(&text);
            if CHAPTER_SECTION.is_match(&text) {
                proptest::prop_assert!(cues.section_sign && cues.chapter, "{cues:?}");
            }
            if CHAPTER_ONLY.is_match(&text) {
                proptest::prop_assert!(cues.chapter, "{cues:?}");
            }
            if COLON.is_match(&text) || SFS.is_match(&text) || PROP.is_match(&text) {
                proptest::prop_assert!(cues.colon, "{cues:?}");
            }
            if HFD.is_match(&text) {
                proptest::prop_assert!(cues.colon || cues.reference, "{cues:?}");
            }
        }
    }

    #[test]
    fn cues_of_common_words_are_not_chapters() {
        assert!(!Cues::of("kunskap och egenskaper, kapacitet").chapter);
        assert!(Cues::of("enligt 19 a kap. LOU").chapter);
        assert!(Cues::of("4kap").chapter);
    }

    #[test]
    fn recognises() {
        for (input, expected) in [
            ("4 kap. 18 § LOU", vec!["4:18", "lou/4:18"]),
            ("enligt 4 kap 18 §", vec!["4:18"]),
            ("LOU 19 kap. 25 a §", vec!["19:25a", "lou/19:25a"]),
            ("19 a kap. 1 §", vec!["19a:1"]),
            ("19 kap. 25 § och 25 a §", vec!["19:25", "19:25a"]),
            ("4:18 LOU", vec!["4:18", "lou/4:18"]),
            (
                "SFS 2016:1145 och HFD 2021:48",
                vec!["hfd:2021:48", "sfs:2016:1145"],
            ),
            ("HFD 2020 ref. 15", vec!["hfd:2020-ref-15"]),
            ("prop. 2021/22:5", vec!["prop:2021/22:5"]),
            ("19 a kap. LOU", vec!["kap:19a", "lou/kap:19a"]),
            // The law's name ends where a word does: LUFS is not LUF, "Luftfart" no law.
            ("7 kap. LUFS", vec!["kap:7", "lufs/kap:7"]),
            ("2 kap. Luftfart", vec!["kap:2"]),
        ] {
            assert_eq!(references(input), expected, "{input}");
        }
    }

    #[test]
    fn trails() {
        let trail: Vec<String> = [
            "4 kap. Allmänna bestämmelser",
            "Reserverade kontrakt",
            "18 §",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            provision_of_trail(&trail, Some("lou")),
            vec!["4:18", "lou/4:18"]
        );
        let trail: Vec<String> = ["19 a kap. Direktupphandling", "1 §"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(provision_of_trail(&trail, None), vec!["19a:1"]);
        assert_eq!(law_of_title("Lag om offentlig upphandling"), Some("lou"));
        assert_eq!(
            law_of_title("Lag (2016:1146) om upphandling inom försörjningssektorerna"),
            Some("luf")
        );
    }

    #[test]
    fn a_query_naming_a_law() {
        assert_eq!(law_named(" LOU "), Some("lou"));
        assert_eq!(law_named("lagen om valfrihetssystem"), Some("lov"));
        assert_eq!(law_named("LOU 4 kap. 18 §"), None);
        assert_eq!(law_named("reserverade kontrakt LOU"), None);
    }
}
