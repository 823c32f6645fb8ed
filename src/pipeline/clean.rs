//! The cleaned view annotators work on, and the map back to the original text.
//!
//! Clients always get spans into the text they sent. Annotators, though, should
//! not see the accidents of web scraping: a page break inside a word (责⏎⏎任感),
//! ASCII commas in Chinese prose, full-width digits, HTML markup ([`markup`]).
//! [`CleanText`] rewrites those and remembers, run by run, where every cleaned
//! byte came from.

use std::sync::LazyLock;

use super::markup;
use super::types::Span;

/// A line shorter than this (in chars) is a heading, a byline or a menu item,
/// not running prose: its line breaks and spaces are deliberate and kept. In
/// longer lines, whitespace between two Chinese characters is noise (a page
/// break inside a word, 责⏎⏎任感; a stray space, 新质 生产力) and is removed.
const MIN_PROSE_LINE_CHARS: usize = 30;
/// A page break is healed only when the next line is at least this long too.
const MIN_CONTINUATION_CHARS: usize = 20;

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

impl CleanText {
    pub fn new(original: &str) -> Self {
        // Traditional characters read as simplified (發展 → 发展) so that the
        // lexicon, jieba and the rules see one script. The conversion is char
        // for char and keeps every byte offset (all its pairs are 3-byte chars).
        if !original.chars().any(is_traditional) {
            return Self::fold(original);
        }
        let simplified = fast2s::convert(original);
        let source = if simplified.len() == original.len() { simplified.as_str() } else { original };
        Self::fold(source)
    }

    /// Builds the view from `original` (already in simplified script).
    fn fold(original: &str) -> Self {
        let mut builder = Builder::default();
        // Bytes from `pending` up to the cursor are copied verbatim, in one run.
        let mut pending = 0;
        let mut prev: Option<char> = None;
        let mut line_chars = 0usize;
        let mut markup = markup::Scanner::default();
        let mut i = 0;
        while let Some(c) = original[i..].chars().next() {
            if matches!(c, '<' | '&')
                && let Some((end, read_as)) = markup.at(original, i)
            {
                builder.copy(original, pending..i);
                builder.replace(i, end - i, read_as);
                prev = Some(read_as);
                line_chars = if read_as == '\n' { 0 } else { line_chars + 1 };
                pending = end;
                i = end;
                continue;
            }
            if is_break_or_space(c) && line_chars >= MIN_PROSE_LINE_CHARS && prev.is_some_and(is_cjk_ideograph) {
                let run_end = whitespace_run_end(original, i);
                let rest = &original[run_end..];
                let breaks_line = original[i..run_end].contains('\n');
                if rest.chars().next().is_some_and(is_cjk_ideograph) && (!breaks_line || continues_paragraph(rest)) {
                    // Dropped from the cleaned view; runs are keyed by their own
                    // original offset, so the gap needs no record.
                    builder.copy(original, pending..i);
                    pending = run_end;
                    i = run_end;
                    continue;
                }
            }
            if c == '\n' {
                line_chars = 0;
            } else {
                line_chars += 1;
            }
            let next = original[i + c.len_utf8()..].chars().next();
            if let Some(folded) = fold_char(c, prev, next) {
                builder.copy(original, pending..i);
                builder.replace(i, c.len_utf8(), folded);
                pending = i + c.len_utf8();
            }
            prev = Some(c);
            i += c.len_utf8();
        }
        builder.copy(original, pending..original.len());
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

    /// Maps many spans in order of their start: a cursor walks the runs once
    /// instead of a binary search per span.
    pub fn to_original_sorted(&self, spans: impl IntoIterator<Item = Span>) -> Vec<Span> {
        let mut cursor = 0usize;
        spans
            .into_iter()
            .map(|span| {
                if self.runs.get(cursor).is_none_or(|r| r.clean > span.start) {
                    // Out of order (search mode) or past the end: binary search.
                    cursor = self.runs.partition_point(|r| r.clean + r.clean_len <= span.start);
                }
                while self.runs.get(cursor).is_some_and(|r| r.clean + r.clean_len <= span.start) {
                    cursor += 1;
                }
                self.map_from(cursor, &span)
            })
            .collect()
    }

    /// Like [`CleanText::to_original`], starting the search at run `from`.
    fn map_from(&self, from: usize, span: &Span) -> Span {
        let start = match self.runs.get(from) {
            Some(run) if run.copied => run.orig + (span.start - run.clean),
            Some(run) => run.orig,
            None => self.orig_len,
        };
        if span.is_empty() {
            return start..start;
        }
        let mut idx = from;
        while self.runs.get(idx).is_some_and(|r| r.clean + r.clean_len < span.end) {
            idx += 1;
        }
        let end = match self.runs.get(idx) {
            Some(run) if run.copied => run.orig + (span.end - run.clean),
            Some(run) => run.orig + run.orig_len,
            None => 0,
        };
        start..end
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
    /// Appends `original[range]` verbatim as one run (merged with the last
    /// run when that one ends right where this starts).
    fn copy(&mut self, original: &str, range: Span) {
        if range.is_empty() {
            return;
        }
        let clean = self.text.len();
        let len = range.len();
        self.text.push_str(&original[range.clone()]);
        if let Some(last) = self.runs.last_mut()
            && last.copied
            && last.orig + last.orig_len == range.start
        {
            last.clean_len += len;
            last.orig_len += len;
            return;
        }
        self.runs.push(Run { clean, orig: range.start, clean_len: len, orig_len: len, copied: true });
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

/// Words that open a new paragraph of a news article, never a continuation.
const PARAGRAPH_OPENERS: [&str; 6] = ["本报讯", "新华社", "本报记者", "人民网", "中新网", "央视网"];

/// Whether the line after a line break reads as the rest of the paragraph
/// above (a page break) rather than a new line of its own: a title's second
/// line, a one-word label (时讯) or a new paragraph (本报讯 …) are not.
fn continues_paragraph(next_line: &str) -> bool {
    let long_enough =
        next_line.chars().take_while(|&c| c != '\n').take(MIN_CONTINUATION_CHARS).count() == MIN_CONTINUATION_CHARS;
    long_enough && !PARAGRAPH_OPENERS.iter().any(|o| next_line.starts_with(o))
}

/// Whether fast2s maps `c` to another character on its own. Built once from
/// fast2s itself over the CJK blocks, so most texts (already simplified) skip
/// the conversion after one cheap scan.
fn is_traditional(c: char) -> bool {
    const FIRST: u32 = 0x3400;
    const LAST: u32 = 0x9FFF;
    static TRADITIONAL: LazyLock<Vec<u64>> = LazyLock::new(|| {
        let mut bits = vec![0u64; ((LAST - FIRST) / 64 + 1) as usize];
        let mut buf = [0u8; 4];
        for code in FIRST..=LAST {
            if let Some(c) = char::from_u32(code)
                && !fast2s::convert(c.encode_utf8(&mut buf)).starts_with(c)
            {
                let i = (code - FIRST) as usize;
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        bits
    });
    let code = c as u32;
    if !(FIRST..=LAST).contains(&code) {
        return false;
    }
    let i = (code - FIRST) as usize;
    TRADITIONAL[i / 64] & (1 << (i % 64)) != 0
}

fn is_break_or_space(c: char) -> bool {
    matches!(c, '\n' | '\r' | ' ' | '\u{3000}' | '\t')
}

fn whitespace_run_end(text: &str, from: usize) -> usize {
    from + text[from..].chars().take_while(|&c| is_break_or_space(c)).map(char::len_utf8).sum::<usize>()
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
pub fn fold_char(c: char, prev: Option<char>, next: Option<char>) -> Option<char> {
    // Only ASCII punctuation asks (most chars are none of these).
    let near_cjk = || prev.is_some_and(is_cjk_ideograph) || next.is_some_and(is_cjk_ideograph);
    match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' | '％' | '＋' => {
            char::from_u32(c as u32 - 0xFEE0)
        }
        // A full-width point only between digits: ３．５ → 3.5.
        '．' if prev.is_some_and(is_any_digit) && next.is_some_and(is_any_digit) => Some('.'),
        ',' | ';' | ':' | '!' | '?' | '(' | ')' => near_cjk().then_some(match c {
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
pub fn fold_str(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    (0..chars.len())
        .map(|i| {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            fold_char(chars[i], prev, chars.get(i + 1).copied()).unwrap_or(chars[i])
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
        let text = "强化为国担当、勇为尖兵的使命感、责任感以及更多更多的文字内容在这一行里面，责\n\n任感、紧迫感，自觉从落实国家战略出发推进各项工作";
        let clean = CleanText::new(text);
        assert!(clean.as_str().contains("，责任感、紧迫感"));
        assert_eq!(slice(text, &clean, "责任感、紧"), "责\n\n任感、紧");
        // A span ending right before the removed break does not swallow it.
        assert_eq!(slice(text, &clean, "，责"), "，责");
        assert_eq!(slice(text, &clean, "任感、紧"), "任感、紧");
    }

    #[test]
    fn removes_stray_spaces_in_prose_but_not_in_bylines() {
        let byline = "本报记者 顾一琼 祝越";
        assert_eq!(CleanText::new(byline).as_str(), byline);
        let prose = "这是一段足够长的正文内容，用来说明在正文里面我们要加快发展新质 生产力";
        let clean = CleanText::new(prose);
        assert!(clean.as_str().ends_with("新质生产力"));
        assert_eq!(slice(prose, &clean, "新质生产力"), "新质 生产力");
    }

    #[test]
    fn reads_traditional_characters_as_simplified() {
        let text = "加快發展新質生產力，建設國際科技創新中心";
        let clean = CleanText::new(text);
        assert_eq!(clean.as_str(), "加快发展新质生产力，建设国际科技创新中心");
        assert_eq!(slice(text, &clean, "新质生产力"), "新質生產力");
    }

    #[test]
    fn sorted_mapping_recovers_after_an_empty_span_at_the_end() {
        let clean = CleanText::new("一");
        assert_eq!(clean.to_original_sorted([3..3, 0..0, 0..3]), [3..3, 0..0, 0..3]);
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
