//! Renderers: each turns a [`Report`](crate::report::Report) (or facts) into one format and
//! does nothing else.

pub mod facts_text;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod report_md;
pub mod style;
pub mod text;

#[cfg(test)]
pub(crate) mod sample;
