//! `tifa eval ner`: exact span+type precision, recall and F1 of PER/LOC/ORG on
//! the held-out split (People's Daily test), for the whole annotator (rules
//! and model merged; other entity types ignored) and for the bare model.

use std::ops::Range;
use std::path::Path;
use std::time::Instant;

use super::calibration::Calibration;
use super::error_list;
use super::train::data::{self, Scores};
use crate::pipeline::ner::EntityRecognizer;
use crate::pipeline::ner::model::NerModel;
use crate::pipeline::segment::Segmenter;
use crate::pipeline::types::{Entity, EntityKind};
use crate::pipeline::{AnnotateOptions, Annotator, BoilerplateMode, Features};
use crate::resources::{load_annotator, load_annotator_with};
use crate::settings::Settings;

/// What `tifa eval ner` scores: the held-out split with the embedded model by
/// default; a whole corpus with a model trained without it, for a figure on
/// a corpus the model never saw.
pub struct Target<'a> {
    pub corpus: Option<&'a str>,
    pub model: Option<&'a Path>,
    /// Another model file scored on the same sentences: the difference and
    /// its paired bootstrap interval tell a real change from chance.
    pub baseline: Option<&'a Path>,
    /// Or the error list (`--errors`) of another build on the same
    /// sentences, for a model this build cannot load: the same comparison,
    /// of the whole annotator only (the list holds only its errors).
    pub baseline_errors: Option<&'a Path>,
}

/// One sentence scored: the bare model's and the whole annotator's scores,
/// the PER/LOC/ORG (char ranges, kinds) of each, and every entity the
/// annotator found.
struct Scored {
    bare: Scores,
    full: Scores,
    bare_names: Vec<(Range<usize>, u8)>,
    names: Vec<(Range<usize>, u8)>,
    entities: Vec<Entity>,
}

pub fn run(dir: &Path, target: &Target, errors: Option<&Path>, settings: &Settings) -> Result<(), String> {
    let (sentences, what) = match target.corpus {
        Some(name) => (data::read_bio(&dir.join(name))?, format!("whole corpus {name}")),
        None => (data::read_split(dir, true)?, format!("held-out split: {}", data::HELD_OUT)),
    };
    let gold_entities: usize = sentences.iter().map(|s| s.entities().len()).sum();
    println!(
        "{what} ({} sentences, {} chars, {} PER/LOC/ORG entities)",
        sentences.len(),
        sentences.iter().map(|s| s.tags.len()).sum::<usize>(),
        gold_entities
    );
    let annotator = match target.model {
        Some(path) => {
            println!("model file: {} (trained on what its `tifa train ner` command line named)", path.display());
            annotator_with_model_file(path, settings)?
        }
        None => {
            println!("held out: never used for training or tuning");
            println!(
                "trained on: {} (news domain) + {} (partly labelled, own domain copy of the weights; see resources/ner/README.md)",
                data::TRAIN_BIO.join(" + ") + " + " + data::TRAIN_PART,
                data::TRAIN_CLUENER.join(" + ")
            );
            load_annotator(&settings.resources).map_err(|e| e.to_string())?
        }
    };
    println!("model: {}", annotator.entity_recognizer().model().version());
    let baseline = match target.baseline {
        Some(path) => {
            let baseline = annotator_with_model_file(path, settings)?;
            println!("baseline: {} ({})", path.display(), baseline.entity_recognizer().model().version());
            Some(baseline)
        }
        None => None,
    };
    let listed_baseline = match target.baseline_errors {
        Some(path) => {
            let list = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("baseline: the errors listed in {}", path.display());
            Some(error_list::read_scores(&list, &sentences).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        None => None,
    };
    let segmenter = data::segmenter()?;

    // Per sentence: the annotator's and the bare model's scores, and the baseline's.
    let (mut full, mut bare) = (Vec::with_capacity(sentences.len()), Vec::with_capacity(sentences.len()));
    let (mut baseline_full, mut baseline_bare) = (Vec::new(), Vec::new());
    let started = Instant::now();
    let mut overridden = std::collections::BTreeMap::new();
    let mut error_lines = String::new();
    let mut calibration = Calibration::default();
    for s in &sentences {
        let gold = s.entities();
        let scored = score(&annotator, &segmenter, s);
        full.push(scored.full);
        bare.push(scored.bare);
        if let Some(baseline) = &baseline {
            let b = score(baseline, &segmenter, s);
            baseline_full.push(b.full);
            baseline_bare.push(b.bare);
        }
        for (name, confidence) in names_of(&s.text, &scored.entities) {
            calibration.add(confidence, gold.contains(&name));
        }
        let chars_at = char_index(&s.text);
        for e in &scored.entities {
            let span = chars_at(e.span.start)..chars_at(e.span.end);
            let missed_under =
                |g: &(Range<usize>, u8)| g.0.start < span.end && span.start < g.0.end && !scored.names.contains(g);
            if kind_index(e.kind).is_none() && gold.iter().any(missed_under) {
                *overridden.entry(format!("{:?}", e.kind)).or_insert(0usize) += 1;
                if errors.is_some() {
                    error_lines.push_str(&format!("OVER\t{:?}\t{}\n", e.kind, &s.text[e.span.clone()]));
                }
            }
        }
        if errors.is_some() {
            error_list::write_errors(&s.text, &gold, &scored.names, &scored.bare_names, &mut error_lines);
        }
    }
    println!("\nannotator (rules + model, entities restricted to PER/LOC/ORG), exact span and type:");
    print_scores(&full);
    if !overridden.is_empty() {
        let list: Vec<String> = overridden.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!("(rule entities of other types over a gold PER/LOC/ORG the annotator missed: {})", list.join(", "));
    }
    println!("\nconfidence of the annotator's PER/LOC/ORG against the share of them that is right:");
    print!("{}", calibration.table());
    println!("\nbare model (NerModel::predict on the cleaned view and jieba tokens), exact span and type:");
    print_scores(&bare);
    let comparisons = match (&baseline, &listed_baseline) {
        (Some(_), _) => vec![("annotator", &full, &baseline_full), ("bare model", &bare, &baseline_bare)],
        (None, Some(listed)) => vec![("annotator", &full, listed)],
        (None, None) => vec![],
    };
    if !comparisons.is_empty() {
        println!(
            "\nagainst the baseline, overall F1 (this − baseline; 95 % interval, paired bootstrap over sentences):"
        );
        for (label, mine, theirs) in comparisons {
            let (gain, lo, hi) = Scores::f1_gain_interval(mine, theirs);
            println!("{label:<10}  {gain:+.4}  ({lo:+.4} to {hi:+.4})");
        }
    }
    println!("\n({:.1}s)", started.elapsed().as_secs_f64());
    if let Some(path) = errors {
        std::fs::write(path, error_lines).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("errors of the annotator written to {}", path.display());
    }
    Ok(())
}

/// The annotator with the NER model of a file (from `tifa train ner --out`).
fn annotator_with_model_file(path: &Path, settings: &Settings) -> Result<Annotator, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let model = NerModel::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    load_annotator_with(&settings.resources, EntityRecognizer::new(model)).map_err(|e| e.to_string())
}

/// One corpus sentence through the bare model and the whole annotator.
fn score(annotator: &Annotator, segmenter: &Segmenter, s: &data::Sentence) -> Scored {
    let gold = s.entities();
    // The bare model on the view and tokens the pipeline gives it.
    let view = data::clean_view(&s.text);
    let segments = data::segment(segmenter, &view);
    let chars_at = char_index(&view);
    let bare_names: Vec<_> = annotator
        .entity_recognizer()
        .model()
        .predict(&view, &segments)
        .into_iter()
        .map(|e| (chars_at(e.span.start)..chars_at(e.span.end), kind_index(e.kind).unwrap_or(0)))
        .collect();
    let mut bare = Scores::default();
    bare.add(&gold, &bare_names);
    // The whole annotator on the text as the corpus has it.
    let (names, entities) = annotator_names(annotator, &s.text);
    let mut full = Scores::default();
    full.add(&gold, &names);
    Scored { bare, full, bare_names, names, entities }
}

/// The table of the summed scores, and the bootstrap interval of overall F1.
fn print_scores(per_sentence: &[Scores]) {
    print!("{}", Scores::total(per_sentence).table());
    let (lo, hi) = Scores::f1_interval(per_sentence);
    println!("overall F1, 95 % interval over resampled sentences (bootstrap, 1000 rounds): {lo:.4} to {hi:.4}");
}

/// What the whole annotator finds in a corpus sentence: its PER/LOC/ORG as
/// char ranges and kinds (0 PER, 1 LOC, 2 ORG), and every entity it found.
pub fn annotator_names(annotator: &Annotator, text: &str) -> (Vec<(Range<usize>, u8)>, Vec<Entity>) {
    let options = AnnotateOptions {
        features: Features { entities: true, ..Features::NONE },
        // Corpus sentences are all article text; never drop any as boilerplate.
        boilerplate: BoilerplateMode::Mark,
        ..Default::default()
    };
    let all = annotator.annotate(text, &options).entities;
    let names = names_of(text, &all).map(|(name, _)| name).collect();
    (names, all)
}

/// The PER/LOC/ORG among `entities` of `text`, names nested in a title, a
/// meeting or a position included (the client gets those too): char range
/// and kind (0 PER, 1 LOC, 2 ORG), and confidence.
fn names_of<'a>(text: &str, entities: &'a [Entity]) -> impl Iterator<Item = ((Range<usize>, u8), f32)> + 'a {
    let chars_at = char_index(text);
    entities
        .iter()
        .flat_map(|e| std::iter::once(e).chain(&e.nested))
        .filter_map(move |e| Some(((chars_at(e.span.start)..chars_at(e.span.end), kind_index(e.kind)?), e.confidence)))
}

fn kind_index(kind: EntityKind) -> Option<u8> {
    match kind {
        EntityKind::Person => Some(0),
        EntityKind::Location => Some(1),
        EntityKind::Organization => Some(2),
        _ => None,
    }
}

/// Byte offset → char index in `text` (offsets inside a char count as that char).
fn char_index(text: &str) -> impl Fn(usize) -> usize + use<> {
    let mut at = vec![0usize; text.len() + 1];
    let mut n = 0;
    for (b, slot) in at.iter_mut().enumerate() {
        *slot = n;
        if b < text.len() && text.is_char_boundary(b + 1) {
            n += 1;
        }
    }
    move |byte: usize| at[byte.min(at.len() - 1)]
}
