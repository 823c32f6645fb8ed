//! Trains the PER/LOC/ORG model: a linear-chain CRF (or, for comparison, the
//! averaged perceptron of the earlier models) over the features of
//! [`crate::pipeline::ner::model::features`], Viterbi-decoded. Partly labelled
//! sentences (CLUENER) train on every tag sequence their labels allow.
//! Deterministic: fixed data order, a seeded shuffle, no threads.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::crf::Crf;
use super::data::{self, Scores, Sentence};
use super::perceptron::Perceptron;
use super::weights::{Sample, Transitions, Weights, emissions};
use crate::pipeline::ner::model::decode::{spans, viterbi};
use crate::pipeline::ner::model::features::{Extractor, FEATURES};
use crate::pipeline::ner::model::gazetteer::Gazetteer;
use crate::pipeline::ner::model::tags::{LANES, TAGS, TagSet};
use crate::pipeline::ner::model::{ModelParams, NerModel, parse_names};
use crate::pipeline::segment::Segmenter;

/// Release written into the model file's version string.
pub const MODEL_RELEASE: &str = "tifa-ner 2026.11.7";

#[derive(Debug, Clone)]
pub struct Config {
    pub bits: u32,
    pub epochs: usize,
    pub seed: u64,
    /// Hold out tuning fold k (People's Daily dev sentences i with
    /// i % TUNE_EVERY == k) and score it after every epoch.
    pub tune: Option<usize>,
    /// jieba-rs's dict.txt (default: found in the cargo registry).
    pub jieba_dict: Option<PathBuf>,
    /// Folds for the training-corpus gazetteer (each fold sees names from the others only).
    pub folds: usize,
    /// Fully labelled corpora left out of training (file names), to measure
    /// the model on a corpus it never saw: `tifa eval ner --corpus`.
    pub leave_out: Vec<String>,
    /// How the weights are learnt.
    pub learner: LearnerKind,
    /// The CRF's AdaGrad step size (cross-validated, resources/ner/README.md).
    pub rate: f32,
    /// Training runs, each in its own order (seed, seed + 1, …), whose
    /// weights are averaged: less of one order's noise in the shipped model.
    pub runs: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            // 2^19 rows of 16 lanes: the 16 MiB the BIO model's 2^20 rows of 8
            // took. 2^20 (32 MiB) scored at most 0.2 points more, within the
            // noise, and made the pipeline 11 % slower (fifteenth session).
            bits: 19,
            epochs: 30,
            seed: 20261121,
            tune: None,
            jieba_dict: None,
            folds: 5,
            leave_out: Vec::new(),
            learner: LearnerKind::Crf,
            rate: 0.05,
            runs: 3,
        }
    }
}

/// A sentence ready for training: feature rows per char, gold tags, label mask.
struct Prepared {
    rows: Vec<[u32; FEATURES]>,
    tags: Vec<u8>,
    mask: Option<Vec<TagSet>>,
    /// The stretches the shipped model decodes.
    units: Vec<std::ops::Range<usize>>,
    /// 0 news (People's Daily, MSRA), 1 CLUENER.
    domain: usize,
}

fn prepare(segmenter: &Segmenter, gazetteer: &Gazetteer, s: &Sentence, bits: u32, domain: usize) -> Prepared {
    let view = data::clean_view(&s.text);
    let segments = data::segment(segmenter, &view);
    let ex = Extractor::new(&view, &segments, gazetteer, bits);
    let mut rows = vec![[0u32; FEATURES]; ex.len()];
    for (i, r) in rows.iter_mut().enumerate() {
        ex.features(i, r);
    }
    Prepared { rows, tags: s.tags.clone(), mask: s.mask.clone(), units: ex.units(), domain }
}

impl Prepared {
    fn sample(&self) -> Sample<'_> {
        Sample { rows: &self.rows, tags: &self.tags, mask: self.mask.as_deref(), domain: self.domain }
    }
}

/// How the weights are learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LearnerKind {
    /// Linear-chain CRF, AdaGrad, averaged (the shipped model).
    Crf,
    /// Averaged structured perceptron (models up to 2026.11.2), for comparison.
    Perceptron,
}

enum Learner {
    Perceptron(Perceptron),
    Crf(Crf),
}

impl Learner {
    fn new(config: &Config, domains: usize) -> Self {
        let bits = config.bits;
        match config.learner {
            LearnerKind::Crf => Learner::Crf(Crf::new(bits, domains, config.rate)),
            LearnerKind::Perceptron => Learner::Perceptron(Perceptron { weights: Weights::new(bits, domains) }),
        }
    }

    fn learn(&mut self, p: &Prepared) {
        match self {
            Learner::Perceptron(m) => m.learn(&p.sample()),
            Learner::Crf(m) => m.learn(&p.sample()),
        }
    }

    fn weights(&self) -> &Weights {
        match self {
            Learner::Perceptron(m) => &m.weights,
            Learner::Crf(m) => &m.weights,
        }
    }
}

/// Tags under weights `w` and transitions `t`, a sentence at a time, as the
/// shipped model decodes (its O handicap is in the transitions [`dequantize`]
/// gives; the weights of a training run have none).
fn decode(w: &[[f32; LANES]], t: &Transitions, p: &Prepared) -> Vec<u8> {
    let mut tags = vec![0u8; p.tags.len()];
    for r in &p.units {
        let em = emissions(w, &p.rows[r.clone()]);
        tags[r.clone()].copy_from_slice(&viterbi(&em, t, None, f32::MIN / 4.0));
    }
    tags
}

fn evaluate(w: &[[f32; LANES]], t: &Transitions, set: &[Prepared]) -> Scores {
    let mut scores = Scores::default();
    for p in set {
        scores.add(&spans(&p.tags), &spans(&decode(w, t, p)));
    }
    scores
}

/// Quantized weights smaller than this (of 32767) are dropped: the file
/// shrinks by 40 % (to 3.2 MB); cross-validated F1 moves by −0.001.
const PRUNE: f32 = 300.0;

/// The shipped model's weights back as f32, with the transitions it decodes
/// with (to score it exactly as shipped).
fn dequantize(p: &ModelParams) -> (Vec<[f32; LANES]>, Transitions) {
    let w = p.weights.iter().map(|r| r.map(|v| v as f32)).collect();
    let mut t = [[0f32; TAGS]; TAGS + 1];
    for (to, from) in t.iter_mut().zip(&p.decoding_transitions()) {
        for (a, &b) in to.iter_mut().zip(from) {
            *a = b as f32;
        }
    }
    (w, t)
}

/// Quantizes averaged weights to i16 (one scale for emissions and transitions).
fn quantize(bits: u32, learner: LearnerKind, w: &[[f32; LANES]], t: &Transitions, names: String) -> ModelParams {
    let max = w.iter().flat_map(|r| r.iter()).fold(0f32, |m, v| m.max(v.abs())).max(1e-6);
    let scale = 32767.0 / max;
    let weights = w
        .iter()
        .map(|r| {
            let mut o = [0i16; LANES];
            for k in 0..LANES {
                let q = (r[k] * scale).round().clamp(-32767.0, 32767.0);
                // Tiny weights barely move a score but cost file size.
                o[k] = if q.abs() < PRUNE { 0 } else { q as i16 };
            }
            o
        })
        .collect();
    let mut transitions = [[0i32; TAGS]; TAGS + 1];
    for p in 0..=TAGS {
        for q in 0..TAGS {
            transitions[p][q] = (t[p][q] * scale).round() as i32;
        }
    }
    let version = match learner {
        LearnerKind::Crf => {
            format!("{MODEL_RELEASE} (char BIOES CRF, {FEATURES} hashed feature templates, 2^{bits} rows)")
        }
        // The earlier models' string, so their recipe still rebuilds them byte for byte.
        LearnerKind::Perceptron => {
            format!("tifa-ner 2026.11.2 (char BIOES perceptron, {FEATURES} hashed feature templates, 2^{bits} rows)")
        }
    };
    ModelParams { version, bits, scale, transitions, weights, names }
}

/// One training run, in the order of seed `config.seed + run`: its averaged
/// weights. Scores `tune` after every epoch into `per_epoch`, if given.
fn learn_run(
    config: &Config,
    domains: usize,
    run: usize,
    train: &[Prepared],
    tune: Option<&[Prepared]>,
    per_epoch: &mut Vec<Scores>,
    started: Instant,
) -> (Vec<[f32; LANES]>, Transitions) {
    let mut model = Learner::new(config, domains);
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut seed = config.seed + run as u64;
    for epoch in 1..=config.epochs {
        shuffle(&mut order, &mut seed);
        for &i in &order {
            model.learn(&train[i]);
        }
        if let Some(tune) = tune {
            let (w, t) = model.weights().averaged();
            let s = evaluate(&w, &t, tune);
            per_epoch.push(s);
            let f = |k| s.prf(Some(k)).2;
            eprintln!(
                "epoch {epoch:>2}: tune F1 {:.4} (PER {:.4} LOC {:.4} ORG {:.4})  {:.1}s",
                s.f1(),
                f(0),
                f(1),
                f(2),
                started.elapsed().as_secs_f64()
            );
        } else {
            eprintln!("run {} epoch {epoch:>2} done  {:.1}s", run + 1, started.elapsed().as_secs_f64());
        }
    }
    model.weights().averaged()
}

/// Adds one run's weights to the sums of the earlier runs'.
fn add_into(sw: &mut [[f32; LANES]], st: &mut Transitions, w: &[[f32; LANES]], t: &Transitions) {
    sw.iter_mut().flatten().zip(w.iter().flatten()).for_each(|(x, y)| *x += y);
    st.iter_mut().flatten().zip(t.iter().flatten()).for_each(|(x, y)| *x += y);
}

fn scale_by(w: &mut [[f32; LANES]], t: &mut Transitions, factor: f32) {
    w.iter_mut().flatten().for_each(|x| *x *= factor);
    t.iter_mut().flatten().for_each(|x| *x *= factor);
}

fn shuffle(order: &mut [usize], seed: &mut u64) {
    for i in (1..order.len()).rev() {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let j = ((*seed >> 33) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
}

/// Trains on `dir`'s training corpora; returns the model and, when tuning,
/// the tuning fold's scores after each epoch.
pub fn train(dir: &Path, config: &Config) -> Result<(NerModel, Vec<Scores>), String> {
    let started = Instant::now();
    let segmenter = data::segmenter()?;
    let mut train_sents: Vec<Sentence> = Vec::new();
    let mut tune_sents: Vec<Sentence> = Vec::new();
    let left_out = |name: &str| config.leave_out.iter().any(|l| l == name);
    for name in data::TRAIN_BIO.into_iter().filter(|n| !left_out(n)) {
        let sents = data::read_bio(&dir.join(name))?;
        eprintln!("{name}: {} sentences", sents.len());
        for (i, s) in sents.into_iter().enumerate() {
            if name == data::TUNE_FROM && config.tune.is_some_and(|fold| data::in_tune_fold(i, fold)) {
                tune_sents.push(s);
            } else {
                train_sents.push(s);
            }
        }
    }
    if !left_out(data::SPLIT_FILE) {
        let part = data::read_split(dir, false)?;
        eprintln!("{}: {} sentences", data::TRAIN_PART, part.len());
        train_sents.extend(part);
    }
    let mut cluener_sents = Vec::new();
    for name in data::TRAIN_CLUENER {
        let sents = data::read_cluener(&dir.join(name))?;
        eprintln!("{name}: {} sentences (partly labelled, own domain)", sents.len());
        cluener_sents.extend(sents);
    }
    // Gazetteers: external lists plus the training corpora's names; a
    // training sentence sees only names from the other folds, as a new text
    // sees only names of other texts.
    let external = external_names(config)?;
    // CLUENER follows other conventions: its sentences train their own
    // domain copy of the weights (see Perceptron) besides the shared ones.
    train_sents.extend(cluener_sents);
    let folds = config.folds.max(1);
    let fold_names: Vec<BTreeSet<(usize, String)>> = (0..folds)
        .map(|f| {
            let mut set = BTreeSet::new();
            for (i, s) in train_sents.iter().enumerate() {
                if i % folds != f {
                    add_corpus_names(s, &mut set);
                }
            }
            set
        })
        .collect();
    let mut all_names: BTreeSet<(usize, String)> = external.clone();
    for s in &train_sents {
        add_corpus_names(s, &mut all_names);
    }
    let names_text =
        |set: &BTreeSet<(usize, String)>| set.iter().map(|(l, n)| format!("{l}\t{n}\n")).collect::<String>();
    let classes = char_classes(config)?;
    let gazetteers: Vec<Gazetteer> = fold_names
        .iter()
        .map(|set| {
            let mut g = Gazetteer::new(external.iter().chain(set).map(|(l, n)| (n.as_str(), *l)));
            g.set_char_classes(&classes);
            g
        })
        .collect();
    let names = names_text(&all_names) + &classes;
    let mut full = Gazetteer::new(parse_names(&names));
    full.set_char_classes(&classes);
    eprintln!("gazetteer: {} names ({} from lists and jieba)", full.len(), external.len());
    let train: Vec<Prepared> = train_sents
        .iter()
        .enumerate()
        .map(|(i, s)| prepare(&segmenter, &gazetteers[i % folds], s, config.bits, s.domain))
        .collect();
    let tune: Vec<Prepared> = tune_sents.iter().map(|s| prepare(&segmenter, &full, s, config.bits, 0)).collect();
    eprintln!(
        "training on {} sentences ({} chars){}; features ready in {:.1}s",
        train.len(),
        train.iter().map(|p| p.tags.len()).sum::<usize>(),
        if config.tune.is_some() { format!(", tuning on {} held back", tune.len()) } else { String::new() },
        started.elapsed().as_secs_f64()
    );
    let domains = train_sents.iter().map(|s| s.domain + 1).max().unwrap_or(1);
    // Each run learns in its own order; the tuning fold is scored on the
    // last run's epochs (the runs learn alike).
    let runs = config.runs.max(1);
    let mut per_epoch = Vec::new();
    let scored = |run: usize| if run + 1 == runs && config.tune.is_some() { Some(&tune[..]) } else { None };
    let (mut w, mut t) = learn_run(config, domains, 0, &train, scored(0), &mut per_epoch, started);
    for run in 1..runs {
        let (rw, rt) = learn_run(config, domains, run, &train, scored(run), &mut per_epoch, started);
        add_into(&mut w, &mut t, &rw, &rt);
    }
    scale_by(&mut w, &mut t, 1.0 / runs as f32);
    let params = quantize(config.bits, config.learner, &w, &t, names);
    if config.tune.is_some() {
        // The last epoch scored as shipped: quantized and pruned.
        let (qw, qt) = dequantize(&params);
        let s = evaluate(&qw, &qt, &tune);
        eprintln!("as shipped (quantized, pruned): tune F1 {:.4}", s.f1());
        if let Some(last) = per_epoch.last_mut() {
            *last = s;
        }
    }
    if config.tune.is_some() && std::env::var_os("NER_DEBUG").is_some() {
        for (p, s) in tune.iter().zip(&tune_sents) {
            let tags = decode(&w, &t, p);
            let (g, q) = (spans(&p.tags), spans(&tags));
            let chars: Vec<char> = s.text.chars().collect();
            let show = |x: &(std::ops::Range<usize>, u8)| {
                format!("{}/{}", chars[x.0.clone()].iter().collect::<String>(), data::KIND_LABELS[x.1 as usize])
            };
            for x in g.iter().filter(|x| !q.contains(x)) {
                let overl = |y: &&(std::ops::Range<usize>, u8)| y.0.start < x.0.end && x.0.start < y.0.end;
                let cat = if q.iter().any(|y| y.0 == x.0) {
                    "type"
                } else if q.iter().filter(overl).any(|y| y.1 == x.1) {
                    "boundary"
                } else if q.iter().any(|y| overl(&y)) {
                    "type+boundary"
                } else {
                    "missed"
                };
                eprintln!("CAT {} {cat} {}", data::KIND_LABELS[x.1 as usize], show(x));
            }
            for x in q.iter().filter(|x| !g.contains(x)) {
                let overl = |y: &&(std::ops::Range<usize>, u8)| y.0.start < x.0.end && x.0.start < y.0.end;
                if !g.iter().any(|y| overl(&y)) {
                    eprintln!("CAT {} spurious {}", data::KIND_LABELS[x.1 as usize], show(x));
                }
            }
            let missed: Vec<String> = g.iter().filter(|x| !q.contains(x)).map(show).collect();
            let wrong: Vec<String> = q.iter().filter(|x| !g.contains(x)).map(show).collect();
            if !missed.is_empty() || !wrong.is_empty() {
                let segs = data::segment(&segmenter, &data::clean_view(&s.text));
                let view = data::clean_view(&s.text);
                let toks: Vec<String> = segs.iter().map(|x| format!("{}/{}", &view[x.span.clone()], x.pos)).collect();
                eprintln!("MISS {missed:?} FALSE {wrong:?}\n   {}", toks.join(" "));
            }
        }
    }
    Ok((NerModel::from_params(params), per_epoch))
}

/// Curated lists shipped in resources/ner/ (`PER|LOC|ORG<TAB>name`), with
/// their file names for errors: leaders, bodies and places of names.txt, the
/// places of China and the world in places.txt, well-known persons in
/// persons.txt, and schools, media, companies, parties and other bodies in
/// organizations.txt.
const CURATED_LISTS: [(&str, &str); 4] = [
    ("resources/ner/names.txt", include_str!("../../../resources/ner/names.txt")),
    ("resources/ner/places.txt", include_str!("../../../resources/ner/places.txt")),
    ("resources/ner/persons.txt", include_str!("../../../resources/ner/persons.txt")),
    ("resources/ner/organizations.txt", include_str!("../../../resources/ner/organizations.txt")),
];

fn list_of(kind: &str) -> Option<usize> {
    data::kind_index(kind).map(usize::from)
}

/// Names of the curated lists (lists 0..3).
fn curated_names() -> Result<BTreeSet<(usize, String)>, String> {
    let mut set = BTreeSet::new();
    for (file, text) in CURATED_LISTS {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let (kind, name) = line.split_once('\t').ok_or_else(|| format!("{file}: no tab in {line:?}"))?;
            let list = list_of(kind.trim()).ok_or_else(|| format!("{file}: bad kind in {line:?}"))?;
            set.insert((list, name.trim().to_string()));
        }
    }
    Ok(set)
}

/// Names of the curated lists (lists 0..3) and of jieba's dictionary (3..6).
fn external_names(config: &Config) -> Result<BTreeSet<(usize, String)>, String> {
    let mut set = curated_names()?;
    let path = match &config.jieba_dict {
        Some(p) => p.clone(),
        None => find_jieba_dict()?,
    };
    let dict = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    for line in dict.lines() {
        let mut parts = line.split_whitespace();
        let (Some(word), Some(_freq), Some(tag)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let list = match tag {
            "nr" | "nrt" | "nrfg" => 3,
            "ns" => 4,
            "nt" => 5,
            _ => continue,
        };

        set.insert((list, word.to_string()));
    }
    Ok(set)
}

/// Char classes (`C<TAB>char<TAB>code` lines) from jieba's dictionary: how
/// often each char begins or continues a person name, and so on.
fn char_classes(config: &Config) -> Result<String, String> {
    let path = match &config.jieba_dict {
        Some(p) => p.clone(),
        None => find_jieba_dict()?,
    };
    let dict = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut counts: std::collections::BTreeMap<char, ([u32; 8], u32)> = Default::default();
    for line in dict.lines() {
        let mut parts = line.split_whitespace();
        let (Some(word), Some(_freq), Some(tag)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let chars: Vec<char> = word.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let e = counts.entry(c).or_default();
            e.1 += 1;
            let last = i + 1 == chars.len();
            let k = match tag {
                "nr" | "nrfg" if (2..=4).contains(&chars.len()) && i == 0 => Some(0),
                "nr" | "nrfg" if (2..=4).contains(&chars.len()) => Some(1),
                "nrt" => Some(2),
                "ns" if last => Some(3),
                "ns" => Some(4),
                "nt" if last => Some(5),
                "nt" if i == 0 => Some(6),
                "nt" => Some(7),
                _ => None,
            };
            if let Some(k) = k {
                e.0[k] += 1;
            }
        }
    }
    let mut out = String::new();
    for (c, (k, all)) in counts {
        let code = crate::pipeline::ner::model::gazetteer::char_class_code(&k, all);
        if code != 0 {
            out.push_str(&format!("C\t{c}\t{code}\n"));
        }
    }
    Ok(out)
}

/// jieba-rs 0.11's dictionary in the cargo registry.
fn find_jieba_dict() -> Result<PathBuf, String> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .ok_or("no CARGO_HOME or HOME: pass --jieba-dict")?;
    let src = home.join("registry").join("src");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&src)
        .map_err(|e| format!("{}: {e} (pass --jieba-dict)", src.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("jieba-rs-0.11.0/src/data/dict.txt"))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found
        .into_iter()
        .next()
        .ok_or_else(|| format!("jieba-rs-0.11.0/src/data/dict.txt not under {} (pass --jieba-dict)", src.display()))
}

fn add_corpus_names(s: &Sentence, set: &mut BTreeSet<(usize, String)>) {
    let chars: Vec<char> = s.text.chars().map(crate::pipeline::ner::model::features::fold).collect();
    for (r, kind) in s.entities() {
        set.insert((kind as usize, chars[r].iter().collect()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runs_weights_are_averaged() {
        let mut w = vec![[1.0; LANES], [-2.0; LANES]];
        let mut t = [[0.5; TAGS]; TAGS + 1];
        add_into(&mut w, &mut t, &[[3.0; LANES], [0.0; LANES]], &[[1.5; TAGS]; TAGS + 1]);
        scale_by(&mut w, &mut t, 0.5);
        assert_eq!(w, vec![[2.0; LANES], [-1.0; LANES]]);
        assert_eq!(t, [[1.0; TAGS]; TAGS + 1]);
    }

    #[test]
    fn the_curated_lists_parse_and_keep_common_words_out() {
        let names = curated_names().expect("resources/ner/*.txt parse");
        let location = list_of("LOC").unwrap();
        // A county by its full and its short name, a district abroad, a leader.
        for (list, name) in
            [(location, "如东县"), (location, "如东"), (location, "信德省"), (list_of("PER").unwrap(), "陈吉宁")]
        {
            assert!(names.contains(&(list, name.to_string())), "{name} is listed");
        }
        // Counties whose short names are common words (惠民县, 光泽县) are listed
        // by their full names only.
        for word in ["惠民", "光泽", "新建", "公安"] {
            assert!(!names.contains(&(location, word.to_string())), "{word} is a common word");
        }
        // Persons of history and of the world; a common word and a company are not.
        let person = list_of("PER").unwrap();
        for name in ["白居易", "克林顿"] {
            assert!(names.contains(&(person, name.to_string())), "{name} is listed");
        }
        for word in ["老子", "商汤"] {
            assert!(!names.contains(&(person, word.to_string())), "{word} is not listed as a person");
        }
        // Organizations by full and short name; short names that match inside common
        // phrases (北大 in 东北大学, 民进 in 人民进行) are not listed.
        let organization = list_of("ORG").unwrap();
        for name in ["西安交通大学", "西安交大", "中国石油天然气集团", "德国社会民主党"] {
            assert!(names.contains(&(organization, name.to_string())), "{name} is listed");
        }
        for word in ["北大", "民进", "海信"] {
            assert!(!names.contains(&(organization, word.to_string())), "{word} is not listed");
        }
        assert!(names.iter().all(|(_, name)| name.chars().count() >= 2), "no one-char names");
    }
}
