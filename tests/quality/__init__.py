"""Shipped-weight quality: each model in pretrained/ against its bars, and its card against fresh measurements."""
