#include "golden/io/npy.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "golden/common/error.h"
#include "tests/support/scratch_dir.h"

namespace tessera::npy {
namespace {

// A header exactly as NumPy 1.x writes it for np.save(np.arange(6, dtype=np.float32).reshape(2,3)).
std::string numpy_written_file() {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  header.append(128 - 10 - header.size() - 1, ' ');
  header.push_back('\n');
  std::string file("\x93NUMPY\x01\x00", 8);
  file.push_back(static_cast<char>(header.size()));
  file.push_back('\0');
  file += header;
  for (int i = 0; i < 6; ++i) {
    const float value = static_cast<float>(i);
    file.append(reinterpret_cast<const char*>(&value), sizeof(value));
  }
  return file;
}

std::string with_header(const std::string& dict, const std::string& payload) {
  std::string file("\x93NUMPY\x01\x00", 8);
  std::string header = dict + "\n";
  file.push_back(static_cast<char>(header.size() & 0xFF));
  file.push_back(static_cast<char>(header.size() >> 8));
  return file + header + payload;
}

void expect_input_error_mentioning(const std::string& file, const std::string& needle) {
  try {
    parse(file, "input.npy");
    FAIL() << "expected InputError mentioning '" << needle << "'";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("input.npy"), std::string::npos) << message;
    EXPECT_NE(message.find(needle), std::string::npos) << message;
  }
}

TEST(Npy, ParsesWhatNumpyWrites) {
  const Array array = parse(numpy_written_file(), "arange.npy");
  EXPECT_EQ(array.dtype, DType::float32);
  EXPECT_EQ(array.shape, (std::vector<std::size_t>{2, 3}));
  const std::vector<float> values = array.to_vector<float>();
  EXPECT_EQ(values, (std::vector<float>{0, 1, 2, 3, 4, 5}));
}

TEST(Npy, SerializedHeaderIsAlignedAndRoundTrips) {
  const Array original = make_array<std::int16_t>({3, 1, 2}, {-32768, -1, 0, 1, 2, 32767});
  const std::string bytes = serialize(original);
  const std::size_t header_length =
      static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  EXPECT_EQ((10 + header_length) % 64, 0u);
  EXPECT_EQ(bytes[10 + header_length - 1], '\n');
  const Array back = parse(bytes, "roundtrip.npy");
  EXPECT_EQ(back.dtype, DType::int16);
  EXPECT_EQ(back.shape, original.shape);
  EXPECT_EQ(back.bytes, original.bytes);
}

TEST(Npy, EveryDTypeRoundTripsThroughAFile) {
  test::ScratchDir dir;
  const std::vector<DType> dtypes = {DType::float32, DType::float64, DType::int8,   DType::uint8,
                                     DType::int16,   DType::uint16,  DType::int32,  DType::uint32,
                                     DType::int64,   DType::uint64,  DType::bool8};
  for (const DType dtype : dtypes) {
    Array array;
    array.dtype = dtype;
    array.shape = {5};
    array.bytes.resize(5 * dtype_size(dtype));
    for (std::size_t i = 0; i < array.bytes.size(); ++i) {
      array.bytes[i] = static_cast<std::uint8_t>(dtype == DType::bool8 ? i % 2 : 37 * i + 11);
    }
    const std::string path = dir.file(std::string(dtype_name(dtype)) + ".npy");
    save(path, array);
    const Array back = load(path);
    EXPECT_EQ(back.dtype, dtype) << dtype_name(dtype);
    EXPECT_EQ(back.bytes, array.bytes) << dtype_name(dtype);
  }
}

TEST(Npy, ScalarAndOneTupleShapes) {
  const Array scalar = parse(with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
                                         std::string(8, '\0')),
                             "scalar.npy");
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.element_count(), 1u);
  const Array vector = parse(with_header("{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }",
                                         "abcd"),
                             "vector.npy");
  EXPECT_EQ(vector.shape, (std::vector<std::size_t>{4}));
  EXPECT_EQ(shape_to_string(vector.shape), "(4,)");
}

TEST(Npy, VersionTwoHeaderIsAccepted) {
  std::string header = "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }\n";
  std::string file("\x93NUMPY\x02\x00", 8);
  const std::uint32_t length = static_cast<std::uint32_t>(header.size());
  file.append(reinterpret_cast<const char*>(&length), 4);
  const std::int32_t value = -7;
  file += header + std::string(reinterpret_cast<const char*>(&value), 4);
  const Array array = parse(file, "v2.npy");
  EXPECT_EQ(array.to_vector<std::int32_t>(), std::vector<std::int32_t>{-7});
}

TEST(Npy, RejectsMissingMagic) { expect_input_error_mentioning("PK\x03\x04 zip", "magic"); }

TEST(Npy, RejectsTruncatedData) {
  std::string file = numpy_written_file();
  file.resize(file.size() - 3);
  expect_input_error_mentioning(file, "truncated data");
}

TEST(Npy, RejectsTrailingData) {
  expect_input_error_mentioning(numpy_written_file() + "xx", "trailing data");
}

TEST(Npy, RejectsTruncatedHeader) {
  std::string file = numpy_written_file();
  file.resize(40);
  expect_input_error_mentioning(file, "truncated header");
}

TEST(Npy, RejectsBigEndian) {
  expect_input_error_mentioning(
      with_header("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", "abcd"),
      "big-endian");
}

TEST(Npy, RejectsFortranOrder) {
  expect_input_error_mentioning(
      with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", "abcd"),
      "fortran_order");
}

TEST(Npy, RejectsUnsupportedDType) {
  expect_input_error_mentioning(
      with_header("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", "abcdabcd"),
      "unsupported dtype '<c8'");
}

TEST(Npy, RejectsMissingShape) {
  expect_input_error_mentioning(with_header("{'descr': '<f4', 'fortran_order': False, }", "abcd"),
                                "'shape'");
}

TEST(Npy, RejectsNegativeOrGarbageShape) {
  expect_input_error_mentioning(
      with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", ""), "shape");
  expect_input_error_mentioning(
      with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", ""), "shape");
}

TEST(Npy, RejectsShapeWhoseByteCountOverflowsWithoutAllocating) {
  expect_input_error_mentioning(
      with_header("{'descr': '<f8', 'fortran_order': False, "
                  "'shape': (4294967296, 4294967296, 4294967296), }",
                  ""),
      "too large");
  // A huge but addressable shape fails on the size check, before any allocation.
  expect_input_error_mentioning(
      with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }", ""),
      "truncated data");
}

TEST(Npy, RejectsUnknownVersion) {
  std::string file = numpy_written_file();
  file[6] = '\x09';
  expect_input_error_mentioning(file, "version 9.0");
}

TEST(Npy, LoadNamesTheMissingFile) {
  try {
    load("/nonexistent/dir/tensor.npy");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/tensor.npy"), std::string::npos);
  }
}

TEST(Npy, LoadExpectingChecksDTypeAndEmptiness) {
  test::ScratchDir dir;
  save(dir.file("ints.npy"), make_array<std::int64_t>({2}, {1, 2}));
  save(dir.file("empty.npy"), make_array<float>({0, 3}, {}));
  EXPECT_THROW(load_expecting(dir.file("ints.npy"), DType::float32), InputError);
  try {
    load_expecting(dir.file("empty.npy"), DType::float32);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("empty"), std::string::npos) << e.what();
  }
  EXPECT_EQ(load_expecting(dir.file("ints.npy"), DType::int64).element_count(), 2u);
}

TEST(Npy, TypedViewRejectsTheWrongType) {
  const Array array = make_array<float>({1}, {1.0f});
  EXPECT_THROW(array.data<double>(), InputError);
  EXPECT_FLOAT_EQ(array.data<float>()[0], 1.0f);
}

TEST(Npy, MakeArrayChecksTheElementCount) {
  EXPECT_THROW(make_array<float>({2, 2}, {1.0f, 2.0f, 3.0f}), InputError);
}

}  // namespace
}  // namespace tessera::npy
