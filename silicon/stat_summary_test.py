#!/usr/bin/python3
"""stat_summary.py on a hierarchical `stat -liberty` report (a kept submodule instanced twice): the
module's own figures, the totals with its submodules, and the design hierarchy section read as itself."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stat_summary  # noqa: E402

STAT = """
=== lane ===

   Number of cells:                 10
     DFFPOSX1                        2
     NAND2X1                         8

   Chip area for module '\\lane': 400.000000

=== top ===

   Number of cells:                  5
     INVX1                           3
     lane                            2

   Area for cell type \\lane is unknown!

   Chip area for module '\\top': 48.000000

=== design hierarchy ===

   top                               1
     lane                            2

   Number of cells:                 23
     DFFPOSX1                        4
     INVX1                           3
     NAND2X1                        16

   Chip area for top module '\\top': 848.000000
"""


def main():
    modules = stat_summary.parse(STAT)
    assert modules["lane"]["cells"] == 10 and modules["lane"]["flops"] == 2, modules["lane"]
    top = modules["top"]
    assert sum(top["by_cell"].values()) == 3 and top["area_um2"] == 48.0, top
    assert top["submodules"] == {"lane": 2}, top
    modules.pop("design hierarchy")
    cells, flops, area = stat_summary.totals(modules, "top")
    assert (cells, flops, area) == (23, 4, 848.0), (cells, flops, area)
    print("stat_summary_test: ok")


if __name__ == "__main__":
    main()
