#pragma once
// LinearEnergyModel as a JSON file (format described in traces/activity/README.md):
// {"format": "tessera.linear_energy_model", "version": 1, "unit": ..., "library": ..., "design": ...,
//  "top": ..., "clock_period_ns": ..., "fitted_on": {"description", "ops", "streams", "r2_train"},
//  "intercept_pj": ..., "feature_names": [...], "coefficients_pj": [...]}
#include <string>

#include <nlohmann/json.hpp>

#include "traces/activity/energy_model.h"

namespace tessera::traces::activity {

inline constexpr int kModelFileVersion = 1;
inline constexpr const char* kModelFileFormat = "tessera.linear_energy_model";

nlohmann::json model_to_json(const LinearEnergyModel& model);
// `source` names the file (or stream) in error messages. Every field is checked: missing, wrongly
// typed, non-finite, unknown or repeated feature names, mismatched lengths, an unknown version or
// an unexpected key each throw InputError naming the source and the field.
LinearEnergyModel model_from_json(const nlohmann::json& json, const std::string& source);

// Written atomically.
void save_model(const LinearEnergyModel& model, const std::string& path);
LinearEnergyModel load_model(const std::string& path);

}  // namespace tessera::traces::activity
