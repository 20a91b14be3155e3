#pragma once
// Streaming writer of one .ttrace file (layout: traces/FORMAT.md). Records are buffered per
// array and written as checksummed chunks; finish() writes the end record and publishes the file
// atomically. A writer destroyed without finish() leaves no file behind and any previous file at
// the path untouched.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "golden/common/error.h"
#include "traces/format/atomic_output.h"
#include "traces/format/header.h"
#include "traces/format/layout.h"
#include "traces/format/little_endian.h"

namespace tessera::traces {

struct TraceWriterOptions {
  // Target payload bytes per chunk; a chunk always holds whole records (at least one).
  std::size_t chunk_bytes = layout::kDefaultChunkBytes;
};

class TraceWriter {
 public:
  // Validates the header (InputError naming `path` and the field) and writes it.
  TraceWriter(std::string path, TraceHeader header, TraceWriterOptions options = {});
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  const TraceHeader& header() const { return header_; }
  const std::string& path() const { return file_.path(); }
  // Throws ConfigError listing the arrays when there is no such array.
  std::size_t array_index(std::string_view name) const { return header_.array_index(name); }

  // Appends `records` whole records (records * record_elements elements) to an array. T must be
  // the array's dtype: a type outside the nine dtypes does not compile, a mismatch throws Error.
  template <class T>
  void append(std::size_t array, const T* data, std::size_t records);
  template <class T>
  void append(std::string_view array, const T* data, std::size_t records) {
    append(array_index(array), data, records);
  }
  // Appends all of `elements`, which must be a whole number of records.
  template <class T>
  void append(std::string_view array, const std::vector<T>& elements);

  // Elements appended to an array so far.
  std::uint64_t element_count(std::size_t array) const { return totals_.at(array); }

  // Flushes the buffered records, writes the end record and renames the file into place.
  void finish();
  bool finished() const { return finished_; }

 private:
  struct PendingChunk {
    std::uint64_t first_element = 0;
    std::uint64_t elements = 0;
    std::vector<unsigned char> payload;
  };

  // Checks state, array index and dtype; returns the element count of `records` records.
  std::uint64_t check_append(std::size_t array, DType dtype, std::size_t records) const;
  void flush_chunk(std::size_t array);
  void write(const std::string& bytes);
  void write(const void* data, std::size_t size);

  TraceHeader header_;
  AtomicOutputFile file_;
  std::vector<std::uint64_t> capacity_elements_;  // per array: elements in a full chunk
  std::vector<PendingChunk> pending_;
  std::vector<std::uint64_t> totals_;
  std::uint64_t chunk_count_ = 0;
  bool finished_ = false;
  bool failed_ = false;
};

template <class T>
void TraceWriter::append(std::size_t array, const T* data, std::size_t records) {
  const std::uint64_t elements = check_append(array, dtype_of<T>(), records);
  PendingChunk& chunk = pending_[array];
  std::uint64_t done = 0;
  while (done < elements) {
    const std::uint64_t take =
        std::min(capacity_elements_[array] - chunk.elements, elements - done);
    const std::size_t offset = static_cast<std::size_t>(chunk.elements) * sizeof(T);
    chunk.payload.resize(offset + static_cast<std::size_t>(take) * sizeof(T));
    le::store_all(data + done, static_cast<std::size_t>(take), chunk.payload.data() + offset);
    chunk.elements += take;
    totals_[array] += take;
    done += take;
    if (chunk.elements == capacity_elements_[array]) flush_chunk(array);
  }
}

template <class T>
void TraceWriter::append(std::string_view array, const std::vector<T>& elements) {
  const std::size_t index = array_index(array);
  const std::uint64_t per_record = header_.arrays[index].record_elements();
  if (elements.size() % per_record != 0) {
    throw Error(path() + ": array '" + std::string(array) + "': " +
                std::to_string(elements.size()) + " elements is not a whole number of records of " +
                std::to_string(per_record) + " elements");
  }
  append(index, elements.data(), static_cast<std::size_t>(elements.size() / per_record));
}

}  // namespace tessera::traces
