//! `tifa eval seg` (being built).

use std::path::Path;

use crate::settings::Settings;

pub fn run(_data: &Path, _settings: &Settings) -> Result<(), String> {
    Err("`tifa eval seg` is not available yet".into())
}
