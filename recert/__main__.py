from recert.cli import main

main()
