"""Files in and out: atomic writes and YAML (`files`), CSV (`csvfile`), the checks every workbook passes
before it is opened (`preflight`), the one module that opens workbooks for reading (`workbook`), text
written back into cells (`text`), and how files and errors are named in messages (`messages`)."""
