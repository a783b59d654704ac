import sys

from lscp_cli.main import main

sys.exit(main())
