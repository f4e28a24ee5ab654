from hkbrief.cli import main

main()
