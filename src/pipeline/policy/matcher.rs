//! Leftmost-longest multi-pattern matching of lexicon surfaces over the cleaned
//! text, where line breaks and stray spaces inside a phrase are already gone
//! and ASCII commas folded. Enumerations match in either comma style
//! (稳就业、稳企业 = 稳就业，稳企业).

use super::discover::discover;
use super::lexicon::Lexicon;
use super::scan::PatternScan;
use crate::pipeline::clean::fold_str;
use crate::pipeline::types::{PhraseKind, PolicyPhrase, Source, Span};

/// A phrase a client sends with one request.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtraPhrase {
    pub text: String,
    pub canonical: String,
    pub category: String,
    pub kind: PhraseKind,
}

pub struct PolicyMatcher {
    lexicon: Lexicon,
    scan: PatternScan,
    /// Pattern index → entry index in `lexicon`.
    pattern_entry: Vec<usize>,
    /// What the numbered formulas stand for (国际经济中心 of 五个中心).
    items: PhraseItems,
}

/// The items of the lexicon's numbered formulas: mostly goals and tasks that
/// look like a body (国际航运中心), a few real names (嘉定 of the 五个新城).
pub type PhraseItems = rustc_hash::FxHashSet<Box<str>>;

impl PolicyMatcher {
    pub fn new(lexicon: Lexicon) -> Self {
        let mut patterns = Vec::new();
        let mut pattern_entry = Vec::new();
        for (i, entry) in lexicon.entries().iter().enumerate() {
            for surface in entry.surfaces() {
                for pattern in comma_styles(&fold_str(surface)) {
                    patterns.push(pattern);
                    pattern_entry.push(i);
                }
            }
        }
        let scan = PatternScan::new(&patterns);
        let items = lexicon
            .entries()
            .iter()
            .filter(|e| e.kind == PhraseKind::Numbered)
            .flat_map(|e| e.items.iter().map(|item| fold_str(item).into_boxed_str()))
            .collect();
        Self { lexicon, scan, pattern_entry, items }
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// See [`PhraseItems`]; folded as the cleaned view is.
    pub fn items(&self) -> &PhraseItems {
        &self.items
    }

    /// Lexicon, request and discovered phrases in `text` (a cleaned view),
    /// spans into `text`, sorted and non-overlapping: the longer phrase wins,
    /// the lexicon wins a tie, discovery only fills what neither found.
    pub fn find(&self, text: &str, extra: &[ExtraPhrase]) -> Vec<PolicyPhrase> {
        let titles = title_spans(text);
        let mut found: Vec<(Span, PolicyPhrase)> = Vec::new();
        for (pattern, span) in self.scan.find_iter(text) {
            let entry = &self.lexicon.entries()[self.pattern_entry[pattern]];
            found.push((
                span.clone(),
                PolicyPhrase {
                    span,
                    canonical: entry.canonical.clone(),
                    category: entry.category.clone(),
                    kind: entry.kind,
                    phrase_id: entry.id.clone(),
                    source: Source::Lexicon,
                    confidence: 1.0,
                },
            ));
        }
        if !extra.is_empty() {
            let mut patterns = Vec::new();
            let mut owner = Vec::new();
            for (i, p) in extra.iter().enumerate() {
                for pattern in comma_styles(&fold_str(&p.text)) {
                    patterns.push(pattern);
                    owner.push(i);
                }
            }
            for (pattern, span) in PatternScan::new(&patterns).find_iter(text) {
                let phrase = &extra[owner[pattern]];
                found.push((
                    span.clone(),
                    PolicyPhrase {
                        span,
                        canonical: phrase.canonical.clone(),
                        category: phrase.category.clone(),
                        kind: phrase.kind,
                        phrase_id: String::new(),
                        source: Source::Request,
                        confidence: 1.0,
                    },
                ));
            }
        }
        // Leftmost-longest hits of one scan are sorted and disjoint;
        // request phrases may overlap them, which only makes discovery skip more.
        let mut taken: Vec<Span> = found.iter().map(|(span, _)| span.clone()).collect();
        taken.sort_by_key(|s| s.start);
        taken.dedup_by(|b, a| {
            let overlapping = b.start < a.end;
            if overlapping {
                a.end = a.end.max(b.end);
            }
            overlapping
        });
        found.extend(discover(text, &taken));
        found.retain(|(span, _)| !inside_any(span, &titles));
        resolve_overlaps(found)
    }
}

/// A pattern in each enumeration-comma style (、 and ，) when it has one.
fn comma_styles(pattern: &str) -> Vec<String> {
    if !pattern.contains(['、', '，']) {
        return vec![pattern.to_string()];
    }
    let ideographic = pattern.replace('，', "、");
    let full_width = pattern.replace('、', "，");
    let mut styles = vec![pattern.to_string(), ideographic, full_width];
    styles.sort();
    styles.dedup();
    styles
}

/// Keeps the longest of overlapping phrases, earlier (lexicon) first on ties.
pub(crate) fn resolve_overlaps(mut found: Vec<(Span, PolicyPhrase)>) -> Vec<PolicyPhrase> {
    found.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.len().cmp(&a.0.len())));
    let mut kept: Vec<(Span, PolicyPhrase)> = Vec::with_capacity(found.len());
    for (span, phrase) in found {
        match kept.last() {
            Some((last, _)) if span.start < last.end => {
                if span.len() > last.len() {
                    kept.pop();
                    kept.push((span, phrase));
                }
            }
            _ => kept.push((span, phrase)),
        }
    }
    kept.into_iter().map(|(_, p)| p).collect()
}

/// Byte spans of 《…》 titles (nothing inside a title is a policy phrase).
pub(crate) fn title_spans(text: &str) -> Vec<Span> {
    const MAX_TITLE_BYTES: usize = 300;
    let mut spans = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match c {
            '《' => open = Some(i),
            '》' => {
                if let Some(start) = open.take() {
                    spans.push(start..i + c.len_utf8());
                }
            }
            _ => {
                if open.is_some_and(|start| i - start > MAX_TITLE_BYTES) {
                    open = None;
                }
            }
        }
    }
    spans
}

fn inside_any(span: &Span, titles: &[Span]) -> bool {
    let idx = titles.partition_point(|t| t.end <= span.start);
    titles.get(idx).is_some_and(|t| t.start <= span.start && span.end <= t.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::clean::CleanText;

    fn matcher() -> PolicyMatcher {
        let mut lexicon = Lexicon::default();
        lexicon
            .add_file(
                "test.toml",
                r#"
[lexicon]
version = "t"
[[phrase]]
id = "gjkc"
canonical = "国际科技创新中心"
kind = "formulation"
category = "shanghai"
variants = ["国际科创中心"]
[[phrase]]
id = "kjzlzq"
canonical = "科技自立自强"
kind = "formulation"
category = "science_technology"
[[phrase]]
id = "gsp"
canonical = "高水平科技自立自强"
kind = "formulation"
category = "science_technology"
[[phrase]]
id = "wen"
canonical = "稳就业、稳企业、稳市场、稳预期"
kind = "formulation"
category = "economy"
"#,
            )
            .unwrap();
        PolicyMatcher::new(lexicon)
    }

    fn find(text: &str) -> Vec<(String, String)> {
        let view = CleanText::new(text);
        matcher()
            .find(view.as_str(), &[])
            .into_iter()
            .map(|p| (text[view.to_original(&p.span)].to_string(), p.canonical))
            .collect()
    }

    #[test]
    fn longest_match_wins_and_variants_map_to_canonical() {
        let found = find("推进高水平科技自立自强，建设国际科创中心");
        assert_eq!(
            found,
            vec![
                ("高水平科技自立自强".into(), "高水平科技自立自强".into()),
                ("国际科创中心".into(), "国际科技创新中心".into())
            ]
        );
    }

    #[test]
    fn sees_through_breaks_spaces_and_comma_width() {
        let text = "这是一个很长很长的段落里面有很多很多的文字内容用来测试深刻回答了国\n\n际科技创新中心建设的重大问题，为推进各项工作指明了方向";
        assert_eq!(find(text)[0].0, "国\n\n际科技创新中心");
        let prose = "这是一段足够长的正文内容，用来说明在一篇正文的段落里面我们要推进科技 自立自强";
        assert_eq!(find(prose)[0].0, "科技 自立自强");
        assert_eq!(find("要稳就业,稳企业,稳市场,稳预期")[0].0, "稳就业,稳企业,稳市场,稳预期");
    }

    #[test]
    fn ignores_phrases_inside_titles() {
        assert!(find("《关于加快建设国际科技创新中心的意见》").is_empty());
    }

    #[test]
    fn request_phrases_are_found_and_marked() {
        let view = "推进多格合一改革";
        let extra = [ExtraPhrase {
            text: "多格合一".into(),
            canonical: "多格合一".into(),
            category: "governance".into(),
            kind: PhraseKind::Campaign,
        }];
        let found = matcher().find(view, &extra);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].source, Source::Request);
    }
}
