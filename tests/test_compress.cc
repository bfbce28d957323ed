#include "tests/test_compress.h"

#include <zlib.h>

#include <algorithm>

namespace oitwatch {

std::string Zlib(const std::string& data, int window_bits, size_t zeros) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, window_bits, 9, Z_DEFAULT_STRATEGY);
  const std::string block(1 << 20, '\0');
  std::string out;
  char buffer[1 << 16];
  auto run = [&](const std::string& in, size_t size, int flush) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(size);
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = sizeof(buffer);
      deflate(&z, flush);
      out.append(buffer, sizeof(buffer) - z.avail_out);
    } while (z.avail_out == 0);
  };
  run(data, data.size(), Z_NO_FLUSH);
  for (; zeros > 0; zeros -= std::min(zeros, block.size()))
    run(block, std::min(zeros, block.size()), Z_NO_FLUSH);
  run(block, 0, Z_FINISH);
  deflateEnd(&z);
  return out;
}

}  // namespace oitwatch
