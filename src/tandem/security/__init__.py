"""Adapters for credentials: password hashing (argon2) and signed tokens (JOSE)."""
