#include "traces/format/dtype.h"

#include <array>
#include <utility>

namespace tessera::traces {
namespace {

struct DTypeInfo {
  DType dtype;
  std::string_view name;
  std::size_t size;
};

constexpr std::array<DTypeInfo, 9> kDTypes = {{
    {DType::kInt8, "int8", 1},
    {DType::kUInt8, "uint8", 1},
    {DType::kInt16, "int16", 2},
    {DType::kUInt16, "uint16", 2},
    {DType::kInt32, "int32", 4},
    {DType::kUInt32, "uint32", 4},
    {DType::kInt64, "int64", 8},
    {DType::kFloat32, "float32", 4},
    {DType::kFloat64, "float64", 8},
}};

const DTypeInfo& info(DType dtype) { return kDTypes[static_cast<std::size_t>(dtype)]; }

}  // namespace

std::string_view dtype_name(DType dtype) { return info(dtype).name; }

std::size_t dtype_size(DType dtype) { return info(dtype).size; }

bool parse_dtype(std::string_view name, DType& dtype) {
  for (const DTypeInfo& candidate : kDTypes) {
    if (candidate.name == name) {
      dtype = candidate.dtype;
      return true;
    }
  }
  return false;
}

std::string dtype_names() {
  std::string names;
  for (const DTypeInfo& candidate : kDTypes) {
    if (!names.empty()) names += ", ";
    names += candidate.name;
  }
  return names;
}

}  // namespace tessera::traces
