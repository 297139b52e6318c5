//! TODO(render): text renderer.
