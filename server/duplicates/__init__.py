"""Duplicate minors: found by ID hash or name + birth date + address, merged with every history kept."""
