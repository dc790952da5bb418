import sys

from analyzer.app.cli import main

sys.exit(main())
