"""Ledgers (台账): the Excel export a county office expects, the import template, and imports.

export.py streams the register of a scope into a workbook (masked ID numbers only);
template.py builds the import template; reader.py, rows.py, importer.py and writer.py read,
validate (with the REST API's schemas), de-duplicate and write an uploaded ledger; jobs.py
runs large files in the background with their progress in ``import_job``.
"""
