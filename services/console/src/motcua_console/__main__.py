from motcua_console.main import main

main()
