//! Reading condition values as the types the operators compare: numbers, dates (the W3C
//! profile of ISO 8601, or epoch seconds), booleans, base-64 binaries, IP addresses and
//! CIDR ranges (IPv4 and IPv6). Each reader says why a value is not of its type.

use std::net::IpAddr;

/// A number, as `Numeric...` operators compare them (integers and decimals).
pub fn number(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let plain = !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    match t.parse::<f64>() {
        Ok(n) if plain && n.is_finite() => Ok(n),
        _ => Err(format!("`{s}` is not a number")),
    }
}

/// A point in time as nanoseconds since 1970-01-01T00:00:00Z.
pub type Instant = i128;

const NANOS: i128 = 1_000_000_000;

/// A date: `2024-01-31`, `2024-01-31T12:00:00Z`, `2024-01-31T12:00:00.5+02:00`, `2024`,
/// `2024-01`, or epoch seconds such as `1706702400`. A time without a zone is UTC.
pub fn date(s: &str) -> Result<Instant, String> {
    let bad = || {
        format!("`{s}` is not a date (ISO 8601, such as 2024-01-31T12:00:00Z, or epoch seconds)")
    };
    let t = s.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b'.') && t.len() != 4 {
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        let secs: i128 = whole.parse().map_err(|_| bad())?;
        let nanos = secs.checked_mul(NANOS).ok_or_else(bad)?;
        return nanos
            .checked_add(fraction(frac).ok_or_else(bad)?)
            .ok_or_else(bad);
    }
    iso_date(t).ok_or_else(bad)
}

fn iso_date(t: &str) -> Option<Instant> {
    let (date, time) = match t.split_once(['T', 't']) {
        Some((d, time)) => (d, Some(time)),
        None => (t, None),
    };
    let mut parts = date.split('-');
    let year: i64 = digits(parts.next()?, 4)?;
    let month: i64 = parts.next().map_or(Some(1), |m| digits(m, 2))?;
    let day: i64 = parts.next().map_or(Some(1), |d| digits(d, 2))?;
    if parts.next().is_some() || !(1..=12).contains(&month) || day < 1 {
        return None;
    }
    if day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let mut nanos = i128::from(days) * 86_400 * NANOS;
    if let Some(time) = time {
        nanos += time_of_day(time)?;
    }
    Some(nanos)
}

/// `hh:mm[:ss[.fff]]` followed by `Z`, `+hh:mm`, `-hh:mm` or nothing (UTC).
fn time_of_day(time: &str) -> Option<i128> {
    let (clock, offset) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let (c, zone) = time.split_at(i);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let (h, m) = zone[1..].split_once(':').unwrap_or((&zone[1..], "00"));
        let minutes = digits(h, 2)? * 60 + digits(m, 2)?;
        (c, sign * minutes * 60)
    } else {
        (time, 0)
    };
    let mut parts = clock.split(':');
    let h = digits(parts.next()?, 2)?;
    let m = digits(parts.next()?, 2)?;
    let (s, frac) = match parts.next() {
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            (digits(whole, 2)?, fraction(frac)?)
        }
        None => (0, 0),
    };
    if parts.next().is_some() || h > 24 || m > 59 || s > 60 {
        return None;
    }
    let secs = i128::from(h * 3600 + m * 60 + s - offset);
    Some(secs * NANOS + frac)
}

/// Exactly `n` ASCII digits as a number.
fn digits(s: &str, n: usize) -> Option<i64> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Decimal fraction digits (after the point) as nanoseconds.
fn fraction(frac: &str) -> Option<i128> {
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nanos = 0i128;
    for (i, b) in frac.bytes().take(9).enumerate() {
        nanos += i128::from(b - b'0') * 10i128.pow(8 - i as u32);
    }
    Some(nanos)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `true` or `false`, in any case.
pub fn boolean(s: &str) -> Result<bool, String> {
    match s.trim() {
        t if t.eq_ignore_ascii_case("true") => Ok(true),
        t if t.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(format!("`{s}` is not true or false")),
    }
}

/// Base-64 text (standard alphabet, padding optional) as bytes.
pub fn base64(s: &str) -> Result<Vec<u8>, String> {
    let bad = || format!("`{s}` is not base-64");
    let t = s.trim().trim_end_matches('=');
    let mut out = Vec::with_capacity(t.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for b in t.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return Err(bad()),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return Err(bad());
    }
    Ok(out)
}

/// An IP address.
pub fn ip_address(s: &str) -> Result<IpAddr, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("`{s}` is not an IP address"))
}

/// An IP range: an address and how many leading bits of it count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// `203.0.113.0/24`, `2001:db8::/32`, or a single address.
    pub fn parse(s: &str) -> Result<Cidr, String> {
        let bad = || format!("`{s}` is not an IP address or CIDR range");
        let t = s.trim();
        let (addr, prefix) = match t.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (t, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|&p| p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Cidr { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let (net, ip, width) = match (self.addr, ip) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                (u128::from(u32::from(a)), u128::from(u32::from(b)), 32)
            }
            (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
            _ => return false,
        };
        let host_bits = width - u32::from(self.prefix);
        host_bits >= 128 || net >> host_bits == ip >> host_bits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_as_numbers() {
        assert_eq!(number("10"), Ok(10.0));
        assert_eq!(number("1.50"), number("1.5"));
        assert!(number("ten").is_err());
        assert!(number("").is_err());
        assert!(number("inf").is_err());
    }

    #[test]
    fn dates_in_every_accepted_spelling() {
        assert!(
            date("170141183460469231731687303715.9").is_err(),
            "epoch seconds too large for the clock are no date, and no overflow"
        );
        let noon = date("2024-01-31T12:00:00Z").unwrap();
        assert_eq!(date("1706702400"), Ok(noon));
        assert_eq!(date("2024-01-31T14:00:00+02:00"), Ok(noon));
        assert_eq!(date("2024-01-31T12:00Z"), Ok(noon));
        assert_eq!(date("2024-01-31T12:00:00"), Ok(noon));
        assert_eq!(date("2024-01-31T12:00:00.500Z"), Ok(noon + NANOS / 2));
        assert_eq!(date("2024-01-31"), Ok(noon - 12 * 3600 * NANOS));
        assert_eq!(date("1970-01-01"), Ok(0));
        assert!(date("2024").unwrap() < date("2024-01-02").unwrap());
        assert!(date("2023-02-29").is_err());
        assert!(date("2024-13-01").is_err());
        assert!(date("yesterday").is_err());
        assert!(date(&"9".repeat(39)).is_err());
    }

    #[test]
    fn base64_decodes_with_or_without_padding() {
        assert_eq!(base64("QmluYXJ5"), Ok(b"Binary".to_vec()));
        assert_eq!(base64("YQ=="), Ok(b"a".to_vec()));
        assert_eq!(base64("YQ"), Ok(b"a".to_vec()));
        assert!(base64("Y").is_err());
        assert!(base64("a b").is_err());
    }

    #[test]
    fn cidr_ranges_for_both_families() {
        let ip = |s: &str| ip_address(s).unwrap();
        let v4 = Cidr::parse("203.0.113.0/24").unwrap();
        assert!(v4.contains(ip("203.0.113.7")));
        assert!(!v4.contains(ip("203.0.114.7")));
        assert!(!v4.contains(ip("2001:db8::1")));
        let v6 = Cidr::parse("2001:DB8:1234:5678::/64").unwrap();
        assert!(v6.contains(ip("2001:db8:1234:5678::abcd")));
        assert!(!v6.contains(ip("2001:db8:1234:5679::1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(Cidr::parse("10.0.0.1").unwrap().contains(ip("10.0.0.1")));
        assert!(Cidr::parse("10.0.0.0/33").is_err());
    }
}
