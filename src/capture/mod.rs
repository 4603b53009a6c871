//! capture room: see docs/architecture.md. (stub: being built)
