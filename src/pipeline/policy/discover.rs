//! Formulations that are not in the lexicon, recognized by their shape:
//! five-year-plan codes (十五五), digit codes (1+N+1) and quoted numeric
//! formulas (“三个一批”, “四大工程”). Kept deliberately conservative: quoted
//! metaphors (“开门红”, “硬科技”) and unquoted counts (三大产业高地) are common
//! in news and are not policy phrases, so they are not guessed at.

use std::sync::LazyLock;

use regex::Regex;

use crate::pipeline::types::{PhraseKind, PolicyPhrase, Source, Span};

/// Confidence of a discovered phrase: below any lexicon hit (1.0).
const CODE_CONFIDENCE: f32 = 0.8;
const QUOTED_FORMULA_CONFIDENCE: f32 = 0.7;
const QUOTED_PROGRAMME_CONFIDENCE: f32 = 0.6;

/// 十二五 … 十九五: five-year-plan code names.
static PLAN_CODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"十[一二三四五六七八九]五").expect("valid regex"));

/// 1+N+1, 1+2+3+4, 1+1+N: numeric code names of policy systems.
static DIGIT_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9N]{1,2}(?:\+[0-9N]{1,2}){1,5}").expect("valid regex"));

/// A numeral, a classifier and a short head inside Chinese quotes:
/// “两个维护”, “三大工程”, “四下基层”, “六稳”.
static QUOTED_FORMULA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"“([一二三四五六七八九十两]{1,2}(?:个|大|项|条|位|种|新|化|链|所|区|下|要|不|稳|保|心|点|张)[\p{Han}]{0,6})”",
    )
    .expect("valid regex")
});

/// A named programme in quotes: “净风行动”, “城市更新示范工程”. A quoted
/// plan with a duration (“三年行动计划”) is a document, not a name.
static QUOTED_PROGRAMME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"“(\p{Han}{2,10}(?:行动|工程|计划|试点))”").expect("valid regex"));

/// Phrases of `text` found by shape, skipping anything `taken` (lexicon
/// hits: sorted, non-overlapping spans into the same text) already covers.
pub fn discover(text: &str, taken: &[Span]) -> Vec<(Span, PolicyPhrase)> {
    let mut found = Vec::new();
    let mut push = |span: Span, kind: PhraseKind, confidence: f32| {
        let next = taken.partition_point(|t| t.end <= span.start);
        let overlaps = taken.get(next).is_some_and(|t| t.start < span.end);
        if !overlaps {
            found.push((
                span.clone(),
                PolicyPhrase {
                    canonical: text[span.clone()].to_string(),
                    span,
                    category: "discovered".into(),
                    kind,
                    phrase_id: String::new(),
                    source: Source::Discovered,
                    confidence,
                },
            ));
        }
    };
    for m in PLAN_CODE.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        // 二十五五 or 十五五年 are numbers, not plan codes.
        if !before.is_some_and(is_numeral) && !after.is_some_and(|c| is_numeral(c) || "年岁日号%个人万亿元".contains(c))
        {
            push(m.range(), PhraseKind::Numbered, CODE_CONFIDENCE);
        }
    }
    for m in DIGIT_CODE.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        // Arithmetic (1+1=2) and longer numbers are not codes.
        let arithmetic = after.is_some_and(|c| c == '=' || c == '＝' || c.is_ascii_alphanumeric() || c == '.');
        if !arithmetic && !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '+' || c == '.') {
            push(m.range(), PhraseKind::Numbered, CODE_CONFIDENCE);
        }
    }
    for caps in QUOTED_FORMULA.captures_iter(text) {
        if let Some(inner) = caps.get(1) {
            push(inner.range(), PhraseKind::Numbered, QUOTED_FORMULA_CONFIDENCE);
        }
    }
    for caps in QUOTED_PROGRAMME.captures_iter(text) {
        if let Some(inner) = caps.get(1) {
            let name = inner.as_str();
            let dated = name.chars().take_while(|c| is_numeral(*c)).count() > 0
                && name.chars().find(|c| !is_numeral(*c)) == Some('年');
            if !dated {
                push(inner.range(), PhraseKind::Campaign, QUOTED_PROGRAMME_CONFIDENCE);
            }
        }
    }
    found
}

fn is_numeral(c: char) -> bool {
    "零〇一二三四五六七八九十百千万两".contains(c) || c.is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        discover(text, &[]).into_iter().map(|(span, _)| &text[span]).collect()
    }

    #[test]
    fn finds_codes_and_quoted_numeric_formulas() {
        assert_eq!(texts("编制“十五五”规划，构建1+N+1政策体系，落实“三个一批”"), ["十五五", "1+N+1", "三个一批"]);
        assert_eq!(texts("“十三五”时期"), ["十三五"]);
        assert_eq!(texts("开展“净风行动”和“三年行动计划”"), ["净风行动"]);
    }

    #[test]
    fn leaves_numbers_arithmetic_and_plain_quotes_alone() {
        assert!(texts("二十五五年前，1+1=2，共3+4.5个，“开门红”，三大产业高地").is_empty());
    }

    #[test]
    fn skips_what_the_lexicon_already_covers() {
        let text = "“两个大局”";
        let taken = text.find('两').unwrap()..text.find('”').unwrap();
        assert!(discover(text, std::slice::from_ref(&taken)).is_empty());
    }
}
