//! Typed settings: embedded defaults, then an optional file, then `TIFA_*`
//! environment variables (`TIFA_SECTION__KEY`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use config::{Config, Environment, File, FileFormat};
use serde::Deserialize;

/// The embedded defaults, every key commented. Also printed by `tifa --help`.
pub const DEFAULT_TOML: &str = include_str!("settings/default.toml");

/// Environment variable naming the settings file (same as `--config`).
pub const CONFIG_ENV: &str = "TIFA_CONFIG";
const ENV_PREFIX: &str = "TIFA";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub limits: Limits,
    pub concurrency: Concurrency,
    pub log: LogSettings,
    pub resources: ResourceSettings,
    pub metrics: MetricsSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub listen: SocketAddr,
    pub drain_timeout_secs: u64,
    pub request_timeout_secs: u64,
    pub max_message_bytes: usize,
    pub send_compressed: bool,
    pub keepalive_interval_secs: u64,
    pub max_connection_age_secs: u64,
}

impl ServerSettings {
    pub fn drain_timeout(&self) -> Duration {
        Duration::from_secs(self.drain_timeout_secs)
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub max_document_bytes: usize,
    pub max_batch_size: usize,
    pub max_extra_phrases: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Concurrency {
    pub workers: usize,
    pub max_queued: usize,
}

impl Concurrency {
    /// Workers, with 0 resolved to the number of CPU cores.
    pub fn effective_workers(&self) -> usize {
        if self.workers > 0 { self.workers } else { std::thread::available_parallelism().map_or(1, |n| n.get()) }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    pub level: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceSettings {
    pub user_dicts: Vec<PathBuf>,
    pub lexicons: Vec<PathBuf>,
    pub watch_interval_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSettings {
    /// Empty means off.
    pub listen: String,
}

impl MetricsSettings {
    pub fn address(&self) -> Result<Option<SocketAddr>, String> {
        if self.listen.trim().is_empty() {
            return Ok(None);
        }
        self.listen.parse().map(Some).map_err(|e| format!("metrics.listen: `{}` is not an address: {e}", self.listen))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct SettingsError(String);

impl Settings {
    /// Loads defaults, then `file` (if any), then the `TIFA_*` entries of `env`
    /// (passed in so tests need not touch the process environment).
    pub fn load(file: Option<&PathBuf>, env: &HashMap<String, String>) -> Result<Self, SettingsError> {
        let mut builder = Config::builder().add_source(File::from_str(DEFAULT_TOML, FileFormat::Toml));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(SettingsError(format!("file {} does not exist", path.display())));
            }
            builder = builder.add_source(File::from(path.as_path()).format(FileFormat::Toml));
        }
        let overrides: HashMap<String, String> = env
            .iter()
            .filter(|(k, _)| k.starts_with("TIFA_") && k.as_str() != CONFIG_ENV)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        builder = builder.add_source(
            Environment::with_prefix(ENV_PREFIX)
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                .list_separator(",")
                .with_list_parse_key("resources.user_dicts")
                .with_list_parse_key("resources.lexicons")
                .source(Some(overrides)),
        );
        let settings: Settings =
            builder.build().and_then(Config::try_deserialize).map_err(|e| SettingsError(e.to_string()))?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        let fail = |key: &str, why: &str| Err(SettingsError(format!("{key}: {why}")));
        if self.limits.max_document_bytes == 0 {
            return fail("limits.max_document_bytes", "must be greater than 0");
        }
        if self.limits.max_batch_size == 0 {
            return fail("limits.max_batch_size", "must be greater than 0");
        }
        if self.server.max_message_bytes < self.limits.max_document_bytes + 1024 {
            return fail("server.max_message_bytes", "must exceed limits.max_document_bytes");
        }
        if self.server.drain_timeout_secs == 0 {
            return fail("server.drain_timeout_secs", "must be greater than 0");
        }
        if self.server.request_timeout_secs == 0 {
            return fail("server.request_timeout_secs", "must be greater than 0");
        }
        tracing_subscriber::EnvFilter::try_new(&self.log.level)
            .map_err(|e| SettingsError(format!("log.level: `{}`: {e}", self.log.level)))?;
        self.metrics.address().map_err(SettingsError)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn embedded_defaults_load_and_validate() {
        let s = Settings::load(None, &HashMap::new()).unwrap();
        assert_eq!(s.server.listen.to_string(), "127.0.0.1:50051");
        assert_eq!(s.log.format, LogFormat::Text);
        assert!(!s.server.send_compressed);
    }

    #[test]
    fn environment_overrides_nested_keys_and_lists() {
        let s = Settings::load(
            None,
            &env(&[
                ("TIFA_SERVER__LISTEN", "0.0.0.0:6000"),
                ("TIFA_LIMITS__MAX_BATCH_SIZE", "8"),
                ("TIFA_RESOURCES__LEXICONS", "/a.toml,/b.toml"),
                ("TIFA_CONFIG", "/ignored/here.toml"),
            ]),
        )
        .unwrap();
        assert_eq!(s.server.listen.port(), 6000);
        assert_eq!(s.limits.max_batch_size, 8);
        assert_eq!(s.resources.lexicons.len(), 2);
    }

    #[test]
    fn file_overrides_defaults() {
        let dir = std::env::temp_dir().join(format!("tifa-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("tifa.toml");
        std::fs::write(&path, "[log]\nformat = \"json\"\n").unwrap();
        let s = Settings::load(Some(&path), &HashMap::new()).unwrap();
        assert_eq!(s.log.format, LogFormat::Json);
    }

    #[test]
    fn errors_name_the_wrong_key_or_value() {
        let err = Settings::load(None, &env(&[("TIFA_SERVER__LISTN", "x")])).unwrap_err().to_string();
        assert!(err.contains("listn"), "{err}");
        let err = Settings::load(None, &env(&[("TIFA_LIMITS__MAX_BATCH_SIZE", "lots")])).unwrap_err().to_string();
        assert!(err.contains("max_batch_size"), "{err}");
        let err = Settings::load(None, &env(&[("TIFA_LOG__FORMAT", "xml")])).unwrap_err().to_string();
        assert!(err.contains("xml"), "{err}");
        let err = Settings::load(None, &env(&[("TIFA_LIMITS__MAX_BATCH_SIZE", "0")])).unwrap_err().to_string();
        assert!(err.contains("limits.max_batch_size"), "{err}");
    }
}
