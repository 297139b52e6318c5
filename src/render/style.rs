//! Colors on a terminal only: NO_COLOR, non-TTY and --color are respected.

use owo_colors::{OwoColorize, Style};

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
            Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::IsTerminal::is_terminal(&std::io::stdout())
            }
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
