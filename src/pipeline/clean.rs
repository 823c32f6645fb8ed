//! The cleaned view annotators work on, and the map back to the original text.
//!
//! Clients always get spans into the text they sent. Annotators, though, should
//! not see the accidents of web scraping: a page break inside a word (责⏎⏎任感),
//! ASCII commas in Chinese prose, full-width digits. [`CleanText`] rewrites those
//! and remembers, run by run, where every cleaned byte came from.

use super::types::Span;

/// A line shorter than this (in chars) is a heading or a menu item, not a
/// paragraph that a page break cut in two; its line break is kept.
const MIN_BROKEN_LINE_CHARS: usize = 30;

/// One stretch of the cleaned text and the original bytes it came from.
#[derive(Debug, Clone, Copy)]
struct Run {
    clean: usize,
    orig: usize,
    clean_len: usize,
    orig_len: usize,
    /// Copied verbatim, so offsets inside map linearly. Otherwise one replaced char.
    copied: bool,
}

#[derive(Debug, Clone)]
pub struct CleanText {
    text: String,
    runs: Vec<Run>,
    orig_len: usize,
}

/// What the cleaned view is for; it decides how much is folded away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CleanMode {
    /// For segmentation and entities: only line breaks that cut a paragraph in
    /// two are removed, since a space may separate names (本报记者 顾一琼 祝越).
    Segmenting,
    /// For matching fixed phrases, which never contain a space (新质 生产力):
    /// also space-only runs between Chinese characters are removed, and the
    /// enumeration commas ，/, fold into 、 (稳就业,稳企业 = 稳就业、稳企业).
    Matching,
}

impl CleanText {
    pub fn new(original: &str) -> Self {
        Self::with_mode(original, CleanMode::Segmenting)
    }

    pub fn with_mode(original: &str, mode: CleanMode) -> Self {
        let mut builder = Builder::default();
        let chars: Vec<(usize, char)> = original.char_indices().collect();
        let mut line_chars = 0usize;
        let mut i = 0;
        while i < chars.len() {
            let (byte, c) = chars[i];
            if c == '\n' || c == '\r' || c == ' ' || c == '\u{3000}' || c == '\t' {
                let run_end = whitespace_run_end(&chars, i);
                let has_break = chars[i..run_end].iter().any(|&(_, c)| c == '\n');
                let prev = i.checked_sub(1).map(|p| chars[p].1);
                let next = chars.get(run_end).map(|&(_, c)| c);
                let broken_line = has_break && line_chars >= MIN_BROKEN_LINE_CHARS;
                let stray_space = !has_break && mode == CleanMode::Matching;
                let joins = (broken_line || stray_space)
                    && prev.is_some_and(is_cjk_ideograph)
                    && next.is_some_and(is_cjk_ideograph);
                if joins {
                    // Dropped from the cleaned view; runs are keyed by their own
                    // original offset, so the gap needs no record.
                    i = run_end;
                    continue;
                }
            }
            if c == '\n' {
                line_chars = 0;
            } else {
                line_chars += 1;
            }
            let prev = i.checked_sub(1).map(|p| chars[p].1);
            let next = chars.get(i + 1).map(|&(_, c)| c);
            match fold_char(c, prev, next, mode) {
                Some(folded) => builder.replace(byte, c.len_utf8(), folded),
                None => builder.copy(byte, c),
            }
            i += 1;
        }
        builder.finish(original.len())
    }

    /// The cleaned text annotators read.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Maps a span of the cleaned text to the original text. The span covers
    /// whatever the cleaning removed inside it (a rejoined line break), never
    /// what it removed at its edges.
    pub fn to_original(&self, span: &Span) -> Span {
        if span.start == span.end {
            let at = self.map_start(span.start);
            return at..at;
        }
        self.map_start(span.start)..self.map_end(span.end)
    }

    /// Maps a span of the original text into this view (the inverse of
    /// [`CleanText::to_original`]); offsets inside removed text move forward.
    pub fn from_original(&self, span: &Span) -> Span {
        let start = self.unmap(span.start);
        start..self.unmap(span.end).max(start)
    }

    fn unmap(&self, orig: usize) -> usize {
        let idx = self.runs.partition_point(|r| r.orig + r.orig_len <= orig);
        match self.runs.get(idx) {
            Some(run) if orig <= run.orig => run.clean,
            Some(run) if run.copied => run.clean + (orig - run.orig),
            Some(run) => run.clean,
            None => self.text.len(),
        }
    }

    fn map_start(&self, clean: usize) -> usize {
        let idx = self.runs.partition_point(|r| r.clean + r.clean_len <= clean);
        match self.runs.get(idx) {
            Some(run) if run.copied => run.orig + (clean - run.clean),
            Some(run) => run.orig,
            None => self.orig_len,
        }
    }

    fn map_end(&self, clean: usize) -> usize {
        let idx = self.runs.partition_point(|r| r.clean + r.clean_len < clean);
        match self.runs.get(idx) {
            Some(run) if run.copied => run.orig + (clean - run.clean),
            Some(run) => run.orig + run.orig_len,
            None => 0,
        }
    }
}

#[derive(Default)]
struct Builder {
    text: String,
    runs: Vec<Run>,
}

impl Builder {
    fn copy(&mut self, orig: usize, c: char) {
        let len = c.len_utf8();
        let clean = self.text.len();
        self.text.push(c);
        if let Some(last) = self.runs.last_mut()
            && last.copied
            && last.orig + last.orig_len == orig
        {
            last.clean_len += len;
            last.orig_len += len;
            return;
        }
        self.runs.push(Run { clean, orig, clean_len: len, orig_len: len, copied: true });
    }

    fn replace(&mut self, orig: usize, orig_len: usize, c: char) {
        let clean = self.text.len();
        self.text.push(c);
        self.runs.push(Run { clean, orig, clean_len: c.len_utf8(), orig_len, copied: false });
    }

    fn finish(self, orig_len: usize) -> CleanText {
        CleanText { text: self.text, runs: self.runs, orig_len }
    }
}

fn whitespace_run_end(chars: &[(usize, char)], from: usize) -> usize {
    let mut j = from;
    while j < chars.len() && matches!(chars[j].1, '\n' | '\r' | ' ' | '\u{3000}' | '\t') {
        j += 1;
    }
    j
}

pub fn is_cjk_ideograph(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

/// Folds one character for matching: full-width letters and digits to ASCII,
/// ASCII punctuation written inside Chinese prose to its Chinese form.
pub fn fold_char(c: char, prev: Option<char>, next: Option<char>, mode: CleanMode) -> Option<char> {
    let near_cjk = prev.is_some_and(is_cjk_ideograph) || next.is_some_and(is_cjk_ideograph);
    match c {
        '，' if mode == CleanMode::Matching => Some('、'),
        ',' if mode == CleanMode::Matching && near_cjk => Some('、'),
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' | '％' | '＋' => {
            char::from_u32(c as u32 - 0xFEE0)
        }
        // A full-width point only between digits: ３．５ → 3.5.
        '．' if prev.is_some_and(is_any_digit) && next.is_some_and(is_any_digit) => Some('.'),
        ',' | ';' | ':' | '!' | '?' | '(' | ')' => near_cjk.then(|| match c {
            ',' => '，',
            ';' => '；',
            ':' => '：',
            '!' => '！',
            '?' => '？',
            '(' => '（',
            _ => '）',
        }),
        _ => None,
    }
}

fn is_any_digit(c: char) -> bool {
    c.is_ascii_digit() || ('\u{FF10}'..='\u{FF19}').contains(&c)
}

/// Folds a whole pattern (a lexicon surface form) the way [`CleanText`] folds text.
pub fn fold_str(s: &str, mode: CleanMode) -> String {
    let chars: Vec<char> = s.chars().collect();
    (0..chars.len())
        .map(|i| {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            fold_char(chars[i], prev, chars.get(i + 1).copied(), mode).unwrap_or(chars[i])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice<'a>(text: &'a str, clean: &CleanText, needle: &str) -> &'a str {
        let start = clean.as_str().find(needle).expect("needle in clean text");
        let span = clean.to_original(&(start..start + needle.len()));
        &text[span]
    }

    #[test]
    fn rejoins_a_word_cut_by_a_page_break() {
        let text = "强化为国担当、勇为尖兵的使命感、责任感以及更多更多的文字内容在这一行里面，责\n\n任感、紧迫感";
        let clean = CleanText::new(text);
        assert!(clean.as_str().contains("，责任感、紧迫感"));
        assert_eq!(slice(text, &clean, "责任感、紧"), "责\n\n任感、紧");
        // A span ending right before the removed break does not swallow it.
        assert_eq!(slice(text, &clean, "，责"), "，责");
        assert_eq!(slice(text, &clean, "任感、紧"), "任感、紧");
    }

    #[test]
    fn joins_stray_spaces_only_when_asked() {
        let text = "发展新质 生产力，本报记者 顾一琼";
        assert_eq!(CleanText::new(text).as_str(), text);
        let joined = CleanText::with_mode(text, CleanMode::Matching);
        assert_eq!(joined.as_str(), "发展新质生产力、本报记者顾一琼");
        assert_eq!(slice(text, &joined, "新质生产力"), "新质 生产力");
        let span = text.find("生产力").unwrap()..text.find('，').unwrap();
        let back = joined.from_original(&span);
        assert_eq!(&joined.as_str()[back], "生产力");
    }

    #[test]
    fn keeps_line_breaks_after_headings() {
        let text = "身体力行精心组织部署\n\n连日来上海";
        assert_eq!(CleanText::new(text).as_str(), text);
    }

    #[test]
    fn folds_width_and_prose_punctuation() {
        let text = "增长３．５％,达到1,000亿元";
        let clean = CleanText::new(text);
        assert_eq!(clean.as_str(), "增长3.5%，达到1,000亿元");
        assert_eq!(slice(text, &clean, "3.5%，"), "３．５％,");
    }

    #[test]
    fn maps_every_boundary_of_an_untouched_text_to_itself() {
        let text = "习近平🙂在上海\n\nabc";
        let clean = CleanText::new(text);
        assert_eq!(clean.as_str(), text);
        for (b, _) in text.char_indices() {
            assert_eq!(clean.to_original(&(b..text.len())), b..text.len());
            assert_eq!(clean.to_original(&(0..b)), 0..b);
        }
    }
}
