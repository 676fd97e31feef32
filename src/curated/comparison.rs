//! The comparison of the ways a municipality can fund or buy from a non-profit organisation
//! (grant, IOP, LOV, procurement, reserved procurement), one row per way, read from
//! `jamforelse.toml`. The page draws it as a picture and a table; the texts are data, in
//! Swedish and English, next to the document they summarise.

use serde::{Deserialize, Serialize};

pub const FILE: &str = "jamforelse.toml";

/// A text in both interface languages.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Bilingual {
    pub sv: String,
    pub en: String,
}

impl Bilingual {
    /// The text in `lang` (`sv` or `en`; anything else gets Swedish).
    pub fn get(&self, lang: &str) -> &str {
        if lang == "en" { &self.en } else { &self.sv }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    pub name: Bilingual,
    /// Who takes the initiative.
    pub initiative: Bilingual,
    /// How suppliers compete.
    pub competition: Bilingual,
    /// What the money pays for.
    pub payment: Bilingual,
    /// The legal basis, in Swedish.
    pub basis: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    /// The corpus document the comparison summarises (read more there).
    pub document: String,
    pub instrument: Vec<Instrument>,
}

impl Comparison {
    /// Parses and checks the file: at least two rows, no empty text.
    pub fn parse(text: &str) -> Result<Comparison, String> {
        let c: Comparison = toml::from_str(text).map_err(|e| e.to_string())?;
        if c.instrument.len() < 2 {
            return Err("a comparison needs at least two [[instrument]] rows".into());
        }
        for i in &c.instrument {
            let texts = [&i.name, &i.initiative, &i.competition, &i.payment];
            if i.basis.trim().is_empty()
                || texts
                    .iter()
                    .any(|t| t.sv.trim().is_empty() || t.en.trim().is_empty())
            {
                return Err(format!("instrument {:?} has an empty text", i.name.sv));
            }
        }
        if c.document.trim().is_empty() {
            return Err("document must name the corpus file the comparison summarises".into());
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_comparison_parses() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .join(FILE);
        let c = Comparison::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(c.instrument.len(), 5);
        assert_eq!(c.instrument[1].name.get("en"), "IOP");
        assert!(Comparison::parse("document = \"x.md\"\ninstrument = []").is_err());
    }
}
