#pragma once
// Output files are written atomically: a temporary file beside the target, then rename(2).
// An interrupted run leaves the previous file intact.
#include <cstddef>
#include <string>
#include <string_view>

namespace tessera::io {

// Writes `size` bytes to `path` atomically. Throws InputError naming the path on failure.
void write_file_atomically(const std::string& path, const void* data, std::size_t size);
void write_file_atomically(const std::string& path, std::string_view text);

// Reads a whole file. Throws InputError naming the path when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace tessera::io
