// Tensor-core (int8 IMMA, WMMA m16n16k16, int32 accumulation) path of the approximate GEMM for
// the multipliers the plan proved structured (kernels/approx/approx_gemm.h):
//   exact       table(a, b) = a * b
//   bit_planes  table(a, b) = a * b - sum_g (uint8(a) & mask_g) * (uint8(b) & J_g)
// The operands are expanded to K' = K * (1 + groups) signed 8-bit columns (bit_plane_tiles.h:
// A' = [a, f_1(a), ..., f_G(a)], W' = [b, -(b & J_1), ..., -(b & J_G)]), so that
// sum_k' A'[m][k'] W'[n][k'] = sum_k table(a, b) (the plan rebuilt all 65,536 entries from this
// decomposition before choosing the path). Every product is an integer with
// |product| <= 128 * 128 = 16384, and approx_gemm_imma_fits admits only K' * 16384 < 2^31, so
// every partial sum the tensor cores form, in whatever order, is an exact int32: no wraparound,
// no saturation, golden's bits.
// Layout: both operands are stored as contiguous 16 x 16 tiles (256 bytes; cudaMalloc aligns to
// 256), so every load_matrix_sync pointer meets WMMA's 256-bit alignment with ldm = 16.
// Layers (ggml style): device helper -> kernels -> launchers (check cudaGetLastError) -> entry.
#include <cuda_runtime.h>
#include <mma.h>

#include <cstdint>
#include <string>

#include "kernels/approx/bit_plane_tiles.h"
#include "kernels/approx/cuda/approx_gemm_device.h"
#include "kernels/common/cuda_check.cuh"

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 720
#error "int8 WMMA needs compute capability 7.2 or newer; set CMAKE_CUDA_ARCHITECTURES to 75 or above"
#endif

namespace tessera::kernels::cuda {
namespace {

constexpr int kTile = kImmaTile;
constexpr int kTileBytes = kImmaTileBytes;
constexpr int kWarpsPerBlock = 4;
constexpr int kExpandThreads = 256;

// src rows x K -> tiles[row_tiles][k_tiles][16][16], zero beyond rows and beyond K'.
__global__ void expand_to_tiles_kernel(const std::int8_t* __restrict__ src, int rows, int k, int k_expanded,
                                       int row_tiles, int k_tiles, BitPlaneMasks masks, bool activation,
                                       std::int8_t* __restrict__ tiles) {
  const std::size_t total = static_cast<std::size_t>(row_tiles) * k_tiles * kTileBytes;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += stride) {
    const TilePosition at = tile_position(i, static_cast<std::size_t>(k_tiles));
    const int row = static_cast<int>(at.row), col = static_cast<int>(at.column);
    tiles[i] = (row < rows && col < k_expanded)
                   ? bit_plane_value(src + static_cast<std::size_t>(row) * k, k, col, masks, activation)
                   : std::int8_t{0};
  }
}

// One warp per 16 x 16 output tile: acc += A'tile(tm, tk) * W'tile(tn, tk)^T over tk.
__global__ void imma_gemm_kernel(const std::int8_t* __restrict__ a_tiles, const std::int8_t* __restrict__ w_tiles,
                                 int m_tiles, int n_tiles, int k_tiles, std::int32_t* __restrict__ c, int ldc) {
  using namespace nvcuda;
  const int warp = static_cast<int>((static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32);
  if (warp >= m_tiles * n_tiles) return;  // uniform across the warp: blockDim is a multiple of 32
  const int tm = warp / n_tiles, tn = warp % n_tiles;
  wmma::fragment<wmma::matrix_a, kTile, kTile, kTile, signed char, wmma::row_major> a;
  wmma::fragment<wmma::matrix_b, kTile, kTile, kTile, signed char, wmma::col_major> b;
  wmma::fragment<wmma::accumulator, kTile, kTile, kTile, int> acc;
  wmma::fill_fragment(acc, 0);
  for (int tk = 0; tk < k_tiles; ++tk) {
    // A' tile: (row, col) at row * 16 + col (row-major). W' tile: row n, column k at n * 16 + k,
    // which is B = W'^T in column-major order.
    wmma::load_matrix_sync(a, a_tiles + (static_cast<std::size_t>(tm) * k_tiles + tk) * kTileBytes, kTile);
    wmma::load_matrix_sync(b, w_tiles + (static_cast<std::size_t>(tn) * k_tiles + tk) * kTileBytes, kTile);
    wmma::mma_sync(acc, a, b, acc);
  }
  wmma::store_matrix_sync(c + static_cast<std::size_t>(tm) * kTile * ldc + static_cast<std::size_t>(tn) * kTile, acc,
                          ldc, wmma::mem_row_major);
}

unsigned grid_for(std::size_t work, int threads) {
  const std::size_t wanted = (work + threads - 1) / threads;
  return static_cast<unsigned>(wanted < 65535 ? (wanted == 0 ? 1 : wanted) : 65535);  // grid-stride beyond
}

void launch_expand(const std::int8_t* src, int rows, int k, int k_expanded, int row_tiles, int k_tiles,
                   const BitPlaneMasks& masks, bool activation, std::int8_t* tiles, cudaStream_t stream) {
  const std::size_t total = static_cast<std::size_t>(row_tiles) * k_tiles * kTileBytes;
  expand_to_tiles_kernel<<<grid_for(total, kExpandThreads), kExpandThreads, 0, stream>>>(
      src, rows, k, k_expanded, row_tiles, k_tiles, masks, activation, tiles);
  CUDA_CHECK(cudaGetLastError());
}

void launch_imma_gemm(const std::int8_t* a_tiles, const std::int8_t* w_tiles, int m_tiles, int n_tiles, int k_tiles,
                      std::int32_t* c, cudaStream_t stream) {
  const int threads = kWarpsPerBlock * 32;
  const std::size_t warps = static_cast<std::size_t>(m_tiles) * n_tiles;
  const unsigned grid = static_cast<unsigned>((warps + kWarpsPerBlock - 1) / kWarpsPerBlock);
  imma_gemm_kernel<<<grid, threads, 0, stream>>>(a_tiles, w_tiles, m_tiles, n_tiles, k_tiles, c, n_tiles * kTile);
  CUDA_CHECK(cudaGetLastError());
}

}  // namespace

bool approx_gemm_imma_fits(std::size_t m, std::size_t n, std::size_t k, std::size_t groups) {
  if (k == 0 || groups > static_cast<std::size_t>(kMaxBitPlaneGroups)) return false;
  const std::size_t k_expanded = k * (1 + groups);
  const std::size_t m_tiles = (m + kTile - 1) / kTile, n_tiles = (n + kTile - 1) / kTile;
  // Every partial sum below 2^31 (see the header comment); one warp per output tile, a 1-D grid.
  return k_expanded * 16384u < (std::size_t{1} << 31) &&
         m_tiles * n_tiles <= std::size_t{0x7FFFFFFF} / 32 &&
         (m_tiles * n_tiles + kWarpsPerBlock - 1) / kWarpsPerBlock <= std::size_t{0x7FFFFFFF};
}

void approx_gemm_imma_on_device(const std::vector<BitPlaneGroup>& groups, const std::int8_t* d_a,
                                const std::int8_t* d_w, std::size_t m, std::size_t n, std::size_t k,
                                std::int32_t* d_out) {
  if (!approx_gemm_imma_fits(m, n, k, groups.size())) {
    throw ConfigError("approx_gemm (tensor cores): K * (1 + groups) * 16384 must stay below 2^31; got K = " +
                      std::to_string(k) + ", " + std::to_string(groups.size()) + " groups");
  }
  BitPlaneMasks masks{};
  masks.groups = static_cast<int>(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    masks.activation_mask[g] = groups[g].activation_mask;
    masks.weight_bits[g] = groups[g].weight_bits;
  }
  const int k_expanded = static_cast<int>(k * (1 + groups.size()));
  const int m_tiles = static_cast<int>((m + kTile - 1) / kTile), n_tiles = static_cast<int>((n + kTile - 1) / kTile);
  const int k_tiles = (k_expanded + kTile - 1) / kTile;
  DeviceBuffer<std::int8_t> a_tiles(static_cast<std::size_t>(m_tiles) * k_tiles * kTileBytes);
  DeviceBuffer<std::int8_t> w_tiles(static_cast<std::size_t>(n_tiles) * k_tiles * kTileBytes);
  DeviceBuffer<std::int32_t> padded(static_cast<std::size_t>(m_tiles) * kTile * n_tiles * kTile);
  launch_expand(d_a, static_cast<int>(m), static_cast<int>(k), k_expanded, m_tiles, k_tiles, masks, true,
                a_tiles.get(), nullptr);
  launch_expand(d_w, static_cast<int>(n), static_cast<int>(k), k_expanded, n_tiles, k_tiles, masks, false,
                w_tiles.get(), nullptr);
  launch_imma_gemm(a_tiles.get(), w_tiles.get(), m_tiles, n_tiles, k_tiles, padded.get(), nullptr);
  // The valid m x n corner of the padded (m_tiles * 16) x (n_tiles * 16) result.
  CUDA_CHECK(cudaMemcpy2D(d_out, n * sizeof(std::int32_t), padded.get(),
                          static_cast<std::size_t>(n_tiles) * kTile * sizeof(std::int32_t), n * sizeof(std::int32_t), m,
                          cudaMemcpyDeviceToDevice));
}

}  // namespace tessera::kernels::cuda
