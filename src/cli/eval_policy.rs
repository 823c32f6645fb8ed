//! `tifa eval policy`: exact-span precision, recall and F1 of policy phrases
//! against a gold JSONL in the format of articles.gold.jsonl (code-point
//! offsets, end exclusive), overall, per kind and for discovered phrases.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use serde::Deserialize;

use super::scores::Counts;
use crate::pipeline::offsets::{OffsetConverter, OffsetEncoding};
use crate::pipeline::policy::{Lexicon, PolicyMatcher};
use crate::pipeline::types::Source;
use crate::pipeline::{AnnotateOptions, BoilerplateMode, Features};
use crate::resources::load_annotator;
use crate::settings::Settings;

#[derive(Deserialize)]
struct GoldPhrase {
    doc: String,
    start: usize,
    end: usize,
    text: String,
    kind: String,
}

/// (doc, start, end) in code points.
type Key = (String, usize, usize);

pub fn run(gold: &Path, articles: &Path, discovery_only: bool, settings: &Settings) -> Result<(), String> {
    let gold_text = fs::read_to_string(gold).map_err(|e| format!("{}: {e}", gold.display()))?;
    let mut gold_kind: BTreeMap<Key, String> = BTreeMap::new();
    for (i, line) in gold_text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let g: GoldPhrase = serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", gold.display(), i + 1))?;
        let _ = g.text;
        gold_kind.insert((g.doc, g.start, g.end), g.kind);
    }
    let mut annotator = load_annotator(&settings.resources).map_err(|e| e.to_string())?;
    if discovery_only {
        annotator = annotator.with_policy(PolicyMatcher::new(Lexicon::default()));
    }
    let options = AnnotateOptions {
        features: Features { policy_phrases: true, ..Features::NONE },
        // The gold spans cover the whole page, menus included.
        boilerplate: BoilerplateMode::Mark,
        ..Default::default()
    };

    let mut docs: Vec<_> = fs::read_dir(articles)
        .map_err(|e| format!("{}: {e}", articles.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    docs.sort();
    let mut predicted: BTreeMap<Key, (String, Source, String)> = BTreeMap::new();
    for path in &docs {
        let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
        let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let cp = OffsetConverter::new(&text, OffsetEncoding::CodePoint);
        for p in annotator.annotate(&text, &options).policy_phrases {
            let key = (name.clone(), cp.convert(p.span.start) as usize, cp.convert(p.span.end) as usize);
            predicted.insert(key, (p.kind.as_str().to_string(), p.source, text[p.span].to_string()));
        }
    }

    let gold_keys: BTreeSet<&Key> = gold_kind.keys().collect();
    let mut overall = Counts::default();
    let mut by_kind: BTreeMap<String, Counts> = BTreeMap::new();
    let mut by_source: BTreeMap<&str, Counts> = BTreeMap::new();
    for (key, (kind, source, _)) in &predicted {
        let correct = gold_keys.contains(key);
        overall.add_predicted(correct);
        by_kind.entry(kind.clone()).or_default().add_predicted(correct);
        by_source.entry(source_name(*source)).or_default().add_predicted(correct);
    }
    for (key, kind) in &gold_kind {
        let found = predicted.contains_key(key);
        overall.add_gold(found);
        by_kind.entry(kind.clone()).or_default().add_gold(found);
    }

    println!("policy phrases: {} documents, {} gold spans, {} predicted", docs.len(), gold_kind.len(), predicted.len());
    println!("{:<14} {:>6} {:>6} {:>6} {:>9} {:>7} {:>7}", "", "gold", "pred", "ok", "precision", "recall", "F1");
    overall.print("overall");
    for (kind, counts) in &by_kind {
        counts.print(kind);
    }
    for (source, counts) in &by_source {
        println!(
            "  source {source}: {} predicted, {} correct, precision {:.4}",
            counts.predicted,
            counts.correct_predicted,
            counts.precision()
        );
    }
    let false_positives: Vec<_> = predicted.iter().filter(|(k, _)| !gold_keys.contains(k)).collect();
    let false_negatives: Vec<_> = gold_kind.keys().filter(|k| !predicted.contains_key(*k)).collect();
    for ((doc, s, e), (kind, source, text)) in false_positives {
        println!("  FP {doc} [{s},{e}) {text:?} {kind} {}", source_name(*source));
    }
    for (doc, s, e) in false_negatives {
        println!("  FN {doc} [{s},{e})");
    }
    Ok(())
}

fn source_name(source: Source) -> &'static str {
    match source {
        Source::Lexicon => "lexicon",
        Source::Discovered => "discovered",
        Source::Request => "request",
        Source::Rule => "rule",
        Source::Model => "model",
    }
}
