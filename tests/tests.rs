//! One integration-test binary (faster to build than one per file).

// mod timeouts; (enabled once the nvidia and docker probes land)
