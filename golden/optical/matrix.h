#pragma once
// A dense row-major float32 matrix: the operand type of the optical golden model.
#include <cstddef>
#include <string>
#include <vector>

namespace tessera::optical {

struct Matrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<float> data;  // rows * cols, row-major

  float at(std::size_t row, std::size_t col) const { return data[row * cols + col]; }
  float& at(std::size_t row, std::size_t col) { return data[row * cols + col]; }
  std::size_t size() const { return data.size(); }
};

// Builds a matrix; throws InputError naming `what` when data.size() != rows * cols.
Matrix make_matrix(std::size_t rows, std::size_t cols, std::vector<float> data,
                   const std::string& what = "matrix");

// The transpose (used to hand V to the A.V matmul as its "weight" rows).
Matrix transpose(const Matrix& m);

}  // namespace tessera::optical
