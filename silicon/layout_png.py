# KLayout batch script (klayout -zz -r silicon/layout_png.py): a PNG of a routed block from qflow's DEF
# over the cells' LEF (the cells appear as their LEF abstracts: pins and obstructions; Debian's osu018
# package ships no cell GDS). Environment: SMOL_LEF, SMOL_DEF, SMOL_PNG.
import os

import pya

options = pya.LoadLayoutOptions()
options.lefdef_config.lef_files = [os.environ["SMOL_LEF"]]
options.lefdef_config.produce_cell_outlines = True
view = pya.LayoutView()
view.load_layout(os.environ["SMOL_DEF"], options, True)
view.set_config("background-color", "#ffffff")
view.set_config("grid-visible", "false")
view.set_config("text-visible", "false")
view.max_hier()
view.zoom_fit()
view.save_image(os.environ["SMOL_PNG"], 1000, 750)
print("wrote", os.environ["SMOL_PNG"])
