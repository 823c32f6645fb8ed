//! The error list of `tifa eval ner --errors`: its lines, written here, and
//! read back (`--baseline-errors`) as the per-sentence scores of the build
//! that wrote it. A list is how two builds that cannot load each other's
//! model files (a new model format) are compared on the same sentences.
//!
//! Lines: `FN|FP|LOST<TAB>PER|LOC|ORG<TAB>span<TAB>sentence`, and
//! `OVER<TAB>kind<TAB>span` (not read back).

use std::collections::HashMap;
use std::ops::Range;

use super::train::data::{KIND_LABELS, Scores, Sentence, kind_index};

/// Appends the errors of one sentence to `out`: the gold names `predicted`
/// missed (FN), its wrong names (FP), and the gold names `bare` (the model
/// alone) found but `predicted` (the whole annotator) did not (LOST).
pub fn write_errors(
    text: &str,
    gold: &[(Range<usize>, u8)],
    predicted: &[(Range<usize>, u8)],
    bare: &[(Range<usize>, u8)],
    out: &mut String,
) {
    let chars: Vec<char> = text.chars().collect();
    let mut line = |label: &str, (span, kind): &(Range<usize>, u8)| {
        let surface: String = chars[span.clone()].iter().collect();
        out.push_str(&format!("{label}\t{}\t{surface}\t{text}\n", KIND_LABELS[*kind as usize % 3]));
    };
    for g in gold.iter().filter(|g| !predicted.contains(g)) {
        line("FN", g);
    }
    for p in predicted.iter().filter(|p| !gold.contains(p)) {
        line("FP", p);
    }
    for g in gold.iter().filter(|g| bare.contains(g) && !predicted.contains(g)) {
        line("LOST", g);
    }
}

/// The whole annotator's per-sentence scores of the build that wrote `list`
/// on `sentences` (the corpus it was written for): each gold name that is
/// not an FN line was found, each FP line is a wrong name. A sentence text
/// that occurs n times in the corpus has n times its errors in the list
/// (the annotator is deterministic), so each occurrence gets a 1/n share.
pub fn read_scores(list: &str, sentences: &[Sentence]) -> Result<Vec<Scores>, String> {
    // Errors per sentence text: misses and false alarms per kind.
    let mut errors: HashMap<&str, ([usize; 3], [usize; 3])> = HashMap::new();
    for (n, line) in list.lines().enumerate() {
        let fields: Vec<&str> = line.splitn(4, '\t').collect();
        let (label, kind) = (fields[0], fields.get(1).copied().unwrap_or(""));
        if !matches!(label, "FN" | "FP") {
            continue;
        }
        let (Some(k), Some(text)) = (kind_index(kind).map(usize::from), fields.get(3)) else {
            return Err(format!("line {}: not an error line of `eval ner --errors`: {line}", n + 1));
        };
        let entry = errors.entry(text).or_default();
        let counts = if label == "FN" { &mut entry.0 } else { &mut entry.1 };
        counts[k] += 1;
    }
    let mut occurrences: HashMap<&str, usize> = HashMap::new();
    for s in sentences {
        *occurrences.entry(&s.text).or_default() += 1;
    }
    if let Some(text) = errors.keys().find(|t| !occurrences.contains_key(*t)) {
        return Err(format!(
            "a sentence of the list is not in the scored corpus (was the list written for another?): {text}"
        ));
    }
    sentences
        .iter()
        .map(|s| {
            let mut scores = Scores::default();
            let (missed, wrong) = errors.get(s.text.as_str()).copied().unwrap_or_default();
            let n = occurrences[s.text.as_str()];
            let names = s.entities();
            for k in 0..3 {
                let gold = names.iter().filter(|e| e.1 as usize == k).count();
                if missed[k] % n != 0 || wrong[k] % n != 0 || missed[k] / n > gold {
                    return Err(format!(
                        "the list's {} errors do not fit the corpus sentence: {}",
                        KIND_LABELS[k], s.text
                    ));
                }
                scores.fn_[k] = missed[k] / n;
                scores.fp[k] = wrong[k] / n;
                scores.tp[k] = gold - missed[k] / n;
            }
            Ok(scores)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(text: &str, tags: &[u8]) -> Sentence {
        Sentence { text: text.to_string(), tags: tags.to_vec(), mask: None, domain: 0 }
    }

    #[test]
    fn scores_read_back_are_the_scores_of_the_written_errors() {
        use crate::pipeline::ner::model::tags;
        // 张三去北京: gold PER 张三 (0..2) and LOC 北京 (3..5), twice in the corpus.
        let tags = [tags::begin(0), tags::end(0), tags::O, tags::begin(1), tags::end(1)];
        let corpus = vec![sentence("张三去北京", &tags), sentence("我们", &[0, 0]), sentence("张三去北京", &tags)];
        // Predictions: 张三 right, 北京 taken for an organization; nothing in 我们.
        let predicted = [vec![(0..2, 0u8), (3..5, 2u8)], vec![], vec![(0..2, 0u8), (3..5, 2u8)]];
        let mut list = String::new();
        let mut expected = Vec::new();
        for (s, p) in corpus.iter().zip(&predicted) {
            write_errors(&s.text, &s.entities(), p, &[], &mut list);
            let mut scores = Scores::default();
            scores.add(&s.entities(), p);
            expected.push(scores);
        }
        list.push_str("OVER\tDate\t北京\n");
        let read = read_scores(&list, &corpus).unwrap();
        assert_eq!(format!("{read:?}"), format!("{expected:?}"));
        assert_eq!(read[0].tp, [1, 0, 0]);
        assert_eq!((read[0].fn_, read[0].fp), ([0, 1, 0], [0, 0, 1]));
    }

    #[test]
    fn a_list_of_another_corpus_is_refused() {
        let corpus = vec![sentence("我们", &[0, 0])];
        let err = read_scores("FP\tPER\t张三\t张三来了\n", &corpus).unwrap_err();
        assert!(err.contains("not in the scored corpus"), "{err}");
        let err = read_scores("FN\tPER\t我们\t我们\n", &corpus).unwrap_err();
        assert!(err.contains("do not fit"), "{err}");
        let err = read_scores("FN\tXYZ\n", &corpus).unwrap_err();
        assert!(err.contains("line 1"), "{err}");
    }
}
