#pragma once
// Element types a trace array may hold. The set is closed: a reader must know every element's
// width to check chunk lengths, so a new type needs a new format version (see traces/FORMAT.md).
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace tessera::traces {

enum class DType { kInt8, kUInt8, kInt16, kUInt16, kInt32, kUInt32, kInt64, kFloat32, kFloat64 };

// The name used in the header JSON ("int8", "float32", ...).
std::string_view dtype_name(DType dtype);

// Bytes per element in the file.
std::size_t dtype_size(DType dtype);

// Parses a header name; returns false for an unknown one.
bool parse_dtype(std::string_view name, DType& dtype);

// Every accepted name, comma-separated, for error messages.
std::string dtype_names();

// The dtype of a C++ element type. Only the nine supported types compile, so appending or reading
// a wrong type is caught at compile time where the type is fixed and at run time (against the
// header) where it is not.
template <class T>
struct DTypeOf;
template <>
struct DTypeOf<std::int8_t> {
  static constexpr DType value = DType::kInt8;
};
template <>
struct DTypeOf<std::uint8_t> {
  static constexpr DType value = DType::kUInt8;
};
template <>
struct DTypeOf<std::int16_t> {
  static constexpr DType value = DType::kInt16;
};
template <>
struct DTypeOf<std::uint16_t> {
  static constexpr DType value = DType::kUInt16;
};
template <>
struct DTypeOf<std::int32_t> {
  static constexpr DType value = DType::kInt32;
};
template <>
struct DTypeOf<std::uint32_t> {
  static constexpr DType value = DType::kUInt32;
};
template <>
struct DTypeOf<std::int64_t> {
  static constexpr DType value = DType::kInt64;
};
template <>
struct DTypeOf<float> {
  static constexpr DType value = DType::kFloat32;
};
template <>
struct DTypeOf<double> {
  static constexpr DType value = DType::kFloat64;
};

template <class T>
constexpr DType dtype_of() {
  return DTypeOf<T>::value;
}

// Floats are stored as their IEEE 754 bit patterns.
static_assert(std::numeric_limits<float>::is_iec559 && sizeof(float) == 4);
static_assert(std::numeric_limits<double>::is_iec559 && sizeof(double) == 8);

}  // namespace tessera::traces
