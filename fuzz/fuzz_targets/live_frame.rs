//! One frame from the live packet socket: the sniffer's port filter, the
//! decoder, the tracker.
//! See synack::fuzzing.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| synack::fuzzing::live_frame(data));
