//! `tifa eval seg`: word-level precision, recall and F1 (SIGHAN bakeoff
//! scoring: a word counts when its character span matches the gold exactly)
//! on the SIGHAN 2005 MSR test set, for tifa's tokens and for bare jieba-rs.

use std::fs;
use std::path::Path;

use jieba_rs::Jieba;

use super::scores::Counts;
use crate::pipeline::{AnnotateOptions, BoilerplateMode, Features};
use crate::resources::load_annotator;
use crate::settings::Settings;

/// Spans (in chars) of the words of one segmented line.
fn spans<'a>(words: impl Iterator<Item = &'a str>) -> Vec<(usize, usize)> {
    let mut at = 0;
    words
        .filter(|w| !w.trim().is_empty())
        .map(|w| {
            let len = w.chars().count();
            at += len;
            (at - len, at)
        })
        .collect()
}

fn score(counts: &mut Counts, gold: &[(usize, usize)], predicted: &[(usize, usize)]) {
    for p in predicted {
        counts.add_predicted(gold.binary_search(p).is_ok());
    }
    for g in gold {
        counts.add_gold(predicted.binary_search(g).is_ok());
    }
}

pub fn run(data: &Path, settings: &Settings) -> Result<(), String> {
    let read =
        |name: &str| fs::read_to_string(data.join(name)).map_err(|e| format!("{}: {e}", data.join(name).display()));
    let raw = read("msr_test.utf8")?;
    let gold = read("msr_test_gold.utf8")?;
    let annotator = load_annotator(&settings.resources).map_err(|e| e.to_string())?;
    let jieba = Jieba::new();
    let options = AnnotateOptions {
        features: Features { tokens: true, ..Features::NONE },
        boilerplate: BoilerplateMode::Mark,
        ..Default::default()
    };
    let (mut tifa, mut bare, mut bare_no_hmm) = (Counts::default(), Counts::default(), Counts::default());
    let mut lines = 0;
    for (text, gold_line) in raw.lines().zip(gold.lines()) {
        // Spaces are not words in either side's count.
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if text.is_empty() {
            continue;
        }
        lines += 1;
        let gold_spans = spans(gold_line.split_whitespace());
        let annotation = annotator.annotate(&text, &options);
        let mut ours = spans(annotation.tokens.iter().map(|t| &text[t.span.clone()]));
        ours.sort_unstable();
        score(&mut tifa, &gold_spans, &ours);
        score(&mut bare, &gold_spans, &spans(jieba.cut(&text, true).iter().map(|t| t.word)));
        score(&mut bare_no_hmm, &gold_spans, &spans(jieba.cut(&text, false).iter().map(|t| t.word)));
    }
    println!("segmentation: SIGHAN 2005 MSR test, {lines} lines, {} gold words", tifa.gold);
    println!("{:<14} {:>6} {:>6} {:>6} {:>9} {:>7} {:>7}", "", "gold", "pred", "ok", "precision", "recall", "F1");
    tifa.print("tifa tokens");
    bare.print("jieba hmm");
    bare_no_hmm.print("jieba no-hmm");
    Ok(())
}
