// The bundled networks (sim/networks/, trained and exported by scripts/train_networks) through
// OUR loader and FP32 executor: logits reproduce PyTorch's reference_logits.npy to <= 1e-4 max abs
// error with identical predictions on every test image, before and after the optimisation passes.
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "golden/common/data_path.h"
#include "golden/io/npy.h"
#include "sim/onnx/loader.h"
#include "sim/runtime/executor.h"
#include "sim/runtime/optimize.h"

namespace {

namespace fs = std::filesystem;
using tessera::graph::Dims;
using tessera::graph::Tensor;

constexpr float kMaxAbsLogitError = 1e-4f;

Tensor npy_floats(const fs::path& path) {
  const auto a = tessera::npy::load_expecting(path.string(), tessera::npy::DType::float32);
  Dims dims(a.shape.begin(), a.shape.end());
  return Tensor::from_floats(dims, a.to_vector<float>());
}

std::vector<std::int64_t> npy_labels(const fs::path& path) {
  return tessera::npy::load_expecting(path.string(), tessera::npy::DType::int64).to_vector<std::int64_t>();
}

// A gzip-compressed IDX file of unsigned bytes (Debian's dataset-fashion-mnist).
std::vector<std::uint8_t> read_idx_gz(const std::string& path, std::vector<std::int64_t>& dims) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error(path + ": cannot open");
  std::vector<std::uint8_t> bytes;
  std::uint8_t buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) bytes.insert(bytes.end(), buf, buf + n);
  gzclose(f);
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08) {
    throw std::runtime_error(path + ": not an unsigned-byte IDX file");
  }
  const int rank = bytes[3];
  std::size_t offset = 4 + 4 * static_cast<std::size_t>(rank), count = 1;
  dims.clear();
  for (int i = 0; i < rank; ++i) {
    const std::uint8_t* p = bytes.data() + 4 + 4 * i;
    dims.push_back((std::int64_t{p[0]} << 24) | (p[1] << 16) | (p[2] << 8) | p[3]);
    count *= static_cast<std::size_t>(dims.back());
  }
  if (bytes.size() != offset + count) throw std::runtime_error(path + ": size does not match its header");
  return std::vector<std::uint8_t>(bytes.begin() + static_cast<std::ptrdiff_t>(offset), bytes.end());
}

struct Comparison {
  float max_abs = 0;
  std::size_t agree = 0, correct = 0;
};

Comparison compare(const Tensor& logits, const Tensor& reference, const std::vector<std::int64_t>& labels) {
  EXPECT_EQ(logits.dims(), reference.dims());
  Comparison c;
  const std::size_t n = static_cast<std::size_t>(reference.dim(0)), k = static_cast<std::size_t>(reference.dim(1));
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t ours = 0, theirs = 0;
    for (std::size_t j = 0; j < k; ++j) {
      const float a = logits.floats()[i * k + j], b = reference.floats()[i * k + j];
      c.max_abs = std::max(c.max_abs, std::fabs(a - b));
      if (a > logits.floats()[i * k + ours]) ours = j;
      if (b > reference.floats()[i * k + theirs]) theirs = j;
    }
    c.agree += ours == theirs;
    c.correct += static_cast<std::int64_t>(ours) == labels[i];
  }
  return c;
}

void check_network(const std::string& name, const Tensor& images, const std::vector<std::int64_t>& labels) {
  const fs::path dir = tessera::data_path("sim/networks/" + name);
  auto model = tessera::onnx::load_onnx((dir / "model.onnx").string());
  EXPECT_TRUE(model.warnings.empty());
  const Tensor reference = npy_floats(dir / "reference_logits.npy");
  ASSERT_EQ(reference.dim(0), images.dim(0));
  ASSERT_EQ(labels.size(), static_cast<std::size_t>(images.dim(0)));

  tessera::graph::Graph optimized = model.graph;
  const auto report = tessera::runtime::optimize(optimized);
  for (const bool opt : {false, true}) {
    tessera::runtime::Executor exec(opt ? optimized : model.graph);
    const auto start = std::chrono::steady_clock::now();
    const Tensor logits = exec.run1(images, 500);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const Comparison c = compare(logits, reference, labels);
    const std::size_t n = labels.size();
    std::cout << name << (opt ? " (optimized: " + report.summary() + ")" : " (as loaded)")
              << ": max |logit - PyTorch| = " << c.max_abs << ", predictions agree " << c.agree << "/" << n
              << ", accuracy " << 100.0 * static_cast<double>(c.correct) / static_cast<double>(n) << " %, " << static_cast<double>(n) / seconds << " images/s\n";
    EXPECT_LE(c.max_abs, kMaxAbsLogitError) << name << (opt ? " optimized" : "");
    EXPECT_EQ(c.agree, n) << name << (opt ? " optimized" : "");
  }
  EXPECT_LT(report.nodes_after, report.nodes_before);
  // The layers a user maps to units keep their names through the passes.
  for (const auto& node : model.graph.nodes) {
    if (node.op_type == "Conv" || node.op_type == "Gemm" || node.op_type == "MatMul") {
      EXPECT_NE(optimized.find_node(node.name), nullptr) << node.name;
    }
  }
}

bool have(const std::string& name) {
  return fs::exists(tessera::data_path("sim/networks/" + name + "/model.onnx")) &&
         fs::exists(tessera::data_path("sim/networks/" + name + "/reference_logits.npy"));
}

TEST(BundledNetworks, DigitsCnnReproducesPyTorch) {
  if (!have("digits_cnn")) GTEST_SKIP() << "sim/networks/digits_cnn is not present";
  const fs::path digits = tessera::data_path("sim/networks/digits");
  check_network("digits_cnn", npy_floats(digits / "test_images.npy"), npy_labels(digits / "test_labels.npy"));
}

TEST(BundledNetworks, DigitsVitReproducesPyTorch) {
  if (!have("digits_vit")) GTEST_SKIP() << "sim/networks/digits_vit is not present";
  const fs::path digits = tessera::data_path("sim/networks/digits");
  check_network("digits_vit", npy_floats(digits / "test_images.npy"), npy_labels(digits / "test_labels.npy"));
}

TEST(BundledNetworks, FashionCnnReproducesPyTorch) {
  if (!have("fashion_cnn")) GTEST_SKIP() << "sim/networks/fashion_cnn is not present";
  const std::string images_gz = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
  const std::string labels_gz = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
  if (!fs::exists(images_gz) || !fs::exists(labels_gz)) {
    GTEST_SKIP() << "Debian's dataset-fashion-mnist is not installed (" << images_gz << ")";
  }
  std::vector<std::int64_t> image_dims, label_dims;
  const auto pixels = read_idx_gz(images_gz, image_dims);
  const auto label_bytes = read_idx_gz(labels_gz, label_dims);
  ASSERT_EQ(image_dims.size(), 3u);
  // uint8 / 255 in float32, as the network was trained (scripts/networks/data.py).
  std::vector<float> x(pixels.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(pixels[i]) / 255.0f;
  const Tensor images = Tensor::from_floats({image_dims[0], 1, image_dims[1], image_dims[2]}, std::move(x));
  check_network("fashion_cnn", images, std::vector<std::int64_t>(label_bytes.begin(), label_bytes.end()));
}

}  // namespace
