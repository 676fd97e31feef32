//! Front matter: the metadata block at the top of a Markdown file, YAML between `---` lines or
//! TOML between `+++` lines. Splitting is done here; values are read leniently into [`Meta`]
//! (a scalar where a list is expected becomes a one-item list), and anything else is kept as
//! raw JSON so `check` can report unknown or mistyped keys.

use crate::document::Meta;
use serde_json::{Map, Value};

/// A front matter block split from its body.
pub struct Split<'a> {
    /// The block's raw text and its format, if there was one.
    pub block: Option<(&'a str, Format)>,
    /// The rest of the file.
    pub body: &'a str,
    /// Number of lines the block took, so body line numbers can be reported correctly.
    pub body_line_offset: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

/// Splits a leading `---`/`+++` block off `text`. An opening fence without a closing one is
/// treated as no front matter (the file is then plain Markdown).
pub fn split(text: &str) -> Split<'_> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (fence, format) in [("---", Format::Yaml), ("+++", Format::Toml)] {
        let Some(rest) = text.strip_prefix(fence) else {
            continue;
        };
        let Some(rest) = rest
            .strip_prefix('\n')
            .or_else(|| rest.strip_prefix("\r\n"))
        else {
            continue;
        };
        let mut offset = 0;
        for line in rest.split_inclusive('\n') {
            if line.trim_end() == fence {
                let block = &rest[..offset];
                let body = &rest[offset + line.len()..];
                let lines = block.lines().count() + 2;
                return Split {
                    block: Some((block, format)),
                    body,
                    body_line_offset: lines,
                };
            }
            offset += line.len();
        }
    }
    Split {
        block: None,
        body: text,
        body_line_offset: 0,
    }
}

/// Parses a YAML block into [`Meta`] plus the raw key/value map.
pub fn parse_yaml(block: &str) -> Result<(Meta, Map<String, Value>), String> {
    if block.trim().is_empty() {
        return Ok((Meta::default(), Map::new()));
    }
    let value: Value = serde_saphyr::from_str(block).map_err(|e| e.to_string())?;
    to_meta(value)
}

/// Parses a TOML block into [`Meta`] plus the raw key/value map.
pub fn parse_toml(block: &str) -> Result<(Meta, Map<String, Value>), String> {
    let value: toml::Table = toml::from_str(block).map_err(|e| e.to_string())?;
    to_meta(toml_to_json(toml::Value::Table(value)))
}

/// Parses a block of either format.
pub fn parse(block: &str, format: Format) -> Result<(Meta, Map<String, Value>), String> {
    match format {
        Format::Yaml => parse_yaml(block),
        Format::Toml => parse_toml(block),
    }
}

/// Parses a whole TOML document into JSON values (dates become `YYYY-MM-DD` strings).
pub fn parse_toml_value(text: &str) -> Result<Value, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    Ok(toml_to_json(toml::Value::Table(table)))
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn to_meta(value: Value) -> Result<(Meta, Map<String, Value>), String> {
    let map = match value {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        other => return Err(format!("front matter must be a map of keys, found {other}")),
    };
    let meta = Meta {
        title: scalar(map.get("title")),
        summary: scalar(map.get("summary")).or_else(|| scalar(map.get("description"))),
        topics: list(map.get("topics")),
        audience: list(map.get("audience")),
        language: scalar(map.get("language")).or_else(|| scalar(map.get("lang"))),
        legal_refs: list(map.get("legal_refs")),
        reviewed: scalar(map.get("reviewed")),
        sources: list(map.get("sources")),
        statute: statute_of(&map)?,
        changes: changes_of(map.get("changes"))?,
    };
    Ok((meta, map))
}

/// `changes: [{date: 2026-12-06, note: "…"}]`.
fn changes_of(v: Option<&Value>) -> Result<Vec<crate::document::ChangeNote>, String> {
    let Some(v) = v else { return Ok(Vec::new()) };
    let items = match v {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    items
        .into_iter()
        .map(|item| {
            let date = scalar(item.get("date"));
            let note = scalar(item.get("note"));
            match (date, note) {
                (Some(date), Some(note)) => Ok(crate::document::ChangeNote { date, note }),
                _ => Err("changes: each entry needs a date and a note".to_string()),
            }
        })
        .collect()
}

/// A statute's metadata: our `statute:` block (written by `vagvisare statute fetch`), or the
/// se-lex export's `beteckning` (its SFS number).
fn statute_of(map: &Map<String, Value>) -> Result<Option<crate::document::StatuteMeta>, String> {
    if let Some(v) = map.get("statute") {
        let s: crate::document::StatuteMeta =
            serde_json::from_value(v.clone()).map_err(|e| format!("statute: {e}"))?;
        if !is_sfs_number(&s.sfs) {
            return Err(format!(
                "statute.sfs must be an SFS number like 2016:1145, not {:?}",
                s.sfs
            ));
        }
        return Ok(Some(s));
    }
    Ok(scalar(map.get("beteckning"))
        .filter(|b| is_sfs_number(b))
        .map(|sfs| crate::document::StatuteMeta {
            sfs,
            ..Default::default()
        }))
}

/// `2016:1145`: a year, a colon and a number.
pub fn is_sfs_number(s: &str) -> bool {
    match s.split_once(':') {
        Some((y, n)) => {
            y.len() == 4
                && y.bytes().all(|b| b.is_ascii_digit())
                && !n.is_empty()
                && n.len() <= 4
                && n.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

fn scalar(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(|i| scalar(Some(i))).collect(),
        Some(other) => scalar(Some(other)).into_iter().collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_toml() {
        let s = split(
            "---\ntitle: \"Hej å\"\ntopics: [iop, bidrag]\nreviewed: 2026-11-27\n---\n# Rubrik\n",
        );
        let (block, fmt) = s.block.unwrap();
        assert_eq!(fmt, Format::Yaml);
        let (meta, _) = parse(block, fmt).unwrap();
        assert_eq!(meta.title.as_deref(), Some("Hej å"));
        assert_eq!(meta.topics, vec!["iop", "bidrag"]);
        assert_eq!(meta.reviewed.as_deref(), Some("2026-11-27"));
        assert_eq!(s.body, "# Rubrik\n");

        let s =
            split("+++\ntitle = \"T\"\nreviewed = 2026-01-02\naudience = \"procurer\"\n+++\nbody");
        let (block, fmt) = s.block.unwrap();
        let (meta, _) = parse(block, fmt).unwrap();
        assert_eq!(meta.title.as_deref(), Some("T"));
        assert_eq!(meta.reviewed.as_deref(), Some("2026-01-02"));
        assert_eq!(meta.audience, vec!["procurer"]);
    }

    #[test]
    fn unclosed_fence_is_body() {
        let s = split("---\ntitle: x\n# no end");
        assert!(s.block.is_none());
    }
}
