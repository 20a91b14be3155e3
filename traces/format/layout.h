#pragma once
// The byte layout of a .ttrace file; traces/FORMAT.md is the normative description.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tessera::traces::layout {

inline constexpr std::uint32_t kFormatVersion = 1;
inline constexpr std::string_view kFormatName = "tessera-trace";
inline constexpr std::string_view kExtension = ".ttrace";

inline constexpr std::string_view kMagic = "TSRTRACE";  // 8 bytes
inline constexpr std::string_view kChunkTag = "CHNK";   // 4 bytes
inline constexpr std::string_view kEndTag = "TEND";     // 4 bytes

// magic, u32 version, u64 header length
inline constexpr std::size_t kPreambleBytes = 8 + 4 + 8;
inline constexpr std::size_t kCrcBytes = 4;
// tag, u32 array index, u64 first element, u64 element count, u64 payload bytes
inline constexpr std::size_t kChunkFieldBytes = 4 + 4 + 8 + 8 + 8;

// tag, u64 chunk count, u64 per array, u32 CRC
inline constexpr std::size_t end_record_bytes(std::size_t array_count) {
  return 4 + 8 + 8 * array_count + kCrcBytes;
}

// Writers choose the chunk size; readers accept any. 64 KiB keeps the CRC overhead negligible
// and the reader's buffer small.
inline constexpr std::size_t kDefaultChunkBytes = 64 * 1024;

}  // namespace tessera::traces::layout
