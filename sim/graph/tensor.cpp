#include "sim/graph/tensor.h"

#include <cstring>
#include <sstream>

#include "golden/common/error.h"

namespace tessera::graph {

std::string dtype_name(DType dtype) {
  switch (dtype) {
    case DType::float32: return "float32";
    case DType::int64: return "int64";
    case DType::boolean: return "bool";
  }
  return "?";
}

std::int64_t dims_element_count(const Dims& dims) {
  std::int64_t count = 1;
  for (std::int64_t d : dims) {
    if (d < 0) throw StateError("element count of shape " + dims_to_string(dims) + " with unknown extents");
    count *= d;
  }
  return count;
}

std::string dims_to_string(const Dims& dims) {
  std::ostringstream out;
  out << '(';
  for (std::size_t i = 0; i < dims.size(); ++i) {
    out << (i ? ", " : "");
    if (dims[i] < 0) out << '?'; else out << dims[i];
  }
  out << (dims.size() == 1 ? ",)" : ")");
  return out.str();
}

Tensor::Tensor(DType dtype, Dims dims) : dtype_(dtype), dims_(std::move(dims)) {
  for (std::int64_t d : dims_) {
    if (d < 0) throw InputError("tensor: negative extent in shape " + dims_to_string(dims_));
  }
  const auto n = static_cast<std::size_t>(dims_element_count(dims_));
  switch (dtype_) {
    case DType::float32: f_.assign(n, 0.0f); break;
    case DType::int64: i_.assign(n, 0); break;
    case DType::boolean: b_.assign(n, 0); break;
  }
}

namespace {
void check_count(const Dims& dims, std::size_t n) {
  for (std::int64_t d : dims) {
    if (d < 0) throw InputError("tensor: negative extent in shape " + dims_to_string(dims));
  }
  if (static_cast<std::size_t>(dims_element_count(dims)) != n) {
    throw InputError("tensor: shape " + dims_to_string(dims) + " holds " +
                     std::to_string(dims_element_count(dims)) + " elements, got " +
                     std::to_string(n) + " values");
  }
}
}  // namespace

Tensor Tensor::from_floats(Dims dims, std::vector<float> values) {
  check_count(dims, values.size());
  Tensor t;
  t.dtype_ = DType::float32;
  t.dims_ = std::move(dims);
  t.f_ = std::move(values);
  return t;
}

Tensor Tensor::from_int64s(Dims dims, std::vector<std::int64_t> values) {
  check_count(dims, values.size());
  Tensor t;
  t.dtype_ = DType::int64;
  t.dims_ = std::move(dims);
  t.i_ = std::move(values);
  return t;
}

Tensor Tensor::from_bools(Dims dims, std::vector<std::uint8_t> values) {
  check_count(dims, values.size());
  Tensor t;
  t.dtype_ = DType::boolean;
  t.dims_ = std::move(dims);
  t.b_ = std::move(values);
  for (auto& v : t.b_) v = v ? 1 : 0;
  return t;
}

std::size_t Tensor::size() const {
  switch (dtype_) {
    case DType::float32: return f_.size();
    case DType::int64: return i_.size();
    case DType::boolean: return b_.size();
  }
  return 0;
}

namespace {
[[noreturn]] void wrong_dtype(DType have, const char* want) {
  throw StateError("tensor: asked for " + std::string(want) + " elements of a " + dtype_name(have) +
                   " tensor");
}
}  // namespace

const std::vector<float>& Tensor::floats() const {
  if (dtype_ != DType::float32) wrong_dtype(dtype_, "float32");
  return f_;
}
std::vector<float>& Tensor::floats() {
  if (dtype_ != DType::float32) wrong_dtype(dtype_, "float32");
  return f_;
}
const std::vector<std::int64_t>& Tensor::int64s() const {
  if (dtype_ != DType::int64) wrong_dtype(dtype_, "int64");
  return i_;
}
std::vector<std::int64_t>& Tensor::int64s() {
  if (dtype_ != DType::int64) wrong_dtype(dtype_, "int64");
  return i_;
}
const std::vector<std::uint8_t>& Tensor::bools() const {
  if (dtype_ != DType::boolean) wrong_dtype(dtype_, "bool");
  return b_;
}
std::vector<std::uint8_t>& Tensor::bools() {
  if (dtype_ != DType::boolean) wrong_dtype(dtype_, "bool");
  return b_;
}

double Tensor::as_double(std::size_t i) const {
  switch (dtype_) {
    case DType::float32: return f_.at(i);
    case DType::int64: return static_cast<double>(i_.at(i));
    case DType::boolean: return b_.at(i);
  }
  return 0;
}

std::int64_t Tensor::as_int64(std::size_t i) const {
  switch (dtype_) {
    case DType::float32: return static_cast<std::int64_t>(f_.at(i));
    case DType::int64: return i_.at(i);
    case DType::boolean: return b_.at(i);
  }
  return 0;
}

Tensor Tensor::reshaped(Dims dims) const& {
  Tensor copy = *this;
  return std::move(copy).reshaped(std::move(dims));
}

Tensor Tensor::reshaped(Dims dims) && {
  check_count(dims, size());
  dims_ = std::move(dims);
  return std::move(*this);
}

std::size_t Tensor::byte_size() const {
  return f_.size() * sizeof(float) + i_.size() * sizeof(std::int64_t) + b_.size();
}

ref::Shape to_ref_shape(const Dims& dims) {
  ref::Shape shape;
  shape.reserve(dims.size());
  for (std::int64_t d : dims) {
    if (d < 0) throw StateError("to_ref_shape: unknown extent in " + dims_to_string(dims));
    shape.push_back(static_cast<std::size_t>(d));
  }
  return shape;
}

Dims from_ref_shape(const ref::Shape& shape) {
  Dims dims;
  dims.reserve(shape.size());
  for (std::size_t d : shape) dims.push_back(static_cast<std::int64_t>(d));
  return dims;
}

ref::Tensor to_ref(const Tensor& tensor, const char* what) {
  if (tensor.dtype() != DType::float32) {
    throw InputError(std::string(what) + ": expected a float32 tensor, got " +
                     dtype_name(tensor.dtype()));
  }
  return ref::Tensor(to_ref_shape(tensor.dims()), tensor.floats());
}

ref::Tensor to_ref(Tensor&& tensor, const char* what) {
  if (tensor.dtype() != DType::float32) {
    throw InputError(std::string(what) + ": expected a float32 tensor, got " +
                     dtype_name(tensor.dtype()));
  }
  ref::Shape shape = to_ref_shape(tensor.dims());
  return ref::Tensor(std::move(shape), std::move(tensor.floats()));
}

Tensor from_ref(ref::Tensor&& tensor) {
  Dims dims = from_ref_shape(tensor.shape());
  return Tensor::from_floats(std::move(dims), tensor.release_values());
}

bool bitwise_equal(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.dims() != b.dims()) return false;
  switch (a.dtype()) {
    case DType::float32:
      return a.floats().empty() ||
             std::memcmp(a.floats().data(), b.floats().data(), a.floats().size() * sizeof(float)) == 0;
    case DType::int64: return a.int64s() == b.int64s();
    case DType::boolean: return a.bools() == b.bools();
  }
  return false;
}

}  // namespace tessera::graph
