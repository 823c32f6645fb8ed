//! The policy-phrase lexicon: parsed from TOML files an analyst can review in
//! a pull request (`resources/policy/lexicon.toml` plus operator files).

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::pipeline::types::PhraseKind;

/// One reviewed formulation with all the surface forms that mean it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconEntry {
    pub id: String,
    pub canonical: String,
    pub kind: PhraseKind,
    pub category: String,
    #[serde(default)]
    pub variants: Vec<String>,
    /// For numbered formulas: what the number stands for.
    #[serde(default)]
    pub items: Vec<String>,
    #[serde(default)]
    pub note: String,
}

impl LexiconEntry {
    /// The canonical form followed by every variant.
    pub fn surfaces(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.canonical.as_str()).chain(self.variants.iter().map(String::as_str))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    lexicon: LexiconHeader,
    #[serde(default)]
    phrase: Vec<LexiconEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconHeader {
    version: String,
    #[serde(default)]
    #[allow(dead_code, reason = "documentation for reviewers; parsed so the key is allowed")]
    description: String,
}

/// A lexicon file that could not be used, with the file and line to fix.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("{file}:{line}: {message}")]
pub struct LexiconError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// All entries currently loaded, in load order (embedded file first).
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    entries: Vec<LexiconEntry>,
    /// Version of each file, in load order: "tifa@2026.11.0+extra@3".
    version: String,
    files: Vec<String>,
}

impl Lexicon {
    /// Parses one lexicon file and adds its entries. `name` appears in errors.
    /// Nothing is added when the file has any error.
    pub fn add_file(&mut self, name: &str, source: &str) -> Result<(), LexiconError> {
        let parsed: LexiconFile = toml::from_str(source).map_err(|e| LexiconError {
            file: name.to_string(),
            line: e.span().map_or(0, |s| line_of(source, s.start)),
            message: e.message().to_string(),
        })?;
        let mut seen_ids: HashMap<&str, &str> =
            self.entries.iter().map(|e| (e.id.as_str(), "an earlier file")).collect();
        let mut seen_surfaces: HashMap<String, &str> = HashMap::new();
        for entry in &self.entries {
            for s in entry.surfaces() {
                seen_surfaces.insert(s.to_string(), entry.id.as_str());
            }
        }
        for entry in &parsed.phrase {
            let line = line_of_entry(source, &entry.id);
            let fail = |message: String| LexiconError { file: name.to_string(), line, message };
            validate_entry(entry).map_err(fail)?;
            if seen_ids.insert(&entry.id, name).is_some() {
                return Err(fail(format!("duplicate id `{}`", entry.id)));
            }
            for surface in entry.surfaces() {
                if let Some(other) = seen_surfaces.insert(surface.to_string(), &entry.id)
                    && other != entry.id
                {
                    return Err(fail(format!("surface `{surface}` of `{}` is already entry `{other}`", entry.id)));
                }
            }
        }
        let tag = format!("{}@{}", file_stem(name), parsed.lexicon.version);
        self.version = if self.version.is_empty() { tag } else { format!("{}+{tag}", self.version) };
        self.files.push(name.to_string());
        self.entries.extend(parsed.phrase);
        Ok(())
    }

    pub fn entries(&self) -> &[LexiconEntry] {
        &self.entries
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn files(&self) -> &[String] {
        &self.files
    }

    pub fn surface_count(&self) -> usize {
        self.entries.iter().map(|e| 1 + e.variants.len()).sum()
    }

    pub fn counts_by_category(&self) -> BTreeMap<String, u32> {
        let mut counts = BTreeMap::new();
        for e in &self.entries {
            *counts.entry(e.category.clone()).or_default() += 1;
        }
        counts
    }

    pub fn counts_by_kind(&self) -> BTreeMap<PhraseKind, u32> {
        let mut counts = BTreeMap::new();
        for e in &self.entries {
            *counts.entry(e.kind).or_default() += 1;
        }
        counts
    }
}

fn validate_entry(entry: &LexiconEntry) -> Result<(), String> {
    let slug = |s: &str| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    };
    if !slug(&entry.id) {
        return Err(format!("id `{}` must be lowercase ASCII kebab-case", entry.id));
    }
    if !slug(&entry.category) {
        return Err(format!("category `{}` of `{}` must be a lowercase slug", entry.category, entry.id));
    }
    for surface in entry.surfaces() {
        if surface.trim().is_empty() {
            return Err(format!("`{}` has an empty surface form", entry.id));
        }
        if surface.chars().any(char::is_whitespace) {
            return Err(format!("surface `{surface}` of `{}` contains whitespace", entry.id));
        }
        if surface.chars().count() < 2 {
            return Err(format!("surface `{surface}` of `{}` is shorter than two characters", entry.id));
        }
    }
    Ok(())
}

fn line_of(source: &str, byte: usize) -> usize {
    source[..byte.min(source.len())].matches('\n').count() + 1
}

/// Line of the `id = "…"` key of an entry, for pointing at semantic errors.
fn line_of_entry(source: &str, id: &str) -> usize {
    let needle = format!("\"{id}\"");
    source.lines().position(|l| l.trim_start().starts_with("id") && l.contains(&needle)).map_or(0, |i| i + 1)
}

fn file_stem(name: &str) -> &str {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.strip_suffix(".toml").unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[lexicon]
version = "1"

[[phrase]]
id = "si-ge-mian-xiang"
canonical = "四个面向"
kind = "numbered"
category = "science_technology"
items = ["面向世界科技前沿", "面向经济主战场", "面向国家重大需求", "面向人民生命健康"]
"#;

    #[test]
    fn loads_entries_and_versions_files() {
        let mut lexicon = Lexicon::default();
        lexicon.add_file("lexicon.toml", GOOD).unwrap();
        assert_eq!(lexicon.entries().len(), 1);
        assert_eq!(lexicon.version(), "lexicon@1");
        assert_eq!(lexicon.entries()[0].items.len(), 4);
    }

    #[test]
    fn names_file_and_line_of_a_syntax_error() {
        let bad = "[lexicon]\nversion = \"1\"\n\n[[phrase]]\nid = \"x\"\ncanonical = 五个中心\n";
        let err = Lexicon::default().add_file("extra.toml", bad).unwrap_err();
        assert_eq!((err.file.as_str(), err.line), ("extra.toml", 6), "{err}");
    }

    #[test]
    fn rejects_unknown_kind_and_duplicates_without_adding_anything() {
        let bad_kind = GOOD.replace("numbered", "slogan");
        let err = Lexicon::default().add_file("a.toml", &bad_kind).unwrap_err();
        assert!(err.message.contains("slogan"), "{err}");

        let mut lexicon = Lexicon::default();
        lexicon.add_file("a.toml", GOOD).unwrap();
        let dup = GOOD.replace("si-ge-mian-xiang", "other-id");
        let err = lexicon.add_file("b.toml", &dup).unwrap_err();
        assert!(err.message.contains("already entry `si-ge-mian-xiang`"), "{err}");
        assert_eq!(err.line, 6);
        assert_eq!(lexicon.entries().len(), 1);
    }
}
