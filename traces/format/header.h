#pragma once
// The self-describing JSON header of a trace: who wrote it, for which layer and unit, and the
// arrays that follow. Schema and field meanings: traces/FORMAT.md.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "traces/format/dtype.h"

namespace tessera::traces {

// The tessera release that writes traces (the project version from CMake).
std::string_view tessera_version();

struct UnitSpec {
  std::string family;                                // "approx", "mx", "optical", ...
  nlohmann::json config = nlohmann::json::object();  // the unit's typed config, as JSON
};

// The order in which the hardware consumes the streams, e.g. "weight_stationary".
struct DataflowSpec {
  std::string name;
  std::string description;
};

// One stream of fixed-shape records, e.g. int32 tile headers of shape [3].
struct ArraySpec {
  std::string name;
  DType dtype = DType::kInt8;
  std::vector<std::uint64_t> record_shape;  // empty: scalar records
  std::string description;

  // Elements per record: the product of record_shape (1 for a scalar).
  std::uint64_t record_elements() const;
};

struct TraceHeader {
  std::string producer;  // the program or module that wrote the trace
  std::string tessera_version{traces::tessera_version()};
  std::string network;
  std::string layer;
  UnitSpec unit;
  DataflowSpec dataflow;
  std::uint64_t seed = 0;
  std::vector<ArraySpec> arrays;
  nlohmann::json meta = nlohmann::json::object();  // free-form, for the producer's own notes

  // Index of the array called `name`; throws ConfigError listing the arrays when there is none.
  std::size_t array_index(std::string_view name) const;
};

// Largest record a header may declare (elements); keeps record arithmetic far from overflow.
inline constexpr std::uint64_t kMaxRecordElements = std::uint64_t{1} << 32;

// Checks every field. `source` names the file (or object) in the InputError's message.
void validate_header(const TraceHeader& header, const std::string& source);

// Serialises a validated header (throws InputError naming `source` when a field is invalid).
nlohmann::json header_to_json(const TraceHeader& header,
                              const std::string& source = "trace header");

// Parses and validates; every missing, mistyped or unknown field is an InputError naming
// `source` and the field.
TraceHeader header_from_json(const nlohmann::json& document, const std::string& source);

}  // namespace tessera::traces
