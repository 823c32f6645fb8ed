//! `tifa eval policy` (being built).

use std::path::Path;

use crate::settings::Settings;

pub fn run(_gold: &Path, _articles: &Path, _settings: &Settings) -> Result<(), String> {
    Err("`tifa eval policy` is not available yet".into())
}
