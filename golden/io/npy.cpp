#include "golden/io/npy.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <sstream>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"

namespace tessera::npy {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;
// NumPy itself never writes headers this long; anything longer is a corrupt or hostile file.
constexpr std::size_t kMaxHeaderSize = 1u << 20;

struct DTypeInfo {
  DType dtype;
  std::string_view name;
  std::string_view descr;
  std::size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::float32, "float32", "<f4", 4}, {DType::float64, "float64", "<f8", 8},
    {DType::int8, "int8", "|i1", 1},       {DType::uint8, "uint8", "|u1", 1},
    {DType::int16, "int16", "<i2", 2},     {DType::uint16, "uint16", "<u2", 2},
    {DType::int32, "int32", "<i4", 4},     {DType::uint32, "uint32", "<u4", 4},
    {DType::int64, "int64", "<i8", 8},     {DType::uint64, "uint64", "<u8", 8},
    {DType::bool8, "bool", "|b1", 1},
};

const DTypeInfo& info(DType dtype) {
  for (const auto& entry : kDTypes) {
    if (entry.dtype == dtype) return entry;
  }
  throw Error("npy: unknown dtype enumerator");
}

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw InputError(source + ": " + what);
}

std::string accepted_descrs() {
  std::string list;
  for (const auto& entry : kDTypes) {
    if (!list.empty()) list += ", ";
    list += "'" + std::string(entry.descr) + "'";
  }
  return list;
}

DType dtype_from_descr(const std::string& descr, const std::string& source) {
  std::string normalised = descr;
  // One-byte types carry no byte order; NumPy writes '|' but '<' and '=' mean the same.
  if (normalised.size() == 3 && (normalised[0] == '<' || normalised[0] == '=') &&
      normalised[2] == '1') {
    normalised[0] = '|';
  }
  for (const auto& entry : kDTypes) {
    if (entry.descr == normalised) return entry.dtype;
  }
  if (!descr.empty() && descr[0] == '>') {
    fail(source, "header field 'descr': big-endian data ('" + descr +
                     "') is not supported; expected little-endian, one of " + accepted_descrs());
  }
  fail(source, "header field 'descr': unsupported dtype '" + descr + "'; expected one of " +
                   accepted_descrs());
}

// Returns the text of the value for `key` in the header dict: from after "'key':" up to the
// next top-level ',' or '}'.
std::string header_value(const std::string& header, const std::string& key,
                         const std::string& source) {
  std::size_t pos = std::string::npos;
  for (const char quote : {'\'', '"'}) {
    const std::string needle = std::string(1, quote) + key + std::string(1, quote);
    pos = header.find(needle);
    if (pos != std::string::npos) {
      pos += needle.size();
      break;
    }
  }
  if (pos == std::string::npos) fail(source, "header has no field '" + key + "'");
  while (pos < header.size() && std::isspace(static_cast<unsigned char>(header[pos]))) ++pos;
  if (pos >= header.size() || header[pos] != ':') {
    fail(source, "header field '" + key + "': expected ':' after the key");
  }
  ++pos;
  int depth = 0;
  std::size_t end = pos;
  for (; end < header.size(); ++end) {
    const char c = header[end];
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (depth == 0 && (c == ',' || c == '}')) break;
  }
  if (end >= header.size()) fail(source, "header field '" + key + "': value is not terminated");
  std::string value = header.substr(pos, end - pos);
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  value.erase(value.begin(), std::find_if(value.begin(), value.end(), not_space));
  value.erase(std::find_if(value.rbegin(), value.rend(), not_space).base(), value.end());
  return value;
}

std::string unquote(const std::string& value, const std::string& key, const std::string& source) {
  if (value.size() < 2 || (value.front() != '\'' && value.front() != '"') ||
      value.back() != value.front()) {
    fail(source, "header field '" + key + "': expected a quoted string, got " + value);
  }
  return value.substr(1, value.size() - 2);
}

std::vector<std::size_t> parse_shape(const std::string& value, const std::string& source) {
  if (value.size() < 2 || value.front() != '(' || value.back() != ')') {
    fail(source, "header field 'shape': expected a tuple such as (2, 3), got " + value);
  }
  std::vector<std::size_t> shape;
  std::string inner = value.substr(1, value.size() - 2);
  std::stringstream stream(inner);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const auto first = item.find_first_not_of(" \t\n");
    if (first == std::string::npos) continue;  // the trailing comma of a 1-tuple
    const auto last = item.find_last_not_of(" \t\nL");
    const std::string digits = item.substr(first, last - first + 1);
    if (digits.empty() || digits.size() > 19 ||
        !std::all_of(digits.begin(), digits.end(),
                     [](unsigned char c) { return std::isdigit(c) != 0; })) {
      fail(source, "header field 'shape': expected non-negative integers, got '" + digits + "'");
    }
    shape.push_back(static_cast<std::size_t>(std::stoull(digits)));
  }
  return shape;
}

}  // namespace

std::string_view dtype_name(DType dtype) { return info(dtype).name; }
std::string_view dtype_descr(DType dtype) { return info(dtype).descr; }
std::size_t dtype_size(DType dtype) { return info(dtype).size; }

std::string shape_to_string(const std::vector<std::size_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  if (shape.size() == 1) text += ",";
  return text + ")";
}

std::size_t Array::element_count() const {
  std::size_t count = 1;
  for (const std::size_t dim : shape) count *= dim;
  return count;
}

template <class T>
const T* Array::data() const {
  if (dtype != dtype_of<T>()) {
    throw InputError("npy: array holds " + std::string(dtype_name(dtype)) + ", requested " +
                     std::string(dtype_name(dtype_of<T>())));
  }
  return reinterpret_cast<const T*>(bytes.data());
}

template <class T>
T* Array::data() {
  return const_cast<T*>(static_cast<const Array*>(this)->data<T>());
}

namespace {
template <class Source, class Target>
void convert_all(const Array& array, std::vector<Target>& out) {
  const std::size_t n = array.element_count();
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    Source value;
    std::memcpy(&value, array.bytes.data() + i * sizeof(Source), sizeof(Source));
    out[i] = static_cast<Target>(value);
  }
}
}  // namespace

template <class T>
std::vector<T> Array::to_vector() const {
  std::vector<T> out;
  switch (dtype) {
    case DType::float32: convert_all<float>(*this, out); break;
    case DType::float64: convert_all<double>(*this, out); break;
    case DType::int8: convert_all<std::int8_t>(*this, out); break;
    case DType::uint8: convert_all<std::uint8_t>(*this, out); break;
    case DType::int16: convert_all<std::int16_t>(*this, out); break;
    case DType::uint16: convert_all<std::uint16_t>(*this, out); break;
    case DType::int32: convert_all<std::int32_t>(*this, out); break;
    case DType::uint32: convert_all<std::uint32_t>(*this, out); break;
    case DType::int64: convert_all<std::int64_t>(*this, out); break;
    case DType::uint64: convert_all<std::uint64_t>(*this, out); break;
    case DType::bool8: convert_all<std::uint8_t>(*this, out); break;
  }
  return out;
}

template <class T>
Array make_array(std::vector<std::size_t> shape, const std::vector<T>& values) {
  Array array;
  array.dtype = dtype_of<T>();
  array.shape = std::move(shape);
  if (array.element_count() != values.size()) {
    throw InputError("npy: shape " + shape_to_string(array.shape) + " holds " +
                     std::to_string(array.element_count()) + " elements, given " +
                     std::to_string(values.size()));
  }
  array.bytes.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(array.bytes.data(), values.data(), array.bytes.size());
  return array;
}

#define TESSERA_NPY_INSTANTIATE(T)                                              \
  template const T* Array::data<T>() const;                                     \
  template T* Array::data<T>();                                                 \
  template std::vector<T> Array::to_vector<T>() const;                          \
  template Array make_array<T>(std::vector<std::size_t>, const std::vector<T>&);
TESSERA_NPY_INSTANTIATE(float)
TESSERA_NPY_INSTANTIATE(double)
TESSERA_NPY_INSTANTIATE(std::int8_t)
TESSERA_NPY_INSTANTIATE(std::uint8_t)
TESSERA_NPY_INSTANTIATE(std::int16_t)
TESSERA_NPY_INSTANTIATE(std::uint16_t)
TESSERA_NPY_INSTANTIATE(std::int32_t)
TESSERA_NPY_INSTANTIATE(std::uint32_t)
TESSERA_NPY_INSTANTIATE(std::int64_t)
TESSERA_NPY_INSTANTIATE(std::uint64_t)
#undef TESSERA_NPY_INSTANTIATE

Array parse(std::string_view file, const std::string& source) {
  if (file.size() < kMagicSize + 2 || std::memcmp(file.data(), kMagic, kMagicSize) != 0) {
    fail(source, "not a .npy file (missing the \\x93NUMPY magic string)");
  }
  const auto major = static_cast<unsigned char>(file[6]);
  const auto minor = static_cast<unsigned char>(file[7]);
  std::size_t header_size = 0;
  std::size_t prefix = 0;
  if (major == 1) {
    if (file.size() < 10) fail(source, "truncated header length");
    header_size = static_cast<unsigned char>(file[8]) |
                  (static_cast<std::size_t>(static_cast<unsigned char>(file[9])) << 8);
    prefix = 10;
  } else if (major == 2 || major == 3) {
    if (file.size() < 12) fail(source, "truncated header length");
    for (int i = 0; i < 4; ++i) {
      header_size |= static_cast<std::size_t>(static_cast<unsigned char>(file[8 + i])) << (8 * i);
    }
    prefix = 12;
  } else {
    fail(source, "unsupported .npy format version " + std::to_string(major) + "." +
                     std::to_string(minor) + "; expected 1.0, 2.0 or 3.0");
  }
  if (header_size > kMaxHeaderSize) {
    fail(source, "header length " + std::to_string(header_size) + " exceeds the limit of " +
                     std::to_string(kMaxHeaderSize) + " bytes");
  }
  if (file.size() < prefix + header_size) {
    fail(source, "truncated header: expected " + std::to_string(header_size) + " bytes, found " +
                     std::to_string(file.size() - prefix));
  }
  const std::string header(file.substr(prefix, header_size));
  if (header.find('{') == std::string::npos || header.find('}') == std::string::npos) {
    fail(source, "header is not a Python dict literal");
  }
  Array array;
  array.dtype = dtype_from_descr(unquote(header_value(header, "descr", source), "descr", source),
                                 source);
  const std::string fortran = header_value(header, "fortran_order", source);
  if (fortran == "True") {
    fail(source, "header field 'fortran_order': Fortran-ordered arrays are not supported; "
                 "expected False (save with numpy.ascontiguousarray)");
  }
  if (fortran != "False") {
    fail(source, "header field 'fortran_order': expected True or False, got " + fortran);
  }
  array.shape = parse_shape(header_value(header, "shape", source), source);

  const std::size_t item_size = dtype_size(array.dtype);
  const std::size_t available = file.size() - prefix - header_size;
  std::size_t expected = item_size;
  for (const std::size_t dim : array.shape) {
    if (dim != 0 && expected > std::numeric_limits<std::size_t>::max() / dim) {
      fail(source, "header field 'shape': " + shape_to_string(array.shape) +
                       " is too large to address");
    }
    expected *= dim;
  }
  if (available != expected) {
    fail(source, std::string(available < expected ? "truncated data" : "unexpected trailing data") +
                     ": shape " + shape_to_string(array.shape) + " of " +
                     std::string(dtype_name(array.dtype)) + " needs " + std::to_string(expected) +
                     " bytes, file holds " + std::to_string(available));
  }
  const auto* begin = reinterpret_cast<const std::uint8_t*>(file.data() + prefix + header_size);
  array.bytes.assign(begin, begin + expected);
  return array;
}

Array load(const std::string& path) { return parse(io::read_file(path), path); }

std::string serialize(const Array& array) {
  if (array.bytes.size() != array.element_count() * dtype_size(array.dtype)) {
    throw InputError("npy: array of shape " + shape_to_string(array.shape) + " holds " +
                     std::to_string(array.bytes.size()) + " bytes, expected " +
                     std::to_string(array.element_count() * dtype_size(array.dtype)));
  }
  std::string header = "{'descr': '" + std::string(dtype_descr(array.dtype)) +
                       "', 'fortran_order': False, 'shape': " + shape_to_string(array.shape) +
                       ", }";
  // Pad with spaces so that magic + length + header + '\n' is a multiple of 64 bytes.
  const std::size_t unpadded = kMagicSize + 2 + 2 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  if (header.size() > 0xFFFF) throw InputError("npy: header too long for format 1.0");
  std::string out(kMagic, kMagicSize);
  out.push_back('\x01');
  out.push_back('\x00');
  out.push_back(static_cast<char>(header.size() & 0xFF));
  out.push_back(static_cast<char>(header.size() >> 8));
  out += header;
  out.append(reinterpret_cast<const char*>(array.bytes.data()), array.bytes.size());
  return out;
}

void save(const std::string& path, const Array& array) {
  io::write_file_atomically(path, serialize(array));
}

Array load_expecting(const std::string& path, DType expected) {
  Array array = load(path);
  if (array.dtype != expected) {
    fail(path, "dtype: expected " + std::string(dtype_name(expected)) + ", got " +
                   std::string(dtype_name(array.dtype)));
  }
  if (array.element_count() == 0) {
    fail(path, "shape " + shape_to_string(array.shape) + " is empty; expected at least one element");
  }
  return array;
}

}  // namespace tessera::npy
