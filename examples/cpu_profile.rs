//! Repeats one pipeline stage over the fixture articles, for CPU-time
//! comparisons under `/usr/bin/time` or `perf` (criterion's wall time is noisy
//! on a shared machine). cargo run --release --example cpu_profile -- STAGE N
//! (STAGE: jieba, clean, structure, policy, tokens, mark, all, empty-model).
//! `empty-model` runs everything with an NER model whose weight table is four
//! rows (it finds nothing): against `all`, what the 16 MiB table's memory
//! traffic costs.
use std::collections::HashMap;

use tifa::pipeline::clean::CleanText;
use tifa::pipeline::ner::EntityRecognizer;
use tifa::pipeline::ner::model::NerModel;
use tifa::pipeline::{AnnotateOptions, BoilerplateMode, Features};

use tifa::grpc::loadgen::SAMPLE_ARTICLES as ARTICLES;

fn main() {
    let mut args = std::env::args().skip(1);
    let stage = args.next().unwrap_or_else(|| "all".into());
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let settings = tifa::settings::Settings::load(None, &HashMap::new()).expect("settings");
    let annotator = if stage == "empty-model" {
        let empty = EntityRecognizer::new(NerModel::empty());
        tifa::resources::load_annotator_with(&settings.resources, empty).expect("resources")
    } else {
        tifa::resources::load_annotator(&settings.resources).expect("resources")
    };
    let jieba = jieba_rs::Jieba::new();
    let started = std::time::Instant::now();
    let mut sink = 0usize;
    for _ in 0..n {
        for a in ARTICLES {
            sink += match stage.as_str() {
                "jieba" => jieba.tag(a, true).len(),
                "clean" => CleanText::new(a).as_str().len(),
                "structure" => tifa::pipeline::structure::analyze(CleanText::new(a).as_str()).blocks.len(),
                "policy" => annotator.policy().find(CleanText::new(a).as_str(), &[]).len(),
                "tokens" => {
                    let options =
                        AnnotateOptions { features: Features { tokens: true, ..Features::NONE }, ..Default::default() };
                    annotator.annotate(a, &options).tokens.len()
                }
                // Boilerplate marked, not skipped: everything is read.
                "mark" => {
                    let options = AnnotateOptions { boilerplate: BoilerplateMode::Mark, ..Default::default() };
                    annotator.annotate(a, &options).tokens.len()
                }
                _ => annotator.annotate(a, &AnnotateOptions::default()).tokens.len(),
            };
        }
    }
    let chars: usize = ARTICLES.iter().map(|a| a.chars().count()).sum::<usize>() * n;
    eprintln!("{stage}: {sink} items, {:.2} M chars/s wall", chars as f64 / started.elapsed().as_secs_f64() / 1e6);
}
