"""kpi-xl inside Excel: the cell functions (`udfs`), how Excel's arguments are shaped for them
(`arguments`), the files that set them up for the classic add-in and xlwings Lite (`setup`), and
the console workbook that runs the rollup with one click (`console`).

Nothing is imported here, so each part loads only what it needs (the console, for one, loads the
rollup).
"""
