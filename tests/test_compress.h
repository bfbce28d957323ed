// Compressed bodies for the fetcher and decoder tests, made at test time so
// the fixtures stay small (a 64 MiB gzip bomb is ~64 KiB of zlib output).
#ifndef OITWATCH_TESTS_TEST_COMPRESS_H_
#define OITWATCH_TESTS_TEST_COMPRESS_H_

#include <cstddef>
#include <string>

namespace oitwatch {

// zlib's deflate of `data` then `zeros` zero bytes (streamed 1 MiB at a
// time): window_bits 31 = gzip, 15 = zlib ("deflate"), -15 = raw deflate.
std::string Zlib(const std::string& data, int window_bits, size_t zeros = 0);

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_COMPRESS_H_
