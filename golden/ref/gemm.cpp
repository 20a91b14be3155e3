#include "golden/ref/gemm.h"

#include <Eigen/Core>
#include <string>

#include "golden/common/error.h"

namespace tessera::ref {
namespace {

using RowMajorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMatrixMap = Eigen::Map<const RowMajorMatrix>;
using MatrixMap = Eigen::Map<RowMajorMatrix>;

Eigen::Index as_index(std::size_t n) { return static_cast<Eigen::Index>(n); }

}  // namespace

Tensor gemm(const Tensor& x, const Tensor& weight, const Tensor* bias) {
  if (x.rank() < 1) {
    throw InputError("gemm: x must have rank >= 1 ([..., K]), got shape " +
                     shape_to_string(x.shape()));
  }
  if (weight.rank() != 2) {
    throw InputError("gemm: weight must be [N, K], got shape " + shape_to_string(weight.shape()));
  }
  const std::size_t k = x.shape().back();
  const std::size_t n = weight.dim(0);
  if (weight.dim(1) != k) {
    throw InputError("gemm: weight shape " + shape_to_string(weight.shape()) + " has K = " +
                     std::to_string(weight.dim(1)) + " but x shape " + shape_to_string(x.shape()) +
                     " has K = " + std::to_string(k));
  }
  if (bias && bias->shape() != Shape{n}) {
    throw InputError("gemm: bias must be [N] = " + shape_to_string(Shape{n}) + ", got shape " +
                     shape_to_string(bias->shape()));
  }
  const std::size_t rows = element_count(Shape(x.shape().begin(), x.shape().end() - 1));
  Shape out_shape = x.shape();
  out_shape.back() = n;
  Tensor y(out_shape);
  ConstMatrixMap xm(x.data(), as_index(rows), as_index(k));
  ConstMatrixMap wm(weight.data(), as_index(n), as_index(k));
  MatrixMap ym(y.data(), as_index(rows), as_index(n));
  ym.noalias() = xm * wm.transpose();
  if (bias) {
    ym.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(bias->data(), as_index(n));
  }
  return y;
}

Tensor matmul(const Tensor& a_in, const Tensor& b_in) {
  if (a_in.rank() < 1 || b_in.rank() < 1) {
    throw InputError("matmul: operands must have rank >= 1, got shapes " +
                     shape_to_string(a_in.shape()) + " and " + shape_to_string(b_in.shape()));
  }
  // Promote vectors to matrices, remembering which unit axes to drop from the result.
  Shape a_shape = a_in.shape();
  Shape b_shape = b_in.shape();
  const bool a_vector = a_shape.size() == 1;
  const bool b_vector = b_shape.size() == 1;
  if (a_vector) a_shape.insert(a_shape.begin(), 1);
  if (b_vector) b_shape.push_back(1);

  const std::size_t m = a_shape[a_shape.size() - 2];
  const std::size_t k = a_shape.back();
  const std::size_t n = b_shape.back();
  if (b_shape[b_shape.size() - 2] != k) {
    throw InputError("matmul: a shape " + shape_to_string(a_in.shape()) + " has K = " +
                     std::to_string(k) + " but b shape " + shape_to_string(b_in.shape()) +
                     " has K = " + std::to_string(b_shape[b_shape.size() - 2]));
  }
  const Shape a_batch(a_shape.begin(), a_shape.end() - 2);
  const Shape b_batch(b_shape.begin(), b_shape.end() - 2);
  Shape batch;
  try {
    batch = broadcast_shapes(a_batch, b_batch, "matmul");
  } catch (const InputError&) {
    throw InputError("matmul: batch axes of a shape " + shape_to_string(a_in.shape()) +
                     " and b shape " + shape_to_string(b_in.shape()) + " do not broadcast");
  }
  const std::vector<std::size_t> a_index = broadcast_source_indices(a_batch, batch);
  const std::vector<std::size_t> b_index = broadcast_source_indices(b_batch, batch);

  Shape out_shape = batch;
  if (!a_vector) out_shape.push_back(m);
  if (!b_vector) out_shape.push_back(n);
  Tensor out(out_shape);
  for (std::size_t i = 0; i < a_index.size(); ++i) {
    ConstMatrixMap am(a_in.data() + a_index[i] * m * k, as_index(m), as_index(k));
    ConstMatrixMap bm(b_in.data() + b_index[i] * k * n, as_index(k), as_index(n));
    MatrixMap om(out.data() + i * m * n, as_index(m), as_index(n));
    om.noalias() = am * bm;
  }
  return out;
}

}  // namespace tessera::ref
