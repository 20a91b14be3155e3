#include "golden/ref/tensor.h"

#include <algorithm>
#include <string>

#include "golden/common/error.h"
#include "golden/io/npy.h"

namespace tessera::ref {

std::size_t element_count(const Shape& shape) {
  std::size_t count = 1;
  for (std::size_t extent : shape) count *= extent;
  return count;
}

// One format for shapes in every golden message: the .npy module's, "(2, 3)" and "(3,)".
std::string shape_to_string(const Shape& shape) { return npy::shape_to_string(shape); }

Tensor::Tensor(Shape shape) : shape_(std::move(shape)), values_(element_count(shape_), 0.0f) {}

Tensor::Tensor(Shape shape, std::vector<float> values)
    : shape_(std::move(shape)), values_(std::move(values)) {
  if (values_.size() != element_count(shape_)) {
    throw InputError("Tensor: shape " + shape_to_string(shape_) + " holds " +
                     std::to_string(element_count(shape_)) + " elements, got " +
                     std::to_string(values_.size()) + " values");
  }
}

Tensor reshape(Tensor tensor, Shape shape) {
  if (element_count(shape) != tensor.size()) {
    throw InputError("reshape: cannot view shape " + shape_to_string(tensor.shape()) + " as " +
                     shape_to_string(shape) + ": element counts differ");
  }
  return Tensor(std::move(shape), tensor.release_values());
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape result(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    // Aligned from the right; a missing leading axis behaves as extent 1.
    const std::size_t ea = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const std::size_t eb = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (ea != eb && ea != 1 && eb != 1) {
      throw InputError(std::string(op) + ": shapes " + shape_to_string(a) + " and " +
                       shape_to_string(b) + " do not broadcast (axis " + std::to_string(i) +
                       ": " + std::to_string(ea) + " vs " + std::to_string(eb) + ")");
    }
    result[i] = ea == 1 ? eb : ea;
  }
  return result;
}

std::vector<std::size_t> broadcast_source_indices(const Shape& from, const Shape& to) {
  const std::size_t rank = to.size();
  const std::size_t lead = rank - from.size();
  // Row-major strides of `from`, set to 0 along broadcast axes so they re-read the same element.
  std::vector<std::size_t> stride(rank, 0);
  std::size_t running = 1;
  for (std::size_t i = from.size(); i-- > 0;) {
    stride[lead + i] = from[i] == 1 ? 0 : running;
    running *= from[i];
  }
  std::vector<std::size_t> indices(element_count(to));
  std::vector<std::size_t> position(rank, 0);
  for (std::size_t flat = 0; flat < indices.size(); ++flat) {
    std::size_t source = 0;
    for (std::size_t axis = 0; axis < rank; ++axis) source += position[axis] * stride[axis];
    indices[flat] = source;
    for (std::size_t axis = rank; axis-- > 0;) {
      if (++position[axis] < to[axis]) break;
      position[axis] = 0;
    }
  }
  return indices;
}

Tensor broadcast_to(const Tensor& tensor, const Shape& shape, const std::string& name) {
  bool compatible = tensor.rank() <= shape.size();
  for (std::size_t i = 0; compatible && i < tensor.rank(); ++i) {
    const std::size_t from = tensor.shape()[tensor.rank() - 1 - i];
    compatible = from == 1 || from == shape[shape.size() - 1 - i];
  }
  if (!compatible) {
    throw InputError(name + " shape " + shape_to_string(tensor.shape()) +
                     " does not broadcast to " + shape_to_string(shape));
  }
  const std::vector<std::size_t> source = broadcast_source_indices(tensor.shape(), shape);
  Tensor result(shape);
  for (std::size_t i = 0; i < source.size(); ++i) result.data()[i] = tensor.data()[source[i]];
  return result;
}

std::size_t normalize_axis(int axis, std::size_t rank, const char* op) {
  const long long signed_rank = static_cast<long long>(rank);
  const long long resolved = axis < 0 ? axis + signed_rank : axis;
  if (resolved < 0 || resolved >= signed_rank) {
    throw ConfigError(std::string(op) + ": axis " + std::to_string(axis) +
                      " is out of range for rank " + std::to_string(rank) + " (expected " +
                      std::to_string(-signed_rank) + ".." + std::to_string(signed_rank - 1) + ")");
  }
  return static_cast<std::size_t>(resolved);
}

}  // namespace tessera::ref
