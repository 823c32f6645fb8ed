//! The embedded word lists (`resources/ner/rules_*.txt`): plain text so that a
//! linguist can extend them without touching the code.
//!
//! Format: `[section]` headers, one entry per line, `#` starts a comment, blank
//! lines are ignored. An entry is split at whitespace into a word and
//! optional fields.

use std::collections::HashMap;

pub(super) const UNITS: &str = include_str!("../../../../resources/ner/rules_units.txt");
pub(super) const POSITIONS: &str = include_str!("../../../../resources/ner/rules_positions.txt");
pub(super) const EVENTS: &str = include_str!("../../../../resources/ner/rules_events.txt");
pub(super) const BOUNDARIES: &str = include_str!("../../../../resources/ner/rules_boundaries.txt");

/// One line of a list: the word and the fields after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry<'a> {
    pub word: &'a str,
    pub fields: Vec<&'a str>,
}

/// The entries of every section, in file order.
pub(super) fn sections(text: &str) -> HashMap<&str, Vec<Entry<'_>>> {
    let mut out: HashMap<&str, Vec<Entry<'_>>> = HashMap::new();
    let mut current = "";
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.trim();
            out.entry(current).or_default();
            continue;
        }
        let mut parts = line.split_whitespace();
        if let Some(word) = parts.next() {
            out.entry(current).or_default().push(Entry { word, fields: parts.collect() });
        }
    }
    out
}

/// The words of one section (empty if the section is missing).
pub(super) fn words<'a>(all: &HashMap<&str, Vec<Entry<'a>>>, section: &str) -> Vec<&'a str> {
    let mut seen = std::collections::HashSet::new();
    all.get(section)
        .map(|entries| entries.iter().map(|e| e.word).filter(|w| seen.insert(*w)).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sections_entries_and_comments() {
        let text = "# head\n[a]\nx 1 2 # note\n\n[b]\ny\n[a]\nz\n";
        let all = sections(text);
        assert_eq!(words(&all, "a"), ["x", "z"]);
        assert_eq!(all["a"][0].fields, ["1", "2"]);
        assert_eq!(words(&all, "b"), ["y"]);
        assert!(words(&all, "missing").is_empty());
    }

    #[test]
    fn every_embedded_list_has_its_sections() {
        for (text, needed) in [
            (UNITS, &["currency", "percent", "measure", "relative", "set-phrases"][..]),
            (POSITIONS, &["titles", "org-suffixes", "not-after-长", "not-after", "not-before-会长"][..]),
            (EVENTS, &["heads", "names", "not-after"][..]),
            (BOUNDARIES, &["stop-words", "keep", "name-joiners"][..]),
        ] {
            let all = sections(text);
            for s in needed {
                assert!(!words(&all, s).is_empty(), "section [{s}] is empty or missing");
            }
        }
    }
}
