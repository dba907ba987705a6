//! Wrapping prose to a panel's width in display cells, by the Unicode
//! line-breaking rules (UAX #14, through `textwrap`): Chinese text may break
//! between ideographs but never before closing punctuation like `。` or `）`.
//!
//! ratatui's own `Wrap` (0.30) decides to break before adding a character,
//! so a double-width character can end a line one cell too wide and cover
//! the panel's right border (seen at 80×24 with `——` in the explanation).
//! Panels that wrap prose lay out their lines here and draw them unwrapped.
//! Pure functions of text and width: no terminal.

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// `lines` wrapped to `width` cells, keeping each span's style. Every
/// returned line is at most `width` cells wide.
pub fn wrap(lines: Vec<Line<'static>>, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width.max(1));
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line);
            continue;
        }
        out.extend(wrap_line(&line, width));
    }
    out
}

/// One line wrapped: the text of all spans is wrapped as one string, and
/// each piece takes the styles of the spans it came from.
fn wrap_line(line: &Line<'static>, width: usize) -> Vec<Line<'static>> {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    // Byte ranges of the spans in `text`.
    let mut ranges = Vec::with_capacity(line.spans.len());
    let mut at = 0;
    for s in &line.spans {
        ranges.push((at, at + s.content.len(), s.style));
        at += s.content.len();
    }
    let opts = textwrap::Options::new(width)
        .break_words(true)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
    let base = text.as_ptr() as usize;
    textwrap::wrap(&text, opts)
        .into_iter()
        .map(|piece| {
            let piece_str: &str = &piece;
            let start = (piece_str.as_ptr() as usize).wrapping_sub(base);
            let borrowed = matches!(piece, std::borrow::Cow::Borrowed(_)) && start <= text.len();
            let mut spans = Vec::new();
            if borrowed {
                let end = start + piece_str.len();
                for &(a, b, style) in &ranges {
                    let (lo, hi) = (a.max(start), b.min(end));
                    if lo < hi {
                        spans.push(Span::styled(text[lo..hi].to_string(), style));
                    }
                }
            } else {
                let style = line.spans.first().map(|s| s.style).unwrap_or_default();
                spans.push(Span::styled(piece_str.to_string(), style));
            }
            let mut l = Line::from(spans).style(line.style);
            l.alignment = line.alignment;
            debug_assert!(l.width() <= width || piece_str.width() > width);
            l
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Style};

    #[test]
    fn chinese_with_em_dashes_fits_the_width_and_keeps_closing_punctuation() {
        let text =
            "• 客户端：close() 发送 FIN（若是 shutdown(SHUT_WR) 则为半关闭——仍可接收数据）。";
        assert_eq!(text.width(), 79);
        let out = wrap(vec![Line::from(text)], 78);
        assert!(out.len() >= 2, "{out:?}");
        for l in &out {
            assert!(l.width() <= 78, "{} is {} wide", l, l.width());
        }
        let last = out.last().map(ToString::to_string).unwrap_or_default();
        assert!(!last.starts_with('。'), "a line began with 。: {last:?}");
        let joined: String = out.iter().map(ToString::to_string).collect();
        assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn styles_follow_their_text_across_breaks() {
        let red = Style::new().fg(Color::Red);
        let line = Line::from(vec![
            Span::raw("aaaa bbbb "),
            Span::styled("cccc dddd", red),
        ]);
        let out = wrap(vec![line], 10);
        let text: Vec<String> = out.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["aaaa bbbb", "cccc dddd"]);
        assert!(out[1].spans.iter().all(|s| s.style == red), "{out:?}");
        assert!(out[0].spans.iter().all(|s| s.style != red), "{out:?}");
    }

    #[test]
    fn short_lines_are_untouched() {
        let out = wrap(vec![Line::from("short"), Line::from("")], 20);
        assert_eq!(out.len(), 2);
    }
}
