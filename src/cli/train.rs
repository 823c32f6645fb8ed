//! `tifa train`: builds models from labelled data (being built).

use clap::Subcommand;

#[derive(Subcommand)]
pub enum TrainCommand {
    /// Train the PER/LOC/ORG model.
    Ner {
        /// Folder with the NER corpora, e.g. ../shared/data/ner
        #[arg(long)]
        data: std::path::PathBuf,
        /// Where to write the model.
        #[arg(long, default_value = "resources/ner/model.bin")]
        out: std::path::PathBuf,
    },
}

pub fn run(command: TrainCommand) -> Result<(), String> {
    match command {
        TrainCommand::Ner { .. } => Err("`tifa train ner` is not available yet".into()),
    }
}
