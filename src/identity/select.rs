//! Stack selection simulation (stub, being built).
