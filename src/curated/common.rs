//! The vocabulary the curated data, the checker and the pages share: the topic and audience
//! names documents and cards are tagged with, how serious a problem is, and dates. It sits low so
//! that nothing has to import the `check` command to know what a topic is.

use time::{Date, Month, OffsetDateTime};

/// The fixed topic list documents and cards are tagged with.
pub const TOPICS: &[&str] = &[
    "upphandling",
    "direktupphandling",
    "troskelvarden",
    "sociala-hansyn",
    "reserverade-kontrakt",
    "iop",
    "ideburna",
    "register",
    "sociala-foretag",
    "statsstod",
    "lov",
    "bidrag",
    "innovation",
    "overprovning",
    "workshop",
    "ordlista",
    "regionalt",
    "eu",
];

/// The user groups texts are written for.
pub const AUDIENCES: &[&str] = &["procurer", "organisation", "facilitator"];

/// A review older than this many days is reported.
pub const STALE_AFTER_DAYS: i64 = 365;

/// How serious a problem `vagvisare check` reports is: errors fail the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A `YYYY-MM-DD` date (a time of day after a `T` is ignored), as the data writes dates.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let day = s
        .get(..10)
        .filter(|_| s.len() == 10 || s.as_bytes().get(10) == Some(&b'T'))?;
    let mut parts = day.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// Today (UTC).
pub fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// Today as `YYYY-MM-DD` (UTC).
pub fn today_string() -> String {
    today().to_string()
}

/// Whole days from `earlier` to `later` (negative when `later` comes first).
pub fn days_between(earlier: Date, later: Date) -> i64 {
    (later - earlier).whole_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_the_data_writes_them() {
        let d = parse_date("2026-11-27").unwrap();
        assert_eq!(d.to_string(), "2026-11-27");
        assert_eq!(parse_date("2026-11-27T10:00:00Z"), Some(d));
        for bad in ["2026-13-01", "2026-02-30", "igår", "2026-1-1", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(
            days_between(
                parse_date("2024-02-28").unwrap(),
                parse_date("2024-03-01").unwrap()
            ),
            2
        );
        assert_eq!(parse_date(&today_string()), Some(today()));
    }
}
