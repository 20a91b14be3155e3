#include "golden/common/data_path.h"

#include <cstdlib>

namespace tessera {

std::filesystem::path data_path(std::string_view relative) {
  const char* override_root = std::getenv("TESSERA_DATA_DIR");
  const std::filesystem::path root =
      (override_root != nullptr && *override_root != '\0') ? override_root : TESSERA_SOURCE_DIR;
  return root / std::filesystem::path(relative);
}

}  // namespace tessera
