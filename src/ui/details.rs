//! The packet details panel: every IP and TCP header field of the current
//! segment, its options and labels, and a hex dump of the frame when the
//! App was given the frame bytes. Reads the App, changes nothing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::app::App;
use super::theme::Theme;
use crate::i18n::{Field, Strings, Text};
use crate::segment::Segment;

/// Lines of a hex dump: offset, 16 bytes in hex, and their ASCII.
pub fn hex_dump(bytes: &[u8]) -> Vec<String> {
    bytes
        .chunks(16)
        .enumerate()
        .map(|(i, chunk)| {
            let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
            let ascii: String = chunk
                .iter()
                .map(|&b| {
                    if b.is_ascii_graphic() || b == b' ' {
                        b as char
                    } else {
                        '.'
                    }
                })
                .collect();
            format!("{:04x}  {:<47}  {ascii}", i * 16, hex.join(" "))
        })
        .collect()
}

/// What the details know of the segment's connection beyond the segment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// Time of the connection's first segment.
    pub first_ts: Option<std::time::Duration>,
    /// The sender's window shift when both SYNs offered window scaling
    /// (RFC 7323 §2.2) and this segment is not a SYN (never scaled, §2.3).
    pub shift: Option<u8>,
}

impl Context {
    /// The context of step `i` of `conn`.
    pub fn of(conn: &crate::conversation::Connection, i: usize) -> Context {
        let steps = conn.steps();
        let Some(step) = steps.get(i) else {
            return Context::default();
        };
        let syn_of = |side| {
            steps
                .iter()
                .find(|s| s.from == side && s.segment.flags.syn())
                .and_then(|s| s.segment.options.window_scale)
        };
        let shift = match (syn_of(step.from), syn_of(step.from.peer())) {
            (Some(mine), Some(_)) if !step.segment.flags.syn() => Some(mine.min(14)),
            _ => None,
        };
        Context {
            first_ts: steps.first().map(|s| s.segment.ts),
            shift,
        }
    }
}

/// A capture timestamp (since the Unix epoch) as a UTC date and time with
/// microseconds: `2026-12-07 11:52:52.123456 UTC`.
pub fn utc_time(ts: std::time::Duration) -> String {
    let secs = ts.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:06} UTC",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        ts.subsec_micros()
    )
}

/// `(field, value)` pairs of every header field of `seg`, with what the
/// connection adds (`ctx`): the time since its first segment and the
/// scaled window.
pub fn fields_in(s: &dyn Strings, seg: &Segment, ctx: Context) -> Vec<(Field, String)> {
    let yes_no = |b: bool| s.text(if b { Text::Yes } else { Text::No }).to_string();
    let mut v = vec![
        (Field::Frame, seg.frame.number.to_string()),
        (Field::Time, utc_time(seg.ts)),
        (
            Field::CapturedLen,
            format!("{} / {} B", seg.frame.caplen, seg.frame.wire_len),
        ),
        (Field::IpVersion, format!("IPv{}", seg.ip.version)),
        (Field::Source, seg.src.to_string()),
        (Field::Destination, seg.dst.to_string()),
        (Field::Ttl, seg.ip.ttl.to_string()),
        (Field::IpId, format!("{0} (0x{0:04x})", seg.ip.id)),
        (Field::TotalLen, format!("{} B", seg.ip.total_len)),
        (Field::DontFragment, yes_no(seg.ip.dont_fragment)),
    ];
    if let Some(first) = ctx.first_ts {
        let since = seg.ts.saturating_sub(first).as_secs_f64();
        v.insert(2, (Field::SinceFirst, format!("{since:.6} s")));
    }
    if let Some(vlan) = seg.ip.vlan {
        v.push((Field::Vlan, vlan.to_string()));
    }
    if let Some(c) = &seg.ip.carried {
        if let Some(note) = crate::i18n::tunnel_note(s.lang(), c) {
            v.push((Field::Tunnel, note));
        }
        if let Some(note) = crate::i18n::reassembly_note(s.lang(), c) {
            v.push((Field::Reassembled, note));
        }
    }
    v.extend([
        (Field::Seq, seg.seq.to_string()),
        (Field::Ack, seg.ack.to_string()),
        (
            Field::Flags,
            format!("{} (0x{:03x})", seg.flags, seg.flags.0),
        ),
        (Field::Window, seg.window.to_string()),
    ]);
    if let Some(shift) = ctx.shift {
        let bytes = u64::from(seg.window) << shift;
        v.push((
            Field::ScaledWindow,
            format!("{bytes} B ({} × {})", seg.window, 1u32 << shift),
        ));
    }
    v.extend([
        (Field::Urgent, seg.urgent.to_string()),
        (
            Field::HeaderLen,
            match seg.malformed {
                Some(m) => format!(
                    "{} B — {}",
                    seg.header_len,
                    crate::i18n::malformed(s.lang(), &m)
                ),
                None => format!("{} B", seg.header_len),
            },
        ),
        (Field::PayloadLen, format!("{} B", seg.payload_len)),
    ]);
    let o = &seg.options;
    if let Some(m) = o.mss {
        v.push((Field::Mss, m.to_string()));
    }
    if let Some(w) = o.window_scale {
        v.push((Field::WindowScale, format!("{w} (×{})", 1u32 << w.min(14))));
    }
    if o.sack_permitted {
        v.push((Field::SackPermitted, yes_no(true)));
    }
    if !o.sack.is_empty() {
        let blocks: Vec<String> = o.sack.iter().map(|(l, r)| format!("{l}-{r}")).collect();
        v.push((Field::Sack, blocks.join(", ")));
    }
    if let Some((a, b)) = o.timestamps {
        v.push((Field::Timestamps, format!("{a}, {b}")));
    }
    if !o.other.is_empty() {
        let kinds: Vec<String> = o.other.iter().map(u8::to_string).collect();
        v.push((Field::OtherOptions, kinds.join(", ")));
    }
    v
}

/// Draws the details of the current step.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let s = app.s();
    let block = th.panel(app.t(Text::DetailsTitle));
    let Some(step) = app.current_step() else {
        frame.render_widget(
            Paragraph::new(app.t(Text::None))
                .style(th.dim())
                .block(block),
            area,
        );
        return;
    };
    let seg = &step.segment;
    let ctx = match (app.connection(), app.current()) {
        (Some(c), Some(i)) => Context::of(c, i),
        _ => Context::default(),
    };
    let all = fields_in(s, seg, ctx);
    let w = all
        .iter()
        .map(|(f, _)| s.field(*f).width())
        .max()
        .unwrap_or(0)
        + 2;
    let mut lines: Vec<Line> = Vec::new();
    let row = |th: &Theme, name: &str, value: String| {
        let pad = w.saturating_sub(name.width());
        Line::from(vec![
            Span::styled(format!("{name}{}", " ".repeat(pad)), th.dim()),
            Span::styled(value, th.base()),
        ])
    };
    let mut options_started = false;
    for (f, v) in all {
        let is_option = matches!(
            f,
            Field::Mss
                | Field::WindowScale
                | Field::SackPermitted
                | Field::Sack
                | Field::Timestamps
                | Field::OtherOptions
        );
        if is_option && !options_started {
            options_started = true;
            lines.push(Line::from(Span::styled(app.t(Text::Options), th.accent())));
        }
        lines.push(row(&th, s.field(f), v));
    }
    if !options_started {
        lines.push(row(
            &th,
            app.t(Text::Options),
            app.t(Text::None).to_string(),
        ));
    }
    lines.push(row(
        &th,
        s.field(Field::Role),
        s.role(step.role).to_string(),
    ));
    let labels: Vec<String> = step.labels.iter().map(|l| s.label_name(*l)).collect();
    let labels = if labels.is_empty() {
        app.t(Text::None).to_string()
    } else {
        labels.join(", ")
    };
    lines.push(row(&th, app.t(Text::Labels), labels));
    // ICMP errors about this segment: those quoting it, or (quote not
    // captured) those that came right after it.
    if let (Some(conn), Some(i)) = (app.connection(), app.current()) {
        for e in conn
            .icmp()
            .iter()
            .filter(|e| e.quotes == Some(i) || (e.quotes.is_none() && e.after == i + 1))
        {
            lines.push(row(
                &th,
                s.field(Field::Icmp),
                crate::output::icmp_text(e, app.lang),
            ));
        }
    }
    lines.push(Line::from(Span::styled(app.t(Text::HexDump), th.accent())));
    match app.frame_bytes(seg.frame.number) {
        Some(bytes) => {
            for l in hex_dump(&bytes) {
                lines.push(Line::from(Span::styled(l, th.base())));
            }
        }
        None => lines.push(Line::from(Span::styled(
            app.t(Text::HexUnavailable),
            th.dim(),
        ))),
    }
    frame.render_widget(
        Paragraph::new(lines)
            .style(th.base())
            .block(block)
            .scroll((app.details_scroll, 0)),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn first_reassembled(name: &str) -> Segment {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name);
        let r = crate::replay::load(&path).unwrap();
        r.connections()[0]
            .steps()
            .iter()
            .find(|s| {
                s.segment
                    .ip
                    .carried
                    .as_ref()
                    .is_some_and(|c| !c.reassembled_from.is_empty())
            })
            .map(|s| s.segment.clone())
            .unwrap()
    }

    #[test]
    fn tunnel_and_reassembly_rows() {
        let s = Lang::En.strings();
        let seg = first_reassembled("vxlan-frag4.pcap");
        let f = fields_in(s, &seg, Context::default());
        let value = |field| f.iter().find(|(x, _)| *x == field).map(|(_, v)| v.clone());
        assert_eq!(
            value(Field::Tunnel).as_deref(),
            Some("inside VXLAN VNI 42, 10.1.0.1 → 10.2.0.1")
        );
        let frames = value(Field::Reassembled).unwrap();
        assert!(frames.starts_with("reassembled from frames "), "{frames}");
        assert_eq!(s.field(Field::Tunnel), "Carried in");
        assert_eq!(Lang::Zh.strings().field(Field::Reassembled), "分片");
    }

    #[test]
    fn utc_time_is_a_calendar_date() {
        use std::time::Duration;
        assert_eq!(utc_time(Duration::ZERO), "1970-01-01 00:00:00.000000 UTC");
        // date -u -d @1796644372 → Mon Dec  7 11:52:52 UTC 2026
        assert_eq!(
            utc_time(Duration::new(1_796_644_372, 123_456_789)),
            "2026-12-07 11:52:52.123456 UTC"
        );
        assert_eq!(
            utc_time(Duration::from_secs(951_782_400)),
            "2000-02-29 00:00:00.000000 UTC"
        );
    }

    #[test]
    fn scaled_window_and_time_since_the_first_segment() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/normal.pcap");
        let r = crate::replay::load(&path).unwrap();
        let c = &r.connections()[0];
        let s = Lang::En.strings();
        let value = |i: usize, field| {
            fields_in(s, &c.steps()[i].segment, Context::of(c, i))
                .into_iter()
                .find(|(x, _)| *x == field)
                .map(|(_, v)| v)
        };
        // The SYN's window is never scaled; the handshake ACK's is.
        assert_eq!(value(0, Field::ScaledWindow), None);
        assert_eq!(value(0, Field::SinceFirst).as_deref(), Some("0.000000 s"));
        let ack = &c.steps()[2].segment;
        let shift = c.steps()[0].segment.options.window_scale.unwrap();
        assert_eq!(
            value(2, Field::ScaledWindow),
            Some(format!(
                "{} B ({} × {})",
                u64::from(ack.window) << shift,
                ack.window,
                1u32 << shift
            ))
        );
        let since = (ack.ts - c.steps()[0].segment.ts).as_secs_f64();
        assert_eq!(value(2, Field::SinceFirst), Some(format!("{since:.6} s")));
        assert!(value(2, Field::Time).unwrap().ends_with(" UTC"));
    }
}
