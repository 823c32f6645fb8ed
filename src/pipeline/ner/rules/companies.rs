//! Company names with a place in brackets — 平头哥(上海)半导体技术有限公司 —
//! which a character model tends to cut at the bracket.

use std::sync::LazyLock;

use regex::Regex;

use crate::pipeline::types::{Entity, EntityKind, Source, Span};

static COMPANY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"[\p{Han}A-Za-z0-9]{2,12}[（(]\p{Han}{2,6}[）)][\p{Han}A-Za-z0-9]{0,16}?",
        r"(?:股份有限公司|有限责任公司|集团有限公司|有限公司|集团|公司)"
    ))
    .expect("valid regex")
});

/// Characters that end the words before a name (a verb's particle, a
/// conjunction): the name starts after the last of them.
const LEFT_STOPS: &str = "的了在和与及、是到对向由将把被从同跟";

/// Verbs and connectives that often stand right before a company name.
const LEFT_STOP_WORDS: [&str; 14] =
    ["参观", "调研", "走访", "考察", "来到", "包括", "其中", "以及", "来自", "位于", "入驻", "举办", "表示", "指出"];

const CONFIDENCE: f32 = 0.85;

pub fn find(text: &str) -> Vec<Entity> {
    COMPANY
        .find_iter(text)
        .filter_map(|m| {
            let head = &text[m.start()..m.end()];
            let bracket = head.find(['(', '（'])?;
            let left = &head[..bracket];
            let after_char =
                left.char_indices().rev().find(|(_, c)| LEFT_STOPS.contains(*c)).map_or(0, |(i, c)| i + c.len_utf8());
            let after_word =
                LEFT_STOP_WORDS.iter().filter_map(|w| left.rfind(w).map(|i| i + w.len())).max().unwrap_or(0);
            let cut = after_char.max(after_word);
            // The name before the bracket needs two characters of its own.
            (head[cut..bracket].chars().count() >= 2).then(|| company(m.start() + cut..m.end()))
        })
        .collect()
}

fn company(span: Span) -> Entity {
    Entity {
        span,
        kind: EntityKind::Organization,
        confidence: CONFIDENCE,
        normalized: None,
        numeric: None,
        position: None,
        source: Source::Rule,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|e| &text[e.span]).collect()
    }

    #[test]
    fn finds_companies_with_a_place_in_brackets() {
        assert_eq!(names("参观了平头哥(上海)半导体技术有限公司。"), ["平头哥(上海)半导体技术有限公司"]);
        assert_eq!(names("参观平头哥(上海)半导体技术有限公司。"), ["平头哥(上海)半导体技术有限公司"]);
        assert_eq!(names("与华为技术（深圳）有限公司合作"), ["华为技术（深圳）有限公司"]);
        assert!(names("上海(浦东)新区发展").is_empty());
    }
}
