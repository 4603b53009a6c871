//! The model's form of a capture timestamp (`Connection.start_time`), shared by every producer
//! (the capture pipeline and the javax.net.debug reader).

/// RFC 3339 UTC with microseconds.
pub fn rfc3339(ts_ns: u64) -> String {
    let secs = i64::try_from(ts_ns / 1_000_000_000).unwrap_or(0);
    let nanos = u32::try_from(ts_ns % 1_000_000_000).unwrap_or(0);
    match time::OffsetDateTime::from_unix_timestamp(secs) {
        Ok(t) => {
            let t = t.replace_nanosecond(nanos).unwrap_or(t);
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                t.microsecond()
            )
        }
        Err(_) => String::from("1970-01-01T00:00:00.000000Z"),
    }
}
