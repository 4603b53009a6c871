#![no_main]
// See fuzz/src/lib.rs (the entry point) and docs/fuzzing.md (how to run).
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tlsdiag_fuzz::http(data);
});
