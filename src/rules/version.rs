//! Lenient versions: "535.104.05", "12.4", "6.1.2", "2.5.1+cu124". TODO(engine).
