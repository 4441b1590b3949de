#pragma once
// `smol verify --plot FILE.png`: each link's error per position on a log scale (verify/scripts/plot_errors.py,
// matplotlib from Debian), drawn from the report's JSON.
#include <string>

namespace smol::verify {

void plot_report(const std::string& report_json_path, const std::string& png_path);

}  // namespace smol::verify
