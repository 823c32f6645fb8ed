//! `tifa eval`: accuracy against labelled data. Each kind has its own module.

use std::path::PathBuf;

use clap::Subcommand;

use crate::settings::Settings;

#[derive(Subcommand)]
pub enum EvalCommand {
    /// Policy phrases: exact-span P/R/F1 against a gold JSONL (articles.gold.jsonl format).
    Policy {
        /// Gold file, e.g. ../shared/data/policy/articles.gold.jsonl
        #[arg(long)]
        gold: PathBuf,
        /// Folder with the documents named in the gold file, e.g. ../shared/articles
        #[arg(long)]
        articles: PathBuf,
        /// Measure shape discovery alone: run with an empty lexicon.
        #[arg(long)]
        discovery_only: bool,
    },
    /// Named entities: exact span+type P/R/F1 per type on the held-out split.
    Ner {
        /// Folder with the NER corpora, e.g. ../shared/data/ner
        #[arg(long)]
        data: PathBuf,
        /// Also write each error of the whole annotator to this file, one per
        /// line: `FN|FP<TAB>PER|LOC|ORG<TAB>span<TAB>sentence`; `OVER<TAB>kind<TAB>span`
        /// for a rule entity of another type over a gold name the annotator missed;
        /// `LOST<TAB>PER|LOC|ORG<TAB>span<TAB>sentence` for a gold name the bare model
        /// found and the annotator did not.
        #[arg(long)]
        errors: Option<PathBuf>,
        /// Score this whole corpus of the data folder instead of the held-out
        /// split (msra.part.bio, peoples_daily.dev.bio): only meaningful with a
        /// --model trained with `tifa train ner --leave-out` that corpus.
        #[arg(long, requires = "model", value_parser = ["msra.part.bio", "peoples_daily.dev.bio"])]
        corpus: Option<String>,
        /// A model file (from `tifa train ner --out`) instead of the embedded one.
        #[arg(long)]
        model: Option<PathBuf>,
        /// A second model file scored on the same sentences: prints the F1
        /// difference with its 95 % paired bootstrap interval (is a change real?).
        #[arg(long)]
        baseline: Option<PathBuf>,
        /// Instead of --baseline: the --errors list another build wrote on
        /// the same sentences (for a model this build cannot load, e.g. an
        /// older model format). Compares the whole annotator only.
        #[arg(long, conflicts_with = "baseline")]
        baseline_errors: Option<PathBuf>,
    },
    /// Segmentation: word P/R/F1 on the SIGHAN 2005 MSR test set.
    Seg {
        /// Folder with msr_test.utf8 and msr_test_gold.utf8, e.g. ../shared/data/seg
        #[arg(long)]
        data: PathBuf,
    },
}

pub fn run(command: EvalCommand, settings: &Settings) -> Result<(), String> {
    match command {
        EvalCommand::Policy { gold, articles, discovery_only } => {
            super::eval_policy::run(&gold, &articles, discovery_only, settings)
        }
        EvalCommand::Ner { data, errors, corpus, model, baseline, baseline_errors } => {
            let target = super::eval_ner::Target {
                corpus: corpus.as_deref(),
                model: model.as_deref(),
                baseline: baseline.as_deref(),
                baseline_errors: baseline_errors.as_deref(),
            };
            super::eval_ner::run(&data, &target, errors.as_deref(), settings)
        }
        EvalCommand::Seg { data } => super::eval_seg::run(&data, settings),
    }
}
