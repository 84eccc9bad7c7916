"""Taxonomy terms: the Term type, the `terms` list, term inputs and staff term mutations."""
