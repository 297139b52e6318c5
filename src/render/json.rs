//! `--format json`: [`Report::to_json`](crate::report::Report::to_json), pretty-printed.

use crate::report::Report;
use std::io::{self, Write};

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &report.to_json())?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use crate::report::ReportDocument;

    #[test]
    fn the_document_reads_back_as_its_schema_type() {
        let mut out = Vec::new();
        super::render(&crate::render::sample::report(), &mut out).unwrap();
        let doc: ReportDocument = serde_json::from_slice(&out).unwrap();
        assert_eq!(doc.schema_version, 1);
        assert_eq!(doc.platform, "linux");
        assert_eq!(doc.summary.fail, 1);
        assert_eq!(doc.summary.unknown, 1);
        assert_eq!(doc.rulesets[0].results[3].facts[0].name, "rocm.version");
        assert_eq!(doc.facts["nvidia"]["driver_version"], "535.104.05");
    }
}
