//! `synack demo --print` and `--json`: the replay's ladder and document,
//! with each segment's socket call and the kernel's transitions beside the
//! inferred ones.

use std::fmt::Write;

use serde_json::{Value, json};

use crate::conversation::Connection;
use crate::i18n::print;
use crate::output::{self, Style};
use crate::truth;

use super::{Session, scenario_name};

fn call_line(session: &Session, index: usize, lang: crate::i18n::Lang) -> String {
    let call = &session.calls()[index];
    let side = match lang {
        // The English column keeps its width.
        crate::i18n::Lang::En => format!("{:<6}", call.side.to_string()),
        _ => lang.strings().side(call.side.into()).to_string(),
    };
    let mut line = format!("{:>14} {side} {}", "▸", call.text);
    if let Some(o) = session.outcomes.iter().find(|o| o.index == index)
        && !o.returned.is_empty()
    {
        let _ = write!(
            line,
            "   → {}",
            crate::i18n::call_result(lang, &o.returned, &o.remarks)
        );
    }
    line
}

/// Index of the call after which step `i` of `conn` was captured.
fn call_of_step(session: &Session, conn: &Connection, i: usize) -> Option<usize> {
    session.call_of_frame(conn.steps().get(i)?.segment.frame.number)
}

/// The text report: per connection a ladder with the calls above the
/// segments they caused, then the kernel comparison.
pub fn print(session: &Session, style: &Style) -> String {
    let mut out = String::new();
    let lang = style.lang;
    let _ = writeln!(
        out,
        "{}",
        print::scenario_line(
            lang,
            scenario_name(session.scenario()),
            &session.server_addr().to_string(),
            session.outcomes.len(),
            session.frames.len()
        )
    );
    let conns = session.tracker.connections();
    let mut shown = 0usize; // calls printed so far
    for conn in conns {
        let before = |i: usize| -> Vec<String> {
            let upto = call_of_step(session, conn, i).unwrap_or(0);
            let from = if i == 0 {
                if conn.index() == 0 { 0 } else { upto }
            } else {
                call_of_step(session, conn, i - 1).map_or(upto, |c| c + 1)
            };
            (from..=upto.min(session.calls().len().saturating_sub(1)))
                .filter(|&c| c < session.position())
                .map(|c| call_line(session, c, lang))
                .collect()
        };
        out.push('\n');
        out.push_str(&output::ladder_with(conn, style, &before));
        if let Some(last) = conn.steps().len().checked_sub(1) {
            shown = shown.max(call_of_step(session, conn, last).map_or(0, |c| c + 1));
        }
    }
    for flow in session.tracker.flows() {
        let start = shown;
        let call_of = |i: usize| -> Option<usize> {
            session.call_of_frame(flow.datagrams.get(i)?.frame.number)
        };
        let before = |i: usize| -> Vec<String> {
            let upto = call_of(i).unwrap_or(start);
            let from = match i {
                0 => start,
                _ => call_of(i - 1).map_or(upto, |c| c + 1),
            };
            (from..=upto)
                .filter(|&c| c < session.position())
                .map(|c| call_line(session, c, lang))
                .collect()
        };
        out.push('\n');
        out.push_str(&output::flow_ladder_with(flow, style, &before));
        if let Some(last) = flow.datagrams.len().checked_sub(1) {
            shown = shown.max(call_of(last).map_or(0, |c| c + 1));
        }
    }
    if shown < session.position() {
        out.push('\n');
        for c in shown..session.position() {
            let _ = writeln!(out, "{}", call_line(session, c, lang));
        }
    }
    out.push('\n');
    if conns.is_empty() && !session.tracker.flows().is_empty() && session.trace_ran() {
        // The UDP scenario: the tracepoint watched the ports for any
        // protocol and stayed silent.
        let _ = writeln!(
            out,
            "{}",
            crate::i18n::datagram::udp_kernel(
                lang,
                session.server_addr().port(),
                session.kernel_events
            )
        );
        return out;
    }
    match session.verdicts() {
        None => {
            let why = session.kernel_unavailable.as_deref().unwrap_or("no trace");
            let _ = writeln!(out, "{}", print::kernel_unavailable(lang, why));
        }
        Some(verdicts) => {
            let _ = writeln!(out, "{}", print::kernel_heading(lang));
            for (conn, vs) in conns.iter().zip(&verdicts) {
                for v in vs {
                    let inferred = (!v.agrees()).then(|| truth::chain_text(&v.inferred));
                    let note = v
                        .handed_over
                        .map(|s| print::kernel_hand_over(lang, v.side, s));
                    let _ = writeln!(
                        out,
                        "{}",
                        print::kernel_row(
                            lang,
                            conn.index(),
                            v.side,
                            &truth::chain_text(&v.kernel),
                            inferred.as_deref()
                        )
                    );
                    if let Some(note) = note {
                        let _ = writeln!(out, "{note}");
                    }
                }
            }
        }
    }
    out
}

/// The JSON document: the replay's, plus `calls`, each segment's `call`,
/// and per connection `kernel_transitions` and `kernel_agrees`.
pub fn json(session: &Session, style: &Style) -> Value {
    let conns = session.tracker.connections();
    let mut doc = output::document("live:lo", conns, session.tracker.skipped, style);
    let calls: Vec<Value> = session
        .calls()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let outcome = session.outcomes.iter().find(|o| o.index == i);
            json!({
                "index": i,
                "side": c.side.to_string(),
                "call": c.text,
                "performed": outcome.is_some(),
                "returned": outcome.map(|o| crate::i18n::call_result(style.lang, &o.returned, &o.remarks)),
            })
        })
        .collect();
    let verdicts = session.verdicts();
    let records = session.kernel_records();
    if let Some(list) = doc.get_mut("connections").and_then(Value::as_array_mut) {
        for (i, cj) in list.iter_mut().enumerate() {
            let conn = &conns[i];
            if let Some(segs) = cj.get_mut("segments").and_then(Value::as_array_mut) {
                for (k, sj) in segs.iter_mut().enumerate() {
                    let call = call_of_step(session, conn, k)
                        .map(|c| json!({"index": c, "side": session.calls()[c].side.to_string(), "call": session.calls()[c].text}));
                    sj["call"] = call.unwrap_or(Value::Null);
                }
            }
            cj["kernel_transitions"] = if verdicts.is_some() {
                truth::kernel_transitions_json(conn, &records, &session.timewait)
            } else {
                Value::Null
            };
            cj["kernel_agrees"] = match &verdicts {
                Some(v) => json!(v[i].iter().all(truth::Verdict::agrees)),
                None => Value::Null,
            };
        }
    }
    let flows: Vec<_> = session.tracker.flows().iter().collect();
    if !flows.is_empty() {
        let mut list = output::flows_json(&flows, style);
        if let Some(items) = list.as_array_mut() {
            for (fj, flow) in items.iter_mut().zip(&flows) {
                if let Some(ds) = fj.get_mut("datagrams").and_then(Value::as_array_mut) {
                    for (dj, d) in ds.iter_mut().zip(&flow.datagrams) {
                        dj["call"] = session
                            .call_of_frame(d.frame.number)
                            .map(|c| json!({"index": c, "side": session.calls()[c].side.to_string(), "call": session.calls()[c].text}))
                            .unwrap_or(Value::Null);
                    }
                }
            }
        }
        doc["flows"] = list;
        doc["kernel_events"] = json!(session.kernel_events);
    }
    doc["scenario"] = json!(scenario_name(session.scenario()));
    doc["calls"] = json!(calls);
    doc["kernel_unavailable"] = json!(session.kernel_unavailable);
    doc
}

/// The short form of call `index` for a figure's lane: `connect()`,
/// `sendall(b'hello')`, `recv() → b''`, `connect() → ConnectionRefusedError`.
fn short_call(session: &Session, index: usize) -> String {
    use crate::live::exchange::CallKind;
    let call = &session.calls()[index];
    let outcome = session.outcomes.iter().find(|o| o.index == index);
    // `conn, addr = s.accept()` → `accept()`; `c.sendall(b'hi')` → `sendall(b'hi')`.
    let method = call.text.rsplit(" = ").next().unwrap_or(&call.text);
    let method = method.split_once('.').map_or(method, |(_, m)| m);
    let name = method.split('(').next().unwrap_or(method);
    let mut text = match call.kind {
        CallKind::Send | CallKind::Shutdown => method.to_string(),
        CallKind::SetLinger => "setsockopt(SO_LINGER, 0)".to_string(),
        _ => format!("{name}()"),
    };
    if let Some(o) = outcome {
        let returned = o.value();
        if o.error.is_some() || returned.contains("Error") {
            let _ = write!(
                text,
                " → {}",
                returned.split(':').next().unwrap_or(returned)
            );
        } else if call.kind == CallKind::Recv {
            let _ = write!(text, " → {returned}");
        }
    }
    text
}

/// The socket calls and kernel verdict drawn beside connection `conn`: the
/// calls from the one that opened it (from the first call for the first
/// connection) to the one that caused its last segment (to the end for the
/// last connection), each placed before the first segment captured after it.
pub fn marks(session: &Session, conn: &Connection) -> output::figure::Marks {
    use output::figure::FigCall;
    let conns = session.tracker.connections();
    let n = conn.steps().len();
    let of: Vec<Option<usize>> = (0..n).map(|i| call_of_step(session, conn, i)).collect();
    let from = if conn.index() == 0 {
        0
    } else {
        of.first().copied().flatten().unwrap_or(0)
    };
    let to = if conn.index() + 1 >= conns.len() {
        session.position()
    } else {
        of.last().copied().flatten().map_or(from, |c| c + 1)
    };
    let calls = (from..to.min(session.position()))
        .map(|c| {
            let first = of.iter().position(|&k| k == Some(c));
            let before = first.unwrap_or_else(|| {
                of.iter()
                    .position(|&k| k.is_some_and(|k| k > c))
                    .unwrap_or(n)
            });
            FigCall {
                side: match session.calls()[c].side {
                    crate::live::exchange::Side::Client => crate::conversation::Side::Client,
                    crate::live::exchange::Side::Server => crate::conversation::Side::Server,
                },
                text: short_call(session, c),
                before,
                caused: first.is_some(),
            }
        })
        .collect();
    let kernel = session.verdicts().and_then(|v| {
        let vs = v.get(conn.index())?;
        let mut agree = [false; 2];
        for v in vs {
            agree[v.side.idx()] = v.agrees();
        }
        Some(agree)
    });
    output::figure::Marks { calls, kernel }
}

/// `synack demo --svg`: the first connection's picture with the calls and
/// the kernel's verdict; `None` when nothing was captured.
pub fn svg(session: &Session, opt: &output::SvgOptions) -> Option<String> {
    let conn = session.tracker.connections().first()?;
    let marks = marks(session, conn);
    Some(output::svg(
        conn,
        &output::SvgOptions {
            marks: Some(&marks),
            ..*opt
        },
    ))
}

/// `synack demo --html FILE`: the page, embedding [`json()`]'s document.
pub fn html(session: &Session, style: &Style, lang: crate::i18n::Lang) -> String {
    let conns: Vec<&Connection> = session.tracker.connections().iter().collect();
    let marks: Vec<output::figure::Marks> = conns.iter().map(|c| marks(session, c)).collect();
    output::html::page_with(&json(session, style), &conns, style, lang, Some(&marks))
}
