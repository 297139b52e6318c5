//! TODO: `aidoctor rules`.

use super::AppError;
use crate::report::Exit;

pub fn run(_p: &crate::cli::ProbeArgs, _a: &crate::cli::RulesCommand) -> Result<Exit, AppError> {
    Err(AppError::Usage("not implemented yet".into()))
}
