#include "verify/src/plot.h"

#include "verify/src/child_process.h"

namespace smol::verify {

void plot_report(const std::string& report_json_path, const std::string& png_path) {
    run_child_checked("--plot", {SMOL_PYTHON, source_dir() + "/verify/scripts/plot_errors.py", report_json_path, png_path});
}

}  // namespace smol::verify
