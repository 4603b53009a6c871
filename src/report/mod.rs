//! Reports: the human text report and the JSON document. Owns presentation only: it reads the
//! model (facts and findings) and writes to `impl Write`; it decides nothing and is not the
//! domain model (the JSON envelope and its `schema_version` live in `json`).

pub mod compare_markdown;
pub mod compare_text;
pub mod fold;
pub(crate) mod groups;
pub mod json;
pub mod markdown;
pub(crate) mod present;
pub mod redact;
/// The one terminal-safety function lives at the bottom of the crate (`crate::safe`) so every
/// room can use it without importing the report; re-exported here under its old path.
pub use crate::safe;
pub mod text;

pub use safe::safe;

#[cfg(test)]
mod tests;
