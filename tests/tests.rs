//! One integration-test binary (faster to build than one per file).

#[path = "it/timeouts.rs"]
mod timeouts;
