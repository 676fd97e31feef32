//! Citations in Swedish text, found with their place in it: "4 kap. 18 §", "4 kap. 18 § första
//! stycket", "19 kap. 25 a §", "16 kap. 1–4 §§", "1 och 3–6 §§", "19 a kap.", "4:18 LOU",
//! "LOU 4 kap. 18 §", "8 § lagen (2022:900)", a bare "18 §" whose chapter the text gave just
//! before, and court cases ("HFD 2020 ref. 15", "HFD 2021:48", "C-598/19").
//!
//! A provision's law is the one named right by it, else the nearest one named nearby on the
//! same line, else the text's own ([`Context`]). A citation whose law or chapter cannot be told
//! is left out: it stays plain text rather than become a wrong link.

use super::{LAWS, Law};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// What a citation points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cited {
    /// A paragraph (`paragraph` set) or a whole chapter of a statute. Chapter and paragraph as
    /// written, spaces removed and lower-cased ("19a", "25a").
    Provision {
        sfs: String,
        chapter: Option<String>,
        paragraph: Option<String>,
    },
    /// A statute as a whole ("lagen (2022:900)", "SFS 2016:1145").
    Statute { sfs: String },
    /// A court case: `hfd:2020-ref-15`, `hfd:2021:48`, `eu:c-598/19`.
    Case { key: String },
}

/// One citation and where it stands in the text (byte range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub range: Range<usize>,
    pub cited: Cited,
    /// For a range of paragraphs ("1–4 §§"), the last one ("4"); the link goes to the first.
    pub through: Option<String>,
}

/// What the surroundings of a text tell: the statute it is about (a card's legal basis, a
/// document's references, the statute a paragraph belongs to) and the chapter it is in.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    pub law: Option<&'a Law>,
    pub chapter: Option<&'a str>,
}

/// A number of a chapter or paragraph: "4", "19 a", "25a".
const NUMBER: &str = r"\d{1,3}(?:\s?[a-z](?:\b|$))?";

static PROVISION: LazyLock<Regex> = LazyLock::new(|| {
    let n = NUMBER;
    Regex::new(&format!(
        r"(?x)
        (?:(?P<chapter>{n})\s?kap(?:\.|itlet)\s+)?
        (?P<list>{n}(?:\s?[–-]\s?{n})?(?:(?:,\s|\s(?:och|samt|eller)\s){n}(?:\s?[–-]\s?{n})?)*)
        \s?(?P<signs>§§?)
        (?P<part>\s(?:första|andra|tredje|fjärde|femte|sjätte)\sstycket(?:\s\d{{1,2}}\s?p\.)?)?"
    ))
    .expect("valid regex")
});
static LIST_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<first>{NUMBER})(?:\s?[–-]\s?(?P<last>{NUMBER}))?"
    ))
    .expect("valid regex")
});
static CHAPTER_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?P<chapter>{NUMBER})\s?kap(?:\.|itlet)")).expect("valid regex")
});
static COLON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?P<chapter>\d{1,2}(?:\s?[a-z])?):(?P<paragraph>\d{1,3}(?:\s?[a-z]\b)?)")
        .expect("valid regex")
});
static CASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:(?P<court>HFD|RÅ)\s(?P<year>\d{4})(?:\sref\.\s?(?P<ref>\d{1,3})|:(?P<num>\d{1,3}))|(?P<eu>C[-‑–]\d{1,4}/\d{2}))",
    )
    .expect("valid regex")
});
/// A statute named: an abbreviation, a title from [`LAWS`] (group `t0`, `t1`, … by its place
/// there), or "lag(en) (2022:900)" / "SFS 2016:1145".
static LAW_NAME: LazyLock<Regex> = LazyLock::new(|| {
    let abbreviations: Vec<&str> = LAWS.iter().filter_map(Law::abbreviation).collect();
    let titles: Vec<String> = LAWS
        .iter()
        .enumerate()
        .map(|(i, l)| format!("(?P<t{i}>{})", title_pattern(l.title)))
        .collect();
    Regex::new(&format!(
        r"\b(?P<abbr>{})\b|(?i:{})|(?i:(?:lag(?:en)?|förordning(?:en)?)\s\((?P<sfs>\d{{4}}:\d{{1,4}})\))|\bSFS\s(?P<sfs2>\d{{4}}:\d{{1,4}})",
        abbreviations.join("|"),
        titles.join("|"),
    ))
    .expect("valid regex")
});

/// The capture group of each law's title in [`LAW_NAME`], in the order of [`LAWS`].
static TITLE_GROUPS: LazyLock<Vec<String>> =
    LazyLock::new(|| (0..LAWS.len()).map(|i| format!("t{i}")).collect());

/// A law's title as the texts write it: any spaces between the words, and the law itself
/// inflected ("lag om valfrihetssystem" also as "lagen om valfrihetssystem", "kommunallag" as
/// "kommunallagen" and "kommunallagens").
fn title_pattern(title: &str) -> String {
    let words: Vec<String> = title.split(' ').map(regex::escape).collect();
    match words.split_first() {
        Some((first, rest)) if first == "lag" && !rest.is_empty() => {
            format!(r"lag(?:en)?\s+{}", rest.join(r"\s+"))
        }
        _ => format!(r"{}(?:en|ens)?", words.join(r"\s+")),
    }
}

/// A statute named in the text, and where.
#[derive(Debug, Clone)]
struct Named {
    range: Range<usize>,
    sfs: String,
}

fn names(text: &str) -> Vec<Named> {
    LAW_NAME
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let sfs = if let Some(a) = c.name("abbr") {
                LAWS.iter().find(|l| l.short == a.as_str())?.sfs.to_string()
            } else if let Some(i) = TITLE_GROUPS.iter().position(|g| c.name(g).is_some()) {
                LAWS[i].sfs.to_string()
            } else {
                c.name("sfs").or(c.name("sfs2"))?.as_str().to_string()
            };
            Some(Named {
                range: whole.range(),
                sfs,
            })
        })
        .collect()
}

/// The law a provision at `at` belongs to: named right before or after it (only spaces, "i",
/// "enligt" or "och" between), else the nearest named within 80 bytes on the same line.
fn law_near<'a>(text: &str, at: &Range<usize>, named: &'a [Named]) -> Option<&'a Named> {
    let adjacent = |n: &&Named| {
        let gap = if n.range.end <= at.start {
            &text[n.range.end..at.start]
        } else if n.range.start >= at.end {
            &text[at.end..n.range.start]
        } else {
            return false;
        };
        gap.len() <= 12
            && gap
                .split_whitespace()
                .all(|w| ["i", "enligt", "och", "(", ")", "s", ":s"].contains(&w))
            && !gap.contains('\n')
    };
    if let Some(n) = named.iter().find(adjacent) {
        return Some(n);
    }
    named
        .iter()
        .filter(|n| {
            let (lo, hi) = if n.range.end <= at.start {
                (n.range.end, at.start)
            } else if n.range.start >= at.end {
                (at.end, n.range.start)
            } else {
                return false;
            };
            hi - lo <= 80 && !text[lo..hi].contains('\n')
        })
        .min_by_key(|n| {
            if n.range.end <= at.start {
                at.start - n.range.end
            } else {
                n.range.start - at.end
            }
        })
}

/// "19 a" → "19a".
fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn overlaps(taken: &[Range<usize>], r: &Range<usize>) -> bool {
    taken.iter().any(|t| t.start < r.end && r.start < t.end)
}

/// The citations in `text`, in order. See the module docs for what is recognised.
pub fn citations(text: &str, context: Context<'_>) -> Vec<Citation> {
    let named = names(text);
    let mut out: Vec<Citation> = Vec::new();
    let mut taken: Vec<Range<usize>> = Vec::new();
    // The statute a citation at `range` belongs to: its SFS number, and the law when we know
    // it by name (then we also know whether it has chapters).
    let statute_of = |range: &Range<usize>| -> Option<(String, Option<&'static Law>)> {
        match law_near(text, range, &named) {
            Some(n) => Some((n.sfs.clone(), LAWS.iter().find(|l| l.sfs == n.sfs))),
            None => context
                .law
                .map(|l| (l.sfs.to_string(), LAWS.iter().find(|x| x.sfs == l.sfs))),
        }
    };
    // The chapter last cited on this text, per statute, for a bare "18 §" after it.
    let mut last_chapter: Option<(String, String)> = None;
    for c in PROVISION.captures_iter(text) {
        let whole = c.get(0).expect("whole match");
        // "2016:1145 8 §"-like debris and years are not paragraphs.
        if text[..whole.start()].ends_with(|ch: char| ch.is_alphanumeric() || ch == ':') {
            continue;
        }
        let list = c.name("list").expect("list");
        let Some((sfs, law)) = statute_of(&whole.range()) else {
            continue;
        };
        let chapter = if let Some(ch) = c.name("chapter") {
            Some(squeeze(ch.as_str()))
        } else if law.is_some_and(|l| !l.chapters) {
            None
        } else if let Some((_, ch)) = last_chapter.as_ref().filter(|(s, _)| *s == sfs) {
            Some(ch.clone())
        } else if let (Some(l), Some(ch)) = (context.law, context.chapter)
            && l.sfs == sfs
        {
            Some(squeeze(ch))
        } else {
            // A law with chapters (or one we do not know) and no chapter to go by.
            continue;
        };
        if let Some(ch) = &chapter {
            last_chapter = Some((sfs.clone(), ch.clone()));
        }
        let items: Vec<_> = LIST_ITEM.captures_iter(list.as_str()).collect();
        for (i, item) in items.iter().enumerate() {
            let m = item.get(0).expect("item");
            let start = if i == 0 {
                whole.start()
            } else {
                list.start() + m.start()
            };
            let end = if i + 1 == items.len() {
                whole.end()
            } else {
                list.start() + m.end()
            };
            let range = start..end;
            if overlaps(&taken, &range) {
                continue;
            }
            taken.push(range.clone());
            out.push(Citation {
                range,
                cited: Cited::Provision {
                    sfs: sfs.clone(),
                    chapter: chapter.clone(),
                    paragraph: Some(squeeze(&item["first"])),
                },
                through: item.name("last").map(|l| squeeze(l.as_str())),
            });
        }
    }
    // "4:18 LOU": only with a law right by it (a bare "4:18" may be anything).
    for c in COLON.captures_iter(text) {
        let whole = c.get(0).expect("whole match");
        let before = &text[..whole.start()];
        if before.ends_with(|ch: char| ch.is_ascii_digit() || ch == '/') {
            continue;
        }
        let Some(n) = law_near(text, &whole.range(), &named) else {
            continue;
        };
        let gap_ok = n.range.end <= whole.start() && whole.start() - n.range.end <= 2
            || n.range.start >= whole.end() && n.range.start - whole.end() <= 2;
        if !gap_ok || overlaps(&taken, &whole.range()) {
            continue;
        }
        taken.push(whole.range());
        out.push(Citation {
            range: whole.range(),
            cited: Cited::Provision {
                sfs: n.sfs.clone(),
                chapter: Some(squeeze(&c["chapter"])),
                paragraph: Some(squeeze(&c["paragraph"])),
            },
            through: None,
        });
    }
    // "19 a kap." on its own: the chapter.
    for c in CHAPTER_ONLY.captures_iter(text) {
        let whole = c.get(0).expect("whole match");
        if overlaps(&taken, &whole.range())
            || text[..whole.start()].ends_with(|ch: char| ch.is_alphanumeric())
        {
            continue;
        }
        let Some((sfs, Some(law))) = statute_of(&whole.range()) else {
            continue;
        };
        if !law.chapters {
            continue;
        }
        taken.push(whole.range());
        out.push(Citation {
            range: whole.range(),
            cited: Cited::Provision {
                sfs,
                chapter: Some(squeeze(&c["chapter"])),
                paragraph: None,
            },
            through: None,
        });
    }
    for c in CASE.captures_iter(text) {
        let whole = c.get(0).expect("whole match");
        let key = if let Some(eu) = c.name("eu") {
            format!("eu:{}", eu.as_str().replace(['‑', '–'], "-").to_lowercase())
        } else {
            let court = if &c["court"] == "HFD" { "hfd" } else { "ra" };
            match (c.name("ref"), c.name("num")) {
                (Some(r), _) => format!("{court}:{}-ref-{}", &c["year"], r.as_str()),
                (_, Some(n)) => format!("{court}:{}:{}", &c["year"], n.as_str()),
                _ => continue,
            }
        };
        if overlaps(&taken, &whole.range()) {
            continue;
        }
        taken.push(whole.range());
        out.push(Citation {
            range: whole.range(),
            cited: Cited::Case { key },
            through: None,
        });
    }
    // A statute named by its SFS number ("lagen (2022:900)", "SFS 2016:1145") and not part of
    // a provision above: the statute itself.
    for n in &named {
        let by_number = text[n.range.clone()].contains(':');
        if by_number && !overlaps(&taken, &n.range) {
            let cited_before = out.iter().any(|c| {
                matches!(&c.cited, Cited::Provision { sfs, .. } if *sfs == n.sfs)
                    && (c.range.end <= n.range.start && n.range.start - c.range.end <= 3)
            });
            if cited_before {
                continue;
            }
            taken.push(n.range.clone());
            out.push(Citation {
                range: n.range.clone(),
                cited: Cited::Statute { sfs: n.sfs.clone() },
                through: None,
            });
        }
    }
    out.sort_by_key(|c| c.range.start);
    out
}

/// Every paragraph `text` cites, ranges and lists spelled out ("16 kap. 1–4 §§" → 1, 2, 3
/// and 4): (SFS number, chapter, paragraph). A range runs over the numbers between its ends
/// (letters such as "25 a" only at its ends), at most 40 paragraphs.
pub fn paragraphs_cited(text: &str, context: Context<'_>) -> Vec<(String, Option<String>, String)> {
    let mut out = Vec::new();
    for c in citations(text, context) {
        let Cited::Provision {
            sfs,
            chapter,
            paragraph: Some(first),
        } = c.cited
        else {
            continue;
        };
        let number = |p: &str| {
            p.trim_end_matches(|ch: char| ch.is_alphabetic())
                .parse::<u32>()
                .ok()
        };
        match (c.through.as_deref(), number(&first)) {
            (Some(last), Some(from)) => {
                out.push((sfs.clone(), chapter.clone(), first.clone()));
                if let Some(to) = number(last).filter(|to| *to > from && to - from <= 40) {
                    for n in from + 1..to {
                        out.push((sfs.clone(), chapter.clone(), n.to_string()));
                    }
                }
                if last != first {
                    out.push((sfs.clone(), chapter.clone(), last.to_string()));
                }
            }
            _ => out.push((sfs, chapter, first)),
        }
    }
    out
}

/// The law a text is about, from references such as a card's legal basis ("LOU 4 kap. 18 §",
/// "HFD 2020 ref. 15"): the statute named most often, if one is named at all.
pub fn main_law(refs: &[String]) -> Option<&'static Law> {
    let mut counts: Vec<(&'static Law, usize)> = Vec::new();
    for r in refs {
        for n in names(r) {
            if let Some(l) = LAWS.iter().find(|l| l.sfs == n.sfs) {
                match counts.iter_mut().find(|(x, _)| x.sfs == l.sfs) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((l, 1)),
                }
            }
        }
    }
    counts.into_iter().max_by_key(|(_, c)| *c).map(|(l, _)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lou() -> &'static Law {
        &LAWS[0]
    }

    /// (text, context law, [(cited text, sfs, chapter, paragraph)])
    fn provisions(
        text: &str,
        ctx: Context,
    ) -> Vec<(String, String, Option<String>, Option<String>)> {
        citations(text, ctx)
            .into_iter()
            .filter_map(|c| match c.cited {
                Cited::Provision {
                    sfs,
                    chapter,
                    paragraph,
                } => Some((text[c.range].to_string(), sfs, chapter, paragraph)),
                _ => None,
            })
            .collect()
    }

    fn p(
        t: &str,
        sfs: &str,
        ch: Option<&str>,
        par: Option<&str>,
    ) -> (String, String, Option<String>, Option<String>) {
        (
            t.into(),
            sfs.into(),
            ch.map(Into::into),
            par.map(Into::into),
        )
    }

    #[test]
    fn phrasings() {
        let with_lou = Context {
            law: Some(lou()),
            chapter: None,
        };
        let none = Context::default();
        for (text, ctx, want) in [
            (
                "enligt 4 kap. 18 § LOU",
                none,
                vec![p("4 kap. 18 §", "2016:1145", Some("4"), Some("18"))],
            ),
            (
                "LOU 4 kap. 18 § gäller",
                none,
                vec![p("4 kap. 18 §", "2016:1145", Some("4"), Some("18"))],
            ),
            (
                "se 4 kap. 18 § första stycket",
                with_lou,
                vec![p(
                    "4 kap. 18 § första stycket",
                    "2016:1145",
                    Some("4"),
                    Some("18"),
                )],
            ),
            (
                "19 kap. 25 a § LOU",
                none,
                vec![p("19 kap. 25 a §", "2016:1145", Some("19"), Some("25a"))],
            ),
            (
                "16 kap. 1–4 §§ LOU",
                none,
                vec![p("16 kap. 1–4 §§", "2016:1145", Some("16"), Some("1"))],
            ),
            (
                "19 kap. 25 § och 25 a § LOU",
                none,
                vec![
                    p("19 kap. 25 §", "2016:1145", Some("19"), Some("25")),
                    p("25 a §", "2016:1145", Some("19"), Some("25a")),
                ],
            ),
            (
                "LOU 21 kap. 1 och 3–6 §§",
                none,
                vec![
                    p("21 kap. 1", "2016:1145", Some("21"), Some("1")),
                    p("3–6 §§", "2016:1145", Some("21"), Some("3")),
                ],
            ),
            (
                "19 a kap. LOU",
                none,
                vec![p("19 a kap.", "2016:1145", Some("19a"), None)],
            ),
            (
                "4:18 LOU",
                none,
                vec![p("4:18", "2016:1145", Some("4"), Some("18"))],
            ),
            (
                "8 § lagen (2022:900)",
                none,
                vec![p("8 §", "2022:900", None, Some("8"))],
            ),
            (
                "2 kap. 8 § kommunallagen",
                with_lou,
                vec![p("2 kap. 8 §", "2017:725", Some("2"), Some("8"))],
            ),
            (
                "Enligt 4 kap. 17 § LOU får … och 18 § säger att",
                none,
                vec![
                    p("4 kap. 17 §", "2016:1145", Some("4"), Some("17")),
                    p("18 §", "2016:1145", Some("4"), Some("18")),
                ],
            ),
        ] {
            assert_eq!(provisions(text, ctx), want, "{text}");
        }
        // A paragraph in a statute's own text: its chapter from the context.
        let in_chapter = Context {
            law: Some(lou()),
            chapter: Some("4"),
        };
        assert_eq!(
            provisions("enligt 16 § första stycket", in_chapter),
            vec![p("16 § första stycket", "2016:1145", Some("4"), Some("16"))]
        );
    }

    #[test]
    fn what_cannot_be_told_stays_plain() {
        let none = Context::default();
        for text in [
            "enligt 18 §",     // no law, no chapter
            "4 kap. 18 §",     // no law
            "klockan 4:18",    // a time
            "prop. 2021/22:5", // a bill
            "år 2016:1145",    // an SFS number without "SFS"
        ] {
            let found: Vec<_> = citations(text, none)
                .into_iter()
                .filter(|c| matches!(c.cited, Cited::Provision { .. }))
                .collect();
            assert!(found.is_empty(), "{text}: {found:?}");
        }
        // LOU known, but no chapter for a bare paragraph.
        let with_lou = Context {
            law: Some(lou()),
            chapter: None,
        };
        assert!(provisions("enligt 18 §", with_lou).is_empty());
    }

    #[test]
    fn cases_and_statutes() {
        let c = citations(
            "HFD 2020 ref. 15, HFD 2021:48 och C-598/19 samt lagen (2022:900) och SFS 2016:1145",
            Context::default(),
        );
        let keys: Vec<_> = c.iter().map(|c| c.cited.clone()).collect();
        assert_eq!(
            keys,
            vec![
                Cited::Case {
                    key: "hfd:2020-ref-15".into()
                },
                Cited::Case {
                    key: "hfd:2021:48".into()
                },
                Cited::Case {
                    key: "eu:c-598/19".into()
                },
                Cited::Statute {
                    sfs: "2022:900".into()
                },
                Cited::Statute {
                    sfs: "2016:1145".into()
                },
            ]
        );
        assert_eq!(
            main_law(&["LOU 4 kap. 18 §".into(), "HFD 2020 ref. 15".into()]).map(|l| l.sfs),
            Some("2016:1145")
        );
    }

    /// Every law's title from `LAWS`, as the texts inflect it, names that law.
    #[test]
    fn titles_name_their_laws() {
        for (text, sfs) in [
            ("5 kap. 1 § lagen om offentlig upphandling", "2016:1145"),
            ("5 kap. 1 § lag om upphandling av koncessioner", "2016:1147"),
            (
                "5 kap. 1 § lagen om upphandling på försvars- och säkerhetsområdet",
                "2011:1029",
            ),
            ("5 kap. 1 § kommunallagen", "2017:725"),
            ("5 kap. 1 § offentlighets- och sekretesslagen", "2009:400"),
            (
                "8 § lagen om registrering av idéburna organisationer",
                "2022:900",
            ),
            ("5 kap. 1 § i LAGEN OM VALFRIHETSSYSTEM", "2008:962"),
        ] {
            let found = provisions(text, Context::default());
            assert_eq!(
                found.first().map(|p| p.1.as_str()),
                Some(sfs),
                "{text}: {found:?}"
            );
        }
    }
}
