//! `tifa train`: builds models from labelled data.

pub mod data;
pub mod ner;

use std::time::Instant;

use clap::Subcommand;

use crate::pipeline::ner::model::NerModel;

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
        /// jieba-rs 0.11's dict.txt (default: found in the cargo registry).
        #[arg(long)]
        jieba_dict: Option<std::path::PathBuf>,
        /// log2 of the hashed feature table's rows.
        #[arg(long, default_value_t = ner::Config::default().bits)]
        bits: u32,
    },
}

pub fn run(command: TrainCommand) -> Result<(), String> {
    match command {
        TrainCommand::Ner { data, out, epochs, tune, jieba_dict, bits } => {
            if !(10..=22).contains(&bits) {
                return Err(format!("--bits {bits}: expected 10 to 22"));
            }
            let started = Instant::now();
            let config = ner::Config { bits, epochs, jieba_dict, ..Default::default() };
            if tune {
                let mut sums: Vec<data::Scores> = Vec::new();
                for fold in 0..data::TUNE_EVERY {
                    let (_, scores) = ner::train(&data, &ner::Config { tune: Some(fold), ..config.clone() })?;
                    sums.resize(scores.len(), data::Scores::default());
                    for (sum, s) in sums.iter_mut().zip(&scores) {
                        sum.merge(s);
                    }
                }
                for (epoch, s) in sums.iter().enumerate() {
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
                if let Some(last) = sums.last() {
                    println!("last epoch as shipped (quantized, pruned):");
                    print!("{}", last.table());
                }
                return Ok(());
            }
            let (model, _) = ner::train(&data, &config)?;
            let bytes = model.to_bytes();
            // Check what we write reads back the same.
            let back = NerModel::from_bytes(&bytes)?;
            if back.params() != model.params() {
                return Err("model does not read back the same".into());
            }
            if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&out, &bytes).map_err(|e| format!("{}: {e}", out.display()))?;
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
