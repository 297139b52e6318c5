//! `--format json`: [`Report::to_json`](crate::report::Report::to_json), pretty-printed.

use crate::report::Report;
use std::io::{self, Write};

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &report.to_json())?;
    writeln!(w)
}
