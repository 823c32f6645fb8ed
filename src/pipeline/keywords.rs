//! Document keywords by TextRank over the tokens segmentation already made
//! (no second jieba pass): content words that co-occur within a small window
//! vote for each other; the most central ones are the keywords.

use rustc_hash::FxHashMap;

use super::segment::Segment;
use super::types::Keyword;

/// Keywords per document.
const TOP_K: usize = 10;
/// Co-occurrence window, in content words.
const WINDOW: usize = 5;
const DAMPING: f32 = 0.85;
const ITERATIONS: usize = 15;

/// Content-word tags: nouns, names, verbal nouns, idioms, and our phrase tag.
fn is_content_pos(pos: &str) -> bool {
    matches!(pos, "n" | "nr" | "nrfg" | "nrt" | "ns" | "nt" | "nz" | "vn" | "l" | "i" | "an")
}

/// Keywords of `text` from its precise-mode `segments`, weights scaled so
/// the top keyword has 1.0.
pub fn extract(text: &str, segments: &[Segment]) -> Vec<Keyword> {
    // Content words in order, as ids into `words`.
    let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
    let mut words: Vec<(&str, &str, u32)> = Vec::new();
    let mut sequence: Vec<u32> = Vec::with_capacity(segments.len() / 2);
    for s in segments {
        let word = &text[s.span.clone()];
        if !is_content_pos(s.pos) || word.chars().nth(1).is_none() || word.contains(char::is_whitespace) {
            continue;
        }
        let id = *ids.entry(word).or_insert_with(|| {
            words.push((word, s.pos, 0));
            (words.len() - 1) as u32
        });
        words[id as usize].2 += 1;
        sequence.push(id);
    }
    if words.is_empty() {
        return Vec::new();
    }
    // Rank only the most frequent words: a long document's rare words
    // cannot be among its keywords, and a small dense graph is fast.
    let mut by_count: Vec<u32> = (0..words.len() as u32).collect();
    // Unstable sorts give the same order: no two keys are equal.
    by_count.sort_unstable_by_key(|&w| (std::cmp::Reverse(words[w as usize].2), w));
    by_count.truncate(MAX_CANDIDATES);
    let mut dense = vec![u32::MAX; words.len()];
    for (d, &w) in by_count.iter().enumerate() {
        dense[w as usize] = d as u32;
    }
    let sequence: Vec<usize> = sequence
        .iter()
        .filter_map(|&w| Some(dense[w as usize]).filter(|&d| d != u32::MAX))
        .map(|d| d as usize)
        .collect();
    let score = text_rank(&sequence, by_count.len());
    let mut ranked: Vec<usize> = (0..by_count.len()).collect();
    ranked.sort_unstable_by(|&a, &b| score[b].total_cmp(&score[a]).then(a.cmp(&b)));
    let top = score[ranked[0]].max(f32::MIN_POSITIVE);
    ranked
        .into_iter()
        .take(TOP_K)
        .map(|d| {
            let (word, pos, _) = words[by_count[d] as usize];
            Keyword { text: word.to_string(), weight: f64::from(score[d] / top), pos: pos.to_string() }
        })
        .collect()
}

/// Most distinct words ranked per document.
const MAX_CANDIDATES: usize = 128;

/// PageRank over the co-occurrence graph of `sequence` (dense ids < `n`).
fn text_rank(sequence: &[usize], n: usize) -> Vec<f32> {
    let mut weight = vec![0f32; n * n];
    for (i, &a) in sequence.iter().enumerate() {
        for &b in sequence.iter().skip(i + 1).take(WINDOW - 1) {
            if a != b {
                weight[a * n + b] += 1.0;
                weight[b * n + a] += 1.0;
            }
        }
    }
    let out: Vec<f32> = weight.chunks(n).map(|row| row.iter().sum()).collect();
    let mut score = vec![1f32; n];
    let mut next = vec![0f32; n];
    for _ in 0..ITERATIONS {
        next.fill(1.0 - DAMPING);
        for a in 0..n {
            if out[a] > 0.0 {
                let share = DAMPING * score[a] / out[a];
                // Zipped, not indexed: no bounds checks, so the row adds as vectors.
                for (to, w) in next.iter_mut().zip(&weight[a * n..(a + 1) * n]) {
                    *to += share * w;
                }
            }
        }
        std::mem::swap(&mut score, &mut next);
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_connected_content_word_ranks_first() {
        let text = "科技创新推动产业创新，科技创新引领发展，科技创新服务国家";
        let mut segments = Vec::new();
        for (word, pos) in [
            ("科技创新", "n"),
            ("推动", "v"),
            ("产业", "n"),
            ("创新", "vn"),
            ("，", "x"),
            ("科技创新", "n"),
            ("引领", "v"),
            ("发展", "vn"),
            ("，", "x"),
            ("科技创新", "n"),
            ("服务", "vn"),
            ("国家", "n"),
        ] {
            let from = segments.last().map_or(0, |s: &Segment| s.span.end);
            let start = from + text[from..].find(word).unwrap();
            segments.push(Segment { span: start..start + word.len(), pos });
        }
        let keywords = extract(text, &segments);
        assert_eq!(keywords[0].text, "科技创新");
        assert_eq!(keywords[0].weight, 1.0);
        assert!(keywords.iter().all(|k| k.text != "推动" && k.text != "，"));
    }

    #[test]
    fn no_content_words_means_no_keywords() {
        assert!(extract("", &[]).is_empty());
    }
}
