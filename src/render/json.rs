//! TODO(render): json renderer.
