#include "traces/format/crc32.h"

#include <zlib.h>

#include <algorithm>

namespace tessera::traces {

std::uint32_t crc32_update(std::uint32_t crc, const void* data, std::size_t size) {
  // zlib takes a 32-bit length; feed larger buffers in pieces.
  constexpr std::size_t kMaxPiece = 1u << 30;
  const auto* bytes = static_cast<const Bytef*>(data);
  uLong value = crc;
  while (size > 0) {
    const std::size_t piece = std::min(size, kMaxPiece);
    value = ::crc32(value, bytes, static_cast<uInt>(piece));
    bytes += piece;
    size -= piece;
  }
  return static_cast<std::uint32_t>(value);
}

}  // namespace tessera::traces
