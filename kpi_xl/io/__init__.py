"""Files in and out: atomic writes and YAML (`files`), CSV (`csvfile`); workbooks are opened only
through `workbook`, after the preflight checks."""
