// The demo data's manifests (deploy/demo/agencies.json, plans.json), read from their text.
// Reading the files is the caller's business; this only parses and checks them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/model.h"
#include "events/util/status.h"

namespace taskledger::domain {

// [{"id","name","name_en","kind","parent","aliases":[],"members":[]}], in registration order.
Result<std::vector<Agency>> ReadAgencies(std::string_view json);

struct PlanManifest {
  Plan plan;           // without tasks; sections come from the matrix
  std::string matrix;  // file name of its task matrix (CSV or JSON), next to the manifest
};
// [{"id","title","number","authority","issued","period":{"start","end"},"targets":[],"matrix"}]
Result<std::vector<PlanManifest>> ReadPlanManifests(std::string_view json);

}  // namespace taskledger::domain
