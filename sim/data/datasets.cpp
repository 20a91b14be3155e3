#include "sim/data/datasets.h"

#include <zlib.h>

#include <limits>

#include "golden/common/data_path.h"
#include "golden/common/error.h"
#include "golden/io/npy.h"

namespace tessera::data {
namespace {

// No MNIST-style file comes near this; a header claiming more is corrupt (or a gzip bomb).
constexpr std::uint64_t kMaxIdxBytes = std::uint64_t{1} << 32;

bool is_idx_path(const std::string& path) {
  const auto ends_with = [&](const std::string& suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".gz") || ends_with(".idx") || ends_with("-ubyte");
}

struct IdxBytes {
  std::vector<std::uint64_t> dims;
  std::vector<std::uint8_t> values;
};

// zlib's gzread reads plain files as they are, so one path serves both.
IdxBytes read_idx(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw InputError(path + ": cannot open IDX file");
  const auto read_exactly = [&](void* target, std::size_t count) {
    std::size_t done = 0;
    while (done < count) {
      const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(count - done, 1u << 30));
      const int n = gzread(file, static_cast<std::uint8_t*>(target) + done, chunk);
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  };
  std::uint8_t magic[4];
  if (!read_exactly(magic, 4)) {
    gzclose(file);
    throw InputError(path + ": truncated IDX header");
  }
  if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || magic[3] == 0) {
    gzclose(file);
    throw InputError(path + ": IDX magic: expected 00 00 08 <rank> (unsigned bytes), got " +
                     std::to_string(magic[0]) + " " + std::to_string(magic[1]) + " " +
                     std::to_string(magic[2]) + " " + std::to_string(magic[3]));
  }
  IdxBytes idx;
  std::uint64_t count = 1;
  for (int i = 0; i < magic[3]; ++i) {
    std::uint8_t b[4];
    if (!read_exactly(b, 4)) {
      gzclose(file);
      throw InputError(path + ": truncated IDX header (dimension " + std::to_string(i) + ")");
    }
    const std::uint64_t extent = (std::uint64_t{b[0]} << 24) | (std::uint64_t{b[1]} << 16) |
                                 (std::uint64_t{b[2]} << 8) | b[3];
    idx.dims.push_back(extent);
    count *= extent;
    if (count > kMaxIdxBytes) {
      gzclose(file);
      throw InputError(path + ": IDX header claims more than 4 GiB of data");
    }
  }
  idx.values.resize(count);
  const bool complete = read_exactly(idx.values.data(), idx.values.size());
  std::uint8_t extra = 0;
  const bool trailing = complete && gzread(file, &extra, 1) > 0;
  gzclose(file);
  if (!complete) throw InputError(path + ": truncated IDX data: header needs " + std::to_string(count) + " bytes");
  if (trailing) throw InputError(path + ": unexpected data after the " + std::to_string(count) + " bytes the IDX header describes");
  return idx;
}

}  // namespace

std::size_t ImageSet::image_size() const {
  std::size_t size = 1;
  for (std::size_t i = 1; i < shape.size(); ++i) size *= shape[i];
  return size;
}

ImageSet load_images(const std::string& path) {
  if (!is_idx_path(path)) {
    const npy::Array array = npy::load_expecting(path, npy::DType::float32);
    if (array.shape.empty()) throw InputError(path + ": shape (): expected images along the first axis");
    return {array.shape, array.to_vector<float>()};
  }
  IdxBytes idx = read_idx(path);
  if (idx.dims.size() != 3) {
    throw InputError(path + ": IDX rank " + std::to_string(idx.dims.size()) + ": expected 3 (images x height x width)");
  }
  ImageSet images;
  images.shape = {idx.dims[0], 1, idx.dims[1], idx.dims[2]};
  images.values.resize(idx.values.size());
  for (std::size_t i = 0; i < idx.values.size(); ++i) {
    images.values[i] = static_cast<float>(idx.values[i]) / 255.0f;
  }
  return images;
}

std::vector<std::int64_t> load_labels(const std::string& path) {
  if (is_idx_path(path)) {
    IdxBytes idx = read_idx(path);
    if (idx.dims.size() != 1) {
      throw InputError(path + ": IDX rank " + std::to_string(idx.dims.size()) + ": expected 1 (one label per image)");
    }
    return std::vector<std::int64_t>(idx.values.begin(), idx.values.end());
  }
  const npy::Array array = npy::load(path);
  const bool integer = array.dtype == npy::DType::int64 || array.dtype == npy::DType::int32 ||
                       array.dtype == npy::DType::uint8 || array.dtype == npy::DType::int16;
  if (!integer) {
    throw InputError(path + ": dtype: expected integer class labels (int64, int32, int16 or uint8), got " +
                     std::string(npy::dtype_name(array.dtype)));
  }
  if (array.shape.size() != 1) {
    throw InputError(path + ": shape " + npy::shape_to_string(array.shape) + ": expected one label per image, (N,)");
  }
  return array.to_vector<std::int64_t>();
}

std::vector<std::string> bundled_network_names() { return {"digits_vit", "digits_cnn", "fashion_cnn"}; }

BundledNetwork bundled_network(const std::string& name) {
  const auto path = [](const std::string& relative) { return tessera::data_path(relative).string(); };
  if (name == "digits_vit" || name == "digits_cnn") {
    return {name,
            path("sim/networks/" + name + "/model.onnx"),
            path("sim/networks/" + name + "/rules.json"),
            path("sim/networks/digits/test_images.npy"),
            path("sim/networks/digits/test_labels.npy"),
            name == "digits_vit" ? "ViT on the UCI digits test split (450 images)"
                                 : "CNN on the UCI digits test split (450 images)"};
  }
  if (name == "fashion_cnn") {
    // Debian's dataset-fashion-mnist: the real 10,000-image test set (scripts/setup installs it).
    return {name, path("sim/networks/fashion_cnn/model.onnx"),
            path("sim/networks/fashion_cnn/rules.json"),
            "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
            "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz",
            "CNN on the Fashion-MNIST test set (10,000 images, Debian's dataset-fashion-mnist)"};
  }
  std::string names;
  for (const auto& known : bundled_network_names()) names += (names.empty() ? "" : ", ") + known;
  throw ConfigError("--network: unknown bundled network '" + name + "'; expected one of " + names);
}

}  // namespace tessera::data
