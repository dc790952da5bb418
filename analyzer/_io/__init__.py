"""Small shared I/O helpers: strict YAML reading, atomic writes, where the bundled data lives."""
