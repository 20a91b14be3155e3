#pragma once
// NumPy .npy files (format versions 1.0, 2.0 and 3.0): the way tensors are exchanged with users.
// Little-endian, C order only; anything else is rejected with a message naming the file and field.
// Reading checks the data size against the header before allocating, so a lying header cannot
// cause an unbounded allocation.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::npy {

enum class DType : std::uint8_t {
  float32, float64, int8, uint8, int16, uint16, int32, uint32, int64, uint64, bool8
};

std::string_view dtype_name(DType dtype);    // "float32", "uint8", ...
std::string_view dtype_descr(DType dtype);   // the header's descr: "<f4", "|u1", ...
std::size_t dtype_size(DType dtype);

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::float32; }
template <> constexpr DType dtype_of<double>() { return DType::float64; }
template <> constexpr DType dtype_of<std::int8_t>() { return DType::int8; }
template <> constexpr DType dtype_of<std::uint8_t>() { return DType::uint8; }
template <> constexpr DType dtype_of<std::int16_t>() { return DType::int16; }
template <> constexpr DType dtype_of<std::uint16_t>() { return DType::uint16; }
template <> constexpr DType dtype_of<std::int32_t>() { return DType::int32; }
template <> constexpr DType dtype_of<std::uint32_t>() { return DType::uint32; }
template <> constexpr DType dtype_of<std::int64_t>() { return DType::int64; }
template <> constexpr DType dtype_of<std::uint64_t>() { return DType::uint64; }

// A tensor as stored in a .npy file: dtype, shape, and the raw little-endian C-order bytes.
struct Array {
  DType dtype = DType::float32;
  std::vector<std::size_t> shape;
  std::vector<std::uint8_t> bytes;

  std::size_t element_count() const;
  // Typed views; throw InputError when T does not match dtype.
  template <class T> const T* data() const;
  template <class T> T* data();
  // Copy of the elements as T, converting from any numeric dtype.
  template <class T> std::vector<T> to_vector() const;
};

// Builds an array; throws InputError when the element count does not match the shape.
template <class T>
Array make_array(std::vector<std::size_t> shape, const std::vector<T>& values);

// Reads a .npy file. `path` names the file in every error message.
Array load(const std::string& path);
// Parses the bytes of a .npy file; `source_name` names it in error messages.
Array parse(std::string_view file_bytes, const std::string& source_name);
// Serialises to .npy version 1.0 bytes.
std::string serialize(const Array& array);
// Writes a .npy file atomically.
void save(const std::string& path, const Array& array);

// Loads a file and checks it holds `expected` with at least one element; throws InputError
// naming the file, e.g. "x.npy: dtype: expected float32, got int64".
Array load_expecting(const std::string& path, DType expected);

std::string shape_to_string(const std::vector<std::size_t>& shape);  // "(2, 3)"

}  // namespace tessera::npy
