//! The filter flags shared by `replay` and `watch`: a tcpdump filter
//! expression (the words after the file, as tcpdump takes them) and the
//! connection filters (`--state`, `--flags`, `--min-packets`). What they
//! do is `synack::filter`'s.

use clap::Args;

use synack::conversation::select::{ConnFilter, Flag, parse_state};
use synack::state::TcpState;

/// The connection filters, applied once the capture is modelled.
#[derive(Args, Debug, Default, Clone)]
pub struct ConnArgs {
    /// Only connections where either side ends in STATE (TIME_WAIT,
    /// CLOSE_WAIT, ESTABLISHED...).
    #[arg(long, value_name = "STATE", value_parser = parse_state)]
    state: Option<TcpState>,
    /// Only connections that saw each of these flags: SYN, FIN, RST
    /// (comma-separated or repeated).
    #[arg(long, value_name = "FLAG", value_delimiter = ',', value_parser = Flag::parse)]
    flags: Vec<Flag>,
    /// Only connections of at least N packets.
    #[arg(long, value_name = "N")]
    min_packets: Option<u64>,
}

impl ConnArgs {
    /// The filter these flags ask for.
    pub fn filter(&self) -> ConnFilter {
        ConnFilter {
            state: self.state,
            flags: self.flags.clone(),
            min_packets: self.min_packets,
        }
    }
}
