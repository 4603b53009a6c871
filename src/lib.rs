//! tlsdiag: tells an engineer why a TLS handshake failed — above all why a client certificate
//! was not sent or not accepted — and proves it by making the same call itself.
//!
//! The pipeline (dependencies point one way; see docs/architecture.md):
//! `capture → net → reassembly → tls → model → diagnose → report | tui`, and
//! `probe (rustls over a recording socket) → synthesised pcap → the same pipeline`.
//!
//! Public are the rooms the binary, the tests, `examples/` and the fuzz targets use, and
//! `jsselog` and `reassembly` (entry points and stream accessors of their own); `upgrade`, which
//! only `analyze` drives, is `pub(crate)`. docs/architecture.md draws who imports whom.
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod analyze;
pub mod capture;
pub mod compare;
pub mod diagnose;
pub mod http;
pub mod identity;
pub mod jsselog;
pub mod model;
pub mod net;
pub mod probe;
pub mod reassembly;
pub mod report;
pub mod safe;
pub mod tls;
pub mod tui;
pub(crate) mod upgrade;
pub mod userfile;
