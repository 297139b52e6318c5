//! TODO: `aidoctor summary`.

use super::AppError;
use crate::report::Exit;

pub fn run(_p: &crate::cli::ProbeArgs) -> Result<Exit, AppError> {
    Err(AppError::Usage("not implemented yet".into()))
}
