"""Data sets and the input features built from them."""
