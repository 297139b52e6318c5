//! aidoctor: probes a machine, checks it against rulesets for local AI software, and says
//! exactly what to fix. See README.md.

pub mod age;
pub mod app;
pub mod cli;
pub mod facts;
pub mod fit;
pub mod host;
pub mod knowledge;
pub mod printable;
pub mod probes;
pub mod redact;
pub mod remote;
pub mod render;
pub mod report;
pub mod rules;
pub mod schema;
pub mod text;
pub mod yaml;

#[cfg(test)]
pub(crate) mod testutil;
