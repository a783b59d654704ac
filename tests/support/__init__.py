"""Test scaffolding shared by several test files (never part of the installed package)."""
