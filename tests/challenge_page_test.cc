// ChallengePage: a bot challenge or captcha wall is `blocked` whatever its
// status (red-team quirks C2/C4/C5b: Cloudflare and a Thai reCAPTCHA page
// sent with 200), and a real page that merely embeds a captcha or
// Cloudflare's bot-detection script is not one. The fetcher-level tests go
// through a real server: the header and the status both count.
#include "crawler/challenge_page.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/test_fetch.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

// Cloudflare's managed challenge as the red team captured its shape.
const char kCloudflare[] =
    "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title>"
    "<meta http-equiv=\"refresh\" content=\"390\"><script src=\"/cdn-cgi/"
    "challenge-platform/h/g/orchestrate/chl_page/v1\"></script></head><body>"
    "<div id=\"challenge-running\">Checking if the site connection is secure"
    "</div><div>Ray ID: <code>8a1b2c3d4e5f6789</code> Performance &amp; "
    "security by Cloudflare</div></body></html>";
// A Thai captcha wall: a heading and the widget, nothing else.
const char kThaiCaptcha[] =
    "<html><head><meta charset=\"utf-8\"><title>ตรวจสอบความปลอดภัย</title>"
    "</head><body><h1>กรุณายืนยันว่าคุณไม่ใช่โปรแกรมอัตโนมัติ</h1><div "
    "class=\"g-recaptcha\" data-sitekey=\"6Lc_x\"></div><script src=\"https:"
    "//www.google.com/recaptcha/api.js\"></script></body></html>";

// A district's contact page: its menu, its text and a reCAPTCHA form.
std::string ContactPageWithCaptcha() {
  std::string menu;
  for (int i = 0; i < 12; ++i) {
    menu += "<a href=\"/laksi/page/" + std::to_string(i) + "\">เมนู " +
            std::to_string(i) + "</a> ";
  }
  return "<html><head><title>ติดต่อเรา</title></head><body>" + menu +
         "<h1>ติดต่อสำนักงานเขตหลักสี่</h1><p>เลขที่ 1 ถนนแจ้งวัฒนะ แขวงทุ่งสองห้อง "
         "เขตหลักสี่ กรุงเทพมหานคร 10210 โทรศัพท์ 0 2521 0000 ในวันและเวลาราชการ"
         "</p><form><textarea name=msg></textarea><div class=\"g-recaptcha\" "
         "data-sitekey=\"x\"></div></form></body></html>";
}

bool Challenge(int status, const std::string& body, bool cf_header = false,
               const std::string& type = "text/html; charset=utf-8") {
  return IsChallengePage(ChallengeSigns{status, cf_header, &type, &body});
}

TEST(ChallengePageTest, CloudflareChallengeSentWith200IsAChallenge) {
  EXPECT_TRUE(Challenge(200, kCloudflare));
}

TEST(ChallengePageTest, ThaiCaptchaWallSentWith200IsAChallenge) {
  EXPECT_TRUE(Challenge(200, kThaiCaptcha));
}

TEST(ChallengePageTest, CfMitigatedHeaderIsAChallengeWhateverTheBody) {
  EXPECT_TRUE(Challenge(200, "<html><body>checking</body></html>", true));
}

TEST(ChallengePageTest, RealPageEmbeddingACaptchaFormIsNotAChallenge) {
  EXPECT_FALSE(Challenge(200, ContactPageWithCaptcha()));
}

// rt6net S01c: a small real contact page (two links, an address) whose
// contact form carries a reCAPTCHA widget was taken for a captcha wall, and
// O1 went unchecked. Its form asks for a name and a message: a wall asks
// for nothing but the captcha.
TEST(ChallengePageTest, SmallContactPageWithACaptchaFormIsNotAChallenge) {
  const std::string head =
      "<!doctype html><html lang=\"th\"><head><meta charset=\"utf-8\"><title>"
      "ติดต่อเรา - สำนักงานเขตหลักสี่</title><script src=\"https://www.google.com"
      "/recaptcha/api.js\" async defer></script></head><body><a href=\"/laksi/"
      "\">หน้าหลัก</a> <a href=\"/laksi/page/main/20/ITA\">OIT</a><h2>ติดต่อ"
      "สำนักงานเขตหลักสี่</h2><p>ที่อยู่ 99 ถนนแจ้งวัฒนะ กรุงเทพมหานคร 10210 "
      "โทรศัพท์ 0 2521 0000</p><form method=\"post\" action=\"/laksi/contact/"
      "send\">";
  const std::string widget =
      "<div class=\"g-recaptcha\" data-sitekey=\"6Lc_x\"></div><button>"
      "ส่งข้อความ</button></form></body></html>";
  for (const char* fields :
       {"<input name=\"name\" placeholder=\"ชื่อ\"><textarea name=\"msg\">"
        "</textarea>",
        "<textarea name=\"detail\"></textarea>",
        "<input type=\"email\" name=\"from\">",
        "<input type=tel name=t>",
        "<input name=\"subject\">"}) {
    EXPECT_FALSE(Challenge(200, head + fields + widget)) << fields;
  }
  // The widget's own fields (its no-script fallback box, its token, a
  // "type the letters" box) and the buttons are no user fields: a wall.
  EXPECT_TRUE(Challenge(
      200, head +
               "<noscript><textarea id=\"g-recaptcha-response\" name=\"g-"
               "recaptcha-response\" class=\"g-recaptcha-response\"></textarea>"
               "</noscript><input type=hidden name=return value=\"/laksi/ita\">"
               "<input type=\"text\" name=\"captcha_code\"><input type=submit "
               "value=\"ยืนยัน\">" + widget));
}

TEST(ChallengePageTest, RealPageWithCloudflareBotScriptIsNotAChallenge) {
  const std::string page =
      ContactPageWithCaptcha() +
      "<script>var s='/cdn-cgi/challenge-platform/scripts/jsd/main.js'"
      "</script>";
  EXPECT_FALSE(Challenge(200, page));
  EXPECT_FALSE(Challenge(200, "<html><head><title>ข่าว</title></head><body>"
                              "<p>ข่าวประชาสัมพันธ์</p><script src=\"/cdn-cgi/"
                              "challenge-platform/scripts/jsd/main.js\">"
                              "</script></body></html>"));
}

TEST(ChallengePageTest, PdfThatMentionsTheTitleIsNotAChallenge) {
  EXPECT_FALSE(Challenge(200, "%PDF-1.4 <title>Just a moment...</title>", false,
                         "application/pdf"));
}

TEST(ChallengePageTest, Error403And503KeepTheirMarkers) {
  EXPECT_TRUE(Challenge(403, "<div id=cf-chl-widget>"));
  EXPECT_TRUE(Challenge(503, "<title>Just a moment...</title>"));
  EXPECT_FALSE(Challenge(503, "<title>Service Unavailable</title>"));
}

// Through the fetcher: a 200 challenge page is `blocked`, with the status
// and a note that says why.
TEST(ChallengePageTest, FetcherCallsA200ChallengeBlocked) {
  TestServer server;
  server.Route("/ita", TestResponse{200, "text/html", kCloudflare, {}});
  server.Route("/captcha", TestResponse{200, "text/html", kThaiCaptcha, {}});
  server.Route("/plain", TestResponse{200, "text/html", "<p>hi</p>",
                                      {{"cf-mitigated", "challenge"}}});
  server.Route("/contact",
               TestResponse{200, "text/html", ContactPageWithCaptcha(), {}});
  ASSERT_TRUE(server.Start());
  FetcherOptions options;
  options.allow_addresses = {"127.0.0.1"};
  options.connect_timeout_ms = 2000;
  options.page_timeout_ms = 5000;
  for (const char* path : {"/ita", "/captcha", "/plain"}) {
    Request request;
    request.url = server.url(path);
    const FetchResult r = FetchToEnd(options, request);
    EXPECT_EQ(r.outcome, FetchOutcome::kBlocked) << path;
    EXPECT_EQ(r.http_status, 200) << path;
    EXPECT_EQ(r.error, ChallengeNote()) << path;
  }
  Request request;
  request.url = server.url("/contact");
  EXPECT_EQ(FetchToEnd(options, request).outcome, FetchOutcome::kOk);
  // A robots.txt behind the same wall reads as no rules, as it did: the
  // pages report their own block.
  request.url = server.url("/ita");
  request.kind = RequestKind::kRobots;
  EXPECT_EQ(FetchToEnd(options, request).outcome, FetchOutcome::kOk);
}

}  // namespace
}  // namespace oitwatch
