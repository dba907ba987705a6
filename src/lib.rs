//! synack: see how TCP opens and closes a connection.
//!
//! Data flows one way: a frame source ([`capture`] files, the live demo's
//! and watch's captures) → the one door every source takes, [`feed`] →
//! [`decode`] (link layer → IP → TCP, into an owned [`segment::Segment`])
//! → [`conversation`] (two endpoint state machines per connection) →
//! timeline of steps → the terminal UI and the text/JSON/SVG exports in
//! [`output`].

pub mod capture;
pub mod census;
pub mod conversation;
pub mod decode;
pub mod demo;
pub mod explain;
pub mod feed;
pub mod filter;
pub mod fuzzing;
pub mod i18n;
pub mod link;
pub mod live;
pub mod output;
pub mod replay;
pub mod save;
pub mod segment;
pub mod seq;
pub mod shutdown;
pub mod state;
pub mod truth;
pub mod ui;
pub mod watch;
