//! A capture file (plain, gzip or zstd) through reader, decoder, tracker and
//! every renderer (list, ladder, JSON, SVG, HTML).
//! See synack::fuzzing.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| synack::fuzzing::capture_pipeline(data));
