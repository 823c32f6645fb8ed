//! `tifa eval`: accuracy against labelled data.

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
    },
}

pub fn run(command: EvalCommand, settings: &Settings) -> Result<(), String> {
    match command {
        EvalCommand::Policy { gold, articles } => {
            let _ = (gold, articles, settings);
            Err("not available yet".into())
        }
    }
}
