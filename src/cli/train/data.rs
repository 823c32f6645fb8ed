//! NER corpora (`../shared/data/ner`): BIO files and CLUENER JSON lines, read
//! into sentences with one BIO tag per char, plus the fixed data splits.

use std::fs;
use std::ops::Range;
use std::path::Path;

use crate::pipeline::clean::CleanText;
use crate::pipeline::ner::model::tags::{ANY, O, TagSet, all_of_kind, keeps_the_rule, name_tags};
use crate::pipeline::segment::{Segment, SegmentationOptions, Segmenter};

/// People's Daily test file: split in blocks of [`SPLIT_BLOCK`] consecutive
/// sentences (so an article mostly stays on one side); odd blocks are the
/// held-out split, never used for training or tuning, even blocks train.
pub const SPLIT_FILE: &str = "peoples_daily.test.bio";
pub const SPLIT_BLOCK: usize = 100;
/// How the held-out split is named in reports.
pub const HELD_OUT: &str = "peoples_daily.test.bio, odd blocks of 100 sentences";
/// Fully labelled training corpora, read whole.
pub const TRAIN_BIO: [&str; 2] = ["peoples_daily.dev.bio", "msra.part.bio"];
/// How the training part of [`SPLIT_FILE`] is named in reports.
pub const TRAIN_PART: &str = "peoples_daily.test.bio even blocks";

/// Is sentence `i` of [`SPLIT_FILE`] held out?
pub fn held_out(i: usize) -> bool {
    (i / SPLIT_BLOCK) % 2 == 1
}

/// The held-out (`held` true) or the training sentences of [`SPLIT_FILE`].
pub fn read_split(dir: &Path, held: bool) -> Result<Vec<Sentence>, String> {
    let all = read_bio(&dir.join(SPLIT_FILE))?;
    Ok(all.into_iter().enumerate().filter(|(i, _)| held_out(*i) == held).map(|(_, s)| s).collect())
}

/// Partly labelled training corpora of another domain (see [`read_cluener`]).
pub const TRAIN_CLUENER: [&str; 2] = ["cluener.train.jsonl", "cluener.dev.jsonl"];
/// Tuning (`tifa train ner --tune`): 5-fold cross-validation over People's Daily dev.
pub const TUNE_FROM: &str = "peoples_daily.dev.bio";
pub const TUNE_EVERY: usize = 5;

/// Is sentence `i` of [`TUNE_FROM`] in tuning fold `fold`?
pub fn in_tune_fold(i: usize, fold: usize) -> bool {
    i % TUNE_EVERY == fold
}

/// The sentences of tuning fold `fold`.
pub fn read_tune_fold(dir: &Path, fold: usize) -> Result<Vec<Sentence>, String> {
    let all = read_bio(&dir.join(TUNE_FROM))?;
    Ok(all.into_iter().enumerate().filter(|(i, _)| in_tune_fold(*i, fold)).map(|(_, s)| s).collect())
}

#[derive(Debug, Clone)]
pub struct Sentence {
    pub text: String,
    /// Gold tag per char.
    pub tags: Vec<u8>,
    /// For partly labelled text: the tags each char may take (bit set).
    pub mask: Option<Vec<TagSet>>,
    /// Which copy of the weights it trains besides the shared one (0: the
    /// shipped news domain).
    pub domain: usize,
}

impl Sentence {
    /// Gold entities: char ranges and kinds (0 PER, 1 LOC, 2 ORG).
    pub fn entities(&self) -> Vec<(Range<usize>, u8)> {
        crate::pipeline::ner::model::decode::spans(&self.tags)
    }
}

/// The corpora's labels of the name kinds, in the model's kind order.
pub const KIND_LABELS: [&str; 3] = ["PER", "LOC", "ORG"];

/// The model's kind (0 PER, 1 LOC, 2 ORG) of a corpus label.
pub fn kind_index(label: &str) -> Option<u8> {
    KIND_LABELS.iter().position(|&l| l == label).map(|k| k as u8)
}

/// `char<TAB>tag` lines, a blank line between sentences.
pub fn read_bio(path: &Path) -> Result<Vec<Sentence>, String> {
    let source = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    let mut text = String::new();
    let mut tags = Vec::new();
    for (n, line) in source.lines().enumerate() {
        if line.trim().is_empty() {
            if !tags.is_empty() {
                out.push(Sentence {
                    text: std::mem::take(&mut text),
                    tags: from_bio(&std::mem::take(&mut tags)),
                    mask: None,
                    domain: 0,
                });
            }
            continue;
        }
        let (ch, tag) = line.split_once('\t').ok_or_else(|| format!("{}:{}: no tab", path.display(), n + 1))?;
        let mut chars = ch.chars();
        let c = chars.next().ok_or_else(|| format!("{}:{}: no char", path.display(), n + 1))?;
        let tag = tag.trim();
        let t = if tag == "O" {
            None
        } else {
            let (bi, label) =
                tag.split_once('-').ok_or_else(|| format!("{}:{}: bad tag {tag}", path.display(), n + 1))?;
            let k = kind_index(label).ok_or_else(|| format!("{}:{}: bad tag {tag}", path.display(), n + 1))?;
            Some((bi == "B", k))
        };
        text.push(c);
        tags.push(t);
    }
    if !tags.is_empty() {
        out.push(Sentence { text, tags: from_bio(&tags), mask: None, domain: 0 });
    }
    Ok(out)
}

/// The model's tags of a sentence labelled in BIO (per char: O, or whether
/// it begins a name and the name's kind). A stray `I-X` begins a name.
fn from_bio(bio: &[Option<(bool, u8)>]) -> Vec<u8> {
    let mut tags = vec![O; bio.len()];
    let mut i = 0;
    while i < bio.len() {
        let Some((_, kind)) = bio[i] else {
            i += 1;
            continue;
        };
        let end = i + 1 + bio[i + 1..].iter().take_while(|t| matches!(t, Some((false, k)) if *k == kind)).count();
        for (slot, tag) in tags[i..end].iter_mut().zip(name_tags(kind, end - i)) {
            *slot = tag;
        }
        i = end;
    }
    tags
}

/// What a CLUENER type becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Map {
    Kind(u8),
    /// Unknown: any tag may hold inside (a street address may contain a city).
    Unknown,
    /// Outside every PER/LOC/ORG.
    Outside,
}

/// How CLUENER's types map onto PER/LOC/ORG: `name` → PER; `organization`,
/// `government`, `company` → ORG; a short `address` (≤ 6 chars: 美国,
/// 浦东新区) → LOC; `position` → outside; long addresses, `scene` and titles
/// (book, movie, game) → unknown but not PER (they hold places). CLUENER's
/// conventions still differ (sports teams as ORG, unlabelled places), so
/// its sentences train their own domain copy of the weights.
pub fn cluener_map(label: &str, surface_chars: usize) -> Map {
    match label {
        "name" if surface_chars >= 2 => Map::Kind(0),
        "organization" | "government" | "company" => Map::Kind(2),
        "address" if surface_chars <= 6 => Map::Kind(1),
        "position" => Map::Outside,
        _ => Map::Unknown,
    }
}

/// CLUENER JSON lines as partly labelled sentences: chars outside every span
/// are O; see [`cluener_map`] for the spans.
pub fn read_cluener(path: &Path) -> Result<Vec<Sentence>, String> {
    let source = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in source.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        let text = v["text"].as_str().ok_or_else(|| format!("{}:{}: no text", path.display(), n + 1))?.to_string();
        let len = text.chars().count();
        let mut tags = vec![O; len];
        // In spans of unknown label a char is not PER but may be anything
        // else; outside every span it is O.
        let not_person = ANY & !all_of_kind(0);
        let outside: TagSet = 1 << O;
        let mut mask = vec![outside; len];
        if let Some(labels) = v["label"].as_object() {
            for (label, surfaces) in labels {
                let Some(surfaces) = surfaces.as_object() else { continue };
                for occurrences in surfaces.values() {
                    for occ in occurrences.as_array().into_iter().flatten() {
                        let (Some(s), Some(e)) = (occ[0].as_u64(), occ[1].as_u64()) else { continue };
                        let (s, e) = (s as usize, e as usize + 1);
                        if s >= e || e > len {
                            continue;
                        }
                        match cluener_map(label, e - s) {
                            Map::Kind(k) => {
                                for (i, tag) in (s..e).zip(name_tags(k, e - s)) {
                                    tags[i] = tag;
                                    mask[i] = 1 << tag;
                                }
                            }
                            Map::Unknown => mask[s..e].fill(not_person),
                            Map::Outside => {}
                        }
                    }
                }
            }
        }
        // Overlapping spans can leave a sequence no name tags can make:
        // such a sentence teaches nothing sure, and would allow no sequence at all.
        if keeps_the_rule(&tags) {
            out.push(Sentence { text, tags, mask: Some(mask), domain: 1 });
        }
    }
    Ok(out)
}

/// The view the pipeline segments (full-width ASCII folded, …). Falls back
/// to the text itself if cleaning changed its length in chars, so tags stay
/// aligned.
pub fn clean_view(text: &str) -> String {
    let view = CleanText::new(text);
    if view.as_str().chars().count() == text.chars().count() { view.as_str().to_string() } else { text.to_string() }
}

/// A segmenter like the pipeline's: jieba's dictionary plus the embedded domain dictionary.
pub fn segmenter() -> Result<Segmenter, String> {
    let dict: String = crate::resources::EMBEDDED_DOMAIN_DICT
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut reader = dict.as_bytes();
    Segmenter::new(&mut [("resources/dict/domain.dict", &mut reader)])
}

/// Bootstrap rounds of [`Scores::f1_interval`] and [`Scores::f1_gain_interval`].
const BOOTSTRAP_ROUNDS: usize = 1000;

/// Per round, the overall F1 of each of `sets` (scores of the same sentences)
/// on one draw of the sentences with replacement. A fixed seed: reruns agree.
fn bootstrap_f1(sets: &[&[Scores]]) -> Vec<Vec<f64>> {
    let n = sets.iter().map(|s| s.len()).min().unwrap_or(0);
    if n == 0 {
        return vec![vec![0.0; sets.len()]; BOOTSTRAP_ROUNDS];
    }
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    (0..BOOTSTRAP_ROUNDS)
        .map(|_| {
            let mut totals = vec![Scores::default(); sets.len()];
            for _ in 0..n {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let i = ((seed >> 33) % n as u64) as usize;
                for (total, set) in totals.iter_mut().zip(sets) {
                    total.merge(&set[i]);
                }
            }
            totals.iter().map(Scores::f1).collect()
        })
        .collect()
}

/// The 2.5th and 97.5th percentiles.
fn central_95(mut values: Vec<f64>) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let k = values.len() / 40;
    (values[k], values[values.len() - 1 - k])
}

pub fn segment(segmenter: &Segmenter, view: &str) -> Vec<Segment> {
    segmenter.segment(view, &[], SegmentationOptions::default())
}

/// Exact span+type counts per kind (0 PER, 1 LOC, 2 ORG).
#[derive(Debug, Clone, Copy, Default)]
pub struct Scores {
    pub tp: [usize; 3],
    pub fp: [usize; 3],
    pub fn_: [usize; 3],
}

impl Scores {
    pub fn add(&mut self, gold: &[(Range<usize>, u8)], predicted: &[(Range<usize>, u8)]) {
        for p in predicted {
            if gold.contains(p) {
                self.tp[p.1 as usize] += 1;
            } else {
                self.fp[p.1 as usize] += 1;
            }
        }
        for g in gold {
            if !predicted.contains(g) {
                self.fn_[g.1 as usize] += 1;
            }
        }
    }

    pub fn merge(&mut self, other: &Scores) {
        for k in 0..3 {
            self.tp[k] += other.tp[k];
            self.fp[k] += other.fp[k];
            self.fn_[k] += other.fn_[k];
        }
    }

    /// (precision, recall, F1) of one kind, or of all (None).
    pub fn prf(&self, kind: Option<usize>) -> (f64, f64, f64) {
        let sum = |a: &[usize; 3]| kind.map_or(a.iter().sum(), |k| a[k]) as f64;
        let (tp, fp, fn_) = (sum(&self.tp), sum(&self.fp), sum(&self.fn_));
        let p = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
        let r = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
        let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        (p, r, f)
    }

    pub fn f1(&self) -> f64 {
        self.prf(None).2
    }

    /// The 95 % interval of overall F1 when the sentences are drawn again
    /// with replacement (bootstrap): how much the figure owes to which
    /// sentences happened to be held out.
    pub fn f1_interval(per_sentence: &[Scores]) -> (f64, f64) {
        let f1s: Vec<f64> = bootstrap_f1(&[per_sentence]).into_iter().map(|r| r[0]).collect();
        central_95(f1s)
    }

    /// `new`'s overall F1 minus `old`'s (per-sentence scores of the same
    /// sentences), and the 95 % interval of that difference when the
    /// sentences are drawn again with replacement, the same draw for both
    /// (paired bootstrap). An interval that holds 0 is no evidence of a change.
    pub fn f1_gain_interval(new: &[Scores], old: &[Scores]) -> (f64, f64, f64) {
        let gains: Vec<f64> = bootstrap_f1(&[new, old]).into_iter().map(|r| r[0] - r[1]).collect();
        let (lo, hi) = central_95(gains);
        (Scores::total(new).f1() - Scores::total(old).f1(), lo, hi)
    }

    /// The sum of per-sentence scores.
    pub fn total(per_sentence: &[Scores]) -> Scores {
        per_sentence.iter().fold(Scores::default(), |mut sum, s| {
            sum.merge(s);
            sum
        })
    }

    /// A table: per kind and overall P, R, F1 and counts.
    pub fn table(&self) -> String {
        let mut s = String::from("type      precision  recall     F1      gold  predicted\n");
        for (k, name) in KIND_LABELS.iter().enumerate() {
            let (p, r, f) = self.prf(Some(k));
            let gold = self.tp[k] + self.fn_[k];
            let pred = self.tp[k] + self.fp[k];
            s.push_str(&format!("{name:<8}  {p:>9.4}  {r:>6.4}  {f:>6.4}  {gold:>6}  {pred:>9}\n"));
        }
        let (p, r, f) = self.prf(None);
        let gold: usize = (0..3).map(|k| self.tp[k] + self.fn_[k]).sum();
        let pred: usize = (0..3).map(|k| self.tp[k] + self.fp[k]).sum();
        s.push_str(&format!("{:<8}  {p:>9.4}  {r:>6.4}  {f:>6.4}  {gold:>6}  {pred:>9}\n", "overall"));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bio_labels_become_the_same_names_in_bioes() {
        use crate::pipeline::ner::model::tags::{begin, end, inside, single};
        // 张三 | 京 | 北京 right after it | a stray I-ORG | O
        let bio = [
            Some((true, 0)),
            Some((false, 0)),
            Some((true, 1)),
            Some((true, 1)),
            Some((false, 1)),
            Some((false, 2)),
            None,
        ];
        let tags = from_bio(&bio);
        assert_eq!(tags, [begin(0), end(0), single(1), begin(1), end(1), single(2), O]);
        assert_eq!(crate::pipeline::ner::model::decode::spans(&tags), vec![(0..2, 0), (2..3, 1), (3..5, 1), (5..6, 2)]);
        assert_eq!(from_bio(&[Some((true, 2)), Some((false, 2)), Some((false, 2))]), [begin(2), inside(2), end(2)]);
    }

    fn sentence(tp: usize, fp: usize, fn_: usize) -> Scores {
        Scores { tp: [tp, 0, 0], fp: [fp, 0, 0], fn_: [fn_, 0, 0] }
    }

    #[test]
    fn f1_interval_holds_the_figure_and_narrows_with_more_sentences() {
        // Half the sentences all right, half all wrong: F1 0.5 overall.
        let few: Vec<Scores> =
            (0..20).map(|i| if i % 2 == 0 { sentence(2, 0, 0) } else { sentence(0, 2, 2) }).collect();
        let many: Vec<Scores> = (0..2000).map(|i| few[i % 20]).collect();
        for v in [&few, &many] {
            let (lo, hi) = Scores::f1_interval(v);
            let f = Scores::total(v).f1();
            assert!(lo <= f && f <= hi, "{lo} <= {f} <= {hi}");
        }
        let width = |v: &[Scores]| {
            let (lo, hi) = Scores::f1_interval(v);
            hi - lo
        };
        assert!(width(&many) < width(&few) / 3.0, "{} vs {}", width(&many), width(&few));
        // Every sentence alike: no spread at all.
        let same = vec![sentence(3, 1, 1); 50];
        let (lo, hi) = Scores::f1_interval(&same);
        assert_eq!(lo, hi);
    }

    #[test]
    fn paired_gain_interval_sees_a_change_that_the_separate_intervals_hide() {
        // Mixed sentences (good, bad and middling ones), scored by two systems
        // that differ only in a few sentences out of many.
        let old: Vec<Scores> =
            (0..2000).map(|i| [sentence(3, 0, 0), sentence(0, 2, 3), sentence(2, 1, 1)][i % 3]).collect();
        let mut new = old.clone();
        for s in new.iter_mut().step_by(50) {
            *s = sentence(3, 0, 0);
        }
        let (gain, lo, hi) = Scores::f1_gain_interval(&new, &old);
        assert!(gain > 0.0 && lo > 0.0 && lo <= gain && gain <= hi, "{gain} in ({lo}, {hi})");
        let (old_lo, old_hi) = Scores::f1_interval(&old);
        assert!(old_hi - old_lo > hi - lo, "pairing narrows the interval");
        // The same system against itself: exactly no difference.
        assert_eq!(Scores::f1_gain_interval(&old, &old), (0.0, 0.0, 0.0));
    }
}
