// The main of every test binary: GoogleTest's, and the PDF worker's when the
// binary is started as `<test binary> pdf-worker ...` (PdfSandbox runs
// /proc/self/exe, which in a test is the test binary).
#include <gtest/gtest.h>

#include <cstring>

#include "rules/pdf_worker.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], oitwatch::kPdfWorkerCommand) == 0) {
    return oitwatch::PdfWorkerMain(argc, argv);
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
