#include "golden/mx/element_format.h"

#include "golden/common/error.h"

namespace tessera::mx {

std::string_view element_format_name(ElementFormat format) {
  switch (format) {
    case ElementFormat::fp8_e4m3: return "fp8_e4m3";
    case ElementFormat::fp8_e5m2: return "fp8_e5m2";
    case ElementFormat::fp6_e3m2: return "fp6_e3m2";
    case ElementFormat::fp6_e2m3: return "fp6_e2m3";
    case ElementFormat::fp4_e2m1: return "fp4_e2m1";
    case ElementFormat::int8: return "int8";
  }
  return "?";
}

std::string element_format_names() {
  std::string names;
  for (ElementFormat format : kAllElementFormats) {
    names += (names.empty() ? "" : ", ") + std::string(element_format_name(format));
  }
  return names;
}

ElementFormat parse_element_format(std::string_view name, std::string_view what) {
  for (ElementFormat format : kAllElementFormats) {
    if (element_format_name(format) == name) return format;
  }
  throw ConfigError(std::string(what) + ": unknown element format '" + std::string(name) +
                    "'; expected one of: " + element_format_names());
}

}  // namespace tessera::mx
