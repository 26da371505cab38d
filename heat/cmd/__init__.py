"""Entry points of Heat's processes."""
