#pragma once
// Reader of one .ttrace file (layout: traces/FORMAT.md). Opening checks the preamble, the header
// checksum and fields, and the end record, so a truncated file is rejected before any chunk is
// read. Chunks are then streamed; every chunk's CRC, array index, order and length is checked,
// and lengths are checked against the file size before anything is allocated. Every problem with
// the file is an InputError whose message starts with the file's path.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "golden/common/error.h"
#include "traces/format/header.h"
#include "traces/format/little_endian.h"

namespace tessera::traces {

// One chunk as the reader sees it; `payload` is valid only during the visit.
struct TraceChunk {
  std::size_t array_index = 0;
  const ArraySpec* array = nullptr;
  std::uint64_t first_element = 0;  // index within the array of the chunk's first element
  std::uint64_t element_count = 0;
  const unsigned char* payload = nullptr;  // element_count little-endian elements

  // Decodes the payload into `out` (element_count values). Throws Error when T is not the
  // array's dtype.
  template <class T>
  void decode(T* out) const;
  template <class T>
  std::vector<T> values() const {
    std::vector<T> result(static_cast<std::size_t>(element_count));
    decode(result.data());
    return result;
  }
};

class TraceReader {
 public:
  explicit TraceReader(std::string path);

  const std::string& path() const { return path_; }
  const TraceHeader& header() const { return header_; }
  std::uint64_t file_bytes() const { return file_bytes_; }
  std::uint64_t chunk_count() const { return chunk_count_; }
  // Totals from the end record. Array names that do not exist throw ConfigError.
  std::uint64_t element_count(std::size_t array) const { return totals_.at(array); }
  std::uint64_t element_count(std::string_view array) const {
    return totals_[header_.array_index(array)];
  }
  std::uint64_t record_count(std::string_view array) const {
    const std::size_t index = header_.array_index(array);
    return totals_[index] / header_.arrays[index].record_elements();
  }

  // Visits every chunk in file order after checking it; then checks the chunk count and per
  // array totals against the end record.
  void for_each_chunk(const std::function<void(const TraceChunk&)>& visit);
  // Reads and checks every chunk.
  void verify() {
    for_each_chunk([](const TraceChunk&) {});
  }
  // All elements of one array, in order. T must be the array's dtype (else Error).
  template <class T>
  std::vector<T> read_all(std::string_view array);

 private:
  void read_exactly(std::uint64_t offset, void* out, std::size_t size, const char* what);

  std::string path_;
  std::ifstream in_;
  std::uint64_t file_bytes_ = 0;
  std::uint64_t data_begin_ = 0;  // first chunk byte
  std::uint64_t data_end_ = 0;    // first end-record byte
  TraceHeader header_;
  std::uint64_t chunk_count_ = 0;
  std::vector<std::uint64_t> totals_;
  std::vector<unsigned char> payload_;
};

// Throws Error naming the array when a C++ element type does not match its dtype.
void check_element_type(const ArraySpec& array, DType requested);

template <class T>
void TraceChunk::decode(T* out) const {
  check_element_type(*array, dtype_of<T>());
  le::load_all(payload, static_cast<std::size_t>(element_count), out);
}

template <class T>
std::vector<T> TraceReader::read_all(std::string_view array) {
  const std::size_t index = header_.array_index(array);
  check_element_type(header_.arrays[index], dtype_of<T>());
  std::vector<T> result;
  // Bounded: open() checked that the totals fit in the file.
  result.reserve(static_cast<std::size_t>(totals_[index]));
  for_each_chunk([&](const TraceChunk& chunk) {
    if (chunk.array_index != index) return;
    const std::size_t offset = result.size();
    result.resize(offset + static_cast<std::size_t>(chunk.element_count));
    chunk.decode(result.data() + offset);
  });
  return result;
}

}  // namespace tessera::traces
