#include "traces/activity/model_header.h"

namespace tessera::traces::activity {
using nlohmann::json;

json model_header_to_json(const char* format, int version, const ModelMetadata& meta) {
  return json{{"format", format},
              {"version", version},
              {"unit", meta.unit},
              {"library", meta.library},
              {"design", meta.design},
              {"top", meta.top},
              {"clock_period_ns", meta.clock_period_ns},
              {"fitted_on",
               {{"description", meta.fitted_on},
                {"ops", meta.fitted_ops},
                {"streams", meta.fitted_streams},
                {"r2_train", meta.r2_train}}}};
}

ModelMetadata model_header_from_json(FieldReader& top, const char* format, int version) {
  if (top.string("format") != format) top.fail("format", std::string("expected \"") + format + "\"");
  const json& value = top.get("version");
  if (!value.is_number_integer() || value.get<long long>() != version)
    top.fail("version", "expected " + std::to_string(version) + ", got " + value.dump());
  ModelMetadata meta;
  meta.unit = top.string("unit");
  meta.library = top.string("library");
  meta.design = top.string("design");
  meta.top = top.string("top");
  meta.clock_period_ns = top.number("clock_period_ns");
  if (meta.clock_period_ns < 0.0) top.fail("clock_period_ns", "expected >= 0 (0: unknown)");
  FieldReader fitted = top.object("fitted_on");
  meta.fitted_on = fitted.string("description");
  meta.fitted_ops = fitted.count("ops");
  meta.fitted_streams = fitted.count("streams");
  meta.r2_train = fitted.number("r2_train");
  fitted.reject_unknown_keys();
  return meta;
}

}  // namespace tessera::traces::activity
