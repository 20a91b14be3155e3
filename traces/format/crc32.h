#pragma once
// CRC-32 (zlib's polynomial, as in gzip and PNG) over any number of bytes.
#include <cstddef>
#include <cstdint>

namespace tessera::traces {

// Continues `crc` over `size` more bytes; start from 0.
std::uint32_t crc32_update(std::uint32_t crc, const void* data, std::size_t size);

inline std::uint32_t crc32_of(const void* data, std::size_t size) {
  return crc32_update(0, data, size);
}

}  // namespace tessera::traces
