//! Document keywords by TF-IDF over jieba's IDF table.

use jieba_rs::{Jieba, KeywordExtract, KeywordExtractConfig, TfIdf};

use super::types::Keyword;

/// Keywords per document.
const TOP_K: usize = 10;

/// Content-word tags: nouns, names, verbal nouns, idioms.
const KEYWORD_POS: [&str; 8] = ["n", "nr", "ns", "nt", "nz", "vn", "l", "i"];

pub struct KeywordExtractor {
    tfidf: TfIdf,
}

impl Default for KeywordExtractor {
    fn default() -> Self {
        let mut tfidf = TfIdf::default();
        *tfidf.config_mut() = KeywordExtractConfig::builder().use_hmm(true).min_keyword_length(2).build();
        Self { tfidf }
    }
}

impl KeywordExtractor {
    pub fn extract(&self, jieba: &Jieba, text: &str) -> Vec<Keyword> {
        let allowed = KEYWORD_POS.iter().map(|s| s.to_string()).collect();
        self.tfidf
            .extract_keywords(jieba, text, TOP_K, allowed)
            .into_iter()
            .map(|k| Keyword { text: k.keyword, weight: k.weight, pos: k.tag })
            .collect()
    }
}
