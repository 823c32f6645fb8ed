//! Word segmentation and part-of-speech tags (jieba-rs), with protected spans:
//! a policy phrase or an entity found earlier is always emitted as one token,
//! so segmentation can never split one.

use std::io::{BufRead, Read};

use jieba_rs::Jieba;

use super::pos_tags;
use super::types::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SegmentationMode {
    /// Non-overlapping words.
    #[default]
    Precise,
    /// Precise words plus their dictionary sub-words.
    Search,
    /// Every dictionary word; tokens overlap.
    Full,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentationOptions {
    pub mode: SegmentationMode,
    pub hmm: bool,
}

impl Default for SegmentationOptions {
    fn default() -> Self {
        Self { mode: SegmentationMode::Precise, hmm: true }
    }
}

/// A span segmentation must keep whole, with the tag its token gets.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtectedSpan {
    pub span: Span,
    pub pos: &'static str,
}

/// A token of the text that was segmented (not yet mapped to the original).
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub span: Span,
    /// jieba's part-of-speech tag (see [`super::pos_tags`]).
    pub pos: &'static str,
}

pub struct Segmenter {
    jieba: Jieba,
    /// Words a domain dictionary tags as names (nr, ns, nt), with that tag:
    /// curated, so the entity recognizer takes them as they are.
    listed_names: rustc_hash::FxHashMap<Box<str>, &'static str>,
}

/// Tags of a dictionary word that make it a listed name.
const NAME_TAGS: [&str; 5] = ["nr", "nrfg", "nrt", "ns", "nt"];

impl Segmenter {
    /// jieba's default dictionary plus domain dictionaries (`word [freq [tag]]`
    /// per line). Domain words keep names and fixed terms whole.
    pub fn new(user_dicts: &mut [(&str, &mut dyn BufRead)]) -> Result<Self, String> {
        let mut jieba = Jieba::new();
        let mut listed_names = rustc_hash::FxHashMap::default();
        for (name, dict) in user_dicts.iter_mut() {
            let mut lines = String::new();
            dict.read_to_string(&mut lines).map_err(|e| format!("{name}: {e}"))?;
            jieba.load_dict(&mut lines.as_bytes()).map_err(|e| format!("{name}: {e}"))?;
            for line in lines.lines() {
                let mut fields = line.split_whitespace();
                if let (Some(word), Some(_freq), Some(tag)) = (fields.next(), fields.next(), fields.next())
                    && let Some(tag) = NAME_TAGS.iter().find(|t| **t == tag)
                {
                    listed_names.insert(word.into(), *tag);
                }
            }
        }
        Ok(Self { jieba, listed_names })
    }

    /// Whether a domain dictionary lists `word` as a name.
    pub fn is_listed_name(&self, word: &str) -> bool {
        self.listed_names.contains_key(word)
    }

    /// The `segments` of `text` that a domain dictionary lists as names.
    /// [`Segmenter::segment`] gives a listed name its dictionary tag, so only
    /// tokens with a name tag need a lookup.
    pub fn listed_names(&self, text: &str, segments: &[Segment]) -> Vec<Segment> {
        segments
            .iter()
            .filter(|s| NAME_TAGS.contains(&s.pos) && text.get(s.span.clone()).is_some_and(|w| self.is_listed_name(w)))
            .cloned()
            .collect()
    }

    /// Segments `text`. `protected` must be sorted and non-overlapping.
    pub fn segment(&self, text: &str, protected: &[ProtectedSpan], options: SegmentationOptions) -> Vec<Segment> {
        if options.mode == SegmentationMode::Precise {
            // One jieba pass over the whole text, then the protected spans are
            // imposed: far cheaper than a call per gap between phrases.
            let mut out = Vec::with_capacity(text.len() / 4);
            self.segment_gap(text, 0..text.len(), options, &mut out);
            return keep_whole(out, protected);
        }
        // Search and full modes overlap by design: segment between the spans.
        let mut out = Vec::with_capacity(text.len() / 4);
        let mut cursor = 0;
        for p in protected {
            if p.span.start < cursor {
                continue;
            }
            self.segment_gap(text, cursor..p.span.start, options, &mut out);
            out.push(Segment { span: p.span.clone(), pos: p.pos });
            cursor = p.span.end;
        }
        self.segment_gap(text, cursor..text.len(), options, &mut out);
        out
    }

    /// jieba's precise-mode tokens of `text` (no protected spans: see
    /// [`keep_whole`]), leaving the sorted byte ranges `skipped` (whole lines:
    /// boilerplate a caller leaves out of its result) without tokens. jieba
    /// cuts at every line break anyway, so the tokens elsewhere are the same
    /// as over the whole text.
    pub fn segment_outside(&self, text: &str, skipped: &[Span], options: SegmentationOptions) -> Vec<Segment> {
        if options.mode != SegmentationMode::Precise || skipped.is_empty() {
            return self.segment(text, &[], options);
        }
        let mut out = Vec::with_capacity(text.len() / 4);
        let mut cursor = 0;
        for skip in skipped {
            if cursor < skip.start {
                self.segment_gap(text, cursor..skip.start, options, &mut out);
            }
            cursor = cursor.max(skip.end);
        }
        self.segment_gap(text, cursor.min(text.len())..text.len(), options, &mut out);
        out
    }

    fn segment_gap(&self, text: &str, gap: Span, options: SegmentationOptions, out: &mut Vec<Segment>) {
        if gap.is_empty() {
            return;
        }
        let base = gap.start;
        let piece = &text[gap];
        match options.mode {
            SegmentationMode::Precise => {
                for t in self.jieba.tag(piece, options.hmm) {
                    let pos = self.listed_tag(t.word, pos_tags::intern(t.tag));
                    out.push(Segment { span: base + t.byte_start..base + t.byte_end, pos });
                }
            }
            SegmentationMode::Search | SegmentationMode::Full => {
                let tokens = if options.mode == SegmentationMode::Search {
                    self.jieba.cut_for_search(piece, options.hmm)
                } else {
                    self.jieba.cut_all(piece)
                };
                for t in tokens {
                    out.push(Segment { span: base + t.byte_start..base + t.byte_end, pos: self.word_tag(t.word) });
                }
            }
        }
    }

    /// A listed name's dictionary tag, else jieba's `tag`. jieba's HMM tagger
    /// can retag a dictionary word (徐汇区 ns became nr before 区级); only a
    /// name tag is looked up, as only a name's tag can be mistaken for one.
    fn listed_tag(&self, word: &str, tag: &'static str) -> &'static str {
        if NAME_TAGS.contains(&tag)
            && let Some(&listed) = self.listed_names.get(word)
        {
            return listed;
        }
        tag
    }

    /// The tag jieba gives a word on its own (search and full modes have no tagger).
    fn word_tag(&self, word: &str) -> &'static str {
        match self.jieba.tag(word, false).as_slice() {
            [only] => pos_tags::intern(only.tag),
            _ => "x",
        }
    }
}

/// The tokens of `segments` (in order) from the one that starts at byte
/// `at` on, or `None` if no token starts there (`at` is inside a word).
pub fn tokens_from(segments: &[Segment], at: usize) -> Option<&[Segment]> {
    let k = segments.partition_point(|t| t.span.start < at);
    segments.get(k).filter(|t| t.span.start == at).map(|_| &segments[k..])
}

/// Makes each protected span one token: precise-mode `segments` (sorted,
/// contiguous) inside it are merged, a segment crossing its edge is split
/// there. `protected` must be sorted and non-overlapping. Linear time.
pub fn keep_whole(segments: Vec<Segment>, protected: &[ProtectedSpan]) -> Vec<Segment> {
    if protected.is_empty() {
        return segments;
    }
    let mut out: Vec<Segment> = Vec::with_capacity(segments.len());
    let mut next = 0;
    for Segment { span, pos } in segments {
        // One segment may reach over many protected spans (a 100,000-letter
        // token and the request phrase "a"): cut it at each in a loop, not by
        // recursion, which overflowed the stack and copied the tail each time.
        let mut from = span.start;
        loop {
            while next < protected.len() && protected[next].span.end <= from {
                next += 1;
            }
            let Some(p) = protected.get(next).filter(|p| p.span.start < span.end) else {
                if from < span.end {
                    out.push(Segment { span: from..span.end, pos });
                }
                break;
            };
            if from < p.span.start {
                out.push(Segment { span: from..p.span.start, pos });
            }
            if out.last().is_none_or(|last| last.span != p.span) {
                out.push(Segment { span: p.span.clone(), pos: p.pos });
            }
            if span.end <= p.span.end {
                break;
            }
            from = p.span.end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words<'a>(text: &'a str, segments: &[Segment]) -> Vec<&'a str> {
        segments.iter().map(|s| &text[s.span.clone()]).collect()
    }

    #[test]
    fn a_domain_dictionary_lists_its_names_and_keeps_them_whole() {
        let mut dict = "临港新片区 3000 ns\n科创板 3000 n\n市委常委会 3000 nt\n".as_bytes();
        let segmenter = Segmenter::new(&mut [("test.dict", &mut dict)]).unwrap();
        assert!(segmenter.is_listed_name("临港新片区"));
        assert!(segmenter.is_listed_name("市委常委会"));
        assert!(!segmenter.is_listed_name("科创板"));
        assert!(!segmenter.is_listed_name("上海"));
        let text = "临港新片区是年轻的城";
        let segments = segmenter.segment(text, &[], SegmentationOptions::default());
        assert_eq!(words(text, &segments)[0], "临港新片区");
        assert_eq!(segments[0].pos, "ns");
        // jieba's HMM tagger reads the listed place before 区级 as a person.
        let mut dict = "徐汇区 3000 ns\n".as_bytes();
        let segmenter = Segmenter::new(&mut [("test.dict", &mut dict)]).unwrap();
        let text = "学习;徐汇区区级机关青年";
        let segments = segmenter.segment(text, &[], SegmentationOptions::default());
        let listed = segmenter.listed_names(text, &segments);
        assert_eq!(words(text, &listed), ["徐汇区"]);
        assert_eq!(listed[0].pos, "ns");
    }

    #[test]
    fn protected_spans_stay_whole() {
        let segmenter = Segmenter::new(&mut []).unwrap();
        let text = "加快建设国际科技创新中心，发展新质生产力";
        let start = text.find("国际").unwrap();
        let end = text.find('，').unwrap();
        let protected = [ProtectedSpan { span: start..end, pos: "nz" }];
        let segments = segmenter.segment(text, &protected, SegmentationOptions::default());
        let words = words(text, &segments);
        assert!(words.contains(&"国际科技创新中心"), "{words:?}");
        assert_eq!(words.concat(), text);
    }

    #[test]
    fn a_segment_spanning_two_protected_spans_is_split_around_both() {
        let text = "甲乙丙丁戊";
        let b = |s: &str| text.find(s).unwrap();
        let segments = vec![Segment { span: 0..text.len(), pos: "x" }];
        let protected =
            [ProtectedSpan { span: b("乙")..b("丙"), pos: "nz" }, ProtectedSpan { span: b("丁")..b("戊"), pos: "nr" }];
        let words: Vec<&str> = keep_whole(segments, &protected).iter().map(|s| &text[s.span.clone()]).collect();
        assert_eq!(words, ["甲", "乙", "丙", "丁", "戊"]);
    }

    #[test]
    fn one_segment_over_100_000_protected_spans_needs_no_deep_stack() {
        // jieba keeps "aaa…a" as one token; the request phrase "a" protects
        // every letter. Recursing per span overflowed a 2 MiB thread stack.
        let n = 100_000;
        let segments = vec![Segment { span: 0..n, pos: "eng" }];
        let protected: Vec<ProtectedSpan> = (0..n).map(|i| ProtectedSpan { span: i..i + 1, pos: "nz" }).collect();
        let out = keep_whole(segments, &protected);
        assert_eq!(out.len(), n);
        assert!(out.iter().enumerate().all(|(i, s)| s.span == (i..i + 1) && s.pos == "nz"));
    }

    #[test]
    fn user_dictionary_words_are_single_tokens() {
        let mut dict: &[u8] = "陈吉宁 100 nr\n".as_bytes();
        let segmenter = Segmenter::new(&mut [("leaders", &mut dict)]).unwrap();
        let text = "市委书记陈吉宁出席";
        let segments =
            segmenter.segment(text, &[], SegmentationOptions { mode: SegmentationMode::Precise, hmm: false });
        assert!(words(text, &segments).contains(&"陈吉宁"));
    }
}
