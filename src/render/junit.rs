//! TODO(render): junit renderer.
