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
    // 1970-01-01 was a Thursday; ISO weekday 1 = Monday.
    let weekday = (days + 3).rem_euclid(7) + 1;
    let thursday = from_days(days - weekday + 4);
    let jan1 = to_days(CivilDate { year: thursday.year, month: 1, day: 1 });
    let week = (to_days(thursday) - jan1) / 7 + 1;
    (thursday.year, week as u32)
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
}
