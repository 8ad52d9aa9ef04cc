from kpi_xl.cli import main

main()
