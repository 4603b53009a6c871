//! inspect (stub, being built).
