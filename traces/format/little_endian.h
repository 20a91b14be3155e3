#pragma once
// Little-endian encoding of integers and IEEE floats, byte by byte, so files are identical on
// every host. Compilers turn these loops into plain loads and stores on little-endian machines.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

namespace tessera::traces::le {

template <std::size_t Bytes>
struct UnsignedOfSize;
template <>
struct UnsignedOfSize<1> {
  using type = std::uint8_t;
};
template <>
struct UnsignedOfSize<2> {
  using type = std::uint16_t;
};
template <>
struct UnsignedOfSize<4> {
  using type = std::uint32_t;
};
template <>
struct UnsignedOfSize<8> {
  using type = std::uint64_t;
};

// Stores one element (integer or float) as sizeof(T) little-endian bytes.
template <class T>
inline void store(T value, unsigned char* out) {
  static_assert(std::is_arithmetic_v<T>);
  using Bits = typename UnsignedOfSize<sizeof(T)>::type;
  Bits bits;
  std::memcpy(&bits, &value, sizeof(T));
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out[i] = static_cast<unsigned char>(bits >> (8 * i));
  }
}

template <class T>
inline T load(const unsigned char* in) {
  static_assert(std::is_arithmetic_v<T>);
  using Bits = typename UnsignedOfSize<sizeof(T)>::type;
  Bits bits = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    bits = static_cast<Bits>(bits | static_cast<Bits>(static_cast<Bits>(in[i]) << (8 * i)));
  }
  T value;
  std::memcpy(&value, &bits, sizeof(T));
  return value;
}

template <class T>
inline void store_all(const T* values, std::size_t count, unsigned char* out) {
  for (std::size_t i = 0; i < count; ++i) store(values[i], out + i * sizeof(T));
}

template <class T>
inline void load_all(const unsigned char* in, std::size_t count, T* values) {
  for (std::size_t i = 0; i < count; ++i) values[i] = load<T>(in + i * sizeof(T));
}

// Appends a fixed-width field to a record being assembled.
template <class T>
inline void append(std::string& out, T value) {
  unsigned char bytes[sizeof(T)];
  store(value, bytes);
  out.append(reinterpret_cast<const char*>(bytes), sizeof(T));
}

}  // namespace tessera::traces::le
