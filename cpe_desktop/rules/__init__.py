"""Pure compliance rules: plain data in, plain data out; no Qt, no database."""
