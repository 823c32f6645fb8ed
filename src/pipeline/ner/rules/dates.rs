//! DATE and TIME: absolute dates (2025年7月7日, 2025-07-27, 二〇二五年, 七月七日),
//! relative ones (今天, 去年, 本月15日, 上世纪90年代), days of the month alone
//! (北京12日电), days of the week (星期三, 本周五), clock times (21:56:43,
//! 下午3点30分) and parts of the day (上午, 晚上).
//!
//! The scan is reference-free: it records what is written (`Year::Rel(-1)` for
//! 去年); [`to_entities`] resolves that against the reference date afterwards,
//! so one scan also yields the document's own date ([`document_date`]).
//!
//! A date and the time after it are two entities (昨天 + 下午, 2025-07-27 +
//! 21:56:43): the linker and the clients get one value per entity.
//!
//! Durations are not dates: a year needs four digits (三年, 2年间 are not
//! dates), and 22小时前 / 3天前 are left out altogether.

use std::sync::LazyLock;

use super::calendar;
use super::numerals::{
    MAX_NUMERAL_CHARS, cn_digit, cn_run_end, is_cn_numeral, parse_cn_digit_string, parse_cn_integer, small_int_at,
};
use super::text::{
    CharSet, alone_on_line, ascii_digits_end, free_on_left, is_han, next_char, prev_char, rest, word_at,
};
use crate::pipeline::types::{CivilDate, Entity, EntityKind, Source, Span};

/// The year of a calendar date as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Year {
    Abs(i32),
    /// Years from the reference: 去年 = -1.
    Rel(i32),
    /// Not written (7月7日): the reference year, or the year before when that
    /// puts the date more than six months after the reference.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateValue {
    /// A calendar date, possibly partial: 2025年7月7日, 今年4月, 1998年, 7月7日.
    Calendar { year: Year, month: Option<u32>, day: Option<u32> },
    /// 今天 (0), 昨天 (-1).
    RelDay(i64),
    /// 本月 (0), 上月 (-1), 本月15日.
    RelMonth { months: i32, day: Option<u32> },
    /// 本周 (0), 上周 (-1).
    RelWeek(i64),
    /// The first year of a decade: 1990年代, 20世纪90年代.
    Decade(i32),
    /// 90年代 with no century written: the decade digit.
    BareDecade(u32),
    /// 上世纪90年代: centuries from the reference's, and the decade digit.
    RelDecade { centuries: i32, decade: u32 },
    /// 21世纪 → 20 (ISO 8601 writes a century as its first two digits).
    Century(i32),
    /// 上世纪 (-1), 本世纪 (0).
    RelCentury(i32),
    /// A day of the month with no month written (新华社北京12日电, 3日至5日):
    /// the reference's month, or the one before or after when that puts the
    /// day nearer the reference.
    Day(u32),
    /// A day of the week, 1 Monday to 7 Sunday: 本周五 (`weeks` 0), 上周六
    /// (-1); 星期三 alone (None) names no week.
    Weekday { weeks: Option<i64>, day: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Clock {
    pub hour: u32,
    pub minute: u32,
    pub second: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Value {
    Date(DateValue),
    /// None: a part of the day with no hour (下午).
    Time(Option<Clock>),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Found {
    pub span: Span,
    pub value: Value,
}

/// Every date and time expression in `text`, in order, non-overlapping.
pub(super) fn scan(text: &str) -> Vec<Found> {
    let mut scanner = Scanner { text, out: Vec::new() };
    scanner.run();
    scanner.out
}

/// The first complete date written in the text (a dateline 2025-07-27, or
/// 2025年7月27日): what 昨天 and 7月7日 mean when no reference is given.
pub(super) fn document_date(found: &[Found]) -> Option<CivilDate> {
    found.iter().find_map(|f| match f.value {
        Value::Date(DateValue::Calendar { year: Year::Abs(year), month: Some(month), day: Some(day) }) => {
            let date = CivilDate { year, month, day };
            date.is_valid().then_some(date)
        }
        _ => None,
    })
}

pub(super) fn to_entities(found: Vec<Found>, reference: Option<CivilDate>) -> Vec<Entity> {
    let entities = found.into_iter().map(|f| {
        let (kind, normalized, confidence) = match f.value {
            Value::Date(d) => (EntityKind::Date, normalize_date(d, reference), date_confidence(d)),
            Value::Time(Some(c)) => (EntityKind::Time, Some(normalize_clock(c)), 0.9),
            Value::Time(None) => (EntityKind::Time, None, 0.75),
        };
        Entity { normalized, ..Entity::new(f.span, kind, confidence, Source::Rule) }
    });
    join_dates_and_times(entities)
}

/// A time written right after its date is one DATE: 昨天下午 (the date's
/// value), 7月1日下午4时 (`2019-07-01T16:00` when both are complete).
fn join_dates_and_times(entities: impl Iterator<Item = Entity>) -> Vec<Entity> {
    let mut out: Vec<Entity> = Vec::new();
    for e in entities {
        if let Some(date) = out.last_mut()
            && date.kind == EntityKind::Date
            && e.kind == EntityKind::Time
            && date.span.end == e.span.start
        {
            let full_day = date.normalized.as_deref().is_some_and(|d| d.len() == 10 && !d.starts_with('-'));
            if full_day && let Some(clock) = &e.normalized {
                date.normalized = date.normalized.take().map(|d| format!("{d}T{clock}"));
            }
            date.span.end = e.span.end;
            date.confidence = date.confidence.min(e.confidence);
            continue;
        }
        out.push(e);
    }
    out
}

fn date_confidence(d: DateValue) -> f32 {
    match d {
        DateValue::Calendar { year: Year::Abs(_), month: Some(_), day: Some(_) } => 0.97,
        DateValue::Calendar { year: Year::Abs(_), .. } => 0.93,
        DateValue::Calendar { .. } => 0.9,
        // A bare day or weekday is the likeliest to be something else.
        DateValue::Day(_) | DateValue::Weekday { .. } => 0.8,
        _ => 0.85,
    }
}

/// ISO 8601: `2025-07-07`, `2025-04`, `2025`; unresolved partial dates in the
/// truncated forms `--07-07`, `--07`, `---15`; weeks `2025-W30`; decades
/// `199X` (ISO 8601-2 unspecified digit); centuries `19`.
fn normalize_date(d: DateValue, reference: Option<CivilDate>) -> Option<String> {
    match d {
        DateValue::Calendar { year, month, day } => {
            let year = match year {
                Year::Abs(y) => Some(y),
                Year::Rel(k) => reference.map(|r| r.year + k),
                Year::Unknown => month.and_then(|m| reference.map(|r| infer_year(r, m))),
            };
            match (year, month, day) {
                (Some(y), None, _) => Some(format!("{y:04}")),
                (Some(y), Some(m), None) => Some(format!("{y:04}-{m:02}")),
                (Some(y), Some(m), Some(d)) if calendar::day_fits(Some(y), m, d) => {
                    Some(format!("{y:04}-{m:02}-{d:02}"))
                }
                (_, Some(m), Some(d)) => Some(format!("--{m:02}-{d:02}")),
                (None, Some(m), None) => Some(format!("--{m:02}")),
                (None, None, Some(d)) => Some(format!("---{d:02}")),
                (None, None, None) => None,
            }
        }
        DateValue::RelDay(k) => reference.map(|r| {
            let d = calendar::add_days(r, k);
            format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
        }),
        DateValue::RelMonth { months, day } => match reference {
            Some(r) => {
                let (y, m) = calendar::add_months(r.year, r.month, months);
                Some(match day {
                    Some(d) if calendar::day_fits(Some(y), m, d) => format!("{y:04}-{m:02}-{d:02}"),
                    _ => format!("{y:04}-{m:02}"),
                })
            }
            None => day.map(|d| format!("---{d:02}")),
        },
        DateValue::RelWeek(k) => reference.map(|r| {
            let (y, w) = calendar::iso_week(calendar::add_days(r, 7 * k));
            format!("{y:04}-W{w:02}")
        }),
        DateValue::Decade(y) => Some(format!("{}X", y.div_euclid(10))),
        // Written today, 50年代 to 90年代 are the 1900s; 20年代 could be either.
        DateValue::BareDecade(d) => (5..=9).contains(&d).then(|| format!("19{d}X")),
        DateValue::RelDecade { centuries, decade } => {
            reference.map(|r| format!("{}{decade}X", r.year.div_euclid(100) + centuries))
        }
        DateValue::Century(c) => Some(format!("{c:02}")),
        DateValue::RelCentury(k) => reference.map(|r| format!("{:02}", r.year.div_euclid(100) + k)),
        DateValue::Day(day) => Some(match reference.and_then(|r| calendar::nearest_with_day(r, day)) {
            Some(d) => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
            None => format!("---{day:02}"),
        }),
        // ISO 8601 week dates: the date itself once the week is known, else
        // the truncated `-W-5` (day 5 of a week not given).
        DateValue::Weekday { weeks: Some(k), day } => Some(match reference {
            Some(r) => {
                let d = calendar::add_days(r, 7 * k + i64::from(day) - i64::from(calendar::weekday(r)));
                format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
            }
            None => format!("-W-{day}"),
        }),
        DateValue::Weekday { weeks: None, day } => Some(format!("-W-{day}")),
    }
}

/// 7月7日 in a text of 2025-07-27 is 2025; 12月28日 in one of 2024-01-05 is
/// 2023: news rather looks back than more than six months ahead.
fn infer_year(reference: CivilDate, month: u32) -> i32 {
    if month as i32 - reference.month as i32 > 6 { reference.year - 1 } else { reference.year }
}

fn normalize_clock(c: Clock) -> String {
    match c.second {
        Some(s) => format!("{:02}:{:02}:{s:02}", c.hour, c.minute),
        None => format!("{:02}:{:02}", c.hour, c.minute),
    }
}

/// Parts of the day; how they shift a 12-hour clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Morning,
    Noon,
    Afternoon,
    Night,
}

/// (word, period, tagged even without an hour). 夜间 alone is mostly 夜间经济.
const PERIODS: [(&str, Period, bool); 15] = [
    ("凌晨", Period::Morning, true),
    ("清晨", Period::Morning, true),
    ("早上", Period::Morning, true),
    ("早晨", Period::Morning, true),
    ("上午", Period::Morning, true),
    ("中午", Period::Noon, true),
    ("午后", Period::Afternoon, false),
    ("下午", Period::Afternoon, true),
    ("傍晚", Period::Afternoon, true),
    ("晚上", Period::Afternoon, true),
    ("晚间", Period::Afternoon, false),
    ("夜间", Period::Night, false),
    ("深夜", Period::Night, false),
    ("夜里", Period::Night, false),
    ("半夜", Period::Night, false),
];

const REL_YEARS: [(&str, i32); 4] = [("今年", 0), ("去年", -1), ("明年", 1), ("前年", -2)];
const REL_DAYS: [(&str, i64); 6] = [("今天", 0), ("昨天", -1), ("明天", 1), ("今日", 0), ("昨日", -1), ("明日", 1)];
const REL_MONTHS: [(&str, i32); 5] = [("上个月", -1), ("下个月", 1), ("本月", 0), ("上月", -1), ("下月", 1)];
const REL_WEEKS: [(&str, i64); 4] = [("本周", 0), ("这周", 0), ("上周", -1), ("下周", 1)];
/// Words for "week" before a day's numeral (星期三, 周五, 礼拜天).
const WEEK_WORDS: [&str; 3] = ["星期", "礼拜", "周"];
/// After a week word, these begin another word: 周一次 (一周一次), 下周一起
/// ("together next week"), 周一个月.
const NOT_AFTER_WEEKDAY: &str = "次起个遍";
/// Before a bare day these make it a count of days: 近3日, 共13日, 为期5日.
const BEFORE_DAY_COUNT: &str = "近连续共期为仅约逾超满每隔达余前后第数";
/// After a bare day these make it a count or another word: 15日内, 3日游,
/// 7日年化, 30日均线, 1日元, 3日后.
const AFTER_DAY_COUNT: &str = "内游年均元后前间线以之";
const REL_CENTURIES: [(&str, i32); 3] = [("上个世纪", -1), ("上世纪", -1), ("本世纪", 0)];

/// What may follow a year (2025年底, 今年上半年, 2025年度). Longest first.
const YEAR_SUFFIXES: [&str; 10] = ["上半年", "下半年", "年底", "年初", "年末", "年中", "底", "初", "末", "度"];
/// What may follow a month without a day (12月底, 1月中旬).
const MONTH_SUFFIXES: [&str; 7] = ["中下旬", "上旬", "中旬", "下旬", "底", "初", "末"];
/// What joins a bare day to the date before it (7月6日、13日, 6日至8日).
const DAY_JOINERS: [&str; 11] = ["、", "，", "和", "及", "与", "或", "至", "到", "-", "—", "~"];

/// The chars an expression can start with: digits, numerals, the first
/// char of a relative word or a part of the day.
static TRIGGERS: LazyLock<CharSet> = LazyLock::new(|| {
    let words = REL_YEARS
        .iter()
        .map(|(w, _)| *w)
        .chain(REL_DAYS.iter().map(|(w, _)| *w))
        .chain(REL_MONTHS.iter().map(|(w, _)| *w))
        .chain(REL_WEEKS.iter().map(|(w, _)| *w))
        .chain(REL_CENTURIES.iter().map(|(w, _)| *w))
        .chain(WEEK_WORDS)
        .chain(PERIODS.iter().map(|(w, _, _)| *w));
    CharSet::new(
        ('0'..='9').chain("零〇一二两三四五六七八九十百千万亿".chars()).chain(words.filter_map(|w| w.chars().next())),
    )
});

struct Scanner<'t> {
    text: &'t str,
    out: Vec<Found>,
}

impl Scanner<'_> {
    fn run(&mut self) {
        let text = self.text;
        // Past the end of the last expression: the rest of it is not read again.
        let mut next_free = 0;
        let mut prev: Option<char> = None;
        for (i, c) in text.char_indices() {
            let before = prev.replace(c);
            if i < next_free || !TRIGGERS.contains(c) {
                continue;
            }
            let end = if c.is_ascii_digit() {
                if before.is_some_and(|p| p.is_ascii_digit()) { None } else { self.at_arabic(i) }
            } else if is_cn_numeral(c) {
                if before.is_some_and(is_cn_numeral) { None } else { self.at_chinese(i) }
            } else if matches!(c, '今' | '去' | '明' | '前' | '昨' | '本' | '上' | '下')
                || (c == '这' && rest(text, i).starts_with("这周"))
            {
                self.at_relative(i)
            } else if matches!(c, '星' | '礼' | '周') {
                self.at_weekday(i)
            } else {
                None
            };
            if let Some(end) = end.or_else(|| self.at_period(i, c)) {
                next_free = end;
            }
        }
    }

    fn push(&mut self, span: Span, value: Value) -> Option<usize> {
        let end = span.end;
        self.out.push(Found { span, value });
        Some(end)
    }

    fn date(&mut self, span: Span, value: DateValue) -> Option<usize> {
        self.push(span, Value::Date(value))
    }

    /// A run of ASCII digits starts at `at`.
    fn at_arabic(&mut self, at: usize) -> Option<usize> {
        let text = self.text;
        if !free_on_left(text, at) || prev_char(text, at) == Some('第') {
            return None;
        }
        let end = ascii_digits_end(text, at);
        let n = end - at;
        if n > 4 {
            return None;
        }
        let value: u32 = text[at..end].parse().ok()?;
        let after = rest(text, end);
        if n == 4 && after.starts_with(['-', '/', '.']) {
            return self.numeric_date(at, end, value);
        }
        if n <= 2 && after.starts_with(':') {
            return self.clock(at, end, value);
        }
        if after.starts_with("年代") && value.is_multiple_of(10) {
            let span = at..end + "年代".len();
            return match n {
                4 => self.date(span, DateValue::Decade(value as i32)),
                2 => self.date(span, DateValue::BareDecade(value / 10)),
                _ => None,
            };
        }
        if after.starts_with("世纪") && (1..=30).contains(&value) && n <= 2 {
            return self.century(at, end + "世纪".len(), Some(value as i32 - 1), 0);
        }
        if after.starts_with('年') {
            if n == 4 && (1000..=2199).contains(&value) {
                return self.after_year(at, end + '年'.len_utf8(), Year::Abs(value as i32));
            }
            return None;
        }
        if after.starts_with('月') && n <= 2 {
            return self.month_day(at, Year::Unknown);
        }
        if after.starts_with(['日', '号']) && n <= 2 {
            return self.joined_day(at, end, value).or_else(|| self.bare_day(at, end, value));
        }
        if after.starts_with(['时', '点']) && n <= 2 {
            return self.hour(at, at, None);
        }
        None
    }

    /// A run of Chinese numerals starts at `at`.
    fn at_chinese(&mut self, at: usize) -> Option<usize> {
        let text = self.text;
        if prev_char(text, at) == Some('第') {
            return None;
        }
        let end = cn_run_end(text, at);
        if text[at..end].chars().count() > MAX_NUMERAL_CHARS {
            return None;
        }
        let run = &text[at..end];
        let after = rest(text, end);
        if after.starts_with("年代") {
            let value = parse_cn_integer(run)? as u32;
            if !value.is_multiple_of(10) || value >= 100 {
                return None;
            }
            return self.date(at..end + "年代".len(), DateValue::BareDecade(value / 10));
        }
        if after.starts_with("世纪") {
            let value = parse_cn_integer(run)? as i32;
            if !(1..=30).contains(&value) {
                return None;
            }
            return self.century(at, end + "世纪".len(), Some(value - 1), 0);
        }
        if after.starts_with('年') {
            let year = parse_cn_digit_string(run).filter(|y| run.chars().count() == 4 && (1000..=2199).contains(y))?;
            return self.after_year(at, end + '年'.len_utf8(), Year::Abs(year as i32));
        }
        if after.starts_with('月') {
            // 七月 alone: only where a date may stand (在七月, 至七月, line start),
            // not inside a word.
            let ok_before = match prev_char(text, at) {
                Some(p) if is_han(p) => "年至到和与于在从自是的及或截今".contains(p),
                _ => true,
            };
            return if ok_before { self.month_day(at, Year::Unknown) } else { None };
        }
        // 二十二日 alone; one numeral (一日, 三日) is mostly a count or a
        // saying (一日千里), so only in a dateline (五日电).
        if after.starts_with('日') && (run.chars().count() > 1 || rest(text, end + '日'.len_utf8()).starts_with('电'))
        {
            let day = parse_cn_integer(run)? as u32;
            return self.bare_day(at, end, day);
        }
        self.hour(at, at, None)
    }

    /// 今年…, 昨天, 本月15日, 本周, 上世纪90年代.
    fn at_relative(&mut self, at: usize) -> Option<usize> {
        let text = self.text;
        let tail = rest(text, at);
        if !relative_word_stands_alone(text, at) {
            return None;
        }
        for (word, k) in REL_CENTURIES {
            if tail.starts_with(word) {
                return self.century(at, at + word.len(), None, k);
            }
        }
        for (word, k) in REL_YEARS {
            if tail.starts_with(word) {
                return self.after_year(at, at + word.len(), Year::Rel(k));
            }
        }
        for (word, k) in REL_DAYS {
            if tail.starts_with(word) {
                return self.date(at..at + word.len(), DateValue::RelDay(k));
            }
        }
        for (word, months) in REL_MONTHS {
            if tail.starts_with(word) {
                let end = at + word.len();
                let day = self.day_at(end);
                let span_end = day.map_or(end, |(_, e)| e);
                return self.date(at..span_end, DateValue::RelMonth { months, day: day.map(|(d, _)| d) });
            }
        }
        for (word, k) in REL_WEEKS {
            if tail.starts_with(word) {
                let end = at + word.len();
                if let Some((day, e)) = weekday_at(text, end, false) {
                    return self.date(at..e, DateValue::Weekday { weeks: Some(k), day });
                }
                // 上周期, 本周年: other words.
                if matches!(next_char(text, end), Some('期' | '年' | '边' | '围' | '转')) {
                    return None;
                }
                return self.date(at..end, DateValue::RelWeek(k));
            }
        }
        None
    }

    /// 星期三, 周五, 礼拜天 with no week before them (本周五 is a relative
    /// word's). Not after a numeral or 每 (一周一次, 每周一: a count, a habit).
    fn at_weekday(&mut self, at: usize) -> Option<usize> {
        let text = self.text;
        let after_count = |p: char| is_cn_numeral(p) || p.is_ascii_digit() || "每隔逢双单".contains(p);
        // …but 周六周日 and 星期六星期日 name two days.
        let after_weekday = || text[..at].chars().rev().nth(1).is_some_and(|w| matches!(w, '周' | '期' | '拜'));
        if prev_char(text, at).is_some_and(after_count) && !after_weekday() {
            return None;
        }
        let tail = rest(text, at);
        let word = WEEK_WORDS.iter().find(|w| tail.starts_with(**w))?;
        let (day, end) = weekday_at(text, at + word.len(), *word != "周")?;
        self.date(at..end, DateValue::Weekday { weeks: None, day })
    }

    /// 上午, 下午3点30分, 晚上8点半.
    fn at_period(&mut self, at: usize, c: char) -> Option<usize> {
        if !matches!(c, '凌' | '清' | '早' | '上' | '中' | '午' | '下' | '傍' | '晚' | '夜' | '深' | '半') {
            return None;
        }
        let tail = rest(self.text, at);
        let &(word, period, bare_ok) = PERIODS.iter().find(|(w, _, _)| tail.starts_with(*w))?;
        let end = at + word.len();
        if let Some(end) = self.hour(at, end, Some(period)) {
            return Some(end);
        }
        if let Some(end) = self.period_clock(at, end, period) {
            return Some(end);
        }
        let after_date = self.out.last().is_some_and(|f| f.span.end == at && matches!(f.value, Value::Date(_)));
        if !(bare_ok || after_date) {
            return None;
        }
        self.push(at..end, Value::Time(None))
    }

    /// After a year (2025年, 今年): its month and day, or a suffix (年底).
    fn after_year(&mut self, start: usize, end: usize, year: Year) -> Option<usize> {
        let text = self.text;
        if let Some((month, day, e)) = self.month_day_parts(end) {
            let year_value = match year {
                Year::Abs(y) => Some(y),
                _ => None,
            };
            if day.is_some_and(|d| !calendar::day_fits(year_value, month, d)) {
                return None;
            }
            return self.date(start..e, DateValue::Calendar { year, month: Some(month), day });
        }
        let mut span_end = end;
        for suffix in YEAR_SUFFIXES {
            if let Some(e) = word_at(text, end, suffix) {
                // 今年初步, 去年度过: 初/度 start another word.
                let next = next_char(text, e);
                let other_word = match suffix {
                    "初" => matches!(next, Some('步' | '次' | '心' | '衷' | '见' | '始' | '级' | '中' | '期')),
                    "度" => matches!(next, Some('过' | '假' | '日')),
                    "年中" => matches!(next, Some('国' | '央' | '共' | '华' | '心')),
                    _ => false,
                };
                if !other_word {
                    span_end = e;
                }
                break;
            }
        }
        self.date(start..span_end, DateValue::Calendar { year, month: None, day: None })
    }

    /// A month (and day) with no year written at `at`: 7月7日, 十二月, 12月底.
    fn month_day(&mut self, at: usize, year: Year) -> Option<usize> {
        let (month, day, end) = self.month_day_parts(at)?;
        if day.is_some_and(|d| !calendar::day_fits(None, month, d)) {
            return None;
        }
        self.date(at..end, DateValue::Calendar { year, month: Some(month), day })
    }

    /// `M月[D日|D号|底|中旬…]` at `at`: (month, day, end).
    fn month_day_parts(&self, at: usize) -> Option<(u32, Option<u32>, usize)> {
        let text = self.text;
        let (month, e) = small_int_at(text, at, false)?;
        let mut end = word_at(text, e, "月")?;
        if !(1..=12).contains(&month) {
            return None;
        }
        if let Some((day, e)) = self.day_at(end) {
            return Some((month, Some(day), e));
        }
        if let Some(e) = word_at(text, end, "份") {
            end = e;
        } else if let Some(suffix) = MONTH_SUFFIXES.iter().find(|s| rest(text, end).starts_with(**s)) {
            end += suffix.len();
        }
        Some((month, None, end))
    }

    /// `D日` or `D号` at `at`.
    fn day_at(&self, at: usize) -> Option<(u32, usize)> {
        let text = self.text;
        let (day, e) = small_int_at(text, at, false)?;
        let end = word_at(text, e, "日").or_else(|| word_at(text, e, "号"))?;
        (1..=31).contains(&day).then_some((day, end))
    }

    /// 13日 in 7月6日、13日: a bare day joined to the date right before it
    /// takes that date's year and month. Elsewhere a bare day is left out.
    fn joined_day(&mut self, at: usize, digits_end: usize, day: u32) -> Option<usize> {
        let text = self.text;
        let last = self.out.last()?;
        let gap = text.get(last.span.end..at)?;
        if !DAY_JOINERS.contains(&gap) || !(1..=31).contains(&day) {
            return None;
        }
        let value = match last.value {
            Value::Date(DateValue::Calendar { year, month: Some(month), day: Some(_) }) => {
                calendar::day_fits(None, month, day).then_some(DateValue::Calendar {
                    year,
                    month: Some(month),
                    day: Some(day),
                })
            }
            Value::Date(DateValue::RelMonth { months, day: Some(_) }) => {
                Some(DateValue::RelMonth { months, day: Some(day) })
            }
            Value::Date(DateValue::Day(_)) => Some(DateValue::Day(day)),
            _ => None,
        }?;
        let end = digits_end + '日'.len_utf8();
        self.date(at..end, value)
    }

    /// A day of the month alone (北京12日电, 于12日召开), whose digits or
    /// numerals end at `digits_end`. Not a count of days (近3日, 15日内,
    /// 3日游): those are no dates.
    fn bare_day(&mut self, at: usize, digits_end: usize, day: u32) -> Option<usize> {
        let text = self.text;
        let end = word_at(text, digits_end, "日")?;
        // After 月 the month and day did not make a date (2月30日).
        let count_before = prev_char(text, at).is_some_and(|p| p == '月' || BEFORE_DAY_COUNT.contains(p));
        let count_after = next_char(text, end).is_some_and(|n| AFTER_DAY_COUNT.contains(n));
        if !(1..=31).contains(&day) || count_before || count_after || !free_on_left(text, at) {
            return None;
        }
        self.date(at..end, DateValue::Day(day))
    }

    /// 2025-07-27, 2026/03/11, 2025.07.27 (four-digit year first).
    fn numeric_date(&mut self, at: usize, year_end: usize, year: u32) -> Option<usize> {
        let text = self.text;
        let bytes = text.as_bytes();
        let sep = bytes[year_end];
        let month_end = ascii_digits_end(text, year_end + 1);
        if !(1..=2).contains(&(month_end - year_end - 1)) || bytes.get(month_end) != Some(&sep) {
            return None;
        }
        let day_end = ascii_digits_end(text, month_end + 1);
        if !(1..=2).contains(&(day_end - month_end - 1)) {
            return None;
        }
        // Not the head of a longer code: 2025-07-27-1, 2025.07.27.5.
        if matches!(bytes.get(day_end), Some(b'-' | b'/' | b'.'))
            && bytes.get(day_end + 1).is_some_and(u8::is_ascii_digit)
            || bytes.get(day_end).is_some_and(u8::is_ascii_alphanumeric)
        {
            return None;
        }
        let month: u32 = text[year_end + 1..month_end].parse().ok()?;
        let day: u32 = text[month_end + 1..day_end].parse().ok()?;
        if !(1000..=2199).contains(&year) || !calendar::day_fits(Some(year as i32), month, day) {
            return None;
        }
        self.date(at..day_end, DateValue::Calendar { year: Year::Abs(year as i32), month: Some(month), day: Some(day) })
    }

    /// 21:56:43, 9:30. A bare `MM:SS` alone on its line is a video length in a
    /// scraped page (01:06), not a time of day.
    fn clock(&mut self, at: usize, hour_end: usize, hour: u32) -> Option<usize> {
        let (clock, end) = read_clock(self.text, hour_end, hour)?;
        if clock.second.is_none() && alone_on_line(self.text, at, end) {
            return None;
        }
        self.push(at..end, Value::Time(Some(clock)))
    }

    /// 下午3:30 — a period and a clock.
    fn period_clock(&mut self, start: usize, at: usize, period: Period) -> Option<usize> {
        let text = self.text;
        let digits_end = ascii_digits_end(text, at);
        if !(1..=2).contains(&(digits_end - at)) || !rest(text, digits_end).starts_with(':') {
            return None;
        }
        let hour: u32 = text[at..digits_end].parse().ok()?;
        let (clock, end) = read_clock(text, digits_end, hour)?;
        let clock = Clock { hour: shift_hour(clock.hour, period)?, ..clock };
        self.push(start..end, Value::Time(Some(clock)))
    }

    /// `H时[M分][S秒]`, `H点[M分|半|一刻|钟|整]` at `at` (after the period word
    /// that starts at `start`, if any). Without a period an hour needs 时 and
    /// Arabic digits (14时30分), or minutes (3点30分): 三点要求 is no time.
    fn hour(&mut self, start: usize, at: usize, period: Option<Period>) -> Option<usize> {
        let text = self.text;
        let arabic = next_char(text, at)?.is_ascii_digit();
        let (hour, e) = small_int_at(text, at, true)?;
        let (marker, mut end) = if let Some(e) = word_at(text, e, "时") {
            // 时间, 时期, 时代, 时候, 时刻 are other words.
            if matches!(
                next_char(text, e),
                Some('间' | '期' | '代' | '候' | '刻' | '段' | '节' | '尚' | '政' | '事' | '机' | '效')
            ) {
                return None;
            }
            ('时', e)
        } else {
            ('点', word_at(text, e, "点")?)
        };
        let mut minute = None;
        let mut second = None;
        let mut exact = false;
        if let Some(e) = word_at(text, end, "钟").or_else(|| word_at(text, end, "整")) {
            end = e;
            exact = true;
        } else if let Some(e) = word_at(text, end, "半") {
            minute = Some(30);
            end = e;
        } else if let Some(e) = word_at(text, end, "一刻") {
            minute = Some(15);
            end = e;
        } else if let Some(e) = word_at(text, end, "三刻") {
            minute = Some(45);
            end = e;
        } else if let Some((m, e)) = small_int_at(text, end, false)
            && let Some(e) = word_at(text, e, "分")
            && !rest(text, e).starts_with('钟')
        {
            minute = Some(m);
            end = e;
            if let Some((s, e)) = small_int_at(text, end, false)
                && let Some(e) = word_at(text, e, "秒")
            {
                second = Some(s);
                end = e;
            }
        }
        let accepted = period.is_some() || minute.is_some() || exact || (arabic && marker == '时');
        if !accepted || hour > 24 || minute.is_some_and(|m| m > 59) || second.is_some_and(|s| s > 59) {
            return None;
        }
        let hour = match period {
            Some(p) => shift_hour(hour, p)?,
            None => hour,
        };
        let clock = Clock { hour: hour % 24, minute: minute.unwrap_or(0), second };
        self.push(start..end, Value::Time(Some(clock)))
    }

    /// 21世纪, 上世纪, 20世纪90年代. `century` is the ISO century when written
    /// (21世纪 → 20); otherwise `relative` counts from the reference's.
    fn century(&mut self, start: usize, end: usize, century: Option<i32>, relative: i32) -> Option<usize> {
        let text = self.text;
        let decade = small_int_at(text, end, false)
            .filter(|(d, _)| d.is_multiple_of(10) && *d < 100)
            .and_then(|(d, e)| word_at(text, e, "年代").map(|e| (d / 10, e)));
        match (decade, century) {
            (Some((d, e)), Some(c)) => self.date(start..e, DateValue::Decade(c * 100 + d as i32 * 10)),
            (Some((d, e)), None) => self.date(start..e, DateValue::RelDecade { centuries: relative, decade: d }),
            (None, Some(c)) => self.date(start..end, DateValue::Century(c)),
            (None, None) => self.date(start..end, DateValue::RelCentury(relative)),
        }
    }
}

/// False where the relative word's first or last char belongs to a
/// neighbouring word: 说明|年度, 光明|日报, 如今|日益, 以上|月份, 成本|月度,
/// 如今|年轻人, 过去|年代.
fn relative_word_stands_alone(text: &str, at: usize) -> bool {
    let (Some(first), Some(prev)) = (next_char(text, at), prev_char(text, at)) else { return true };
    let ends_word_before = match first {
        '明' => "说证透光表声聪发文鲜分阐标注查讲指申开清英简黎严昭".contains(prev),
        '上' | '下' => "以之向往朝其线".contains(prev),
        '本' => "基根成资日版账样脚剧课范文".contains(prev),
        '今' => "如古而".contains(prev),
        '前' => "提超当空向往之此以事".contains(prev),
        '去' => "过失出回进上下离".contains(prev),
        _ => false,
    };
    let second = text[at..].chars().nth(1);
    let after = text[at..].chars().nth(2);
    let starts_word_after = match (second, after) {
        (Some('年'), Some(a)) => "龄级轻华纪代份".contains(a),
        (Some('日' | '天'), Some(a)) => "益渐趋臻常报".contains(a),
        _ => false,
    };
    !ends_word_before && !starts_word_after
}

/// The day of the week written at `at`, right after a week word (三 in
/// 星期三, 五 in 本周五): 1 Monday to 7 Sunday, and where it ends. 天 for
/// Sunday only after 星期 and 礼拜 (`long_word`): 周天 is another word.
fn weekday_at(text: &str, at: usize, long_word: bool) -> Option<(u32, usize)> {
    let c = next_char(text, at)?;
    let day = match c {
        '天' if long_word => 7,
        '日' => 7,
        _ => cn_digit(c).filter(|d| (1..=6).contains(d))?,
    };
    let end = at + c.len_utf8();
    if next_char(text, end).is_some_and(|n| NOT_AFTER_WEEKDAY.contains(n)) {
        return None;
    }
    Some((day, end))
}

/// `:MM[:SS]` after an hour that ends at `hour_end`.
fn read_clock(text: &str, hour_end: usize, hour: u32) -> Option<(Clock, usize)> {
    let bytes = text.as_bytes();
    let two_digits = |at: usize| -> Option<u32> {
        (bytes.get(at) == Some(&b':') && ascii_digits_end(text, at + 1) == at + 3)
            .then(|| text[at + 1..at + 3].parse().ok())?
    };
    let minute = two_digits(hour_end)?;
    let mut end = hour_end + 3;
    let second = two_digits(end);
    if second.is_some() {
        end += 3;
    }
    if matches!(bytes.get(end), Some(b':')) || bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    let valid = minute < 60 && second.is_none_or(|s| s < 60) && (hour < 24 || (hour == 24 && minute == 0));
    valid.then_some((Clock { hour: hour % 24, minute, second }, end))
}

/// 下午3点 → 15; 晚上11点 → 23; 深夜2点 → 2; 中午1点 → 13.
fn shift_hour(hour: u32, period: Period) -> Option<u32> {
    if hour > 24 {
        return None;
    }
    Some(match period {
        Period::Morning => hour,
        Period::Noon if hour < 6 => hour + 12,
        Period::Noon => hour,
        Period::Afternoon if (1..12).contains(&hour) => hour + 12,
        Period::Afternoon => hour,
        Period::Night if (6..12).contains(&hour) => hour + 12,
        Period::Night => hour,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REF: CivilDate = CivilDate { year: 2025, month: 7, day: 27 };

    /// (surface, kind, normalized) of everything found, resolved against `reference`.
    fn run(text: &str, reference: Option<CivilDate>) -> Vec<(String, EntityKind, Option<String>)> {
        to_entities(scan(text), reference)
            .into_iter()
            .map(|e| (text[e.span.clone()].to_string(), e.kind, e.normalized))
            .collect()
    }

    fn one(text: &str, reference: Option<CivilDate>) -> (String, Option<String>) {
        let found = run(text, reference);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        (found[0].0.clone(), found[0].2.clone())
    }

    fn check(text: &str, reference: Option<CivilDate>, surface: &str, normalized: Option<&str>) {
        assert_eq!(one(text, reference), (surface.to_string(), normalized.map(str::to_string)), "{text}");
    }

    #[test]
    fn absolute_dates() {
        check("于2025年7月7日召开", None, "2025年7月7日", Some("2025-07-07"));
        check("发布时间：2025-04-30", None, "2025-04-30", Some("2025-04-30"));
        check("蓝厅之声2026/03/11", None, "2026/03/11", Some("2026-03-11"));
        check("1998年", None, "1998年", Some("1998"));
        check("二〇二五年七月七日", None, "二〇二五年七月七日", Some("2025-07-07"));
        check("一九九八年", None, "一九九八年", Some("1998"));
        check("2019年7月", None, "2019年7月", Some("2019-07"));
        check("2025年07月07日", None, "2025年07月07日", Some("2025-07-07"));
        check("2024年是中华人民共和国成立75周年", None, "2024年", Some("2024"));
        check("2025年底前", None, "2025年底", Some("2025"));
        check("2025年上半年", None, "2025年上半年", Some("2025"));
    }

    #[test]
    fn partial_dates_resolve_against_the_reference_or_stay_truncated() {
        check("7月7日", None, "7月7日", Some("--07-07"));
        check("7月7日", Some(REF), "7月7日", Some("2025-07-07"));
        check("七月七日", None, "七月七日", Some("--07-07"));
        check("在十二月", None, "十二月", Some("--12"));
        check("12月底", Some(REF), "12月底", Some("2025-12"));
        check("12月28日", Some(CivilDate { year: 2024, month: 1, day: 5 }), "12月28日", Some("2023-12-28"));
        check("1月中旬", None, "1月中旬", Some("--01"));
        check("7月1号", None, "7月1号", Some("--07-01"));
    }

    #[test]
    fn relative_dates() {
        check("今年4月", Some(REF), "今年4月", Some("2025-04"));
        check("今年4月", None, "今年4月", Some("--04"));
        check("去年", Some(REF), "去年", Some("2024"));
        check("去年", None, "去年", None);
        check("明年1月中旬", Some(REF), "明年1月中旬", Some("2026-01"));
        check("昨天", Some(REF), "昨天", Some("2025-07-26"));
        check("今天", Some(CivilDate { year: 2025, month: 3, day: 1 }), "今天", Some("2025-03-01"));
        check("本月15日", Some(REF), "本月15日", Some("2025-07-15"));
        check("本月15日", None, "本月15日", Some("---15"));
        check("上月", Some(CivilDate { year: 2025, month: 1, day: 9 }), "上月", Some("2024-12"));
        check("本周", Some(REF), "本周", Some("2025-W30"));
        check("上世纪90年代", Some(REF), "上世纪90年代", Some("199X"));
        check("20世纪90年代", None, "20世纪90年代", Some("199X"));
        check("1990年代", None, "1990年代", Some("199X"));
        check("九十年代", None, "九十年代", Some("199X"));
        check("21世纪", None, "21世纪", Some("20"));
        check("今年年底", Some(REF), "今年年底", Some("2025"));
    }

    #[test]
    fn a_time_right_after_its_date_joins_it() {
        let found = run("昨天下午", Some(REF));
        assert_eq!(found, [("昨天下午".into(), EntityKind::Date, Some("2025-07-26".into()))]);
        let found = run("7月1日下午4时，上海举行", Some(REF));
        assert_eq!(found[0], ("7月1日下午4时".into(), EntityKind::Date, Some("2025-07-01T16:00".into())));
        let found = run("7月1日下午4时，上海举行", None);
        assert_eq!(found[0], ("7月1日下午4时".into(), EntityKind::Date, Some("--07-01".into())));
        let found = run("7月6日上午", None);
        assert_eq!(found[0], ("7月6日上午".into(), EntityKind::Date, Some("--07-06".into())));
        // A dateline's clock after a space stays a TIME of its own.
        let found = run("2025-07-27 21:56:43 看看新闻", None);
        assert_eq!(found[1], ("21:56:43".into(), EntityKind::Time, Some("21:56:43".into())));
        // A time alone is a TIME.
        assert_eq!(run("下午4时开会", None), [("下午4时".into(), EntityKind::Time, Some("16:00".into()))]);
    }

    #[test]
    fn times_of_day() {
        check("上午9时", None, "上午9时", Some("09:00"));
        check("下午3点30分", None, "下午3点30分", Some("15:30"));
        check("晚上8点半", None, "晚上8点半", Some("20:30"));
        check("下午两点", None, "下午两点", Some("14:00"));
        check("中午12时", None, "中午12时", Some("12:00"));
        check("深夜11点", None, "深夜11点", Some("23:00"));
        check("凌晨2时", None, "凌晨2时", Some("02:00"));
        check("14时30分", None, "14时30分", Some("14:30"));
        check("会议于9:30开始", None, "9:30", Some("09:30"));
        check("下午3:30", None, "下午3:30", Some("15:30"));
        check("晚上", None, "晚上", None);
    }

    #[test]
    fn days_joined_to_a_date_inherit_its_month() {
        let found = run("7月6日、13日，", Some(REF));
        assert_eq!(found.len(), 2);
        assert_eq!(found[1], ("13日".into(), EntityKind::Date, Some("2025-07-13".into())));
        assert!(run("共13日", None).is_empty());
    }

    #[test]
    fn days_of_the_month_alone() {
        check("新华社北京12日电", Some(REF), "12日", Some("2025-07-12"));
        check("新华社北京12日电", None, "12日", Some("---12"));
        check("会议于31日召开", Some(CivilDate { year: 2025, month: 8, day: 2 }), "31日", Some("2025-07-31"));
        check("中国石油总公司二十二日正式接管", Some(REF), "二十二日", Some("2025-07-22"));
        check("新华社东京五日电", Some(REF), "五日", Some("2025-08-05"));
        check("自15日起施行", Some(REF), "15日", Some("2025-07-15"));
        // Read on 2025-07-27, the 3rd to the 5th are next month's.
        let found = run("3日至5日，代表团访问上海", Some(REF));
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[1], ("5日".into(), EntityKind::Date, Some("2025-08-05".into())));
        // With a time after it, one DATE.
        let found = run("12日上午10时开幕", Some(REF));
        assert_eq!(found, [("12日上午10时".into(), EntityKind::Date, Some("2025-07-12T10:00".into()))]);
    }

    #[test]
    fn days_of_the_week() {
        check("星期三上午", None, "星期三上午", Some("-W-3"));
        check("周日晚间发布", Some(REF), "周日晚间", Some("-W-7"));
        check("礼拜天", None, "礼拜天", Some("-W-7"));
        // REF is Sunday 2025-07-27, in the week of 07-21 to 07-27.
        check("本周五下午召开", Some(REF), "本周五下午", Some("2025-07-25"));
        check("上周六，他来到浦东", Some(REF), "上周六", Some("2025-07-19"));
        check("下周一", Some(REF), "下周一", Some("2025-07-28"));
        check("这周三", Some(REF), "这周三", Some("2025-07-23"));
        check("下周一", None, "下周一", Some("-W-1"));
        let found = run("12日（周四）", Some(REF));
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[1], ("周四".into(), EntityKind::Date, Some("-W-4".into())));
        let found = run("周六周日照常营业", None);
        assert_eq!(found.len(), 2, "{found:?}");
        // 下周一起: "together next week"; the week stays a date.
        check("下周一起去", Some(REF), "下周", Some("2025-W31"));
    }

    #[test]
    fn what_is_not_a_date_or_time() {
        for text in [
            "三年行动计划",
            "2年间已有313家",
            "两个月",
            "十四五规划",
            "“十五五”规划",
            "时讯22小时前",
            "时讯3天前",
            "提出3点要求",
            "七一重要讲话",
            "第一时间",
            "统一月度",
            "30年改革开放史",
            "75周年",
            "夜间经济",
            "举报电话：021-62870000",
            "沪网文[2018]4466-313号",
            "互联网新闻信息服务许可证：31120240001",
            "2月30日",
            "13月",
            "5000年文明",
            "上周期",
            "说明年度报告",
            "光明日报",
            "如今日益增长",
            "以上月份",
            "成本月度核算",
            "如今年轻人",
            "过去年代",
            "提前年度",
            "一周一次",
            "每周一例会",
            "四周一片寂静",
            "两周一个",
            "周天运转",
            "15日内办结",
            "近7日",
            "3日游",
            "7日年化收益率",
            "30日均线",
            "为期5日",
            "一日千里",
            "十日谈",
        ] {
            assert!(run(text, Some(REF)).is_empty(), "{text}: {:?}", run(text, Some(REF)));
        }
    }

    #[test]
    fn video_lengths_alone_on_a_line_are_not_times() {
        let text = "推荐视频\n\n01:06\n联合调查组通报\n一眼看天下20小时前\n00:52\n";
        assert!(run(text, None).is_empty(), "{:?}", run(text, None));
    }

    #[test]
    fn the_document_date_is_the_first_complete_date() {
        let found = scan("时讯\n\n2025-07-27 21:56:43 看看新闻\n2025年部市共建…今天在沪举行");
        assert_eq!(document_date(&found), Some(REF));
        assert_eq!(document_date(&scan("今年4月，7月7日")), None);
    }
}
