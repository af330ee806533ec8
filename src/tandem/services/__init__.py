"""Use cases: one module per verb. They depend on `ports` only, never on an adapter or AWS library."""
