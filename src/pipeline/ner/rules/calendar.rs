//! Calendar arithmetic for resolving relative dates (昨天, 上月, 本周).

use crate::pipeline::types::{CivilDate, days_in_month};

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
pub(super) fn to_days(d: CivilDate) -> i64 {
    let y = i64::from(d.year) - i64::from(d.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(d.month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`to_days`].
pub(super) fn from_days(z: i64) -> CivilDate {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    CivilDate { year, month, day }
}

pub(super) fn add_days(d: CivilDate, days: i64) -> CivilDate {
    from_days(to_days(d) + days)
}

/// The (year, month) `months` away from `d`'s month.
pub(super) fn add_months(year: i32, month: u32, months: i32) -> (i32, u32) {
    let index = year * 12 + month as i32 - 1 + months;
    (index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
}

/// ISO 8601 week of `d`: (week-numbering year, week 1–53).
pub(super) fn iso_week(d: CivilDate) -> (i32, u32) {
    let days = to_days(d);
    let thursday = from_days(days - i64::from(weekday(d)) + 4);
    let jan1 = to_days(CivilDate { year: thursday.year, month: 1, day: 1 });
    let week = (to_days(thursday) - jan1) / 7 + 1;
    (thursday.year, week as u32)
}

/// ISO weekday of `d`: 1 Monday to 7 Sunday.
pub(super) fn weekday(d: CivilDate) -> u32 {
    // 1970-01-01 was a Thursday.
    ((to_days(d) + 3).rem_euclid(7) + 1) as u32
}

/// The date with day of month `day` nearest to `reference`: in its month, the
/// month before or the month after (31日 read on 2025-08-02 is 2025-07-31).
/// Ties go to the earlier date: news reports more than it announces.
pub(super) fn nearest_with_day(reference: CivilDate, day: u32) -> Option<CivilDate> {
    let here = to_days(reference);
    [-1, 0, 1]
        .into_iter()
        .map(|k| add_months(reference.year, reference.month, k))
        .filter(|&(year, month)| day_fits(Some(year), month, day))
        .map(|(year, month)| CivilDate { year, month, day })
        .min_by_key(|d| (to_days(*d) - here).abs())
}

/// True if the day exists in that month (any year when the year is unknown:
/// 2月29日 is allowed then).
pub(super) fn day_fits(year: Option<i32>, month: u32, day: u32) -> bool {
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year.unwrap_or(2000), month)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u32, day: u32) -> CivilDate {
        CivilDate { year, month, day }
    }

    #[test]
    fn counts_days_both_ways() {
        assert_eq!(to_days(d(1970, 1, 1)), 0);
        assert_eq!(to_days(d(2000, 3, 1)), 11_017);
        for z in [-800_000, -1, 0, 1, 11_016, 20_000, 2_000_000] {
            assert_eq!(to_days(from_days(z)), z);
        }
        assert_eq!(add_days(d(2025, 3, 1), -1), d(2025, 2, 28));
        assert_eq!(add_days(d(2024, 12, 31), 1), d(2025, 1, 1));
    }

    #[test]
    fn steps_months_and_weeks() {
        assert_eq!(add_months(2025, 1, -1), (2024, 12));
        assert_eq!(add_months(2025, 12, 1), (2026, 1));
        assert_eq!(iso_week(d(2025, 7, 27)), (2025, 30));
        assert_eq!(iso_week(d(2021, 1, 1)), (2020, 53));
        assert_eq!(iso_week(d(2024, 12, 30)), (2025, 1));
        assert!(day_fits(None, 2, 29) && !day_fits(Some(2025), 2, 29) && !day_fits(None, 13, 1));
    }

    #[test]
    fn finds_weekdays_and_the_nearest_day_of_a_month() {
        assert_eq!(weekday(d(2025, 7, 27)), 7);
        assert_eq!(weekday(d(2025, 7, 21)), 1);
        assert_eq!(weekday(d(1970, 1, 1)), 4);
        assert_eq!(nearest_with_day(d(2025, 7, 27), 12), Some(d(2025, 7, 12)));
        assert_eq!(nearest_with_day(d(2025, 8, 2), 31), Some(d(2025, 7, 31)));
        assert_eq!(nearest_with_day(d(2025, 1, 30), 2), Some(d(2025, 2, 2)));
        assert_eq!(nearest_with_day(d(2025, 12, 31), 1), Some(d(2026, 1, 1)));
        // Ties go back: 15 days either way.
        assert_eq!(nearest_with_day(d(2025, 7, 1), 16), Some(d(2025, 6, 16)));
        // 31日 fits neither June nor, from 2025-06-15, a nearer month than May or July.
        assert_eq!(nearest_with_day(d(2025, 6, 15), 31), Some(d(2025, 5, 31)));
    }
}
