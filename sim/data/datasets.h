#pragma once
// Where a run's images and labels come from: float32 .npy files, or the IDX files (optionally
// gzip-compressed) that MNIST-style data sets ship as, such as Debian's dataset-fashion-mnist.
// Also the bundled networks, each with its model, default rules and test data.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::data {

// Images along the first axis, float32, C order.
struct ImageSet {
  std::vector<std::size_t> shape;  // shape[0] = image count
  std::vector<float> values;
  std::size_t image_count() const { return shape.empty() ? 0 : shape[0]; }
  std::size_t image_size() const;  // elements per image
};

// A float32 .npy, or an unsigned-byte IDX file (".idx", "-ubyte", or either + ".gz") of N x H x W
// pixels, returned as N x 1 x H x W scaled by 1/255 in float32 (how the bundled networks were
// trained). Errors name the file and what was expected.
ImageSet load_images(const std::string& path);

// An integer .npy (int64, int32, int16 or uint8) or an unsigned-byte IDX file of N labels.
std::vector<std::int64_t> load_labels(const std::string& path);

// A network that ships with tessera: its model, default mapping rules and test data.
struct BundledNetwork {
  std::string name;
  std::string model_path;
  std::string rules_path;
  std::string images_path;
  std::string labels_path;
  std::string description;
};

// digits_vit, digits_cnn, fashion_cnn; throws ConfigError listing them for another name.
BundledNetwork bundled_network(const std::string& name);
std::vector<std::string> bundled_network_names();

}  // namespace tessera::data
