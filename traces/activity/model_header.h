#pragma once
// The fields every energy model file starts with: its format and version, and where the model came
// from (ModelMetadata). One writer and one strict reader for the linear and the proxy model files.
#include <string>

#include <nlohmann/json.hpp>

#include "traces/activity/energy_model.h"
#include "traces/activity/field_reader.h"

namespace tessera::traces::activity {

// {"format", "version", "unit", "library", "design", "top", "clock_period_ns", "fitted_on": {...}}
nlohmann::json model_header_to_json(const char* format, int version, const ModelMetadata& meta);

// Checks `format` and `version` (InputError naming the field otherwise) and reads the metadata.
ModelMetadata model_header_from_json(FieldReader& top, const char* format, int version);

}  // namespace tessera::traces::activity
