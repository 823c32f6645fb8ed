//! NUMBER, MONEY and PERCENT: an amount (4.95万亿, 三千万, 60多, 12.5) and the
//! unit written after it (元, 美元, %, 个百分点, 家, 桶), with the value in
//! `numeric` (4.95万亿元 → 4.95e12 CNY).
//!
//! Chinese numerals are mostly words, not amounts (一体, 两个大局, 三大产业,
//! 十四五, 千方百计), so a Chinese amount needs a digit first, a value above
//! one and a unit from the `cn` list, or a 万/亿 magnitude. Arabic digits need
//! a unit, or two digits or more standing free (not a code: ICP备10207042号,
//! 021-62870000, C60; not an ordinal: 第7).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};

use super::lists;
use super::numerals::{
    MAX_NUMERAL_CHARS, arabic_digits, arabic_run_end, cn_digit, cn_run_end, decimal, is_cn_numeral, parse_cn,
    power_of_ten,
};
use super::text::{CharSet, ascii_digits_end, free_on_left, free_on_right, is_han, next_char, prev_char, rest};
use crate::pipeline::types::{Entity, EntityKind, NumericValue, Source};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitKind {
    Currency(&'static str),
    Percent(&'static str),
    /// `cn`: also after a Chinese amount.
    Measure {
        cn: bool,
    },
}

struct Units {
    /// Anchored at the end of an amount; the longest unit wins.
    matcher: AhoCorasick,
    kinds: Vec<(&'static str, UnitKind)>,
    /// Durations that make a relative timestamp with 前/后 (22小时前).
    relative: Vec<&'static str>,
    /// 八项规定: formulas, not amounts.
    set_phrases: Vec<&'static str>,
    /// Names that begin with a unit's char (台湾 in 2300万台湾同胞).
    not_units: Vec<&'static str>,
}

static UNITS: LazyLock<Units> = LazyLock::new(|| {
    let all = lists::sections(lists::UNITS);
    let mut kinds: Vec<(&'static str, UnitKind)> = Vec::new();
    let mut add = |word: &'static str, kind: UnitKind| {
        if !kinds.iter().any(|(w, _)| *w == word) {
            kinds.push((word, kind));
        }
    };
    for e in all.get("currency").into_iter().flatten() {
        add(e.word, UnitKind::Currency(e.fields.first().copied().unwrap_or("")));
    }
    for e in all.get("percent").into_iter().flatten() {
        add(e.word, UnitKind::Percent(e.fields.first().copied().unwrap_or("%")));
    }
    for e in all.get("measure").into_iter().flatten() {
        add(e.word, UnitKind::Measure { cn: e.fields.contains(&"cn") });
    }
    let matcher = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .start_kind(StartKind::Anchored)
        .build(kinds.iter().map(|(w, _)| *w))
        .expect("unit list builds");
    Units {
        matcher,
        kinds,
        relative: lists::words(&all, "relative"),
        set_phrases: lists::words(&all, "set-phrases"),
        not_units: lists::words(&all, "not-units"),
    }
});

/// Symbols written before an amount: ¥300, $5.
const CURRENCY_SIGNS: [(char, &str); 5] = [('¥', "CNY"), ('￥', "CNY"), ('$', "USD"), ('€', "EUR"), ('£', "GBP")];
/// A number right after these is a phone number or a code, not an amount.
const CODE_CONTEXT: [&str; 8] = ["电话", "热线", "传真", "手机", "邮编", "QQ", "编号", "代码"];

/// An amount as written: its end, value, and how it was written.
#[derive(Debug, Clone, PartialEq)]
struct Amount {
    end: usize,
    value: f64,
    arabic: bool,
    /// Digits before the decimal point (Arabic only).
    int_digits: usize,
    decimal: bool,
    /// Has 万 or 亿 (or, for Arabic digits, any of 十百千万亿).
    big: bool,
}

/// Chars an amount can start with.
static TRIGGERS: LazyLock<CharSet> = LazyLock::new(|| {
    CharSet::new(
        ('0'..='9').chain("零〇一二两三四五六七八九十百千万亿".chars()).chain(CURRENCY_SIGNS.iter().map(|(c, _)| *c)),
    )
});

pub(super) fn find(text: &str) -> Vec<Entity> {
    let mut out = Vec::new();
    let mut next_free = 0;
    for (i, c) in text.char_indices() {
        if i < next_free || !TRIGGERS.contains(c) {
            continue;
        }
        if let Some(end) = at(text, i, c, &mut out) {
            next_free = end;
        }
    }
    out
}

/// Reads whatever starts at `i`; returns where to go on from (past a
/// rejected run too, so a long run is read once).
fn at(text: &str, i: usize, c: char, out: &mut Vec<Entity>) -> Option<usize> {
    // 百分之十二点五, 千分之三.
    let per = ["百分之", "千分之"].into_iter().find(|p| rest(text, i).starts_with(p));
    if let Some(per) = per {
        // 百分之十, 百分之一: after 百分之 a lone 十 or 一 is the amount too.
        let at = i + per.len();
        let (value, end) = amount_at(text, at).map(|a| (a.value, a.end)).or_else(|| plain_number_at(text, at))?;
        let value = if per == "千分之" { value / 10.0 } else { value };
        out.push(entity(i, end, EntityKind::Percent, value, "%", 0.95));
        return Some(end);
    }
    if let Some((value, end)) = share_at(text, i) {
        out.push(entity(i, end, EntityKind::Percent, value, "%", 0.9));
        return Some(end);
    }
    if let Some(&(_, code)) = CURRENCY_SIGNS.iter().find(|(s, _)| *s == c) {
        let start = i + c.len_utf8();
        if next_char(text, start).is_some_and(|d| d.is_ascii_digit()) {
            let amount = amount_at(text, start)?;
            // ￥500万元: the unit written after the sign's amount is part of it.
            let yuan = code == "CNY" && next_char(text, amount.end) == Some('元');
            let end = if yuan { amount.end + '元'.len_utf8() } else { amount.end };
            out.push(entity(i, end, EntityKind::Money, amount.value, code, 0.95));
            return Some(end);
        }
        return None;
    }
    let run_start = if c.is_ascii_digit() {
        !prev_char(text, i).is_some_and(|p| p.is_ascii_digit())
    } else if is_cn_numeral(c) {
        !prev_char(text, i).is_some_and(is_cn_numeral)
    } else {
        return None;
    };
    if !run_start {
        return None;
    }
    let run_end = if c.is_ascii_digit() { arabic_run_end(text, i) } else { cn_run_end(text, i) };
    let Some(amount) = amount_at(text, i) else {
        return Some(run_end);
    };
    match classify(text, i, &amount) {
        Some(e) => {
            let end = e.span.end;
            out.push(e);
            Some(end)
        }
        None => Some(run_end.max(amount.end)),
    }
}

/// A share written as a fraction or in tenths, as a percentage: 四分之一 →
/// 25, 三分之二 → 66.7; 三成 → 30, 两成多, 七成以上. 成 after a
/// numeral also begins words (两成员国), so tenths stand before
/// no other Han char than 以 (以上), 多, 左 (左右) and 的.
fn share_at(text: &str, i: usize) -> Option<(f64, usize)> {
    // Where the number ends first: most numerals are followed by neither 分 nor 成.
    let end = plain_number_end(text, i)?;
    if !matches!(next_char(text, end), Some('分' | '成')) {
        return None;
    }
    let whole = plain_number(&text[i..end])?;
    if let Some(after) = rest(text, end).strip_prefix("分之") {
        let part_at = text.len() - after.len();
        let (part, part_end) = plain_number_at(text, part_at)?;
        return (whole >= 2.0 && part > 0.0 && part <= whole).then(|| (part / whole * 100.0, part_end));
    }
    let end = end + '成'.len_utf8();
    let next = next_char(text, end);
    let word_goes_on = next.is_some_and(|c| is_han(c) && !"以多左的".contains(c));
    // 一成 ends given names too often (穗积一成, 李一成) to be read alone.
    let tenths = (2.0..=10.0).contains(&whole) && whole.fract() == 0.0;
    (tenths && !word_goes_on && free_on_left(text, i)).then_some((whole * 10.0, end))
}

/// A small number with no magnitude at `i`: Arabic digits or a Chinese
/// numeral (一 and 两 included), and where it ends.
fn plain_number_at(text: &str, i: usize) -> Option<(f64, usize)> {
    let end = plain_number_end(text, i)?;
    Some((plain_number(&text[i..end])?, end))
}

/// Where the digits or the Chinese numeral (no decimal point) at `i` end,
/// if there are any and at most 12 bytes of them.
fn plain_number_end(text: &str, i: usize) -> Option<usize> {
    let end = if next_char(text, i)?.is_ascii_digit() { ascii_digits_end(text, i) } else { cn_run_end(text, i) };
    (end > i && end - i <= 12 && !text[i..end].contains('点')).then_some(end)
}

fn plain_number(run: &str) -> Option<f64> {
    if run.starts_with(|c: char| c.is_ascii_digit()) { run.parse().ok() } else { parse_cn(run) }
}

/// The amount written at `i`: digits, magnitudes, 多/余.
fn amount_at(text: &str, i: usize) -> Option<Amount> {
    let first = next_char(text, i)?;
    let (mut digits, mut exponent, mut end, arabic, int_digits, decimal_point, mut big);
    // Chinese amounts keep their value here (parse_cn rounds once already).
    let mut cn_value = None;
    if first.is_ascii_digit() {
        end = arabic_run_end(text, i);
        if end - i > MAX_NUMERAL_CHARS {
            return None;
        }
        digits = arabic_digits(&text[i..end])?;
        exponent = 0;
        arabic = true;
        int_digits = digits.split('.').next().map_or(0, str::len);
        decimal_point = digits.contains('.');
        big = false;
        // 4.95万亿, 8000万, 3千: magnitudes after digits.
        while let Some(c) = next_char(text, end).filter(|c| power_of_ten(*c).is_some()) {
            exponent += power_of_ten(c)?;
            end += c.len_utf8();
            big = true;
        }
    } else {
        // A Chinese amount starts with a digit (or 十 and a digit: 十二): 十 alone,
        // 百年, 万众, 千帆 are words.
        let second = text[i + first.len_utf8()..].chars().next();
        if cn_digit(first).is_none() && !(first == '十' && second.and_then(cn_digit).is_some_and(|d| d > 0)) {
            return None;
        }
        end = cn_run_end(text, i);
        let run = &text[i..end];
        // 一 alone (一体, 一批, 统一) is by far the commonest run and never an
        // amount; 二 alone is an ordinal (二次开发: an amount says 两); 零件.
        let leading_zero = run.starts_with(['零', '〇']) && !run[3..].starts_with('点');
        if matches!(run, "一" | "二") || leading_zero || run.chars().count() > MAX_NUMERAL_CHARS {
            return None;
        }
        cn_value = Some(parse_cn(run)?);
        digits = String::new();
        exponent = 0;
        arabic = false;
        int_digits = 0;
        decimal_point = run.contains('点');
        big = run.contains(['万', '亿']);
    }
    // 60多, 190余, 1600多万: an approximate amount; the value is the round number.
    if let Some(c) = next_char(text, end).filter(|c| matches!(c, '多' | '余'))
        && next_char(text, end + c.len_utf8()).is_some_and(|n| is_han(n) || n.is_ascii_alphanumeric() || n == '%')
    {
        end += c.len_utf8();
        while let Some(c) = next_char(text, end).filter(|c| matches!(c, '万' | '亿')) {
            exponent += power_of_ten(c)?;
            end += c.len_utf8();
            big = true;
        }
    }
    let value = match cn_value {
        Some(v) if exponent == 0 => v,
        Some(v) => v * 10f64.powi(exponent),
        None => {
            if digits.is_empty() {
                digits.push('0');
            }
            decimal(&digits, exponent)?
        }
    };
    Some(Amount { end, value, arabic, int_digits, decimal: decimal_point, big })
}

/// What an amount at `start` is, given the unit written after it.
fn classify(text: &str, start: usize, amount: &Amount) -> Option<Entity> {
    let units = &*UNITS;
    if prev_char(text, start) == Some('第') || units.set_phrases.iter().any(|p| rest(text, start).starts_with(p)) {
        return None;
    }
    let names_follow = units.not_units.iter().any(|w| rest(text, amount.end).starts_with(w));
    let unit = units
        .matcher
        .find(Input::new(text).range(amount.end..).anchored(Anchored::Yes))
        .filter(|_| !names_follow)
        .map(|m| (units.kinds[m.pattern().as_usize()], m.end()));
    let end = unit.map_or(amount.end, |(_, e)| e);
    if amount.arabic {
        // After a Chinese unit (or %) the number is complete; otherwise the
        // text must not go on as a code (10GB is fine, 4466-313 is not).
        let right_free = match unit {
            Some(((w, _), _)) if !w.is_ascii() || w == "%" => true,
            _ => free_on_right(text, end),
        };
        if !free_on_left(text, start) || !right_free || code_context(text, start) {
            return None;
        }
    } else {
        // 一批, 一次; 三位一体 (a numeral right after the unit: a set phrase).
        if amount.value == 1.0 || next_char(text, end).is_some_and(|c| cn_digit(c).is_some()) {
            return None;
        }
    }
    let Some(((word, kind), _)) = unit else {
        return bare(text, start, amount);
    };
    match kind {
        UnitKind::Currency(code) => {
            // 二元结构, 多元: a Chinese "amount" of money is only a real one when large.
            if !amount.arabic && amount.value < 10.0 && !amount.big {
                return None;
            }
            Some(entity(start, end, EntityKind::Money, amount.value, code, 0.95))
        }
        UnitKind::Percent(unit) => Some(entity(start, end, EntityKind::Percent, amount.value, unit, 0.95)),
        UnitKind::Measure { cn } => {
            if !amount.arabic && !cn {
                return None;
            }
            // 22小时前, 3天后: a relative timestamp, not a quantity.
            if units.relative.contains(&word) && matches!(next_char(text, end), Some('前' | '后')) {
                return None;
            }
            // 2025年 is a date (the date rule has it); a number only when no date can be.
            Some(entity(start, end, EntityKind::Number, amount.value, word, 0.85))
        }
    }
}

/// An amount with no unit: 1.2亿, 3万 (职工), 313 (家 is a unit, but 30国 is not).
fn bare(text: &str, start: usize, amount: &Amount) -> Option<Entity> {
    let next = next_char(text, amount.end);
    // 7月, 15日, 9时: dates and times, read by the date rule.
    if next.is_some_and(|c| matches!(c, '年' | '月' | '日' | '号' | '时' | '点' | '分' | '秒')) {
        return None;
    }
    if amount.arabic {
        let has_han_neighbour = prev_char(text, start).is_some_and(is_han) || next.is_some_and(is_han);
        let leading_zero = text[start..].starts_with('0') && amount.int_digits > 1;
        let sized = amount.big || amount.decimal || (2..=8).contains(&amount.int_digits);
        if !has_han_neighbour || leading_zero || !sized || amount.int_digits > 12 {
            return None;
        }
        let confidence = if amount.big { 0.85 } else { 0.7 };
        return Some(entity(start, amount.end, EntityKind::Number, amount.value, "", confidence));
    }
    amount.big.then(|| entity(start, amount.end, EntityKind::Number, amount.value, "", 0.8))
}

/// 举报电话：12318 — a phone number or a code follows these words.
fn code_context(text: &str, start: usize) -> bool {
    let before: String = {
        let mut chars: Vec<char> = text[..start].chars().rev().take(4).collect();
        chars.reverse();
        chars.into_iter().collect()
    };
    CODE_CONTEXT.iter().any(|w| before.contains(w))
}

fn entity(start: usize, end: usize, kind: EntityKind, value: f64, unit: &str, confidence: f32) -> Entity {
    Entity {
        numeric: Some(NumericValue { value, unit: unit.to_string() }),
        ..Entity::new(start..end, kind, confidence, Source::Rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<(String, EntityKind, f64, String)> {
        find(text)
            .into_iter()
            .map(|e| {
                let n = e.numeric.expect("numeric value");
                (text[e.span].to_string(), e.kind, n.value, n.unit)
            })
            .collect()
    }

    fn check(text: &str, surface: &str, kind: EntityKind, value: f64, unit: &str) {
        let found = run(text);
        assert_eq!(found, [(surface.to_string(), kind, value, unit.to_string())], "{text}");
    }

    #[test]
    fn money() {
        check("总市值4.95万亿元。", "4.95万亿元", EntityKind::Money, 4.95e12, "CNY");
        check("投资300亿美元", "300亿美元", EntityKind::Money, 3e10, "USD");
        check("三千万元", "三千万元", EntityKind::Money, 3e7, "CNY");
        check("达到1,000亿元", "1,000亿元", EntityKind::Money, 1e11, "CNY");
        check("价格¥300起", "¥300", EntityKind::Money, 300.0, "CNY");
        check("投资￥500万元", "￥500万元", EntityKind::Money, 5e6, "CNY");
        check("5元", "5元", EntityKind::Money, 5.0, "CNY");
        check("20亿欧元", "20亿欧元", EntityKind::Money, 2e9, "EUR");
    }

    #[test]
    fn percents() {
        check("增长12.5%", "12.5%", EntityKind::Percent, 12.5, "%");
        check("百分之十二点五", "百分之十二点五", EntityKind::Percent, 12.5, "%");
        check("提高12.5个百分点", "12.5个百分点", EntityKind::Percent, 12.5, "percentage_point");
        check("摧毁超80%重要设施", "80%", EntityKind::Percent, 80.0, "%");
        check("百分之5", "百分之5", EntityKind::Percent, 5.0, "%");
        check("百分之零点五", "百分之零点五", EntityKind::Percent, 0.5, "%");
        check("年均增长百分之十以上", "百分之十", EntityKind::Percent, 10.0, "%");
        check("百分之一", "百分之一", EntityKind::Percent, 1.0, "%");
        check("千分之三", "千分之三", EntityKind::Percent, 0.3, "%");
        check("下降三个百分点", "三个百分点", EntityKind::Percent, 3.0, "percentage_point");
    }

    #[test]
    fn shares_as_fractions_and_tenths() {
        check("约占全国的四分之一", "四分之一", EntityKind::Percent, 25.0, "%");
        check("超过三分之二的代表", "三分之二", EntityKind::Percent, 2.0 / 3.0 * 100.0, "%");
        check("同比下降三成", "三成", EntityKind::Percent, 30.0, "%");
        check("七成以上", "七成", EntityKind::Percent, 70.0, "%");
        check("有3成的企业", "3成", EntityKind::Percent, 30.0, "%");
        for text in ["一成不变", "两成员国", "五分之六", "十分重要", "三分钟", "穗积一成，现任"]
        {
            assert!(run(text).iter().all(|f| f.1 != EntityKind::Percent), "{text}: {:?}", run(text));
        }
    }

    #[test]
    fn numbers_with_units() {
        check("释放8000万桶石油储备", "8000万桶", EntityKind::Number, 8e7, "桶");
        check("60多家企业", "60多家", EntityKind::Number, 60.0, "家");
        check("190余名研究生", "190余名", EntityKind::Number, 190.0, "名");
        check("共宣讲1600多场次", "1600多场次", EntityKind::Number, 1600.0, "场次");
        check("约3.5万场次", "3.5万场次", EntityKind::Number, 35000.0, "场次");
        check("近500万人次", "500万人次", EntityKind::Number, 5e6, "人次");
        check("313家企业上市", "313家", EntityKind::Number, 313.0, "家");
        check("32个大字", "32个", EntityKind::Number, 32.0, "个");
        check("调研上交所等三家金融机构", "三家", EntityKind::Number, 3.0, "家");
        check("三部法律", "三部", EntityKind::Number, 3.0, "部");
        check("2年间", "2年", EntityKind::Number, 2.0, "年");
        check("工作不满10年休", "10年", EntityKind::Number, 10.0, "年");
    }

    #[test]
    fn bare_numbers() {
        check("融资1.2亿，", "1.2亿", EntityKind::Number, 1.2e8, "");
        check("覆盖近3万职工", "3万", EntityKind::Number, 3e4, "");
        check("2300万台湾同胞", "2300万", EntityKind::Number, 2.3e7, "");
        check("约30国发联合声明", "30国", EntityKind::Number, 30.0, "国");
        check("增长1.5，", "1.5", EntityKind::Number, 1.5, "");
        check("增长到2500。", "2500", EntityKind::Number, 2500.0, "");
        check("一万二千", "一万二千", EntityKind::Number, 12000.0, "");
    }

    #[test]
    fn words_codes_and_ordinals_are_not_amounts() {
        for text in [
            "胸怀“两个大局”",
            "坚持“四个面向”",
            "三大先导产业",
            "“十四五”规划",
            "十五五",
            "一批标志性项目",
            "千方百计",
            "万众一心",
            "百年党史",
            "三位一体",
            "落实中央八项规定精神",
            "二元结构",
            "第七次全体会议",
            "十二届",
            "两个月",
            "三年行动计划",
            "六项纪律",
            "五篇大文章",
            "数据二十条",
            "四处奔波",
            "零部件",
            "二次开发",
            "长三角C60科创走廊",
            "G60科创走廊",
            "沪ICP备10207042号-1",
            "举报电话：021-62870000",
            "剑网行动举报电话：12318（市文化执法总队）",
            "网视备（沪）02020000020-1号",
            "Copyright © 2016 Kankanews.com",
            "时讯22小时前",
            "时讯3天前",
            "按1比2设置",
            "“1+N+1”产业体系",
            "从0到1",
            "7月7日",
            "2026/03/11",
            "21:56:43",
            "1.1.1.1",
        ] {
            let found: Vec<_> =
                run(text).into_iter().filter(|(_, k, _, u)| !(*k == EntityKind::Number && u == "年")).collect();
            assert!(found.is_empty(), "{text}: {found:?}");
        }
    }
}
