#include "traces/format/header.h"

#include <set>

#include "golden/common/error.h"
#include "traces/format/layout.h"

#ifndef TESSERA_VERSION_STRING
#error "TESSERA_VERSION_STRING must be defined by the build"
#endif

namespace tessera::traces {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& source, const std::string& field,
                       const std::string& expected) {
  throw InputError(source + ": header field '" + field + "': " + expected);
}

void require_nonempty(const std::string& value, const std::string& source,
                      const std::string& field) {
  if (value.empty()) fail(source, field, "expected a non-empty string");
}

// JSON parsed from text stores non-negative integers as unsigned, but JSON built in C++ from an
// `int` stores them as signed; both are accepted.
bool is_non_negative_integer(const json& value) {
  return value.is_number_unsigned() ||
         (value.is_number_integer() && value.get<std::int64_t>() >= 0);
}

bool is_identifier(const std::string& name) {
  if (name.empty()) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

const json& member(const json& object, const std::string& key, const std::string& source,
                   const std::string& path) {
  const auto found = object.find(key);
  if (found == object.end()) fail(source, path, "missing");
  return *found;
}

std::string string_member(const json& object, const std::string& key, const std::string& source,
                          const std::string& path) {
  const json& value = member(object, key, source, path);
  if (!value.is_string()) fail(source, path, "expected a string, got " + value.dump());
  return value.get<std::string>();
}

const json& object_member(const json& object, const std::string& key, const std::string& source,
                          const std::string& path) {
  const json& value = member(object, key, source, path);
  if (!value.is_object()) fail(source, path, "expected a JSON object, got " + value.dump());
  return value;
}

std::uint64_t unsigned_member(const json& object, const std::string& key, const std::string& source,
                              const std::string& path) {
  const json& value = member(object, key, source, path);
  if (!is_non_negative_integer(value)) {
    fail(source, path, "expected a non-negative integer, got " + value.dump());
  }
  return value.get<std::uint64_t>();
}

// Unknown keys are rejected so a misspelt field is reported instead of silently ignored;
// free-form additions belong in "meta".
void reject_unknown_keys(const json& object, const std::set<std::string>& known,
                         const std::string& source, const std::string& prefix) {
  for (const auto& item : object.items()) {
    if (known.count(item.key()) == 0) {
      std::string accepted;
      for (const std::string& key : known) accepted += (accepted.empty() ? "" : ", ") + key;
      fail(source, prefix + item.key(), "unknown field (accepted: " + accepted + ")");
    }
  }
}

ArraySpec array_from_json(const json& value, const std::string& source, const std::string& path) {
  if (!value.is_object()) fail(source, path, "expected a JSON object, got " + value.dump());
  reject_unknown_keys(value, {"name", "dtype", "record_shape", "description"}, source, path + ".");
  ArraySpec array;
  array.name = string_member(value, "name", source, path + ".name");
  const std::string dtype = string_member(value, "dtype", source, path + ".dtype");
  if (!parse_dtype(dtype, array.dtype)) {
    fail(source, path + ".dtype", "expected one of " + dtype_names() + ", got '" + dtype + "'");
  }
  const json& shape = member(value, "record_shape", source, path + ".record_shape");
  if (!shape.is_array()) {
    fail(source, path + ".record_shape",
         "expected an array of positive integers, got " + shape.dump());
  }
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (!is_non_negative_integer(shape[i])) {
      fail(source, path + ".record_shape[" + std::to_string(i) + "]",
           "expected a positive integer, got " + shape[i].dump());
    }
    array.record_shape.push_back(shape[i].get<std::uint64_t>());
  }
  array.description = string_member(value, "description", source, path + ".description");
  return array;
}

}  // namespace

std::string_view tessera_version() { return TESSERA_VERSION_STRING; }

std::uint64_t ArraySpec::record_elements() const {
  std::uint64_t elements = 1;
  for (const std::uint64_t extent : record_shape) {
    // Saturate: validate_header rejects anything above kMaxRecordElements.
    if (extent != 0 && elements > kMaxRecordElements / extent) return kMaxRecordElements + 1;
    elements *= extent;
  }
  return elements;
}

std::size_t TraceHeader::array_index(std::string_view name) const {
  std::string known;
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    if (arrays[i].name == name) return i;
    known += (known.empty() ? "" : ", ") + arrays[i].name;
  }
  throw ConfigError("trace has no array '" + std::string(name) + "' (arrays: " + known + ")");
}

void validate_header(const TraceHeader& header, const std::string& source) {
  require_nonempty(header.producer, source, "producer");
  require_nonempty(header.tessera_version, source, "tessera_version");
  require_nonempty(header.network, source, "network");
  require_nonempty(header.layer, source, "layer");
  require_nonempty(header.unit.family, source, "unit.family");
  if (!header.unit.config.is_object()) {
    fail(source, "unit.config", "expected a JSON object, got " + header.unit.config.dump());
  }
  require_nonempty(header.dataflow.name, source, "dataflow.name");
  if (!header.meta.is_object()) {
    fail(source, "meta", "expected a JSON object, got " + header.meta.dump());
  }
  if (header.arrays.empty()) fail(source, "arrays", "expected at least one array");
  std::set<std::string> names;
  for (std::size_t i = 0; i < header.arrays.size(); ++i) {
    const ArraySpec& array = header.arrays[i];
    const std::string path = "arrays[" + std::to_string(i) + "]";
    if (!is_identifier(array.name)) {
      fail(source, path + ".name",
           "expected a non-empty name of letters, digits, '_', '.', '-', got '" + array.name + "'");
    }
    if (!names.insert(array.name).second) {
      fail(source, path + ".name", "duplicate array name '" + array.name + "'");
    }
    for (std::size_t d = 0; d < array.record_shape.size(); ++d) {
      if (array.record_shape[d] == 0) {
        fail(source, path + ".record_shape[" + std::to_string(d) + "]",
             "expected a positive extent, got 0");
      }
    }
    if (array.record_elements() > kMaxRecordElements) {
      fail(source, path + ".record_shape",
           "record has more than " + std::to_string(kMaxRecordElements) + " elements");
    }
  }
}

nlohmann::json header_to_json(const TraceHeader& header, const std::string& source) {
  validate_header(header, source);
  json arrays = json::array();
  for (const ArraySpec& array : header.arrays) {
    arrays.push_back({{"name", array.name},
                      {"dtype", std::string(dtype_name(array.dtype))},
                      {"record_shape", array.record_shape},
                      {"description", array.description}});
  }
  return json{
      {"format", std::string(layout::kFormatName)},
      {"version", layout::kFormatVersion},
      {"producer", header.producer},
      {"tessera_version", header.tessera_version},
      {"network", header.network},
      {"layer", header.layer},
      {"unit", {{"family", header.unit.family}, {"config", header.unit.config}}},
      {"dataflow", {{"name", header.dataflow.name}, {"description", header.dataflow.description}}},
      {"seed", header.seed},
      {"arrays", arrays},
      {"meta", header.meta}};
}

TraceHeader header_from_json(const nlohmann::json& document, const std::string& source) {
  if (!document.is_object()) {
    throw InputError(source + ": trace header: expected a JSON object, got " + document.dump());
  }
  reject_unknown_keys(document,
                      {"format", "version", "producer", "tessera_version", "network", "layer",
                       "unit", "dataflow", "seed", "arrays", "meta"},
                      source, "");
  const std::string format = string_member(document, "format", source, "format");
  if (format != layout::kFormatName) {
    fail(source, "format",
         "expected '" + std::string(layout::kFormatName) + "', got '" + format + "'");
  }
  const std::uint64_t version = unsigned_member(document, "version", source, "version");
  if (version != layout::kFormatVersion) {
    fail(source, "version",
         "expected " + std::to_string(layout::kFormatVersion) + ", got " + std::to_string(version));
  }
  TraceHeader header;
  header.producer = string_member(document, "producer", source, "producer");
  header.tessera_version = string_member(document, "tessera_version", source, "tessera_version");
  header.network = string_member(document, "network", source, "network");
  header.layer = string_member(document, "layer", source, "layer");

  const json& unit = object_member(document, "unit", source, "unit");
  reject_unknown_keys(unit, {"family", "config"}, source, "unit.");
  header.unit.family = string_member(unit, "family", source, "unit.family");
  header.unit.config = object_member(unit, "config", source, "unit.config");

  const json& dataflow = object_member(document, "dataflow", source, "dataflow");
  reject_unknown_keys(dataflow, {"name", "description"}, source, "dataflow.");
  header.dataflow.name = string_member(dataflow, "name", source, "dataflow.name");
  header.dataflow.description =
      string_member(dataflow, "description", source, "dataflow.description");

  header.seed = unsigned_member(document, "seed", source, "seed");

  const json& arrays = member(document, "arrays", source, "arrays");
  if (!arrays.is_array()) fail(source, "arrays", "expected a JSON array, got " + arrays.dump());
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    header.arrays.push_back(
        array_from_json(arrays[i], source, "arrays[" + std::to_string(i) + "]"));
  }
  header.meta = object_member(document, "meta", source, "meta");
  validate_header(header, source);
  return header;
}

}  // namespace tessera::traces
