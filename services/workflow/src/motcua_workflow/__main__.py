import sys

from motcua_workflow.main import main

sys.exit(main())
