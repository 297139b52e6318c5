//! One integration-test binary (faster to build than one per file).

mod timeouts;
