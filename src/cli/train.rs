//! `tifa train`: builds models from labelled data.

pub mod crf;
pub mod data;
pub mod ner;
pub mod perceptron;
pub mod weights;

use std::path::Path;
use std::time::Instant;

use clap::Subcommand;

use crate::pipeline::ner::EntityRecognizer;
use crate::pipeline::ner::model::NerModel;
use crate::settings::Settings;

/// 5-fold cross-validation over People's Daily dev: the model's F1 after
/// each epoch (pooled over the folds), then the whole annotator's with each
/// fold's last model. Folds kept in `fold_models` are loaded, not trained
/// (and give no per-epoch figures).
fn cross_validate(data: &Path, config: &ner::Config, fold_models: Option<&Path>) -> Result<(), String> {
    // Per-epoch sums; None once a fold was loaded instead of trained.
    let mut epochs: Option<Vec<data::Scores>> = Some(Vec::new());
    let mut annotator = data::Scores::default();
    for fold in 0..data::TUNE_EVERY {
        let kept = fold_models.map(|dir| dir.join(format!("fold{fold}.bin")));
        let model = match kept.as_ref().filter(|path| path.exists()) {
            Some(path) => {
                epochs = None;
                NerModel::from_bytes(&read(path)?)?
            }
            None => {
                let (model, scores) = ner::train(data, &ner::Config { tune: Some(fold), ..config.clone() })?;
                if let Some(path) = &kept {
                    write(path, &model.to_bytes())?;
                }
                if let Some(sums) = epochs.as_mut() {
                    sums.resize(scores.len(), data::Scores::default());
                    sums.iter_mut().zip(&scores).for_each(|(sum, s)| sum.merge(s));
                }
                model
            }
        };
        annotator.merge(&annotator_scores(model, &data::read_tune_fold(data, fold)?)?);
    }
    for (epoch, s) in epochs.iter().flatten().enumerate() {
        let f = |k| s.prf(Some(k)).2;
        println!(
            "epoch {:>2}: cross-validated F1 {:.4} (PER {:.4} LOC {:.4} ORG {:.4})",
            epoch + 1,
            s.f1(),
            f(0),
            f(1),
            f(2)
        );
    }
    if let Some(last) = epochs.iter().flatten().last() {
        println!("last epoch as shipped (quantized, pruned):");
        print!("{}", last.table());
    }
    println!("whole annotator (rules + the last epoch's model), as `tifa eval ner` scores it:");
    print!("{}", annotator.table());
    Ok(())
}

/// Exact PER/LOC/ORG scores of the whole annotator (rules and names merged,
/// as `tifa eval ner` scores it) with `model` as its entity model.
fn annotator_scores(model: NerModel, sentences: &[data::Sentence]) -> Result<data::Scores, String> {
    let settings = Settings::load(None, &Default::default()).map_err(|e| e.to_string())?;
    let annotator = crate::resources::load_annotator_with(&settings.resources, EntityRecognizer::new(model))
        .map_err(|e| e.to_string())?;
    let mut scores = data::Scores::default();
    for s in sentences {
        scores.add(&s.entities(), &super::eval_ner::annotator_names(&annotator, &s.text).0);
    }
    Ok(scores)
}

#[derive(Subcommand)]
pub enum TrainCommand {
    /// Train the PER/LOC/ORG model (deterministic; the held-out split is never read).
    Ner {
        /// Folder with the NER corpora, e.g. ../shared/data/ner
        #[arg(long)]
        data: std::path::PathBuf,
        /// Where to write the model.
        #[arg(long, default_value = "resources/ner/model.bin")]
        out: std::path::PathBuf,
        /// Passes over the training data.
        #[arg(long, default_value_t = ner::Config::default().epochs)]
        epochs: usize,
        /// Tuning run: 5-fold cross-validation over People's Daily dev (each fold
        /// trained on everything else), F1 after each epoch; writes no model.
        #[arg(long)]
        tune: bool,
        /// With --tune: keep each fold's model in this folder, and on later runs
        /// load it instead of training, to score changes to the rules quickly.
        /// Empty the folder after changing the model or its training.
        #[arg(long, requires = "tune")]
        fold_models: Option<std::path::PathBuf>,
        /// jieba-rs 0.11's dict.txt (default: found in the cargo registry).
        #[arg(long)]
        jieba_dict: Option<std::path::PathBuf>,
        /// log2 of the hashed feature table's rows.
        #[arg(long, default_value_t = ner::Config::default().bits)]
        bits: u32,
        /// Leave this fully labelled corpus out of training (repeatable):
        /// msra.part.bio, peoples_daily.dev.bio, or peoples_daily.test.bio (its
        /// training half). Then `tifa eval ner --corpus FILE --model OUT`
        /// scores the model on a corpus it never saw.
        #[arg(long, conflicts_with = "tune", value_parser = ["msra.part.bio", "peoples_daily.dev.bio", "peoples_daily.test.bio"])]
        leave_out: Vec<String>,
        /// Seed of the first run's training order (run k uses SEED + k).
        /// Another seed gives another model of the same quality: how far
        /// held-out F1 moves with it is the noise any change to the model
        /// must beat (resources/ner/README.md).
        #[arg(long, default_value_t = ner::Config::default().seed)]
        seed: u64,
        /// How the weights are learnt: the CRF ships; the perceptron rebuilds
        /// the models up to 2026.11.2, for comparison.
        #[arg(long, value_enum, default_value_t = ner::Config::default().learner)]
        learner: ner::LearnerKind,
        /// The CRF's AdaGrad step size.
        #[arg(long, default_value_t = ner::Config::default().rate)]
        rate: f32,
        /// Train this many times, each in its own order (seeds SEED, SEED+1,
        /// …), and ship the mean of their weights.
        #[arg(long, default_value_t = ner::Config::default().runs)]
        runs: usize,
    },
}

pub fn run(command: TrainCommand) -> Result<(), String> {
    match command {
        TrainCommand::Ner {
            data,
            out,
            epochs,
            tune,
            fold_models,
            jieba_dict,
            bits,
            leave_out,
            seed,
            learner,
            rate,
            runs,
        } => {
            if !(10..=22).contains(&bits) {
                return Err(format!("--bits {bits}: expected 10 to 22"));
            }
            if !(rate.is_finite() && rate > 0.0) {
                return Err(format!("--rate {rate}: expected a positive step size"));
            }
            if !(1..=16).contains(&runs) {
                return Err(format!("--runs {runs}: expected 1 to 16"));
            }
            let started = Instant::now();
            let config =
                ner::Config { bits, epochs, seed, jieba_dict, leave_out, learner, rate, runs, ..Default::default() };
            if tune {
                return cross_validate(&data, &config, fold_models.as_deref());
            }
            let (model, _) = ner::train(&data, &config)?;
            let bytes = model.to_bytes();
            // Check what we write reads back the same.
            let back = NerModel::from_bytes(&bytes)?;
            if back.params() != model.params() {
                return Err("model does not read back the same".into());
            }
            write(&out, &bytes)?;
            eprintln!(
                "wrote {} ({} bytes, version \"{}\") in {:.1}s",
                out.display(),
                bytes.len(),
                model.version(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes `bytes` to `path`, creating its folder.
fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}
