#include "traces/format/writer.h"

#include <algorithm>

#include "traces/format/crc32.h"

namespace tessera::traces {

TraceWriter::TraceWriter(std::string path, TraceHeader header, TraceWriterOptions options)
    : header_(std::move(header)), file_((validate_header(header_, path), std::move(path))) {
  if (options.chunk_bytes == 0) {
    throw ConfigError(file_.path() + ": chunk_bytes must be positive");
  }
  for (const ArraySpec& array : header_.arrays) {
    const std::uint64_t record_bytes = array.record_elements() * dtype_size(array.dtype);
    const std::uint64_t records_per_chunk =
        std::max<std::uint64_t>(1, options.chunk_bytes / record_bytes);
    capacity_elements_.push_back(records_per_chunk * array.record_elements());
  }
  pending_.resize(header_.arrays.size());
  totals_.assign(header_.arrays.size(), 0);

  std::string text;
  try {
    text = header_to_json(header_, file_.path()).dump(2);
  } catch (const nlohmann::json::exception& error) {
    throw InputError(file_.path() + ": trace header cannot be written as JSON (" + error.what() +
                     "); strings must be valid UTF-8");
  }
  std::string preamble(layout::kMagic);
  le::append(preamble, layout::kFormatVersion);
  le::append(preamble, static_cast<std::uint64_t>(text.size()));
  preamble += text;
  // The CRC covers magic, version and length too, so no single bit of the prefix goes unnoticed.
  le::append(preamble, crc32_of(preamble.data(), preamble.size()));
  write(preamble);
}

std::uint64_t TraceWriter::check_append(std::size_t array, DType dtype, std::size_t records) const {
  if (finished_) throw StateError(path() + ": append after finish()");
  if (failed_) throw StateError(path() + ": append after a failed write");
  if (array >= header_.arrays.size()) {
    throw ConfigError(path() + ": array index " + std::to_string(array) + " out of range (" +
                      std::to_string(header_.arrays.size()) + " arrays)");
  }
  const ArraySpec& spec = header_.arrays[array];
  if (dtype != spec.dtype) {
    throw Error(path() + ": array '" + spec.name + "' holds " +
                std::string(dtype_name(spec.dtype)) + ", cannot append " +
                std::string(dtype_name(dtype)));
  }
  const std::uint64_t per_record = spec.record_elements();
  if (records > std::numeric_limits<std::uint64_t>::max() / per_record) {
    throw Error(path() + ": array '" + spec.name + "': record count overflows");
  }
  return static_cast<std::uint64_t>(records) * per_record;
}

void TraceWriter::flush_chunk(std::size_t array) {
  PendingChunk& chunk = pending_[array];
  if (chunk.elements == 0) return;
  std::string fields(layout::kChunkTag);
  le::append(fields, static_cast<std::uint32_t>(array));
  le::append(fields, chunk.first_element);
  le::append(fields, chunk.elements);
  le::append(fields, static_cast<std::uint64_t>(chunk.payload.size()));
  std::uint32_t crc = crc32_of(fields.data(), fields.size());
  crc = crc32_update(crc, chunk.payload.data(), chunk.payload.size());
  std::string trailer;
  le::append(trailer, crc);
  write(fields);
  write(chunk.payload.data(), chunk.payload.size());
  write(trailer);
  ++chunk_count_;
  chunk.first_element += chunk.elements;
  chunk.elements = 0;
  chunk.payload.clear();
}

void TraceWriter::finish() {
  if (finished_) throw StateError(path() + ": finish() called twice");
  if (failed_) throw StateError(path() + ": finish() after a failed write");
  for (std::size_t array = 0; array < pending_.size(); ++array) flush_chunk(array);
  std::string end(layout::kEndTag);
  le::append(end, chunk_count_);
  for (const std::uint64_t total : totals_) le::append(end, total);
  le::append(end, crc32_of(end.data(), end.size()));
  write(end);
  try {
    file_.commit();
  } catch (...) {
    failed_ = true;
    throw;
  }
  finished_ = true;
}

void TraceWriter::write(const std::string& bytes) { write(bytes.data(), bytes.size()); }

void TraceWriter::write(const void* data, std::size_t size) {
  try {
    file_.write(data, size);
  } catch (...) {
    failed_ = true;
    throw;
  }
}

}  // namespace tessera::traces
