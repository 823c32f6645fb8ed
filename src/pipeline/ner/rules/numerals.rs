//! Reading numerals: Arabic (1,000.5) and Chinese (三千万, 十二点五, 二〇二五).
//! Shared by the date/time and the amount rules.

/// Longest numeral the rules read: anything longer is a code or a stray run,
/// not an amount or a date (and skipping it keeps the scan linear).
pub(super) const MAX_NUMERAL_CHARS: usize = 24;

/// 零〇一二两三四五六七八九 → 0..9.
pub(super) fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// 十百千万亿 → their value.
pub(super) fn cn_magnitude(c: char) -> Option<f64> {
    Some(match c {
        '十' => 10.0,
        '百' => 100.0,
        '千' => 1e3,
        '万' => 1e4,
        '亿' => 1e8,
        _ => return None,
    })
}

pub(super) fn is_cn_numeral(c: char) -> bool {
    cn_digit(c).is_some() || cn_magnitude(c).is_some()
}

/// The end of the Chinese numeral run at `at`; 点 belongs to it only between
/// numerals (十二点五), so 三点要求 stops before 点.
pub(super) fn cn_run_end(text: &str, at: usize) -> usize {
    let mut end = at;
    let mut chars = text[at..].chars().peekable();
    while let Some(c) = chars.next() {
        let decimal_point = c == '点' && end > at && chars.peek().is_some_and(|n| cn_digit(*n).is_some());
        if !(is_cn_numeral(c) || decimal_point) {
            break;
        }
        end += c.len_utf8();
    }
    end
}

/// The end of the Arabic numeral run at `at`: digits, with `,` and `.` kept
/// only between digits (1,000.5).
pub(super) fn arabic_run_end(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = at;
    while end < bytes.len() {
        let b = bytes[end];
        let joins = matches!(b, b',' | b'.')
            && end > at
            && bytes[end - 1].is_ascii_digit()
            && bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
        if b.is_ascii_digit() || joins {
            end += 1;
        } else {
            break;
        }
    }
    end
}

/// `1,000.5` → 1000.5. None for a malformed run (1.2.3, 1,00).
#[cfg(test)]
pub(super) fn parse_arabic(s: &str) -> Option<f64> {
    decimal(&arabic_digits(s)?, 0)
}

/// `1,000.5` → `1000.5`: the run checked, thousands separators dropped.
pub(super) fn arabic_digits(s: &str) -> Option<String> {
    let mut int_and_frac = s.split('.');
    let int = int_and_frac.next()?;
    let frac = int_and_frac.next();
    if int_and_frac.next().is_some() || int.is_empty() || frac.is_some_and(|f| f.is_empty() || f.contains(',')) {
        return None;
    }
    if int.contains(',') {
        let mut groups = int.split(',');
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
            return None;
        }
    }
    Some(s.chars().filter(|c| *c != ',').collect())
}

/// A Chinese integer: 十二, 一百零五, 三千万, 三亿五千万, 四万亿, 三百五 (=350).
/// None when two digits touch without a unit between them (十四五, 二〇二五:
/// a formula or a digit string, see [`parse_cn_digit_string`]).
pub(super) fn parse_cn_integer(s: &str) -> Option<f64> {
    let (mut total, mut section, mut small) = (0.0f64, 0.0f64, 0.0f64);
    let mut digit: Option<f64> = None;
    let mut last_unit = 0.0f64;
    let mut zero_since_unit = false;
    let mut any = false;
    for c in s.chars() {
        if let Some(d) = cn_digit(c) {
            if digit.is_some() {
                return None;
            }
            if d == 0 {
                zero_since_unit = true;
            } else {
                digit = Some(d as f64);
            }
            any = true;
            continue;
        }
        let unit = cn_magnitude(c)?;
        any = true;
        match c {
            '万' => {
                let v = small + digit.take().unwrap_or(0.0);
                section += if v == 0.0 { 1.0 } else { v } * unit;
                small = 0.0;
            }
            '亿' => {
                let v = section + small + digit.take().unwrap_or(0.0);
                total += if v == 0.0 { 1.0 } else { v } * unit;
                section = 0.0;
                small = 0.0;
            }
            _ => small += digit.take().unwrap_or(1.0) * unit,
        }
        last_unit = unit;
        zero_since_unit = false;
    }
    if !any {
        return None;
    }
    // 三百五 = 350, 一万五 = 15000: a last digit right after a big unit counts a tenth of it.
    let tail = match digit {
        Some(d) if last_unit >= 100.0 && !zero_since_unit => d * last_unit / 10.0,
        Some(d) => d,
        None => 0.0,
    };
    Some(total + section + small + tail)
}

/// A digit string: 二〇二五 → 2025, 一九九八 → 1998 (two digits or more, no units, no 两).
pub(super) fn parse_cn_digit_string(s: &str) -> Option<u32> {
    if s.chars().count() < 2 || s.contains('两') {
        return None;
    }
    s.chars().try_fold(0u32, |acc, c| acc.checked_mul(10)?.checked_add(cn_digit(c)?))
}

/// A Chinese numeral with an optional decimal part and trailing magnitude:
/// 十二点五 → 12.5, 三点五万 → 35000, 三千万 → 3e7.
pub(super) fn parse_cn(s: &str) -> Option<f64> {
    let Some((int, rest)) = s.split_once('点') else {
        return parse_cn_integer(s);
    };
    let int = parse_cn_integer(int)?;
    let frac_end = rest.char_indices().find(|(_, c)| cn_digit(*c).is_none()).map_or(rest.len(), |(i, _)| i);
    let (frac, magnitudes) = rest.split_at(frac_end);
    let frac: String = frac.chars().filter_map(cn_digit).map(|d| char::from(b'0' + d as u8)).collect();
    if frac.is_empty() {
        return None;
    }
    let mut exponent = 0;
    for c in magnitudes.chars() {
        exponent += power_of_ten(c)?;
    }
    decimal(&format!("{int:.0}.{frac}"), exponent)
}

/// The power of ten of a magnitude char: 万 → 4.
pub(super) fn power_of_ten(c: char) -> Option<i32> {
    Some(match c {
        '十' => 1,
        '百' => 2,
        '千' => 3,
        '万' => 4,
        '亿' => 8,
        _ => return None,
    })
}

/// `digits × 10^exponent`, rounded once (so 4.95万亿 is exactly 4.95e12).
pub(super) fn decimal(digits: &str, exponent: i32) -> Option<f64> {
    format!("{digits}e{exponent}").parse().ok().filter(|v: &f64| v.is_finite())
}

/// A small integer written at `at` (a month, a day, an hour): 1–2 Arabic
/// digits, or a Chinese numeral up to 99 (两 only if `liang`: 两点 is a time,
/// 两月 no month). Returns the value and its end.
pub(super) fn small_int_at(text: &str, at: usize, liang: bool) -> Option<(u32, usize)> {
    let first = text[at..].chars().next()?;
    if first.is_ascii_digit() {
        let end = super::text::ascii_digits_end(text, at);
        if end - at > 2 {
            return None;
        }
        return Some((text[at..end].parse().ok()?, end));
    }
    let mut end = at;
    for c in text[at..].chars() {
        let ok = matches!(c, '零' | '〇' | '十') || (cn_digit(c).is_some() && (liang || c != '两'));
        if !ok || end - at >= 4 * 3 {
            break;
        }
        end += c.len_utf8();
    }
    if end == at {
        return None;
    }
    let value = parse_cn_integer(&text[at..end])?;
    (value < 100.0).then_some((value as u32, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_chinese_integers() {
        for (s, v) in [
            ("十二", 12.0),
            ("二十", 20.0),
            ("一百零五", 105.0),
            ("三百五", 350.0),
            ("一万五", 15000.0),
            ("一万二千", 12000.0),
            ("三千万", 3e7),
            ("三亿五千万", 3.5e8),
            ("四万亿", 4e12),
            ("两千零二十五", 2025.0),
            ("二十万", 2e5),
            ("十", 10.0),
            ("三十一", 31.0),
        ] {
            assert_eq!(parse_cn_integer(s), Some(v), "{s}");
        }
        for s in ["十四五", "二〇二五", "", "二五"] {
            assert_eq!(parse_cn_integer(s), None, "{s}");
        }
    }

    #[test]
    fn parses_decimals_digit_strings_and_arabic() {
        assert_eq!(parse_cn("十二点五"), Some(12.5));
        assert_eq!(parse_cn("三点五万"), Some(35000.0));
        assert_eq!(parse_cn("零点五"), Some(0.5));
        assert_eq!(parse_cn_digit_string("二〇二五"), Some(2025));
        assert_eq!(parse_cn_digit_string("一九九八"), Some(1998));
        assert_eq!(parse_cn_digit_string("两〇"), None);
        assert_eq!(parse_arabic("1,000.5"), Some(1000.5));
        assert_eq!(parse_arabic("4.95"), Some(4.95));
        assert_eq!(parse_arabic("1.2.3"), None);
        assert_eq!(parse_arabic("1,00"), None);
    }

    #[test]
    fn finds_the_ends_of_runs() {
        let t = "十二点五和三点要求1,000.5元";
        assert_eq!(&t[..cn_run_end(t, 0)], "十二点五");
        let san = t.find("三点").unwrap();
        assert_eq!(&t[san..cn_run_end(t, san)], "三");
        let n = t.find('1').unwrap();
        assert_eq!(&t[n..arabic_run_end(t, n)], "1,000.5");
        assert_eq!(small_int_at("12月", 0, false), Some((12, 2)));
        assert_eq!(small_int_at("十二月", 0, false), Some((12, 6)));
        assert_eq!(small_int_at("两点", 0, false), None);
        assert_eq!(small_int_at("两点", 0, true), Some((2, 3)));
        assert_eq!(small_int_at("2025年", 0, false), None);
    }
}
