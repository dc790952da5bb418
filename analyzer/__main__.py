import sys

try:
    from analyzer.cli import main
except KeyboardInterrupt:  # Ctrl-C while the program starts
    print("interrupted; nothing was written", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
