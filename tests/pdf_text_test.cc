#include "rules/pdf_text.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "rules/thai_date.h"
#include "rules/thai_text.h"
#include "tests/test_pdf.h"

namespace oitwatch {
namespace {

// Fixtures made once by tests/fixtures/pdf/make_pdfs.py.
std::string Fixture(const std::string& name) {
  std::ifstream in(
      std::string(OITWATCH_SOURCE_DIR) + "/tests/fixtures/pdf/" + name,
      std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  EXPECT_FALSE(buf.str().empty()) << "missing fixture " << name;
  return buf.str();
}

constexpr size_t kBig = 1 << 20;

TEST(PdfTextTest, ThaiTextLayerIsExtracted) {
  PdfText pdf;
  std::string err;
  ASSERT_TRUE(
      ExtractPdfText(Fixture("thai_text_layer.pdf"), 50, kBig, &pdf, &err))
      << err;
  EXPECT_EQ(pdf.pages, 2);
  EXPECT_TRUE(pdf.has_text);
  const std::string text = NormalizeThai(pdf.text);
  EXPECT_NE(text.find("แผนปฏิบัติราชการประจำปีงบประมาณพ.ศ. 2568"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("สำนักงานเขตหลักสี่"), std::string::npos) << text;
  EXPECT_NE(text.find("15 มกราคม 2568"), std::string::npos) << text;
}

TEST(PdfTextTest, PagesAreJoinedInOrder) {
  PdfText pdf;
  std::string err;
  ASSERT_TRUE(
      ExtractPdfText(Fixture("thai_text_layer.pdf"), 50, kBig, &pdf, &err));
  const size_t first = pdf.text.find("หลักสี่");
  const size_t second = pdf.text.find("O05 Action Plan");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, second);
  EXPECT_NE(pdf.text.substr(first, second - first).find('\n'),
            std::string::npos);
}

TEST(PdfTextTest, InfoDictionaryTitleAndDates) {
  PdfText pdf;
  std::string err;
  ASSERT_TRUE(
      ExtractPdfText(Fixture("thai_text_layer.pdf"), 50, kBig, &pdf, &err));
  EXPECT_EQ(pdf.title, "แผนปฏิบัติราชการ ประจำปีงบประมาณ พ.ศ. 2568");
  EXPECT_EQ(pdf.creation_date, "2025-01-15");
  EXPECT_EQ(pdf.mod_date, "2025-02-01");
}

TEST(PdfTextTest, ExtractedThaiTextYieldsTheFiscalYear) {
  PdfText pdf;
  std::string err;
  ASSERT_TRUE(
      ExtractPdfText(Fixture("thai_text_layer.pdf"), 50, kBig, &pdf, &err));
  bool fiscal_2568 = false;
  for (const DateMention& m : FindDates(NormalizeThai(pdf.text))) {
    fiscal_2568 = fiscal_2568 || (m.fiscal_marker && m.fiscal_year == 2568);
  }
  EXPECT_TRUE(fiscal_2568) << pdf.text;
}

TEST(PdfTextTest, ImageOnlyPdfHasNoText) {
  PdfText pdf;
  std::string err;
  ASSERT_TRUE(ExtractPdfText(Fixture("image_only.pdf"), 50, kBig, &pdf, &err))
      << err;
  EXPECT_EQ(pdf.pages, 1);
  EXPECT_FALSE(pdf.has_text);
  EXPECT_EQ(pdf.creation_date, "2024-11-01");
}

TEST(PdfTextTest, EncryptedPdfIsAnError) {
  PdfText pdf;
  std::string err;
  EXPECT_FALSE(ExtractPdfText(Fixture("encrypted.pdf"), 50, kBig, &pdf, &err));
  EXPECT_NE(err.find("encrypted"), std::string::npos) << err;
}

TEST(PdfTextTest, CorruptAndTruncatedPdfsAreErrors) {
  for (const char* name : {"corrupt.pdf", "truncated.pdf"}) {
    PdfText pdf;
    std::string err;
    EXPECT_FALSE(ExtractPdfText(Fixture(name), 50, kBig, &pdf, &err)) << name;
    EXPECT_NE(err.find("pdf:"), std::string::npos) << name << ": " << err;
  }
}

TEST(PdfTextTest, NonPdfBytesAreErrors) {
  for (const std::string& bytes :
       {std::string(), std::string("<html>not a pdf</html>"),
        std::string("%PDF-1.4\n"), std::string(5000, '\0')}) {
    PdfText pdf;
    std::string err;
    EXPECT_FALSE(ExtractPdfText(bytes, 50, kBig, &pdf, &err)) << bytes.size();
    EXPECT_FALSE(err.empty());
  }
}

TEST(PdfTextTest, SimplePdfRoundTrips) {
  PdfText pdf;
  std::string err;
  ASSERT_TRUE(ExtractPdfText(MakeSimplePdf("O15 procurement summary 2568"), 50,
                             kBig, &pdf, &err))
      << err;
  EXPECT_EQ(pdf.pages, 1);
  EXPECT_TRUE(pdf.has_text);
  EXPECT_NE(pdf.text.find("O15 procurement summary 2568"), std::string::npos)
      << pdf.text;
}

TEST(PdfTextTest, SimplePdfLinesAndSpecialCharacters) {
  PdfText pdf;
  std::string err;
  ASSERT_TRUE(ExtractPdfText(MakeSimplePdf("Line (one) \\ back\nLine two"), 50,
                             kBig, &pdf, &err))
      << err;
  EXPECT_NE(pdf.text.find("Line (one) \\ back"), std::string::npos) << pdf.text;
  EXPECT_NE(pdf.text.find("Line two"), std::string::npos) << pdf.text;
}

TEST(PdfTextTest, SimplePdfPagesWithThaiInfo) {
  SimplePdfInfo info;
  info.title = "สรุปผลการจัดซื้อจัดจ้าง";
  info.creation_date = "D:20241001090000+07'00'";
  info.mod_date = "D:20250301";
  PdfText pdf;
  std::string err;
  ASSERT_TRUE(
      ExtractPdfText(MakeSimplePdfPages({"page one", "", "page three"}, info),
                     50, kBig, &pdf, &err))
      << err;
  EXPECT_EQ(pdf.pages, 3);
  EXPECT_EQ(pdf.title, "สรุปผลการจัดซื้อจัดจ้าง");
  EXPECT_EQ(pdf.creation_date, "2024-10-01");
  EXPECT_EQ(pdf.mod_date, "2025-03-01");
  EXPECT_NE(pdf.text.find("page three"), std::string::npos);
}

TEST(PdfTextTest, PagesWithoutTextMeanNoText) {
  PdfText pdf;
  std::string err;
  ASSERT_TRUE(
      ExtractPdfText(MakeSimplePdfPages({"", "", ""}), 50, kBig, &pdf, &err))
      << err;
  EXPECT_EQ(pdf.pages, 3);
  EXPECT_FALSE(pdf.has_text);
  EXPECT_EQ(pdf.creation_date, "");
}

TEST(PdfTextTest, PageCapStopsExtraction) {
  PdfText pdf;
  std::string err;
  ASSERT_TRUE(ExtractPdfText(MakeSimplePdfPages({"alpha", "beta", "gamma"}), 2,
                             kBig, &pdf, &err));
  EXPECT_EQ(pdf.pages, 3);  // the document's page count
  EXPECT_NE(pdf.text.find("beta"), std::string::npos);
  EXPECT_EQ(pdf.text.find("gamma"), std::string::npos);
}

TEST(PdfTextTest, TextCapKeepsValidUtf8) {
  PdfText pdf;
  std::string err;
  ASSERT_TRUE(
      ExtractPdfText(Fixture("thai_text_layer.pdf"), 50, 20, &pdf, &err));
  EXPECT_LE(pdf.text.size(), 20u);
  EXPECT_EQ(SanitizeUtf8(pdf.text), pdf.text);
  EXPECT_TRUE(pdf.has_text);
}

}  // namespace
}  // namespace oitwatch
