//! Loads what the pipeline needs — dictionaries, the policy lexicon — from the
//! files embedded in the binary plus any configured extra files, once at
//! start-up and again on a lexicon reload.

use std::fs;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwapOption;

use crate::pipeline::Annotator;
use crate::pipeline::ner::EntityRecognizer;
use crate::pipeline::ner::model::NerModel;
use crate::pipeline::policy::{Lexicon, LexiconError, PolicyMatcher};
use crate::pipeline::segment::Segmenter;
use crate::settings::ResourceSettings;

/// The curated policy-phrase lexicon shipped with tifa.
pub const EMBEDDED_LEXICON: &str = include_str!("../resources/policy/lexicon.toml");
const EMBEDDED_LEXICON_NAME: &str = "resources/policy/lexicon.toml";

/// Domain words for jieba (`word freq tag`): names of leaders, bodies, places.
pub const EMBEDDED_DOMAIN_DICT: &str = include_str!("../resources/dict/domain.dict");

/// Versions reported by GetServiceInfo.
pub const JIEBA_VERSION: &str = "jieba-rs 0.11.0";
pub const DICTIONARY_VERSION: &str = "jieba default dict + tifa domain.dict 2026.11.0";

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("lexicon {0}")]
    Lexicon(#[from] LexiconError),
    #[error("dictionary {0}")]
    Dictionary(String),
    #[error("resources are not loaded yet")]
    NotLoaded,
    #[error("entity model: {0}")]
    Model(String),
}

/// The annotator in use: empty until resources are loaded, then swapped whole
/// when the lexicon reloads, so a request sees the old or the new lexicon,
/// never a mix.
pub type AnnotatorSlot = Arc<ArcSwapOption<Annotator>>;

/// Builds the annotator from embedded resources plus the configured files.
pub fn load_annotator(settings: &ResourceSettings) -> Result<Annotator, LoadError> {
    let model = NerModel::embedded().map_err(LoadError::Model)?;
    load_annotator_with(settings, EntityRecognizer::new(model))
}

/// The annotator with another entity recognizer (a model being trained).
pub fn load_annotator_with(settings: &ResourceSettings, entities: EntityRecognizer) -> Result<Annotator, LoadError> {
    let segmenter = Arc::new(load_segmenter(&settings.user_dicts)?);
    let lexicon = load_lexicon(&settings.lexicons)?;
    Ok(Annotator::new(segmenter, Arc::new(entities), PolicyMatcher::new(lexicon)))
}

/// Re-reads the lexicon files and swaps them in. On error the annotator in
/// use is left untouched and keeps serving.
pub fn reload_lexicon(slot: &AnnotatorSlot, lexicon_files: &[PathBuf]) -> Result<String, LoadError> {
    let lexicon = load_lexicon(lexicon_files)?;
    let version = lexicon.version().to_string();
    let Some(current) = slot.load_full() else {
        return Err(LoadError::NotLoaded);
    };
    slot.store(Some(Arc::new(current.with_policy(PolicyMatcher::new(lexicon)))));
    Ok(version)
}

/// The embedded lexicon followed by `extra` files, in order.
pub fn load_lexicon(extra: &[PathBuf]) -> Result<Lexicon, LoadError> {
    let mut lexicon = Lexicon::default();
    lexicon.add_file(EMBEDDED_LEXICON_NAME, EMBEDDED_LEXICON)?;
    for path in extra {
        let source = read(path)?;
        lexicon.add_file(&path.display().to_string(), &source)?;
    }
    Ok(lexicon)
}

fn load_segmenter(user_dicts: &[PathBuf]) -> Result<Segmenter, LoadError> {
    let embedded = without_comments(EMBEDDED_DOMAIN_DICT);
    let mut sources: Vec<(String, String)> = vec![("resources/dict/domain.dict".into(), embedded)];
    for path in user_dicts {
        sources.push((path.display().to_string(), without_comments(&read(path)?)));
    }
    let mut readers: Vec<(&str, &[u8])> = sources.iter().map(|(n, s)| (n.as_str(), s.as_bytes())).collect();
    let mut dicts: Vec<(&str, &mut dyn BufRead)> =
        readers.iter_mut().map(|(n, r)| (*n, r as &mut dyn BufRead)).collect();
    Segmenter::new(&mut dicts).map_err(LoadError::Dictionary)
}

/// jieba's dictionary format has no comments; ours allows `#` lines.
fn without_comments(source: &str) -> String {
    source
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn read(path: &Path) -> Result<String, LoadError> {
    fs::read_to_string(path).map_err(|source| LoadError::Io { path: path.to_path_buf(), source })
}
