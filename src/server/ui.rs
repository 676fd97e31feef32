//! The language of the user interface: Swedish by default, English on request. The texts live
//! in `web/i18n/sv.toml` and `web/i18n/en.toml` (compiled in); documents, answer cards and the
//! IOP questions keep their own language, and templates mark Swedish content with `lang="sv"`
//! when the interface speaks English.
//!
//! A request picks its language by `?sprak=en|sv` (so a link can carry it) or else by the `sprak`
//! cookie that [`remember_choice`] sets whenever the parameter is used. (Not `lang`: that is the
//! search filter on the documents' language.)

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::LazyLock;

/// A language the interface speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Sv,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    fn parse(code: &str) -> Option<Lang> {
        match code.trim() {
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    fn other(self) -> Lang {
        match self {
            Lang::Sv => Lang::En,
            Lang::En => Lang::Sv,
        }
    }
}

const SV_SOURCE: &str = include_str!("../../web/i18n/sv.toml");
const EN_SOURCE: &str = include_str!("../../web/i18n/en.toml");

/// Flattens a TOML table into `section.key` → text.
fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

/// Parses one language file; a broken file is a build defect caught by the unit tests.
pub fn parse_texts(source: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    match source.parse::<toml::Table>() {
        Ok(table) => flatten("", &table, &mut out),
        Err(e) => tracing::error!("interface texts do not parse: {e}"),
    }
    out
}

static TEXTS: LazyLock<[HashMap<String, String>; 2]> =
    LazyLock::new(|| [parse_texts(SV_SOURCE), parse_texts(EN_SOURCE)]);

/// The text for `key` in `lang`; falls back to Swedish, then to "?" (logged).
pub fn text(lang: Lang, key: &str) -> &'static str {
    text_opt(lang, key).unwrap_or_else(|| {
        tracing::warn!("missing interface text `{key}`");
        "?"
    })
}

/// The text for `key` when it exists (for labels of open-ended values such as topics).
pub fn text_opt(lang: Lang, key: &str) -> Option<&'static str> {
    let texts = &*TEXTS;
    texts[lang as usize]
        .get(key)
        .or_else(|| texts[0].get(key))
        .map(String::as_str)
}

/// What a page needs to speak the user's language: the language and the link that switches it.
#[derive(Clone, Debug)]
pub struct Ui {
    pub lang: Lang,
    /// The current address with the other language chosen.
    pub switch_url: String,
    /// The current address (path and query, the language choice left out): for "copy link"
    /// and the printed page's footer.
    pub here: String,
}

impl Ui {
    /// Swedish, for pages rendered without a request (overload and panic answers).
    pub fn swedish() -> Ui {
        Ui {
            lang: Lang::Sv,
            switch_url: "/?sprak=en".into(),
            here: "/".into(),
        }
    }

    /// Today's date, for the footer of a printed page.
    pub fn today(&self) -> String {
        crate::curated::common::today_string()
    }

    pub fn t(&self, key: &str) -> &'static str {
        text(self.lang, key)
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn english(&self) -> bool {
        self.lang == Lang::En
    }

    /// `lang="sv"` for Swedish content inside an English page (WCAG 3.1.2), otherwise nothing.
    pub fn sv_attr(&self) -> &'static str {
        if self.english() { " lang=\"sv\"" } else { "" }
    }

    /// The language the switch link leads to, in that language ("English", "Svenska").
    pub fn switch_label(&self) -> &'static str {
        text(self.lang.other(), "lang.name")
    }

    pub fn switch_code(&self) -> &'static str {
        self.lang.other().code()
    }

    /// The language of a request: `?sprak=` first, then the `sprak` cookie, else Swedish.
    pub fn of(uri: &axum::http::Uri, headers: &axum::http::HeaderMap) -> Ui {
        let from_query = uri.query().and_then(query_lang);
        let from_cookie = || {
            headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .find_map(|c| c.trim().strip_prefix("sprak=").and_then(Lang::parse))
        };
        let lang = from_query.or_else(from_cookie).unwrap_or(Lang::Sv);
        let kept: Vec<&str> = uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("sprak="))
            .collect();
        let mut switch_url = format!("{}?", uri.path());
        for p in &kept {
            switch_url.push_str(p);
            switch_url.push('&');
        }
        switch_url.push_str("sprak=");
        switch_url.push_str(lang.other().code());
        let here = if kept.is_empty() {
            uri.path().to_string()
        } else {
            format!("{}?{}", uri.path(), kept.join("&"))
        };
        Ui {
            lang,
            switch_url,
            here,
        }
    }
}

fn query_lang(query: &str) -> Option<Lang> {
    super::query_value(Some(query), "sprak").and_then(Lang::parse)
}

impl<S: Send + Sync> FromRequestParts<S> for Ui {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Ui, Infallible> {
        Ok(Ui::of(&parts.uri, &parts.headers))
    }
}

/// Middleware: a request that chooses a language with `?sprak=` gets it remembered in a cookie,
/// so the following pages keep speaking it without every link carrying the parameter.
pub async fn remember_choice(req: Request, next: Next) -> Response {
    let chosen = req.uri().query().and_then(query_lang);
    let mut resp = next.run(req).await;
    if let Some(lang) = chosen {
        let cookie = format!(
            "sprak={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn both_languages_have_the_same_keys() {
        let sv = parse_texts(SV_SOURCE);
        let en = parse_texts(EN_SOURCE);
        assert!(sv.len() > 50, "sv.toml parsed to {} texts", sv.len());
        let a: BTreeSet<_> = sv.keys().collect();
        let b: BTreeSet<_> = en.keys().collect();
        let only_sv: Vec<_> = a.difference(&b).collect();
        let only_en: Vec<_> = b.difference(&a).collect();
        assert!(
            only_sv.is_empty() && only_en.is_empty(),
            "only in sv: {only_sv:?}, only in en: {only_en:?}"
        );
    }

    /// Every text key the templates and the server code look up exists.
    #[test]
    fn every_used_key_exists() {
        let sv = parse_texts(SV_SOURCE);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        let mut used = 0;
        for dir in ["web/templates", "src/server"] {
            for entry in walkdir::WalkDir::new(root.join(dir)) {
                let entry = entry.expect("entry");
                if !entry.file_type().is_file() {
                    continue;
                }
                let path = entry.path();
                let source = std::fs::read_to_string(path).expect("read");
                for marker in ["ui.t(\"", "text(lang, \"", "text(ui.lang, \""] {
                    for part in source.split(marker).skip(1) {
                        let key = part.split('"').next().unwrap_or("");
                        if key.contains(' ') || key.is_empty() || key.ends_with('.') {
                            continue;
                        }
                        used += 1;
                        if !sv.contains_key(key) {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(used > 50, "found only {used} uses");
        assert!(missing.is_empty(), "missing texts: {missing:?}");
    }

    #[test]
    fn language_comes_from_query_then_cookie() {
        let mut headers = axum::http::HeaderMap::new();
        let uri: axum::http::Uri = "/kort?x=1".parse().unwrap();
        let ui = Ui::of(&uri, &headers);
        assert_eq!(ui.lang, Lang::Sv);
        assert_eq!(ui.switch_url, "/kort?x=1&sprak=en");
        headers.insert(header::COOKIE, "a=b; sprak=en".parse().unwrap());
        assert_eq!(Ui::of(&uri, &headers).lang, Lang::En);
        let uri: axum::http::Uri = "/?q=iop&lang=en&sprak=sv".parse().unwrap();
        let ui = Ui::of(&uri, &headers);
        assert_eq!(ui.lang, Lang::Sv);
        assert_eq!(ui.switch_url, "/?q=iop&lang=en&sprak=en");
        assert_eq!(text(Lang::En, "nav.search"), "Search");
    }
}
