#pragma once
// The tensor the network runtime passes between nodes: a dtype, a shape and row-major elements.
// FP32 carries activations and weights; int64 carries shapes, indices and axes (Reshape, Gather,
// Slice, ...); bool carries masks (Where). The float payload moves in and out of golden/ref's
// Tensor without a copy (to_ref / from_ref), so heavy ops run on the reference operators.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "golden/ref/tensor.h"

namespace tessera::graph {

enum class DType : std::uint8_t { float32, int64, boolean };

std::string dtype_name(DType dtype);  // "float32", "int64", "bool"

// Extents of a tensor; in a TensorType an extent of -1 is unknown (symbolic, e.g. the batch).
using Dims = std::vector<std::int64_t>;

std::int64_t dims_element_count(const Dims& dims);   // 1 for rank 0; throws on unknown extents
std::string dims_to_string(const Dims& dims);        // "(2, 3)", "(?, 10)"

class Tensor {
 public:
  Tensor() = default;  // an empty float32 scalar placeholder with no elements
  Tensor(DType dtype, Dims dims);  // zero-filled; throws InputError on a negative extent
  static Tensor from_floats(Dims dims, std::vector<float> values);
  static Tensor from_int64s(Dims dims, std::vector<std::int64_t> values);
  static Tensor from_bools(Dims dims, std::vector<std::uint8_t> values);
  static Tensor scalar(float value) { return from_floats({}, {value}); }

  DType dtype() const { return dtype_; }
  const Dims& dims() const { return dims_; }
  std::size_t rank() const { return dims_.size(); }
  std::int64_t dim(std::size_t axis) const { return dims_.at(axis); }
  std::size_t size() const;  // element count

  // Typed element access; throw StateError when the dtype differs.
  const std::vector<float>& floats() const;
  std::vector<float>& floats();
  const std::vector<std::int64_t>& int64s() const;
  std::vector<std::int64_t>& int64s();
  const std::vector<std::uint8_t>& bools() const;
  std::vector<std::uint8_t>& bools();

  // Element i converted to double / int64, whatever the dtype.
  double as_double(std::size_t i) const;
  std::int64_t as_int64(std::size_t i) const;

  // Same elements, new extents (equal element count; throws InputError otherwise).
  Tensor reshaped(Dims dims) const&;
  Tensor reshaped(Dims dims) &&;

  // Bytes held by the payload (for tallies and memory reports).
  std::size_t byte_size() const;

 private:
  DType dtype_ = DType::float32;
  Dims dims_;
  std::vector<float> f_;
  std::vector<std::int64_t> i_;
  std::vector<std::uint8_t> b_;
};

// golden/ref interop (float32 only; throws InputError naming `what` otherwise).
ref::Tensor to_ref(const Tensor& tensor, const char* what);
ref::Tensor to_ref(Tensor&& tensor, const char* what);
Tensor from_ref(ref::Tensor&& tensor);
ref::Shape to_ref_shape(const Dims& dims);
Dims from_ref_shape(const ref::Shape& shape);

// True when both have the same dtype, extents and bit-identical elements (NaN == NaN).
bool bitwise_equal(const Tensor& a, const Tensor& b);

}  // namespace tessera::graph
