//! TODO(render): markdown renderer.
