//! Single-core throughput of the annotation pipeline, in characters per
//! second, against bare jieba-rs `tag` over the same text in the same run.
//!
//! cargo bench --bench pipeline

use std::collections::HashMap;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jieba_rs::Jieba;
use tifa::pipeline::clean::CleanText;
use tifa::pipeline::{AnnotateOptions, Features};
use tifa::settings::Settings;

use tifa::grpc::loadgen::SAMPLE_ARTICLES as ARTICLES;

fn pipeline(c: &mut Criterion) {
    let settings = Settings::load(None, &HashMap::new()).expect("default settings");
    let annotator = tifa::resources::load_annotator(&settings.resources).expect("resources load");
    let jieba = Jieba::new();
    let chars: usize = ARTICLES.iter().map(|a| a.chars().count()).sum();

    let mut group = c.benchmark_group("five_articles");
    group.throughput(Throughput::Elements(chars as u64));
    group.bench_function("jieba_tag_bare", |b| {
        b.iter(|| ARTICLES.iter().map(|a| jieba.tag(a, true).len()).sum::<usize>())
    });
    group.bench_function("clean_view_only", |b| {
        b.iter(|| ARTICLES.iter().map(|a| CleanText::new(a).as_str().len()).sum::<usize>())
    });
    group.bench_function("policy_phrases_only", |b| {
        b.iter(|| {
            ARTICLES.iter().map(|a| annotator.policy().find(CleanText::new(a).as_str(), &[]).len()).sum::<usize>()
        })
    });
    let only = |f: Features| AnnotateOptions { features: f, ..Default::default() };
    let none = Features::NONE;
    for (name, options) in [
        ("annotate_tokens", only(Features { tokens: true, ..none })),
        ("annotate_entities", only(Features { entities: true, ..none })),
        ("annotate_all", AnnotateOptions::default()),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| ARTICLES.iter().map(|a| annotator.annotate(a, &options).tokens.len()).sum::<usize>())
        });
    }
    // The same documents as one batch (what BatchAnnotate runs on a worker).
    let all = AnnotateOptions::default();
    let batch: Vec<(&str, &AnnotateOptions)> = ARTICLES.iter().map(|a| (*a, &all)).collect();
    group.bench_function("annotate_all_batched", |b| {
        b.iter(|| annotator.annotate_batch(&batch).iter().map(|a| a.tokens.len()).sum::<usize>())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = pipeline
}
criterion_main!(benches);
