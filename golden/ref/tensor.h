#pragma once
// The tensor the reference ops take and return: a shape and its float32 elements, row-major
// (C order, last axis fastest), always contiguous. It is deliberately nothing more — no strides,
// no views, no dtype — so every op reads as the textbook loop it implements. The runtime holds
// tensors as std::vector<float> + shape and moves them in and out without copying.
//
// Conventions of every op in golden/ref:
//   - Inputs are validated before any work; a wrong *tensor shape* throws InputError, a
//     *parameter* outside its valid range (stride 0, axis out of range, epsilon < 0, ...) throws
//     ConfigError. Messages start with the op and name the argument, e.g.
//     "conv2d: weight shape (8, 3, 3, 3) needs input channels 3·groups = 3, got 4".
//   - Optional tensors (bias, gamma, mask, ...) are passed as `const Tensor*`; nullptr means absent.
//   - Negative axes count from the end, as in NumPy, ONNX and PyTorch.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace tessera::ref {

using Shape = std::vector<std::size_t>;

std::size_t element_count(const Shape& shape);  // 1 for a scalar (rank 0)
std::string shape_to_string(const Shape& shape);  // "(2, 3)"

class Tensor {
 public:
  // Invariant: size() == element_count(shape()). A default or emptied tensor is shape (0,).
  Tensor() = default;
  explicit Tensor(Shape shape);        // zero-filled
  // Throws InputError when values.size() does not equal the shape's element count.
  Tensor(Shape shape, std::vector<float> values);

  const Shape& shape() const { return shape_; }
  std::size_t rank() const { return shape_.size(); }
  std::size_t dim(std::size_t axis) const { return shape_.at(axis); }
  std::size_t size() const { return values_.size(); }

  const float* data() const { return values_.data(); }
  float* data() { return values_.data(); }
  const std::vector<float>& values() const& { return values_; }
  // On a temporary, the elements move out, so `for (float v : op(x).values())` is safe.
  std::vector<float> values() && { return release_values(); }
  // Hands the elements over without a copy; the tensor is left empty.
  std::vector<float> release_values() {
    shape_ = {0};
    return std::exchange(values_, {});
  }

 private:
  Shape shape_{0};
  std::vector<float> values_;
};

// Returns the tensor with a new shape of the same element count; throws InputError otherwise.
Tensor reshape(Tensor tensor, Shape shape);

// NumPy broadcasting of two shapes; throws InputError naming `op` when they are incompatible.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

// For each element of `to` (row-major), the flat index of the element of a tensor of shape
// `from` that NumPy broadcasting reads. `from` must broadcast to `to`.
std::vector<std::size_t> broadcast_source_indices(const Shape& from, const Shape& to);

// Copies `tensor` broadcast to `shape`. When it does not broadcast, throws InputError whose
// message starts with `name`, which names the op and argument, e.g. "attention: mask".
Tensor broadcast_to(const Tensor& tensor, const Shape& shape, const std::string& name);

// Resolves a possibly negative axis of a rank-`rank` tensor; throws ConfigError naming `op`.
std::size_t normalize_axis(int axis, std::size_t rank, const char* op);

}  // namespace tessera::ref
