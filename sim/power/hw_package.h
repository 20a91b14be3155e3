#pragma once
// tessera's RTL units import tessera_hw_pkg, which the build generates from hw/common/hw_params.def.
// An installed `tessera` has no build tree, so the package is generated here from the same file.
#include <filesystem>
#include <string>
#include <vector>

namespace tessera::power {

// The package text, from data_path("hw/common/hw_params.def"). Throws InputError on a bad line.
std::string tessera_hw_package_source();

// `sources` with a generated tessera_hw_pkg.sv (written into `work_dir`) put first when some source
// refers to tessera_hw_pkg and none defines it; otherwise `sources` unchanged.
std::vector<std::filesystem::path> with_tessera_hw_package(const std::vector<std::filesystem::path>& sources,
                                                           const std::filesystem::path& work_dir);

}  // namespace tessera::power
