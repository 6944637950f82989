"""What feedback says, across languages: each item's sentence vector (a multilingual encoder), the
language it is written in (a detector), exact repeats (a fingerprint of the normalised text), and
the nearest items in any language. docs/ARCHITECTURE.md, "Feedback across languages"."""
