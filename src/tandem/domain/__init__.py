"""Pure domain: dataclasses, enums and rules. Imports nothing outside the standard library."""
