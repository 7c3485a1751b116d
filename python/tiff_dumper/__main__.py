"""`tiff-dumper` (console script) and `python -m tiff_dumper`: the bundled binary."""
import os
import sys


def main():
    binary = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "tiff-dumper")
    os.execv(binary, [binary] + sys.argv[1:])


if __name__ == "__main__":
    main()
