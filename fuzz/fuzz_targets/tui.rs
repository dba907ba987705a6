//! The walk-through of a bundled capture driven by key, mouse, resize and
//! tick events read from the input, every screen drawn into a test terminal.
//! See synack::fuzzing.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| synack::fuzzing::tui(data));
