//! Rulesets fetched over HTTPS. TODO(sharing): per the sharing issue.
