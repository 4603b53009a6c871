//! Unit tests of the preamble reader.
use super::*;
