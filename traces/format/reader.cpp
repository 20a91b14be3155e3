#include "traces/format/reader.h"

#include <cstring>
#include <filesystem>

#include "traces/format/crc32.h"
#include "traces/format/layout.h"

namespace tessera::traces {
namespace {

// A header beyond this is certainly corrupt; the bound keeps a damaged length field from
// making the reader allocate the whole file.
constexpr std::uint64_t kMaxHeaderBytes = std::uint64_t{16} << 20;

std::string hex32(std::uint32_t value) {
  static const char* digits = "0123456789abcdef";
  std::string text = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) text += digits[(value >> shift) & 0xF];
  return text;
}

}  // namespace

void check_element_type(const ArraySpec& array, DType requested) {
  if (requested != array.dtype) {
    throw Error("trace array '" + array.name + "' holds " + std::string(dtype_name(array.dtype)) +
                ", not " + std::string(dtype_name(requested)));
  }
}

void TraceReader::read_exactly(std::uint64_t offset, void* out, std::size_t size,
                               const char* what) {
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(offset));
  in_.read(static_cast<char*>(out), static_cast<std::streamsize>(size));
  if (!in_ || static_cast<std::size_t>(in_.gcount()) != size) {
    throw InputError(path_ + ": read failed at byte " + std::to_string(offset) + " (" + what + ")");
  }
}

TraceReader::TraceReader(std::string path) : path_(std::move(path)) {
  std::error_code ec;
  if (std::filesystem::is_directory(path_, ec)) {
    throw InputError(path_ + ": expected a trace file, found a directory");
  }
  const auto size = std::filesystem::file_size(path_, ec);
  if (ec) throw InputError(path_ + ": cannot open trace (" + ec.message() + ")");
  file_bytes_ = size;
  in_.open(path_, std::ios::binary);
  if (!in_) throw InputError(path_ + ": cannot open trace");

  // Preamble: magic, version, header length.
  unsigned char preamble[layout::kPreambleBytes] = {};
  const std::size_t present =
      static_cast<std::size_t>(std::min<std::uint64_t>(file_bytes_, sizeof preamble));
  read_exactly(0, preamble, present, "preamble");
  const std::size_t magic_present = std::min(present, layout::kMagic.size());
  if (std::memcmp(preamble, layout::kMagic.data(), magic_present) != 0) {
    throw InputError(path_ + ": not a tessera trace (expected magic 'TSRTRACE' at byte 0)");
  }
  if (present < sizeof preamble) {
    throw InputError(path_ + ": truncated trace: " + std::to_string(file_bytes_) +
                     " bytes, shorter than the " + std::to_string(sizeof preamble) +
                     "-byte preamble");
  }
  const auto version = le::load<std::uint32_t>(preamble + 8);
  if (version != layout::kFormatVersion) {
    throw InputError(path_ + ": unsupported trace format version " + std::to_string(version) +
                     " (this reader supports version " + std::to_string(layout::kFormatVersion) +
                     ")");
  }
  const auto header_bytes = le::load<std::uint64_t>(preamble + 12);
  const std::uint64_t after_preamble = file_bytes_ - sizeof preamble;
  if (header_bytes > kMaxHeaderBytes) {
    throw InputError(path_ + ": corrupt trace: header length " + std::to_string(header_bytes) +
                     " exceeds the " + std::to_string(kMaxHeaderBytes) + "-byte limit");
  }
  if (after_preamble < layout::kCrcBytes || header_bytes > after_preamble - layout::kCrcBytes) {
    throw InputError(path_ + ": truncated trace: header of " + std::to_string(header_bytes) +
                     " bytes and its CRC do not fit in the " + std::to_string(after_preamble) +
                     " bytes after the preamble");
  }

  // Header and its CRC (over preamble and header).
  std::string text(static_cast<std::size_t>(header_bytes), '\0');
  read_exactly(sizeof preamble, text.data(), text.size(), "header");
  unsigned char stored_crc[layout::kCrcBytes];
  read_exactly(sizeof preamble + header_bytes, stored_crc, sizeof stored_crc, "header CRC");
  std::uint32_t crc = crc32_of(preamble, sizeof preamble);
  crc = crc32_update(crc, text.data(), text.size());
  if (crc != le::load<std::uint32_t>(stored_crc)) {
    throw InputError(path_ + ": corrupt trace: header CRC mismatch (stored " +
                     hex32(le::load<std::uint32_t>(stored_crc)) + ", computed " + hex32(crc) + ")");
  }
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    throw InputError(path_ + ": trace header is not valid JSON (" + error.what() + ")");
  }
  header_ = header_from_json(json, path_);
  data_begin_ = sizeof preamble + header_bytes + layout::kCrcBytes;

  // End record: its size follows from the array count, so it sits at a known offset from the end.
  const std::size_t arrays = header_.arrays.size();
  const std::size_t end_bytes = layout::end_record_bytes(arrays);
  if (file_bytes_ - data_begin_ < end_bytes) {
    throw InputError(path_ + ": truncated trace: end record missing (" +
                     std::to_string(file_bytes_ - data_begin_) +
                     " bytes after the header, the end record alone needs " +
                     std::to_string(end_bytes) + ")");
  }
  data_end_ = file_bytes_ - end_bytes;
  std::vector<unsigned char> end(end_bytes);
  read_exactly(data_end_, end.data(), end.size(), "end record");
  if (std::memcmp(end.data(), layout::kEndTag.data(), layout::kEndTag.size()) != 0) {
    throw InputError(path_ + ": truncated trace: end record missing (no 'TEND' tag at byte " +
                     std::to_string(data_end_) +
                     "; the writer did not finish or the file was cut)");
  }
  const std::uint32_t end_crc = crc32_of(end.data(), end_bytes - layout::kCrcBytes);
  if (end_crc != le::load<std::uint32_t>(end.data() + end_bytes - layout::kCrcBytes)) {
    throw InputError(path_ + ": corrupt trace: end record CRC mismatch");
  }
  chunk_count_ = le::load<std::uint64_t>(end.data() + 4);
  const std::uint64_t data_bytes = data_end_ - data_begin_;
  const std::uint64_t per_chunk_overhead = layout::kChunkFieldBytes + layout::kCrcBytes;
  if (chunk_count_ > data_bytes / per_chunk_overhead) {
    throw InputError(path_ + ": corrupt trace: end record claims " + std::to_string(chunk_count_) +
                     " chunks, more than " + std::to_string(data_bytes) + " data bytes can hold");
  }
  std::uint64_t payload_room = data_bytes - chunk_count_ * per_chunk_overhead;
  for (std::size_t i = 0; i < arrays; ++i) {
    const ArraySpec& array = header_.arrays[i];
    const std::uint64_t total = le::load<std::uint64_t>(end.data() + 12 + 8 * i);
    const std::uint64_t element_bytes = dtype_size(array.dtype);
    if (total > payload_room / element_bytes) {
      throw InputError(path_ + ": corrupt trace: end record claims " + std::to_string(total) +
                       " elements for array '" + array.name + "', more than the file can hold");
    }
    if (total % array.record_elements() != 0) {
      throw InputError(path_ + ": corrupt trace: array '" + array.name + "' has " +
                       std::to_string(total) + " elements, not a whole number of records");
    }
    payload_room -= total * element_bytes;
    totals_.push_back(total);
  }
}

void TraceReader::for_each_chunk(const std::function<void(const TraceChunk&)>& visit) {
  const std::size_t arrays = header_.arrays.size();
  std::vector<std::uint64_t> seen(arrays, 0);
  std::uint64_t chunks = 0;
  std::uint64_t offset = data_begin_;
  while (offset < data_end_) {
    const std::string where =
        "chunk " + std::to_string(chunks) + " at byte " + std::to_string(offset);
    const std::uint64_t room = data_end_ - offset;
    if (room < layout::kChunkFieldBytes + layout::kCrcBytes) {
      throw InputError(path_ + ": corrupt trace: " + where + " is cut short before the end record");
    }
    unsigned char fields[layout::kChunkFieldBytes];
    read_exactly(offset, fields, sizeof fields, "chunk fields");
    if (std::memcmp(fields, layout::kChunkTag.data(), layout::kChunkTag.size()) != 0) {
      throw InputError(path_ + ": corrupt trace: " + where + ": expected tag 'CHNK'");
    }
    const auto array_index = le::load<std::uint32_t>(fields + 4);
    const auto first = le::load<std::uint64_t>(fields + 8);
    const auto count = le::load<std::uint64_t>(fields + 16);
    const auto payload_bytes = le::load<std::uint64_t>(fields + 24);
    if (array_index >= arrays) {
      throw InputError(path_ + ": corrupt trace: " + where + ": array index " +
                       std::to_string(array_index) + " out of range (" + std::to_string(arrays) +
                       " arrays)");
    }
    const ArraySpec& array = header_.arrays[array_index];
    const std::uint64_t element_bytes = dtype_size(array.dtype);
    const std::uint64_t payload_room = room - layout::kChunkFieldBytes - layout::kCrcBytes;
    if (count > payload_room / element_bytes || payload_bytes != count * element_bytes) {
      throw InputError(path_ + ": corrupt trace: " + where + ": " + std::to_string(count) + " " +
                       std::string(dtype_name(array.dtype)) + " elements in " +
                       std::to_string(payload_bytes) + " payload bytes do not fit the " +
                       std::to_string(payload_room) + " bytes left before the end record");
    }
    if (count % array.record_elements() != 0) {
      throw InputError(path_ + ": corrupt trace: " + where + ": " + std::to_string(count) +
                       " elements is not a whole number of records of array '" + array.name + "'");
    }
    if (first != seen[array_index]) {
      throw InputError(path_ + ": corrupt trace: " + where + " of array '" + array.name +
                       "' starts at element " + std::to_string(first) + ", expected " +
                       std::to_string(seen[array_index]) + " (chunks missing or out of order)");
    }
    payload_.resize(static_cast<std::size_t>(payload_bytes));
    read_exactly(offset + sizeof fields, payload_.data(), payload_.size(), "chunk payload");
    unsigned char stored_crc[layout::kCrcBytes];
    read_exactly(offset + sizeof fields + payload_bytes, stored_crc, sizeof stored_crc,
                 "chunk CRC");
    std::uint32_t crc = crc32_of(fields, sizeof fields);
    crc = crc32_update(crc, payload_.data(), payload_.size());
    if (crc != le::load<std::uint32_t>(stored_crc)) {
      throw InputError(path_ + ": corrupt trace: " + where + ": CRC mismatch (stored " +
                       hex32(le::load<std::uint32_t>(stored_crc)) + ", computed " + hex32(crc) +
                       ")");
    }
    if (count > totals_[array_index] - seen[array_index]) {
      throw InputError(path_ + ": corrupt trace: array '" + array.name +
                       "' has more elements than the end record's " +
                       std::to_string(totals_[array_index]));
    }
    seen[array_index] += count;
    ++chunks;
    offset += sizeof fields + payload_bytes + layout::kCrcBytes;

    TraceChunk chunk;
    chunk.array_index = array_index;
    chunk.array = &array;
    chunk.first_element = first;
    chunk.element_count = count;
    chunk.payload = payload_.data();
    visit(chunk);
  }
  if (chunks != chunk_count_) {
    throw InputError(path_ + ": corrupt trace: end record claims " + std::to_string(chunk_count_) +
                     " chunks, found " + std::to_string(chunks));
  }
  for (std::size_t i = 0; i < arrays; ++i) {
    if (seen[i] != totals_[i]) {
      throw InputError(path_ + ": corrupt trace: array '" + header_.arrays[i].name + "' has " +
                       std::to_string(seen[i]) + " elements, the end record claims " +
                       std::to_string(totals_[i]));
    }
  }
}

}  // namespace tessera::traces
