//! Colour themes: dark, light and a high-contrast projector theme. Colour
//! only reinforces meaning the text already carries (arrows, C/S letters,
//! markers). Styles only: no layout, no text.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};

use crate::i18n::Text;

/// A theme by name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ThemeName {
    /// Light text on the terminal's dark background.
    #[default]
    Dark,
    /// Dark text on white.
    Light,
    /// High contrast, bold, for projectors.
    Projector,
}

impl ThemeName {
    /// The next theme (`t` cycles).
    pub fn next(self) -> ThemeName {
        match self {
            ThemeName::Dark => ThemeName::Light,
            ThemeName::Light => ThemeName::Projector,
            ThemeName::Projector => ThemeName::Dark,
        }
    }

    /// Its name in the UI.
    pub fn text(self) -> Text {
        match self {
            ThemeName::Dark => Text::ThemeDark,
            ThemeName::Light => Text::ThemeLight,
            ThemeName::Projector => Text::ThemeProjector,
        }
    }

    /// Its colours.
    pub fn theme(self) -> Theme {
        match self {
            ThemeName::Dark => Theme {
                fg: Color::Reset,
                bg: Color::Reset,
                dim: Color::DarkGray,
                client: Color::Cyan,
                server: Color::LightMagenta,
                current_bg: Color::Rgb(40, 48, 72),
                border: Color::Gray,
                accent: Color::Yellow,
                bold: false,
            },
            ThemeName::Light => Theme {
                fg: Color::Black,
                bg: Color::White,
                dim: Color::Gray,
                client: Color::Blue,
                server: Color::Magenta,
                current_bg: Color::Rgb(210, 225, 250),
                border: Color::DarkGray,
                accent: Color::Red,
                bold: false,
            },
            ThemeName::Projector => Theme {
                fg: Color::White,
                bg: Color::Black,
                dim: Color::Gray,
                client: Color::LightYellow,
                server: Color::LightCyan,
                current_bg: Color::Blue,
                border: Color::White,
                accent: Color::LightGreen,
                bold: true,
            },
        }
    }
}

/// Colours of one theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    /// Text.
    pub fg: Color,
    /// Background.
    pub bg: Color,
    /// Secondary text.
    pub dim: Color,
    /// The client's colour.
    pub client: Color,
    /// The server's colour.
    pub server: Color,
    /// Background of the current step.
    pub current_bg: Color,
    /// Panel borders.
    pub border: Color,
    /// Highlights (labels, marks).
    pub accent: Color,
    /// Everything bold (projector).
    pub bold: bool,
}

impl Theme {
    /// The bordered block every panel is drawn in, titled ` title `.
    pub fn panel(&self, title: &str) -> Block<'static> {
        Block::new()
            .borders(Borders::ALL)
            .border_style(self.border())
            .title(Span::styled(format!(" {title} "), self.title()))
    }

    fn b(&self, s: Style) -> Style {
        if self.bold {
            s.add_modifier(Modifier::BOLD)
        } else {
            s
        }
    }
    /// Plain text.
    pub fn base(&self) -> Style {
        self.b(Style::new().fg(self.fg).bg(self.bg))
    }
    /// Secondary text.
    pub fn dim(&self) -> Style {
        Style::new().fg(self.dim).bg(self.bg)
    }
    /// Text in one side's colour.
    pub fn side(&self, side: crate::conversation::Side) -> Style {
        let c = match side {
            crate::conversation::Side::Client => self.client,
            crate::conversation::Side::Server => self.server,
        };
        self.b(Style::new().fg(c).bg(self.bg))
    }
    /// Panel borders.
    pub fn border(&self) -> Style {
        Style::new().fg(self.border).bg(self.bg)
    }
    /// Panel titles.
    pub fn title(&self) -> Style {
        self.base().add_modifier(Modifier::BOLD)
    }
    /// Highlighted text.
    pub fn accent(&self) -> Style {
        self.b(Style::new().fg(self.accent).bg(self.bg))
    }
}
