"""Pure email: parsing, reply separation, auto-reply classification, rendering. No AWS imports."""
