//! How old a ruleset's facts are: dates as days since 1970-01-01, and the line that says a
//! built-in ruleset is stale. The clock is the caller's (`app` reads it; tests pass a date).

/// After this many days a built-in ruleset's facts are called stale (six months).
pub const STALE_AFTER_DAYS: i64 = 183;

/// Whether `s` is written exactly `YYYY-MM-DD` (what `checked:` dates must look like).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && num(0..4).is_some()
        && num(5..7).is_some_and(|m| (1..=12).contains(&m))
        && num(8..10).is_some_and(|d| (1..=31).contains(&d))
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (the proleptic Gregorian calendar).
pub fn parse_date(s: &str) -> Option<i64> {
    let mut it = s.trim().splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// Howard Hinnant's `days_from_civil`.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// "12 days", "3 months", "1 year 2 months".
pub fn describe(days: i64) -> String {
    let plural = |n: i64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    match days {
        d if d < 0 => "in the future".into(),
        d if d < 62 => format!("{} ago", plural(d, "day")),
        d if d < 365 => format!("{} ago", plural(d / 30, "month")),
        d => {
            let (y, m) = (d / 365, (d % 365) / 30);
            if m == 0 {
                format!("{} ago", plural(y, "year"))
            } else {
                format!("{} {} ago", plural(y, "year"), plural(m, "month"))
            }
        }
    }
}

/// The age of facts checked on `checked`, in days, as of `today`.
pub fn age_days(checked: &str, today: i64) -> Option<i64> {
    parse_date(checked).map(|c| today - c)
}

/// The one line a stale built-in ruleset gets (`None` while it is fresh).
pub fn stale_notice(checked: &str, today: i64) -> Option<String> {
    let age = age_days(checked, today)?;
    (age > STALE_AFTER_DAYS).then(|| {
        format!(
            "These built-in rules were checked against their sources on {checked} ({}): newer releases may have changed them. Update aidoctor for newer ones, or use the project's own ruleset (`aidoctor check --project DIR` in its checkout).",
            describe(age)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_ages() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-03-01"), Some(11_017));
        assert_eq!(parse_date("2026-12-01"), Some(20_788));
        assert_eq!(parse_date("2026-13-01"), None);
        let today = parse_date("2026-12-01").unwrap();
        assert_eq!(age_days("2026-09-24", today), Some(68));
        assert_eq!(describe(68), "2 months ago");
        assert_eq!(describe(400), "1 year 1 month ago");
        assert!(stale_notice("2026-09-24", today).is_none());
        let line = stale_notice("2026-02-01", today).unwrap();
        assert!(line.contains("2026-02-01 (10 months ago)"), "{line}");
    }
}
