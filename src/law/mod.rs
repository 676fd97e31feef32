//! The law as the guidance cites it: which statutes we know by name ([`LAWS`]), citations found
//! in Swedish text with what they point to ([`cite`]), and the statutes a corpus holds with
//! their paragraphs and amendments ([`book`]), so a citation can become a link to the paragraph
//! and a text can be told that a paragraph it cites changed after it was reviewed.
//!
//! Search keys for legal references (`4:18`, `lou/4:18`) are a different thing and live in
//! `analysis::legal`; which laws they name ([`Law::key`]) is said here, once.

pub mod book;
pub mod cite;

/// A statute the texts cite by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Law {
    /// How the texts abbreviate it ("LOU"); its name when it has no abbreviation.
    pub short: &'static str,
    pub sfs: &'static str,
    /// Whether its paragraphs are numbered within chapters ("4 kap. 18 §") or straight
    /// through ("8 §").
    pub chapters: bool,
    /// Its title, lower case, without the SFS number ("lag om offentlig upphandling"): how
    /// `cite` recognises it in a text (inflected: "lagen om …", "kommunallagen") and how search
    /// recognises a statute's heading and a query naming it.
    pub title: &'static str,
    /// The name search keys give it (`lou` in `lou/4:18`), for the laws whose paragraphs
    /// search tells apart; `None` for the others (their paragraphs are keyed `5:15` only).
    pub key: Option<&'static str>,
}

impl Law {
    /// Its abbreviation ("LOU"), if it has one (not "lagen (2022:900)").
    pub fn abbreviation(&self) -> Option<&'static str> {
        Some(self.short).filter(|s| s.chars().all(|c| c.is_ascii_uppercase()))
    }
}

/// The statutes recognised by name. Abbreviations and names are matched in `cite`.
pub const LAWS: &[Law] = &[
    Law {
        short: "LOU",
        sfs: "2016:1145",
        chapters: true,
        title: "lag om offentlig upphandling",
        key: Some("lou"),
    },
    Law {
        short: "LUF",
        sfs: "2016:1146",
        chapters: true,
        title: "lag om upphandling inom försörjningssektorerna",
        key: Some("luf"),
    },
    Law {
        short: "LUK",
        sfs: "2016:1147",
        chapters: true,
        title: "lag om upphandling av koncessioner",
        key: Some("luk"),
    },
    Law {
        short: "LUFS",
        sfs: "2011:1029",
        chapters: true,
        title: "lag om upphandling på försvars- och säkerhetsområdet",
        key: Some("lufs"),
    },
    Law {
        short: "LOV",
        sfs: "2008:962",
        chapters: true,
        title: "lag om valfrihetssystem",
        key: Some("lov"),
    },
    Law {
        short: "KL",
        sfs: "2017:725",
        chapters: true,
        title: "kommunallag",
        key: None,
    },
    Law {
        short: "FL",
        sfs: "2017:900",
        chapters: false,
        title: "förvaltningslag",
        key: None,
    },
    Law {
        short: "OSL",
        sfs: "2009:400",
        chapters: true,
        title: "offentlighets- och sekretesslag",
        key: None,
    },
    Law {
        short: "lagen (2022:900)",
        sfs: "2022:900",
        chapters: false,
        title: "lag om registrering av idéburna organisationer",
        key: Some("ideburna"),
    },
];

/// The laws search keys name ([`Law::key`]), with their keys.
pub fn keyed() -> impl Iterator<Item = (&'static str, &'static Law)> {
    LAWS.iter().filter_map(|l| l.key.map(|k| (k, l)))
}

/// The law with this SFS number, if it is one we know by name.
pub fn law_of_sfs(sfs: &str) -> Option<&'static Law> {
    LAWS.iter().find(|l| l.sfs == sfs)
}

/// The official consolidated text of an SFS number (the Government Offices' legal database).
pub const OFFICIAL_BASE: &str = "https://rkrattsbaser.gov.se";

/// The address of the official consolidated text of `sfs`.
pub fn official_url(base: &str, sfs: &str) -> String {
    format!("{}/sfst?bet={sfs}", base.trim_end_matches('/'))
}

/// The address of the official register of amendments of `sfs`.
pub fn register_url(base: &str, sfs: &str) -> String {
    format!("{}/sfsr?bet={sfs}", base.trim_end_matches('/'))
}
