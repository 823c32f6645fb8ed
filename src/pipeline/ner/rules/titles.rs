//! DOCUMENT: every 《…》 title, normalized to the title without its brackets;
//! but a newspaper or magazine (《人民日报》, 《社会周刊》) is the body that
//! publishes it: an ORGANIZATION, the name inside the brackets, as the news
//! corpora label it (据《文汇报》报道).
//!
//! Titles nest (《关于〈条例〉的说明》, rarely 《…《…》…》): the outermost pair
//! is the entity. One pass with a stack keeps this linear; an opening 《 that
//! is never closed on its line is dropped, and titles closed inside it
//! still count.

use crate::pipeline::types::{Entity, EntityKind, Source, Span};

/// A title longer than this (in bytes, ~300 chars) is an unclosed 《 that ran on.
const MAX_TITLE_BYTES: usize = 900;
/// Nesting deeper than this is not a title.
const MAX_DEPTH: usize = 8;

pub(super) fn find(text: &str) -> Vec<Entity> {
    let mut spans: Vec<Span> = Vec::new();
    // Open 《 positions, outermost first.
    let mut open: Vec<usize> = Vec::new();
    // Titles closed inside a 《 that is still open.
    let mut inner: Vec<Span> = Vec::new();
    for (i, c) in text.char_indices() {
        if open.first().is_some_and(|&o| i - o > MAX_TITLE_BYTES) || (c == '\n' && !open.is_empty()) {
            flush_unclosed(&mut spans, &mut inner, &mut open);
        }
        match c {
            '《' => {
                if open.len() == MAX_DEPTH {
                    flush_unclosed(&mut spans, &mut inner, &mut open);
                }
                open.push(i);
            }
            '》' => {
                let Some(start) = open.pop() else { continue };
                let span = start..i + c.len_utf8();
                if open.is_empty() {
                    inner.clear();
                    spans.push(span);
                } else {
                    inner.retain(|s| s.start < start);
                    inner.push(span);
                }
            }
            _ => {}
        }
    }
    flush_unclosed(&mut spans, &mut inner, &mut open);
    spans.sort_by_key(|s| s.start);
    spans
        .into_iter()
        .filter(|s| s.len() > "《》".len() && !text[s.start + 3..s.end - 3].trim().is_empty())
        .map(|span| {
            let inner = span.start + '《'.len_utf8()..span.end - '》'.len_utf8();
            let title = text[inner.clone()].trim().to_string();
            // A periodical written without spaces in its brackets: its span is the name.
            let periodical = is_periodical(&title) && title == text[inner.clone()];
            let document =
                Entity { normalized: Some(title), ..Entity::new(span, EntityKind::Document, 0.99, Source::Rule) };
            if periodical {
                Entity { span: inner, kind: EntityKind::Organization, confidence: 0.9, normalized: None, ..document }
            } else {
                document
            }
        })
        .collect()
}

/// Periodicals end so; 公报, 通报, 简报, 汇报, 情报 are documents (联合公报).
const PERIODICAL_ENDS: [&str; 4] = ["报", "周刊", "月刊", "杂志"];
const NOT_PERIODICAL_ENDS: [&str; 5] = ["公报", "通报", "简报", "汇报", "情报"];
/// A periodical's name is short; a long title ending in 报 is a report's.
const MAX_PERIODICAL_CHARS: usize = 10;

fn is_periodical(title: &str) -> bool {
    PERIODICAL_ENDS.iter().any(|e| title.ends_with(e))
        && !NOT_PERIODICAL_ENDS.iter().any(|e| title.ends_with(e))
        && (2..=MAX_PERIODICAL_CHARS).contains(&title.chars().count())
        && !title.contains("关于")
}

/// The open 《 were never closed: keep the titles closed inside them.
fn flush_unclosed(spans: &mut Vec<Span>, inner: &mut Vec<Span>, open: &mut Vec<usize>) {
    spans.append(inner);
    open.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<(String, String)> {
        find(text).into_iter().map(|e| (text[e.span].to_string(), e.normalized.unwrap())).collect()
    }

    #[test]
    fn finds_titles_and_strips_the_brackets() {
        let text = "全会审议通过《中共上海市委关于深入学习贯彻的意见》。陈吉宁就《意见》（讨论稿）作了说明";
        assert_eq!(
            run(text),
            [
                ("《中共上海市委关于深入学习贯彻的意见》".into(), "中共上海市委关于深入学习贯彻的意见".into()),
                ("《意见》".into(), "意见".into()),
            ]
        );
    }

    #[test]
    fn nested_titles_give_the_outermost() {
        assert_eq!(
            run("《关于〈民法典〉的说明》"),
            [("《关于〈民法典〉的说明》".into(), "关于〈民法典〉的说明".into())]
        );
        assert_eq!(run("《关于《条例》的说明》和《决定》").len(), 2);
        assert_eq!(run("《关于《条例》的说明》")[0].1, "关于《条例》的说明");
    }

    #[test]
    fn newspapers_and_magazines_are_organizations() {
        let text = "据《人民日报》和《社会周刊》报道，《中美联合公报》";
        let found: Vec<(String, EntityKind)> =
            find(text).into_iter().map(|e| (text[e.span].to_string(), e.kind)).collect();
        assert_eq!(
            found,
            [
                ("人民日报".to_string(), EntityKind::Organization),
                ("社会周刊".to_string(), EntityKind::Organization),
                ("《中美联合公报》".to_string(), EntityKind::Document),
            ]
        );
    }

    #[test]
    fn unclosed_and_empty_brackets() {
        assert_eq!(run("《未闭合的标题\n《条例》"), [("《条例》".into(), "条例".into())]);
        assert_eq!(run("《外层《条例》没有闭合"), [("《条例》".into(), "条例".into())]);
        assert!(run("《》《 》》》《").is_empty());
        let long = format!("《{}》", "字".repeat(400));
        assert!(run(&long).is_empty());
    }
}
