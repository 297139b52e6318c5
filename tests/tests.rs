//! One integration-test binary (faster to build than one per file).

#[path = "it/readme.rs"]
mod readme;
#[path = "it/rulesets.rs"]
mod rulesets;
#[path = "it/timeouts.rs"]
mod timeouts;
