//! Document structure: paragraphs (blocks) classified as article text,
//! headings, title, metadata or web boilerplate; sentences; and the title,
//! dateline, source and authors when the page states them.
//!
//! Works on the cleaned view, where a paragraph cut by a page break is one
//! line again; every span is in view coordinates until the pipeline maps it.

use std::sync::LazyLock;

use regex::Regex;

use super::types::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// Running article text.
    Content,
    /// A short line inside the article (a subheading).
    Heading,
    /// The article's title.
    Title,
    /// Dateline, source, byline, editor.
    Metadata,
    /// Navigation, menus, video lists, footers, comment boxes.
    Boilerplate,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Block {
    pub span: Span,
    pub kind: BlockKind,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct DocumentStructure {
    pub blocks: Vec<Block>,
    pub sentences: Vec<Span>,
    /// From the first to the last article paragraph.
    pub main_content: Option<Span>,
    pub title: Option<Span>,
    /// Publication date and time as ISO 8601, when a dateline states it.
    pub published: Option<String>,
    /// The outlet: 文汇报, 看看新闻Knews, 本报 …
    pub source: Option<String>,
    pub authors: Vec<String>,
    /// Where each of `authors` is written (a byline's names are people).
    pub author_spans: Vec<Span>,
}

impl DocumentStructure {
    /// The same structure with every span mapped from `view` to the original text.
    pub fn to_original(self, view: &super::clean::CleanText) -> Self {
        let map = |s: Span| view.to_original(&s);
        DocumentStructure {
            blocks: self.blocks.into_iter().map(|b| Block { span: map(b.span), kind: b.kind }).collect(),
            sentences: view.to_original_sorted(self.sentences),
            main_content: self.main_content.map(map),
            title: self.title.map(map),
            author_spans: view.to_original_sorted(self.author_spans),
            ..self
        }
    }

    /// Spans of boilerplate blocks, sorted.
    pub fn boilerplate(&self) -> Vec<Span> {
        self.blocks.iter().filter(|b| b.kind == BlockKind::Boilerplate).map(|b| b.span.clone()).collect()
    }
}

/// A paragraph with this many Chinese characters and a full stop (。！？；) is
/// article text; titles, even long ones with commas, have no full stop.
const MIN_CONTENT_HAN: usize = 15;
/// ... or this many even without one.
const MIN_UNPUNCTUATED_CONTENT_HAN: usize = 100;
/// The title is the most substantial line above the article, at least this long.
const MIN_TITLE_HAN: usize = 6;

/// Longest outlet name read after a dateline (看看新闻Knews).
const MAX_SOURCE_CHARS: usize = 20;

/// Longest line (bytes) that can be junk or metadata: about 60 Chinese characters.
const MAX_PATTERN_LINE_BYTES: usize = 180;

/// Lines that web pages wrap around articles.
static JUNK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:看看新闻APP|扫描二维码.*|下载APP|下载客户端|登录|注册|退出登录|个人中心|首页|历史|收藏|订阅|点赞|分享|",
        r"用手机看|全部评论|推荐视频|相关新闻|热门推荐|更多|返回顶部|打印本页|关闭窗口|上一篇.*|下一篇.*|",
        r"请先登录.*|暂无评论.*|.*举报.*|.*版权所有.*|.*ICP.*|.*公网安备.*|.*许可证.*|.*征信网|.*电子标识|",
        r"关键词[:：].*|产品服务|法律条款|联系我们|关于我们|网站地图|⁺|[•·]\s*.*|",
        r"\d{1,2}:\d{2}(?::\d{2})?|.*\d+(?:分钟|小时|天)前|.*\d{4}/\d{2}/\d{2}.*)$"
    ))
    .expect("valid regex")
});

/// Lines that state who wrote or published the article.
static METADATA: LazyLock<Regex> = LazyLock::new(|| {
    // A byline may be set as a heading (## 本报记者 顾一琼 祝越).
    Regex::new(
        r"^(?:#+\s*)?(?:本报记者|记者|通讯员|信息来源|来源|发布时间|发布日期|编辑|责任编辑|作者|摄影|图片来源)[\s:：]",
    )
    .expect("valid regex")
});

static DATETIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?").expect("valid regex")
});

static SOURCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:信息来源|来源)[:：]\s*([^\s:：]+)").expect("valid regex"));

static AUTHORS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:本报记者|记者|作者)[:：\s]\s*((?:\p{Han}{2,4}\s*)+)").expect("valid regex"));

struct Line {
    span: Span,
    han: usize,
    punctuated: bool,
    junk: bool,
    metadata: bool,
}

pub fn analyze(text: &str) -> DocumentStructure {
    let lines = lines(text);
    let is_content = |l: &Line| {
        !l.junk && !l.metadata && (l.han >= MIN_UNPUNCTUATED_CONTENT_HAN || (l.han >= MIN_CONTENT_HAN && l.punctuated))
    };
    // A sentence wedged between two junk lines is an item of a list of links
    // (a video list's headline), not article text.
    let content: Vec<bool> = (0..lines.len())
        .map(|i| {
            let junk_at = |j: Option<usize>| j.and_then(|j| lines.get(j)).is_some_and(|l| l.junk);
            is_content(&lines[i]) && !(junk_at(i.checked_sub(1)) && junk_at(Some(i + 1)))
        })
        .collect();
    let is_content = |i: usize| content[i];
    let first = (0..lines.len()).find(|&i| is_content(i));
    let last = (0..lines.len()).rfind(|&i| is_content(i));
    let mut structure = DocumentStructure::default();
    let (Some(first), Some(last)) = (first, last) else {
        // No article paragraph at all (a phrase, a list, a short note): treat
        // everything as content rather than guess it away.
        structure.blocks = lines.iter().map(|l| Block { span: l.span.clone(), kind: BlockKind::Content }).collect();
        structure.sentences = sentences(text, &structure.blocks);
        structure.main_content = (!text.is_empty()).then_some(0..text.len());
        return structure;
    };
    // The title: the most substantial plain line above the article.
    let title = (0..first)
        .filter(|&i| !lines[i].junk && !lines[i].metadata && lines[i].han >= MIN_TITLE_HAN)
        .filter(|&i| !DATETIME.is_match(&text[lines[i].span.clone()]))
        .max_by_key(|&i| (lines[i].han, std::cmp::Reverse(i)));
    for (i, line) in lines.iter().enumerate() {
        let line_text = &text[line.span.clone()];
        let kind = if Some(i) == title {
            BlockKind::Title
        } else if line.metadata || ((i < first || i > last) && DATETIME.is_match(line_text) && !line.junk) {
            BlockKind::Metadata
        } else if line.junk {
            BlockKind::Boilerplate
        } else if is_content(i) {
            BlockKind::Content
        } else if i > first && i < last {
            BlockKind::Heading
        } else {
            BlockKind::Boilerplate
        };
        structure.blocks.push(Block { span: line.span.clone(), kind });
    }
    structure.main_content = Some(lines[first].span.start..lines[last].span.end);
    structure.title = title.map(|i| lines[i].span.clone());
    read_metadata(text, &mut structure);
    structure.sentences = sentences(text, &structure.blocks);
    structure
}

fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let end = start + piece.len();
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            let offset = start + (piece.len() - piece.trim_start().len());
            let span = offset..offset + trimmed.len();
            // Menu items and bylines are short; a long line is never matched
            // against their patterns (the regexes are the costly part here).
            let short = trimmed.len() <= MAX_PATTERN_LINE_BYTES;
            out.push(Line {
                han: trimmed.chars().filter(|&c| super::clean::is_cjk_ideograph(c)).count(),
                punctuated: trimmed.contains(['。', '！', '？', '；']),
                junk: short && JUNK.is_match(trimmed),
                metadata: short && METADATA.is_match(trimmed),
                span,
            });
        }
        start = end;
    }
    out
}

/// Fills published date, source and authors from metadata lines and the
/// article's first paragraph (本报讯).
fn read_metadata(text: &str, structure: &mut DocumentStructure) {
    for block in &structure.blocks {
        let line = &text[block.span.clone()];
        if block.kind == BlockKind::Metadata {
            if structure.published.is_none()
                && let Some(c) = DATETIME.captures(line)
            {
                structure.published = Some(iso_datetime(&c));
            }
            if structure.source.is_none() {
                if let Some(c) = SOURCE.captures(line) {
                    structure.source = Some(c[1].to_string());
                } else if let Some(m) = DATETIME.find(line) {
                    // A dateline such as "2025-07-27 21:56:43 看看新闻Knews";
                    // not a bracketed note "(2023年12月18日…全体会议通过)".
                    let rest = line[m.end()..].trim();
                    let note = line.starts_with(['(', '（']);
                    if !note
                        && !rest.is_empty()
                        && rest.chars().count() <= MAX_SOURCE_CHARS
                        && !rest.contains(['：', ':'])
                    {
                        structure.source = Some(rest.to_string());
                    }
                }
            }
            if let Some(c) = AUTHORS.captures(line) {
                let names = c.get(1).map_or(0..0, |m| m.range());
                let base = block.span.start + names.start;
                for (at, name) in split_whitespace_indices(&line[names]) {
                    structure.authors.push(name.to_string());
                    structure.author_spans.push(base + at..base + at + name.len());
                }
            }
        } else if block.kind == BlockKind::Content && structure.source.is_none() && line.starts_with("本报讯") {
            structure.source = Some("本报".to_string());
        }
    }
}

/// The words of `text` and their byte offsets.
fn split_whitespace_indices(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace().map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
}

fn iso_datetime(c: &regex::Captures) -> String {
    let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let date = format!("{}-{:02}-{:02}", &c[1], num(2).unwrap_or(0), num(3).unwrap_or(0));
    match (num(4), num(5)) {
        (Some(h), Some(m)) => format!("{date}T{h:02}:{m:02}:{:02}", num(6).unwrap_or(0)),
        _ => date,
    }
}

/// Sentences of every non-boilerplate block: split after 。！？!?；… and any
/// closing quotes or brackets that follow.
fn sentences(text: &str, blocks: &[Block]) -> Vec<Span> {
    let mut out = Vec::new();
    for block in blocks.iter().filter(|b| b.kind != BlockKind::Boilerplate) {
        let mut start = block.span.start;
        let mut chars = text[block.span.clone()].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | '…') {
                let mut end = block.span.start + i + c.len_utf8();
                while let Some(&(j, next)) = chars.peek() {
                    if matches!(next, '”' | '’' | '」' | '』' | '）' | ')' | '…' | '。' | '！' | '？') {
                        end = block.span.start + j + next.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(start..end);
                start = end;
            }
        }
        if start < block.span.end {
            out.push(start..block.span.end);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::clean::CleanText;

    const SCRAPE: &str = include_str!("../../tests/fixtures/articles/002_2d8b69315731fb98.txt");
    const PAPER: &str = include_str!("../../tests/fixtures/articles/004_cf4ae71d46783a76.txt");

    fn kind_of(text: &str, s: &DocumentStructure, needle: &str) -> BlockKind {
        let at = text.find(needle).unwrap();
        s.blocks.iter().find(|b| b.span.contains(&at)).unwrap().kind
    }

    #[test]
    fn a_web_scrape_separates_article_from_menus_and_video_list() {
        let view = CleanText::new(SCRAPE);
        let text = view.as_str();
        let s = analyze(text);
        let title = view.to_original(&s.title.clone().unwrap());
        assert_eq!(&SCRAPE[title], "部市共建上海国际科技创新中心工作推进会举行,陈吉宁阴和俊出席并讲话");
        for junk in ["扫描二维码下载APP", "退出登录", "全部评论", "推荐视频", "时讯22小时前", "网上有害信息举报专区"]
        {
            assert_eq!(kind_of(text, &s, junk), BlockKind::Boilerplate, "{junk}");
        }
        assert_eq!(kind_of(text, &s, "陈吉宁指出"), BlockKind::Content);
        assert_eq!(s.published.as_deref(), Some("2025-07-27T21:56:43"));
        assert_eq!(s.source.as_deref(), Some("看看新闻Knews"));
        let main = &text[s.main_content.clone().unwrap()];
        assert!(main.starts_with("2025年部市共建") && !main.contains("推荐视频"));
    }

    #[test]
    fn a_newspaper_page_has_title_source_and_sentences() {
        let view = CleanText::new(PAPER);
        let text = view.as_str();
        let s = analyze(text);
        assert_eq!(s.source.as_deref(), Some("文汇报"));
        assert!(s.published.is_some());
        assert!(s.sentences.len() > 20);
        for sentence in &s.sentences {
            let body = text[sentence.clone()].trim_end_matches(['”', '’', '）']);
            assert!(!body.is_empty());
        }
    }

    #[test]
    fn a_byline_set_as_a_heading_names_the_authors_and_a_bracketed_note_is_no_source() {
        const RESOLUTION: &str = include_str!("../../tests/fixtures/articles/001_997f95b8fd1f40f4.txt");
        let view = CleanText::new(RESOLUTION);
        let text = view.as_str();
        let s = analyze(text);
        assert_eq!(s.authors, ["顾一琼", "祝越", "王嘉旻"]);
        let written: Vec<&str> = s.author_spans.iter().map(|span| &text[span.clone()]).collect();
        assert_eq!(written, s.authors);
        assert_eq!(kind_of(text, &s, "本报记者 顾一琼"), BlockKind::Metadata);
        assert_eq!(s.source, None);
        assert_eq!(s.published.as_deref(), Some("2023-12-18"));
    }

    #[test]
    fn a_short_text_is_all_content() {
        let s = analyze("发展新质生产力");
        assert_eq!(s.blocks.len(), 1);
        assert_eq!(s.blocks[0].kind, BlockKind::Content);
        assert!(s.boilerplate().is_empty());
    }
}
