//! The settings of `serve`, `index` and `report`, and where each comes from. A setting is
//! taken from the command-line flag, else the environment variable, else the settings file
//! (`--config FILE` or `VAGVISARE_CONFIG`, TOML), else its default. The file's unknown keys and
//! bad values are errors that name the key and its line; relative paths in the file are read
//! from the file's own folder. `deploy/vagvisare.toml` is a commented example of every key.

use crate::ingest::{KB, Limits, MB};
use serde::{Deserialize, Deserializer};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Default address `serve` listens on.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// Default number of search results kept in the server's cache.
pub const DEFAULT_CACHE_ENTRIES: usize = 4096;
/// Default time a request's header may take from its first byte (slow-loris protection).
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time an open keep-alive connection may wait for its next request: longer than
/// common reverse proxies keep upstream connections in their pools.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(75);
/// Default number of days the search analytics keep.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;
/// Shortest editor token accepted.
pub const MIN_TOKEN_CHARS: usize = 16;

/// What went wrong reading the settings.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the settings file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The TOML parser's message names the key, its line and column.
    #[error("settings file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment variable {name}: {message}")]
    Env { name: String, message: String },
    #[error("{setting}: {message}")]
    Invalid {
        setting: &'static str,
        message: String,
    },
}

/// The settings file as written. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FileSettings {
    pub server: ServerFile,
    pub paths: PathsFile,
    pub limits: LimitsFile,
    pub log: LogFile,
    pub analytics: AnalyticsFile,
    pub editor: EditorFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerFile {
    pub addr: Option<String>,
    pub watch: Option<bool>,
    pub cache_entries: Option<usize>,
    #[serde(deserialize_with = "positive_secs")]
    pub header_timeout_secs: Option<f64>,
    #[serde(deserialize_with = "positive_secs")]
    pub idle_timeout_secs: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PathsFile {
    pub corpus: Option<PathBuf>,
    pub index: Option<PathBuf>,
    /// The compound splitter's word list: a hunspell `.dic` file or `none`.
    pub words: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsFile {
    pub max_file_mb: Option<u64>,
    pub max_html_kb: Option<u64>,
    #[serde(deserialize_with = "at_least_one")]
    pub timeout_secs: Option<u64>,
    pub worker_memory_mb: Option<u64>,
    pub max_html_depth: Option<usize>,
    pub max_text_mb: Option<u64>,
    #[serde(deserialize_with = "at_least_one")]
    pub jobs: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogFile {
    pub format: Option<LogFormat>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnalyticsFile {
    pub enabled: Option<bool>,
    pub dir: Option<PathBuf>,
    #[serde(deserialize_with = "retention")]
    pub retention_days: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EditorFile {
    pub token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!("`{other}` is not a log format (text or json)")),
        }
    }
}

fn positive_secs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = f64::deserialize(d)?;
    if v > 0.0 && v.is_finite() {
        Ok(Some(v))
    } else {
        Err(serde::de::Error::custom(format!(
            "{v} is not a number of seconds above 0"
        )))
    }
}

/// A count of at least 1.
fn at_least_one<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + PartialEq + Default,
{
    let v = T::deserialize(d)?;
    if v == T::default() {
        Err(serde::de::Error::custom("must be at least 1"))
    } else {
        Ok(Some(v))
    }
}

fn retention<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match u32::deserialize(d)? {
        0 => Err(serde::de::Error::custom(
            "must be at least 1 day (turn analytics off with enabled = false)",
        )),
        v => Ok(Some(v)),
    }
}

impl FileSettings {
    /// Reads and checks a settings file; relative paths in it become relative to its folder.
    pub fn load(path: &Path) -> Result<FileSettings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut file = FileSettings::parse(&text).map_err(|message| ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        for p in [
            &mut file.paths.corpus,
            &mut file.paths.index,
            &mut file.analytics.dir,
        ]
        .into_iter()
        .flatten()
        {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        if let Some(w) = &mut file.paths.words
            && w != "none"
            && Path::new(w.as_str()).is_relative()
        {
            *w = base.join(w.as_str()).to_string_lossy().into_owned();
        }
        Ok(file)
    }

    /// Parses settings text; the error is the TOML parser's, naming key, line and column.
    pub fn parse(text: &str) -> Result<FileSettings, String> {
        toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())
    }
}

/// What the command line said; `None` where a flag was not given.
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub addr: Option<String>,
    pub watch: bool,
    pub corpus: Option<PathBuf>,
    pub index: Option<PathBuf>,
    pub words: Option<String>,
    pub log_format: Option<LogFormat>,
    pub max_file_mb: Option<u64>,
    pub max_html_kb: Option<u64>,
    pub timeout_secs: Option<u64>,
    pub worker_memory_mb: Option<u64>,
    pub max_html_depth: Option<usize>,
    pub max_text_mb: Option<u64>,
    pub jobs: Option<usize>,
}

/// The analytics settings in effect.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyticsSettings {
    pub enabled: bool,
    /// Where the daily files live: `<index>/analytics` unless set.
    pub dir: PathBuf,
    pub retention_days: u32,
}

/// Every setting, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub addr: String,
    pub watch: bool,
    pub corpus: PathBuf,
    pub index: PathBuf,
    pub words: Option<String>,
    pub log_format: LogFormat,
    pub limits: Limits,
    pub jobs: Option<usize>,
    pub cache_entries: usize,
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub analytics: AnalyticsSettings,
    pub editor_token: Option<String>,
}

/// One setting by precedence: the flag, else the environment variable `name`, else the file.
fn layered<T: std::str::FromStr>(
    flag: Option<T>,
    env: &dyn Fn(&str) -> Option<String>,
    name: &str,
    file: Option<T>,
) -> Result<Option<T>, ConfigError>
where
    T::Err: std::fmt::Display,
{
    Ok(flag.or(from_env(env, name)?).or(file))
}

/// Reads one environment variable through `env` and parses it, naming the variable on error.
fn from_env<T: std::str::FromStr>(
    env: &dyn Fn(&str) -> Option<String>,
    name: &str,
) -> Result<Option<T>, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match env(name) {
        None => Ok(None),
        Some(raw) if raw.trim().is_empty() => Ok(None),
        Some(raw) => raw
            .trim()
            .parse::<T>()
            .map(Some)
            .map_err(|e| ConfigError::Env {
                name: name.to_string(),
                message: format!("`{raw}`: {e}"),
            }),
    }
}

fn env_bool(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Result<Option<bool>, ConfigError> {
    match env(name).as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some("1" | "true" | "yes" | "on") => Ok(Some(true)),
        Some("0" | "false" | "no" | "off") => Ok(Some(false)),
        Some(other) => Err(ConfigError::Env {
            name: name.to_string(),
            message: format!("`{other}` is not true or false"),
        }),
    }
}

fn env_secs(
    env: &dyn Fn(&str) -> Option<String>,
    name: &str,
) -> Result<Option<Duration>, ConfigError> {
    match from_env::<f64>(env, name)? {
        None => Ok(None),
        Some(s) if s > 0.0 && s.is_finite() => Ok(Some(Duration::from_secs_f64(s))),
        Some(s) => Err(ConfigError::Env {
            name: name.to_string(),
            message: format!("{s} is not a number of seconds above 0"),
        }),
    }
}

impl Settings {
    /// Resolves every setting: flag, else environment (read through `env`), else file, else
    /// default. Fails on a bad environment value or a too short editor token.
    pub fn resolve(
        flags: &Flags,
        env: &dyn Fn(&str) -> Option<String>,
        file: &FileSettings,
    ) -> Result<Settings, ConfigError> {
        let d = Limits::DEFAULT;
        let index: PathBuf = layered(
            flags.index.clone(),
            env,
            "VAGVISARE_INDEX",
            file.paths.index.clone(),
        )?
        .unwrap_or_else(|| PathBuf::from("index"));
        let limits = Limits {
            max_file_bytes: MB
                * layered(
                    flags.max_file_mb,
                    env,
                    "VAGVISARE_MAX_FILE_MB",
                    file.limits.max_file_mb,
                )?
                .unwrap_or(d.max_file_bytes / MB),
            max_html_bytes: KB
                * layered(
                    flags.max_html_kb,
                    env,
                    "VAGVISARE_MAX_HTML_KB",
                    file.limits.max_html_kb,
                )?
                .unwrap_or(d.max_html_bytes / KB),
            timeout: Duration::from_secs(
                layered(
                    flags.timeout_secs,
                    env,
                    "VAGVISARE_TIMEOUT_SECS",
                    file.limits.timeout_secs,
                )?
                .unwrap_or(d.timeout.as_secs())
                .max(1),
            ),
            worker_memory_bytes: MB
                * layered(
                    flags.worker_memory_mb,
                    env,
                    "VAGVISARE_WORKER_MEMORY_MB",
                    file.limits.worker_memory_mb,
                )?
                .unwrap_or(d.worker_memory_bytes / MB),
            max_html_depth: layered(
                flags.max_html_depth,
                env,
                "VAGVISARE_MAX_HTML_DEPTH",
                file.limits.max_html_depth,
            )?
            .unwrap_or(d.max_html_depth),
            max_text_bytes: (MB
                * layered(
                    flags.max_text_mb,
                    env,
                    "VAGVISARE_MAX_TEXT_MB",
                    file.limits.max_text_mb,
                )?
                .unwrap_or(d.max_text_bytes as u64 / MB)) as usize,
        };
        let editor_token = layered(
            None,
            env,
            "VAGVISARE_EDITOR_TOKEN",
            file.editor.token.clone(),
        )?
        .filter(|t: &String| !t.is_empty());
        if let Some(t) = &editor_token
            && t.chars().count() < MIN_TOKEN_CHARS
        {
            return Err(ConfigError::Invalid {
                setting: "[editor] token",
                message: format!(
                    "the editor token has {} characters; use at least {MIN_TOKEN_CHARS} (for example the output of `openssl rand -hex 24`)",
                    t.chars().count()
                ),
            });
        }
        let jobs =
            layered(flags.jobs, env, "VAGVISARE_JOBS", file.limits.jobs)?.map(|j: usize| j.max(1));
        Ok(Settings {
            addr: layered(
                flags.addr.clone(),
                env,
                "VAGVISARE_ADDR",
                file.server.addr.clone(),
            )?
            .unwrap_or_else(|| DEFAULT_ADDR.to_string()),
            watch: if flags.watch {
                true
            } else {
                env_bool(env, "VAGVISARE_WATCH")?
                    .or(file.server.watch)
                    .unwrap_or(false)
            },
            corpus: layered(
                flags.corpus.clone(),
                env,
                "VAGVISARE_CORPUS",
                file.paths.corpus.clone(),
            )?
            .unwrap_or_else(|| PathBuf::from("corpus")),
            words: layered(
                flags.words.clone(),
                env,
                "VAGVISARE_DICTIONARY",
                file.paths.words.clone(),
            )?,
            log_format: layered(
                flags.log_format,
                env,
                "VAGVISARE_LOG_FORMAT",
                file.log.format,
            )?
            .unwrap_or(LogFormat::Text),
            limits,
            jobs,
            cache_entries: layered(
                None,
                env,
                "VAGVISARE_CACHE_ENTRIES",
                file.server.cache_entries,
            )?
            .unwrap_or(DEFAULT_CACHE_ENTRIES),
            header_timeout: env_secs(env, "VAGVISARE_HEADER_TIMEOUT_SECS")?
                .or(file.server.header_timeout_secs.map(Duration::from_secs_f64))
                .unwrap_or(DEFAULT_HEADER_TIMEOUT),
            idle_timeout: env_secs(env, "VAGVISARE_IDLE_TIMEOUT_SECS")?
                .or(file.server.idle_timeout_secs.map(Duration::from_secs_f64))
                .unwrap_or(DEFAULT_IDLE_TIMEOUT),
            analytics: AnalyticsSettings {
                enabled: env_bool(env, "VAGVISARE_ANALYTICS")?
                    .or(file.analytics.enabled)
                    .unwrap_or(true),
                dir: layered(
                    None,
                    env,
                    "VAGVISARE_ANALYTICS_DIR",
                    file.analytics.dir.clone(),
                )?
                .unwrap_or_else(|| index.join("analytics")),
                retention_days: match from_env::<u32>(env, "VAGVISARE_ANALYTICS_RETENTION_DAYS")? {
                    Some(0) => {
                        return Err(ConfigError::Env {
                            name: "VAGVISARE_ANALYTICS_RETENTION_DAYS".into(),
                            message: "must be at least 1 day".into(),
                        });
                    }
                    other => other,
                }
                .or(file.analytics.retention_days)
                .unwrap_or(DEFAULT_RETENTION_DAYS),
            },
            index,
            editor_token,
        })
    }

    /// The settings from the process environment and the settings file named by `config`.
    pub fn load(flags: &Flags, config: Option<&Path>) -> Result<Settings, ConfigError> {
        let file = match config {
            Some(p) => FileSettings::load(p)?,
            None => FileSettings::default(),
        };
        Settings::resolve(flags, &|name| std::env::var(name).ok(), &file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn resolve(flags: &Flags, env: &[(&str, &str)], file: &str) -> Result<Settings, ConfigError> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let file = FileSettings::parse(file).unwrap();
        Settings::resolve(flags, &|n| env.get(n).cloned(), &file)
    }

    #[test]
    fn flag_beats_environment_beats_file_beats_default() {
        let file = "[server]\naddr = \"0.0.0.0:1\"\n";
        let flags = Flags {
            addr: Some("127.0.0.1:3".into()),
            ..Flags::default()
        };
        let env = [("VAGVISARE_ADDR", "127.0.0.1:2")];
        assert_eq!(resolve(&flags, &env, file).unwrap().addr, "127.0.0.1:3");
        assert_eq!(
            resolve(&Flags::default(), &env, file).unwrap().addr,
            "127.0.0.1:2"
        );
        assert_eq!(
            resolve(&Flags::default(), &[], file).unwrap().addr,
            "0.0.0.0:1"
        );
        assert_eq!(
            resolve(&Flags::default(), &[], "").unwrap().addr,
            DEFAULT_ADDR
        );
    }

    #[test]
    fn every_section_is_read() {
        let file = r#"
[server]
watch = true
cache_entries = 0
header_timeout_secs = 2.5
idle_timeout_secs = 30
[paths]
corpus = "/srv/corpus"
index = "/var/lib/vagvisare/index"
words = "none"
[limits]
max_file_mb = 10
max_html_kb = 200
timeout_secs = 7
worker_memory_mb = 512
max_html_depth = 300
max_text_mb = 2
jobs = 3
[log]
format = "json"
[analytics]
enabled = false
retention_days = 30
[editor]
token = "0123456789abcdef0123"
"#;
        let s = resolve(&Flags::default(), &[], file).unwrap();
        assert!(s.watch);
        assert_eq!(s.cache_entries, 0);
        assert_eq!(s.header_timeout, Duration::from_millis(2500));
        assert_eq!(s.idle_timeout, Duration::from_secs(30));
        assert_eq!(s.corpus, PathBuf::from("/srv/corpus"));
        assert_eq!(s.words.as_deref(), Some("none"));
        assert_eq!(s.limits.max_file_bytes, 10 * MB);
        assert_eq!(s.limits.max_html_bytes, 200 * KB);
        assert_eq!(s.limits.timeout, Duration::from_secs(7));
        assert_eq!(s.limits.worker_memory_bytes, 512 * MB);
        assert_eq!(s.limits.max_html_depth, 300);
        assert_eq!(s.limits.max_text_bytes, 2 * MB as usize);
        assert_eq!(s.jobs, Some(3));
        assert_eq!(s.log_format, LogFormat::Json);
        assert!(!s.analytics.enabled);
        assert_eq!(s.analytics.retention_days, 30);
        assert_eq!(
            s.analytics.dir,
            PathBuf::from("/var/lib/vagvisare/index/analytics")
        );
        assert_eq!(s.editor_token.as_deref(), Some("0123456789abcdef0123"));
    }

    #[test]
    fn defaults_match_the_built_in_limits() {
        let s = resolve(&Flags::default(), &[], "").unwrap();
        assert_eq!(s.limits, Limits::DEFAULT);
        assert_eq!(s.index, PathBuf::from("index"));
        assert_eq!(s.analytics.dir, PathBuf::from("index/analytics"));
        assert!(s.analytics.enabled);
        assert_eq!(s.analytics.retention_days, 90);
        assert_eq!(s.editor_token, None);
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_key_and_line() {
        for (text, key, line) in [
            ("[server]\nadr = \"x\"\n", "adr", "line 2"),
            (
                "[server]\naddr = \"x\"\n\n[analytcs]\n",
                "analytcs",
                "line 4",
            ),
            (
                "[limits]\nmax_file_mb = \"many\"\n",
                "max_file_mb",
                "line 2",
            ),
            ("[log]\nformat = \"xml\"\n", "format", "line 2"),
            (
                "[analytics]\nretention_days = 0\n",
                "retention_days",
                "line 2",
            ),
            (
                "[server]\nidle_timeout_secs = -3\n",
                "idle_timeout_secs",
                "line 2",
            ),
        ] {
            let e = FileSettings::parse(text).unwrap_err();
            assert!(e.contains(line), "{text}: {e}");
            assert!(e.contains(key), "{text}: {e}");
        }
    }

    #[test]
    fn bad_environment_values_name_the_variable() {
        let e = resolve(
            &Flags::default(),
            &[("VAGVISARE_CACHE_ENTRIES", "lots")],
            "",
        )
        .unwrap_err();
        assert!(e.to_string().contains("VAGVISARE_CACHE_ENTRIES"), "{e}");
        let e = resolve(&Flags::default(), &[("VAGVISARE_ANALYTICS", "maybe")], "").unwrap_err();
        assert!(e.to_string().contains("VAGVISARE_ANALYTICS"), "{e}");
    }

    #[test]
    fn a_short_editor_token_is_refused_naming_the_setting() {
        let e = resolve(&Flags::default(), &[], "[editor]\ntoken = \"hemligt\"\n").unwrap_err();
        assert!(e.to_string().contains("[editor] token"), "{e}");
        let ok = resolve(
            &Flags::default(),
            &[("VAGVISARE_EDITOR_TOKEN", "en-mycket-lång-nyckel")],
            "[editor]\ntoken = \"hemligt\"\n",
        )
        .unwrap();
        assert_eq!(ok.editor_token.as_deref(), Some("en-mycket-lång-nyckel"));
    }

    #[test]
    fn relative_paths_are_read_from_the_files_folder() {
        let dir = std::env::temp_dir().join(format!("vagvisare-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("vagvisare.toml");
        std::fs::write(
            &path,
            "[paths]\ncorpus = \"corpus\"\nindex = \"/abs/index\"\n",
        )
        .unwrap();
        let file = FileSettings::load(&path).unwrap();
        assert_eq!(file.paths.corpus, Some(dir.join("corpus")));
        assert_eq!(file.paths.index, Some(PathBuf::from("/abs/index")));
        let e = FileSettings::load(&dir.join("missing.toml")).unwrap_err();
        assert!(e.to_string().contains("missing.toml"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
