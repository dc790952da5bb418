import sys

try:
    from analyzer.app.cli import run
except KeyboardInterrupt:  # Ctrl-C while the program starts
    import os

    print("interrupted; nothing was written", file=sys.stderr)
    sys.stderr.flush()
    os._exit(130)

sys.exit(run())
