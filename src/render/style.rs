//! Colors on a terminal only: NO_COLOR, TERM=dumb, non-TTY and --color are respected.

use owo_colors::{OwoColorize, Style};

/// `--color auto`: on a terminal, unless NO_COLOR is set (non-empty) or the terminal is dumb
/// (it would show the escape sequences as text).
fn auto(no_color: Option<std::ffi::OsString>, term: Option<std::ffi::OsString>, tty: bool) -> bool {
    tty && no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Styler {
    pub color: bool,
}

impl Styler {
    pub fn plain() -> Styler {
        Styler { color: false }
    }
    /// Decide for standard output.
    pub fn for_stdout(choice: crate::cli::ColorChoice) -> Styler {
        use crate::cli::ColorChoice::*;
        let color = match choice {
            Always => true,
            Never => false,
            Auto => auto(
                std::env::var_os("NO_COLOR"),
                std::env::var_os("TERM"),
                std::io::IsTerminal::is_terminal(&std::io::stdout()),
            ),
        };
        Styler { color }
    }
    pub fn paint(&self, s: &str, style: Style) -> String {
        if self.color {
            s.style(style).to_string()
        } else {
            s.to_string()
        }
    }
    pub fn bold(&self, s: &str) -> String {
        self.paint(s, Style::new().bold())
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint(s, Style::new().dimmed())
    }
    pub fn green(&self, s: &str) -> String {
        self.paint(s, Style::new().green())
    }
    pub fn yellow(&self, s: &str) -> String {
        self.paint(s, Style::new().yellow())
    }
    pub fn red(&self, s: &str) -> String {
        self.paint(s, Style::new().red().bold())
    }
    pub fn cyan(&self, s: &str) -> String {
        self.paint(s, Style::new().cyan())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn auto_colors_only_on_a_capable_terminal() {
        let s = |v: &str| Some(std::ffi::OsString::from(v));
        assert!(super::auto(None, s("xterm-256color"), true));
        assert!(super::auto(s(""), None, true));
        assert!(!super::auto(None, s("xterm"), false));
        assert!(!super::auto(s("1"), s("xterm"), true));
        assert!(!super::auto(None, s("dumb"), true));
    }
}
