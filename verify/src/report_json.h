#pragma once
// `smol verify --json`: everything the text report shows, and each link's error per position.
#include "verify/src/verify_run.h"

#include <nlohmann/json.hpp>

namespace smol::verify {

nlohmann::json report_to_json(const verify_report& report);

}  // namespace smol::verify
