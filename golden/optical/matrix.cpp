#include "golden/optical/matrix.h"

#include <sstream>

#include "golden/common/error.h"

namespace tessera::optical {

Matrix make_matrix(std::size_t rows, std::size_t cols, std::vector<float> data,
                   const std::string& what) {
  if (data.size() != rows * cols) {
    std::ostringstream message;
    message << what << ": " << data.size() << " values do not fill a " << rows << " x " << cols
            << " matrix";
    throw InputError(message.str());
  }
  return Matrix{rows, cols, std::move(data)};
}

Matrix transpose(const Matrix& m) {
  Matrix t{m.cols, m.rows, std::vector<float>(m.size())};
  for (std::size_t r = 0; r < m.rows; ++r) {
    for (std::size_t c = 0; c < m.cols; ++c) t.at(c, r) = m.at(r, c);
  }
  return t;
}

}  // namespace tessera::optical
