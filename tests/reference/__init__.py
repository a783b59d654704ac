"""An independent pandas implementation of the 24 indicators, written from the spec only.

The test suite compares it row by row with the product's SQL (tests/test_reference_crosscheck.py).
"""
