// Loading the demo agencies and plans (deploy/demo) into a store that has none.
#pragma once

#include <string>

#include "events/util/status.h"
#include "server/app/app.h"

namespace taskledger::server {

// Registers the agencies and creates and imports each plan, as the coordinator "demo". Does
// nothing, and says so, when the store already holds plans. Returns a one-line summary.
Result<std::string> LoadDemo(App& app, const std::string& demo_dir);

}  // namespace taskledger::server
