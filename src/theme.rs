//! Colour themes. Built-ins are compiled in from `themes/`; a user's theme folder is looked at
//! first. `NO_COLOR` (set and non-empty) forces `mono`. State is never shown by colour alone:
//! every state also has a symbol or a text modifier, so `mono` loses nothing.

use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use crate::runbook::load::{parse_toml, read_text};
use crate::runbook::source::Diagnostic;

pub const BUILTIN: &[(&str, &str)] = &[
    ("dark", include_str!("../themes/dark.toml")),
    ("light", include_str!("../themes/light.toml")),
    ("high-contrast", include_str!("../themes/high-contrast.toml")),
    ("mono", include_str!("../themes/mono.toml")),
];

pub const DEFAULT: &str = "dark";

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct ThemeFile {
    name: String,
    colors: Colors,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Colors {
    text: ColorSpec,
    muted: ColorSpec,
    accent: ColorSpec,
    ok: ColorSpec,
    warn: ColorSpec,
    danger: ColorSpec,
    breached: ColorSpec,
    header_fg: ColorSpec,
    header_bg: ColorSpec,
    selection_fg: ColorSpec,
    selection_bg: ColorSpec,
    live_fg: ColorSpec,
    live_bg: ColorSpec,
    drill_fg: ColorSpec,
    drill_bg: ColorSpec,
}

#[derive(Debug, Clone, Copy)]
struct ColorSpec(Color);

impl<'de> Deserialize<'de> for ColorSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_color(&s).map(ColorSpec).map_err(serde::de::Error::custom)
    }
}

fn parse_color(s: &str) -> Result<Color, String> {
    let named = match s {
        "reset" | "default" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "dark-gray" | "dark-grey" => Color::DarkGray,
        "light-red" => Color::LightRed,
        "light-green" => Color::LightGreen,
        "light-yellow" => Color::LightYellow,
        "light-blue" => Color::LightBlue,
        "light-magenta" => Color::LightMagenta,
        "light-cyan" => Color::LightCyan,
        "white" => Color::White,
        hex if hex.starts_with('#') && hex.len() == 7 => {
            let v = u32::from_str_radix(&hex[1..], 16)
                .map_err(|_| format!("\"{s}\" is not a colour; use a name or #rrggbb"))?;
            Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
        }
        _ => {
            return Err(format!(
                "\"{s}\" is not a colour; use a name (e.g. \"light-red\") or #rrggbb"
            ))
        }
    };
    Ok(named)
}

/// Styles for each thing the console draws.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    pub text: Style,
    pub muted: Style,
    pub accent: Style,
    pub ok: Style,
    pub warn: Style,
    pub danger: Style,
    pub breached: Style,
    pub header: Style,
    pub selection: Style,
    pub live: Style,
    pub drill: Style,
    pub title: Style,
}

impl Theme {
    fn from_file(f: ThemeFile) -> Theme {
        let c = &f.colors;
        let fg = |x: ColorSpec| Style::default().fg(x.0);
        Theme {
            name: f.name.clone(),
            text: fg(c.text),
            muted: fg(c.muted).add_modifier(Modifier::DIM),
            accent: fg(c.accent),
            ok: fg(c.ok),
            warn: fg(c.warn).add_modifier(Modifier::BOLD),
            danger: fg(c.danger).add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            breached: fg(c.breached).add_modifier(Modifier::BOLD | Modifier::REVERSED),
            header: Style::default().fg(c.header_fg.0).bg(c.header_bg.0),
            selection: Style::default().fg(c.selection_fg.0).bg(c.selection_bg.0),
            live: Style::default().fg(c.live_fg.0).bg(c.live_bg.0).add_modifier(Modifier::BOLD),
            drill: Style::default().fg(c.drill_fg.0).bg(c.drill_bg.0).add_modifier(Modifier::BOLD),
            title: fg(c.accent).add_modifier(Modifier::BOLD),
        }
        .mono_fixups(f.colors.selection_bg.0 == Color::Reset)
    }

    /// A theme without colours still has to show the selection and the header.
    fn mono_fixups(mut self, mono: bool) -> Theme {
        if mono {
            self.header = Style::default().add_modifier(Modifier::REVERSED);
            self.selection = Style::default().add_modifier(Modifier::REVERSED);
            self.live = Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD);
            self.drill = Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        }
        self
    }

    pub fn builtin(name: &str) -> Option<Theme> {
        let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        parse(&format!("<built-in theme {name}>"), text).ok()
    }
}

pub fn parse(name: &str, text: &str) -> Result<Theme, Diagnostic> {
    parse_toml::<ThemeFile>(name, text).map(Theme::from_file)
}

/// Whether NO_COLOR asks for no colour (set and non-empty, per no-color.org).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Resolve a theme by name: the user's folder first, then the built-ins.
pub fn load(name: Option<&str>, user_dir: Option<&Path>) -> Result<Theme, Diagnostic> {
    let name = if no_color() { "mono" } else { name.unwrap_or(DEFAULT) };
    if let Some(dir) = user_dir {
        let path = dir.join(format!("{name}.toml"));
        if path.is_file() {
            let shown = path.display().to_string();
            let text = read_text(&path, &shown)?;
            return parse(&shown, &text);
        }
    }
    match BUILTIN.iter().find(|(n, _)| *n == name) {
        Some((n, text)) => parse(&format!("<built-in theme {n}>"), text),
        None => {
            let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
            Err(Diagnostic {
                file: "--theme".to_string(),
                line: 1,
                column: 1,
                key: Some("theme".to_string()),
                message: format!("no theme named '{name}'; built-in themes: {}", names.join(", ")),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_loads() {
        for (name, text) in BUILTIN {
            let t = parse(name, text).expect(name);
            assert_eq!(&t.name, name);
        }
    }

    #[test]
    fn a_bad_colour_names_file_line_and_key() {
        let text = "name = \"x\"\n[colors]\ntext = \"purplish\"\n";
        let err = parse("my.toml", text).unwrap_err().to_string();
        assert!(err.starts_with("my.toml:3:8: colors.text: \"purplish\" is not a colour"), "{err}");
    }

    #[test]
    fn unknown_theme_lists_builtins() {
        if no_color() {
            return; // NO_COLOR forces mono whatever the name
        }
        let err = load(Some("neon"), None).unwrap_err().to_string();
        assert!(err.contains("dark, light, high-contrast, mono"), "{err}");
    }
}
