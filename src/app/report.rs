//! TODO: `aidoctor report`.

use super::AppError;
use crate::report::Exit;

pub fn run(_p: &crate::cli::ProbeArgs, _a: &crate::cli::ReportArgs) -> Result<Exit, AppError> {
    Err(AppError::Usage("not implemented yet".into()))
}
